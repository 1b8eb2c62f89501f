import { and, asc, eq, gt, gte, lt, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Queryable } from '../db.ts';
import { taskDefMetrics, wfSpecMetrics } from '../schema.ts';

/** One window's counts; ms figures are over what finished in it (averages: total ÷ count). */
export interface WfSpecMetricsRow {
  windowStart: Date;
  totalStarted: number;
  totalCompleted: number;
  totalErrored: number;
  startToCompleteTotalMs: number;
  startToCompleteMaxMs: number;
}

export interface TaskDefMetricsRow {
  windowStart: Date;
  totalScheduled: number;
  totalStarted: number;
  totalCompleted: number;
  totalErrored: number;
  scheduleToStartTotalMs: number;
  scheduleToStartMaxMs: number;
  startToCompleteCount: number;
  startToCompleteTotalMs: number;
  startToCompleteMaxMs: number;
}

export interface WindowRange {
  readonly windowLength: string;
  /** Windows starting at or after this. */
  readonly from: Date;
  /** Windows starting before this. */
  readonly to: Date;
}

const total = (column: SQL | typeof wfSpecMetrics.totalStarted) => sql<number>`sum(${column})::float8`.mapWith(Number);
const most = (column: typeof wfSpecMetrics.totalStarted) => sql<number>`max(${column})::float8`.mapWith(Number);

/**
 * A WfSpec's windows of one length within a range, oldest first, after the cursor's window: of one version, of every
 * revision of a major version, or of every version (summed).
 */
export function wfSpecMetricsWindows(
  db: Queryable,
  tenantId: string,
  wfSpec: { readonly name: string; readonly majorVersion?: number | null | undefined; readonly revision?: number | null | undefined },
  range: WindowRange,
  after: Date | undefined,
  limit: number,
): Promise<WfSpecMetricsRow[]> {
  const m = wfSpecMetrics;
  return db
    .select({
      windowStart: m.windowStart,
      totalStarted: total(m.totalStarted),
      totalCompleted: total(m.totalCompleted),
      totalErrored: total(m.totalErrored),
      startToCompleteTotalMs: total(m.startToCompleteTotalMs),
      startToCompleteMaxMs: most(m.startToCompleteMaxMs),
    })
    .from(m)
    .where(
      and(
        eq(m.tenantId, tenantId),
        eq(m.wfSpecName, wfSpec.name),
        eq(m.windowLength, range.windowLength),
        gte(m.windowStart, range.from),
        lt(m.windowStart, range.to),
        after && gt(m.windowStart, after),
        wfSpec.majorVersion == null ? undefined : eq(m.majorVersion, wfSpec.majorVersion),
        wfSpec.revision == null ? undefined : eq(m.revision, wfSpec.revision),
      ),
    )
    .groupBy(m.windowStart)
    .orderBy(asc(m.windowStart))
    .limit(limit);
}

/** A TaskDef's windows of one length within a range, oldest first, after the cursor's window. */
export function taskDefMetricsWindows(db: Queryable, tenantId: string, taskDefName: string, range: WindowRange, after: Date | undefined, limit: number): Promise<TaskDefMetricsRow[]> {
  const m = taskDefMetrics;
  return db
    .select({
      windowStart: m.windowStart,
      totalScheduled: m.totalScheduled,
      totalStarted: m.totalStarted,
      totalCompleted: m.totalCompleted,
      totalErrored: m.totalErrored,
      scheduleToStartTotalMs: m.scheduleToStartTotalMs,
      scheduleToStartMaxMs: m.scheduleToStartMaxMs,
      startToCompleteCount: m.startToCompleteCount,
      startToCompleteTotalMs: m.startToCompleteTotalMs,
      startToCompleteMaxMs: m.startToCompleteMaxMs,
    })
    .from(m)
    .where(
      and(
        eq(m.tenantId, tenantId),
        eq(m.taskDefName, taskDefName),
        eq(m.windowLength, range.windowLength),
        gte(m.windowStart, range.from),
        lt(m.windowStart, range.to),
        after && gt(m.windowStart, after),
      ),
    )
    .orderBy(asc(m.windowStart))
    .limit(limit);
}
