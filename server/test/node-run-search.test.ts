import { MASKED_VALUE } from '@gallop/engine';
import { Workflow } from '@gallop/sdk';
import type { NodeRunInfo } from '@gallop/sdk';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { isolatedStore, refusal, startTestServer, unique } from './harness.ts';
import type { TestServer } from './harness.ts';

// LittleHorse's SearchNodeRun, CountNodeRun and CountTaskRun. On PostgreSQL other test files share the database,
// so every search here is narrowed to this file's own defs.
const server = await startTestServer(inject('databaseUrl'));
afterAll(() => server.close());
const { client } = server;

const key = (n: NodeRunInfo) => `${n.wfRunId} ${n.threadRunNumber}/${n.position}`;

describe('NodeRun search and counts', () => {
  it('shows a NodeRun that completed and then failed on a mutation of its output as failed, and finds it so', async () => {
    const event = unique('count-given');
    await client.putExternalEventDef({ name: event });
    const spec = unique('counting');
    await client.putWfSpec(
      new Workflow(spec, (wf) => {
        const n = wf.declareInt('n');
        n.assign(wf.waitForEvent(event));
      }).compile(),
    );
    const run = await client.runWf({ wfSpecName: spec });
    // Waiting: the NodeRun started in an earlier command than the one that ends it.
    await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: event, content: 'abc' });
    expect(await client.wfRun(run.id)).toMatchObject({ status: 'ERROR' });
    const nodeRun = await client.nodeRun(run.id, 0, 1);
    expect(nodeRun).toMatchObject({ status: 'ERROR', errorMessage: expect.stringMatching(/Variable 'n'/) });
    const failed = await client.searchNodeRuns({ status: 'ERROR', externalEventDefName: event });
    expect(failed.items.map(key)).toEqual([`${run.id} 0/1`]);
  });

  it('finds NodeRuns by status, newest first, by the ExternalEventDef they wait for and by arrival time, a page at a time', async () => {
    const [approved, shipped] = [unique('approved'), unique('shipped')];
    for (const name of [approved, shipped]) await client.putExternalEventDef({ name });
    const [approval, shipping] = [unique('approval'), unique('shipping')];
    await client.putWfSpec(new Workflow(approval, (wf) => void wf.waitForEvent(approved)).compile());
    await client.putWfSpec(new Workflow(shipping, (wf) => void wf.waitForEvent(shipped)).compile());
    const runs: { id: string }[] = [];
    for (let i = 0; i < 3; i++) runs.push(await client.runWf({ wfSpecName: approval }));
    const other = await client.runWf({ wfSpecName: shipping });

    const waiting = await client.searchNodeRuns({ status: 'RUNNING', externalEventDefName: approved }, { first: 2 });
    const rest = await client.searchNodeRuns({ status: 'RUNNING', externalEventDefName: approved }, { first: 2, after: waiting.endCursor! });
    const found = [...waiting.items, ...rest.items];
    // Newest first: the WfRuns in reverse order of their start, each at its EXTERNAL_EVENT node.
    expect(found.map((n) => n.wfRunId)).toEqual(runs.map((r) => r.id).reverse());
    expect(found.every((n) => n.nodeType === 'EXTERNAL_EVENT' && n.externalEventDefName === approved && n.status === 'RUNNING' && n.endTime === null)).toBe(true);
    expect([waiting.hasNextPage, rest.hasNextPage]).toEqual([true, false]);
    expect((await client.searchNodeRuns({ status: 'RUNNING', externalEventDefName: shipped })).items.map((n) => n.wfRunId)).toEqual([other.id]);

    // Arrival time: before the newest one's arrival leaves it out; from it, only it.
    const newest = found[0]!;
    expect((await client.searchNodeRuns({ status: 'RUNNING', externalEventDefName: approved, arrivedBefore: newest.arrivalTime })).items.map(key)).toEqual(found.slice(1).map(key));
    expect((await client.searchNodeRuns({ status: 'RUNNING', externalEventDefName: approved, arrivedAfter: newest.arrivalTime })).items.map(key)).toEqual([key(newest)]);

    // The event arrives: that NodeRun moves from RUNNING to COMPLETED in the search.
    await client.putExternalEvent({ wfRunId: runs[0]!.id, externalEventDefName: approved, content: 'yes' });
    await expect.poll(async () => (await client.wfRun(runs[0]!.id))?.status).toBe('COMPLETED');
    expect((await client.searchNodeRuns({ status: 'RUNNING', externalEventDefName: approved })).items.map((n) => n.wfRunId)).toEqual([runs[2]!.id, runs[1]!.id]);
    const completed = (await client.searchNodeRuns({ status: 'COMPLETED', externalEventDefName: approved })).items;
    expect(completed.map((n) => [n.wfRunId, n.status, n.endTime !== null])).toEqual([[runs[0]!.id, 'COMPLETED', true]]);
  });

  it('carries each found TASK NodeRun with its TaskRun, and counts the TaskRuns queued for a TaskDef', async () => {
    const task = unique('queued');
    await client.putTaskDef({ name: task, inputVars: [{ name: 'n', type: 'INT' }] });
    const spec = unique('unworked');
    await client.putWfSpec(new Workflow(spec, (wf) => void wf.execute(task, wf.declareInt('n').required())).compile());
    const runs: { id: string }[] = [];
    for (const n of [1, 2]) runs.push(await client.runWf({ wfSpecName: spec, variables: { n } }));
    // Nobody works on the TaskDef: both wait in its queue.
    expect(await client.countTaskRuns(task, 'TASK_SCHEDULED')).toBe(2);
    expect(await client.countTaskRuns(task, 'TASK_SUCCESS')).toBe(0);

    const since = (await client.wfRun(runs[0]!.id))!.startTime;
    const found = (await client.searchNodeRuns({ status: 'RUNNING', arrivedAfter: since }, { first: 500 })).items.filter((n) => n.taskRun?.taskDefName === task);
    expect(found.map((n) => [n.wfRunId, n.nodeType, n.externalEventDefName, n.taskRun?.input])).toEqual([
      [runs[1]!.id, 'TASK', null, { n: 2 }],
      [runs[0]!.id, 'TASK', null, { n: 1 }],
    ]);
  });

  it('carries what each NodeRun runs or waits for: its UserTaskRun, when it wakes, its child WfRun, its ThreadRuns', async () => {
    const [form, move, child, spec] = [unique('form'), unique('move'), unique('child'), unique('waits')];
    await client.putUserTaskDef({ name: form, fields: [{ name: 'ok', type: 'BOOL' }] });
    await client.putExternalEventDef({ name: move });
    await client.putWfSpec(new Workflow(child, (wf) => void wf.waitForEvent(move)).compile());
    await client.putWfSpec(
      new Workflow(spec, (wf) => {
        const wakeAt = wf.declareInt('wakeAt').required();
        const sleeper = wf.spawnThread('sleeper', (t) => t.sleepUntil(wakeAt));
        const asker = wf.spawnThread('asker', (t) => void t.assignUserTask(form, { userId: 'ada', userGroup: 'finance' }));
        const parent = wf.spawnThread('parent', (t) => void t.waitForChildWf(t.runWf(child)));
        // Sent `move`, this thread moves the time the sleeper sleeps until: a later command than the one that set it.
        const mover = wf.spawnThread('mover', (t) => void wakeAt.assign(t.waitForEvent(move)));
        wf.waitForThreads(sleeper, asker, parent, mover);
      }).compile(),
    );
    const wakeAt = Date.parse('2099-01-02T03:04:05.678Z');
    const run = await client.runWf({ wfSpecName: spec, variables: { wakeAt } });
    const nodeRuns = async () => (await client.wfRun(run.id))!.nodeRuns;
    const ofType = (all: readonly NodeRunInfo[], type: string) => all.filter((n) => n.nodeType === type);
    const all = await nodeRuns();
    const threadOf = (name: string) => ofType(all, 'START_THREAD').find((n) => n.nodeName.includes(name))!.threadRunNumbers?.[0];
    const [sleeper, asker, parent, mover] = ['sleeper', 'asker', 'parent', 'mover'].map(threadOf);
    expect([sleeper, asker, parent, mover]).toEqual([1, 2, 3, 4]);
    expect(ofType(all, 'WAIT_FOR_THREADS').map((n) => [n.threadRunNumber, n.threadRunNumbers])).toEqual([[0, [1, 2, 3, 4]]]);
    expect(ofType(all, 'SLEEP').map((n) => [n.threadRunNumber, n.sleepUntil])).toEqual([[1, '2099-01-02T03:04:05.678Z']]);
    const userTask = ofType(all, 'USER_TASK')[0]!;
    expect(userTask.userTaskRun).toMatchObject({ userTaskDefName: form, status: 'ASSIGNED', userId: 'ada', userGroup: 'finance' });
    const [started, awaited] = [ofType(all, 'RUN_CHILD_WF')[0]!, ofType(all, 'WAIT_FOR_CHILD_WF')[0]!];
    expect(started.childWfRunId).toBe(awaited.childWfRunId);
    expect((await client.wfRun(started.childWfRunId!))?.wfSpecName).toBe(child);
    // The other kinds carry none of it.
    expect(ofType(all, 'EXTERNAL_EVENT').map((n) => [n.userTaskRun, n.sleepUntil, n.childWfRunId, n.threadRunNumbers])).toEqual([[null, null, null, null]]);

    // The search of NodeRuns carries them the same way, read a query per kind for the page.
    const waiting = (await client.searchNodeRuns({ status: 'RUNNING', arrivedAfter: (await client.wfRun(run.id))!.startTime }, { first: 500 })).items.filter((n) => n.wfRunId === run.id);
    expect(waiting.find((n) => n.nodeType === 'USER_TASK')?.userTaskRun?.userTaskGuid).toBe(userTask.userTaskRun?.userTaskGuid);
    expect(waiting.find((n) => n.nodeType === 'SLEEP')?.sleepUntil).toBe('2099-01-02T03:04:05.678Z');

    // The time moves in a later command; the assignment shows who holds the task now.
    await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: move, content: wakeAt + 60_000 });
    await client.assignUserTaskRun({ wfRunId: run.id, userTaskGuid: userTask.userTaskRun!.userTaskGuid, userGroup: 'audit', overrideClaim: true });
    const after = await nodeRuns();
    expect(ofType(after, 'SLEEP').map((n) => [n.status, n.sleepUntil])).toEqual([['RUNNING', '2099-01-02T03:05:05.678Z']]);
    expect(ofType(after, 'USER_TASK')[0]?.userTaskRun).toMatchObject({ status: 'UNASSIGNED', userId: null, userGroup: 'audit' });
  });

  it('records the ThreadRuns a WAIT_FOR_THREADS waited for, though a mutation on its way out empties their list', async () => {
    const [forgets, fails] = [unique('forgets'), unique('forgets-and-fails')];
    for (const [name, fail] of [[forgets, false], [fails, true]] as const) {
      await client.putWfSpec(
        new Workflow(name, (wf) => {
          const items = wf.declareJsonArr('items').required();
          const n = wf.declareInt('n');
          const label = wf.declareJsonObj('label').withDefault({ text: 'abc' });
          const children = wf.spawnThreadForEach(items, 'child', () => {}, { inputType: 'INT' });
          wf.waitForThreads(children);
          children.variable.assign([]);
          // Not an INT: this mutation fails the NodeRun after it completed.
          if (fail) n.assign(label.jsonPath('$.text'));
        }).compile(),
      );
    }
    // The children complete at once: the wait, its mutation and the end of the WfRun come in the command that ran it.
    for (const [name, status] of [[forgets, 'COMPLETED'], [fails, 'ERROR']] as const) {
      const run = await client.runWf({ wfSpecName: name, variables: { items: [7, 8] } });
      expect(run.status).toBe(status);
      const waited = (await client.wfRun(run.id))!.nodeRuns.filter((n) => n.nodeType === 'WAIT_FOR_THREADS');
      expect(waited.map((n) => [n.status, n.threadRunNumbers])).toEqual([[status, [1, 2]]]);
    }
  });

  it('records the ThreadRuns a WAIT_FOR_THREADS waited for when it ends in a later command, after its list changed', async () => {
    const [go, trim, spec] = [unique('go'), unique('trim'), unique('waits-for-fewer')];
    for (const name of [go, trim]) await client.putExternalEventDef({ name });
    await client.putWfSpec(
      new Workflow(spec, (wf) => {
        const children = wf.spawnThreadForEach(wf.declareJsonArr('items').withDefault([7, 8]), 'child', (t) => void t.waitForEvent(go), { inputType: 'INT' });
        // Another thread shortens the list the wait reads, in a command of its own.
        wf.spawnThread('trimmer', (t) => {
          t.waitForEvent(trim);
          t.mutate(children.variable, 'ASSIGN', [1]);
        });
        wf.waitForThreads(children);
      }).compile(),
    );
    const run = await client.runWf({ wfSpecName: spec });
    const waits = async () => (await client.wfRun(run.id))!.nodeRuns.filter((n) => n.threadRunNumber === 0 && n.nodeType === 'WAIT_FOR_THREADS').map((n) => [n.status, n.threadRunNumbers]);
    expect(await waits()).toEqual([['RUNNING', [1, 2]]]);
    await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: trim, content: null });
    expect((await client.wfRun(run.id))?.status).toBe('RUNNING');
    // Each child takes one; the wait ends with thread 1's, in a command after the one that changed its list.
    for (let i = 0; i < 2; i++) await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: go, content: null });
    expect(await waits()).toEqual([['COMPLETED', [1]]]);
  });

  it('names the WorkflowEventDef each THROW_EVENT NodeRun throws, in a WfRun, a search and a lookup, from its thread spec', async () => {
    const [shipped, billed, spec] = [unique('shipped'), unique('billed'), unique('throws')];
    for (const name of [shipped, billed]) await client.putWorkflowEventDef({ name });
    await client.putWfSpec(
      new Workflow(spec, (wf) => {
        // One in a child thread too: its node is found in that thread's spec, not the entrypoint's.
        const billing = wf.spawnThread('billing', (t) => t.throwEvent(billed, 'paid'));
        wf.waitForThreads(billing);
        wf.throwEvent(shipped, 'on its way');
      }).compile(),
    );
    const run = await client.runWf({ wfSpecName: spec });
    expect((await client.wfRun(run.id))?.status).toBe('COMPLETED');
    const thrown = (all: readonly NodeRunInfo[]) => all.filter((n) => n.wfRunId === run.id && n.nodeType === 'THROW_EVENT').map((n) => [n.threadRunNumber, n.workflowEventDefName]);
    const nodeRuns = (await client.wfRun(run.id))!.nodeRuns;
    expect(thrown(nodeRuns)).toEqual([
      [0, shipped],
      [1, billed],
    ]);
    // Other kinds name none.
    expect(nodeRuns.filter((n) => n.nodeType !== 'THROW_EVENT').map((n) => n.workflowEventDefName)).toEqual(nodeRuns.filter((n) => n.nodeType !== 'THROW_EVENT').map(() => null));
    const found = await client.searchNodeRuns({ status: 'COMPLETED', arrivedAfter: (await client.wfRun(run.id))!.startTime }, { first: 500 });
    expect(thrown(found.items).sort()).toEqual([
      [0, shipped],
      [1, billed],
    ]);
    const one = nodeRuns.find((n) => n.nodeType === 'THROW_EVENT' && n.threadRunNumber === 1)!;
    expect((await client.nodeRun(run.id, 1, one.position))?.workflowEventDefName).toBe(billed);
  });

  it('reads what THROW_EVENTs threw only when asked, in one query for a page of many versions; one that failed before throwing from its node', async () => {
    // Data of its own: every NodeRun a search finds is one of this test's, so the statements it takes are known.
    const store = await isolatedStore(inject('databaseUrl'));
    const own = await startTestServer(store.databaseUrl, { dataDir: store.dataDir });
    try {
      await countStatements(own);
    } finally {
      await own.close();
      await store.drop();
    }
  });

  it('gets one NodeRun and one variable by their keys, a masked variable masked', async () => {
    const signal = unique('go');
    await client.putExternalEventDef({ name: signal });
    const spec = unique('keyed');
    await client.putWfSpec(
      new Workflow(spec, (wf) => {
        wf.declareStr('note').withDefault('plain');
        wf.declareStr('secret').withDefault('hunter2').masked();
        wf.waitForEvent(signal);
      }).compile(),
    );
    const run = await client.runWf({ wfSpecName: spec });
    const all = (await client.wfRun(run.id))!.nodeRuns;
    const waiting = all.find((n) => n.nodeType === 'EXTERNAL_EVENT')!;
    expect(await client.nodeRun(run.id, 0, waiting.position)).toEqual(waiting);
    expect(waiting).toMatchObject({ wfRunId: run.id, status: 'RUNNING', externalEventDefName: signal });
    expect(await client.nodeRun(run.id, 0, all.length + 5)).toBeNull();
    expect(await client.nodeRun('nobody', 0, 0)).toBeNull();

    expect(await client.variable(run.id, 0, 'note')).toEqual({ wfRunId: run.id, threadRunNumber: 0, name: 'note', value: 'plain' });
    expect((await client.variable(run.id, 0, 'secret'))?.value).toBe(MASKED_VALUE);
    expect(await client.variable(run.id, 0, 'nothing')).toBeNull();
    expect(await client.variable(run.id, 1, 'note')).toBeNull();
  });

  it('counts the NodeRuns of a WfSpec, of one major version and of one revision', async () => {
    const signal = unique('signal');
    await client.putExternalEventDef({ name: signal });
    const spec = unique('counted');
    await client.putWfSpec(new Workflow(spec, (wf) => void wf.waitForEvent(signal)).compile());
    const first = [await client.runWf({ wfSpecName: spec }), await client.runWf({ wfSpecName: spec })];
    // Another variable makes major version 1.
    await client.putWfSpec(
      new Workflow(spec, (wf) => {
        wf.declareStr('note');
        wf.waitForEvent(signal);
      }).compile(),
    );
    const second = await client.runWf({ wfSpecName: spec });
    const nodeRunsOf = async (ids: string[]) => (await Promise.all(ids.map(async (id) => (await client.wfRun(id))!.nodeRuns.length))).reduce((a, b) => a + b, 0);
    const [inFirst, inSecond] = [await nodeRunsOf(first.map((r) => r.id)), await nodeRunsOf([second.id])];
    expect(inFirst).toBeGreaterThan(0);
    expect(await client.countNodeRuns({ wfSpecName: spec })).toBe(inFirst + inSecond);
    expect(await client.countNodeRuns({ wfSpecName: spec, majorVersion: 0 })).toBe(inFirst);
    expect(await client.countNodeRuns({ wfSpecName: spec, majorVersion: 1, revision: 0 })).toBe(inSecond);
    expect(await client.countNodeRuns({ wfSpecName: unique('none') })).toBe(0);
    // Without a WfSpec: the tenant's whole count (other files' WfRuns too, on a shared database).
    expect(await client.countNodeRuns()).toBeGreaterThanOrEqual(inFirst + inSecond);
    expect((await refusal(client.countNodeRuns({ wfSpecName: spec, revision: 0 }))).message).toMatch(/revision without a majorVersion/);
    expect((await refusal(client.countNodeRuns({ majorVersion: 0 }))).message).toMatch(/majorVersion without a wfSpecName/);
  });
});

/** The statements a search of NodeRuns sends with and without their thrown WorkflowEventDefs, on `server`'s own data. */
async function countStatements(server: TestServer): Promise<void> {
  const { client } = server;
  const [shipped, billed, spec] = [unique('shipped'), unique('billed'), unique('throws-many')];
  for (const name of [shipped, billed]) await client.putWorkflowEventDef({ name });
  // Three revisions, throwing a def alternately; each WfRun ends in the command that starts it.
  const runs: string[] = [];
  for (const [i, def] of [shipped, billed, shipped].entries()) {
    await client.putWfSpec(new Workflow(spec, (wf) => void wf.throwEvent(def, `revision ${i}`)).compile());
    for (let j = 0; j < 3; j++) runs.push((await client.runWf({ wfSpecName: spec })).id);
  }
  // Content that cannot be evaluated fails the node before it throws: no WorkflowEvent names its def.
  const failing = unique('throws-nothing');
  await client.putWfSpec(
    new Workflow(failing, (wf) => {
      // Unset: there is nothing to read a path of.
      const label = wf.declareJsonObj('label');
      wf.throwEvent(billed, label.jsonPath('$.text'));
    }).compile(),
  );
  const failed = await client.runWf({ wfSpecName: failing });
  expect(failed.status).toBe('ERROR');

  // Statements the resolvers send through the server's database handle, counted while one request runs.
  const services = server.app.services as { db: typeof server.app.services.db };
  const db = services.db;
  const statementsOf = async (status: string, fields: string): Promise<{ count: number; nodes: { wfRunId: string; nodeType: string; workflowEventDefName?: string | null }[] }> => {
    let count = 0;
    services.db = new Proxy(db, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function' || !['select', 'selectDistinct', 'execute', 'with', '$count'].includes(String(prop))) return value;
        return (...args: unknown[]) => (count++, (value as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
    try {
      const query = `query ($status: LHStatus!) { nodeRuns(status: $status, first: 500) { edges { node { ${fields} } } } }`;
      const found = await client.request<{ nodeRuns: { edges: { node: { wfRunId: string; nodeType: string; workflowEventDefName?: string | null } }[] } }>(query, { status });
      return { count, nodes: found.nodeRuns.edges.map((e) => e.node) };
    } finally {
      services.db = db;
    }
  };
  const mine = <N extends { wfRunId: string; nodeType: string }>(nodes: N[]) => nodes.filter((n) => runs.includes(n.wfRunId) && n.nodeType === 'THROW_EVENT');

  // Not asked for: the search alone, however many THROW_EVENTs of however many versions the page holds.
  const unasked = await statementsOf('COMPLETED', 'wfRunId nodeType');
  expect(mine(unasked.nodes)).toHaveLength(9);
  expect(unasked.count).toBe(1);
  // Asked for: one query more, for the page's WorkflowEvents, and no WfSpec read.
  const asked = await statementsOf('COMPLETED', 'wfRunId nodeType workflowEventDefName');
  expect(asked.count).toBe(2);
  expect(mine(asked.nodes).map((n) => [runs.indexOf(n.wfRunId), n.workflowEventDefName]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(
    [shipped, shipped, shipped, billed, billed, billed, shipped, shipped, shipped].map((def, i) => [i, def]),
  );
  // The one that failed names the def its node names, read from its WfSpec version.
  const errors = await statementsOf('ERROR', 'wfRunId nodeType workflowEventDefName');
  expect(errors.nodes.filter((n) => n.wfRunId === failed.id).map((n) => [n.nodeType, n.workflowEventDefName])).toEqual([['THROW_EVENT', billed]]);
}
