import { describe, expect, it } from 'vitest';
import { ConnectionLosses } from './connection-losses.ts';

describe('ConnectionLosses', () => {
  it('takes a loss from when the socket last heard from the server, and not from the failed reconnects after it', () => {
    const losses = new ConnectionLosses<object>();
    const socket = {};
    expect(losses.lostAt(socket)).toBe(0);
    losses.connected(socket, 1_000);
    losses.heard(socket, 4_000);
    // A dead path closed only when a ping went unanswered, long after the last message.
    losses.closed(socket, false);
    expect(losses.lostAt(socket)).toBe(4_000);
    // graphql-ws reports each failed attempt to reconnect as a close too; messages only come once connected.
    losses.heard(socket, 9_000);
    losses.closed(socket, false);
    expect(losses.lostAt(socket)).toBe(4_000);
    // Back, then lost again: the new loss counts.
    losses.connected(socket, 20_000);
    losses.closed(socket, false);
    expect(losses.lostAt(socket)).toBe(20_000);
  });

  it('takes a normal close (an unused socket shut) for no loss, and tells sockets apart', () => {
    const losses = new ConnectionLosses<object>();
    const [a, b] = [{}, {}];
    losses.connected(a, 5_000);
    losses.closed(a, true);
    expect(losses.lostAt(a)).toBe(0);
    losses.connected(b, 6_000);
    losses.closed(b, false);
    expect([losses.lostAt(a), losses.lostAt(b), losses.lostAt(undefined)]).toEqual([0, 6_000, 0]);
  });
});
