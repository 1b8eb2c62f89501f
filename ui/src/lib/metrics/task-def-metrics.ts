import type { TaskDefMetrics } from '@gallop/sdk';
import { formatDuration } from '../format.ts';
import type { MetricsFigure, MetricsSeries } from './types.ts';
import { averageOf, maxOf, totalOf } from './windows.ts';
import type { MetricsSlot } from './windows.ts';

/** The bars of a TaskDef's chart: TaskRuns scheduled, and attempts completed and failed, in each window. */
export const TASK_DEF_SERIES: readonly MetricsSeries<TaskDefMetrics>[] = [
  { key: 'totalScheduled', label: 'scheduled', color: 'var(--running-border)', value: (m) => m.totalScheduled },
  { key: 'totalCompleted', label: 'completed', color: 'var(--completed-border)', value: (m) => m.totalCompleted },
  { key: 'totalErrored', label: 'errored', color: 'var(--failed-border)', value: (m) => m.totalErrored },
];

const duration = (ms: number | null) => (ms === null ? '—' : formatDuration(ms));
const longest = (ms: number | null) => (ms === null ? undefined : `longest ${formatDuration(ms)}`);

/** A TaskDef's totals over the windows shown, and how long its attempts waited for a worker and then ran. */
export function taskDefFigures(slots: readonly MetricsSlot<TaskDefMetrics>[]): MetricsFigure[] {
  return [
    { key: 'totalScheduled', label: 'Scheduled', value: String(totalOf(slots, (m) => m.totalScheduled)), hint: 'TaskRuns scheduled (retries not counted again)' },
    { key: 'totalStarted', label: 'Started', value: String(totalOf(slots, (m) => m.totalStarted)), hint: 'Attempts claimed by workers' },
    { key: 'totalCompleted', label: 'Completed', value: String(totalOf(slots, (m) => m.totalCompleted)), hint: 'Attempts reported successful' },
    { key: 'totalErrored', label: 'Errored', value: String(totalOf(slots, (m) => m.totalErrored)), hint: 'Attempts that failed: an error, an exception, a timeout or an output of the wrong type' },
    {
      key: 'scheduleToStartAvgMs',
      label: 'Average schedule to start',
      value: duration(averageOf(slots, (m) => m.scheduleToStartAvgMs, (m) => m.totalStarted)),
      detail: longest(maxOf(slots, (m) => m.scheduleToStartMaxMs)),
      hint: 'How long attempts waited for a worker to claim them',
    },
    {
      key: 'startToCompleteAvgMs',
      label: 'Average start to complete',
      value: duration(averageOf(slots, (m) => m.startToCompleteAvgMs, (m) => m.startToCompleteCount)),
      detail: longest(maxOf(slots, (m) => m.startToCompleteMaxMs)),
      hint: 'How long attempts took from claim to report',
    },
  ];
}
