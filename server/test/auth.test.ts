import { GallopClient, isGallopClientError, Workflow } from '@gallop/sdk';
import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { getNamedType, isLeafType, printSchema } from 'graphql';
import { afterAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { ACL_ACTIONS } from '../src/auth/acl.ts';
import { OPERATION_GRANTS } from '../src/auth/authorize.ts';
import { schema } from '../src/graphql/schema.ts';
import { auditLog } from '../src/store/schema.ts';
import { isolatedStore, startTestServer, unique } from './harness.ts';

// Issue 8: authentication by API key, and every operation guarded by the grant LittleHorse's ACLs would ask for.
// A server of its own, on data of its own: the counts below must see only what this file does.
const BOOTSTRAP = 'bootstrap-key-for-the-auth-test-0123456789';
const store = await isolatedStore(inject('databaseUrl'));
const server = await startTestServer(store.databaseUrl, { dataDir: store.dataDir, auth: { required: true, bootstrapApiKey: BOOTSTRAP, subscriptionRecheckMs: 200 } });
afterAll(async () => {
  await server.close();
  await store.drop();
});

const clients: GallopClient[] = [];
function clientWith(key: string | undefined, tenant?: string): GallopClient {
  const client = new GallopClient({ url: server.graphqlUrl, webSocketImpl: WebSocket, tenant, apiKey: key ?? '' });
  clients.push(client);
  return client;
}
afterAll(() => Promise.all(clients.map((c) => c.close())));
const admin = clientWith(BOOTSTRAP);

/** The error code a request fails with, or 'OK'. */
async function outcome(request: Promise<unknown>): Promise<string> {
  try {
    await request;
    return 'OK';
  } catch (error) {
    return isGallopClientError(error) ? error.code : String(error);
  }
}

async function principalWithKey(id: string, acls: { globalAcls?: unknown[]; perTenantAcls?: unknown[] }, keyInput: Record<string, unknown> = {}): Promise<string> {
  await admin.request(
    `mutation($input: PutPrincipalInput!) { putPrincipal(input: $input) { __typename } }`,
    { input: { id, globalAcls: acls.globalAcls ?? [], perTenantAcls: acls.perTenantAcls ?? [] } },
  );
  const made = await admin.request<{ createApiKey: { token?: string; message?: string } }>(
    `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { ... on NewApiKey { token } ... on Error { message } } }`,
    { input: { principalId: id, ...keyInput } },
  );
  if (!made.createApiKey.token) throw new Error(`No key: ${made.createApiKey.message}`);
  return made.createApiKey.token;
}

/** Row counts of every table a mutation could change. */
async function counts(): Promise<Record<string, number>> {
  const tables = ['tenants', 'principals', 'api_keys', 'task_defs', 'wf_specs', 'wf_runs', 'wf_run_events', 'external_event_defs', 'external_events', 'user_task_defs', 'workflow_event_defs', 'scheduled_wf_runs'];
  const result: Record<string, number> = {};
  for (const table of tables) {
    const rows = await server.app.services.db.execute<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`));
    result[table] = Number((rows as unknown as { n: number }[])[0]?.n ?? (rows as unknown as { rows: { n: number }[] }).rows?.[0]?.n);
  }
  return result;
}

/** A document for each root field: the least that reaches its resolver. */
function documentFor(field: string, kind: 'Query' | 'Mutation' | 'Subscription'): string {
  const type = kind === 'Query' ? schema.getQueryType() : kind === 'Mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  const def = type!.getFields()[field]!;
  const args = def.args.filter((a) => a.type.toString().endsWith('!'));
  const params = args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const call = args.length ? `(${args.map((a) => `${a.name}: $${a.name}`).join(', ')})` : '';
  const op = kind === 'Query' ? 'query' : kind === 'Mutation' ? 'mutation' : 'subscription';
  // A field of a scalar (a count) takes no selection.
  return `${op}${params ? `(${params})` : ''} { ${field}${call}${isLeafType(getNamedType(def.type)) ? '' : ' { __typename }'} }`;
}

describe('authentication', () => {
  it('says UNAUTHENTICATED without a key, with a wrong, revoked or expired one, and never crashes on a malformed header', async () => {
    expect(await outcome(clientWith(undefined).taskDefs())).toBe('UNAUTHENTICATED');
    expect(await outcome(clientWith('glp_AAAAAAAAAAAA_' + 'B'.repeat(43)).taskDefs())).toBe('UNAUTHENTICATED');
    const key = await principalWithKey(unique('reader'), { globalAcls: [{ resources: ['TASK_DEF'], actions: ['READ'] }] });
    expect(await outcome(clientWith(key).taskDefs())).toBe('OK');
    const id = key.slice(4, 16);
    await admin.request('mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }', { id });
    expect(await outcome(clientWith(key).taskDefs())).toBe('UNAUTHENTICATED');

    const soon = await principalWithKey(unique('brief'), { globalAcls: [{ resources: ['ALL_RESOURCES'], actions: ['READ'] }] }, { expiresAt: new Date(Date.now() + 1_500).toISOString() });
    expect(await outcome(clientWith(soon).taskDefs())).toBe('OK');
    await new Promise((resolve) => setTimeout(resolve, 1_700));
    expect(await outcome(clientWith(soon).taskDefs())).toBe('UNAUTHENTICATED');

    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (header) => {
        const response = await fetch(server.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: header.replace(/[\r\n\0]/g, '') },
          body: JSON.stringify({ query: '{ taskDefs { edges { cursor } } }' }),
        });
        const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
        const code = body.errors?.[0]?.extensions?.code;
        // An empty header is no credentials; anything else is a key that does not work.
        expect(code).toBe('UNAUTHENTICATED');
      }),
      { numRuns: 60 },
    );
    expect(await outcome(admin.taskDefs())).toBe('OK');
  });

  it('answers whoami with the principal the key names, and its grants', async () => {
    const id = unique('me');
    const key = await principalWithKey(id, { globalAcls: [{ resources: ['WF_RUN'], actions: ['READ', 'RUN'] }] });
    const me = await clientWith(key).request<{ whoami: { id: string; globalAcls: { resources: string[]; actions: string[] }[] } }>('{ whoami { id globalAcls { resources actions } } }');
    expect(me.whoami).toEqual({ id, globalAcls: [{ resources: ['WF_RUN'], actions: ['READ', 'RUN'] }] });
    expect((await admin.request<{ whoami: { id: string } }>('{ whoami { id } }')).whoami.id).toBe('admin');
  });

  it('tells a principal which operations it may call in the tenant, and what the others need', async () => {
    const tenant = unique('ops');
    await admin.request('mutation($id: String!) { putTenant(input: { id: $id }) { __typename } }', { id: tenant });
    const key = await principalWithKey(unique('reader'), { perTenantAcls: [{ tenant, acls: [{ resources: ['WF_RUN'], actions: ['READ'] }] }] });
    type Operation = { field: string; allowed: boolean; action: string | null; resource: string | null };
    const operationsIn = async (t: string) =>
      Object.fromEntries(
        (await clientWith(key, t).request<{ whoami: { operations: Operation[] } }>('{ whoami { operations { field allowed action resource } } }')).whoami.operations.map((o) => [o.field, o]),
      );
    const there = await operationsIn(tenant);
    expect(there.wfRun).toEqual({ field: 'wfRun', allowed: true, action: 'READ', resource: 'WF_RUN' });
    expect(there.stopWfRun).toEqual({ field: 'stopWfRun', allowed: false, action: 'RUN', resource: 'WF_RUN' });
    expect(there.whoami).toEqual({ field: 'whoami', allowed: true, action: null, resource: null });
    expect(Object.keys(there).sort()).toEqual(Object.keys(OPERATION_GRANTS).filter((f) => !f.startsWith('__')).sort());
    // Elsewhere its grant does not hold.
    expect((await operationsIn('default')).wfRun?.allowed).toBe(false);
  });
});

describe('the audit log', () => {
  it('records every mutation with its principal, tenant, operation and outcome, and no argument', async () => {
    const id = unique('writer');
    const writer = clientWith(await principalWithKey(id, { globalAcls: [{ resources: ['TASK_DEF'], actions: ['WRITE_METADATA'] }] }));
    const secret = `not-for-the-log-${Date.now()}`;
    expect(await outcome(writer.putTaskDef({ name: unique('audited'), description: secret }))).toBe('OK');
    expect(await outcome(writer.putTaskDef({ name: 'not a name' }))).toBe('ValidationError');
    expect(await outcome(writer.runWf({ wfSpecName: 'anything' }))).toBe('FORBIDDEN');
    const log = await admin.request<{ auditLog: { edges: { node: { principalId: string; tenant: string; operation: string; outcome: string } }[] } }>(
      'query($id: String) { auditLog(principalId: $id, first: 10) { edges { node { principalId tenant operation outcome } } } }',
      { id },
    );
    expect(log.auditLog.edges.map((e) => e.node)).toEqual([
      { principalId: id, tenant: 'default', operation: 'runWf', outcome: 'FORBIDDEN' },
      { principalId: id, tenant: 'default', operation: 'putTaskDef', outcome: 'ValidationError' },
      { principalId: id, tenant: 'default', operation: 'putTaskDef', outcome: 'OK' },
    ]);
    const rows = await server.app.services.db.execute(sql.raw(`select * from audit_log`));
    expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it('deletes entries past the retention (90 days by default) and keeps the rest', async () => {
    const id = unique('old-timer');
    const day = 86_400_000;
    const ages = [3, 89, 91, 400];
    for (const age of ages) {
      await server.app.services.db.insert(auditLog).values({ at: new Date(Date.now() - age * day), tenantId: 'default', principalId: id, operation: 'putTaskDef', outcome: 'OK' });
    }
    expect(await server.app.services.audit.prune()).toBeGreaterThanOrEqual(2);
    const left = await server.app.services.db.select({ at: auditLog.at }).from(auditLog).where(eq(auditLog.principalId, id));
    expect(left.map((row) => Math.round((Date.now() - row.at.getTime()) / day)).sort((a, b) => a - b)).toEqual([3, 89]);
  });

  it("counts a worker's claims and reports that succeed instead of recording each, and records each refused one", async () => {
    const id = unique('worker');
    const taskDefName = unique('counted');
    await admin.putTaskDef({ name: taskDefName });
    const worker = clientWith(await principalWithKey(id, { globalAcls: [{ resources: ['TASK_RUN'], actions: ['RUN'] }] }));
    const claim = () => worker.claimTaskRuns({ taskDefName, workerId: 'w1', max: 1, waitMs: 0 });
    for (let i = 0; i < 5; i++) expect(await outcome(claim())).toBe('OK');
    expect(await outcome(worker.reportTaskRuns([]))).toBe('OK');
    expect(await outcome(worker.putTaskDef({ name: unique('not-allowed') }))).toBe('FORBIDDEN');
    type Entry = { operation: string; outcome: string; count: number };
    const entries = async () =>
      (await admin.request<{ auditLog: { edges: { node: Entry }[] } }>('query($id: String) { auditLog(principalId: $id, first: 10) { edges { node { operation outcome count } } } }', { id })).auditLog.edges.map((e) => e.node);
    // Reading the log writes what was counting, as it stands.
    expect(await entries()).toEqual(
      expect.arrayContaining([
        { operation: 'claimTaskRuns', outcome: 'OK', count: 5 },
        { operation: 'reportTaskRuns', outcome: 'OK', count: 1 },
        { operation: 'putTaskDef', outcome: 'FORBIDDEN', count: 1 },
      ]),
    );
    expect(await entries()).toHaveLength(3);
    // Counting starts again after: two more claims are a new entry of two.
    for (let i = 0; i < 2; i++) await claim();
    expect((await entries()).filter((e) => e.operation === 'claimTaskRuns').map((e) => e.count)).toEqual([2, 5]);
    // Newest first holds for counted entries too: each is stamped with its last call, and listed by it.
    const times = (await admin.request<{ auditLog: { edges: { node: { at: string } }[] } }>('query($id: String) { auditLog(principalId: $id, first: 10) { edges { node { at } } } }', { id })).auditLog.edges.map((e) => Date.parse(e.node.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // Pages follow the same order.
    type Paged = { auditLog: { edges: { node: { id: string } }[]; pageInfo: { endCursor: string | null } } };
    const page = (after?: string) => admin.request<Paged>('query($id: String, $after: String) { auditLog(principalId: $id, first: 2, after: $after) { edges { node { id } } pageInfo { endCursor } } }', { id, after });
    const first = await page();
    const second = await page(first.auditLog.pageInfo.endCursor ?? undefined);
    const all = (await admin.request<Paged>('query($id: String) { auditLog(principalId: $id, first: 10) { edges { node { id } } pageInfo { endCursor } } }', { id })).auditLog.edges.map((e) => e.node.id);
    expect([...first.auditLog.edges, ...second.auditLog.edges].map((e) => e.node.id)).toEqual(all.slice(0, 4));
  });
});

describe('authorization', () => {
  it('names a grant for every root field of the API', () => {
    const fields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) => Object.keys(t!.getFields()));
    expect(fields.filter((f) => !(f in OPERATION_GRANTS))).toEqual([]);
    expect(printSchema(schema)).toContain('whoami');
  });

  it('refuses every operation FORBIDDEN to a principal without its grant, changing nothing, and lets it through with the grant', async () => {
    const tenant = unique('matrix');
    await admin.request('mutation($id: String!) { putTenant(input: { id: $id }) { __typename } }', { id: tenant });
    /** A grant of `actions` on `resource`: in the tenant, or global for the cluster's own resources. */
    const grantOf = (resource: string, actions: string[]) =>
      resource === 'PRINCIPAL' || resource === 'TENANT' || resource === 'AUDIT_LOG' ? { globalAcls: [{ resources: [resource], actions }] } : { perTenantAcls: [{ tenant, acls: [{ resources: [resource], actions }] }] };

    // Every principal first, so the counts below see only what the calls do. A grant of everything in another
    // tenant does not count here; nor does another action on the right resource.
    const nobody = clientWith(
      await principalWithKey(unique('nobody'), { perTenantAcls: [{ tenant: 'default', acls: [{ resources: ['ALL_RESOURCES'], actions: ['ALL_ACTIONS'] }] }] }),
      tenant,
    );
    const cases = [];
    for (const [kind, type] of [['Query', schema.getQueryType()], ['Mutation', schema.getMutationType()]] as const) {
      for (const [field, def] of Object.entries(type!.getFields())) {
        const grant = OPERATION_GRANTS[field];
        if (grant === undefined || grant === 'AUTHENTICATED' || grant === 'PUBLIC') continue;
        const [action, resource] = grant;
        const other = ACL_ACTIONS.find((a) => a !== action && a !== 'ALL_ACTIONS')!;
        cases.push({
          field,
          document: documentFor(field, kind),
          variables: Object.fromEntries(def.args.filter((a) => a.type.toString().endsWith('!')).map((a) => [a.name, sampleOf(a.type.toString())])),
          allowed: clientWith(await principalWithKey(unique('may'), grantOf(resource, [action])), tenant),
          almost: clientWith(await principalWithKey(unique('almost'), grantOf(resource, [other])), tenant),
        });
      }
    }
    expect(cases.length).toBeGreaterThan(50);

    const before = await counts();
    for (const { field, document, variables, almost } of cases) {
      expect(await outcome(nobody.request(document, variables)), field).toBe('FORBIDDEN');
      expect(await outcome(almost.request(document, variables)), field).toBe('FORBIDDEN');
    }
    expect(await counts()).toEqual(before);

    for (const { field, document, variables, allowed } of cases) {
      const result = await outcome(allowed.request(document, variables));
      expect(['FORBIDDEN', 'UNAUTHENTICATED'], `${field}: ${result}`).not.toContain(result);
    }
  }, 120_000);

  it('refuses a subscription FORBIDDEN before it starts', async () => {
    const key = await principalWithKey(unique('no-runs'), { globalAcls: [{ resources: ['TASK_DEF'], actions: ['READ'] }] });
    const client = clientWith(key);
    const code = await new Promise<string>((resolve) => {
      client.subscribe('subscription { wfRunsChanged { id } }', {}, { next: () => resolve('DATA'), error: (e) => resolve(isGallopClientError(e) ? e.code : String(e)), complete: () => resolve('COMPLETE') });
    });
    expect(code).toBe('FORBIDDEN');
  });

  it('ends a running subscription once its key is revoked or its principal loses the grant, and no other', async () => {
    const wfSpecName = unique('watched');
    await admin.putWfSpec(new Workflow(wfSpecName, (wf) => void wf.declareStr('x')).compile());
    const reader = { globalAcls: [{ resources: ['WF_RUN'], actions: ['READ'] }] };
    const revokedKey = await principalWithKey(unique('revoked'), reader);
    const demotedId = unique('demoted');
    const demotedKey = await principalWithKey(demotedId, reader);
    const keptKey = await principalWithKey(unique('kept'), reader);
    /** A wfRunsChanged subscription: the ids it delivered, and how it ended (an error's code, or COMPLETE). */
    const watch = (key: string) => {
      const seen: string[] = [];
      let ended: (how: string) => void = () => {};
      const end = new Promise<string>((resolve) => (ended = resolve));
      const stop = clientWith(key).subscribe<{ wfRunsChanged: { id: string } }>('subscription { wfRunsChanged { id } }', {}, {
        next: (data) => seen.push(data.wfRunsChanged.id),
        error: (e) => ended(isGallopClientError(e) ? e.code : String(e)),
        complete: () => ended('COMPLETE'),
      });
      return { seen, end, stop };
    };
    const revoked = watch(revokedKey);
    const demoted = watch(demotedKey);
    const kept = watch(keptKey);
    // Subscriptions start on their own time: WfRuns go on starting until each has delivered one.
    await expect
      .poll(async () => {
        await admin.runWf({ wfSpecName, id: unique('before') });
        return [revoked, demoted, kept].every((w) => w.seen.length > 0);
      }, { interval: 200 })
      .toBe(true);

    await admin.request('mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }', { id: revokedKey.slice(4, 16) });
    await admin.request('mutation($input: PutPrincipalInput!) { putPrincipal(input: $input) { __typename } }', { input: { id: demotedId, globalAcls: [], perTenantAcls: [] } });
    expect(await revoked.end).toBe('UNAUTHENTICATED');
    expect(await demoted.end).toBe('FORBIDDEN');
    const after = unique('after');
    await admin.runWf({ wfSpecName, id: after });
    await expect.poll(() => kept.seen.includes(after)).toBe(true);
    expect([revoked.seen.includes(after), demoted.seen.includes(after)]).toEqual([false, false]);
    expect(server.logs.some((l) => l.msg.startsWith('Ended a running subscription') && l.code === 'FORBIDDEN')).toBe(true);
    kept.stop();
  });
});

/** A value of a GraphQL input type that parses; what it names need not exist. */
function sampleOf(type: string): unknown {
  const named = type.replace(/[![\]]/g, '');
  if (type.startsWith('[')) return [];
  switch (named) {
    case 'ID':
    case 'String':
      return 'x';
    case 'Int':
      return 0;
    case 'Boolean':
      return false;
    case 'JSON':
      return null;
    default:
      return inputSample(named);
  }
}

function inputSample(name: string): unknown {
  const type = schema.getType(name);
  if (!type || !('getFields' in type)) {
    const values = type && 'getValues' in type ? (type as unknown as { getValues(): readonly { name: string }[] }).getValues() : [];
    return values[0]?.name ?? null;
  }
  const fields = (type as { getFields(): Record<string, { type: { toString(): string } }> }).getFields();
  return Object.fromEntries(Object.entries(fields).filter(([, f]) => f.type.toString().endsWith('!')).map(([n, f]) => [n, sampleOf(f.type.toString())]));
}
