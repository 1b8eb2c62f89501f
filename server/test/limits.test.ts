import { request } from 'node:http';
import { GallopClient, isGallopClientError, TaskWorker, Workflow } from '@gallop/sdk';
import { afterAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer } from './harness.ts';

// Issue 8: what one request may cost, each limit set low here and each refusal coded by the limit it hit.
const limits = { maxDepth: 4, maxCost: 80, maxAliases: 2, maxTokens: 120, maxDirectives: 3, maxBodyBytes: 3_000, maxSubscriptionsPerConnection: 2 };
const server = await startTestServer(inject('databaseUrl'), { limits });
// Sizes are checked on a server of their own: the limits above leave no room for the SDK's operations.
const sized = await startTestServer(inject('databaseUrl'), { limits: { maxWfSpecBytes: 700, maxValueBytes: 100 } });
// A body limit below the value limit: a task's output can make a report the server will not read.
const bodied = await startTestServer(inject('databaseUrl'), { limits: { maxBodyBytes: 20_000 } });
afterAll(() => Promise.all([server.close(), sized.close(), bodied.close()]));

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

  it('names a page over its list’s size in the document rather than counting it into the cost', async () => {
    const problem = async (query: string) => {
      const response = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      const { errors } = (await response.json()) as { errors: { message: string; extensions: { code: string; problems?: { at: string; code: string }[] } }[] };
      return { message: errors[0]?.message, code: errors[0]?.extensions.code, problems: errors[0]?.extensions.problems };
    };
    expect(await problem('{ taskDefs(first: 100000) { edges { node { name } } } }')).toEqual({
      message: 'first must be between 0 and 500.',
      code: 'ValidationError',
      problems: [{ path: ['taskDefs', 'first'], at: 'taskDefs.first', code: 'OUT_OF_RANGE', message: 'first must be an integer from 0 to 500; got 100000.' }],
    });
    expect(await problem('{ wfRun(id: "x") { events(first: 0) { seq } } }')).toMatchObject({ message: 'first must be between 1 and 10000.', problems: [{ at: 'events.first' }] });
    // Within the page, a literal first still counts as that many items.
    expect(await problem('{ taskDefs(first: 500) { edges { node { name } } } }')).toMatchObject({ code: 'COST_LIMIT' });
  });

  it('refuses a body over the limit before reading it', async () => {
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ taskDefs { pageInfo { hasNextPage } } }', variables: { padding: 'x'.repeat(5_000) } }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ errors: [{ message: 'The request body is over 3000 bytes.', extensions: { code: 'BODY_LIMIT', limit: 3_000 } }] });

    // A chunked body says no length: refused before a byte of it is read, however long it would have gone on.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const chunked = request(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      chunked.on('error', reject);
      chunked.write('{"query": "{ taskDefs { pageInfo { hasNextPage } } }", "variables": {"padding": "');
      for (let i = 0; i < 10; i++) chunked.write('x'.repeat(1_000));
    });
    expect(status).toBe(411);
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

  it('fails the node whose mutation would make a value over the limit on values, and the WfRun says why', async () => {
    const client = new GallopClient({ url: sized.graphqlUrl });
    const wfSpecName = `doubling-${Date.now().toString(36)}`;
    await client.putWfSpec(
      new Workflow(wfSpecName, (wf) => {
        const s = wf.declareStr('s').required();
        // 10 characters doubled four times on one edge: 20, 40 and 80 fit in 100 bytes, 160 does not.
        for (let i = 0; i < 4; i++) s.add(s);
      }).compile(),
    );
    const run = await client.runWf({ wfSpecName, variables: { s: '0123456789' } });
    await expect.poll(async () => (await client.wfRun(run.id))?.status).toBe('ERROR');
    const ended = await client.wfRun(run.id);
    expect(ended?.errorMessage).toBe("VAR_SUB_ERROR: Variable 's' would be over 100 bytes (the limit on a value).");
    // An edge's mutations apply all or none (LittleHorse): the three that fit were taken back with the fourth.
    expect(ended?.variables.find((v) => v.name === 's')?.value).toBe('0123456789');
  });

  it('answers a subscription that does not parse with its syntax error, and the socket goes on serving', async () => {
    const client = new GallopClient({ url: server.graphqlUrl, webSocketImpl: WebSocket });
    const outcome = (text: string) =>
      new Promise<string>((resolve) => {
        client.subscribe(text, {}, { next: () => resolve('open'), error: (e) => resolve(isGallopClientError(e) ? `${e.code}: ${e.message}` : String(e)), complete: () => resolve('complete') });
        setTimeout(() => resolve('open'), 800);
      });
    const [broken, sound] = await Promise.all([outcome('subscription { wfRunsChanged { id }'), outcome('subscription { wfRunsChanged { id } }')]);
    expect(broken).toMatch(/^GRAPHQL_ERROR: Syntax Error: /);
    expect(sound).toBe('open');
    await client.close();
  });

  it('refuses a WfSpec or a value over its size, naming the limit, and fails a task attempt whose output is over it', async () => {
    const client = new GallopClient({ url: sized.graphqlUrl, webSocketImpl: WebSocket });
    const wfSpecName = `sized-${Date.now().toString(36)}`;
    const task = `${wfSpecName}-task`;
    await client.putTaskDef({ name: task, inputVars: [{ name: 'note', type: 'STR' }] });
    await client.putExternalEventDef({ name: `${wfSpecName}-event` });
    const large = new Workflow(wfSpecName, (wf) => {
      for (let i = 0; i < 12; i++) wf.declareStr(`variable-with-a-long-name-${i}`);
    }).compile();
    const put = await client.request<{ putWfSpec: { problems?: { path: unknown[]; code: string; message: string }[] } }>(
      'mutation($spec: JSON!) { putWfSpec(input: { spec: $spec }) { ... on ValidationError { problems { path code message } } } }',
      { spec: large },
    );
    expect(put.putWfSpec.problems).toEqual([{ path: ['input', 'spec'], code: 'SIZE_LIMIT', message: expect.stringMatching(/the limit is 700 \(GALLOP_LIMIT_WFSPEC_BYTES\)/) }]);

    await client.putWfSpec(new Workflow(wfSpecName, (wf) => void wf.execute(task, wf.declareStr('note'))).compile());
    const refused = await client.runWf({ wfSpecName, variables: { note: 'n'.repeat(200) } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isGallopClientError(refused) && refused.problems).toMatchObject([{ path: ['input', 'variables', 'note'], code: 'SIZE_LIMIT', message: expect.stringMatching(/GALLOP_LIMIT_VALUE_BYTES/) }]);

    const run = await client.runWf({ wfSpecName, variables: { note: 'short' } });
    const event = await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: `${wfSpecName}-event`, content: 'e'.repeat(200) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isGallopClientError(event) && event.problems.map((p) => p.code)).toEqual(['SIZE_LIMIT']);

    const [claimed] = await client.claimTaskRuns({ taskDefName: task, workerId: 'w', waitMs: 5_000 });
    const report = await client.reportTaskRun({ taskRunId: claimed!.taskRunId, attempt: claimed!.attempt, outcome: { status: 'SUCCESS', output: 'o'.repeat(200) } });
    expect(report.accepted).toBe(true);
    const [taskRun] = (await client.request<{ wfRun: { taskRuns: { attempts: { status: string; errorMessage: string | null }[] }[] } }>(
      'query($id: ID!) { wfRun(id: $id) { taskRuns { attempts { status errorMessage } } } }',
      { id: run.id },
    )).wfRun.taskRuns;
    expect(taskRun?.attempts[0]).toEqual({ status: 'TASK_OUTPUT_SERDE_ERROR', errorMessage: expect.stringMatching(/output is too large.*GALLOP_LIMIT_VALUE_BYTES/) });
    await client.close();
  });

  it("has a TaskWorker fail an attempt whose report is over the body limit, saying why, and report the rest", async () => {
    const client = new GallopClient({ url: bodied.graphqlUrl });
    const name = `big-output-${Date.now().toString(36)}`;
    await client.putTaskDef({ name, inputVars: [{ name: 'big', type: 'BOOL' }], returnType: 'STR' });
    await client.putWfSpec(new Workflow(name, (wf) => void wf.execute(name, wf.declareBool('big'))).compile());
    const runs = await Promise.all([true, false, false].map((big) => client.runWf({ wfSpecName: name, variables: { big } })));
    const errors: unknown[] = [];
    // The three attempts finish at once, so their reports go in one request, which the large one makes too large.
    const worker = new TaskWorker({ client, taskDefName: name, concurrency: 3, fn: ({ big }) => (big ? 'x'.repeat(50_000) : 'small'), onError: (e) => errors.push(e) });
    void worker.start();
    try {
      const statuses = async () => Promise.all(runs.map(async (run) => (await client.wfRun(run.id))?.status));
      await expect.poll(statuses, { timeout: 15_000 }).toEqual(['ERROR', 'COMPLETED', 'COMPLETED']);
    } finally {
      await worker.stop();
    }
    const [taskRun] = (await client.request<{ wfRun: { taskRuns: { attempts: { status: string; errorMessage: string | null }[] }[] } }>(
      'query($id: ID!) { wfRun(id: $id) { taskRuns { attempts { status errorMessage } } } }',
      { id: runs[0]!.id },
    )).wfRun.taskRuns;
    expect(taskRun?.attempts).toEqual([{ status: 'TASK_FAILED', errorMessage: expect.stringMatching(/larger than the server takes in one request \(its BODY_LIMIT\)/) }]);
    expect(errors.some((e) => isGallopClientError(e) && e.code === 'BODY_LIMIT')).toBe(true);
  });
});
