import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GallopClient, GallopClientError } from '@gallop/sdk';
import type { LevelWithSilent } from 'pino';
import postgres from 'postgres';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { createApp } from '../src/app.ts';
import type { App } from '../src/app.ts';
import type { AuthOptions } from '../src/auth/authenticator.ts';
import type { Limits } from '../src/graphql/limits.ts';
import { createLogger } from '../src/observability/logger.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A fresh PostgreSQL database for this run (made by test/support/global-setup.ts), or undefined for PGlite. */
    databaseUrl: string | undefined;
  }
}

/** One JSON line of the server's log, parsed. */
export interface LogRecord {
  /** pino's number: 20 debug, 30 info, 40 warn, 50 error, 60 fatal. */
  readonly level: number;
  readonly msg: string;
  /** An error, as pino's serializer writes it. */
  readonly err?: { readonly type: string; readonly message: string; readonly stack: string };
  readonly [field: string]: unknown;
}

export interface TestServer {
  readonly app: App;
  readonly client: GallopClient;
  /** The server's base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly graphqlUrl: string;
  /** Every line the server logged, in order, kept in memory (never printed, so tests stay quiet). */
  readonly logs: LogRecord[];
  close(): Promise<void>;
}

export interface TestServerOptions {
  readonly clock?: () => number;
  /** What the in-memory log keeps; `info` by default, `debug` to see each GraphQL operation. */
  readonly logLevel?: LevelWithSilent;
  /** PGlite's directory when there is no database URL; in memory by default. */
  readonly dataDir?: string;
  /** Whether requests need credentials; off by default. */
  readonly auth?: AuthOptions;
  /** What one request may cost; the server's defaults when absent. */
  readonly limits?: Partial<Limits>;
  /** A directory of UI files to serve at `/`; none by default. */
  readonly uiDir?: string;
}

/**
 * An in-process server on a free port: on the run's PostgreSQL database when there is one, else on in-memory PGlite.
 * The logger is the server's real one (pino) writing to memory, so tests can check what the server wrote.
 */
export async function startTestServer(databaseUrl: string | undefined, options: TestServerOptions = {}): Promise<TestServer> {
  const logs: LogRecord[] = [];
  const app = await createApp({
    databaseUrl,
    dataDir: options.dataDir ?? 'memory://',
    clock: options.clock,
    auth: options.auth,
    limits: options.limits,
    uiDir: options.uiDir,
    log: createLogger({ level: options.logLevel ?? 'info', destination: { write: (line) => void logs.push(JSON.parse(line) as LogRecord) } }),
  });
  const server = createServer((req, res) => app.handle(req, res));
  app.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const graphqlUrl = `${url}/graphql`;
  const client = new GallopClient({ url: graphqlUrl, webSocketImpl: WebSocket });
  return {
    app,
    client,
    url,
    graphqlUrl,
    logs,
    async close() {
      await client.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}

export interface IsolatedStore {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  drop(): Promise<void>;
}

/**
 * Data of a test's own: a new PostgreSQL database beside the run's, or else PGlite in memory, or in a temporary
 * directory when it must outlive a server (`restartable`, slower to make). For servers that restart on the same
 * data, or whose clock runs ahead: the run's other servers share its database, and a scheduler whose clock is ahead
 * fires their timers early.
 */
export async function isolatedStore(databaseUrl: string | undefined, { restartable = false } = {}): Promise<IsolatedStore> {
  if (!databaseUrl) {
    if (!restartable) return { databaseUrl: undefined, dataDir: 'memory://', drop: async () => {} };
    const dataDir = await mkdtemp(join(tmpdir(), 'gallop-test-'));
    return { databaseUrl: undefined, dataDir, drop: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const url = new URL(databaseUrl);
  const name = `${url.pathname.slice(1)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    dataDir: 'memory://',
    async drop() {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

/** A name no other test of this run uses, for metadata shared by one PostgreSQL database. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** The GallopClientError a call is refused with; fails the test if it is not refused so. */
export async function refusal(promise: Promise<unknown>): Promise<GallopClientError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GallopClientError);
  return error as GallopClientError;
}
