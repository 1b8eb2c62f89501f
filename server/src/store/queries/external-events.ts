import { and, asc, eq } from 'drizzle-orm';
import type { Queryable } from '../db.ts';
import { externalEvents } from '../schema.ts';

export type ExternalEventRow = typeof externalEvents.$inferSelect;

export async function findExternalEvent(db: Queryable, tenantId: string, wfRunId: string, guid: string): Promise<ExternalEventRow | undefined> {
  const [row] = await db
    .select()
    .from(externalEvents)
    .where(and(eq(externalEvents.tenantId, tenantId), eq(externalEvents.wfRunId, wfRunId), eq(externalEvents.guid, guid)));
  return row;
}

/** Every ExternalEvent sent to a WfRun (or to its id before it existed), oldest first. */
export async function listExternalEvents(db: Queryable, tenantId: string, wfRunId: string, onlyUnclaimed = false): Promise<ExternalEventRow[]> {
  const conditions = [eq(externalEvents.tenantId, tenantId), eq(externalEvents.wfRunId, wfRunId)];
  if (onlyUnclaimed) conditions.push(eq(externalEvents.claimed, false));
  return db
    .select()
    .from(externalEvents)
    .where(and(...conditions))
    .orderBy(asc(externalEvents.createdAt), asc(externalEvents.guid));
}

/** Keeps an event for a WfRun that does not exist yet; false when that guid is taken. */
export async function insertEarlyExternalEvent(db: Queryable, row: typeof externalEvents.$inferInsert): Promise<boolean> {
  const inserted = await db.insert(externalEvents).values(row).onConflictDoNothing().returning({ guid: externalEvents.guid });
  return inserted.length > 0;
}
