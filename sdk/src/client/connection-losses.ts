/**
 * When each socket lost its connection, for subscriptions that resume from then. graphql-ws reports a close for
 * every failed attempt to reconnect as well; only the first close after the socket was connected is the loss, so a
 * long outage does not move the moment forward past what changed early in it.
 */
export class ConnectionLosses<S extends object> {
  readonly #connected = new WeakSet<S>();
  readonly #lostAt = new WeakMap<S, number>();

  connected(socket: S): void {
    this.#connected.add(socket);
  }

  /** A close that is not a normal one (code 1000) while connected is a loss, at `now`. */
  closed(socket: S, normal: boolean, now: number): void {
    if (this.#connected.delete(socket) && !normal) this.#lostAt.set(socket, now);
  }

  /** When the socket last lost its connection (epoch ms), or 0 if never. */
  lostAt(socket: S | undefined): number {
    return (socket && this.#lostAt.get(socket)) ?? 0;
  }
}
