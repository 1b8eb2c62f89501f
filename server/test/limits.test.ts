import { GallopClient, isGallopClientError } from '@gallop/sdk';
import { afterAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer } from './harness.ts';

// Issue 8: what one request may cost, each limit set low here and each refusal coded by the limit it hit.
const limits = { maxDepth: 4, maxCost: 80, maxAliases: 2, maxTokens: 120, maxDirectives: 3, maxBodyBytes: 3_000, maxSubscriptionsPerConnection: 2 };
const server = await startTestServer(inject('databaseUrl'), { limits });
afterAll(() => server.close());

async function refusal(query: string): Promise<{ code?: string; limit?: number; message: string }> {
  const response = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const body = (await response.json()) as { errors?: { message: string; extensions?: { code?: string; limit?: number } }[] };
  const [error] = body.errors ?? [];
  return { code: error?.extensions?.code, limit: error?.extensions?.limit, message: error?.message ?? 'no error' };
}

describe('limits on one request', () => {
  it('refuses an operation too deep, too costly, with too many aliases, tokens or directives, naming the limit', async () => {
    expect(await refusal('{ wfRuns { edges { node { wfSpec { spec } } } } }')).toMatchObject({ code: 'DEPTH_LIMIT', limit: 4 });
    expect(await refusal('{ a: taskDefs { pageInfo { hasNextPage } } b: taskDefs { pageInfo { hasNextPage } } c: taskDefs { pageInfo { hasNextPage } } }')).toMatchObject({
      code: 'ALIAS_LIMIT',
      limit: 2,
    });
    expect(await refusal(`{ taskDefs { edges { node { ${'name '.repeat(150)} } } } }`)).toMatchObject({ code: 'TOKEN_LIMIT', limit: 120 });
    expect(await refusal('{ taskDefs { __typename @skip(if: false) @skip(if: false) @skip(if: false) @skip(if: false) } }')).toMatchObject({ code: 'DIRECTIVE_LIMIT', limit: 3 });
    const costly = `{ ${['a', 'b'].map((k) => `${k}: wfRuns { edges { cursor node { id status startTime endTime wfSpecName majorVersion revision lastSeq errorMessage } } pageInfo { hasNextPage endCursor startCursor hasPreviousPage } }`).join(' ')} }`;
    expect(await refusal(costly)).toMatchObject({ code: 'COST_LIMIT', limit: 80 });
    // Within every limit, the same server answers.
    expect(await refusal('{ taskDefs(first: 1) { pageInfo { hasNextPage } } }')).toMatchObject({ code: undefined });
  });

  it('refuses a body over the limit before reading it', async () => {
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ taskDefs { pageInfo { hasNextPage } } }', variables: { padding: 'x'.repeat(5_000) } }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ errors: [{ message: 'The request body is over 3000 bytes.', extensions: { code: 'BODY_LIMIT', limit: 3_000 } }] });
    expect(await refusal('{ taskDefs(first: 1) { pageInfo { hasNextPage } } }')).toMatchObject({ code: undefined });
  });

  it('refuses a subscription over the limit of one connection, and keeps the others', async () => {
    const client = new GallopClient({ url: server.graphqlUrl, webSocketImpl: WebSocket });
    // A subscription that delivers (other tests' WfRuns, on a shared database) or stays quiet is live.
    const outcome = () =>
      new Promise<string>((resolve) => {
        client.subscribe('subscription { wfRunsChanged { id } }', {}, { next: () => resolve('open'), error: (e) => resolve(isGallopClientError(e) ? e.code : String(e)), complete: () => resolve('complete') });
        setTimeout(() => resolve('open'), 800);
      });
    expect(await Promise.all([outcome(), outcome(), outcome()])).toEqual(['open', 'open', 'SUBSCRIPTION_LIMIT']);
    await client.close();
  });
});
