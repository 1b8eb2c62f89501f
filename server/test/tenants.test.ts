import { GallopClient, isGallopClientError, TaskWorker, Workflow } from '@gallop/sdk';
import type { WfRunSummary } from '@gallop/sdk';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, unique } from './harness.ts';

// Issue 8: every object belongs to a tenant, and nothing — a query, a search, a subscription, a claim, a timer, a
// child WfRun — crosses from one to another. Two tenants here hold WfSpecs, TaskDefs and defs of the same names.
const server = await startTestServer(inject('databaseUrl'));
afterAll(() => server.close());

const tenantA = unique('acme');
const tenantB = unique('globex');
const clientOf = (tenant: string | undefined) => new GallopClient({ url: server.graphqlUrl, webSocketImpl: WebSocket, tenant });
const a = clientOf(tenantA);
const b = clientOf(tenantB);
afterAll(() => Promise.all([a.close(), b.close()]));

/** The GraphQL error code a request failed with. */
async function codeOf(request: Promise<unknown>): Promise<string | undefined> {
  const error = await request.then(
    () => undefined,
    (e: unknown) => e,
  );
  return isGallopClientError(error) ? error.code : undefined;
}

describe('tenants', () => {
  it('are put, read and listed; default exists from the start; a bad id is refused with where', async () => {
    expect((await server.client.request<{ tenant: { id: string } | null }>('{ tenant(id: "default") { id } }')).tenant).toEqual({ id: 'default' });
    const put = `mutation($id: String!) { putTenant(input: { id: $id }) { __typename ... on Tenant { id } ... on ValidationError { message problems { path code } } } }`;
    type Put = { putTenant: { __typename: string; id?: string; problems?: { path: string[]; code: string }[] } };
    for (const id of [tenantA, tenantB, tenantA]) expect((await server.client.request<Put>(put, { id })).putTenant).toEqual({ __typename: 'Tenant', id });
    const bad = await server.client.request<Put>(put, { id: 'no spaces here' });
    expect(bad.putTenant.__typename).toBe('ValidationError');
    expect(bad.putTenant.problems).toEqual([{ path: ['input', 'id'], code: 'INVALID_NAME' }]);
    const listed = await server.client.request<{ tenants: { edges: { node: { id: string } }[] } }>('{ tenants(first: 500) { edges { node { id } } } }');
    expect(listed.tenants.edges.map((e) => e.node.id)).toEqual(expect.arrayContaining(['default', tenantA, tenantB]));
  });

  it('refuses a request in a tenant that does not exist, or a tenant id that cannot be one, by a typed error', async () => {
    const ghost = clientOf(unique('ghost'));
    expect(await codeOf(ghost.taskDefs())).toBe('TENANT_NOT_FOUND');
    const malformed = new GallopClient({ url: server.graphqlUrl, headers: { 'gallop-tenant': 'a b/../c' } });
    expect(await codeOf(malformed.taskDefs())).toBe('INVALID_TENANT');
    await ghost.close();
    // The server keeps serving.
    expect(await server.client.taskDef('anything-at-all')).toBeNull();
  });
});

describe('two tenants with the same names', () => {
  const workers: TaskWorker[] = [];
  const runs = {} as { a: WfRunSummary; b: WfRunSummary };

  beforeAll(async () => {
    for (const [tenant, client] of [[tenantA, a], [tenantB, b]] as const) {
      await client.putTaskDef({ name: 'work', inputVars: [{ name: 'who', type: 'STR' }], returnType: 'STR' });
      await client.putExternalEventDef({ name: 'go' });
      await client.putUserTaskDef({ name: 'form', fields: [{ name: 'ok', type: 'BOOL' }] });
      // Each tenant's child says which tenant ran it.
      await new Workflow('child', (wf) => wf.complete(tenant)).register(client);
      await new Workflow('flow', (wf) => {
        const who = wf.declareStr('who').searchable();
        const fromChild = wf.declareStr('fromChild');
        wf.execute('work', who);
        wf.sleepSeconds(1);
        wf.waitForEvent('go');
        fromChild.assign(wf.waitForChildWf(wf.runWf('child')));
        wf.assignUserTask('form', { userGroup: 'ops' });
      }).register(client);
    }
  }, 60_000);

  afterAll(() => Promise.all(workers.map((w) => w.stop())));

  it('keeps every WfRun, search, subscription and claim to its own tenant', async () => {
    // Subscribed before anything runs: each sees only its tenant's WfRuns.
    const changedA: string[] = [];
    const changedB: string[] = [];
    const stopA = a.wfRunsChanged('flow', { next: (run) => changedA.push(run.id) });
    const stopB = b.wfRunsChanged('flow', { next: (run) => changedB.push(run.id) });
    await new Promise((resolve) => setTimeout(resolve, 300));

    runs.a = await a.runWf({ wfSpecName: 'flow', variables: { who: 'ada' }, id: `same-${tenantA}` });
    runs.b = await b.runWf({ wfSpecName: 'flow', variables: { who: 'bob' } });

    // Claims: a worker of tenant A gets only A's TaskRun, though both are TaskRuns of `work`.
    const [claimedA] = await a.claimTaskRuns({ taskDefName: 'work', workerId: 'wa', waitMs: 5_000 });
    expect(claimedA?.wfRunId).toBe(runs.a.id);
    expect(await a.claimTaskRuns({ taskDefName: 'work', workerId: 'wa', waitMs: 300 })).toEqual([]);
    await a.reportTaskRun({ taskRunId: claimedA!.taskRunId, attempt: claimedA!.attempt, outcome: { status: 'SUCCESS', output: 'a-done' } });
    const worker = new TaskWorker({ client: b, taskDefName: 'work', pollWaitMs: 1_000, fn: (input) => `b-${String(input.who)}` });
    workers.push(worker);
    void worker.start();

    // Queries: neither tenant sees the other's WfRun, by id or by search.
    expect(await b.wfRun(runs.a.id)).toBeNull();
    expect(await a.wfRun(runs.b.id)).toBeNull();
    expect((await a.searchWfRuns({ wfSpecName: 'flow' })).items.map((r) => r.id)).toEqual([runs.a.id]);
    expect((await b.searchWfRuns({ wfSpecName: 'flow', variable: { name: 'who', value: 'ada' } })).items).toEqual([]);
    expect((await a.searchTaskRuns({ taskDefName: 'work' })).items.map((t) => t.wfRunId)).toEqual([runs.a.id]);

    // An event sent through tenant B to A's WfRun id never reaches A's WfRun.
    await vi.waitFor(async () => expect((await a.wfRun(runs.a.id))?.nodeRuns.some((n) => n.nodeType === 'EXTERNAL_EVENT')).toBe(true), { timeout: 20_000, interval: 50 });
    await b.putExternalEvent({ wfRunId: runs.a.id, externalEventDefName: 'go', content: 'from b' }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await a.wfRun(runs.a.id))?.nodeRuns.find((n) => n.nodeType === 'EXTERNAL_EVENT')?.status).toBe('RUNNING');
    expect((await a.searchExternalEvents({ externalEventDefName: 'go' })).items).toEqual([]);

    // The sleep's timer fired in each tenant; each event goes to its own tenant's WfRun; each child ran its own WfSpec.
    await vi.waitFor(async () => expect((await b.wfRun(runs.b.id))?.nodeRuns.some((n) => n.nodeType === 'EXTERNAL_EVENT')).toBe(true), { timeout: 20_000, interval: 50 });
    await a.putExternalEvent({ wfRunId: runs.a.id, externalEventDefName: 'go' });
    await b.putExternalEvent({ wfRunId: runs.b.id, externalEventDefName: 'go' });
    for (const [client, run, tenant] of [[a, runs.a, tenantA], [b, runs.b, tenantB]] as const) {
      await vi.waitFor(async () => expect((await client.searchUserTaskRuns({ userGroup: 'ops', userTaskDefName: 'form' })).items).toHaveLength(1), { timeout: 20_000, interval: 50 });
      const info = await client.wfRun(run.id);
      expect(info?.variables.find((v) => v.name === 'fromChild')?.value).toBe(tenant);
      const [task] = (await client.searchUserTaskRuns({ userGroup: 'ops' })).items;
      expect(task?.wfRunId).toBe(run.id);
    }

    // Subscriptions: each tenant heard of its own WfRun only; a WfRun's events are not another tenant's to follow.
    expect(new Set(changedA)).toEqual(new Set([runs.a.id]));
    expect(new Set(changedB)).toEqual(new Set([runs.b.id]));
    stopA();
    stopB();
    const foreign: unknown[] = [];
    let refusal: unknown;
    const ended = new Promise<void>((resolve) => {
      b.subscribe<{ wfRunEvents: unknown }>('subscription($id: ID!) { wfRunEvents(id: $id) { seq } }', { id: runs.a.id }, {
        next: (data) => foreign.push(data),
        error: (error) => {
          refusal = error;
          resolve();
        },
        complete: () => resolve(),
      });
      setTimeout(resolve, 1_500);
    });
    await ended;
    expect(foreign).toEqual([]);
    // As if it did not exist: another tenant's WfRun is not found, not forbidden.
    expect(refusal).toMatchObject({ code: 'NotFoundError' });
  });
});
