import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { builder } from '../builder.ts';
import { METRICS_WINDOW_LENGTHS, windowStartOf, ZERO_TASK, ZERO_WF } from '../../runtime/metric-windows.ts';
import type { MetricsWindowLength } from '../../runtime/metric-windows.ts';
import { taskDefMetricsWindows, wfSpecMetricsWindows } from '../../store/queries/metric-windows.ts';
import type { TaskDefMetricsRow, WfSpecMetricsRow } from '../../store/queries/metric-windows.ts';
import { decodeCursor, encodeCursor, checkedPageArgs, refuseRevisionWithoutMajor, resolveCursorPage } from './common.ts';

const MetricsWindowLengthEnum = builder.enumType('MetricsWindowLength', {
  description: 'How long a metrics window is; windows start on multiples of their length since the Unix epoch (UTC).',
  values: METRICS_WINDOW_LENGTHS,
});

type WfSpecMetrics = WfSpecMetricsRow & { wfSpecName: string; majorVersion: number | null; revision: number | null; windowLength: MetricsWindowLength };
type TaskDefMetrics = TaskDefMetricsRow & { taskDefName: string; windowLength: MetricsWindowLength };

/** An average in ms, or null when nothing was measured. */
const average = (totalMs: number, count: number) => (count > 0 ? totalMs / count : null);

const WfSpecMetricsRef = builder.objectRef<WfSpecMetrics>('WfSpecMetrics').implement({
  description:
    "LittleHorse's WfSpecMetrics: what a WfSpec's WfRuns did in one window, counted by the servers within seconds. Without a version, every version's counts summed.",
  fields: (t) => ({
    wfSpecName: t.exposeString('wfSpecName'),
    majorVersion: t.exposeInt('majorVersion', { nullable: true, description: 'The major version counted; null for every one.' }),
    revision: t.exposeInt('revision', { nullable: true, description: 'The revision counted; null for every one.' }),
    windowLength: t.field({ type: MetricsWindowLengthEnum, resolve: (m) => m.windowLength }),
    windowStart: t.field({ type: 'DateTime', resolve: (m) => m.windowStart }),
    totalStarted: t.float({ description: 'WfRuns started in the window.', resolve: (m) => m.totalStarted }),
    totalCompleted: t.float({ description: 'WfRuns that reached COMPLETED in the window.', resolve: (m) => m.totalCompleted }),
    totalErrored: t.float({ description: 'WfRuns that reached ERROR or EXCEPTION in the window.', resolve: (m) => m.totalErrored }),
    startToCompleteMaxMs: t.float({ nullable: true, description: 'The longest start-to-COMPLETED time of those completed in the window.', resolve: (m) => (m.totalCompleted > 0 ? m.startToCompleteMaxMs : null) }),
    startToCompleteAvgMs: t.float({ nullable: true, description: 'Their average start-to-COMPLETED time.', resolve: (m) => average(m.startToCompleteTotalMs, m.totalCompleted) }),
  }),
});

const TaskDefMetricsRef = builder.objectRef<TaskDefMetrics>('TaskDefMetrics').implement({
  description: "LittleHorse's TaskDefMetrics: what a TaskDef's TaskRuns did in one window, counted by the servers within seconds.",
  fields: (t) => ({
    taskDefName: t.exposeString('taskDefName'),
    windowLength: t.field({ type: MetricsWindowLengthEnum, resolve: (m) => m.windowLength }),
    windowStart: t.field({ type: 'DateTime', resolve: (m) => m.windowStart }),
    totalScheduled: t.float({ description: 'TaskRuns scheduled in the window (retries not counted again).', resolve: (m) => m.totalScheduled }),
    totalStarted: t.float({ description: 'Attempts claimed by workers in the window.', resolve: (m) => m.totalStarted }),
    totalCompleted: t.float({ description: 'Attempts reported successful in the window.', resolve: (m) => m.totalCompleted }),
    totalErrored: t.float({ description: 'Attempts that failed in the window: an error, an exception, a timeout or an output of the wrong type.', resolve: (m) => m.totalErrored }),
    scheduleToStartMaxMs: t.float({ nullable: true, description: 'The longest an attempt claimed in the window waited for a worker.', resolve: (m) => (m.totalStarted > 0 ? m.scheduleToStartMaxMs : null) }),
    scheduleToStartAvgMs: t.float({ nullable: true, description: 'How long attempts claimed in the window waited, on average.', resolve: (m) => average(m.scheduleToStartTotalMs, m.totalStarted) }),
    startToCompleteCount: t.float({
      description: 'Attempts that ended in the window whose claim-to-report time is known: those whose claim and report reached one server process.',
      resolve: (m) => m.startToCompleteCount,
    }),
    startToCompleteMaxMs: t.float({ nullable: true, description: 'The longest claim-to-report time of attempts that ended in the window.', resolve: (m) => (m.startToCompleteCount > 0 ? m.startToCompleteMaxMs : null) }),
    startToCompleteAvgMs: t.float({
      nullable: true,
      description: 'Their average claim-to-report time, over startToCompleteCount attempts.',
      resolve: (m) => average(m.startToCompleteTotalMs, m.startToCompleteCount),
    }),
  }),
});

/** The range of window starts a list covers: since → until (default now), widened to whole windows. */
function rangeOf(args: { since: Date; until?: Date | null | undefined; windowLength: MetricsWindowLength }, now: number) {
  const until = args.until?.getTime() ?? now;
  return { windowLength: args.windowLength, from: new Date(windowStartOf(args.since.getTime(), args.windowLength)), to: new Date(until) };
}

/** The cursor of a window in the list named `list` (wfSpecMetrics or taskDefMetrics). */
const cursorOf = (list: string) => (row: { windowStart: Date }) => encodeCursor(list, [row.windowStart.getTime()]);
function afterOf(after: string | undefined, list: string): Date | undefined {
  if (after === undefined) return undefined;
  return new Date(decodeCursor(after, list, 't')[0] as number);
}

builder.queryFields((t) => ({
  wfSpecMetricsWindow: t.field({
    type: WfSpecMetricsRef,
    description: "The window of the given length that holds `at`, with zeros where nothing happened (LittleHorse's GetWfSpecMetricsWindow).",
    args: {
      wfSpecName: t.arg.string({ required: true }),
      majorVersion: t.arg.int(),
      revision: t.arg.int(),
      windowLength: t.arg({ type: MetricsWindowLengthEnum, required: true }),
      at: t.arg({ type: 'DateTime', required: true }),
    },
    resolve: async (_root, args, { services, tenantId }) => {
      refuseRevisionWithoutMajor('wfSpecMetricsWindow', args);
      const start = windowStartOf(args.at.getTime(), args.windowLength);
      const range = { windowLength: args.windowLength, from: new Date(start), to: new Date(start + 1) };
      const [row] = await wfSpecMetricsWindows(services.db, tenantId, { name: args.wfSpecName, majorVersion: args.majorVersion, revision: args.revision }, range, undefined, 1);
      return { ...(row ?? { windowStart: new Date(start), ...ZERO_WF }), wfSpecName: args.wfSpecName, majorVersion: args.majorVersion ?? null, revision: args.revision ?? null, windowLength: args.windowLength };
    },
  }),
  wfSpecMetrics: t.connection(
    {
      type: WfSpecMetricsRef,
      description: "A WfSpec's windows of one length from `since` to `until` (default now), oldest first; only windows where something happened (LittleHorse's ListWfMetrics).",
      args: {
        wfSpecName: t.arg.string({ required: true }),
        majorVersion: t.arg.int(),
        revision: t.arg.int(),
        windowLength: t.arg({ type: MetricsWindowLengthEnum, required: true }),
        since: t.arg({ type: 'DateTime', required: true }),
        until: t.arg({ type: 'DateTime' }),
      },
      resolve: (_root, args, { services, tenantId }) => {
        refuseRevisionWithoutMajor('wfSpecMetrics', args);
        const range = rangeOf(args, services.clock());
        const spec = { name: args.wfSpecName, majorVersion: args.majorVersion, revision: args.revision };
        return resolveCursorPage({ args: checkedPageArgs(args), toCursor: cursorOf('wfSpecMetrics'), maxSize: 500 }, async ({ after, limit }: ResolveCursorConnectionArgs) => {
          const rows = await wfSpecMetricsWindows(services.db, tenantId, spec, range, afterOf(after, 'wfSpecMetrics'), limit);
          return rows.map((row) => ({ ...row, wfSpecName: args.wfSpecName, majorVersion: args.majorVersion ?? null, revision: args.revision ?? null, windowLength: args.windowLength }));
        });
      },
    },
    { name: 'WfSpecMetricsConnection' },
    { name: 'WfSpecMetricsEdge' },
  ),
  taskDefMetricsWindow: t.field({
    type: TaskDefMetricsRef,
    description: "The window of the given length that holds `at`, with zeros where nothing happened (LittleHorse's GetTaskDefMetricsWindow).",
    args: {
      taskDefName: t.arg.string({ required: true }),
      windowLength: t.arg({ type: MetricsWindowLengthEnum, required: true }),
      at: t.arg({ type: 'DateTime', required: true }),
    },
    resolve: async (_root, args, { services, tenantId }) => {
      const start = windowStartOf(args.at.getTime(), args.windowLength);
      const range = { windowLength: args.windowLength, from: new Date(start), to: new Date(start + 1) };
      const [row] = await taskDefMetricsWindows(services.db, tenantId, args.taskDefName, range, undefined, 1);
      return { ...(row ?? { windowStart: new Date(start), ...ZERO_TASK }), taskDefName: args.taskDefName, windowLength: args.windowLength };
    },
  }),
  taskDefMetrics: t.connection(
    {
      type: TaskDefMetricsRef,
      description: "A TaskDef's windows of one length from `since` to `until` (default now), oldest first; only windows where something happened (LittleHorse's ListTaskMetrics).",
      args: {
        taskDefName: t.arg.string({ required: true }),
        windowLength: t.arg({ type: MetricsWindowLengthEnum, required: true }),
        since: t.arg({ type: 'DateTime', required: true }),
        until: t.arg({ type: 'DateTime' }),
      },
      resolve: (_root, args, { services, tenantId }) => {
        const range = rangeOf(args, services.clock());
        return resolveCursorPage({ args: checkedPageArgs(args), toCursor: cursorOf('taskDefMetrics'), maxSize: 500 }, async ({ after, limit }: ResolveCursorConnectionArgs) => {
          const rows = await taskDefMetricsWindows(services.db, tenantId, args.taskDefName, range, afterOf(after, 'taskDefMetrics'), limit);
          return rows.map((row) => ({ ...row, taskDefName: args.taskDefName, windowLength: args.windowLength }));
        });
      },
    },
    { name: 'TaskDefMetricsConnection' },
    { name: 'TaskDefMetricsEdge' },
  ),
}));
