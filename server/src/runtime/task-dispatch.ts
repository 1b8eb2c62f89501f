import { performance } from 'node:perf_hooks';
import type { JsonValue, TaskInput } from '@gallop/engine';
import { and, eq } from 'drizzle-orm';
import type { Metrics } from '../observability/metrics.ts';
import type { Store } from '../store/db.ts';
import { taskRuns } from '../store/schema.ts';
import { isoTime } from '../store/write-set.ts';
import type { TaskRunRow } from '../store/write-set.ts';

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
  /** Where its NodeRun is: null only for TaskRuns scheduled before the server recorded it. */
  readonly threadRunNumber: number | null;
  readonly nodePosition: number | null;
  readonly taskDefName: string;
  readonly attempt: number;
  readonly input: Readonly<Record<string, JsonValue>>;
  readonly scheduledAt: Date;
  /** Epoch ms at which this attempt was leased to the worker. */
  readonly startedAt: number;
  readonly leaseExpiresAt: Date;
  /** A reminder's: who held its UserTaskRun when it fired (null for a TASK node's). */
  readonly userId: string | null;
  readonly userGroup: string | null;
}

interface Waiter {
  readonly key: string;
  readonly request: ClaimRequest;
  /** Ends the wait: with TaskRuns handed over, or with none (look at the queue again). */
  resolve(handed?: ClaimedTaskRun[]): void;
  /** Writes on their way that promise it TaskRuns: a timeout or abort meanwhile waits for them. */
  promised: number;
  /** How many TaskRuns those writes promised it, so far: it takes no more than it asked for. */
  taken: number;
  /** TaskRuns whose writes committed; it gets them once no promised write is left. */
  readonly delivered: ClaimedTaskRun[];
}

/** TaskRuns promised to waiting claims by a write on its way: delivered if it commits, taken back if it fails. */
export interface Handoff {
  /** The write committed: the claims get their TaskRuns. */
  deliver(): void;
  /** The write failed: the claims answer with what other writes brought them, or else look at the queue again. */
  cancel(): void;
}

/**
 * How long a queue seen empty is believed empty while no news says otherwise. News comes from this process's own
 * commands and, over NOTIFY, from the others'; this bounds what a lost NOTIFY can cost a claim.
 */
const TRUST_EMPTY_MS = 1_000;

const NO_HANDOFF: Handoff = { deliver() {}, cancel() {} };

/**
 * Hands TaskRuns to workers. A claim is one statement (UPDATE … WHERE key IN (SELECT … FOR UPDATE SKIP LOCKED)
 * RETURNING), so concurrent workers never get the same attempt. When the queue is empty the claim waits, without
 * polling. A command of this process that schedules a TaskRun of that TaskDef hands it to the waiting claim in the
 * same write (the row goes in already leased: no claim statement, no extra commit); news that another process
 * scheduled one wakes the claim to look at the queue.
 */
export class TaskDispatch {
  readonly #waiters = new Map<string, Waiter[]>();
  readonly #generation = new Map<string, number>();
  /** By TaskDef: the generation at which a claim last found the queue empty, and when. */
  readonly #empty = new Map<string, { generation: number; at: number }>();
  #closed = false;

  constructor(
    private readonly store: Store,
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
    // A waiter that writes on their way are filling answers with those, without looking at the queue: it stays in
    // line for more and does not count among those woken.
    for (const waiter of waiters.filter((w) => w.promised === 0).slice(0, count)) waiter.resolve();
  }

  /** How many claims of a TaskDef wait in this process now. */
  waitingClaims(tenantId: string, taskDefName: string): number {
    return this.#waiters.get(`${tenantId}\u0000${taskDefName}`)?.length ?? 0;
  }

  /**
   * Leases new TaskRuns (rows a write is about to insert) to claims waiting here, by setting the rows' status,
   * worker and lease; the claims get them when the write commits (`deliver`). Rows no claim waits for stay queued.
   */
  handOff(tenantId: string, rows: TaskRunRow[], now: number): Handoff {
    if (this.#waiters.size === 0 || rows.length === 0) return NO_HANDOFF;
    const given = new Map<Waiter, ClaimedTaskRun[]>();
    for (const row of rows) {
      if (row.attempt !== 0 || row.status !== 'TASK_SCHEDULED') continue;
      // Waiters stay in line until they are full, so several writes gathered into one commit can fill one claim.
      const waiter = this.#waiters.get(`${tenantId}\u0000${row.task_def_name}`)?.[0];
      if (!waiter) continue;
      let claimed = given.get(waiter);
      if (!claimed) {
        claimed = [];
        given.set(waiter, claimed);
        waiter.promised++;
      }
      if (++waiter.taken >= waiter.request.max) this.#remove(waiter);
      // LittleHorse: a node's timeout, when it sets one, is how long the worker has; otherwise the lease it asked for.
      const leaseExpiresAt = new Date(now + (row.timeout_seconds === null ? waiter.request.leaseMs : row.timeout_seconds * 1000));
      Object.assign(row, { status: 'TASK_RUNNING', worker_id: waiter.request.workerId, started_at: isoTime(now), lease_expires_at: leaseExpiresAt.toISOString() });
      claimed.push({
        wfRunId: row.wf_run_id,
        taskGuid: row.task_guid,
        threadRunNumber: row.thread_run_number,
        nodePosition: row.node_position,
        taskDefName: row.task_def_name,
        attempt: row.attempt,
        input: inputObject(row.input),
        scheduledAt: new Date(row.scheduled_at),
        startedAt: now,
        leaseExpiresAt,
        userId: row.user_id ?? null,
        userGroup: row.user_group ?? null,
      });
    }
    if (given.size === 0) return NO_HANDOFF;
    // Once one of its writes is settled a waiter takes no more: it answers when the others are settled too.
    const settle = (waiter: Waiter) => {
      this.#remove(waiter);
      if (--waiter.promised === 0) waiter.resolve(waiter.delivered.length > 0 ? waiter.delivered : undefined);
    };
    return {
      deliver: () => {
        let earliest = Number.POSITIVE_INFINITY;
        for (const [waiter, claimed] of given) {
          waiter.delivered.push(...claimed);
          for (const c of claimed) earliest = Math.min(earliest, c.leaseExpiresAt.getTime());
          settle(waiter);
        }
        this.onLeased(earliest);
      },
      cancel: () => {
        for (const waiter of given.keys()) settle(waiter);
      },
    };
  }

  /**
   * Claims up to `request.max` TaskRuns, waiting up to `request.waitMs` for one; the latency goes to the metrics.
   * `first` (a worker's reports; it must not reject, or the TaskRuns leased meanwhile wait for their leases) runs
   * with the claim already in line for the turn in which the reports are decided: a TaskRun that a report's command
   * schedules is handed to it in that command's write, and the claim answers with what it was handed, topped up from
   * the queue (while the reports' writes commit) when that is short of `max`. So a busy worker that reports and
   * claims in one request costs about one commit per TaskRun. When both come to nothing it answers at once rather
   * than wait out `waitMs`: the worker learns what its reports did (and retries a failed one) now, not a long poll
   * later, and a worker stopped meanwhile does not send again reports that were applied; it claims again without them.
   */
  async claim(tenantId: string, request: ClaimRequest, first?: () => Promise<void>): Promise<ClaimedTaskRun[]> {
    const started = performance.now();
    const key = `${tenantId}\u0000${request.taskDefName}`;
    const claimed = await (first ? this.#reportAndClaim(tenantId, key, request, first) : this.#claimOrWait(tenantId, key, request));
    this.metrics.claimAnswered((performance.now() - started) / 1000, claimed.length);
    return claimed;
  }

  /** A claim that carries reports: what their writes hand it, topped up from the queue; it never waits for more. */
  async #reportAndClaim(tenantId: string, key: string, request: ClaimRequest, first: () => Promise<void>): Promise<ClaimedTaskRun[]> {
    const { waiter, handed } = this.#line(key, request);
    const reported = first();
    // Both are awaited below, after a turn or more: a failure meanwhile must not count as unhandled (and end the process).
    reported.catch(() => {});
    // Reports on cached WfRuns (the usual case) are decided in this turn and their writes go out at its end, so by
    // the next turn what they hand this claim is known: the rest is claimed from the queue while those writes
    // commit, not after. A report decided later (its WfRun read first) puts its TaskRun on the queue instead.
    await new Promise((resolve) => setImmediate(resolve));
    const short = request.max - waiter.taken;
    let topUp: Promise<ClaimedTaskRun[]> = Promise.resolve([]);
    if (short > 0 && !this.#closed) {
      waiter.taken = request.max;
      this.#remove(waiter);
      topUp = this.#query(tenantId, key, { ...request, max: short });
      topUp.catch(() => {});
    }
    try {
      await reported;
    } finally {
      // Out of the line; it answers now unless writes on their way still promise it TaskRuns.
      this.#release(waiter);
    }
    const given = (await handed) ?? [];
    if (given.length > 0) this.metrics.claimHandedOff(given.length);
    // TaskRuns handed over are already leased to this worker: a failed top-up must not fail the claim that has them.
    const more = await topUp.catch((error: unknown) => {
      if (given.length === 0) throw error;
      return [];
    });
    return [...given, ...more];
  }

  /** A claim on its own: from the queue, else waiting in line up to `request.waitMs` for a wake-up or a hand-off. */
  async #claimOrWait(tenantId: string, key: string, request: ClaimRequest): Promise<ClaimedTaskRun[]> {
    const deadline = this.clock() + request.waitMs;
    for (;;) {
      if (this.#closed) return [];
      // Remember the generation before claiming: a wake-up that lands during the query is then not lost.
      const generation = this.#generation.get(key) ?? 0;
      const claimed = await this.#query(tenantId, key, request);
      const remaining = deadline - this.clock();
      if (claimed.length > 0 || remaining <= 0 || request.signal?.aborted) return claimed;
      if ((this.#generation.get(key) ?? 0) === generation) {
        const handed = await this.#wait(key, request, remaining);
        if (handed) {
          this.metrics.claimHandedOff(handed.length);
          return handed;
        }
      }
    }
  }

  /**
   * Claims from the queue, unless a claim found it empty since the last news of a TaskRun put on it (then it is
   * still empty, and the claim can wait without asking again).
   */
  async #query(tenantId: string, key: string, request: ClaimRequest): Promise<ClaimedTaskRun[]> {
    const generation = this.#generation.get(key) ?? 0;
    const empty = this.#empty.get(key);
    if (empty && empty.generation === generation && this.clock() - empty.at <= TRUST_EMPTY_MS) return [];
    const claimed = await this.#claimOnce(tenantId, request);
    if (claimed.length < request.max) this.#empty.set(key, { generation, at: this.clock() });
    else this.#empty.delete(key);
    if (claimed.length > 0) this.onLeased(Math.min(...claimed.map((c) => c.leaseExpiresAt.getTime())));
    return claimed;
  }

  /**
   * Moves the lease of a running attempt to `leaseMs` from now; undefined when that attempt is not running any more
   * (reported, timed out, or its WfRun gone), which tells the worker to let it go. With the new lease, who holds it.
   */
  async extendLease(
    tenantId: string,
    lease: { wfRunId: string; taskGuid: string; attempt: number; leaseMs: number },
  ): Promise<{ leaseExpiresAt: Date; workerId: string | null; taskDefName: string } | undefined> {
    const leaseExpiresAt = new Date(this.clock() + lease.leaseMs);
    const [row] = await this.store.db
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
      .returning({ workerId: taskRuns.workerId, taskDefName: taskRuns.taskDefName });
    if (!row) return undefined;
    this.onLeased(leaseExpiresAt.getTime());
    return { leaseExpiresAt, ...row };
  }

  /** Wakes every waiting claim to look at the queue again: news of new TaskRuns may have been lost. */
  wakeAll(): void {
    // Claims between their query and their wait see the new generation and query again too.
    for (const key of new Set([...this.#generation.keys(), ...this.#waiters.keys()])) this.#generation.set(key, (this.#generation.get(key) ?? 0) + 1);
    for (const waiters of [...this.#waiters.values()]) for (const waiter of [...waiters]) this.#release(waiter);
    this.#waiters.clear();
  }

  /** Resolves every waiting claim at once, empty-handed unless a write on its way hands it TaskRuns, and takes no more (used at shutdown). */
  releaseAll(): void {
    this.#closed = true;
    for (const waiters of [...this.#waiters.values()]) for (const waiter of [...waiters]) this.#release(waiter);
    this.#waiters.clear();
  }

  /** Waits for a wake-up (undefined) or TaskRuns handed over by a write, at most `ms`. */
  #wait(key: string, request: ClaimRequest, ms: number): Promise<ClaimedTaskRun[] | undefined> {
    const { waiter, handed } = this.#line(key, request);
    // Given up: no more TaskRuns are handed to it; those writes on their way promised it still come with its answer.
    const giveUp = () => this.#release(waiter);
    const timer = setTimeout(giveUp, ms);
    request.signal?.addEventListener('abort', giveUp, { once: true });
    return handed.finally(() => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', giveUp);
    });
  }

  /** Puts a claim in line for TaskRuns of its TaskDef; `handed` settles when it is resolved, with them or without. */
  #line(key: string, request: ClaimRequest): { waiter: Waiter; handed: Promise<ClaimedTaskRun[] | undefined> } {
    let settle!: (handed: ClaimedTaskRun[] | undefined) => void;
    const handed = new Promise<ClaimedTaskRun[] | undefined>((resolve) => (settle = resolve));
    let done = false;
    const waiter: Waiter = {
      key,
      request,
      promised: 0,
      taken: 0,
      delivered: [],
      resolve: (given) => {
        if (done) return;
        done = true;
        this.#remove(waiter);
        settle(given);
      },
    };
    const waiters = this.#waiters.get(key) ?? [];
    this.#waiters.set(key, waiters);
    waiters.push(waiter);
    return { waiter, handed };
  }

  /** Ends a waiter's wait now, unless writes on their way promise it TaskRuns: then it only leaves the line. */
  #release(waiter: Waiter): void {
    if (waiter.promised > 0) this.#remove(waiter);
    else waiter.resolve();
  }

  #remove(waiter: Waiter): void {
    const list = this.#waiters.get(waiter.key);
    const i = list?.indexOf(waiter) ?? -1;
    if (!list || i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.#waiters.delete(waiter.key);
  }

  async #claimOnce(tenantId: string, request: ClaimRequest): Promise<ClaimedTaskRun[]> {
    const now = new Date(this.clock());
    const leaseExpiresAt = new Date(now.getTime() + request.leaseMs);
    const rows = await this.store.run<ClaimRow>(CLAIM, [tenantId, request.taskDefName, request.max, request.workerId, now.toISOString(), leaseExpiresAt.toISOString()]);
    return rows
      .sort((a, b) => a.scheduled_ms - b.scheduled_ms)
      .map((row) => ({
        wfRunId: row.wf_run_id,
        taskGuid: row.task_guid,
        threadRunNumber: row.thread_run_number,
        nodePosition: row.node_position,
        taskDefName: row.task_def_name,
        attempt: row.attempt,
        input: inputObject(row.input),
        scheduledAt: new Date(row.scheduled_ms),
        startedAt: now.getTime(),
        leaseExpiresAt: new Date(row.lease_ms),
        userId: row.user_id,
        userGroup: row.user_group,
      }));
  }
}

interface ClaimRow {
  wf_run_id: string;
  task_guid: string;
  thread_run_number: number | null;
  node_position: number | null;
  task_def_name: string;
  attempt: number;
  input: TaskInput[];
  scheduled_ms: number;
  lease_ms: number;
  user_id: string | null;
  user_group: string | null;
}

/**
 * Claims the oldest scheduled TaskRuns of a TaskDef ($1 tenant, $2 TaskDef, at most $3) for worker $4 at $5, leased
 * until $6 unless the node's timeout says otherwise (LittleHorse: a node's timeout is how long the worker has).
 * Fixed text: prepared once per connection. Times come back as epoch ms, whatever the driver makes of timestamps.
 */
const CLAIM = `update task_runs t set status = 'TASK_RUNNING', worker_id = $4, started_at = $5::timestamptz,
  lease_expires_at = coalesce($5::timestamptz + t.timeout_seconds * interval '1 second', $6::timestamptz)
where (t.tenant_id, t.wf_run_id, t.task_guid) in (
  select tenant_id, wf_run_id, task_guid from task_runs
  where tenant_id = $1 and task_def_name = $2 and status = 'TASK_SCHEDULED'
  order by scheduled_at limit $3 for update skip locked)
returning t.wf_run_id, t.task_guid, t.thread_run_number, t.node_position, t.task_def_name, t.attempt, t.input, t.user_id, t.user_group,
  (extract(epoch from t.scheduled_at) * 1000)::float8 as scheduled_ms,
  (extract(epoch from t.lease_expires_at) * 1000)::float8 as lease_ms`;

function inputObject(input: readonly TaskInput[]): Record<string, JsonValue> {
  return Object.fromEntries(input.map((i) => [i.name, i.value]));
}
