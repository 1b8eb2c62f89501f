import type { WfRunState, WfSpecId } from '@gallop/engine';
import { and, eq, lt, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
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
/** Flushes in a row that may fail before their counts are dropped: a minute's worth. */
const MAX_FAILED_FLUSHES = 12;
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
  #failedFlushes = 0;

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
          const taskDefName = before?.triggeredTaskRuns?.[event.taskGuid]?.taskDefName ?? before?.threadRuns[event.threadRunNumber]?.currentNodeRun?.taskRun?.taskDefName;
          if (taskDefName === undefined) break;
          const key = attemptKey(tenantId, wfRunId, event.taskGuid, event.attempt);
          const claimedAt = this.#claims.get(key);
          this.#claims.delete(key);
          // A timed-out attempt's time is its lease, not the work's.
          const timedOut = event.type === 'TaskAttemptFailed' && event.status === 'TASK_TIMEOUT';
          const ms = claimedAt === undefined || timedOut ? undefined : Math.max(0, event.time - claimedAt);
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

  /**
   * Adds what was counted so far to the tables, rows in key order (so that two processes adding to the same windows
   * do not deadlock), each chunk one statement on its own: postgres.js can leave a transaction open on a pooled
   * connection under load, so none is used. Resolves when written; counts a statement could not write (a database
   * away for a moment) are kept for the next flush, for a minute at most.
   */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const chunks = [...chunksOf(wfSpecMetrics, WF_SUMS, WF_MAXES, this.#wf), ...chunksOf(taskDefMetrics, TASK_SUMS, TASK_MAXES, this.#task)];
    this.#wf = new Map();
    this.#task = new Map();
    if (chunks.length === 0) return this.#flushing;
    this.#flushing = this.#flushing.then(async () => {
      for (const [i, chunk] of chunks.entries()) {
        try {
          await upsert(this.#db, chunk);
        } catch (error) {
          const again = ++this.#failedFlushes <= MAX_FAILED_FLUSHES;
          const left = chunks.slice(i);
          this.#log.warn(
            { err: error, windows: left.reduce((n, c) => n + c.entries.length, 0) },
            again ? 'Could not add to the metrics windows; trying again at the next flush' : 'Could not add to the metrics windows for a minute; these counts are lost',
          );
          if (!again) return;
          for (const c of left) merge((c.table === wfSpecMetrics ? this.#wf : this.#task) as Map<string, unknown>, c.entries, c.sums, c.maxes);
          this.#later();
          return;
        }
      }
      this.#failedFlushes = 0;
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
        await this.#db.delete(wfSpecMetrics).where(and(eq(wfSpecMetrics.windowLength, length), lt(wfSpecMetrics.windowStart, before)));
        await this.#db.delete(taskDefMetrics).where(and(eq(taskDefMetrics.windowLength, length), lt(taskDefMetrics.windowStart, before)));
      }
    });
  }
}

/** The counters of each table: summed when processes (or flushes) add up, or kept at their greatest. */
const WF_SUMS = ['totalStarted', 'totalCompleted', 'totalErrored', 'startToCompleteTotalMs'] as const;
const WF_MAXES = ['startToCompleteMaxMs'] as const;
const TASK_SUMS = ['totalScheduled', 'totalStarted', 'totalCompleted', 'totalErrored', 'scheduleToStartTotalMs', 'startToCompleteCount', 'startToCompleteTotalMs'] as const;
const TASK_MAXES = ['scheduleToStartMaxMs', 'startToCompleteMaxMs'] as const;

const zeros = <K extends string>(fields: readonly K[]) => Object.fromEntries(fields.map((f) => [f, 0])) as Record<K, number>;
/** A window where nothing was counted. */
export const ZERO_WF = zeros([...WF_SUMS, ...WF_MAXES]);
export const ZERO_TASK = zeros([...TASK_SUMS, ...TASK_MAXES]);

type Counter = keyof typeof ZERO_WF | keyof typeof ZERO_TASK;

/** Adds counts into `into`'s, window by window. */
function merge<C>(into: Map<string, C>, from: Iterable<readonly [string, C]>, sums: readonly Counter[], maxes: readonly Counter[]): void {
  for (const [key, counts] of from) {
    const known = into.get(key) as Record<string, number> | undefined;
    if (!known) {
      into.set(key, counts);
      continue;
    }
    const add = counts as unknown as Record<string, number>;
    for (const f of sums) known[f] = (known[f] ?? 0) + (add[f] ?? 0);
    for (const f of maxes) known[f] = Math.max(known[f] ?? 0, add[f] ?? 0);
  }
}

interface Chunk<C = unknown> {
  readonly table: typeof wfSpecMetrics | typeof taskDefMetrics;
  readonly sums: readonly Counter[];
  readonly maxes: readonly Counter[];
  /** By key, in key order; at most CHUNK (well under PostgreSQL's 65,535 parameters a statement). */
  readonly entries: readonly (readonly [string, C])[];
}

function chunksOf<C>(table: Chunk['table'], sums: readonly Counter[], maxes: readonly Counter[], windows: ReadonlyMap<string, C>): Chunk<C>[] {
  const entries = [...windows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const chunks: Chunk<C>[] = [];
  for (let i = 0; i < entries.length; i += CHUNK) chunks.push({ table, sums, maxes, entries: entries.slice(i, i + CHUNK) });
  return chunks;
}

/** Adds a chunk of windows' counts to its table, in one statement. */
async function upsert(db: Db, { table, sums, maxes, entries }: Chunk): Promise<void> {
  const columns = table as unknown as Record<string, PgColumn>;
  const set = Object.fromEntries([
    ...sums.map((f) => [f, sql`${columns[f]} + excluded.${sql.identifier(columns[f]?.name ?? f)}`]),
    ...maxes.map((f) => [f, sql`greatest(${columns[f]}, excluded.${sql.identifier(columns[f]?.name ?? f)})`]),
  ]);
  const target =
    table === wfSpecMetrics
      ? [wfSpecMetrics.tenantId, wfSpecMetrics.wfSpecName, wfSpecMetrics.windowLength, wfSpecMetrics.windowStart, wfSpecMetrics.majorVersion, wfSpecMetrics.revision]
      : [taskDefMetrics.tenantId, taskDefMetrics.taskDefName, taskDefMetrics.windowLength, taskDefMetrics.windowStart];
  const rows = entries.map(([, c]) => ({ ...(c as { windowStart: number }), windowStart: new Date((c as { windowStart: number }).windowStart) }));
  await db.insert(table).values(rows as never).onConflictDoUpdate({ target, set });
}

function attemptKey(tenantId: string, wfRunId: string, taskGuid: string, attempt: number): string {
  return `${tenantId}\u0000${wfRunId}\u0000${taskGuid}\u0000${attempt}`;
}
