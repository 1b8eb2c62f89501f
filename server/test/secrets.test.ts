import { MASKED_VALUE } from '@gallop/engine';
import type { WfRunEvent } from '@gallop/engine';
import { GallopClient, Workflow } from '@gallop/sdk';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
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

describe('masked values', () => {
  const MASKED_INPUT = [
    { name: 'card', value: MASKED_VALUE, masked: true },
    { name: 'pin', value: MASKED_VALUE, masked: true },
    { name: 'note', value: 'plain' },
  ];

  it('reach the worker that claims them, and never leave the server otherwise', async () => {
    const admin = new GallopClient({ url: server.graphqlUrl, webSocketImpl: WebSocket, apiKey: BOOTSTRAP });
    const card = `card-${'9'.repeat(12)}`;
    const pin = 918_273_645;
    const task = unique('charge');
    const wfSpecName = unique('masked');
    await admin.putTaskDef({ name: task, inputVars: [{ name: 'card', type: 'STR' }, { name: 'pin', type: 'INT', masked: true }, { name: 'note', type: 'STR' }] });
    await admin.putWfSpec(
      new Workflow(wfSpecName, (wf) => {
        const cardVar = wf.declareStr('card').masked().required();
        const pinVar = wf.declareInt('pin');
        const copy = wf.declareStr('copy').masked();
        wf.execute(task, cardVar, pinVar, 'plain');
        copy.assign(cardVar);
      }).compile(),
    );
    const answers: string[] = [];
    const keep = <T>(p: Promise<T>) => p.then((v) => (answers.push(JSON.stringify(v)), v), (e: unknown) => (answers.push(String(e), JSON.stringify(e)), undefined));

    // The WfRun runs with a secret in a masked variable and in a masked task input, followed from its first event.
    const id = unique('run');
    const live: unknown[] = [];
    await keep(admin.runWf({ wfSpecName, id, variables: { card, pin } }));
    const stop = admin.subscribe('subscription($id: ID!) { wfRunEvents(id: $id) { event } }', { id }, { next: (e) => void live.push(e) });
    await keep(admin.runWf({ wfSpecName, variables: { card: pin } })); // the wrong type: the error must not echo it
    await keep(admin.scheduleWf({ wfSpecName, cronExpression: '0 0 1 1 *', variables: { card, pin } }));

    const [claimed] = await admin.claimTaskRuns({ taskDefName: task, workerId: 'w', waitMs: 5_000 });
    expect(claimed?.input).toEqual({ card, pin, note: 'plain' });
    await admin.reportTaskRun({ taskRunId: claimed!.taskRunId, attempt: claimed!.attempt, outcome: { status: 'SUCCESS', output: null } });

    const read = await keep(
      admin.request<{ wfRun: { status: string; variables: { name: string; value: unknown }[]; taskRuns: { input: Record<string, unknown> }[]; events: { event: WfRunEvent }[] } }>(
        `query($id: ID!) { wfRun(id: $id) { status variables { name value } events { event } taskRuns { input } nodeRuns { taskRun { input } } } }`,
        { id },
      ),
    );
    await keep(admin.scheduledWfRuns({ wfSpecName }));
    await vi.waitFor(() => expect(live.length).toBeGreaterThan(8));
    stop();
    answers.push(JSON.stringify(live));
    await admin.close();

    expect(read?.wfRun.status).toBe('COMPLETED');
    expect(Object.fromEntries(read!.wfRun.variables.map((v) => [v.name, v.value]))).toEqual({ card: MASKED_VALUE, pin, copy: MASKED_VALUE });
    expect(read?.wfRun.taskRuns[0]?.input).toEqual({ card: MASKED_VALUE, pin: MASKED_VALUE, note: 'plain' });
    const written = [JSON.stringify(server.logs), answers.join('\n')].join('\n');
    expect(written).toContain('plain');
    expect(written).toContain(MASKED_VALUE);
    expect(written.includes(card), 'the masked variable').toBe(false);
    // pin is a plain variable but a masked input of the TaskDef: hidden where it is an input, live and read alike.
    const scheduled = [...live.map((l) => (l as { wfRunEvents: { event: WfRunEvent } }).wfRunEvents.event), ...read!.wfRun.events.map((e) => e.event)].filter(
      (e): e is Extract<WfRunEvent, { type: 'TaskRunScheduled' }> => e.type === 'TaskRunScheduled',
    );
    expect(scheduled.map((e) => e.input)).toEqual([MASKED_INPUT, MASKED_INPUT]);
  });

  it("hide what a TaskDef with a masked output returns, which the WfRun and the next worker still get whole", async () => {
    const admin = new GallopClient({ url: server.graphqlUrl, webSocketImpl: WebSocket, apiKey: BOOTSTRAP });
    const token = `tok-${'7'.repeat(16)}`;
    const fetchToken = unique('fetch-token');
    const useToken = unique('use-token');
    const wfSpecName = unique('masked-output');
    expect((await admin.putTaskDef({ name: fetchToken, returnType: 'STR', maskedOutput: true })).maskedOutput).toBe(true);
    expect((await admin.putTaskDef({ name: useToken, inputVars: [{ name: 'token', type: 'STR' }], returnType: 'INT' })).maskedOutput).toBe(false);
    await admin.putWfSpec(
      new Workflow(wfSpecName, (wf) => {
        const kept = wf.declareStr('kept').masked();
        kept.assign(wf.execute(fetchToken));
        wf.execute(useToken, kept);
      }).compile(),
    );
    const answers: string[] = [];
    const id = unique('run');
    const live: WfRunEvent[] = [];
    await admin.runWf({ wfSpecName, id });
    const stop = admin.subscribe<{ wfRunEvents: { event: WfRunEvent } }>('subscription($id: ID!) { wfRunEvents(id: $id) { event } }', { id }, { next: (e) => void live.push(e.wfRunEvents.event) });

    const [first] = await admin.claimTaskRuns({ taskDefName: fetchToken, workerId: 'w', waitMs: 5_000 });
    await admin.reportTaskRun({ taskRunId: first!.taskRunId, attempt: first!.attempt, outcome: { status: 'SUCCESS', output: token } });
    const [second] = await admin.claimTaskRuns({ taskDefName: useToken, workerId: 'w', waitMs: 5_000 });
    expect(second?.input).toEqual({ token });
    await admin.reportTaskRun({ taskRunId: second!.taskRunId, attempt: second!.attempt, outcome: { status: 'SUCCESS', output: 1 } });

    const read = await admin.request<{
      wfRun: { status: string; variables: { name: string; value: unknown }[]; events: { event: WfRunEvent }[]; taskRuns: { taskDefName: string; attempts: { output: unknown }[] }[] };
    }>(`query($id: ID!) { wfRun(id: $id) { status variables { name value } events { event } taskRuns { taskDefName attempts { output } } } }`, { id });
    answers.push(JSON.stringify(read), JSON.stringify(await admin.taskRun(first!.taskRunId)));
    await vi.waitFor(() => expect(live.some((e) => e.type === 'WfRunCompleted')).toBe(true));
    stop();
    answers.push(JSON.stringify(live));
    await admin.close();

    expect(read.wfRun.status).toBe('COMPLETED');
    expect(read.wfRun.taskRuns.map((t) => [t.taskDefName, t.attempts.map((a) => a.output)])).toEqual([
      [fetchToken, [MASKED_VALUE]],
      [useToken, [1]],
    ]);
    const outputs = (events: readonly WfRunEvent[]) =>
      events.flatMap((e) => (e.type === 'TaskAttemptSucceeded' || (e.type === 'NodeRunCompleted' && 'output' in e && e.output !== undefined) ? [[e.type, e.output]] : []));
    // The fetch's attempt and NodeRun are hidden; the next task's INT is not.
    const expected = [['TaskAttemptSucceeded', MASKED_VALUE], ['NodeRunCompleted', MASKED_VALUE], ['TaskAttemptSucceeded', 1], ['NodeRunCompleted', 1]];
    expect(outputs(read.wfRun.events.map((e) => e.event))).toEqual(expected);
    expect(outputs(live)).toEqual(expected);
    expect(read.wfRun.variables).toEqual([{ name: 'kept', value: MASKED_VALUE }]);
    const written = [JSON.stringify(server.logs), answers.join('\n')].join('\n');
    expect(written.includes(token), 'the masked output').toBe(false);
  });

  it('hide the output of a WfRun (and of its threads) whose EXIT returns a masked variable', async () => {
    const admin = new GallopClient({ url: server.graphqlUrl, webSocketImpl: WebSocket, apiKey: BOOTSTRAP });
    const secret = `pw-${'9'.repeat(12)}`;
    const wfSpecName = unique('returns-secret');
    await admin.putWfSpec(new Workflow(wfSpecName, (wf) => wf.complete(wf.declareStr('password').masked().required())).compile());
    const id = unique('run');
    const live: WfRunEvent[] = [];
    expect((await admin.runWf({ wfSpecName, id, variables: { password: secret } })).status).toBe('COMPLETED');
    const stop = admin.subscribe<{ wfRunEvents: { event: WfRunEvent } }>('subscription($id: ID!) { wfRunEvents(id: $id) { event } }', { id }, { next: (e) => void live.push(e.wfRunEvents.event) });
    const read = await admin.request<{ wfRun: { events: { event: WfRunEvent }[] } }>(`query($id: ID!) { wfRun(id: $id) { events { event } } }`, { id });
    await vi.waitFor(() => expect(live.some((e) => e.type === 'WfRunCompleted')).toBe(true));
    stop();
    await admin.close();
    const outputs = (events: readonly WfRunEvent[]) => events.flatMap((e) => ('output' in e && e.output !== undefined ? [[e.type, e.output]] : []));
    const expected = [['NodeRunCompleted', MASKED_VALUE], ['ThreadRunCompleted', MASKED_VALUE], ['WfRunCompleted', MASKED_VALUE]];
    expect(outputs(read.wfRun.events.map((e) => e.event))).toEqual(expected);
    expect(outputs(live)).toEqual(expected);
    expect(JSON.stringify([read, live, server.logs]).includes(secret)).toBe(false);
  });
});
