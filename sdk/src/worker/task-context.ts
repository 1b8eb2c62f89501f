import type { ScheduledTask } from '../client/types.ts';

/** What a task function knows about the attempt it runs. */
export class TaskContext {
  readonly #log: string[] = [];

  constructor(private readonly task: ScheduledTask) {}

  get wfRunId(): string {
    return this.task.wfRunId;
  }
  get taskRunId(): string {
    return this.task.taskRunId;
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

  /** Adds a line to the attempt's log, kept with the attempt on the server. */
  log(...parts: unknown[]): void {
    this.#log.push(parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' '));
  }

  /** @internal */
  logOutput(): string | undefined {
    return this.#log.length > 0 ? this.#log.join('\n') : undefined;
  }
}
