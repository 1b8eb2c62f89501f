import type { WfRunSummary } from '@gallop/sdk';
import { untrack } from 'svelte';
import { client } from './client.ts';
import { connection } from './connection.svelte.ts';

/** What a follower of WfRuns is told. */
export interface WfRunsFollower {
  /** A WfRun as it is after a change; one that changed several times in a burst may come once, as it ended up. */
  changed(run: WfRunSummary): void;
  /** The live connection came back after a loss: changes made while away may not all be told, so read again. */
  reconnected?(): void;
}

interface Subscription {
  readonly followers: Set<WfRunsFollower>;
  stop: () => void;
  /** Refused or ended by the server: whoever follows next subscribes afresh. */
  ended: boolean;
}

// One subscription per WfSpec name (or for any WfSpec), shared by all on the page that follow it: a list and the
// cards beside it cost the server one reader of each change, not one each.
const subscriptions = new Map<string | undefined, Subscription>();

function subscribe(wfSpecName: string | undefined): Subscription {
  const subscription: Subscription = { followers: new Set(), stop: () => {}, ended: false };
  const end = () => {
    subscription.ended = true;
    if (subscriptions.get(wfSpecName) === subscription) subscriptions.delete(wfSpecName);
  };
  subscription.stop = client.wfRunsChanged(wfSpecName, {
    next: (run) => {
      for (const follower of subscription.followers) follower.changed(run);
    },
    // A lost socket reconnects by itself (the App's banner says so meanwhile), and followers read again when it
    // does; an error here is a refusal, which ends the subscription.
    error: end,
    complete: end,
  });
  if (!subscription.ended) subscriptions.set(wfSpecName, subscription);
  return subscription;
}

/**
 * Tells `follower` of each WfRun (of one WfSpec, or any) as it changes, and when the live connection comes back
 * after a loss, until the returned function is called. Call it from an `$effect` and return what it returns.
 */
export function followWfRuns(wfSpecName: string | undefined, follower: WfRunsFollower): () => void {
  const subscription = subscriptions.get(wfSpecName) ?? subscribe(wfSpecName);
  subscription.followers.add(follower);

  // Untracked: the caller's effect must not run again on a reconnect, only this follower hear of it.
  let seen = untrack(() => connection.reconnects);
  const unwatch = $effect.root(() => {
    $effect(() => {
      const reconnects = connection.reconnects;
      if (reconnects === seen) return;
      seen = reconnects;
      untrack(() => follower.reconnected?.());
    });
  });

  return () => {
    unwatch();
    subscription.followers.delete(follower);
    if (subscription.followers.size > 0) return;
    subscription.stop();
    if (subscriptions.get(wfSpecName) === subscription) subscriptions.delete(wfSpecName);
  };
}
