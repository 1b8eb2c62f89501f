import type { WfSpecMetrics } from '@gallop/sdk';
import { formatDuration } from '../format.ts';
import type { MetricsFigure, MetricsSeries } from './types.ts';
import { averageOf, maxOf, totalOf } from './windows.ts';
import type { MetricsSlot } from './windows.ts';

/** The bars of a WfSpec's chart: WfRuns started, completed and failed in each window. */
export const WF_SPEC_SERIES: readonly MetricsSeries<WfSpecMetrics>[] = [
  { key: 'totalStarted', label: 'started', color: 'var(--running-border)', value: (m) => m.totalStarted },
  { key: 'totalCompleted', label: 'completed', color: 'var(--completed-border)', value: (m) => m.totalCompleted },
  { key: 'totalErrored', label: 'errored', color: 'var(--failed-border)', value: (m) => m.totalErrored },
];

/** A WfSpec's totals over the windows shown, and how long its completed WfRuns took from start to COMPLETED. */
export function wfSpecFigures(slots: readonly MetricsSlot<WfSpecMetrics>[]): MetricsFigure[] {
  const average = averageOf(slots, (m) => m.startToCompleteAvgMs, (m) => m.totalCompleted);
  const most = maxOf(slots, (m) => m.startToCompleteMaxMs);
  return [
    { key: 'totalStarted', label: 'Started', value: String(totalOf(slots, (m) => m.totalStarted)), hint: 'WfRuns started' },
    { key: 'totalCompleted', label: 'Completed', value: String(totalOf(slots, (m) => m.totalCompleted)), hint: 'WfRuns that reached COMPLETED' },
    { key: 'totalErrored', label: 'Errored', value: String(totalOf(slots, (m) => m.totalErrored)), hint: 'WfRuns that reached ERROR or EXCEPTION' },
    {
      key: 'startToCompleteAvgMs',
      label: 'Average start to complete',
      value: average === null ? '—' : formatDuration(average),
      detail: most === null ? undefined : `longest ${formatDuration(most)}`,
      hint: 'How long the WfRuns that completed took from start to COMPLETED',
    },
  ];
}
