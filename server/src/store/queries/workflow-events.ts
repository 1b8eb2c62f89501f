import { and, asc, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Queryable } from '../db.ts';
import { workflowEvents } from '../schema.ts';

export type WorkflowEventRow = typeof workflowEvents.$inferSelect;

export async function findWorkflowEvent(db: Queryable, tenantId: string, wfRunId: string, workflowEventDefName: string, number: number): Promise<WorkflowEventRow | undefined> {
  const [row] = await db
    .select()
    .from(workflowEvents)
    .where(
      and(
        eq(workflowEvents.tenantId, tenantId),
        eq(workflowEvents.wfRunId, wfRunId),
        eq(workflowEvents.workflowEventDefName, workflowEventDefName),
        eq(workflowEvents.number, number),
      ),
    );
  return row;
}

/**
 * The WorkflowEventDef each of `nodeRuns` (THROW_EVENT NodeRuns) threw, in one query, keys as one JSON parameter as
 * findTaskRuns reads TaskRuns. A NodeRun that threw nothing (it failed first) has no row, nor one whose event an
 * older server wrote without its NodeRun.
 */
export async function findThrowingNodeRuns(
  db: Queryable,
  tenantId: string,
  nodeRuns: readonly { wfRunId: string; threadRunNumber: number; position: number }[],
): Promise<{ wfRunId: string; threadRunNumber: number | null; position: number | null; workflowEventDefName: string }[]> {
  if (nodeRuns.length === 0) return [];
  const json = JSON.stringify(nodeRuns.map((n) => ({ w: n.wfRunId, t: n.threadRunNumber, p: n.position })));
  return db
    .select({ wfRunId: workflowEvents.wfRunId, threadRunNumber: workflowEvents.threadRunNumber, position: workflowEvents.nodeRunPosition, workflowEventDefName: workflowEvents.workflowEventDefName })
    .from(workflowEvents)
    .where(
      and(
        eq(workflowEvents.tenantId, tenantId),
        sql`(${workflowEvents.wfRunId}, ${workflowEvents.threadRunNumber}, ${workflowEvents.nodeRunPosition}) in (select k.w, k.t, k.p from jsonb_to_recordset(${json}::jsonb) as k(w text, t int, p int))`,
      ),
    );
}

/** The first WorkflowEvent of any of `names` that a WfRun threw (awaitWorkflowEvent). */
export async function firstWorkflowEventOf(db: Queryable, tenantId: string, wfRunId: string, names: readonly string[]): Promise<WorkflowEventRow | undefined> {
  const [row] = await db
    .select()
    .from(workflowEvents)
    .where(and(eq(workflowEvents.tenantId, tenantId), eq(workflowEvents.wfRunId, wfRunId), inArray(workflowEvents.workflowEventDefName, [...names])))
    .orderBy(asc(workflowEvents.createdAt), asc(workflowEvents.number))
    .limit(1);
  return row;
}

/** Every WorkflowEvent a WfRun threw, by time; those of one moment (one step) by def, then number. */
export async function listWorkflowEventsOf(db: Queryable, tenantId: string, wfRunId: string): Promise<WorkflowEventRow[]> {
  return db
    .select()
    .from(workflowEvents)
    .where(and(eq(workflowEvents.tenantId, tenantId), eq(workflowEvents.wfRunId, wfRunId)))
    .orderBy(asc(workflowEvents.createdAt), asc(workflowEvents.workflowEventDefName), asc(workflowEvents.number));
}

export interface WorkflowEventCursor {
  readonly createdAt: Date;
  readonly wfRunId: string;
  readonly number: number;
}

/** WorkflowEvents of a def, newest first, thrown within [after, before) when given, after a cursor. */
export async function searchWorkflowEvents(
  db: Queryable,
  tenantId: string,
  filter: { workflowEventDefName: string; after?: Date | null | undefined; before?: Date | null | undefined },
  cursor: WorkflowEventCursor | undefined,
  limit: number,
): Promise<WorkflowEventRow[]> {
  const conditions = [eq(workflowEvents.tenantId, tenantId), eq(workflowEvents.workflowEventDefName, filter.workflowEventDefName)];
  if (filter.after) conditions.push(gte(workflowEvents.createdAt, filter.after));
  if (filter.before) conditions.push(lt(workflowEvents.createdAt, filter.before));
  if (cursor) {
    conditions.push(
      sql`(${workflowEvents.createdAt}, ${workflowEvents.wfRunId}, ${workflowEvents.number}) < (${cursor.createdAt.toISOString()}::timestamptz, ${cursor.wfRunId}, ${cursor.number})`,
    );
  }
  return db
    .select()
    .from(workflowEvents)
    .where(and(...conditions))
    .orderBy(desc(workflowEvents.createdAt), desc(workflowEvents.wfRunId), desc(workflowEvents.number))
    .limit(limit);
}
