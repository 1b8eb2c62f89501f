/**
 * When each socket lost its connection, for subscriptions that resume from then: the last time it heard from the
 * server before the loss (a message, a pong), which a dead path that nothing closed leaves well before the close.
 * graphql-ws reports a close for every failed attempt to reconnect as well; only the first close after the socket
 * was connected is the loss, so a long outage does not move the moment forward past what changed early in it.
 */
export class ConnectionLosses<S extends object> {
  /** Connected sockets, with when each last heard from the server. */
  readonly #heard = new WeakMap<S, number>();
  readonly #lostAt = new WeakMap<S, number>();

  connected(socket: S, now: number): void {
    this.#heard.set(socket, now);
  }

  heard(socket: S, now: number): void {
    if (this.#heard.has(socket)) this.#heard.set(socket, now);
  }

  /** A close that is not a normal one (code 1000) while connected is a loss, from when the socket last heard. */
  closed(socket: S, normal: boolean): void {
    const heard = this.#heard.get(socket);
    this.#heard.delete(socket);
    if (heard !== undefined && !normal) this.#lostAt.set(socket, heard);
  }

  /** When the socket last lost its connection (epoch ms), or 0 if never. */
  lostAt(socket: S | undefined): number {
    return (socket && this.#lostAt.get(socket)) ?? 0;
  }
}
