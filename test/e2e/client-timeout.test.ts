import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GallopClient, isGallopClientError } from '@gallop/sdk';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startTestServer, unique } from '../../server/test/harness.ts';

const server = await startTestServer(inject('databaseUrl'));
// Takes every request and never answers: a server stuck on a lost database connection, as a client sees it.
const silent = createServer(() => {});
await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/graphql`;
afterAll(async () => {
  silent.closeAllConnections();
  silent.close();
  await server.close();
});

describe('GallopClient timeouts', () => {
  it('fails a request the server never answers with code TIMEOUT, naming the server', async () => {
    const client = new GallopClient({ url: silentUrl, timeoutMs: 200 });
    const error = await client.wfRun('anything').catch((e: unknown) => e);
    expect(isGallopClientError(error) && error.code).toBe('TIMEOUT');
    expect((error as Error).message).toBe(`The Gallop server at ${silentUrl} did not answer within 200 ms.`);
  });

  it("gives a claim its waitMs on top of the timeout, so a long poll is not cut short", async () => {
    const taskDefName = unique('idle');
    await server.client.putTaskDef({ name: taskDefName });
    const client = new GallopClient({ url: server.graphqlUrl, timeoutMs: 200 });
    const claimed = await client.claimTaskRuns({ taskDefName, workerId: 'w', waitMs: 600 });
    expect(claimed).toEqual([]);
  });

  it("rejects with the caller's own abort, not a timeout, when the caller gives up first", async () => {
    const client = new GallopClient({ url: silentUrl, timeoutMs: 5_000 });
    const controller = new AbortController();
    const pending = client.claimTaskRuns({ taskDefName: 't', workerId: 'w', waitMs: 0 }, controller.signal).catch((e: unknown) => e);
    controller.abort();
    const error = await pending;
    expect(isGallopClientError(error)).toBe(false);
    expect((error as Error).name).toBe('AbortError');
  });
});
