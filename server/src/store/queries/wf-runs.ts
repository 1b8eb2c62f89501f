import { evolve, withoutThreadIndex } from '@gallop/engine';
import type { JsonValue, TaskStatus, WfRunState } from '@gallop/engine';
import { and, asc, desc, eq, exists, getTableColumns, gt, gte, lt, or, sql } from 'drizzle-orm';
import { rowsOf } from '../db.ts';
import type { Queryable } from '../db.ts';
import { taskStatusIs } from './task-queue.ts';
import { correlatedEventDeliveries, correlationMarkers, externalEvents, nodeRuns, outbox, taskRuns, threadRuns, timers, userTaskRuns, variables, wfRunEventBatches, wfRunEvents, wfRuns, workflowEvents } from '../schema.ts';

export type WfRunRow = typeof wfRuns.$inferSelect;
/** A WfRun's row without its state, which can be large: what lists and searches read. */
export type WfRunSummaryRow = Omit<WfRunRow, 'state'>;
const { state: _state, ...wfRunSummaryColumns } = getTableColumns(wfRuns);
export type NodeRunRow = typeof nodeRuns.$inferSelect;
export type TaskRunRow = typeof taskRuns.$inferSelect;
export type VariableRow = typeof variables.$inferSelect;
export type EventRow = typeof wfRunEvents.$inferSelect;

/** A WfRun's row, without its state (readWfRunState reads that). */
export async function findWfRun(db: Queryable, tenantId: string, id: string): Promise<WfRunSummaryRow | undefined> {
  const [row] = await db.select(wfRunSummaryColumns).from(wfRuns).where(and(eq(wfRuns.tenantId, tenantId), eq(wfRuns.id, id)));
  return row;
}

/** A WfRun's state now and the seq of its newest event, with the seq its stored snapshot is as of. */
export interface StoredState {
  readonly state: WfRunState;
  readonly seq: number;
  readonly snapshotSeq: number;
}

/**
 * A WfRun's state as of its newest event: its stored snapshot with the events written after it folded in (commands
 * write the snapshot now and then, not every time).
 */
export async function readWfRunState(db: Queryable, tenantId: string, id: string): Promise<StoredState | undefined> {
  const [row] = await db
    .select({ state: wfRuns.state, seq: wfRuns.seq, snapshotSeq: wfRuns.snapshotSeq })
    .from(wfRuns)
    .where(and(eq(wfRuns.tenantId, tenantId), eq(wfRuns.id, id)));
  if (!row) return undefined;
  const snapshotSeq = row.snapshotSeq ?? row.seq;
  // Built again by evolve, not trusted from storage: a server of another version may have left it stale.
  let state = withoutThreadIndex(row.state);
  for (let last = snapshotSeq; last < row.seq; ) {
    const page = await listEvents(db, tenantId, id, last);
    // Events only go away with their WfRun: a short log means it was deleted meanwhile.
    if (page.length === 0) return undefined;
    for (const { event, seq } of page) {
      if (seq > row.seq) break;
      state = evolve(state, event);
      last = seq;
    }
  }
  return { state, seq: row.seq, snapshotSeq };
}

/** The most events one read of a WfRun's log returns: readers of longer logs go page by page. */
export const EVENT_PAGE = 10_000;

/**
 * Ids of WfRuns (of one WfSpec, when named) written at or after `since`, the latest `limit` of them: what
 * wfRunsChanged looks at again after news may have been lost. There is no index on updated_at (it would cost
 * every command a non-HOT update), so this scans; it runs only when a lost LISTEN connection comes back.
 */
export async function changedSince(db: Queryable, tenantId: string, since: Date, wfSpecName: string | undefined, limit = 10_000): Promise<string[]> {
  const conditions = [eq(wfRuns.tenantId, tenantId), gte(wfRuns.updatedAt, since)];
  if (wfSpecName !== undefined) conditions.push(eq(wfRuns.wfSpecName, wfSpecName));
  const rows = await db.select({ id: wfRuns.id }).from(wfRuns).where(and(...conditions)).orderBy(desc(wfRuns.updatedAt)).limit(limit);
  return rows.map((row) => row.id);
}

export interface WfRunCursor {
  readonly startTime: Date;
  readonly id: string;
}

export interface WfRunFilter {
  readonly wfSpecName?: string | null | undefined;
  readonly majorVersion?: number | null | undefined;
  readonly revision?: number | null | undefined;
  readonly status?: string | null | undefined;
  /** Started at or after. */
  readonly startedAfter?: Date | null | undefined;
  /** Started before. */
  readonly startedBefore?: Date | null | undefined;
  /** An entrypoint-thread variable holding exactly this value (LittleHorse's variable filter). */
  readonly variable?: { readonly name: string; readonly value: JsonValue } | null | undefined;
}

/** WfRuns newest first, after `cursor`. */
export async function listWfRuns(
  db: Queryable,
  tenantId: string,
  filter: WfRunFilter,
  cursor: WfRunCursor | undefined,
  limit: number,
): Promise<WfRunSummaryRow[]> {
  const conditions = [eq(wfRuns.tenantId, tenantId)];
  if (filter.wfSpecName) conditions.push(eq(wfRuns.wfSpecName, filter.wfSpecName));
  if (filter.majorVersion != null) conditions.push(eq(wfRuns.majorVersion, filter.majorVersion));
  if (filter.revision != null) conditions.push(eq(wfRuns.revision, filter.revision));
  conditions.push(...statusAndStart(filter));
  if (filter.variable) {
    const { name, value } = filter.variable;
    conditions.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(variables)
          .where(
            and(
              eq(variables.tenantId, wfRuns.tenantId),
              eq(variables.wfRunId, wfRuns.id),
              eq(variables.threadRunNumber, 0),
              holds(name, value),
            ),
          ),
      ),
    );
  }
  if (cursor) {
    const older = or(lt(wfRuns.startTime, cursor.startTime), and(eq(wfRuns.startTime, cursor.startTime), lt(wfRuns.id, cursor.id)));
    if (older) conditions.push(older);
  }
  return db
    .select(wfRunSummaryColumns)
    .from(wfRuns)
    .where(and(...conditions))
    .orderBy(desc(wfRuns.startTime), desc(wfRuns.id))
    .limit(limit);
}

/** What both the WfRun search and the variable search ask of a wf_runs row: its status and its start's bounds. */
function statusAndStart(filter: { status?: string | null | undefined; startedAfter?: Date | null | undefined; startedBefore?: Date | null | undefined }) {
  const conditions = [];
  if (filter.status) conditions.push(eq(wfRuns.status, filter.status));
  if (filter.startedAfter) conditions.push(gte(wfRuns.startTime, filter.startedAfter));
  if (filter.startedBefore) conditions.push(lt(wfRuns.startTime, filter.startedBefore));
  return conditions;
}

/** A searchable variable `name` holding exactly `value`: what both searches by value ask of a variables row. */
function holds(name: string, value: JsonValue) {
  const json = JSON.stringify(value);
  return and(
    eq(variables.name, name),
    sql`${variables.searchable}`,
    // The first matches the variables_by_value index; the second rules out md5 collisions.
    sql`md5(${variables.value}::text) = md5(${json}::jsonb::text)`,
    sql`${variables.value} = ${json}::jsonb`,
  );
}

/** The place of a variable in the newest-first order of a variable search. */
export interface VariableCursor {
  readonly startTime: Date;
  readonly wfRunId: string;
  readonly threadRunNumber: number;
}

export interface VariableSearch {
  readonly wfSpecName: string;
  readonly majorVersion?: number | null | undefined;
  readonly revision?: number | null | undefined;
  readonly name: string;
  readonly value: JsonValue;
  /** Of WfRuns in this status. */
  readonly status?: string | null | undefined;
  /** Of WfRuns started at or after. */
  readonly startedAfter?: Date | null | undefined;
  /** Of WfRuns started before. */
  readonly startedBefore?: Date | null | undefined;
}

/** A variable a search found, with its WfRun (whose start time orders the search and makes its cursor). */
export interface FoundVariable {
  readonly wfRunId: string;
  readonly threadRunNumber: number;
  readonly name: string;
  readonly value: JsonValue | null;
  readonly wfRun: WfRunSummaryRow;
}

/**
 * Searchable variables of any ThreadRun holding exactly `value`, in WfRuns of one WfSpec (version), newest WfRun
 * first (LittleHorse's SearchVariable).
 */
export async function searchVariables(db: Queryable, tenantId: string, search: VariableSearch, cursor: VariableCursor | undefined, limit: number): Promise<FoundVariable[]> {
  const conditions = [eq(variables.tenantId, tenantId), holds(search.name, search.value), eq(wfRuns.wfSpecName, search.wfSpecName)];
  if (search.majorVersion != null) conditions.push(eq(wfRuns.majorVersion, search.majorVersion));
  if (search.revision != null) conditions.push(eq(wfRuns.revision, search.revision));
  conditions.push(...statusAndStart(search));
  if (cursor) {
    const older = or(
      lt(wfRuns.startTime, cursor.startTime),
      and(eq(wfRuns.startTime, cursor.startTime), or(lt(variables.wfRunId, cursor.wfRunId), and(eq(variables.wfRunId, cursor.wfRunId), lt(variables.threadRunNumber, cursor.threadRunNumber)))),
    );
    if (older) conditions.push(older);
  }
  return db
    .select({ wfRunId: variables.wfRunId, threadRunNumber: variables.threadRunNumber, name: variables.name, value: variables.value, wfRun: wfRunSummaryColumns })
    .from(variables)
    .innerJoin(wfRuns, and(eq(wfRuns.tenantId, variables.tenantId), eq(wfRuns.id, variables.wfRunId)))
    .where(and(...conditions))
    .orderBy(desc(wfRuns.startTime), desc(variables.wfRunId), desc(variables.threadRunNumber))
    .limit(limit);
}

export async function listNodeRuns(db: Queryable, tenantId: string, wfRunId: string): Promise<NodeRunRow[]> {
  return db
    .select()
    .from(nodeRuns)
    .where(and(eq(nodeRuns.tenantId, tenantId), eq(nodeRuns.wfRunId, wfRunId)))
    .orderBy(asc(nodeRuns.threadRunNumber), asc(nodeRuns.position));
}

/** One NodeRun by its key. */
export async function findNodeRun(db: Queryable, tenantId: string, wfRunId: string, threadRunNumber: number, position: number): Promise<NodeRunRow | undefined> {
  const [row] = await db
    .select()
    .from(nodeRuns)
    .where(and(eq(nodeRuns.tenantId, tenantId), eq(nodeRuns.wfRunId, wfRunId), eq(nodeRuns.threadRunNumber, threadRunNumber), eq(nodeRuns.position, position)));
  return row;
}

/** One variable of a ThreadRun by name. */
export async function findVariable(db: Queryable, tenantId: string, wfRunId: string, threadRunNumber: number, name: string): Promise<VariableRow | undefined> {
  const [row] = await db
    .select()
    .from(variables)
    .where(and(eq(variables.tenantId, tenantId), eq(variables.wfRunId, wfRunId), eq(variables.threadRunNumber, threadRunNumber), eq(variables.name, name)));
  return row;
}

export async function listTaskRuns(db: Queryable, tenantId: string, wfRunId: string): Promise<TaskRunRow[]> {
  return db
    .select()
    .from(taskRuns)
    .where(and(eq(taskRuns.tenantId, tenantId), eq(taskRuns.wfRunId, wfRunId)))
    .orderBy(asc(taskRuns.scheduledAt), asc(taskRuns.taskGuid));
}

export async function findTaskRun(db: Queryable, tenantId: string, wfRunId: string, taskGuid: string): Promise<TaskRunRow | undefined> {
  const [row] = await db
    .select()
    .from(taskRuns)
    .where(and(eq(taskRuns.tenantId, tenantId), eq(taskRuns.wfRunId, wfRunId), eq(taskRuns.taskGuid, taskGuid)));
  return row;
}

export async function listVariables(db: Queryable, tenantId: string, wfRunId: string): Promise<VariableRow[]> {
  return db
    .select()
    .from(variables)
    .where(and(eq(variables.tenantId, tenantId), eq(variables.wfRunId, wfRunId)))
    .orderBy(asc(variables.threadRunNumber), asc(variables.name));
}

/** Stored events with seq above `afterSeq`, in order. */
export async function listEvents(db: Queryable, tenantId: string, wfRunId: string, afterSeq: number, limit = EVENT_PAGE): Promise<EventRow[]> {
  // From the row holding seq afterSeq + 1, found by the key, so a reader of a WfRun's newest events unpacks only those.
  const from = sql`(select coalesce(max(${wfRunEventBatches.firstSeq}), 0) from ${wfRunEventBatches}
    where ${wfRunEventBatches.tenantId} = ${tenantId} and ${wfRunEventBatches.wfRunId} = ${wfRunId} and ${wfRunEventBatches.firstSeq} <= ${afterSeq + 1})`;
  return db
    .select()
    .from(wfRunEvents)
    .where(and(eq(wfRunEvents.tenantId, tenantId), eq(wfRunEvents.wfRunId, wfRunId), gte(wfRunEvents.firstSeq, from), gt(wfRunEvents.seq, afterSeq)))
    .orderBy(asc(wfRunEvents.seq))
    .limit(limit);
}

/**
 * Deletes a WfRun and everything it owns, in one statement: its events, snapshot, ThreadRuns, NodeRuns, variables, TaskRuns,
 * UserTaskRuns, timers, ExternalEvents, WorkflowEvents and the commands owed to it. Its child WfRuns stay (LittleHorse keeps them
 * too); what they tell the deleted parent is dropped as news for a WfRun that does not exist. Returns whether it was there.
 */
export async function deleteWfRun(db: Queryable, tenantId: string, id: string): Promise<boolean> {
  const owned = [wfRunEventBatches, threadRuns, nodeRuns, variables, taskRuns, userTaskRuns, timers, externalEvents, workflowEvents, correlationMarkers, correlatedEventDeliveries, outbox] as const;
  const writes = owned.map((table) => db.delete(table).where(and(eq(table.tenantId, tenantId), eq(table.wfRunId, id))));
  const ctes = writes.map((write, i) => sql`${sql.raw(`d${i}`)} as (${write.getSQL()})`);
  const root = db.delete(wfRuns).where(and(eq(wfRuns.tenantId, tenantId), eq(wfRuns.id, id))).returning({ id: wfRuns.id });
  const rows = await db.execute(sql`with ${sql.join(ctes, sql`, `)}, gone as (${root.getSQL()}) select count(*)::int as n from gone`);
  return (rowsOf<{ n: number }>(rows)[0]?.n ?? 0) > 0;
}

/** The TaskRuns of the given WfRuns and guids, in no order. */
export async function findTaskRuns(db: Queryable, tenantId: string, keys: readonly { wfRunId: string; taskGuid: string }[]): Promise<TaskRunRow[]> {
  if (keys.length === 0) return [];
  // The keys as one JSON parameter, not an OR of each: for a page of 500 that took 72 ms on PostgreSQL (planning
  // 500 alternatives), this 6 ms.
  const json = JSON.stringify(keys.map((key) => ({ w: key.wfRunId, g: key.taskGuid })));
  return db
    .select()
    .from(taskRuns)
    .where(and(eq(taskRuns.tenantId, tenantId), sql`(${taskRuns.wfRunId}, ${taskRuns.taskGuid}) in (select k.w, k.g from jsonb_to_recordset(${json}::jsonb) as k(w text, g text))`));
}

/** A ThreadRun with the WfSpec version its WfRun runs on: where the node a NodeRun of it ran is defined. */
export interface ThreadRunSpecRow {
  readonly wfRunId: string;
  readonly number: number;
  readonly threadSpecName: string;
  readonly wfSpecName: string;
  readonly majorVersion: number;
  readonly revision: number;
}

/** The ThreadSpec and WfSpec version of each of the given ThreadRuns, in one query, in no order. */
export async function findThreadRunSpecs(db: Queryable, tenantId: string, keys: readonly { wfRunId: string; threadRunNumber: number }[]): Promise<ThreadRunSpecRow[]> {
  if (keys.length === 0) return [];
  // The keys as one JSON parameter, as findTaskRuns reads TaskRuns.
  const json = JSON.stringify(keys.map((key) => ({ w: key.wfRunId, n: key.threadRunNumber })));
  return db
    .select({ wfRunId: threadRuns.wfRunId, number: threadRuns.number, threadSpecName: threadRuns.threadSpecName, wfSpecName: wfRuns.wfSpecName, majorVersion: wfRuns.majorVersion, revision: wfRuns.revision })
    .from(threadRuns)
    .innerJoin(wfRuns, and(eq(wfRuns.tenantId, threadRuns.tenantId), eq(wfRuns.id, threadRuns.wfRunId)))
    .where(and(eq(threadRuns.tenantId, tenantId), sql`(${threadRuns.wfRunId}, ${threadRuns.number}) in (select k.w, k.n from jsonb_to_recordset(${json}::jsonb) as k(w text, n int))`));
}

/** TaskRuns of a TaskDef, newest first, optionally in one status, after a (scheduledAt, wfRunId, taskGuid) cursor. */
export async function searchTaskRuns(
  db: Queryable,
  tenantId: string,
  filter: { taskDefName: string; status?: TaskStatus | null | undefined },
  cursor: { scheduledAt: Date; wfRunId: string; taskGuid: string } | undefined,
  limit: number,
): Promise<TaskRunRow[]> {
  const conditions = [eq(taskRuns.tenantId, tenantId), eq(taskRuns.taskDefName, filter.taskDefName)];
  if (filter.status) conditions.push(taskStatusIs(filter.status));
  if (cursor) conditions.push(sql`(${taskRuns.scheduledAt}, ${taskRuns.wfRunId}, ${taskRuns.taskGuid}) < (${cursor.scheduledAt.toISOString()}::timestamptz, ${cursor.wfRunId}, ${cursor.taskGuid})`);
  return db
    .select()
    .from(taskRuns)
    .where(and(...conditions))
    .orderBy(desc(taskRuns.scheduledAt), desc(taskRuns.wfRunId), desc(taskRuns.taskGuid))
    .limit(limit);
}

/** Where a NodeRun search page ended: the last NodeRun's arrival and key. */
export interface NodeRunCursor {
  readonly arrivalTime: Date;
  readonly wfRunId: string;
  readonly threadRunNumber: number;
  readonly position: number;
}

/**
 * NodeRuns in one status, newest arrival first, optionally arrived within a time range or (EXTERNAL_EVENT NodeRuns)
 * waiting for one ExternalEventDef: LittleHorse's SearchNodeRun.
 */
export async function searchNodeRuns(
  db: Queryable,
  tenantId: string,
  filter: { status: string; arrivedAfter?: Date | null | undefined; arrivedBefore?: Date | null | undefined; externalEventDefName?: string | null | undefined },
  cursor: NodeRunCursor | undefined,
  limit: number,
): Promise<NodeRunRow[]> {
  const conditions = [eq(nodeRuns.tenantId, tenantId), eq(nodeRuns.status, filter.status)];
  if (filter.arrivedAfter) conditions.push(gte(nodeRuns.arrivalTime, filter.arrivedAfter));
  if (filter.arrivedBefore) conditions.push(lt(nodeRuns.arrivalTime, filter.arrivedBefore));
  if (filter.externalEventDefName) conditions.push(eq(nodeRuns.externalEventDefName, filter.externalEventDefName));
  if (cursor) {
    conditions.push(
      sql`(${nodeRuns.arrivalTime}, ${nodeRuns.wfRunId}, ${nodeRuns.threadRunNumber}, ${nodeRuns.position}) < (${cursor.arrivalTime.toISOString()}::timestamptz, ${cursor.wfRunId}, ${cursor.threadRunNumber}, ${cursor.position})`,
    );
  }
  return db
    .select()
    .from(nodeRuns)
    .where(and(...conditions))
    .orderBy(desc(nodeRuns.arrivalTime), desc(nodeRuns.wfRunId), desc(nodeRuns.threadRunNumber), desc(nodeRuns.position))
    .limit(limit);
}

/** How many NodeRuns the tenant's WfRuns (of a WfSpec, one major version, one revision) have had: LittleHorse's CountNodeRun. */
export async function countNodeRuns(
  db: Queryable,
  tenantId: string,
  spec: { wfSpecName?: string | null | undefined; majorVersion?: number | null; revision?: number | null },
): Promise<number> {
  if (spec.wfSpecName == null) {
    const [row] = await db.select({ n: sql<string>`count(*)` }).from(nodeRuns).where(eq(nodeRuns.tenantId, tenantId));
    return Number(row?.n ?? 0);
  }
  const conditions = [eq(wfRuns.tenantId, tenantId), eq(wfRuns.wfSpecName, spec.wfSpecName)];
  if (spec.majorVersion != null) conditions.push(eq(wfRuns.majorVersion, spec.majorVersion));
  if (spec.revision != null) conditions.push(eq(wfRuns.revision, spec.revision));
  const [row] = await db
    .select({ n: sql<string>`count(*)` })
    .from(nodeRuns)
    .innerJoin(wfRuns, and(eq(wfRuns.tenantId, nodeRuns.tenantId), eq(wfRuns.id, nodeRuns.wfRunId)))
    .where(and(...conditions));
  return Number(row?.n ?? 0);
}

/** How many TaskRuns of a TaskDef are in one status: LittleHorse's CountTaskRun. */
export async function countTaskRuns(db: Queryable, tenantId: string, taskDefName: string, status: TaskStatus): Promise<number> {
  const [row] = await db
    .select({ n: sql<string>`count(*)` })
    .from(taskRuns)
    .where(and(eq(taskRuns.tenantId, tenantId), eq(taskRuns.taskDefName, taskDefName), taskStatusIs(status)));
  return Number(row?.n ?? 0);
}
