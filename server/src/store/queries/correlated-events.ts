import { createHash } from 'node:crypto';
import type { JsonValue } from '@gallop/engine';
import { and, asc, eq, gt, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { Queryable } from '../db.ts';
import { correlatedEvents, correlationMarkers, outbox } from '../schema.ts';

export type CorrelatedEventRow = typeof correlatedEvents.$inferSelect;

/** The guid of the ExternalEvents a CorrelatedEvent becomes: the same in every WfRun, so a repeat is refused there. */
export function correlatedGuid(externalEventDefName: string, key: string): string {
  return `correlated-${createHash('sha256').update(`${externalEventDefName}\u0000${key}`).digest('hex').slice(0, 32)}`;
}

/**
 * Serialises the sending of a CorrelatedEvent with the look-ups of the NodeRuns waiting for it, so that of two
 * racing (an event sent as a node starts waiting) at least one sees the other.
 */
async function lock(tx: Queryable, tenantId: string, externalEventDefName: string, key: string): Promise<void> {
  const id = createHash('sha256').update(`correlated\u0000${tenantId}\u0000${externalEventDefName}\u0000${key}`).digest().readBigInt64BE(0);
  await tx.execute(sql`select pg_advisory_xact_lock(${id.toString()}::bigint)`);
}

const live = (now: Date) => or(isNull(correlatedEvents.expiresAt), gt(correlatedEvents.expiresAt, now));

/**
 * Stores a CorrelatedEvent and, in the same transaction, an outbox row for each NodeRun waiting with its def and key,
 * which the scheduler turns into an ExternalEvent pinned there. Undefined when one with that key is there already.
 */
export async function insertCorrelatedEvent(
  db: Queryable,
  row: { tenantId: string; externalEventDefName: string; key: string; content: JsonValue; createdAt: Date; expiresAt: Date | null },
): Promise<{ event: CorrelatedEventRow; waiting: number } | undefined> {
  return db.transaction(async (tx) => {
    await lock(tx, row.tenantId, row.externalEventDefName, row.key);
    const at = and(eq(correlatedEvents.tenantId, row.tenantId), eq(correlatedEvents.externalEventDefName, row.externalEventDefName), eq(correlatedEvents.key, row.key));
    // One past its ttl is gone, whether or not the hourly pruning has deleted it yet.
    await tx.delete(correlatedEvents).where(and(at, isNotNull(correlatedEvents.expiresAt), lte(correlatedEvents.expiresAt, row.createdAt)));
    const [event] = await tx.insert(correlatedEvents).values(row).onConflictDoNothing().returning();
    if (!event) return undefined;
    const markers = await tx
      .select()
      .from(correlationMarkers)
      .where(and(eq(correlationMarkers.tenantId, row.tenantId), eq(correlationMarkers.externalEventDefName, row.externalEventDefName), eq(correlationMarkers.key, row.key)));
    if (markers.length > 0) {
      const guid = correlatedGuid(row.externalEventDefName, row.key);
      await tx
        .insert(outbox)
        .values(
          markers.map((m) => ({
            tenantId: m.tenantId,
            wfRunId: m.wfRunId,
            id: `${guid}/${m.threadRunNumber}-${m.nodeRunPosition}`,
            effect: { type: 'DeliverCorrelatedEvent' as const, externalEventDefName: m.externalEventDefName, key: m.key, threadRunNumber: m.threadRunNumber, position: m.nodeRunPosition },
            createdAt: row.createdAt,
          })),
        )
        .onConflictDoNothing();
    }
    return { event, waiting: markers.length };
  });
}

/**
 * The CorrelatedEvent a NodeRun (`taker`, `{wfRunId}/{thread}-{position}`) waits for, if it may have it: not past
 * its ttl, and, when only one WfRun may take it (`once`), not taken by another NodeRun (it is marked taken here).
 */
export async function takeCorrelatedEvent(
  db: Queryable,
  tenantId: string,
  externalEventDefName: string,
  key: string,
  taker: string,
  once: boolean,
  now: Date,
): Promise<CorrelatedEventRow | undefined> {
  return db.transaction(async (tx) => {
    await lock(tx, tenantId, externalEventDefName, key);
    const [event] = await tx
      .select()
      .from(correlatedEvents)
      .where(and(eq(correlatedEvents.tenantId, tenantId), eq(correlatedEvents.externalEventDefName, externalEventDefName), eq(correlatedEvents.key, key), live(now)));
    if (!event || !once) return event;
    if (event.takenBy !== null) return event.takenBy === taker ? event : undefined;
    await tx
      .update(correlatedEvents)
      .set({ takenBy: taker })
      .where(and(eq(correlatedEvents.tenantId, tenantId), eq(correlatedEvents.externalEventDefName, externalEventDefName), eq(correlatedEvents.key, key)));
    return event;
  });
}

export async function findCorrelatedEvent(db: Queryable, tenantId: string, externalEventDefName: string, key: string, now: Date): Promise<CorrelatedEventRow | undefined> {
  const [row] = await db
    .select()
    .from(correlatedEvents)
    .where(and(eq(correlatedEvents.tenantId, tenantId), eq(correlatedEvents.externalEventDefName, externalEventDefName), eq(correlatedEvents.key, key), live(now)));
  return row;
}

/** CorrelatedEvents of a def by key, after `after`. */
export async function listCorrelatedEvents(db: Queryable, tenantId: string, externalEventDefName: string, after: string | undefined, limit: number, now: Date): Promise<CorrelatedEventRow[]> {
  return db
    .select()
    .from(correlatedEvents)
    .where(
      and(
        eq(correlatedEvents.tenantId, tenantId),
        eq(correlatedEvents.externalEventDefName, externalEventDefName),
        after === undefined ? undefined : gt(correlatedEvents.key, after),
        live(now),
      ),
    )
    .orderBy(asc(correlatedEvents.key))
    .limit(limit);
}

/** Deletes a CorrelatedEvent; whether it was there. */
export async function deleteCorrelatedEvent(db: Queryable, tenantId: string, externalEventDefName: string, key: string): Promise<boolean> {
  const rows = await db
    .delete(correlatedEvents)
    .where(and(eq(correlatedEvents.tenantId, tenantId), eq(correlatedEvents.externalEventDefName, externalEventDefName), eq(correlatedEvents.key, key)))
    .returning({ key: correlatedEvents.key });
  return rows.length > 0;
}

/** Deletes the CorrelatedEvents past their ttl; how many went. */
export async function pruneCorrelatedEvents(db: Queryable, now: Date): Promise<number> {
  const rows = await db.delete(correlatedEvents).where(lte(correlatedEvents.expiresAt, now)).returning({ key: correlatedEvents.key });
  return rows.length;
}

