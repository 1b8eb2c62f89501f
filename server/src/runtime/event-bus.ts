import type { WfRunEvent } from '@gallop/engine';

/** An event as the log stores it: the engine's event with its WfRun and place. */
export interface StoredEvent {
  readonly tenantId: string;
  readonly wfRunId: string;
  readonly seq: number;
  readonly event: WfRunEvent;
}

/** Events committed in this process, or word that another process committed events up to `upToSeq`. */
export type BusMessage = { readonly events: readonly StoredEvent[] } | { readonly upToSeq: number };

type Listener = (message: BusMessage) => void;

/**
 * Delivers committed WfRun events to the subscribers of this process. Events committed here arrive from memory;
 * for events committed by other server processes only their last seq arrives, and subscribers read the log.
 */
export class EventBus {
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #everything = new Set<(tenantId: string, wfRunId: string) => void>();
  readonly #everythingResync = new Set<(since: number) => void>();

  /**
   * Hears of every WfRun that changes, here or in another process (wfRunsChanged); `onResync` is told when news
   * from other processes may have been lost since a time, so it can look for WfRuns changed since then.
   */
  subscribeAll(listener: (tenantId: string, wfRunId: string) => void, onResync?: (since: number) => void): () => void {
    this.#everything.add(listener);
    if (onResync) this.#everythingResync.add(onResync);
    return () => {
      this.#everything.delete(listener);
      if (onResync) this.#everythingResync.delete(onResync);
    };
  }

  /** Whether anything here follows every WfRun (a wfRunsChanged subscription). */
  get followsAll(): boolean {
    return this.#everything.size > 0;
  }

  /** Listeners here: one per WfRun a subscription or a waiting awaitWorkflowEvent follows, one per follower of every WfRun. */
  get followers(): number {
    let count = this.#everything.size;
    for (const set of this.#listeners.values()) count += set.size;
    return count;
  }

  subscribe(tenantId: string, wfRunId: string, listener: Listener): () => void {
    const key = `${tenantId}\u0000${wfRunId}`;
    let set = this.#listeners.get(key);
    if (!set) this.#listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(key);
    };
  }

  /** Tells every subscriber to read again: news from other processes may have been lost since `since` (epoch ms). */
  resync(since: number): void {
    // Past any seq: each reads whatever the log holds beyond what it has seen.
    for (const set of this.#listeners.values()) for (const listener of [...set]) listener({ upToSeq: Number.MAX_SAFE_INTEGER });
    for (const onResync of [...this.#everythingResync]) onResync(since);
  }

  publish(tenantId: string, wfRunId: string, message: BusMessage): void {
    for (const listener of [...this.#everything]) listener(tenantId, wfRunId);
    const set = this.#listeners.get(`${tenantId}\u0000${wfRunId}`);
    if (!set) return;
    for (const listener of [...set]) listener(message);
  }
}

/** An unbounded async queue: a push-based source read with for-await. */
export class AsyncQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #waiting: ((result: IteratorResult<T>) => void) | undefined;
  #closed = false;

  push(item: T): void {
    if (this.#closed) return;
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = undefined;
      resolve({ value: item, done: false });
    } else {
      this.#items.push(item);
    }
  }

  /** Ends the queue: items not read yet are dropped, since nobody will read them. */
  close(): void {
    this.#closed = true;
    this.#items.length = 0;
    this.#waiting?.({ value: undefined, done: true });
    this.#waiting = undefined;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const item = this.#items.shift();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.#closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.#waiting = resolve));
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

/**
 * What `follow` yields from a new queue, ending as soon as its reader lets go. A generator waiting on a queue takes
 * return() only once its next item comes, which for a quiet WfRun is never: return() closes the queue first, so the
 * wait ends and the generator's finally (its unsubscribe) runs at once.
 */
export function queueReader<Q, T>(follow: (queue: AsyncQueue<Q>) => AsyncGenerator<T>): AsyncGenerator<T> {
  const queue = new AsyncQueue<Q>();
  const source = follow(queue);
  const reader: AsyncGenerator<T> = {
    next: (...args) => source.next(...args),
    return: (value) => {
      queue.close();
      return source.return(value);
    },
    throw: (error) => {
      queue.close();
      return source.throw(error);
    },
    [Symbol.asyncIterator]: () => reader,
  };
  return reader;
}
