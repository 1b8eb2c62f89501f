import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GallopClient } from '@gallop/sdk';
import WebSocket from 'ws';
import { createApp } from '../src/app.ts';
import type { App } from '../src/app.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A fresh PostgreSQL database for this run (made by test/support/global-setup.ts), or undefined for PGlite. */
    databaseUrl: string | undefined;
  }
}

export interface TestServer {
  readonly app: App;
  readonly client: GallopClient;
  readonly graphqlUrl: string;
  close(): Promise<void>;
}

/**
 * An in-process server on a free port: on the run's PostgreSQL database when there is one, else on in-memory PGlite.
 * The logger keeps what it was told, so tests can check what the server wrote.
 */
export async function startTestServer(databaseUrl: string | undefined, options: { clock?: () => number } = {}): Promise<TestServer & { logs: string[] }> {
  const logs: string[] = [];
  const app = await createApp({
    databaseUrl,
    dataDir: 'memory://',
    ...options,
    log: { info: (m) => logs.push(m), error: (m, e) => logs.push(`${m} ${e instanceof Error ? e.stack : String(e ?? '')}`) },
  });
  const server = createServer((req, res) => app.handle(req, res));
  app.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const graphqlUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const client = new GallopClient({ url: graphqlUrl, webSocketImpl: WebSocket });
  return {
    app,
    client,
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

/** A name no other test of this run uses, for metadata shared by one PostgreSQL database. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
