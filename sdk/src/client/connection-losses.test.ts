import { describe, expect, it } from 'vitest';
import { ConnectionLosses } from './connection-losses.ts';

describe('ConnectionLosses', () => {
  it('keeps the first close after a connection as the loss, not the failed reconnects after it', () => {
    const losses = new ConnectionLosses<object>();
    const socket = {};
    expect(losses.lostAt(socket)).toBe(0);
    losses.connected(socket);
    losses.closed(socket, false, 1_000);
    // graphql-ws reports each failed attempt to reconnect as a close too.
    losses.closed(socket, false, 3_000);
    losses.closed(socket, false, 7_000);
    expect(losses.lostAt(socket)).toBe(1_000);
    // Back, then lost again: the new loss counts.
    losses.connected(socket);
    losses.closed(socket, false, 20_000);
    expect(losses.lostAt(socket)).toBe(20_000);
  });

  it('takes a normal close (an unused socket shut) for no loss, and tells sockets apart', () => {
    const losses = new ConnectionLosses<object>();
    const [a, b] = [{}, {}];
    losses.connected(a);
    losses.closed(a, true, 5_000);
    expect(losses.lostAt(a)).toBe(0);
    losses.connected(b);
    losses.closed(b, false, 6_000);
    expect([losses.lostAt(a), losses.lostAt(b), losses.lostAt(undefined)]).toEqual([0, 6_000, 0]);
  });
});
