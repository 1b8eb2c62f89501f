import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GallopClient, isGallopClientError } from '@gallop/sdk';
import { afterEach, describe, expect, it } from 'vitest';

// GallopClient against plain HTTP servers that fail on purpose: a port nobody listens on yet, and a server that
// drops each connection after reading the request.
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(handler: Parameters<typeof createServer>[1], port = 0): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A port that was free a moment ago: taken from the OS, then let go. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Answers every request with `data`, counting them. */
function answering(data: unknown, seen: { count: number }): NonNullable<Parameters<typeof createServer>[1]> {
  return (req, res) => {
    seen.count++;
    req.resume();
    req.on('end', () => res.setHeader('content-type', 'application/json').end(JSON.stringify({ data })));
  };
}

describe('GallopClient retries', () => {
  it('sends a mutation again while the connection is refused, and it lands once the server is up', async () => {
    const port = await freePort();
    const seen = { count: 0 };
    const client = new GallopClient({ url: `http://127.0.0.1:${port}/graphql`, retries: 5 });
    const pending = client.request<{ ok: boolean }>('mutation { ok }');
    await new Promise((resolve) => setTimeout(resolve, 150));
    await listen(answering({ ok: true }, seen), port);
    expect(await pending).toEqual({ ok: true });
    expect(seen.count).toBe(1);
  });

  it('gives up after its retries with NETWORK_ERROR when nothing comes up', async () => {
    const port = await freePort();
    const client = new GallopClient({ url: `http://127.0.0.1:${port}/graphql`, retries: 2 });
    const error = await client.request('query { ok }').catch((e: unknown) => e);
    expect(isGallopClientError(error) && error.code).toBe('NETWORK_ERROR');
  });

  it('sends a query again when the connection broke after sending, but never a mutation, which may have been applied', async () => {
    let count = 0;
    const port = await listen((req) => {
      count++;
      req.socket.destroy();
    });
    const client = new GallopClient({ url: `http://127.0.0.1:${port}/graphql`, retries: 2 });
    const queryError = await client.request('query { ok }').catch((e: unknown) => e);
    expect([isGallopClientError(queryError) && queryError.code, count]).toEqual(['NETWORK_ERROR', 3]);
    count = 0;
    const mutationError = await client.request('mutation { ok }').catch((e: unknown) => e);
    expect([isGallopClientError(mutationError) && mutationError.code, count]).toEqual(['NETWORK_ERROR', 1]);
  });

  it("stops retrying when the caller aborts, with the caller's abort", async () => {
    const port = await freePort();
    // Ten retries would wait over 100 s in all: only the abort can end this within the test's time.
    const client = new GallopClient({ url: `http://127.0.0.1:${port}/graphql`, retries: 10 });
    const controller = new AbortController();
    const pending = client.request('query { ok }', {}, controller.signal).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 50);
    const error = await pending;
    expect([isGallopClientError(error), (error as Error).name]).toEqual([false, 'AbortError']);
  });
});

describe("GallopClient's connections in Node", () => {
  it('keeps one connection for requests one after another', async () => {
    const sockets = new Set<unknown>();
    const seen = { count: 0 };
    const answer = answering({ ok: true }, seen);
    const port = await listen((req, res) => {
      sockets.add(req.socket);
      answer(req, res);
    });
    const client = new GallopClient({ url: `http://127.0.0.1:${port}/graphql`, retries: 0 });
    for (let i = 0; i < 5; i++) expect(await client.request('mutation { ok }')).toEqual({ ok: true });
    expect([seen.count, sockets.size]).toEqual([5, 1]);
  });

  it('fails with NETWORK_ERROR, saying so, when the connection breaks in the middle of the answer', async () => {
    const port = await listen((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"data":');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const client = new GallopClient({ url: `http://127.0.0.1:${port}/graphql`, retries: 0 });
    const error = await client.request('mutation { ok }').catch((e: unknown) => e);
    expect(isGallopClientError(error) && [error.code, error.message]).toEqual(['NETWORK_ERROR', `The connection to the Gallop server at http://127.0.0.1:${port}/graphql broke during its answer.`]);
  });
});
