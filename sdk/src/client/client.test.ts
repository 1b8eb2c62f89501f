import { describe, expect, it } from 'vitest';
import { GallopClient } from './client.ts';
import { isGallopClientError } from './errors.ts';

describe('GallopClient requests', () => {
  it('names variables that cannot be JSON before sending anything, rather than calling the server unreachable', async () => {
    let sent = 0;
    const fetch = (async () => {
      sent++;
      return new Response('{"data":{}}', { headers: { 'content-type': 'application/json' } });
    }) as typeof globalThis.fetch;
    const client = new GallopClient({ url: 'http://127.0.0.1:9/graphql', fetch, retries: 3 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const failure = await client.request('query Q($v: JSON) { __typename }', { v: cyclic }).catch((error: unknown) => error);
    expect(isGallopClientError(failure) && failure.code).toBe('INVALID_VARIABLES');
    expect((failure as Error).message).toMatch(/cannot be sent as JSON: .*circular/i);
    expect(sent).toBe(0);
    // The same client sends what JSON can carry.
    await client.request('query { __typename }');
    expect(sent).toBe(1);
  });
});
