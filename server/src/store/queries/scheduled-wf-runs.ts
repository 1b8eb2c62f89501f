import { and, asc, eq, gt, isNull, lt, lte, min, or, sql } from 'drizzle-orm';
import type { Queryable } from '../db.ts';
import { scheduledWfRuns } from '../schema.ts';

export type ScheduledWfRunRow = typeof scheduledWfRuns.$inferSelect;

/** Stores a new schedule; undefined when its id is taken. */
export async function insertScheduledWfRun(db: Queryable, row: typeof scheduledWfRuns.$inferInsert): Promise<ScheduledWfRunRow | undefined> {
  const [created] = await db.insert(scheduledWfRuns).values(row).onConflictDoNothing().returning();
  return created;
}

export async function findScheduledWfRun(db: Queryable, tenantId: string, id: string): Promise<ScheduledWfRunRow | undefined> {
  const [row] = await db.select().from(scheduledWfRuns).where(and(eq(scheduledWfRuns.tenantId, tenantId), eq(scheduledWfRuns.id, id)));
  return row;
}

/** Schedules by id, optionally of one WfSpec, after an id cursor (LittleHorse SearchScheduledWfRun). */
export async function listScheduledWfRuns(
  db: Queryable,
  tenantId: string,
  filter: { wfSpecName?: string | null | undefined },
  after: string | undefined,
  limit: number,
): Promise<ScheduledWfRunRow[]> {
  const conditions = [eq(scheduledWfRuns.tenantId, tenantId)];
  if (filter.wfSpecName != null) conditions.push(eq(scheduledWfRuns.wfSpecName, filter.wfSpecName));
  if (after !== undefined) conditions.push(gt(scheduledWfRuns.id, after));
  return db
    .select()
    .from(scheduledWfRuns)
    .where(and(...conditions))
    .orderBy(asc(scheduledWfRuns.id))
    .limit(limit);
}

/** Deletes a schedule; false when there was none. WfRuns it started stay. */
export async function deleteScheduledWfRun(db: Queryable, tenantId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(scheduledWfRuns)
    .where(and(eq(scheduledWfRuns.tenantId, tenantId), eq(scheduledWfRuns.id, id)))
    .returning({ id: scheduledWfRuns.id });
  return deleted.length > 0;
}

/**
 * Claims up to `limit` due schedules with FOR UPDATE SKIP LOCKED and a lease until `lockedUntil`, so that several
 * schedulers share them and a crash only delays a firing until the lease runs out.
 */
export async function claimDueScheduledWfRuns(db: Queryable, now: Date, lockedUntil: Date, limit: number): Promise<ScheduledWfRunRow[]> {
  const due = db
    .select({ tenantId: scheduledWfRuns.tenantId, id: scheduledWfRuns.id })
    .from(scheduledWfRuns)
    .where(and(lte(scheduledWfRuns.nextFireAt, now), or(isNull(scheduledWfRuns.lockedUntil), lt(scheduledWfRuns.lockedUntil, now))))
    .orderBy(asc(scheduledWfRuns.nextFireAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  const claimed = await db
    .update(scheduledWfRuns)
    .set({ lockedUntil })
    .where(sql`(${scheduledWfRuns.tenantId}, ${scheduledWfRuns.id}) in (${due})`)
    .returning();
  return claimed.sort((a, b) => a.nextFireAt.getTime() - b.nextFireAt.getTime());
}

/**
 * Moves a fired schedule on to its next time and lets go of it. Only if it still waits for the time it was claimed
 * at: a scheduler whose lease ran out meanwhile must not move back what another already moved on.
 */
export async function advanceScheduledWfRun(
  db: Queryable,
  claimed: ScheduledWfRunRow,
  next: { nextFireAt: Date; lastWfRunId: string | null; lastSkippedAt: Date | null; lastSkipReason: string | null },
): Promise<void> {
  await db
    .update(scheduledWfRuns)
    .set({ ...next, lockedUntil: null })
    .where(and(eq(scheduledWfRuns.tenantId, claimed.tenantId), eq(scheduledWfRuns.id, claimed.id), eq(scheduledWfRuns.nextFireAt, claimed.nextFireAt)));
}

/** When the earliest schedule not being fired comes due (epoch ms), or undefined when there is none. */
export async function earliestScheduledWfRun(db: Queryable): Promise<number | undefined> {
  const [row] = await db.select({ at: min(scheduledWfRuns.nextFireAt) }).from(scheduledWfRuns).where(isNull(scheduledWfRuns.lockedUntil));
  return row?.at ? new Date(row.at).getTime() : undefined;
}
