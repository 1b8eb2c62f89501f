import type { Logger } from '../observability/logger.ts';

/**
 * Jobs a server process runs now and then, such as deleting what is past its retention: every process runs them
 * (they delete alike), none keeps the process alive, and a job that fails is logged and tried again at its next time.
 */
export class Housekeeping {
  readonly #log: Logger;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #stopped = false;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Runs `job` `firstMs` from now, then every `everyMs` after each run ends; `what` names it in the log. */
  every(what: string, everyMs: number, firstMs: number, job: () => Promise<unknown>): void {
    const after = (ms: number) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        job()
          .catch((error: unknown) => this.#log.warn({ err: error }, `Could not ${what}; trying again later`))
          .finally(() => !this.#stopped && after(everyMs));
      }, ms);
      timer.unref?.();
      this.#timers.add(timer);
    };
    after(firstMs);
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
