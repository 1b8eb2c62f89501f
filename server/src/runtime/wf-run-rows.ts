import type { WfRunRow } from '../store/queries/wf-runs.ts';

/** A WfRun told changed, and its row once someone has it. */
interface Entry {
  row?: Promise<WfRunRow | undefined>;
}

/**
 * The rows wfRunsChanged subscriptions send, shared by every subscription of this process: a WfRun that changed is
 * read once, not once per subscriber, and one changed by a command of this process comes with its row, read by
 * nobody. Each change replaces the WfRun's entry, so no subscriber is given a row older than the change it heard of
 * (a read already on its way fills only the entry it started from).
 */
export class WfRunRows {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly read: (tenantId: string, wfRunId: string) => Promise<WfRunRow | undefined>,
    /** WfRuns remembered at most, the latest changed kept: subscribers read their queue in moments, not minutes. */
    private readonly capacity = 10_000,
  ) {}

  /** A WfRun changed: with `row` when the change was committed here, else it is read when first asked for. */
  changed(tenantId: string, wfRunId: string, row?: WfRunRow): void {
    const key = `${tenantId}\u0000${wfRunId}`;
    // Deleted and set again, so that the map's first key is always the one changed longest ago.
    this.#entries.delete(key);
    this.#entries.set(key, row ? { row: Promise.resolve(row) } : {});
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
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
