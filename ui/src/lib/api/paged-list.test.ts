import { describe, expect, it, vi } from 'vitest';
import { PagedList } from './paged-list.svelte.ts';
import type { Page } from './queries.ts';

// The page's client needs a browser; these lists are given their pages by the test.
vi.mock('./client.ts', () => ({ client: { url: 'http://gallop/graphql' }, session: {} }));

/** A read the test answers when it likes, from the server's rows as they are then. */
interface Read {
  readonly after: string | null;
  readonly count: number;
  answer(): void;
}

/**
 * A server holding `rows` (newest first, each its own cursor), whose reads wait until the test answers them, so a
 * test can put a second ask, a refresh or a reload between a read and its answer.
 */
function server(rows: string[], pageSize = 2) {
  const reads: Read[] = [];
  const fetchPage = (after: string | null, count = pageSize) =>
    new Promise<Page<string>>((resolve) => {
      reads.push({
        after,
        count,
        answer: () => {
          const from = after === null ? 0 : rows.indexOf(after) + 1;
          const items = rows.slice(from, from + count);
          resolve({ edges: items.map((node) => ({ cursor: node, node })), pageInfo: { hasNextPage: from + count < rows.length, endCursor: items.at(-1) ?? null } });
        },
      });
    });
  const list = new PagedList<string>(fetchPage, pageSize);
  /** Answers the one read waiting (after the list's queued turns have started it), and lets the list take it in. */
  const answer = async () => {
    await settle();
    const read = reads.shift();
    if (!read) throw new Error('No read is waiting');
    read.answer();
    await settle();
    return read;
  };
  return { list, reads, answer };
}

/** Lets the promises the list chains run out. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('PagedList.loadMore', () => {
  it('loads a page once when asked again while it is on its way, and both asks wait for it', async () => {
    const { list, reads, answer } = server(['r0', 'r1', 'r2', 'r3', 'r4']);
    void list.reload();
    await answer();

    // "Load more" pressed as the scroll reaches the end.
    const pressed = list.loadMore();
    const scrolled = list.loadMore();
    await settle();
    expect(reads).toHaveLength(1);
    expect(list.loadingMore).toBe(true);
    const read = await answer();
    await Promise.all([pressed, scrolled]);

    expect(read.after).toBe('r1');
    expect(list.items).toEqual(['r0', 'r1', 'r2', 'r3']);
    expect(list.loadingMore).toBe(false);
    expect(reads).toHaveLength(0);
  });

  it('waits for the page in its answer to a second ask', async () => {
    const { list, answer } = server(['r0', 'r1', 'r2', 'r3', 'r4']);
    void list.reload();
    await answer();

    void list.loadMore();
    const again = list.loadMore();
    let done = false;
    void again.then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    await answer();
    await again;
    expect(list.items).toEqual(['r0', 'r1', 'r2', 'r3']);
  });

  it('asks nothing while a reload is on its way: the cursor is the old list’s, and its page would skip rows', async () => {
    const rows = ['r0', 'r1', 'r2', 'r3', 'r4'];
    const { list, reads, answer } = server(rows);
    void list.reload();
    await answer();

    // Two new rows come in at the top, and the reader reloads, then scrolls before the first page is back.
    rows.unshift('n0', 'n1');
    const reloading = list.reload();
    const more = list.loadMore();
    await settle();
    expect(reads.map((r) => r.after)).toEqual([null]);
    await answer();
    await Promise.all([reloading, more]);
    expect(list.items).toEqual(['n0', 'n1']);

    // The next page goes on from the reloaded list's end.
    const next = list.loadMore();
    await answer();
    await next;
    expect(list.items).toEqual(['n0', 'n1', 'r0', 'r1']);
  });

  it('drops a page answered after a reload started, and is not left loading', async () => {
    const rows = ['r0', 'r1', 'r2', 'r3', 'r4'];
    const { list, reads, answer } = server(rows);
    void list.reload();
    await answer();

    const more = list.loadMore();
    await settle();
    rows.unshift('n0', 'n1');
    const reloading = list.reload();
    // The old page comes back first, then the reloaded one.
    const stale = reads.shift()!;
    stale.answer();
    await settle();
    await answer();
    await Promise.all([more, reloading]);

    expect(stale.after).toBe('r1');
    expect(list.items).toEqual(['n0', 'n1']);
    expect(list.loadingMore).toBe(false);
    expect(list.hasMore).toBe(true);
  });

  it('takes its turn after a refresh on its way, going on from the rows the refresh read', async () => {
    const rows = ['r0', 'r1', 'r2', 'r3', 'r4'];
    const { list, reads, answer } = server(rows);
    void list.reload();
    await answer();

    rows.unshift('n0');
    const refreshing = list.refresh();
    const more = list.loadMore();
    await settle();
    // The page waits for the refresh, which reads the two rows loaded.
    expect(reads.map((r) => [r.after, r.count])).toEqual([[null, 2]]);
    await answer();
    const read = await answer();
    await Promise.all([refreshing, more]);

    expect(read.after).toBe('r0');
    expect(list.items).toEqual(['n0', 'r0', 'r1', 'r2']);
  });
});
