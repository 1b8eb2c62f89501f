/** How long a lost follow or a failed read waits before it is tried again by itself. */
export const RETRY_MS = 5_000;

/**
 * Something to try again a while after it failed, such as following a WfRun's events: at most one try waits at a
 * time (a new failure restarts the wait), and none runs once stopped. With `maxMs`, each wait doubles the next, up
 * to it, until `reset` (say once a try has stood): a failure that keeps coming costs less and less.
 */
export class RetryLater {
  readonly #again: () => void;
  readonly #ms: number;
  readonly #maxMs: number;
  #delay: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(again: () => void, ms = RETRY_MS, maxMs = ms) {
    this.#again = again;
    this.#ms = ms;
    this.#maxMs = Math.max(ms, maxMs);
    this.#delay = ms;
  }

  /** `stop` was called: nothing is tried again. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** A try is waiting. */
  get waiting(): boolean {
    return this.#timer !== undefined;
  }

  /** Tries again after the wait, in place of a try already waiting; does nothing once stopped. */
  schedule(): void {
    this.cancel();
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#again();
    }, this.#delay);
    this.#delay = Math.min(this.#delay * 2, this.#maxMs);
  }

  /** The next wait is the first one again. */
  reset(): void {
    this.#delay = this.#ms;
  }

  /** Drops the try waiting, if any; a later failure can schedule another. */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Drops the try waiting and every later one. */
  stop(): void {
    this.#stopped = true;
    this.cancel();
  }
}
