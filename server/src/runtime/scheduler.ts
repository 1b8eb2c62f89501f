import type { Command, VersionedWfSpec } from '@gallop/engine';
import { and, asc, eq, isNull, lt, lte, min, or, sql } from 'drizzle-orm';
import type { Logger } from '../observability/logger.ts';
import type { Db } from '../store/db.ts';
import { claimDueScheduledWfRuns, earliestScheduledWfRun } from '../store/queries/scheduled-wf-runs.ts';
import { taskStatusIs } from '../store/queries/task-queue.ts';
import { outbox, taskRuns, timers } from '../store/schema.ts';
import type { CommandOutcome } from './execute-command.ts';
import { deliver } from './outbox.ts';
import { fireScheduledWfRun } from './scheduled-wf-run.ts';

/** How long a scheduler holds a due timer, schedule or expired lease while it acts on it. */
const CLAIM_MS = 30_000;
const BATCH = 100;
/**
 * The longest the loop sleeps. It wakes earlier for the earliest timer or lease in the database, for timers this
 * process sets, and for those other processes announce (Cluster); this only bounds what slips past all three.
 */
const IDLE_MS = 1_000;

export interface SchedulerOptions {
  readonly db: Db;
  readonly clock: () => number;
  readonly execute: (tenantId: string, wfRunId: string, command: Command, wfSpec?: VersionedWfSpec) => Promise<CommandOutcome>;
  readonly log: Logger;
}

/**
 * Fires due timers and ScheduledWfRuns and times out TaskRun attempts whose lease ran out. All are claimed the way
 * workers claim TaskRuns (FOR UPDATE SKIP LOCKED, with a lease of their own), so several server processes share the
 * work and a crash only delays it. It sleeps until the earliest timer, schedule or lease it knows of, and wakes early
 * for one set meanwhile, here or (announced through the Cluster) in another process.
 */
export class Scheduler {
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #nextLocal = Number.POSITIVE_INFINITY;
  /** When the current sleep ends: only something due before then is worth waking for. */
  #sleepUntil = Number.POSITIVE_INFINITY;
  /** Set while passes keep failing, so a database outage logs one error a streak, not one a second. */
  #failing = false;
  /** What a failed pass claimed and did not get to: still under this process's claim, the next pass takes it first. */
  readonly #left = { outbox: new Left<typeof outbox.$inferSelect>(), timers: new Left<typeof timers.$inferSelect>(), leases: new Left<ExpiredLease>() };

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** A timer or ScheduledWfRun was set in this process for `fireAt`. */
  timerSet(fireAt: number): void {
    if (fireAt < this.#nextLocal) this.#nextLocal = fireAt;
    // A lease that runs out in a minute need not wake a loop that looks again within the second.
    if (fireAt < this.#sleepUntil) this.#wake?.();
  }

  async close(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      try {
        const busy = (await this.#deliverOutbox()) + (await this.#fireTimers()) + (await this.#fireSchedules()) + (await this.#expireLeases());
        if (this.#failing) this.options.log.info('The scheduler fires timers and expires leases again');
        this.#failing = false;
        if (busy > 0) continue;
      } catch (error) {
        const message = 'The scheduler could not fire timers or expire leases';
        if (this.#failing) this.options.log.debug({ err: error }, message);
        else this.options.log.error({ err: error }, `${message}; it retries every second and logs repeats at debug`);
        this.#failing = true;
      }
      let next = Number.POSITIVE_INFINITY;
      try {
        next = await this.#nextDue();
      } catch (error) {
        // The pass above failed the same way and said so; this only decides how long to sleep.
        this.options.log.debug({ err: error }, 'The scheduler could not read when the next timer is due');
      }
      const now = this.options.clock();
      if (this.#nextLocal <= now) this.#nextLocal = Number.POSITIVE_INFINITY;
      const sleep = Math.max(0, Math.min(IDLE_MS, this.#nextLocal - now, next - now));
      this.#sleepUntil = now + sleep;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, sleep);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
      this.#sleepUntil = Number.NEGATIVE_INFINITY;
    }
  }

  /** When the earliest known timer, schedule or lease comes due (epoch ms), so the loop wakes for it rather than polls. */
  async #nextDue(): Promise<number> {
    const { db } = this.options;
    const [timer] = await db.select({ at: min(timers.fireAt) }).from(timers).where(isNull(timers.lockedUntil));
    const [lease] = await db.select({ at: min(taskRuns.leaseExpiresAt) }).from(taskRuns).where(taskStatusIs('TASK_RUNNING'));
    const schedule = await earliestScheduledWfRun(db);
    return Math.min(
      timer?.at ? new Date(timer.at).getTime() : Number.POSITIVE_INFINITY,
      lease?.at ? new Date(lease.at).getTime() : Number.POSITIVE_INFINITY,
      schedule ?? Number.POSITIVE_INFINITY,
    );
  }

  /** Delivers up to BATCH commands WfRuns owe each other (child WfRuns and their parents); returns how many. */
  async #deliverOutbox(): Promise<number> {
    const { db, clock, log } = this.options;
    const now = new Date(clock());
    const waiting = db
      .select({ tenantId: outbox.tenantId, wfRunId: outbox.wfRunId, id: outbox.id })
      .from(outbox)
      .where(or(isNull(outbox.lockedUntil), lt(outbox.lockedUntil, now)))
      .orderBy(asc(outbox.createdAt))
      .limit(BATCH)
      .for('update', { skipLocked: true });
    const claimed = await db
      .update(outbox)
      .set({ lockedUntil: new Date(now.getTime() + CLAIM_MS) })
      .where(sql`(${outbox.tenantId}, ${outbox.wfRunId}, ${outbox.id}) in (${waiting})`)
      .returning();
    const rows = [...this.#left.outbox.take(now.getTime()), ...claimed].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    await this.#left.outbox.actInOrder(rows, now.getTime() + CLAIM_MS, async (row) => {
      await deliver({ db, clock, execute: this.options.execute, log }, row.tenantId, row.effect, row.wfRunId);
      await db.delete(outbox).where(and(eq(outbox.tenantId, row.tenantId), eq(outbox.wfRunId, row.wfRunId), eq(outbox.id, row.id)));
    });
    return rows.length;
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
    const rows = [...this.#left.timers.take(now.getTime()), ...claimed];
    await this.#left.timers.actInOrder(rows, now.getTime() + CLAIM_MS, async (timer) => {
      const outcome = await this.options.execute(timer.tenantId, timer.wfRunId, { type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose });
      // A fired timer is deleted by its command's own write; one with nothing left to do goes here.
      if (!outcome.ok) {
        const { code, message } = outcome.rejection;
        // A stale timer is routine; any other refusal (a deadline REASSIGN that names nobody, say) is worth a word.
        if (code === 'STALE_TIMER') this.options.log.debug({ wfRunId: timer.wfRunId, timerId: timer.timerId, rejection: code }, 'Dropping a timer its WfRun no longer waits for');
        else this.options.log.warn({ wfRunId: timer.wfRunId, timerId: timer.timerId, rejection: code }, `Dropping a timer its WfRun refused: ${message}`);
        await db.delete(timers).where(and(eq(timers.tenantId, timer.tenantId), eq(timers.wfRunId, timer.wfRunId), eq(timers.timerId, timer.timerId)));
      }
    });
    return rows.length;
  }

  /** Starts the WfRuns of up to BATCH due ScheduledWfRuns and moves each to its next time; returns how many. */
  async #fireSchedules(): Promise<number> {
    const { db, clock, execute, log } = this.options;
    const now = new Date(clock());
    const claimed = await claimDueScheduledWfRuns(db, now, new Date(now.getTime() + CLAIM_MS), BATCH);
    for (const row of claimed) await fireScheduledWfRun({ db, clock, execute, log }, row);
    return claimed.length;
  }

  /** Reports TIMEOUT for up to BATCH attempts whose worker let the lease run out; returns how many. */
  async #expireLeases(): Promise<number> {
    const { db, clock } = this.options;
    const now = new Date(clock());
    const expired = db
      .select({ tenantId: taskRuns.tenantId, wfRunId: taskRuns.wfRunId, taskGuid: taskRuns.taskGuid })
      .from(taskRuns)
      .where(and(taskStatusIs('TASK_RUNNING'), lt(taskRuns.leaseExpiresAt, now)))
      .limit(BATCH)
      .for('update', { skipLocked: true });
    const claimed = await db
      .update(taskRuns)
      .set({ leaseExpiresAt: new Date(now.getTime() + CLAIM_MS) })
      .where(sql`(${taskRuns.tenantId}, ${taskRuns.wfRunId}, ${taskRuns.taskGuid}) in (${expired})`)
      .returning({ tenantId: taskRuns.tenantId, wfRunId: taskRuns.wfRunId, taskGuid: taskRuns.taskGuid, attempt: taskRuns.attempt, workerId: taskRuns.workerId });
    if (claimed.length > 0) {
      // Which ones, and whose: the first few, so that a worker running past its leases can be found.
      const taskRunIds = claimed.slice(0, 20).map((run) => `${run.wfRunId}/${run.taskGuid}#${run.attempt}`);
      const workerIds = [...new Set(claimed.map((run) => run.workerId).filter((id) => id !== null))].slice(0, 20);
      this.options.log.info({ count: claimed.length, taskRunIds, workerIds }, 'TaskRun leases expired: reporting TIMEOUT');
    }
    const rows = [...this.#left.leases.take(now.getTime()), ...claimed];
    await this.#left.leases.actInOrder(rows, now.getTime() + CLAIM_MS, async (run) => {
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
    });
    return rows.length;
  }
}

interface ExpiredLease {
  readonly tenantId: string;
  readonly wfRunId: string;
  readonly taskGuid: string;
  readonly attempt: number;
  readonly workerId: string | null;
}

/**
 * The claimed rows of one kind that a failed pass did not get to. A dropped connection fails the queries in flight
 * on it, so one command of a batch of 100 fails; the rest (that one first, to keep their order) wait here for the
 * next pass, within IDLE_MS, instead of sitting out the claim for CLAIM_MS. Once the claim runs out they are
 * anyone's again and are dropped here, so a row that keeps failing goes back to being retried once per claim.
 */
class Left<T extends object> {
  #rows: T[] = [];
  /** When each row's claim runs out: a row kept again keeps its first claim's end. */
  readonly #claimedUntil = new WeakMap<T, number>();

  /** The rows left by the last failed pass whose claim still holds at `now`, emptying the list. */
  take(now: number): T[] {
    const rows = this.#rows.filter((row) => (this.#claimedUntil.get(row) ?? 0) > now);
    this.#rows = [];
    return rows;
  }

  /** Acts on `rows` in order; when one fails, keeps it and the rest, rows new in this pass claimed until `claimedUntil`, and rethrows. */
  async actInOrder(rows: readonly T[], claimedUntil: number, act: (row: T) => Promise<void>): Promise<void> {
    for (const [i, row] of rows.entries()) {
      try {
        await act(row);
      } catch (error) {
        this.#rows = rows.slice(i);
        for (const kept of this.#rows) if (!this.#claimedUntil.has(kept)) this.#claimedUntil.set(kept, claimedUntil);
        throw error;
      }
    }
  }
}
