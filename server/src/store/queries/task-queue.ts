import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../db.ts';
import { taskDefs, taskRuns } from '../schema.ts';

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
    .where(eq(taskRuns.status, 'TASK_SCHEDULED'))
    .groupBy(taskRuns.tenantId, taskRuns.taskDefName)
    .as('queued');
  return db
    .select({ tenantId: taskDefs.tenantId, taskDefName: taskDefs.name, depth: sql<number>`coalesce(${queued.depth}, 0)`.mapWith(Number) })
    .from(taskDefs)
    .leftJoin(queued, and(eq(queued.tenantId, taskDefs.tenantId), eq(queued.taskDefName, taskDefs.name)));
}
