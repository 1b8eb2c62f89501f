import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/runtime/cluster.ts';
import type { Store } from '../src/store/db.ts';

describe('Cluster', () => {
  it('keeps news whose NOTIFY failed and sends it, with what came meanwhile, once the connection is back', async () => {
    const sent: unknown[] = [];
    let failed!: () => void;
    const firstFailure = new Promise<void>((resolve) => (failed = resolve));
    let attempts = 0;
    // As when PostgreSQL terminated the connection the NOTIFY went out on: the first one fails.
    const store: Store = {
      kind: 'postgres',
      db: undefined as never,
      run: async () => [],
      listen: async () => async () => {},
      notify: async (_channel, payload) => {
        if (attempts++ === 0) {
          failed();
          throw new Error('write CONNECTION_CLOSED');
        }
        sent.push(JSON.parse(payload));
      },
      close: async () => {},
    };
    const logged: string[] = [];
    const cluster = new Cluster(store, 'p1', { events() {}, tasks() {}, wake() {}, deleted() {}, resync() {} }, (message) => logged.push(message));

    cluster.announce({ events: [['default', 'w1', 5]], tasks: [['default', 'charge', 1]] });
    await firstFailure;
    cluster.announce({ events: [['default', 'w1', 7], ['default', 'w2', 1]], tasks: [['default', 'charge', 2]] });
    const deadline = Date.now() + 5_000;
    while (sent.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    await cluster.close();

    expect(sent).toEqual([{ p: 'p1', e: [['default', 'w1', 7], ['default', 'w2', 1]], t: [['default', 'charge', 3]] }]);
    expect(logged).toHaveLength(1);
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
    const cluster = new Cluster(store, 'p1', { events() {}, tasks() {}, wake() {}, deleted() {}, resync: () => resyncs++ }, () => {});
    await cluster.start();
    expect(resyncs).toBe(0);
    // As postgres.js does once it has listened again on a new connection.
    onListen?.();
    onListen?.();
    expect(resyncs).toBe(2);
    await cluster.close();
  });
});
