import { GallopClient } from '@gallop/sdk';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { isolatedStore, startTestServer, unique } from './harness.ts';

// Issue 8: no API key, bootstrap key or key secret appears in what the server writes: its log (at debug, the most
// it says), its answers' errors, its metrics, or its database.
const BOOTSTRAP = `bootstrap-${'s3cr3t'.repeat(8)}`;
const store = await isolatedStore(inject('databaseUrl'));
const server = await startTestServer(store.databaseUrl, { dataDir: store.dataDir, logLevel: 'debug', auth: { required: true, bootstrapApiKey: BOOTSTRAP } });
afterAll(async () => {
  await server.close();
  await store.drop();
});

describe('secrets', () => {
  it('never appear in logs, errors, metrics or stored rows', async () => {
    const admin = new GallopClient({ url: server.graphqlUrl, webSocketImpl: WebSocket, apiKey: BOOTSTRAP });
    const id = unique('holder');
    await admin.request('mutation($input: PutPrincipalInput!) { putPrincipal(input: $input) { __typename } }', {
      input: { id, globalAcls: [{ resources: ['ALL_RESOURCES'], actions: ['READ'] }] },
    });
    const made = await admin.request<{ createApiKey: { token: string; key: { id: string } } }>(
      'mutation($p: String!) { createApiKey(input: { principalId: $p }) { ... on NewApiKey { token key { id } } } }',
      { p: id },
    );
    const { token } = made.createApiKey;
    const secret = token.slice(17);
    const holder = new GallopClient({ url: server.graphqlUrl, webSocketImpl: WebSocket, apiKey: token });
    const answers: string[] = [];
    const keep = (p: Promise<unknown>) => p.then((v) => answers.push(JSON.stringify(v)), (e: unknown) => answers.push(String(e), JSON.stringify(e)));

    // Used well, used where it may not act, over a WebSocket, revoked, and mangled.
    await keep(holder.taskDefs());
    await keep(holder.putTaskDef({ name: unique('nope') }));
    await keep(
      new Promise<void>((resolve) => {
        const stop = holder.subscribe('subscription { wfRunsChanged { id } }', {}, { next: () => resolve(), error: () => resolve() });
        setTimeout(() => {
          stop();
          resolve();
        }, 500);
      }),
    );
    await admin.request('mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }', { id: made.createApiKey.key.id });
    await keep(holder.taskDefs());
    await keep(new GallopClient({ url: server.graphqlUrl, apiKey: `${token}x` }).taskDefs());
    await keep(new GallopClient({ url: server.graphqlUrl, apiKey: BOOTSTRAP.slice(0, -1) }).taskDefs());
    await keep(fetch(`${server.url}/metrics`).then((r) => r.text()));
    await Promise.all([admin.close(), holder.close()]);

    // Every text the server stores about principals, keys and the audit.
    const rows = await server.app.services.db.execute(
      sql.raw(`select (select json_agg(p) from principals p)::text || (select json_agg(k) from api_keys k)::text || coalesce((select json_agg(a) from audit_log a)::text, '') as stored`),
    );
    const written = [JSON.stringify(server.logs), answers.join('\n'), JSON.stringify(rows)].join('\n');
    expect(server.logs.length).toBeGreaterThan(5);
    for (const needle of [token, secret, BOOTSTRAP, BOOTSTRAP.slice(0, 20), secret.slice(0, 20)]) expect(written.includes(needle), needle).toBe(false);
  });
});
