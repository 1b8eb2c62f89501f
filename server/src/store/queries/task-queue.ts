import { TASK_STATUSES } from '@gallop/engine';
import type { TaskStatus } from '@gallop/engine';
import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../db.ts';
import { taskDefs, taskRuns } from '../schema.ts';

/**
 * `task_runs.status = <status>`, the status written into the statement rather than passed as a parameter: the
 * partial indexes (task_runs_queue, task_runs_leases, task_runs_by_status) serve only statements whose status
 * PostgreSQL knows when it plans, and a prepared statement's plan may come to be made for any parameter value.
 */
export function taskStatusIs(status: TaskStatus) {
  // Checked again at run time: it goes into the statement's text.
  if (!(TASK_STATUSES as readonly string[]).includes(status)) throw new Error(`Not a TaskStatus: ${JSON.stringify(status)}`);
  return sql`${taskRuns.status} = ${sql.raw(`'${status}'`)}`;
}

export interface QueueDepth {
  readonly tenantId: string;
  readonly taskDefName: string;
  /** TaskRuns waiting for a worker (TASK_SCHEDULED). */
  readonly depth: number;
}

/**
 * How many TaskRuns wait for a worker, per TaskDef of every tenant, in one statement: zero for a TaskDef with none,
 * so a metric series never vanishes when its queue drains. The count reads the partial queue index only, however
 * many finished TaskRuns the table holds.
 */
export async function taskQueueDepths(db: Queryable): Promise<QueueDepth[]> {
  const queued = db
    .select({ tenantId: taskRuns.tenantId, taskDefName: taskRuns.taskDefName, depth: sql<number>`count(*)`.as('depth') })
    .from(taskRuns)
    .where(taskStatusIs('TASK_SCHEDULED'))
    .groupBy(taskRuns.tenantId, taskRuns.taskDefName)
    .as('queued');
  return db
    .select({ tenantId: taskDefs.tenantId, taskDefName: taskDefs.name, depth: sql<number>`coalesce(${queued.depth}, 0)`.mapWith(Number) })
    .from(taskDefs)
    .leftJoin(queued, and(eq(queued.tenantId, taskDefs.tenantId), eq(queued.taskDefName, taskDefs.name)));
}

/** A TaskDef's TaskRuns that are not finished: waiting for a worker, and held by one. */
export interface TaskLoad {
  readonly scheduled: number;
  readonly running: number;
}

/**
 * The unfinished TaskRuns of every TaskDef of a tenant, by TaskDef name, in one statement (a list of TaskDefs
 * asks once, not once per TaskDef). It reads only TaskRuns that are waiting or running, whose count is the work in
 * flight, not the table's history: each status is counted apart, through its partial index (one `status in (…)`
 * matches neither index, and PostgreSQL read the whole table for it).
 */
export async function taskLoads(db: Queryable, tenantId: string): Promise<Map<string, TaskLoad>> {
  const inStatus = (status: 'TASK_SCHEDULED' | 'TASK_RUNNING') =>
    db
      .select({ taskDefName: taskRuns.taskDefName, status: taskRuns.status, count: sql<number>`count(*)`.mapWith(Number) })
      .from(taskRuns)
      .where(and(eq(taskRuns.tenantId, tenantId), taskStatusIs(status)))
      .groupBy(taskRuns.taskDefName, taskRuns.status);
  const rows = await inStatus('TASK_SCHEDULED').unionAll(inStatus('TASK_RUNNING'));
  const loads = new Map<string, { scheduled: number; running: number }>();
  for (const { taskDefName, status, count } of rows) {
    const load = loads.get(taskDefName) ?? { scheduled: 0, running: 0 };
    if (status === 'TASK_SCHEDULED') load.scheduled = count;
    else load.running = count;
    loads.set(taskDefName, load);
  }
  return loads;
}
