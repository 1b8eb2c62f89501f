import type { WfRunSummary } from '@gallop/sdk';
import { untrack } from 'svelte';
import { SvelteMap } from 'svelte/reactivity';
import { client } from './client.ts';
import { connection } from './connection.svelte.ts';
import { describeError, isRefusal } from './errors.ts';
import { RetryLater } from './retry-later.ts';
/** One made again is live once it has stood this long: one ended again at once keeps its notice up, unflickering. */
const SETTLE_MS = 1_000;
/** The longest pause between tries for a subscription the server keeps ending. */
const MAX_RETRY_MS = 60_000;

/** What a follower of WfRuns is told. */
export interface WfRunsFollower {
  /** A WfRun as it is after a change; one that changed several times in a burst may come once, as it ended up. */
  changed(run: WfRunSummary): void;
  /**
   * Live again after a gap: the live connection came back after a loss, or the subscription the server ended was
   * made again. Changes made meanwhile may not all be told, so read again.
   */
  resumed?(): void;
}

/** Why live updates of WfRuns stopped, while they are stopped. */
export interface LiveStop {
  /** What the server said, as a sentence without its full stop. */
  readonly reason: string;
  /** Made again after a pause; false after a refusal (no credential or grant), which is said and not asked again. */
  readonly retrying: boolean;
}

/** One wfRunsChanged subscription, shared by all that follow the same WfSpec name, and made again when it ends. */
class SharedFollow {
  readonly followers = new Set<WfRunsFollower>();
  /** Why the server ended or refused it, until it is made again and stands. */
  stopped = $state.raw<LiveStop | undefined>();
  readonly #wfSpecName: string | undefined;
  #release = () => {};
  // A subscription the server ended is made again after a pause, while anyone still follows it; longer each time it
  // is ended again before it stood.
  readonly #retry = new RetryLater(() => this.#again(), undefined, MAX_RETRY_MS);
  /** When the server last ended it. */
  #endedAt: Date | undefined;
  #settle: ReturnType<typeof setTimeout> | undefined;
  readonly #unwatch: () => void;

  constructor(wfSpecName: string | undefined) {
    this.#wfSpecName = wfSpecName;
    this.#subscribe();
    let seen = connection.reconnects;
    this.#unwatch = $effect.root(() => {
      $effect(() => {
        const reconnects = connection.reconnects;
        if (reconnects === seen) return;
        seen = reconnects;
        untrack(() => this.#reconnected());
      });
    });
  }

  /** Lets go of the subscription and of everything waiting to make it again. */
  close(): void {
    this.#unwatch();
    this.#retry.stop();
    clearTimeout(this.#settle);
    this.#release();
  }

  /** With `since`, the server first sends what changed from then on: what a gap since an end would have missed. */
  #subscribe(since?: Date): void {
    let ended = false;
    let release: (() => void) | undefined;
    const end = (error?: unknown) => {
      if (ended) return;
      ended = true;
      this.#endedAt = new Date();
      // An error inside the stream leaves it open: let go of it before another is made.
      release?.();
      clearTimeout(this.#settle);
      const refused = error !== undefined && isRefusal(error);
      this.stopped = { reason: error === undefined ? 'the server ended them' : reasonOf(error), retrying: !refused };
      if (!refused) this.#retry.schedule();
    };
    release = client.wfRunsChanged(this.#wfSpecName, {
      next: (run) => {
        for (const follower of this.followers) follower.changed(run);
      },
      error: end,
      complete: () => end(),
    }, { since });
    // Refused before the release came back.
    if (ended) release();
    this.#release = release;
  }

  #again(): void {
    this.#retry.cancel();
    const stop = this.stopped;
    this.#subscribe(this.#endedAt);
    // Refused again at once: `end` said so and decided what comes next.
    if (this.stopped !== stop) return;
    // Once it stands, the followers read again (a WfRun deleted meanwhile is in no change `since` brings); one
    // ended again at once costs them nothing.
    this.#settle = setTimeout(() => {
      if (this.stopped !== stop) return;
      this.stopped = undefined;
      this.#retry.reset();
      for (const follower of this.followers) follower.resumed?.();
    }, SETTLE_MS);
  }

  #reconnected(): void {
    // graphql-ws made a running subscription again by itself. One waiting to be made again is made at once (the
    // server may have been away, and is back); a refusal stays.
    if (this.#retry.waiting) {
      this.#again();
      return;
    }
    // A refused one was not live, so it is not live again: its lists wait for the reader, as its notice says.
    if (this.stopped) return;
    for (const follower of this.followers) follower.resumed?.();
  }
}

/** The server's words for why it ended a subscription, without the full stop. */
function reasonOf(error: unknown): string {
  return describeError(error).detail.replace(/\.\s*$/, '');
}

// One subscription per WfSpec name (or for any WfSpec), shared by all on the page that follow it: a list and the
// cards beside it cost the server one reader of each change, not one each. Reactive, for the notices that read it.
const follows = new SvelteMap<string | undefined, SharedFollow>();

/**
 * Tells `follower` of each WfRun (of one WfSpec, or any) as it changes, and when live updates resume after a gap
 * (a lost connection, or a subscription the server ended and that was made again), until the returned function is
 * called. Call it from an `$effect` and return what it returns; `liveStop` says meanwhile why updates stopped.
 */
export function followWfRuns(wfSpecName: string | undefined, follower: WfRunsFollower): () => void {
  // Untracked: the caller's effect must not run again as follows come and go or the connection comes back.
  return untrack(() => {
    let follow = follows.get(wfSpecName);
    if (!follow) {
      follow = new SharedFollow(wfSpecName);
      follows.set(wfSpecName, follow);
    }
    const mine = follow;
    mine.followers.add(follower);
    return () => {
      mine.followers.delete(follower);
      if (mine.followers.size > 0) return;
      mine.close();
      if (follows.get(wfSpecName) === mine) follows.delete(wfSpecName);
    };
  });
}

/**
 * Why live updates of the WfRuns of `wfSpecName` (or of any WfSpec, without one) stopped, while someone follows
 * them and they are stopped; undefined while they are live. Reactive.
 */
export function liveStop(wfSpecName: string | undefined): LiveStop | undefined {
  return follows.get(wfSpecName)?.stopped;
}
