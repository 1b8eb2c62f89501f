import type { WfRunState } from '@gallop/engine';

export interface CachedState {
  readonly state: WfRunState;
  /** The seq of the last event folded into `state`. */
  readonly seq: number;
  /** The seq the stored snapshot is as of (the events after it are in the log). */
  readonly snapshotSeq: number;
}

/**
 * The latest state this process wrote for recently active WfRuns, so a command usually needs no read. It may be
 * stale when another process moved the WfRun on; the write then fails on the event key and the command rereads.
 * Least recently used entries go first once `capacity` is reached.
 */
export class StateCache {
  readonly #entries = new Map<string, CachedState>();

  constructor(private readonly capacity = 10_000) {}

  get(tenantId: string, wfRunId: string): CachedState | undefined {
    const key = `${tenantId}\u0000${wfRunId}`;
    const entry = this.#entries.get(key);
    if (entry) {
      // Re-insert to mark it most recently used (Map keeps insertion order).
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  set(tenantId: string, wfRunId: string, entry: CachedState): void {
    const key = `${tenantId}\u0000${wfRunId}`;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  clear(): void {
    this.#entries.clear();
  }

  delete(tenantId: string, wfRunId: string): void {
    this.#entries.delete(`${tenantId}\u0000${wfRunId}`);
  }
}
