import { MASKED_VALUE } from '@gallop/engine';
import type { WfRunEvent } from '@gallop/engine';
import { GallopClient, Workflow } from '@gallop/sdk';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import WebSocket from 'ws';
import { isolatedStore, refusal, startTestServer, unique } from './harness.ts';

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

  it("hide a child WfRun's secret output in its parent, and a secret it throws, in the parent's events and NodeRuns", async () => {
    const admin = new GallopClient({ url: server.graphqlUrl, webSocketImpl: WebSocket, apiKey: BOOTSTRAP });
    const secret = `child-pw-${'8'.repeat(12)}`;
    const returns = unique('returns-secret');
    const throws = unique('throws-secret');
    await admin.putWfSpec(new Workflow(returns, (wf) => wf.complete(wf.declareStr('password').masked().required())).compile());
    await admin.putWfSpec(new Workflow(throws, (wf) => wf.fail('denied', 'Access denied.', wf.declareStr('password').masked().required())).compile());
    // The parent hands its masked password to the child, keeps what comes back in a masked variable and returns it.
    const parentOf = (child: string) => {
      const name = unique('parent');
      return new Workflow(name, (wf) => {
        const password = wf.declareStr('password').masked().required();
        const out = wf.waitForChildWf(wf.runWf(child, { password }));
        wf.declareStr('copy').masked().assign(out);
        wf.complete(out);
      });
    };
    const answers: string[] = [];
    type Read = { wfRun: { status: string; events: { event: WfRunEvent }[]; nodeRuns: { nodeType: string; failure: unknown }[]; variables: { name: string; value: unknown }[] } };
    const read = async (id: string) => {
      const answer = await admin.request<Read>(`query($id: ID!) { wfRun(id: $id) { status events { event } nodeRuns { nodeType failure } variables { name value } } }`, { id });
      answers.push(JSON.stringify(answer));
      return answer.wfRun;
    };
    const runToEnd = async (wfSpec: Workflow, status: string) => {
      await admin.putWfSpec(wfSpec.compile());
      const id = unique('run');
      await admin.runWf({ wfSpecName: wfSpec.compile().name, id, variables: { password: secret } });
      await vi.waitFor(async () => expect((await admin.wfRun(id))?.status).toBe(status), { timeout: 10_000 });
      const live: WfRunEvent[] = [];
      const stop = admin.subscribe<{ wfRunEvents: { event: WfRunEvent } }>('subscription($id: ID!) { wfRunEvents(id: $id) { event } }', { id }, { next: (e) => void live.push(e.wfRunEvents.event) });
      const parent = await read(id);
      await vi.waitFor(() => expect(live.length).toBe(parent.events.length));
      stop();
      answers.push(JSON.stringify(live));
      const child = parent.events.map((e) => e.event).find((e) => e.type === 'ChildWfRunRequested');
      return { parent, live, child: await read(child?.type === 'ChildWfRunRequested' ? child.childWfRunId : 'none') };
    };

    const completed = await runToEnd(parentOf(returns), 'COMPLETED');
    const outputs = (events: readonly WfRunEvent[]) => events.flatMap((e) => ('output' in e && e.output !== undefined ? [[e.type, e.output]] : []));
    // The RUN_CHILD_WF's output is the child's id; everything made of the child's output is hidden.
    const expected = [
      ['NodeRunCompleted', expect.stringContaining('_0-1')],
      ['ChildWfRunReported', MASKED_VALUE],
      ['NodeRunCompleted', MASKED_VALUE],
      ['NodeRunCompleted', MASKED_VALUE],
      ['ThreadRunCompleted', MASKED_VALUE],
      ['WfRunCompleted', MASKED_VALUE],
    ];
    expect(outputs(completed.parent.events.map((e) => e.event))).toEqual(expected);
    expect(outputs(completed.live)).toEqual(expected);
    const variables = Object.fromEntries(completed.parent.variables.map((v) => [v.name, v.value]));
    expect(variables).toMatchObject({ password: MASKED_VALUE, copy: MASKED_VALUE });

    const failed = await runToEnd(parentOf(throws), 'EXCEPTION');
    const thrown = { name: 'denied', content: MASKED_VALUE, maskedContent: true };
    expect(failed.child.nodeRuns.find((n) => n.nodeType === 'EXIT')?.failure).toEqual({ ...thrown, message: 'Access denied.' });
    expect(failed.parent.nodeRuns.find((n) => n.nodeType === 'WAIT_FOR_CHILD_WF')?.failure).toEqual({ ...thrown, message: expect.stringContaining('Access denied.') });
    const failures = failed.live.flatMap((e) => ('failure' in e && e.failure ? [[e.type, e.failure.content]] : []));
    expect(failures).toEqual([['ChildWfRunReported', MASKED_VALUE], ['NodeRunFailed', MASKED_VALUE], ['ThreadRunFailed', MASKED_VALUE], ['WfRunFailed', MASKED_VALUE]]);
    await admin.close();

    const written = [JSON.stringify(server.logs), answers.join('\n')].join('\n');
    expect(written).toContain(MASKED_VALUE);
    expect(written.includes(secret), 'the secret').toBe(false);
  });

  it('hide the content of a WorkflowEvent made from a masked variable, wherever it is read', async () => {
    const admin = new GallopClient({ url: server.graphqlUrl, webSocketImpl: WebSocket, apiKey: BOOTSTRAP });
    const secret = `event-pw-${'6'.repeat(12)}`;
    const def = unique('token-issued');
    const wfSpecName = unique('throws-token');
    await admin.putWorkflowEventDef({ name: def });
    await admin.putWfSpec(
      new Workflow(wfSpecName, (wf) => {
        const password = wf.declareStr('password').masked().required();
        wf.throwEvent(def, wf.format('token {0}', password));
        wf.throwEvent(def, 'plain');
      }).compile(),
    );
    const id = unique('run');
    await admin.runWf({ wfSpecName, id, variables: { password: secret } });
    const answers = [
      await admin.awaitWorkflowEvent({ wfRunId: id, workflowEventDefNames: [def] }),
      await admin.workflowEvent(id, def, 0),
      await admin.workflowEventsOf(id),
      await admin.searchWorkflowEvents({ workflowEventDefName: def }),
      await admin.request<{ wfRun: { events: { event: WfRunEvent }[] } }>(`query($id: ID!) { wfRun(id: $id) { events { event } } }`, { id }),
    ] as const;
    await admin.close();
    expect(answers[0].content).toBe(MASKED_VALUE);
    expect(answers[1]?.content).toBe(MASKED_VALUE);
    expect(answers[2]?.map((e) => e.content)).toEqual([MASKED_VALUE, 'plain']);
    expect(answers[3].items.map((e) => e.content).sort()).toEqual([MASKED_VALUE, 'plain']);
    const thrown = answers[4].wfRun.events.flatMap((e) => (e.event.type === 'WorkflowEventThrown' ? [e.event.content] : []));
    expect(thrown).toEqual([MASKED_VALUE, 'plain']);
    expect(JSON.stringify([answers, server.logs]).includes(secret)).toBe(false);
  });
  it("hide a user task's notes made from a masked variable; putWfSpec refuses a user id made from one", async () => {
    const admin = new GallopClient({ url: server.graphqlUrl, webSocketImpl: WebSocket, apiKey: BOOTSTRAP });
    const secret = `notes-pin-${'4'.repeat(12)}`;
    const form = unique('callback');
    await admin.putUserTaskDef({ name: form, fields: [{ name: 'done', type: 'BOOL' }] });
    const withNotes = (wfSpecName: string, notes: unknown) => {
      const spec = new Workflow(wfSpecName, (wf) => {
        wf.declareStr('pin').masked().required();
        wf.assignUserTask(form, { userGroup: 'support' });
      }).compile();
      const node = Object.values(spec.threadSpecs.entrypoint!.nodes).find((n) => n.type === 'USER_TASK');
      Object.assign(node!, { notes });
      return spec;
    };
    const hidden = unique('masked-notes');
    const plain = unique('plain-notes');
    await admin.putWfSpec(withNotes(hidden, { type: 'FORMAT_STRING', format: { type: 'LITERAL', value: 'Call back with PIN {0}' }, args: [{ type: 'VARIABLE', variableName: 'pin' }] }));
    await admin.putWfSpec(withNotes(plain, { type: 'LITERAL', value: 'Call back' }));
    const ids = [unique('run'), unique('run')] as const;
    await admin.runWf({ wfSpecName: hidden, id: ids[0], variables: { pin: secret } });
    await admin.runWf({ wfSpecName: plain, id: ids[1], variables: { pin: secret } });
    const read = (id: string) =>
      admin.request<{ wfRun: { userTaskRuns: { notes: string | null }[]; events: { event: WfRunEvent }[] } }>(
        `query($id: ID!) { wfRun(id: $id) { userTaskRuns { notes } events { event } } }`,
        { id },
      );
    const [masked, shown] = [await read(ids[0]), await read(ids[1])];
    const created = (r: typeof masked) => r.wfRun.events.flatMap((e) => (e.event.type === 'UserTaskRunCreated' ? [e.event.notes] : []));
    expect(masked.wfRun.userTaskRuns.map((t) => t.notes)).toEqual([MASKED_VALUE]);
    expect(created(masked)).toEqual([MASKED_VALUE]);
    expect(shown.wfRun.userTaskRuns.map((t) => t.notes)).toEqual(['Call back']);
    expect(created(shown)).toEqual(['Call back']);
    const listed = await admin.searchUserTaskRuns({ userGroup: 'support' });

    // A user id cannot stay masked: the server matches it as it is. The spec is refused, naming the node and field.
    const refused = await refusal(
      admin.putWfSpec(
        new Workflow(unique('masked-user'), (wf) => {
          const user = wf.declareStr('user').masked().required();
          wf.assignUserTask(form, { userId: user });
        }).compile(),
      ),
    );
    await admin.close();
    expect(refused).toMatchObject({ code: 'ValidationError', problems: [{ code: 'MASKED_VALUE_SHOWN', at: expect.stringMatching(/USER_TASK"\]\.userId$/) }] });
    const rows = await server.app.services.db.execute(sql.raw(`select coalesce(json_agg(u)::text, '') as stored from user_task_runs u`));
    expect(JSON.stringify([masked, listed, rows, server.logs]).includes(secret)).toBe(false);
  });
});
