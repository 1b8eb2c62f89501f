import type { Store } from '../store/db.ts';

const CHANNEL = 'gallop';
// PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
const MAX_PAYLOAD = 7000;
/** How long news that could not be sent waits before the next try. */
const RETRY_MS = 500;
/** How often a process says it is there; one that has not been heard from for PEER_TIMEOUT_MS is taken as gone. */
const HEARTBEAT_MS = 5_000;
const PEER_TIMEOUT_MS = 60_000;
/** How long a dropped peer is remembered, to tell it what it missed should it turn up again. */
const FORGET_DROPPED_MS = 3_600_000;

/** News for other server processes: WfRuns that have new events, TaskDefs that have new TaskRuns, new timers. */
export interface News {
  /** [tenantId, wfRunId, last seq] */
  readonly events: readonly (readonly [string, string, number])[];
  /** [tenantId, taskDefName, TaskRuns scheduled] */
  readonly tasks: readonly (readonly [string, string, number])[];
  /** The earliest time (epoch ms) a timer or outbox row written here comes due: schedulers elsewhere wake for it. */
  readonly wake?: number | undefined;
  /** [tenantId, wfRunId] of deleted WfRuns: other processes drop their cached states. */
  readonly deleted?: readonly (readonly [string, string])[] | undefined;
  /** Tenants some of whose metadata was deleted: other processes forget what they keep of it. */
  readonly metadataDeleted?: readonly string[] | undefined;
}

export interface ClusterHandlers {
  events(tenantId: string, wfRunId: string, seq: number): void;
  tasks(tenantId: string, taskDefName: string, count: number): void;
  wake(at: number): void;
  deleted(tenantId: string, wfRunId: string): void;
  metadataDeleted(tenantId: string): void;
  /**
   * News may have been lost (the LISTEN connection dropped and came back): whoever waits on it looks again, at
   * what changed since `since` (epoch ms), the last moment listening was known to work.
   */
  resync(since: number): void;
}

/**
 * Carries news between server processes sharing one PostgreSQL. It never NOTIFYs inside a command's transaction
 * (that would serialise commits, see reference/peers.md): news gathers in memory and goes out in one NOTIFY per
 * group of commits, at most one in flight. And only while another process listens: each says hello when it starts
 * listening (the others answer), sends a heartbeat every HEARTBEAT_MS and goodbye when it closes, so a server alone
 * on its database sends no news at all. A peer not heard from for PEER_TIMEOUT_MS is dropped (it crashed); if it
 * turns up again it is told to look again at what changed since it was dropped. A process that starts looks at the
 * database for what it serves, so the news sent before the others hear its hello is not needed, except by a claim
 * that found its queue empty in that moment: it waits out its long-poll. On PGlite only one process can open the
 * database: silent.
 */
export class Cluster {
  readonly #processId: string;
  #events = new Map<string, readonly [string, string, number]>();
  #tasks = new Map<string, [string, string, number]>();
  #wake = Number.POSITIVE_INFINITY;
  /** Deleted WfRuns and tenants whose metadata was deleted: rare, but a process that misses them serves stale data. */
  #deleted = new Map<string, readonly [string, string]>();
  #metadataDeleted = new Set<string>();
  #flushing: Promise<void> | undefined;
  #unlisten: (() => Promise<void>) | undefined;
  #closed = false;
  /** Other processes heard from, with when (epoch ms). */
  readonly #peers = new Map<string, number>();
  /** Peers dropped for silence, with when: news for them stopped then. */
  readonly #dropped = new Map<string, number>();
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  /** When listening last proved to work: it started, or a message arrived. */
  #lastHeard = Date.now();

  constructor(
    private readonly store: Store,
    processId: string,
    private readonly handlers: ClusterHandlers,
    private readonly log: (message: string, error: unknown) => void,
  ) {
    this.#processId = processId;
  }

  get enabled(): boolean {
    return this.store.kind === 'postgres';
  }

  async start(): Promise<void> {
    if (!this.enabled) return;
    let listening = false;
    this.#unlisten = await this.store.listen(
      CHANNEL,
      (payload) => this.#receive(payload),
      () => {
        if (listening) this.handlers.resync(this.#lastHeard);
        listening = true;
        this.#lastHeard = Date.now();
        // First start, or back after a lost connection: who is out there may have changed.
        this.#say({ h: 1 });
      },
    );
    this.#heartbeat = setInterval(() => this.#say({ h: 0 }), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  /** Whether another server process has been heard from lately (news goes out only then). */
  get hasPeers(): boolean {
    const now = Date.now();
    for (const [peer, seen] of this.#peers) {
      if (now - seen <= PEER_TIMEOUT_MS) continue;
      this.#peers.delete(peer);
      this.#dropped.set(peer, now);
    }
    for (const [peer, at] of this.#dropped) if (now - at > FORGET_DROPPED_MS) this.#dropped.delete(peer);
    return this.#peers.size > 0;
  }

  #say(message: { h: 0 | 1 } | { bye: 1 } | { rs: string; since: number }): Promise<void> {
    return this.store.notify(CHANNEL, JSON.stringify({ p: this.#processId, ...message })).catch((error: unknown) => this.log('Could not notify other server processes', error));
  }

  announce(news: News): void {
    if (!this.enabled || this.#closed || !this.hasPeers) return;
    for (const entry of news.events) this.#events.set(`${entry[0]}\u0000${entry[1]}`, entry);
    for (const [tenant, name, count] of news.tasks) {
      const key = `${tenant}\u0000${name}`;
      const pending = this.#tasks.get(key);
      if (pending) pending[2] += count;
      else this.#tasks.set(key, [tenant, name, count]);
    }
    if (news.wake !== undefined) this.#wake = Math.min(this.#wake, news.wake);
    for (const entry of news.deleted ?? []) this.#deleted.set(`${entry[0]}\u0000${entry[1]}`, entry);
    for (const tenant of news.metadataDeleted ?? []) this.#metadataDeleted.add(tenant);
    if (!this.#pending) return;
    this.#flushing ??= this.#flush();
  }

  get #pending(): boolean {
    return this.#events.size > 0 || this.#tasks.size > 0 || this.#wake !== Number.POSITIVE_INFINITY || this.#deleted.size > 0 || this.#metadataDeleted.size > 0;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    await this.#flushing;
    // The others stop sending news here at once rather than after PEER_TIMEOUT_MS.
    if (this.#unlisten) await this.#say({ bye: 1 });
    await this.#unlisten?.();
  }

  async #flush(): Promise<void> {
    // Let the commits finishing in this turn of the event loop join the same NOTIFY.
    await new Promise((resolve) => setImmediate(resolve));
    let failing = false;
    try {
      while (this.#pending) {
        const events = [...this.#events.values()];
        const tasks = [...this.#tasks.values()];
        const wake = this.#wake;
        const deleted = [...this.#deleted.values()];
        const metadataDeleted = [...this.#metadataDeleted];
        this.#events = new Map();
        this.#tasks = new Map();
        this.#wake = Number.POSITIVE_INFINITY;
        this.#deleted = new Map();
        this.#metadataDeleted = new Set();
        try {
          for (const payload of this.#payloads(events, tasks, wake, deleted, metadataDeleted)) await this.store.notify(CHANNEL, payload);
          failing = false;
        } catch (error) {
          // Other processes wait on this news (claims, subscribers, timers): keep it and send it again, with what
          // gathers meanwhile, once the connection is back. A part already sent is harmless to send twice.
          if (!failing) this.log(`Could not notify other server processes; retrying every ${RETRY_MS} ms`, error);
          failing = true;
          this.#keep(events, tasks, wake, deleted, metadataDeleted);
          if (this.#closed) return;
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
      }
    } finally {
      this.#flushing = undefined;
    }
  }

  /** Puts unsent news back with what was announced since. */
  #keep(events: News['events'], tasks: News['tasks'], wake: number, deleted: readonly (readonly [string, string])[], metadataDeleted: readonly string[]): void {
    for (const entry of events) {
      const key = `${entry[0]}\u0000${entry[1]}`;
      const newer = this.#events.get(key);
      if (!newer || newer[2] < entry[2]) this.#events.set(key, entry);
    }
    for (const [tenant, name, count] of tasks) {
      const key = `${tenant}\u0000${name}`;
      const pending = this.#tasks.get(key);
      if (pending) pending[2] += count;
      else this.#tasks.set(key, [tenant, name, count]);
    }
    this.#wake = Math.min(this.#wake, wake);
    for (const entry of deleted) this.#deleted.set(`${entry[0]}\u0000${entry[1]}`, entry);
    for (const tenant of metadataDeleted) this.#metadataDeleted.add(tenant);
  }

  /**
   * News as NOTIFY payloads under PostgreSQL's size limit: the wake first, then events and TaskRuns together, then
   * deleted WfRuns, then tenants with deleted metadata.
   */
  *#payloads(events: News['events'], tasks: News['tasks'], wake: number, deleted: readonly (readonly [string, string])[], metadataDeleted: readonly string[]): Generator<string> {
    if (wake !== Number.POSITIVE_INFINITY) yield JSON.stringify({ p: this.#processId, w: wake });
    yield* this.#batches([['e', events], ['t', tasks]]);
    yield* this.#batches([['d', deleted]]);
    yield* this.#batches([['m', metadataDeleted]]);
  }

  /** Payloads of the given kinds of entries, each with every kind's list (empty or not), as few as fit. */
  *#batches(kinds: readonly (readonly [string, readonly unknown[]])[]): Generator<string> {
    const empty = () => ({ p: this.#processId, ...Object.fromEntries(kinds.map(([key]) => [key, [] as unknown[]])) }) as Record<string, unknown[]> & { p: string };
    let batch = empty();
    let size = 64;
    let count = 0;
    for (const [key, entries] of kinds) {
      for (const entry of entries) {
        const entrySize = JSON.stringify(entry).length + 1;
        if (size + entrySize > MAX_PAYLOAD && count > 0) {
          yield JSON.stringify(batch);
          batch = empty();
          size = 64;
          count = 0;
        }
        batch[key]?.push(entry);
        size += entrySize;
        count++;
      }
    }
    if (count > 0) yield JSON.stringify(batch);
  }

  #receive(payload: string): void {
    this.#lastHeard = Date.now();
    let message: { p?: string; e?: [string, string, number][]; t?: [string, string, number][]; w?: number; d?: [string, string][]; m?: string[]; h?: number; bye?: number; rs?: string; since?: number };
    try {
      message = JSON.parse(payload) as typeof message;
    } catch (error) {
      this.log(`Ignoring a malformed NOTIFY payload: ${payload.slice(0, 100)}`, error);
      return;
    }
    if (message.p === this.#processId || typeof message.p !== 'string') return;
    if (message.bye) {
      this.#peers.delete(message.p);
      return;
    }
    if (message.rs === this.#processId && typeof message.since === 'number') this.handlers.resync(message.since);
    const known = this.#peers.has(message.p);
    const droppedAt = this.#dropped.get(message.p);
    this.#peers.set(message.p, Date.now());
    this.#dropped.delete(message.p);
    // Alive after all: it missed the news sent while it was dropped.
    if (droppedAt !== undefined) void this.#say({ rs: message.p, since: droppedAt - HEARTBEAT_MS });
    // A hello is answered, so that a process that just started learns who is there.
    else if (message.h === 1 || !known) void this.#say({ h: 0 });
    for (const [tenant, wfRunId, seq] of message.e ?? []) this.handlers.events(tenant, wfRunId, seq);
    for (const [tenant, name, count] of message.t ?? []) this.handlers.tasks(tenant, name, count);
    if (typeof message.w === 'number') this.handlers.wake(message.w);
    for (const [tenant, wfRunId] of message.d ?? []) this.handlers.deleted(tenant, wfRunId);
    for (const tenant of message.m ?? []) this.handlers.metadataDeleted(tenant);
  }
}
