import type { Page as ClientPage } from '@gallop/sdk';
import { client } from './client.ts';
import type { Page } from './queries.ts';

/** A list read page by page through a Relay connection, with a "load more" cursor. */
export class PagedList<T> {
  /** Everything loaded so far, in the server's order. */
  items = $state.raw<readonly T[]>([]);
  /** `loading` only for the first page; later pages set `loadingMore`. */
  phase = $state<'loading' | 'ready' | 'error'>('loading');
  loadingMore = $state(false);
  hasMore = $state(false);
  error = $state.raw<unknown>(undefined);

  readonly #fetchPage: (after: string | null) => Promise<Page<T>>;
  #cursor: string | null = null;
  // A reload while a page is in flight makes that page's answer stale; the generation tells them apart.
  #generation = 0;

  constructor(fetchPage: (after: string | null) => Promise<Page<T>>) {
    this.#fetchPage = fetchPage;
  }

  /** Loads the first page again, dropping what was loaded. */
  async reload(): Promise<void> {
    const generation = ++this.#generation;
    this.phase = 'loading';
    this.error = undefined;
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
  }

  /** Appends the next page after the cursor of the last one. */
  async loadMore(): Promise<void> {
    if (!this.hasMore || this.loadingMore) return;
    const generation = this.#generation;
    this.loadingMore = true;
    try {
      const page = await this.#fetchPage(this.#cursor);
      if (generation !== this.#generation) return;
      this.items = [...this.items, ...page.edges.map((e) => e.node)];
      this.#take(page);
      this.error = undefined;
    } catch (error) {
      if (generation !== this.#generation) return;
      this.error = error;
    } finally {
      if (generation === this.#generation) this.loadingMore = false;
    }
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
  }

  #take(page: Page<T>): void {
    this.#cursor = page.pageInfo.endCursor;
    this.hasMore = page.pageInfo.hasNextPage && page.pageInfo.endCursor !== null;
  }
}

/**
 * A list of the Relay connection a query answers under `page`, `first` at a time, with `variables`; the first page
 * is on its way when it returns. Give a new one when the variables change.
 */
export function pagedQuery<T>(document: string, variables: Readonly<Record<string, unknown>>, first = 100): PagedList<T> {
  const list = new PagedList<T>(async (after) => (await client.request<{ page: Page<T> }>(document, { first, after, ...variables })).page);
  void list.reload();
  return list;
}

/**
 * A list read through one of the client's paged methods (the SDK's `Page`: items and an end cursor), `first` at a
 * time; the first page is on its way when it returns. Give a new one when what it reads changes.
 */
export function pagedClientList<T>(read: (page: { first: number; after?: string }) => Promise<ClientPage<T>>, first = 100): PagedList<T> {
  const list = new PagedList<T>(async (after) => {
    const page = await read(after ? { first, after } : { first });
    // PagedList goes on from the page's end cursor only, so the rows need no cursors of their own.
    return { edges: page.items.map((node) => ({ cursor: '', node })), pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
  });
  void list.reload();
  return list;
}
