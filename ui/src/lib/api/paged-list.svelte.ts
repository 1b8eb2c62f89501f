import type { Page as ClientPage } from '@gallop/sdk';
import { client } from './client.ts';
import { isRefusal } from './errors.ts';
import type { Page } from './queries.ts';

/** The most rows the server gives in one page. */
const MAX_READ = 500;

/** A list read page by page through a Relay connection, with a "load more" cursor. */
export class PagedList<T> {
  /** Everything loaded so far, in the server's order. */
  items = $state.raw<readonly T[]>([]);
  /** `loading` only for the first page; later pages set `loadingMore`. */
  phase = $state<'loading' | 'ready' | 'error'>('loading');
  loadingMore = $state(false);
  hasMore = $state(false);
  error = $state.raw<unknown>(undefined);

  /** Reads `count` rows (the list's page size when not given) after a cursor. */
  readonly #fetchPage: (after: string | null, count?: number) => Promise<Page<T>>;
  readonly #pageSize: number;
  #cursor: string | null = null;
  // A reload while a page is in flight makes that page's answer stale; the generation tells them apart.
  #generation = 0;
  // Load more and refresh take turns, each going on from what the other left: a page appended while a refresh
  // reads would be lost when the refresh puts in what it read.
  #turns: Promise<void> = Promise.resolve();
  /** A refresh waiting for its turn: later asks are answered by it, since it reads after them. */
  #queued: Promise<void> | undefined;
  /** The page on its way: "Load more" and a scroll to the end asked together load it once. */
  #loadingMore: Promise<void> | undefined;
  /** Asked to refresh while the first page was on its way, which may have been read before the change. */
  #refreshWhenLoaded = false;
  /** What `drop` took out while a refresh read, so that what it read does not bring it back. */
  #droppedDuringRefresh: ((item: T) => boolean)[] | undefined;

  constructor(fetchPage: (after: string | null, count?: number) => Promise<Page<T>>, pageSize = 100) {
    this.#fetchPage = fetchPage;
    this.#pageSize = pageSize;
  }

  /** Loads the first page again, dropping what was loaded. */
  async reload(): Promise<void> {
    const generation = ++this.#generation;
    this.phase = 'loading';
    this.error = undefined;
    // A load more in flight is now stale, and would otherwise leave this set; the cursor is the old list's.
    this.loadingMore = false;
    this.#loadingMore = undefined;
    this.hasMore = false;
    this.#cursor = null;
    // A refresh waiting for its turn is stale now: the next one asked is not answered by it.
    this.#queued = undefined;
    this.#refreshWhenLoaded = false;
    try {
      const page = await this.#fetchPage(null);
      if (generation !== this.#generation) return;
      this.items = page.edges.map((e) => e.node);
      this.#take(page);
      this.phase = 'ready';
    } catch (error) {
      if (generation !== this.#generation) return;
      this.error = error;
      this.phase = 'error';
    }
    if (this.#refreshWhenLoaded && this.phase === 'ready') void this.refresh();
  }

  /**
   * Reads again as many rows as are loaded (a page at least) in as few requests as the server allows, 500 rows
   * each (a live list read again every second must not cost a request per page scrolled through), in place: rows
   * changed on the server change, new ones take their place, and the rows loaded (and scrolled to) stay loaded, with
   * no "loading" in between. A failure leaves the rows as they were and sets `error`; a list whose first page failed
   * reads it again quietly. Asked again while it reads, it reads once more after (the change may have come after
   * its read), however often it was asked.
   */
  refresh(): Promise<void> {
    // A list the server refuses to this principal stays refused: asking again at every change would only repeat it.
    if (this.phase === 'error' && isRefusal(this.error)) return Promise.resolve();
    if (this.phase === 'loading') {
      this.#refreshWhenLoaded = true;
      return Promise.resolve();
    }
    if (this.#queued) return this.#queued;
    const generation = this.#generation;
    const queued: Promise<void> = this.#turn(async () => {
      if (this.#queued === queued) this.#queued = undefined;
      if (generation !== this.#generation) return;
      const dropped: ((item: T) => boolean)[] = [];
      this.#droppedDuringRefresh = dropped;
      try {
        const wanted = Math.max(this.items.length, this.#pageSize);
        const items: T[] = [];
        let after: string | null = null;
        let page: Page<T>;
        do {
          page = await this.#fetchPage(after, Math.min(MAX_READ, wanted - items.length));
          if (generation !== this.#generation) return;
          items.push(...page.edges.map((e) => e.node));
          after = page.pageInfo.endCursor;
        } while (items.length < wanted && page.pageInfo.hasNextPage && after !== null);
        const kept = items.filter((item) => !dropped.some((gone) => gone(item)));
        // Unchanged rows are left alone: nothing is drawn again for a change elsewhere.
        if (JSON.stringify(kept) !== JSON.stringify(this.items)) this.items = kept;
        this.#take(page);
        this.error = undefined;
        this.phase = 'ready';
      } catch (error) {
        if (generation === this.#generation) this.error = error;
      } finally {
        if (this.#droppedDuringRefresh === dropped) this.#droppedDuringRefresh = undefined;
      }
    });
    this.#queued = queued;
    return queued;
  }

  /**
   * Appends the next page after the cursor of the last one. Asked again while that page is on its way, it answers
   * with the same page rather than load another; a reload meanwhile drops the page, which followed the old list.
   */
  loadMore(): Promise<void> {
    if (this.#loadingMore) return this.#loadingMore;
    // While the first page is on its way, the cursor is not yet this list's.
    if (!this.hasMore || this.phase !== 'ready') return Promise.resolve();
    const generation = this.#generation;
    this.loadingMore = true;
    const loading: Promise<void> = this.#turn(async () => {
      // Reloaded meanwhile, or a refresh found the end.
      if (generation !== this.#generation || !this.hasMore) return;
      try {
        const page = await this.#fetchPage(this.#cursor);
        if (generation !== this.#generation) return;
        this.items = [...this.items, ...page.edges.map((e) => e.node)];
        this.#take(page);
        this.error = undefined;
      } catch (error) {
        if (generation !== this.#generation) return;
        this.error = error;
      }
    }).finally(() => {
      if (this.#loadingMore !== loading) return;
      this.#loadingMore = undefined;
      this.loadingMore = false;
    });
    this.#loadingMore = loading;
    return loading;
  }

  /**
   * Folds in an item that changed on the server. A loaded item with the same key is replaced, or dropped when it
   * no longer `matches` the list's filter; an item not loaded goes first when it matches and `isNewest` says it
   * belongs at the top (newest first). Others are left to later pages.
   */
  upsert(item: T, keyOf: (item: T) => string, matches: (item: T) => boolean, isNewest: (item: T) => boolean): void {
    if (this.phase !== 'ready') return;
    const key = keyOf(item);
    const at = this.items.findIndex((existing) => keyOf(existing) === key);
    if (at !== -1) {
      this.items = matches(item) ? this.items.with(at, item) : this.items.filter((_, i) => i !== at);
    } else if (matches(item) && isNewest(item)) {
      this.items = [item, ...this.items];
    }
  }

  /** Drops the loaded items the server no longer holds (deleted from this page); the cursor stays valid. */
  drop(gone: (item: T) => boolean): void {
    this.items = this.items.filter((item) => !gone(item));
    this.#droppedDuringRefresh?.push(gone);
  }

  #turn(work: () => Promise<void>): Promise<void> {
    const turn = this.#turns.then(work);
    this.#turns = turn.catch(() => {});
    return turn;
  }

  #take(page: Page<T>): void {
    this.#cursor = page.pageInfo.endCursor;
    this.hasMore = page.pageInfo.hasNextPage && page.pageInfo.endCursor !== null;
  }
}

/**
 * A list of the Relay connection a query answers under `page`, `first` at a time, with `variables`; the first page
 * is on its way when it returns. Give a new one when the variables change. Variables given as a function are asked
 * for at each read: for bounds relative to now ("the last hour"), which a refresh then moves along.
 */
export function pagedQuery<T>(
  document: string,
  variables: Readonly<Record<string, unknown>> | (() => Readonly<Record<string, unknown>>),
  first = 100,
): PagedList<T> {
  const variablesNow = typeof variables === 'function' ? variables : () => variables;
  const list = new PagedList<T>(async (after, count = first) => (await client.request<{ page: Page<T> }>(document, { first: count, after, ...variablesNow() })).page, first);
  void list.reload();
  return list;
}

/**
 * A list read through one of the client's paged methods (the SDK's `Page`: items and an end cursor), `first` at a
 * time; the first page is on its way when it returns. Give a new one when what it reads changes.
 */
export function pagedClientList<T>(read: (page: { first: number; after?: string }) => Promise<ClientPage<T>>, first = 100): PagedList<T> {
  const list = new PagedList<T>(async (after, count = first) => {
    const page = await read(after ? { first: count, after } : { first: count });
    // PagedList goes on from the page's end cursor only, so the rows need no cursors of their own.
    return { edges: page.items.map((node) => ({ cursor: '', node })), pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
  }, first);
  void list.reload();
  return list;
}
