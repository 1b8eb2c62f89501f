import type { WfRunState, WfSpecId } from '@gallop/engine';
import { lt, sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { taskDefMetrics, wfSpecMetrics } from '../store/schema.ts';
import type { Logger } from '../observability/logger.ts';
import type { StoredEvent } from './event-bus.ts';
import type { Housekeeping } from './housekeeping.ts';
import type { ClaimedTaskRun } from './task-dispatch.ts';

/** LittleHorse's MetricsWindowLength. */
export const METRICS_WINDOW_LENGTHS = ['MINUTES_5', 'HOURS_2', 'DAYS_1'] as const;
export type MetricsWindowLength = (typeof METRICS_WINDOW_LENGTHS)[number];

export const WINDOW_MS: Readonly<Record<MetricsWindowLength, number>> = { MINUTES_5: 300_000, HOURS_2: 7_200_000, DAYS_1: 86_400_000 };
/** How long windows of each length are kept: enough for a chart of the last day, month and year. */
const KEEP_MS: Readonly<Record<MetricsWindowLength, number>> = { MINUTES_5: 2 * 86_400_000, HOURS_2: 31 * 86_400_000, DAYS_1: 400 * 86_400_000 };

/** The start of the window of `length` holding `ms`: windows are aligned on the Unix epoch (UTC days). */
export function windowStartOf(ms: number, length: MetricsWindowLength): number {
  return Math.floor(ms / WINDOW_MS[length]) * WINDOW_MS[length];
}

/** How long counts gather in memory before they are added to the tables. */
const FLUSH_MS = 5_000;
/** Claims whose reports are awaited, at most: past it the oldest are forgotten (their durations go uncounted). */
const MAX_OPEN_CLAIMS = 100_000;
const PRUNE_EVERY_MS = 3_600_000;
const CHUNK = 1_000;

type WfSpecCounts = Omit<typeof wfSpecMetrics.$inferSelect, 'windowStart'> & { windowStart: number };
type TaskDefCounts = Omit<typeof taskDefMetrics.$inferSelect, 'windowStart'> & { windowStart: number };

/**
 * LittleHorse's metrics windows: per WfSpec version and per TaskDef, what started, completed and failed in each
 * 5-minute, 2-hour and 1-day window, and how long it took. Counted in memory from the commands this process commits
 * and the TaskRuns it hands out, and added to the tables every FLUSH_MS, so every server process's counts sum up
 * there (as LittleHorse's, they are eventually consistent; a process killed outright loses its last seconds').
 * A TaskRun's start-to-complete time is known only where its claim was answered: a report that reaches another
 * process counts as completed without a duration (the averages are over `startToCompleteCount`).
 */
export class MetricWindows {
  readonly #db: Db;
  readonly #log: Logger;
  #wf = new Map<string, WfSpecCounts>();
  #task = new Map<string, TaskDefCounts>();
  /** By attempt: when it was claimed here. */
  readonly #claims = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(db: Db, log: Logger) {
    this.#db = db;
    this.#log = log;
  }

  /** A command on a WfRun committed `events`; `before` is its state before them. */
  committed(tenantId: string, events: readonly StoredEvent[], before: WfRunState | undefined, after: WfRunState): void {
    for (const { wfRunId, event } of events) {
      switch (event.type) {
        case 'WfRunStarted':
          this.#countWf(tenantId, event.wfSpecId, event.time, (c) => c.totalStarted++);
          break;
        case 'WfRunCompleted': {
          const ms = Math.max(0, event.time - after.startTime);
          this.#countWf(tenantId, after.wfSpecId, event.time, (c) => {
            c.totalCompleted++;
            c.startToCompleteTotalMs += ms;
            c.startToCompleteMaxMs = Math.max(c.startToCompleteMaxMs, ms);
          });
          break;
        }
        case 'WfRunFailed':
          this.#countWf(tenantId, after.wfSpecId, event.time, (c) => c.totalErrored++);
          break;
        case 'TaskRunScheduled':
          if (event.attempt === 0) this.#countTask(tenantId, event.taskDefName, event.time, (c) => c.totalScheduled++);
          break;
        case 'TaskAttemptSucceeded':
        case 'TaskAttemptFailed': {
          const taskDefName = before?.threadRuns[event.threadRunNumber]?.currentNodeRun?.taskRun?.taskDefName;
          if (taskDefName === undefined) break;
          const key = attemptKey(tenantId, wfRunId, event.taskGuid, event.attempt);
          const claimedAt = this.#claims.get(key);
          this.#claims.delete(key);
          const ms = claimedAt === undefined ? undefined : Math.max(0, event.time - claimedAt);
          this.#countTask(tenantId, taskDefName, event.time, (c) => {
            if (event.type === 'TaskAttemptSucceeded') c.totalCompleted++;
            else c.totalErrored++;
            if (ms === undefined) return;
            c.startToCompleteCount++;
            c.startToCompleteTotalMs += ms;
            c.startToCompleteMaxMs = Math.max(c.startToCompleteMaxMs, ms);
          });
          break;
        }
        default:
          break;
      }
    }
  }

  /** TaskRun attempts were handed to a worker. */
  claimed(tenantId: string, taskRuns: readonly ClaimedTaskRun[]): void {
    for (const run of taskRuns) {
      const ms = Math.max(0, run.startedAt - run.scheduledAt.getTime());
      this.#countTask(tenantId, run.taskDefName, run.startedAt, (c) => {
        c.totalStarted++;
        c.scheduleToStartTotalMs += ms;
        c.scheduleToStartMaxMs = Math.max(c.scheduleToStartMaxMs, ms);
      });
      if (this.#claims.size >= MAX_OPEN_CLAIMS) {
        const oldest = this.#claims.keys().next();
        if (!oldest.done) this.#claims.delete(oldest.value);
      }
      this.#claims.set(attemptKey(tenantId, run.wfRunId, run.taskGuid, run.attempt), run.startedAt);
    }
  }

  #countWf(tenantId: string, id: WfSpecId, at: number, add: (counts: WfSpecCounts) => void): void {
    for (const windowLength of METRICS_WINDOW_LENGTHS) {
      const windowStart = windowStartOf(at, windowLength);
      const key = `${tenantId}\u0000${id.name}\u0000${id.majorVersion}\u0000${id.revision}\u0000${windowLength}\u0000${windowStart}`;
      let counts = this.#wf.get(key);
      if (!counts) {
        counts = { tenantId, wfSpecName: id.name, majorVersion: id.majorVersion, revision: id.revision, windowLength, windowStart, ...ZERO_WF };
        this.#wf.set(key, counts);
      }
      add(counts);
    }
    this.#later();
  }

  #countTask(tenantId: string, taskDefName: string, at: number, add: (counts: TaskDefCounts) => void): void {
    for (const windowLength of METRICS_WINDOW_LENGTHS) {
      const windowStart = windowStartOf(at, windowLength);
      const key = `${tenantId}\u0000${taskDefName}\u0000${windowLength}\u0000${windowStart}`;
      let counts = this.#task.get(key);
      if (!counts) {
        counts = { tenantId, taskDefName, windowLength, windowStart, ...ZERO_TASK };
        this.#task.set(key, counts);
      }
      add(counts);
    }
    this.#later();
  }

  #later(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => void this.flush(), FLUSH_MS);
    this.#timer.unref?.();
  }

  /** Adds what was counted so far to the tables; resolves when it is written (or, if that failed, logged and dropped). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const wf = [...this.#wf.values()].map((c) => ({ ...c, windowStart: new Date(c.windowStart) }));
    const task = [...this.#task.values()].map((c) => ({ ...c, windowStart: new Date(c.windowStart) }));
    this.#wf = new Map();
    this.#task = new Map();
    if (wf.length === 0 && task.length === 0) return this.#flushing;
    this.#flushing = this.#flushing.then(async () => {
      try {
        // Chunks keep each statement well under PostgreSQL's 65,535 parameters.
        for (let i = 0; i < wf.length; i += CHUNK) {
          await this.#db
            .insert(wfSpecMetrics)
            .values(wf.slice(i, i + CHUNK))
            .onConflictDoUpdate({
              target: [wfSpecMetrics.tenantId, wfSpecMetrics.wfSpecName, wfSpecMetrics.majorVersion, wfSpecMetrics.revision, wfSpecMetrics.windowLength, wfSpecMetrics.windowStart],
              set: {
                totalStarted: sql`${wfSpecMetrics.totalStarted} + excluded.total_started`,
                totalCompleted: sql`${wfSpecMetrics.totalCompleted} + excluded.total_completed`,
                totalErrored: sql`${wfSpecMetrics.totalErrored} + excluded.total_errored`,
                startToCompleteTotalMs: sql`${wfSpecMetrics.startToCompleteTotalMs} + excluded.start_to_complete_total_ms`,
                startToCompleteMaxMs: sql`greatest(${wfSpecMetrics.startToCompleteMaxMs}, excluded.start_to_complete_max_ms)`,
              },
            });
        }
        for (let i = 0; i < task.length; i += CHUNK) {
          await this.#db
            .insert(taskDefMetrics)
            .values(task.slice(i, i + CHUNK))
            .onConflictDoUpdate({
              target: [taskDefMetrics.tenantId, taskDefMetrics.taskDefName, taskDefMetrics.windowLength, taskDefMetrics.windowStart],
              set: {
                totalScheduled: sql`${taskDefMetrics.totalScheduled} + excluded.total_scheduled`,
                totalStarted: sql`${taskDefMetrics.totalStarted} + excluded.total_started`,
                totalCompleted: sql`${taskDefMetrics.totalCompleted} + excluded.total_completed`,
                totalErrored: sql`${taskDefMetrics.totalErrored} + excluded.total_errored`,
                scheduleToStartTotalMs: sql`${taskDefMetrics.scheduleToStartTotalMs} + excluded.schedule_to_start_total_ms`,
                scheduleToStartMaxMs: sql`greatest(${taskDefMetrics.scheduleToStartMaxMs}, excluded.schedule_to_start_max_ms)`,
                startToCompleteCount: sql`${taskDefMetrics.startToCompleteCount} + excluded.start_to_complete_count`,
                startToCompleteTotalMs: sql`${taskDefMetrics.startToCompleteTotalMs} + excluded.start_to_complete_total_ms`,
                startToCompleteMaxMs: sql`greatest(${taskDefMetrics.startToCompleteMaxMs}, excluded.start_to_complete_max_ms)`,
              },
            });
        }
      } catch (error) {
        this.#log.warn({ err: error, wfSpecWindows: wf.length, taskDefWindows: task.length }, 'Could not add to the metrics windows; these counts are lost');
      }
    });
    return this.#flushing;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  /** Has `housekeeping` delete windows past their keeping, hourly. */
  pruneWith(housekeeping: Housekeeping, clock: () => number): void {
    housekeeping.every('delete metrics windows past their keeping', PRUNE_EVERY_MS, PRUNE_EVERY_MS, async () => {
      for (const length of METRICS_WINDOW_LENGTHS) {
        const before = new Date(clock() - KEEP_MS[length]);
        await this.#db.delete(wfSpecMetrics).where(sql`${wfSpecMetrics.windowLength} = ${length} and ${lt(wfSpecMetrics.windowStart, before)}`);
        await this.#db.delete(taskDefMetrics).where(sql`${taskDefMetrics.windowLength} = ${length} and ${lt(taskDefMetrics.windowStart, before)}`);
      }
    });
  }
}

const ZERO_WF = { totalStarted: 0, totalCompleted: 0, totalErrored: 0, startToCompleteTotalMs: 0, startToCompleteMaxMs: 0 };
const ZERO_TASK = {
  totalScheduled: 0,
  totalStarted: 0,
  totalCompleted: 0,
  totalErrored: 0,
  scheduleToStartTotalMs: 0,
  scheduleToStartMaxMs: 0,
  startToCompleteCount: 0,
  startToCompleteTotalMs: 0,
  startToCompleteMaxMs: 0,
};

function attemptKey(tenantId: string, wfRunId: string, taskGuid: string, attempt: number): string {
  return `${tenantId}\u0000${wfRunId}\u0000${taskGuid}\u0000${attempt}`;
}
