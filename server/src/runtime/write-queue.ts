import type { Store } from '../store/db.ts';
import { mergeWriteSets, writeStatement } from '../store/write-set.ts';
import type { WriteSet } from '../store/write-set.ts';

interface Pending {
  readonly set: WriteSet;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit for commands. Writes queued in one turn of the event loop go out together at its end, one statement
 * (and one commit) for up to `maxBatch` of them, with at most `maxInFlight` statements on their way; writes queued
 * while those are busy go in the next. So the reports of one request, the commands of requests that arrived
 * together, and everything that queued behind a slow commit each share a commit, and a lone command waits only for
 * the turn to end. Writes that share a statement succeed or fail together; when one fails, each is tried again
 * alone, so that one WfRun's lost race or bad row fails only its own command.
 * Callers must not queue two writes of one WfRun at once (executeCommand serialises each WfRun's commands).
 */
export class WriteQueue {
  #pending: Pending[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly maxInFlight = 2,
    private readonly maxBatch = 64,
    /** Told how many commands each statement carried. */
    private readonly onBatch: (commands: number) => void = () => {},
  ) {}

  write(set: WriteSet): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ set, resolve, reject });
      if (this.#scheduled || this.#inFlight >= this.maxInFlight) return;
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#drain();
      });
    });
  }

  #drain(): void {
    while (this.#inFlight < this.maxInFlight && this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.maxBatch);
      this.#inFlight++;
      void this.#send(batch).finally(() => {
        this.#inFlight--;
        this.#drain();
      });
    }
  }

  async #send(batch: Pending[]): Promise<void> {
    try {
      this.onBatch(batch.length);
      await this.#run(mergeWriteSets(batch.map((p) => p.set)));
      for (const p of batch) p.resolve();
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      await Promise.all(batch.map((p) => this.#run(p.set).then(p.resolve, p.reject)));
    }
  }

  async #run(set: WriteSet): Promise<void> {
    await this.store.run(writeStatement(set), [JSON.stringify(set)]);
  }
}
