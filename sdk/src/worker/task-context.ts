import type { GallopClient } from '../client/client.ts';
import type { ScheduledTask } from '../client/types.ts';

/** A NodeRun's id: its WfRun, its ThreadRun's number and its position in that thread. */
export interface NodeRunId {
  readonly wfRunId: string;
  readonly threadRunNumber: number;
  readonly position: number;
}

/** What a task function knows about the attempt it runs. */
export class TaskContext {
  readonly #log: string[] = [];
  readonly #lost = new AbortController();

  #leaseExpiresAt: number;

  constructor(
    private readonly task: ScheduledTask,
    private readonly client?: GallopClient,
  ) {
    this.#leaseExpiresAt = Date.parse(task.leaseExpiresAt);
  }

  /** When the server times this attempt out unless it is reported first: its claim's lease, as extendLease moves it. */
  get leaseExpiresAt(): Date {
    return new Date(this.#leaseExpiresAt);
  }

  /**
   * Aborted when the attempt is no longer this worker's (see extendLease), or when the worker stops and gives up
   * waiting for it: stop and let it go.
   */
  get signal(): AbortSignal {
    return this.#lost.signal;
  }

  /**
   * Asks the server for `leaseMs` more from now before the attempt times out, as a long task's heartbeat (LittleHorse
   * resets the timeout on a checkpoint). False, and `signal` aborted, when the attempt is not this worker's any more.
   */
  async extendLease(leaseMs = 60_000): Promise<boolean> {
    if (!this.client) throw new Error('This TaskContext has no client to extend its lease with.');
    const asked = Date.now();
    const { extended } = await this.client.extendTaskRunLease({ taskRunId: this.task.taskRunId, attempt: this.task.attempt, leaseMs });
    // From when it was asked: the server's own start is a little later, never earlier.
    if (extended) this.#leaseExpiresAt = Math.max(this.#leaseExpiresAt, asked + leaseMs);
    if (!extended) this.#lost.abort(new Error(`TaskRun ${this.task.taskRunId} attempt ${this.task.attempt} is no longer this worker's.`));
    return extended;
  }

  get wfRunId(): string {
    return this.task.wfRunId;
  }
  /** The TASK NodeRun this attempt runs for (LittleHorse's NodeRunId); undefined only for a TaskRun scheduled before servers recorded it. */
  get nodeRunId(): NodeRunId | undefined {
    const { wfRunId, threadRunNumber, nodePosition } = this.task;
    return threadRunNumber === null || nodePosition === null ? undefined : { wfRunId, threadRunNumber, position: nodePosition };
  }
  get taskRunId(): string {
    return this.task.taskRunId;
  }
  /**
   * The UserTaskRun (its guid, in this WfRun) whose action scheduled this TaskRun, such as a reminder; undefined for a
   * TASK node's. `nodeRunId` is then the USER_TASK NodeRun (LittleHorse's UserTaskTriggerReference).
   */
  get userTaskGuid(): string | undefined {
    return this.task.userTaskGuid ?? undefined;
  }
  /**
   * For a reminder (see userTaskGuid): the user its UserTaskRun was assigned to when the action fired, the same on
   * every attempt whoever holds the task by then; undefined when it had no user, and for a TASK node's TaskRun
   * (LittleHorse's WorkerContext.getUserId).
   */
  get userId(): string | undefined {
    return this.task.userId ?? undefined;
  }
  /** For a reminder: its UserTaskRun's group when the action fired; undefined when it had none, and for a TASK node's. */
  get userGroup(): string | undefined {
    return this.task.userGroup ?? undefined;
  }
  /** 0 for the first attempt. */
  get attempt(): number {
    return this.task.attempt;
  }
  /** The same for every attempt of this TaskRun: pass it to side effects that must happen once. */
  get idempotencyKey(): string {
    return this.task.idempotencyKey;
  }
  get scheduledAt(): Date {
    return new Date(this.task.scheduledAt);
  }

  /** @internal The worker stopped waiting for this attempt. */
  abandon(reason: Error): void {
    this.#lost.abort(reason);
  }

  /** Adds a line to the attempt's log, kept with the attempt on the server. */
  log(...parts: unknown[]): void {
    this.#log.push(parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' '));
  }

  /** @internal */
  logOutput(): string | undefined {
    return this.#log.length > 0 ? this.#log.join('\n') : undefined;
  }
}
