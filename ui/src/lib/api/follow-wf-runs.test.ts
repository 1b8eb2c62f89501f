import { GallopClientError } from '@gallop/sdk';
import type { WfRunSummary } from '@gallop/sdk';
import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connection } from './connection.svelte.ts';
import { followWfRuns, liveStop } from './follow-wf-runs.svelte.ts';

interface Sink {
  next(run: WfRunSummary): void;
  error?(error: unknown): void;
  complete?(): void;
}

/** Each wfRunsChanged subscription the page made, as the server sees it. */
const made: { wfSpecName: string | undefined; sink: Sink; since: Date | undefined; released: boolean }[] = [];

vi.mock('./client.ts', () => ({
  session: {},
  client: {
    url: 'http://gallop/graphql',
    wfRunsChanged: (wfSpecName: string | undefined, sink: Sink, options: { since?: Date } = {}) => {
      const subscription = { wfSpecName, sink, since: options.since, released: false };
      made.push(subscription);
      return () => {
        subscription.released = true;
      };
    },
  },
}));

const run = { id: 'run-1' } as WfRunSummary;

/** A follower that counts what it is told. */
function follower() {
  const told = { changed: 0, resumed: 0 };
  return { told, changed: () => void told.changed++, resumed: () => void told.resumed++ };
}

/** The live connection lost and back, as the SDK tells it. */
function reconnect(): void {
  connection.update('lost');
  connection.update('connected');
  flushSync();
}

beforeEach(() => {
  vi.useFakeTimers();
  made.length = 0;
  connection.update('connected');
});

afterEach(() => {
  vi.useRealTimers();
});

describe('followWfRuns', () => {
  it('shares one subscription between the followers of one WfSpec, and lets it go with the last', () => {
    const a = follower();
    const b = follower();
    const stopA = followWfRuns('orders', a);
    const stopB = followWfRuns('orders', b);
    expect(made).toHaveLength(1);
    made[0]!.sink.next(run);
    expect([a.told.changed, b.told.changed]).toEqual([1, 1]);

    stopA();
    expect(made[0]!.released).toBe(false);
    stopB();
    expect(made[0]!.released).toBe(true);
  });

  it('says why when the server ends the subscription, makes it again after a pause, and has the followers read again', () => {
    const f = follower();
    const stop = followWfRuns('orders', f);
    expect(made[0]!.since).toBeUndefined();
    const endedAt = Date.now();
    made[0]!.sink.complete?.();
    expect(liveStop('orders')).toEqual({ reason: 'the server ended them', retrying: true });

    vi.advanceTimersByTime(4_900);
    expect(made).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(made).toHaveLength(2);
    // It asks for what changed since the end, which a re-read racing the new subscription could miss.
    expect(made[1]!.since?.getTime()).toBe(endedAt);
    made[1]!.sink.next(run);
    expect(f.told.changed).toBe(1);

    // Live once the new one has stood a moment, and only then read again.
    expect(liveStop('orders')).toBeDefined();
    expect(f.told.resumed).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(liveStop('orders')).toBeUndefined();
    expect(f.told.resumed).toBe(1);
    stop();
  });

  it('lets go of a subscription that failed inside its stream before making another', () => {
    const stop = followWfRuns(undefined, follower());
    made[0]!.sink.error?.(new GallopClientError('GRAPHQL_ERROR', 'Unexpected error.'));
    expect(made[0]!.released).toBe(true);
    expect(liveStop(undefined)).toEqual({ reason: 'Unexpected error', retrying: true });
    vi.advanceTimersByTime(5_000);
    expect(made).toHaveLength(2);
    expect(made[1]!.released).toBe(false);
    stop();
  });

  it('keeps saying so while the one made again is ended again at once, and waits longer each time', () => {
    const f = follower();
    const stop = followWfRuns('orders', f);
    made[0]!.sink.complete?.();
    const first = liveStop('orders');
    vi.advanceTimersByTime(5_000);
    made[1]!.sink.error?.(new GallopClientError('SUBSCRIPTION_LIMIT', 'A connection may hold 1 subscriptions at once.'));
    vi.advanceTimersByTime(1_000);
    expect(liveStop('orders')).not.toBe(first);
    expect(liveStop('orders')?.retrying).toBe(true);
    // Ended before it stood: nobody read again, and the next try waits 10 s, not 5.
    expect(f.told.resumed).toBe(0);
    vi.advanceTimersByTime(8_900);
    expect(made).toHaveLength(2);
    vi.advanceTimersByTime(100);
    expect(made).toHaveLength(3);
    // One that stands brings the pause back to 5 s.
    vi.advanceTimersByTime(1_000);
    expect(f.told.resumed).toBe(1);
    made[2]!.sink.complete?.();
    vi.advanceTimersByTime(5_000);
    expect(made).toHaveLength(4);
    stop();
  });

  it('says a refusal for want of a grant and does not ask again, even when the connection comes back', () => {
    const f = follower();
    const stop = followWfRuns('orders', f);
    const refusal = new GallopClientError('FORBIDDEN', "Principal 'viewer' may not wfRunsChanged in tenant 'default': it needs READ on WF_RUN.");
    made[0]!.sink.error?.(refusal);
    expect(liveStop('orders')).toEqual({ reason: "Principal 'viewer' may not wfRunsChanged in tenant 'default': it needs READ on WF_RUN", retrying: false });

    vi.advanceTimersByTime(60_000);
    reconnect();
    expect(made).toHaveLength(1);
    expect(liveStop('orders')?.retrying).toBe(false);
    // Not live, so not live again: the lists wait for the reader to ask.
    expect(f.told.resumed).toBe(0);
    stop();
    expect(liveStop('orders')).toBeUndefined();
  });

  it('makes an ended subscription again at once when the live connection comes back', () => {
    const f = follower();
    const stop = followWfRuns('orders', f);
    made[0]!.sink.complete?.();
    vi.advanceTimersByTime(1_000);
    reconnect();
    expect(made).toHaveLength(2);
    vi.advanceTimersByTime(1_000);
    expect(f.told.resumed).toBe(1);
    // Not made a third time when the pause would have ended.
    vi.advanceTimersByTime(10_000);
    expect(made).toHaveLength(2);
    expect(liveStop('orders')).toBeUndefined();
    stop();
  });

  it('tells the followers of a running subscription that the connection came back, once each', () => {
    const a = follower();
    const b = follower();
    const stopA = followWfRuns('orders', a);
    const stopB = followWfRuns(undefined, b);
    reconnect();
    expect([a.told.resumed, b.told.resumed]).toEqual([1, 1]);
    expect(made).toHaveLength(2);
    stopA();
    stopB();
  });

  it('makes nothing again once nobody follows', () => {
    const stop = followWfRuns('orders', follower());
    made[0]!.sink.complete?.();
    stop();
    vi.advanceTimersByTime(10_000);
    reconnect();
    expect(made).toHaveLength(1);
    expect(liveStop('orders')).toBeUndefined();
  });
});
