import { createHash } from 'node:crypto';
import type { JsonValue } from '@gallop/engine';
import { and, asc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { rowsOf } from '../db.ts';
import type { Queryable } from '../db.ts';
import { correlatedEventDeliveries, correlatedEvents, externalEvents } from '../schema.ts';

export type CorrelatedEventRow = typeof correlatedEvents.$inferSelect;

/**
 * The guid of the ExternalEvent a CorrelatedEvent becomes at one NodeRun: its own for each NodeRun (two threads of one
 * WfRun may wait on one key), its own for each sending of the key, and never the key itself (it may be masked).
 */
export function correlatedGuid(eventId: string, threadRunNumber: number, position: number): string {
  return `correlated-${eventId}-${threadRunNumber}-${position}`;
}

/** The CorrelatedEvent id in a guid made by correlatedGuid; undefined for any other guid. */
export function correlatedEventIdOf(guid: string): string | undefined {
  return /^correlated-(.+)-\d+-\d+$/.exec(guid)?.[1];
}

/** The advisory lock that serialises the sending of a CorrelatedEvent with the look-ups of the NodeRuns waiting for it. */
function lockId(tenantId: string, externalEventDefName: string, key: string): string {
  return createHash('sha256').update(`correlated\u0000${tenantId}\u0000${externalEventDefName}\u0000${key}`).digest().readBigInt64BE(0).toString();
}

const live = (now: Date) => or(isNull(correlatedEvents.expiresAt), gt(correlatedEvents.expiresAt, now));

/** The CorrelatedEvent of a def and key (a row's whole key). */
const byKey = (tenantId: string, externalEventDefName: string, key: string) =>
  and(eq(correlatedEvents.tenantId, tenantId), eq(correlatedEvents.externalEventDefName, externalEventDefName), eq(correlatedEvents.key, key));

/**
 * Stores a CorrelatedEvent and, in the same statement, an outbox row for each NodeRun waiting with its def and key,
 * which the scheduler turns into an ExternalEvent pinned there (gallop_put_correlated_event, migration 0024).
 * Undefined when one with that key is there already.
 */
export async function insertCorrelatedEvent(db: Queryable, row: CorrelatedEventRow): Promise<{ event: CorrelatedEventRow; waiting: number } | undefined> {
  const lock = lockId(row.tenantId, row.externalEventDefName, row.key);
  const [result] = rowsOf<{ waiting: number | null }>(
    await db.execute(sql`select gallop_put_correlated_event(${lock}::bigint, ${row.tenantId}, ${row.externalEventDefName}, ${row.key}, ${row.id},
      ${row.content === null ? null : JSON.stringify(row.content)}::jsonb, ${row.createdAt.toISOString()}::timestamptz, ${row.expiresAt?.toISOString() ?? null}::timestamptz) as waiting`),
  );
  const waiting = result?.waiting ?? null;
  return waiting === null ? undefined : { event: row, waiting };
}

/**
 * The id and content of the CorrelatedEvent of a def and key that is there now, read under the key's lock: a sending
 * that raced this look-up has either committed (and is seen) or will see the marker this follows.
 */
export async function lockedCorrelatedEvent(
  db: Queryable,
  tenantId: string,
  externalEventDefName: string,
  key: string,
  now: Date,
): Promise<{ id: string; content: JsonValue | null } | undefined> {
  const lock = lockId(tenantId, externalEventDefName, key);
  return rowsOf<{ id: string; content: JsonValue | null }>(
    await db.execute(sql`select id, content from gallop_locked_correlated_event(${lock}::bigint, ${tenantId}, ${externalEventDefName}, ${key}, ${now.toISOString()}::timestamptz)`),
  )[0];
}

export async function findCorrelatedEvent(db: Queryable, tenantId: string, externalEventDefName: string, key: string, now: Date): Promise<CorrelatedEventRow | undefined> {
  const [row] = await db
    .select()
    .from(correlatedEvents)
    .where(and(byKey(tenantId, externalEventDefName, key), live(now)));
  return row;
}

/**
 * CorrelatedEvents of a def by key, after `after`; with `hasExternalEvents`, only those a NodeRun has taken (true) or
 * none has (false).
 */
export async function listCorrelatedEvents(
  db: Queryable,
  tenantId: string,
  search: { readonly externalEventDefName: string; readonly hasExternalEvents?: boolean | null | undefined },
  after: string | undefined,
  limit: number,
  now: Date,
): Promise<CorrelatedEventRow[]> {
  const taken = sql`exists (select 1 from ${correlatedEventDeliveries} d where d.tenant_id = ${correlatedEvents.tenantId} and d.event_id = ${correlatedEvents.id})`;
  return db
    .select()
    .from(correlatedEvents)
    .where(
      and(
        eq(correlatedEvents.tenantId, tenantId),
        eq(correlatedEvents.externalEventDefName, search.externalEventDefName),
        after === undefined ? undefined : gt(correlatedEvents.key, after),
        live(now),
        search.hasExternalEvents == null ? undefined : search.hasExternalEvents ? taken : sql`not ${taken}`,
      ),
    )
    .orderBy(asc(correlatedEvents.key))
    .limit(limit);
}

/** The ExternalEvents CorrelatedEvents became, by event id, in the order NodeRuns took them (those of deleted WfRuns gone). */
export async function externalEventsOfCorrelated(db: Queryable, tenantId: string, eventIds: readonly string[]): Promise<Map<string, (typeof externalEvents.$inferSelect)[]>> {
  const rows = eventIds.length === 0 ? [] : await db
    .select({ eventId: correlatedEventDeliveries.eventId, event: externalEvents })
    .from(correlatedEventDeliveries)
    .innerJoin(
      externalEvents,
      and(eq(externalEvents.tenantId, correlatedEventDeliveries.tenantId), eq(externalEvents.wfRunId, correlatedEventDeliveries.wfRunId), eq(externalEvents.guid, correlatedEventDeliveries.guid)),
    )
    .where(and(eq(correlatedEventDeliveries.tenantId, tenantId), inArray(correlatedEventDeliveries.eventId, [...eventIds])))
    .orderBy(asc(correlatedEventDeliveries.createdAt), asc(correlatedEventDeliveries.wfRunId));
  const byEvent = new Map<string, (typeof externalEvents.$inferSelect)[]>();
  for (const { eventId, event } of rows) byEvent.set(eventId, [...(byEvent.get(eventId) ?? []), event]);
  return byEvent;
}

/** Deletes a CorrelatedEvent (only that sending of the key, when `id` is given); whether it was there. */
export async function deleteCorrelatedEvent(db: Queryable, tenantId: string, externalEventDefName: string, key: string, id?: string): Promise<boolean> {
  const rows = await db
    .delete(correlatedEvents)
    .where(and(byKey(tenantId, externalEventDefName, key), id === undefined ? undefined : eq(correlatedEvents.id, id)))
    .returning({ key: correlatedEvents.key });
  return rows.length > 0;
}

/** Deletes the CorrelatedEvents past their ttl; how many went. */
export async function pruneCorrelatedEvents(db: Queryable, now: Date): Promise<number> {
  const rows = await db.delete(correlatedEvents).where(lte(correlatedEvents.expiresAt, now)).returning({ key: correlatedEvents.key });
  return rows.length;
}

