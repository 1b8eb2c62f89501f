import type { MetricsWindowLength, Page } from '@gallop/sdk';
import { rangeOf, sinceOf, slotsOf } from './windows.ts';
import type { MetricsRange, MetricsSlot } from './windows.ts';

/** Reads one page of a metrics list (the SDK's wfSpecMetrics or taskDefMetrics, bound to what is measured). */
export type ReadMetrics<T> = (
  query: { windowLength: MetricsWindowLength; since: string },
  page: { first: number; after?: string },
) => Promise<Page<T>>;

/** The longest list a range can give is 30 windows: one page, unless the server pages smaller. */
const PAGE = 100;

/**
 * The windows of one thing (a WfSpec, a TaskDef) over one range, read when made and again on `refresh`, with the
 * gaps filled so every window of the range has a slot. A refresh keeps what is shown until its answer comes.
 */
export class MetricsView<T extends { readonly windowStart: string }> {
  readonly range: MetricsRange;
  /** Every window of the range, oldest first, as of the last read. */
  slots = $state.raw<readonly MetricsSlot<T>[]>([]);
  /** `loading` only until the first answer; later reads set `refreshing`. */
  phase = $state<'loading' | 'ready' | 'error'>('loading');
  refreshing = $state(false);
  error = $state.raw<unknown>(undefined);
  /** When the shown windows were read, epoch ms. */
  readAt = $state(0);

  readonly #read: ReadMetrics<T>;
  // A read answered after a newer one began is stale; the generation tells them apart.
  #generation = 0;

  constructor(windowLength: string | null | undefined, read: ReadMetrics<T>) {
    this.range = rangeOf(windowLength);
    this.#read = read;
    void this.refresh();
  }

  /** Reads the range again up to now. */
  async refresh(): Promise<void> {
    const generation = ++this.#generation;
    this.refreshing = true;
    const now = Date.now();
    try {
      const query = { windowLength: this.range.windowLength, since: new Date(sinceOf(this.range, now)).toISOString() };
      const rows: T[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await this.#read(query, after === undefined ? { first: PAGE } : { first: PAGE, after });
        rows.push(...page.items);
        if (!page.hasNextPage || page.endCursor === null) break;
        after = page.endCursor;
      }
      if (generation !== this.#generation) return;
      this.slots = slotsOf(rows, this.range, now);
      this.readAt = now;
      this.error = undefined;
      this.phase = 'ready';
    } catch (error) {
      if (generation !== this.#generation) return;
      this.error = error;
      // What was shown stays; only a view that never loaded shows the error in its place.
      if (this.phase === 'loading') this.phase = 'error';
    } finally {
      if (generation === this.#generation) this.refreshing = false;
    }
  }
}
