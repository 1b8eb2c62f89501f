import { performance } from 'node:perf_hooks';
import type { JsonValue, TaskInput } from '@gallop/engine';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Metrics } from '../observability/metrics.ts';
import type { Db } from '../store/db.ts';
import { taskRuns } from '../store/schema.ts';

export interface ClaimRequest {
  readonly taskDefName: string;
  readonly workerId: string;
  readonly max: number;
  readonly waitMs: number;
  readonly leaseMs: number;
  readonly signal?: AbortSignal | undefined;
}

export interface ClaimedTaskRun {
  readonly wfRunId: string;
  readonly taskGuid: string;
  readonly taskDefName: string;
  readonly attempt: number;
  readonly input: Readonly<Record<string, JsonValue>>;
  readonly scheduledAt: Date;
  readonly leaseExpiresAt: Date;
}

interface Waiter {
  wake(): void;
}

/**
 * Hands TaskRuns to workers. A claim is one statement (UPDATE … WHERE key IN (SELECT … FOR UPDATE SKIP LOCKED)
 * RETURNING), so concurrent workers never get the same attempt. When the queue is empty the claim waits, without
 * polling, until this process schedules a TaskRun of that TaskDef or another process says it did.
 */
export class TaskDispatch {
  readonly #waiters = new Map<string, Waiter[]>();
  readonly #generation = new Map<string, number>();
  #closed = false;

  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
    private readonly metrics: Metrics,
    /** Told when claimed attempts' leases run out, so a TIMEOUT is reported on time. */
    private readonly onLeased: (expiresAt: number) => void = () => {},
  ) {}

  /** Wakes up to `count` waiting claims of a TaskDef. */
  wake(tenantId: string, taskDefName: string, count: number): void {
    const key = `${tenantId}\u0000${taskDefName}`;
    this.#generation.set(key, (this.#generation.get(key) ?? 0) + 1);
    const waiters = this.#waiters.get(key);
    if (!waiters) return;
    for (const waiter of waiters.splice(0, count)) waiter.wake();
    if (waiters.length === 0) this.#waiters.delete(key);
  }

  /** Claims up to `request.max` TaskRuns, waiting up to `request.waitMs` for one; the latency goes to the metrics. */
  async claim(tenantId: string, request: ClaimRequest): Promise<ClaimedTaskRun[]> {
    const started = performance.now();
    const claimed = await this.#claim(tenantId, request);
    this.metrics.claimAnswered((performance.now() - started) / 1000, claimed.length);
    return claimed;
  }

  async #claim(tenantId: string, request: ClaimRequest): Promise<ClaimedTaskRun[]> {
    const key = `${tenantId}\u0000${request.taskDefName}`;
    const deadline = this.clock() + request.waitMs;
    for (;;) {
      if (this.#closed) return [];
      // Remember the generation before claiming: a wake-up that lands during the query is then not lost.
      const generation = this.#generation.get(key) ?? 0;
      const claimed = await this.#claimOnce(tenantId, request);
      const remaining = deadline - this.clock();
      if (claimed.length > 0) this.onLeased(Math.min(...claimed.map((c) => c.leaseExpiresAt.getTime())));
      if (claimed.length > 0 || remaining <= 0 || request.signal?.aborted) return claimed;
      if ((this.#generation.get(key) ?? 0) === generation) await this.#wait(key, remaining, request.signal);
    }
  }

  /**
   * Moves the lease of a running attempt to `leaseMs` from now; undefined when that attempt is not running any more
   * (reported, timed out, or its WfRun gone), which tells the worker to let it go.
   */
  async extendLease(tenantId: string, lease: { wfRunId: string; taskGuid: string; attempt: number; leaseMs: number }): Promise<Date | undefined> {
    const leaseExpiresAt = new Date(this.clock() + lease.leaseMs);
    const [row] = await this.db
      .update(taskRuns)
      .set({ leaseExpiresAt })
      .where(
        and(
          eq(taskRuns.tenantId, tenantId),
          eq(taskRuns.wfRunId, lease.wfRunId),
          eq(taskRuns.taskGuid, lease.taskGuid),
          eq(taskRuns.attempt, lease.attempt),
          eq(taskRuns.status, 'TASK_RUNNING'),
        ),
      )
      .returning({ leaseExpiresAt: taskRuns.leaseExpiresAt });
    if (row) this.onLeased(leaseExpiresAt.getTime());
    return row ? leaseExpiresAt : undefined;
  }

  /** Wakes every waiting claim to look at the queue again: news of new TaskRuns may have been lost. */
  wakeAll(): void {
    // Claims between their query and their wait see the new generation and query again too.
    for (const key of new Set([...this.#generation.keys(), ...this.#waiters.keys()])) this.#generation.set(key, (this.#generation.get(key) ?? 0) + 1);
    for (const waiters of this.#waiters.values()) for (const waiter of waiters) waiter.wake();
    this.#waiters.clear();
  }

  /** Resolves every waiting claim at once, empty-handed, and takes no more (used at shutdown). */
  releaseAll(): void {
    this.#closed = true;
    for (const waiters of this.#waiters.values()) for (const waiter of waiters) waiter.wake();
    this.#waiters.clear();
  }

  #wait(key: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(key) ?? [];
      this.#waiters.set(key, waiters);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const waiter: Waiter = { wake: done };
      const onAbort = () => {
        const list = this.#waiters.get(key);
        const i = list?.indexOf(waiter) ?? -1;
        if (list && i >= 0) list.splice(i, 1);
        done();
      };
      const timer = setTimeout(onAbort, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters.push(waiter);
    });
  }

  async #claimOnce(tenantId: string, request: ClaimRequest): Promise<ClaimedTaskRun[]> {
    const now = this.clock();
    const leaseExpiresAt = new Date(now + request.leaseMs);
    const next = this.db
      .select({ tenantId: taskRuns.tenantId, wfRunId: taskRuns.wfRunId, taskGuid: taskRuns.taskGuid })
      .from(taskRuns)
      .where(and(eq(taskRuns.tenantId, tenantId), eq(taskRuns.taskDefName, request.taskDefName), eq(taskRuns.status, 'TASK_SCHEDULED')))
      .orderBy(asc(taskRuns.scheduledAt))
      .limit(request.max)
      .for('update', { skipLocked: true });
    const rows = await this.db
      .update(taskRuns)
      .set({
        status: 'TASK_RUNNING',
        workerId: request.workerId,
        startedAt: new Date(now),
        // LittleHorse: a node's timeout, when it sets one, is how long the worker has; otherwise the lease it asked for.
        leaseExpiresAt: sql`coalesce(${new Date(now).toISOString()}::timestamptz + ${taskRuns.timeoutSeconds} * interval '1 second', ${leaseExpiresAt.toISOString()}::timestamptz)`,
      })
      .where(sql`(${taskRuns.tenantId}, ${taskRuns.wfRunId}, ${taskRuns.taskGuid}) in (${next})`)
      .returning();
    return rows
      .sort((a, b) => a.scheduledAt.getTime() - b.scheduledAt.getTime())
      .map((row) => ({
        wfRunId: row.wfRunId,
        taskGuid: row.taskGuid,
        taskDefName: row.taskDefName,
        attempt: row.attempt,
        input: inputObject(row.input),
        scheduledAt: row.scheduledAt,
        leaseExpiresAt: row.leaseExpiresAt ?? leaseExpiresAt,
      }));
  }
}

function inputObject(input: readonly TaskInput[]): Record<string, JsonValue> {
  return Object.fromEntries(input.map((i) => [i.name, i.value]));
}
