import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { LogRecord } from './harness.ts';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const listeners: Server[] = [];
const sockets: Socket[] = [];
afterAll(async () => {
  sockets.forEach((socket) => socket.destroy());
  await Promise.all(listeners.map((listener) => new Promise((resolve) => listener.close(resolve))));
});

/** A port on this machine where `serve` answers connections (none at all: a port nothing listens on). */
async function port(serve?: (socket: Socket) => void): Promise<number> {
  const listener = createServer((socket) => {
    // The server hangs up, or is killed, without a word: no error of the test's.
    socket.on('error', () => {});
    sockets.push(socket);
    serve?.(socket);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as AddressInfo;
  if (serve) listeners.push(listener);
  else await new Promise((resolve) => listener.close(resolve));
  return port;
}

/** `npm start`'s server process with this DATABASE_URL: how it exited and the lines it wrote. */
async function start(databaseUrl: string): Promise<{ code: number | null; lines: string[] }> {
  const env = { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
  const child = spawn(process.execPath, ['--import', 'tsx', main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // A server that never gives up is stopped here, and fails the test below by its exit code (null).
  const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(guard);
  return { code, lines: output.split('\n').filter((line) => line.trim() !== '') };
}

// A wrong DATABASE_URL stops the start within seconds, with one fatal line naming where PostgreSQL was looked for.
describe('a server whose DATABASE_URL names no PostgreSQL', () => {
  const cases = [
    ['a port nothing listens on (refused)', () => port(), /the connection was refused \(ECONNREFUSED\)/],
    ['a port that accepts and never answers', () => port(() => {}), /no (answer|connection) within 5 s/],
    ['a port held by something else, which answers and hangs up', () => port((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')), /no (answer|connection) within 5 s/],
  ] as const;
  for (const [what, listen, reason] of cases) {
    it(`exits 1 within seconds for ${what}, with one fatal line naming host:port`, async () => {
      const at = await listen();
      const { code, lines } = await start(`postgres://gallop:s3cret@127.0.0.1:${at}/gallop`);
      expect(code).toBe(1);
      expect(lines).toHaveLength(1);
      const line = JSON.parse(lines[0]!) as LogRecord;
      expect(line).toMatchObject({ level: 60, database: `127.0.0.1:${at}` });
      expect(line.msg).toMatch(new RegExp(`^Gallop could not start: Could not connect to PostgreSQL at 127\\.0\\.0\\.1:${at} \\(DATABASE_URL\\): `));
      expect(line.msg).toMatch(reason);
      expect(lines[0]).not.toContain('s3cret');
    }, 30_000);
  }
});
