import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { JsonValue } from '@gallop/engine';
import type { Queryable, Store } from '../db.ts';
import { externalEvents } from '../schema.ts';
import { NEWEST_VERSION } from './metadata.ts';

export type ExternalEventRow = typeof externalEvents.$inferSelect;

export async function findExternalEvent(db: Queryable, tenantId: string, wfRunId: string, guid: string): Promise<ExternalEventRow | undefined> {
  const [row] = await db
    .select()
    .from(externalEvents)
    .where(and(eq(externalEvents.tenantId, tenantId), eq(externalEvents.wfRunId, wfRunId), eq(externalEvents.guid, guid)));
  return row;
}

/** Every ExternalEvent sent to a WfRun (or to its id before it existed), oldest first. */
export async function listExternalEvents(db: Queryable, tenantId: string, wfRunId: string): Promise<ExternalEventRow[]> {
  return db
    .select()
    .from(externalEvents)
    .where(and(eq(externalEvents.tenantId, tenantId), eq(externalEvents.wfRunId, wfRunId)))
    .orderBy(asc(externalEvents.createdAt), asc(externalEvents.guid));
}

/**
 * What runWf reads before it decides, in one statement ($1 tenant, $2 WfSpec name, $3 major version or null, $4
 * WfRun id): the WfSpec's newest version (NEWEST_VERSION) and the unclaimed events sent to the WfRun id before the
 * WfRun existed, oldest first; one round trip and one read transaction per WfRun.
 */
const RUN_WF_READS = `select (select json_build_array(major_version, revision) from (${NEWEST_VERSION}) v) as newest,
  (select json_agg(json_build_array(guid, external_event_def_name, content, thread_run_number, node_run_position) order by created_at, guid) from external_events
    where tenant_id = $1 and wf_run_id = $4 and not claimed) as early`;

export interface EarlyExternalEvent {
  readonly guid: string;
  readonly externalEventDefName: string;
  readonly content: JsonValue;
  readonly threadRunNumber?: number;
  readonly nodeRunPosition?: number;
}

/**
 * The newest version of WfSpec `name` (within `majorVersion` when given) and the events waiting for WfRun id
 * `wfRunId`, read together.
 */
export async function newestVersionAndEarlyEvents(
  store: Store,
  tenantId: string,
  name: string,
  majorVersion: number | null,
  wfRunId: string,
): Promise<{ newest: { majorVersion: number; revision: number } | undefined; early: EarlyExternalEvent[] }> {
  const [row] = await store.run<{ newest: [number, number] | null; early: [string, string, JsonValue | null, number | null, number | null][] | null }>(RUN_WF_READS, [
    tenantId,
    name,
    majorVersion,
    wfRunId,
  ]);
  return {
    newest: row?.newest ? { majorVersion: row.newest[0], revision: row.newest[1] } : undefined,
    early: (row?.early ?? []).map(([guid, externalEventDefName, content, threadRunNumber, nodeRunPosition]) => ({
      guid,
      externalEventDefName,
      content: content ?? null,
      ...(threadRunNumber === null ? {} : { threadRunNumber }),
      ...(nodeRunPosition === null ? {} : { nodeRunPosition }),
    })),
  };
}

/** Keeps an event for a WfRun that does not exist yet; false when that guid is taken. */
export async function insertEarlyExternalEvent(db: Queryable, row: typeof externalEvents.$inferInsert): Promise<boolean> {
  const inserted = await db.insert(externalEvents).values(row).onConflictDoNothing().returning({ guid: externalEvents.guid });
  return inserted.length > 0;
}

/** ExternalEvents of a def, newest first, optionally only claimed or unclaimed ones, after a (createdAt, wfRunId, guid) cursor. */
export async function searchExternalEvents(
  db: Queryable,
  tenantId: string,
  filter: { externalEventDefName: string; claimed?: boolean | null | undefined },
  cursor: { createdAt: Date; wfRunId: string; guid: string } | undefined,
  limit: number,
): Promise<ExternalEventRow[]> {
  const conditions = [eq(externalEvents.tenantId, tenantId), eq(externalEvents.externalEventDefName, filter.externalEventDefName)];
  if (filter.claimed != null) conditions.push(eq(externalEvents.claimed, filter.claimed));
  if (cursor) conditions.push(sql`(${externalEvents.createdAt}, ${externalEvents.wfRunId}, ${externalEvents.guid}) < (${cursor.createdAt.toISOString()}::timestamptz, ${cursor.wfRunId}, ${cursor.guid})`);
  return db
    .select()
    .from(externalEvents)
    .where(and(...conditions))
    .orderBy(desc(externalEvents.createdAt), desc(externalEvents.wfRunId), desc(externalEvents.guid))
    .limit(limit);
}
