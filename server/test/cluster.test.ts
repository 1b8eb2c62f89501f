import { describe, expect, it, vi } from 'vitest';
import { Cluster } from '../src/runtime/cluster.ts';
import type { Store } from '../src/store/db.ts';

describe('Cluster', () => {
  /** A store whose NOTIFYs are recorded (news apart from presence: hellos, heartbeats, goodbyes, look-agains) and whose LISTEN can be fed. */
  function fakeStore(options: { failFirstNews?: () => void } = {}) {
    const news: unknown[] = [];
    const presence: unknown[] = [];
    let deliver: (payload: string) => void = () => {};
    let newsAttempts = 0;
    const store: Store = {
      kind: 'postgres',
      db: undefined as never,
      run: async () => [],
      listen: async (_channel, onMessage, onListen) => {
        deliver = onMessage;
        onListen?.();
        return async () => {};
      },
      notify: async (_channel, payload) => {
        const message = JSON.parse(payload) as Record<string, unknown>;
        if ('h' in message || 'bye' in message || 'rs' in message) {
          presence.push(message);
          return;
        }
        if (newsAttempts++ === 0 && options.failFirstNews) {
          options.failFirstNews();
          // As when PostgreSQL terminated the connection the NOTIFY went out on.
          throw new Error('write CONNECTION_CLOSED');
        }
        news.push(message);
      },
      close: async () => {},
    };
    return { store, news, presence, receive: (message: object) => deliver(JSON.stringify(message)) };
  }

  const noHandlers = { events() {}, tasks() {}, wake() {}, deleted() {}, metadataDeleted() {}, resync() {} };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  it('keeps news whose NOTIFY failed and sends it, with what came meanwhile, once the connection is back', async () => {
    let failed!: () => void;
    const firstFailure = new Promise<void>((resolve) => (failed = resolve));
    const { store, news, receive } = fakeStore({ failFirstNews: () => failed() });
    const logged: string[] = [];
    const cluster = new Cluster(store, 'p1', noHandlers, (message) => logged.push(message));
    await cluster.start();
    receive({ p: 'p2', h: 0 });

    cluster.announce({ events: [['default', 'w1', 5]], tasks: [['default', 'charge', 1]] });
    await firstFailure;
    cluster.announce({ events: [['default', 'w1', 7], ['default', 'w2', 1]], tasks: [['default', 'charge', 2]] });
    const deadline = Date.now() + 5_000;
    while (news.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    await cluster.close();

    expect(news).toEqual([{ p: 'p1', e: [['default', 'w1', 7], ['default', 'w2', 1]], t: [['default', 'charge', 3]] }]);
    expect(logged).toHaveLength(1);
  });

  it('keeps the news of deletions whose NOTIFY failed, and sends it once the connection is back', async () => {
    let failed!: () => void;
    const firstFailure = new Promise<void>((resolve) => (failed = resolve));
    const { store, news, receive } = fakeStore({ failFirstNews: () => failed() });
    const cluster = new Cluster(store, 'p1', noHandlers, () => {});
    await cluster.start();
    receive({ p: 'p2', h: 0 });

    cluster.announce({ events: [], tasks: [], metadataDeleted: ['default'] });
    await firstFailure;
    cluster.announce({ events: [], tasks: [], deleted: [['acme', 'w9']], metadataDeleted: ['default', 'acme'] });
    const deadline = Date.now() + 5_000;
    while (news.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    await cluster.close();
    expect(news).toEqual([
      { p: 'p1', d: [['acme', 'w9']] },
      { p: 'p1', m: ['default', 'acme'] },
    ]);
  });

  it('splits news too large for one NOTIFY into several, each under the limit, losing none', async () => {
    const { store, news, receive } = fakeStore();
    const cluster = new Cluster(store, 'p1', noHandlers, () => {});
    await cluster.start();
    receive({ p: 'p2', h: 0 });
    const events = Array.from({ length: 300 }, (_, i) => ['default', `wf-run-${'x'.repeat(40)}-${i}`, i] as const);
    const deleted = Array.from({ length: 300 }, (_, i) => ['default', `gone-${'y'.repeat(40)}-${i}`] as const);
    cluster.announce({ events, tasks: [['default', 'charge', 2]], deleted });
    await settle();
    await cluster.close();
    const sent = news as { e?: unknown[]; t?: unknown[]; d?: unknown[] }[];
    expect(sent.length).toBeGreaterThan(2);
    expect(sent.every((n) => JSON.stringify(n).length < 8000)).toBe(true);
    expect(sent.flatMap((n) => n.e ?? [])).toEqual(events);
    expect(sent.flatMap((n) => n.t ?? [])).toEqual([['default', 'charge', 2]]);
    expect(sent.flatMap((n) => n.d ?? [])).toEqual(deleted);
  });

  it('tells the handlers of deleted WfRuns and metadata that other processes announce', async () => {
    const { store, receive } = fakeStore();
    const heard: string[] = [];
    const cluster = new Cluster(store, 'p1', { ...noHandlers, deleted: (t, id) => heard.push(`${t}/${id}`), metadataDeleted: (t) => heard.push(t) }, () => {});
    await cluster.start();
    receive({ p: 'p2', d: [['default', 'w1']], m: ['acme'] });
    expect(heard).toEqual(['default/w1', 'acme']);
    await cluster.close();
  });

  it('sends news only while another process is heard from, and stops when it says goodbye', async () => {
    const { store, news, receive } = fakeStore();
    const cluster = new Cluster(store, 'p1', noHandlers, () => {});
    await cluster.start();
    cluster.announce({ events: [['default', 'alone', 1]], tasks: [] });
    await settle();
    expect(news).toEqual([]);
    expect(cluster.hasPeers).toBe(false);

    receive({ p: 'p2', h: 1 });
    cluster.announce({ events: [['default', 'heard', 1]], tasks: [] });
    await settle();
    expect(news).toEqual([{ p: 'p1', e: [['default', 'heard', 1]], t: [] }]);

    receive({ p: 'p2', bye: 1 });
    cluster.announce({ events: [['default', 'gone', 1]], tasks: [] });
    await settle();
    expect(news).toHaveLength(1);
    await cluster.close();
  });

  it('says hello when it starts listening, answers a newcomer, and says goodbye when it closes', async () => {
    const { store, presence, receive } = fakeStore();
    const cluster = new Cluster(store, 'p1', noHandlers, () => {});
    await cluster.start();
    receive({ p: 'p1', h: 1 });
    receive({ p: 'p3', h: 1 });
    await settle();
    // Its own hello comes back over LISTEN too: that one is not answered.
    expect(presence).toEqual([{ p: 'p1', h: 1 }, { p: 'p1', h: 0 }]);
    await cluster.close();
    expect(presence).toEqual([{ p: 'p1', h: 1 }, { p: 'p1', h: 0 }, { p: 'p1', bye: 1 }]);
  });

  it('tells a peer it dropped for silence to look again, should it turn up, and looks again when told so', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(1_000_000);
      const { store, presence, receive } = fakeStore();
      const resyncs: number[] = [];
      const cluster = new Cluster(store, 'p1', { ...noHandlers, resync: (since) => resyncs.push(since) }, () => {});
      await cluster.start();
      receive({ p: 'p2', h: 0 });
      expect(cluster.hasPeers).toBe(true);
      // A minute of silence (its process stalled, say): p2 is dropped and news for it stops.
      vi.setSystemTime(1_061_000);
      expect(cluster.hasPeers).toBe(false);
      receive({ p: 'p2', h: 0 });
      await settle();
      expect(presence).toContainEqual({ p: 'p1', rs: 'p2', since: 1_061_000 - 5_000 });
      expect(cluster.hasPeers).toBe(true);

      receive({ p: 'p3', rs: 'p1', since: 123 });
      receive({ p: 'p3', rs: 'p9', since: 456 });
      expect(resyncs).toEqual([123]);
      await cluster.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('asks to look again each time listening restarts after a lost connection, not when it first starts', async () => {
    let onListen: (() => void) | undefined;
    const store: Store = {
      kind: 'postgres',
      db: undefined as never,
      run: async () => [],
      listen: async (_channel, _onMessage, callback) => {
        onListen = callback;
        onListen?.();
        return async () => {};
      },
      notify: async () => {},
      close: async () => {},
    };
    let resyncs = 0;
    const cluster = new Cluster(store, 'p1', { events() {}, tasks() {}, wake() {}, deleted() {}, metadataDeleted() {}, resync: () => resyncs++ }, () => {});
    await cluster.start();
    expect(resyncs).toBe(0);
    // As postgres.js does once it has listened again on a new connection.
    onListen?.();
    onListen?.();
    expect(resyncs).toBe(2);
    await cluster.close();
  });
});
