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
    const cluster = new Cluster(store, 'p1', { events() {}, tasks() {}, wake() {}, deleted() {} }, (message) => logged.push(message));

    cluster.announce({ events: [['default', 'w1', 5]], tasks: [['default', 'charge', 1]] });
    await firstFailure;
    cluster.announce({ events: [['default', 'w1', 7], ['default', 'w2', 1]], tasks: [['default', 'charge', 2]] });
    const deadline = Date.now() + 5_000;
    while (sent.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    await cluster.close();

    expect(sent).toEqual([{ p: 'p1', e: [['default', 'w1', 7], ['default', 'w2', 1]], t: [['default', 'charge', 3]] }]);
    expect(logged).toHaveLength(1);
  });
});
