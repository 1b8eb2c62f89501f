import type { WfRunSummaryRow as WfRunRow } from '../store/queries/wf-runs.ts';

/** A WfRun told changed, up to which seq, and its row once someone has it. */
interface Entry {
  readonly seq: number;
  row?: Promise<WfRunRow | undefined>;
}

/**
 * The rows wfRunsChanged subscriptions send, shared by every subscription of this process: a WfRun that changed is
 * read once, not once per subscriber, and one changed by a command of this process comes with its row, read by
 * nobody. Each change replaces the WfRun's entry, so no subscriber is given a row older than the change it heard of
 * (a read already on its way fills only the entry it started from). Only kept while something here follows every
 * WfRun: changes made while nothing does are not noted, so the owner clears it when the last follower leaves.
 */
export class WfRunRows {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly read: (tenantId: string, wfRunId: string) => Promise<WfRunRow | undefined>,
    /**
     * WfRuns remembered at most, the latest changed kept: subscribers read their queue in moments, not minutes, and a
     * row holds the WfRun's whole state. One forgotten is read by each subscriber that asks for it.
     */
    private readonly capacity = 1_000,
  ) {}

  /**
   * A WfRun changed, up to its event `seq`: with `row` when the change was committed here, else it is read when first
   * asked for. News older than what is noted already (a NOTIFY overtaken by a commit here) changes nothing.
   */
  changed(tenantId: string, wfRunId: string, seq: number, row?: WfRunRow): void {
    const key = `${tenantId}\u0000${wfRunId}`;
    const known = this.#entries.get(key);
    if (known && seq < known.seq) return;
    // Deleted and set again, so that the map's first key is always the one changed longest ago.
    this.#entries.delete(key);
    this.#entries.set(key, row ? { seq, row: Promise.resolve(row) } : { seq });
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }

  /** Forgets a WfRun: it was deleted, or news of it may have been missed. */
  forget(tenantId: string, wfRunId: string): void {
    this.#entries.delete(`${tenantId}\u0000${wfRunId}`);
  }

  /** Forgets every WfRun: nothing follows them any more, or news may have been missed. */
  clear(): void {
    this.#entries.clear();
  }

  /** The WfRun's row as of its last change, or later. */
  get(tenantId: string, wfRunId: string): Promise<WfRunRow | undefined> {
    const entry = this.#entries.get(`${tenantId}\u0000${wfRunId}`);
    if (entry?.row) return entry.row;
    const row = this.read(tenantId, wfRunId);
    if (entry) {
      entry.row = row;
      // A failed read is not kept: the next subscriber tries again.
      row.catch(() => {
        if (entry.row === row) delete entry.row;
      });
    }
    return row;
  }

  /** How many WfRuns it remembers. */
  get size(): number {
    return this.#entries.size;
  }
}
