import type { Command } from '@gallop/engine';
import { and, asc, eq, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Logger } from '../observability/logger.ts';
import type { Db } from '../store/db.ts';
import { taskRuns, timers } from '../store/schema.ts';
import type { CommandOutcome } from './execute-command.ts';

/** How long a scheduler holds a due timer or an expired lease while it acts on it. */
const CLAIM_MS = 30_000;
const BATCH = 100;
/** The longest the loop sleeps: timers other processes set, and leases, are noticed within this. */
const IDLE_MS = 1_000;

export interface SchedulerOptions {
  readonly db: Db;
  readonly clock: () => number;
  readonly execute: (tenantId: string, wfRunId: string, command: Command) => Promise<CommandOutcome>;
  readonly log: Logger;
}

/**
 * Fires due timers and times out TaskRun attempts whose lease ran out. Both are claimed the way workers claim
 * TaskRuns (FOR UPDATE SKIP LOCKED, with a lease of their own), so several server processes share the work and a
 * crash only delays it. It wakes for a timer this process set at that timer's time, and otherwise looks every
 * second for timers set elsewhere and for expired leases.
 */
export class Scheduler {
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #nextLocal = Number.POSITIVE_INFINITY;
  /** Set while passes keep failing, so a database outage logs one error a streak, not one a second. */
  #failing = false;

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** A timer was set in this process for `fireAt`. */
  timerSet(fireAt: number): void {
    if (fireAt < this.#nextLocal) {
      this.#nextLocal = fireAt;
      this.#wake?.();
    }
  }

  async close(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      try {
        const busy = (await this.#fireTimers()) + (await this.#expireLeases());
        if (this.#failing) this.options.log.info('The scheduler fires timers and expires leases again');
        this.#failing = false;
        if (busy > 0) continue;
      } catch (error) {
        const message = 'The scheduler could not fire timers or expire leases';
        if (this.#failing) this.options.log.debug({ err: error }, message);
        else this.options.log.error({ err: error }, `${message}; it retries every second and logs repeats at debug`);
        this.#failing = true;
      }
      const now = this.options.clock();
      if (this.#nextLocal <= now) this.#nextLocal = Number.POSITIVE_INFINITY;
      const sleep = Math.max(0, Math.min(IDLE_MS, this.#nextLocal - now));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, sleep);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  /** Fires up to BATCH due timers; returns how many it claimed. */
  async #fireTimers(): Promise<number> {
    const { db, clock } = this.options;
    const now = new Date(clock());
    const due = db
      .select({ tenantId: timers.tenantId, wfRunId: timers.wfRunId, timerId: timers.timerId })
      .from(timers)
      .where(and(lte(timers.fireAt, now), or(isNull(timers.lockedUntil), lt(timers.lockedUntil, now))))
      .orderBy(asc(timers.fireAt))
      .limit(BATCH)
      .for('update', { skipLocked: true });
    const claimed = await db
      .update(timers)
      .set({ lockedUntil: new Date(now.getTime() + CLAIM_MS) })
      .where(sql`(${timers.tenantId}, ${timers.wfRunId}, ${timers.timerId}) in (${due})`)
      .returning();
    for (const timer of claimed) {
      const outcome = await this.options.execute(timer.tenantId, timer.wfRunId, { type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose });
      // A fired timer is deleted by its command's own write; one with nothing left to do goes here.
      if (!outcome.ok) {
        this.options.log.debug({ wfRunId: timer.wfRunId, timerId: timer.timerId, rejection: outcome.rejection.code }, 'Dropping a timer its WfRun no longer waits for');
        await db.delete(timers).where(and(eq(timers.tenantId, timer.tenantId), eq(timers.wfRunId, timer.wfRunId), eq(timers.timerId, timer.timerId)));
      }
    }
    return claimed.length;
  }

  /** Reports TIMEOUT for up to BATCH attempts whose worker let the lease run out; returns how many. */
  async #expireLeases(): Promise<number> {
    const { db, clock } = this.options;
    const now = new Date(clock());
    const expired = db
      .select({ tenantId: taskRuns.tenantId, wfRunId: taskRuns.wfRunId, taskGuid: taskRuns.taskGuid })
      .from(taskRuns)
      .where(and(eq(taskRuns.status, 'TASK_RUNNING'), lt(taskRuns.leaseExpiresAt, now)))
      .limit(BATCH)
      .for('update', { skipLocked: true });
    const claimed = await db
      .update(taskRuns)
      .set({ leaseExpiresAt: new Date(now.getTime() + CLAIM_MS) })
      .where(sql`(${taskRuns.tenantId}, ${taskRuns.wfRunId}, ${taskRuns.taskGuid}) in (${expired})`)
      .returning({ tenantId: taskRuns.tenantId, wfRunId: taskRuns.wfRunId, taskGuid: taskRuns.taskGuid, attempt: taskRuns.attempt, workerId: taskRuns.workerId });
    if (claimed.length > 0) this.options.log.info({ count: claimed.length }, 'TaskRun leases expired: reporting TIMEOUT');
    for (const run of claimed) {
      const outcome = await this.options.execute(run.tenantId, run.wfRunId, {
        type: 'ReportTaskAttempt',
        taskGuid: run.taskGuid,
        attempt: run.attempt,
        result: { status: 'TIMEOUT' },
        workerId: run.workerId ?? undefined,
      });
      if (!outcome.ok) {
        this.options.log.debug({ wfRunId: run.wfRunId, taskGuid: run.taskGuid, rejection: outcome.rejection.code }, 'An expired lease needed no TIMEOUT');
        // The WfRun moved on without this attempt (it ended, or the report raced us): stop watching the lease.
        await db
          .update(taskRuns)
          .set({ leaseExpiresAt: null })
          .where(and(eq(taskRuns.tenantId, run.tenantId), eq(taskRuns.wfRunId, run.wfRunId), eq(taskRuns.taskGuid, run.taskGuid)));
      }
    }
    return claimed.length;
  }
}
