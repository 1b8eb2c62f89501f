import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GallopClient } from '@gallop/sdk';
import WebSocket from 'ws';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  /** e.g. http://localhost:41234 */
  readonly url: string;
  readonly graphqlUrl: string;
  /** Everything the process printed so far. */
  output(): string;
  client(): GallopClient;
  stop(): Promise<void>;
  /** SIGKILL, as a crash: nothing is flushed or closed. Resolves once the process is gone. */
  kill(): Promise<void>;
}

/**
 * Starts the server as its own process with the command `npm start` runs (after its UI build), on a free port,
 * on the given PostgreSQL or on a fresh PGlite directory, and resolves once it listens.
 */
export async function startServer(
  options: { databaseUrl?: string | undefined; dataDir?: string; env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  const ownDataDir = options.databaseUrl || options.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'gallop-pglite-'));
  const dataDir = options.dataDir ?? ownDataDir;
  // The "listening on" line below is logged at info: a LOG_LEVEL of warn in the caller's shell must not hide it.
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...options.env };
  delete env.DATABASE_URL;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  if (dataDir) env.GALLOP_DATA_DIR = dataDir;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The server did not start within 60 s:\n${output}`)), 60_000);
    const onData = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        // The server listens on 127.0.0.1; `localhost` may send Chromium to ::1 first, where another process can
        // hold the same port number (CI saw connections reset there).
        resolve(match[1].replace('//localhost:', '//127.0.0.1:'));
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The server exited with ${code} before listening:\n${output}`));
    });
  });

  // A server that dies under a test says why: its own words, not only the connection errors that follow.
  let ending = false;
  child.once('exit', (code, signal) => {
    if (!ending) process.stderr.write(`The server at ${url} exited unasked (${signal ?? code}); its last output:\n${output.slice(-4_000)}\n`);
  });

  const clients: GallopClient[] = [];
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    output: () => output,
    client() {
      const client = new GallopClient({ url: `${url}/graphql`, webSocketImpl: WebSocket });
      clients.push(client);
      return client;
    },
    async stop() {
      ending = true;
      await Promise.all(clients.map((c) => c.close()));
      await stopProcess(child);
      if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
    },
    async kill() {
      ending = true;
      await Promise.all(clients.map((c) => c.close()));
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGKILL');
        await exited;
      }
      if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
    },
  };
}

/** Sends SIGTERM and waits for the exit; SIGKILL after 10 s. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
