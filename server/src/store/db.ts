import { mkdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import lockfile from 'proper-lockfile';
import type { Logger } from '../observability/logger.ts';
import { withTimeout } from '../observability/with-timeout.ts';
import { autovacuum } from './pglite-autovacuum.ts';
import type { AutovacuumRound } from './pglite-autovacuum.ts';
import { preparedStatements } from './pglite-statements.ts';
import type { TextParam } from './pglite-statements.ts';
import * as schema from './schema.ts';

export type Schema = typeof schema;
/** The database, whichever driver is under it. Queries are written against this type only. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** A function of (db | tx) runs inside or outside a transaction alike. */
export type Queryable = Db | Tx;

/** The rows of `db.execute`, which postgres.js gives as an array and PGlite as `{ rows }`. */
export function rowsOf<Row>(result: unknown): Row[] {
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}

export interface Store {
  readonly db: Db;
  /** 'postgres' when DATABASE_URL names a server; 'pglite' for the embedded database. */
  readonly kind: 'postgres' | 'pglite';
  /**
   * Calls `onMessage` for each NOTIFY on `channel`, and `onListen` each time listening starts: first, and again
   * whenever a lost connection comes back (NOTIFYs sent while it was away are lost). Resolves to a function that
   * stops listening.
   */
  listen(channel: string, onMessage: (payload: string) => void, onListen?: () => void): Promise<() => Promise<void>>;
  /**
   * Runs one statement of fixed text with positional parameters, outside any transaction, and resolves its rows.
   * It is prepared once per connection (on PGlite, once: pglite-statements.ts): for the hot statements whose text
   * never changes. Parameters go as text, so a time is an ISO string and JSON is stringified.
   */
  run<Row = Record<string, unknown>>(text: string, params: readonly TextParam[]): Promise<Row[]>;
  /** Sends a NOTIFY outside any transaction. */
  notify(channel: string, payload: string): Promise<void>;
  /**
   * On PGlite, which has no autovacuum of its own: vacuums and analyzes the tables past PostgreSQL's thresholds
   * (pglite-autovacuum.ts). PostgreSQL does this by itself.
   */
  autovacuum?(): Promise<AutovacuumRound>;
  /** Idempotent: a second call waits for the first. */
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres://… to use a PostgreSQL server; otherwise PGlite. */
  readonly databaseUrl?: string | undefined;
  /** Where PGlite keeps its files; `memory://` keeps nothing. */
  readonly dataDir: string;
  /** Told when migrations are applied. */
  readonly log?: Logger | undefined;
}

/**
 * How long a statement may go unanswered before it is given up as lost. postgres.js 3.4.9 can leave a query
 * unsettled for good when PostgreSQL drops connections under it (reproduced with pg_terminate_backend under load: a
 * query handed to a connection being made again, or pipelined behind one that died): the command or request waiting
 * on it then fails, and is retried, instead of hanging with its WfRun's turn. Generous beside any statement of ours.
 */
const QUERY_TIMEOUT_MS = 15_000;
const QUERY_TIMEOUT_MESSAGE = `PostgreSQL did not answer a statement within ${QUERY_TIMEOUT_MS / 1000} s; its connection was probably lost`;
const limit = <T>(promise: Promise<T>) => withTimeout(promise, QUERY_TIMEOUT_MS, QUERY_TIMEOUT_MESSAGE);

const POOL_OPTIONS = {
  max: 10,
  onnotice: () => {},
  // The same bug is likelier with several queries pipelined behind the running one: one at most. (An option its
  // types leave out, hence no annotation here.)
  max_pipeline: 1,
  // Its default reconnect delay grows with every connection lost, up to 20 s for all of them after one mass
  // disconnect: too long for a server in the middle of leases.
  backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
  // A connection being made again can stay stuck with the query it was opened for: fail that query sooner.
  connect_timeout: 10,
};

/**
 * `sql` with each query of `unsafe` bounded by QUERY_TIMEOUT_MS: drizzle runs every query through it, awaited as it
 * is or after `.values()`, and so does `run`. A query starts only when awaited, so the bound is put on at that moment.
 */
function bounded(sql: postgres.Sql): postgres.Sql {
  const unsafe = (...args: Parameters<postgres.Sql['unsafe']>) => {
    const query = sql.unsafe(...args);
    return {
      values: () => limit(query.values()),
      then: <A, B>(onFulfilled?: (rows: unknown) => A, onRejected?: (error: unknown) => B) => limit(query).then(onFulfilled, onRejected),
    };
  };
  return new Proxy(sql, { get: (target, key, receiver) => (key === 'unsafe' ? unsafe : Reflect.get(target, key, receiver)) });
}

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));
// Any constant works; it only keeps two servers starting at once from migrating together.
const MIGRATION_LOCK = 7_244_101;

/** Opens the store and applies pending migrations, on PostgreSQL or PGlite alike. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const started = performance.now();
  const store = await (options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options.dataDir, options.log));
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as { entries: { tag: string }[] };
  options.log?.info(
    { store: store.kind, migrations: journal.entries.length, latest: journal.entries.at(-1)?.tag, durationMs: Math.round(performance.now() - started) },
    'Database open and migrated',
  );
  return store;
}

/**
 * How long a server starting up waits for PostgreSQL to answer its first statement. A refused connection fails at
 * once; this bounds the others: an address that drops packets (postgres.js would wait its connect_timeout, 30 s by
 * default) and a port held by something that is not PostgreSQL (postgres.js connects again and again, for ever).
 */
const START_TIMEOUT_MS = 5_000;

/** PostgreSQL could not be reached at start: the message names host:port (never the password) and why. */
export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
  constructor(
    /** Where it was looked for: `host:port`, several joined by commas. */
    readonly address: string,
    /** The system's code (ECONNREFUSED, ENOTFOUND, …) or PostgreSQL's, when there is one. */
    readonly code: string | undefined,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Could not connect to PostgreSQL at ${address} (DATABASE_URL): ${reason}`, options);
  }
}

/**
 * Asks `sql` for `select 1` within START_TIMEOUT_MS, so that a wrong DATABASE_URL stops the start in seconds with one
 * sentence. Only at start: once running, a database that goes away is waited for (POOL_OPTIONS; /readyz says so).
 */
async function reach(sql: postgres.Sql): Promise<void> {
  const address = sql.options.host.map((host, i) => `${host}:${sql.options.port[i] ?? sql.options.port[0] ?? 5432}`).join(',');
  try {
    await withTimeout(sql`select 1`, START_TIMEOUT_MS, `no answer within ${START_TIMEOUT_MS / 1000} s: is PostgreSQL what listens there, and do packets reach it?`);
  } catch (error) {
    // It may still be connecting, or connecting again: stop it, without waiting on what never answers.
    await sql.end({ timeout: 0 }).catch(() => {});
    const { code, message } = error as { code?: unknown; message?: unknown };
    const known = typeof code === 'string' ? code : undefined;
    const reasons: Readonly<Record<string, string>> = {
      ECONNREFUSED: 'the connection was refused (ECONNREFUSED): nothing listens at that host and port',
      ENOTFOUND: 'the host name does not resolve (ENOTFOUND)',
      EAI_AGAIN: 'the host name could not be resolved (EAI_AGAIN)',
      CONNECT_TIMEOUT: `no connection within ${START_TIMEOUT_MS / 1000} s (CONNECT_TIMEOUT)`,
    };
    const reason = (known && reasons[known]) ?? `${String(message ?? error)}${known ? ` (${known})` : ''}`;
    throw new DatabaseUnreachableError(address, known, reason, { cause: error });
  }
}

async function openPostgres(url: string): Promise<Store> {
  const migrator = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: START_TIMEOUT_MS / 1000 });
  await reach(migrator);
  try {
    await migrator`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migratePostgres(drizzlePostgres(migrator), { migrationsFolder });
    await migrator`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await migrator.end({ timeout: 5 });
  }
  const sql = postgres(url, POOL_OPTIONS);
  const pool = bounded(sql);
  const db = drizzlePostgres(pool, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    async listen(channel, onMessage, onListen) {
      // postgres.js listens again by itself after a lost connection, and then calls onListen again.
      const { unlisten } = await sql.listen(channel, onMessage, onListen);
      return unlisten;
    },
    async run(text, params) {
      return (await pool.unsafe(text, params as never[], { prepare: true })) as never;
    },
    async notify(channel, payload) {
      await limit(sql.notify(channel, payload));
    },
    close: once(async () => {
      await sql.end({ timeout: 5 });
    }),
  };
}

/** The data directory is used by another live process: two PGlite instances on one directory corrupt it. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

/**
 * How old a lock on a PGlite directory must be before another process may take it, when it cannot tell whether the
 * holder lives (no owner file, or another host). Long: the holder refreshes it from its event loop, which PGlite's
 * first migrations can block for a minute on a loaded machine, and a lock taken from a live holder corrupts the data.
 */
const LOCK_STALE_MS = 5 * 60_000;

/** Who holds a PGlite directory's lock, written beside it so that a lock left by a dead process is taken at once. */
interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  /** Where the pid means something: this boot of this kernel, this pid namespace (containers share hostnames). */
  readonly bootId: string;
  readonly pidNamespace: string;
}

/** This process's place for pids: the kernel's boot id and its pid namespace; empty where /proc cannot tell. */
function pidPlace(): { bootId: string; pidNamespace: string } {
  const read = (what: () => string) => {
    try {
      return what().trim();
    } catch {
      return '';
    }
  };
  return { bootId: read(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')), pidNamespace: read(() => readlinkSync('/proc/self/ns/pid')) };
}

/**
 * Locks a PGlite directory for this process. A lock whose holder is known dead (same host, no such process) is
 * taken at once; one held by a live process, or by one this process cannot see, refuses with DataDirInUseError.
 * Losing the lock later (it went stale, or was removed) ends the process: another may be writing the directory.
 */
async function lockDataDir(dataDir: string, log: Logger | undefined): Promise<() => Promise<void>> {
  // proper-lockfile locks the real path: so do the owner file and a removal of a stale lock.
  const real = realpathSync(dataDir);
  const ownerFile = `${real}.lock-owner`;
  const lockDir = `${real}.lock`;
  const take = () =>
    lockfile.lock(real, {
      realpath: false,
      stale: LOCK_STALE_MS,
      update: 5_000,
      retries: 0,
      onCompromised: (error) => {
        log?.fatal({ err: error }, `Lost the lock on the PGlite data directory ${dataDir}; stopping before another process and this one both write it.`);
        process.exit(1);
      },
    });
  const inUse = (cause: unknown, owner: LockOwner | undefined) => {
    const holder = owner ? ` (process ${owner.pid} on ${owner.hostname})` : '';
    return new DataDirInUseError(
      `The PGlite data directory ${dataDir} is in use by another Gallop server${holder}. Stop that one, or set GALLOP_DATA_DIR to another directory. A lock no live server holds goes stale after ${LOCK_STALE_MS / 60_000} minutes, or remove ${lockDir}.`,
      { cause },
    );
  };
  let unlock: () => Promise<void>;
  try {
    unlock = await take();
  } catch (cause) {
    const owner = readOwner(ownerFile);
    const seen = mtimeOf(lockDir);
    if ((cause as { code?: string }).code !== 'ELOCKED' || !owner || !isGone(owner)) throw inUse(cause, owner);
    // Another server starting now may have taken it since: then its refresh moved the time, and the lock is its.
    if (seen === undefined || mtimeOf(lockDir) !== seen) throw inUse(cause, undefined);
    log?.warn({ dataDir, owner }, 'Taking the lock on the PGlite data directory from a process that is gone');
    rmSync(lockDir, { recursive: true, force: true });
    unlock = await take().catch((again: unknown) => {
      throw inUse(again, undefined);
    });
  }
  writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, hostname: hostname(), ...pidPlace() } satisfies LockOwner));
  return async () => {
    rmSync(ownerFile, { force: true });
    await unlock();
  };
}

function mtimeOf(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    const { pid, hostname: host, bootId, pidNamespace } = owner;
    return typeof pid === 'number' && typeof host === 'string' && typeof bootId === 'string' && typeof pidNamespace === 'string'
      ? { pid, hostname: host, bootId, pidNamespace }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the lock's holder has surely gone: on this host, this boot and this pid namespace, with no process of its
 * pid (or with this one's own). Anywhere else its pid says nothing here, and only the lock's age can free it.
 */
function isGone(owner: LockOwner): boolean {
  const here = pidPlace();
  if (owner.hostname !== hostname() || !here.bootId || !here.pidNamespace || owner.bootId !== here.bootId || owner.pidNamespace !== here.pidNamespace) return false;
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    // EPERM: a process of that pid lives, someone else's.
    return (error as { code?: string }).code === 'ESRCH';
  }
}

async function openPglite(dataDir: string, log: Logger | undefined): Promise<Store> {
  let unlock: (() => Promise<void>) | undefined;
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true });
    unlock = await lockDataDir(dataDir, log);
  }
  let client: PGlite | undefined;
  let db: Db;
  try {
    client = await PGlite.create(dataDir);
    db = drizzlePglite(client, { schema }) as unknown as Db;
    await migratePglite(db as never, { migrationsFolder });
  } catch (error) {
    await client?.close().catch(() => {});
    await unlock?.();
    throw error;
  }
  const pglite = client;
  const run = preparedStatements(pglite);
  return {
    db,
    kind: 'pglite',
    async listen(channel, onMessage, onListen) {
      const unlisten = await pglite.listen(channel, onMessage);
      // In process: its connection is never lost.
      onListen?.();
      return async () => unlisten();
    },
    run(text, params) {
      return run(text, params) as never;
    },
    async notify(channel, payload) {
      await pglite.query('select pg_notify($1, $2)', [channel, payload]);
    },
    autovacuum: () => autovacuum(pglite),
    close: once(async () => {
      await pglite.close();
      await unlock?.();
    }),
  };
}

/** PGlite throws when closed twice; a store closes once, and every caller waits for that. */
function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}
