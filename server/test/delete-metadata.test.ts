import { Workflow } from '@gallop/sdk';
import type { GallopClient, WfRunInfo } from '@gallop/sdk';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { insertWfSpec } from '../src/store/queries/metadata.ts';
import { workflowEvents } from '../src/store/schema.ts';
import { refusal, startTestServer, unique } from './harness.ts';
import type { TestServer } from './harness.ts';

const databaseUrl = inject('databaseUrl');
const server = await startTestServer(databaseUrl);
afterAll(() => server.close());
const { client } = server;

/** A WfSpec that runs `first`, then `second`, passing nothing. */
async function twoTasks(first: string, second: string): Promise<string> {
  const name = unique('two-tasks');
  await client.putWfSpec(
    new Workflow(name, (wf) => {
      wf.execute(first);
      wf.execute(second);
    }).compile(),
  );
  return name;
}

/** Claims the one TaskRun of `taskDefName` that is waiting, and reports it done. */
async function runOne(on: GallopClient, taskDefName: string, output: string | null = null): Promise<string> {
  const [claimed] = await on.claimTaskRuns({ taskDefName, workerId: 'tester', max: 1, waitMs: 5_000 });
  if (!claimed) throw new Error(`No TaskRun of ${taskDefName} came`);
  const report = await on.reportTaskRun({ taskRunId: claimed.taskRunId, attempt: claimed.attempt, outcome: { status: 'SUCCESS', output } });
  expect(report.accepted).toBe(true);
  return claimed.wfRunId;
}

async function waitFor<T>(check: () => Promise<T | undefined | false>, { what = 'the condition' } = {}): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

function settled(on: GallopClient, id: string): Promise<WfRunInfo> {
  return waitFor(
    async () => {
      const run = await on.wfRun(id);
      return run && run.status !== 'RUNNING' ? run : undefined;
    },
    { what: `WfRun ${id} to end` },
  );
}

describe('deleteTaskDef', () => {
  it('fails the TASK nodes that would run it with TASK_ERROR, lets its running TaskRuns finish, and frees its name', async () => {
    const [first, second] = [unique('first'), unique('second')];
    await client.putTaskDef({ name: first });
    await client.putTaskDef({ name: second });
    const spec = await twoTasks(first, second);
    // A WfRun that ran through both while both existed: the server now keeps the WfSpec's catalog.
    const before = await client.runWf({ wfSpecName: spec });
    await runOne(client, first);
    await runOne(client, second);
    expect((await settled(client, before.id)).status).toBe('COMPLETED');

    const run = await client.runWf({ wfSpecName: spec });
    const [claimed] = await client.claimTaskRuns({ taskDefName: first, workerId: 'tester', max: 1, waitMs: 5_000 });
    expect(await client.deleteTaskDef(second)).toEqual({ name: second });
    expect(await client.deleteTaskDef(first)).toEqual({ name: first });
    expect(await client.taskDef(first)).toBeNull();
    // The TaskRun a worker holds carries on: its report counts and the WfRun moves on, to a TaskDef that is gone.
    const report = await client.reportTaskRun({ taskRunId: claimed?.taskRunId ?? '', attempt: 0, outcome: { status: 'SUCCESS', output: null } });
    expect(report.accepted).toBe(true);
    const ended = await settled(client, run.id);
    expect(ended.status).toBe('ERROR');
    const failed = ended.nodeRuns.find((n) => n.nodeType === 'TASK' && n.status === 'ERROR');
    expect(failed?.errorMessage).toContain(`TaskDef '${second}' is not registered`);

    // The name is free again, for another signature; new WfSpecs and WfRuns use the new one.
    const again = await client.putTaskDef({ name: second, inputVars: [{ name: 'n', type: 'INT' }], returnType: 'INT' });
    expect(again.inputVars).toEqual([{ name: 'n', type: 'INT', masked: false }]);
    expect((await refusal(client.deleteTaskDef(unique('never')))).code).toBe('NotFoundError');
  });

  it('is heard by the other server processes, which forget the TaskDef they kept', async () => {
    const [first, second] = [unique('first'), unique('second')];
    await client.putTaskDef({ name: first });
    await client.putTaskDef({ name: second });
    const spec = await twoTasks(first, second);
    // Only PostgreSQL can have a second process; on PGlite this server plays both parts (and the test repeats the
    // first one's check in this process).
    const other: TestServer = databaseUrl ? await startTestServer(databaseUrl) : server;
    try {
      // The other process decides a whole WfRun, so it keeps the WfSpec, its catalog and both TaskDefs.
      const warm = await other.client.runWf({ wfSpecName: spec });
      await runOne(other.client, first);
      await runOne(other.client, second);
      expect((await settled(other.client, warm.id)).status).toBe('COMPLETED');

      await client.deleteTaskDef(second);
      // The news comes over NOTIFY: wait until the other process has forgotten the TaskDef (asking it while it has
      // not keeps what it kept; once it has, it reads the database and finds none).
      const { metadata, db } = other.app.services;
      await expect.poll(() => metadata.taskDef(db, 'default', second)).toBeUndefined();
      const run = await other.client.runWf({ wfSpecName: spec });
      await runOne(other.client, first);
      const ended = await settled(other.client, run.id);
      expect(ended.status).toBe('ERROR');
      expect(ended.nodeRuns.at(-1)?.errorMessage).toContain(`TaskDef '${second}' is not registered`);
    } finally {
      if (other !== server) await other.close();
    }
  });
});

describe('deleteWfSpec', () => {
  it('stops new WfRuns on the version while those running on it finish, and numbers new versions past it', async () => {
    const task = unique('step');
    await client.putTaskDef({ name: task, returnType: 'STR' });
    const name = unique('versions');
    const v0 = await client.putWfSpec(
      new Workflow(name, (wf) => {
        wf.declareStr('out').assign(wf.execute(task));
      }).compile(),
    );
    const v1 = await client.putWfSpec(
      new Workflow(name, (wf) => {
        const out = wf.declareStr('out');
        out.assign(wf.execute(task));
        out.assign(wf.execute(task));
      }).compile(),
    );
    expect([v1.majorVersion, v1.revision]).toEqual([0, 1]);
    const running = await client.runWf({ wfSpecName: name });
    expect(running.revision).toBe(1);

    expect(await client.deleteWfSpec(v1)).toEqual({ name, majorVersion: 0, revision: 1 });
    expect((await refusal(client.deleteWfSpec(v1))).code).toBe('NotFoundError');
    // Gone from reads and lists; by name, runWf takes the newest version left; by its number, nothing.
    expect((await client.wfSpec(name))?.revision).toBe(0);
    expect(await client.wfSpec(name, { majorVersion: 0, revision: 1 })).toBeNull();
    const listed = await client.request<{ wfSpecs: { edges: { node: { revision: number } }[] } }>(
      'query($prefix: String) { wfSpecs(prefix: $prefix) { edges { node { revision } } } }',
      { prefix: name },
    );
    expect(listed.wfSpecs.edges.map((e) => e.node.revision)).toEqual([0]);
    expect((await client.runWf({ wfSpecName: name })).revision).toBe(0);
    expect((await refusal(client.runWf({ wfSpecName: name, majorVersion: 0, revision: 1 }))).code).toBe('NotFoundError');

    // The WfRun already on it finishes on it: both of its tasks run, and its page still has its WfSpec.
    for (const output of ['a', 'b']) {
      await waitFor(async () => {
        const [claimed] = await client.claimTaskRuns({ taskDefName: task, workerId: 'tester', max: 1, waitMs: 0 });
        if (claimed?.wfRunId !== running.id) {
          if (claimed) await client.reportTaskRun({ taskRunId: claimed.taskRunId, attempt: claimed.attempt, outcome: { status: 'SUCCESS', output: 'other' } });
          return false;
        }
        return (await client.reportTaskRun({ taskRunId: claimed.taskRunId, attempt: claimed.attempt, outcome: { status: 'SUCCESS', output } })).accepted;
      });
    }
    const done = await settled(client, running.id);
    expect(done.status).toBe('COMPLETED');
    expect(done.variables).toContainEqual(expect.objectContaining({ name: 'out', value: 'b' }));
    const page = await client.request<{ wfRun: { wfSpec: { revision: number } } }>('query($id: ID!) { wfRun(id: $id) { wfSpec { revision } } }', { id: running.id });
    expect(page.wfRun.wfSpec.revision).toBe(1);

    // A changed spec takes revision 2, not the deleted 1: a version's number always means one spec.
    const v2 = await client.putWfSpec(
      new Workflow(name, (wf) => {
        const out = wf.declareStr('out');
        for (let i = 0; i < 3; i++) out.assign(wf.execute(task));
      }).compile(),
    );
    expect([v2.majorVersion, v2.revision]).toEqual([0, 2]);
    expect((await client.wfSpec(name, { majorVersion: 0, revision: 0 }))?.createdAt).toBe(v0.createdAt);
  });

  it('numbers a new major version past deleted ones, and starts over past them once every version is gone', async () => {
    const name = unique('majors');
    const spec = (variable: string) => new Workflow(name, (wf) => void wf.declareStr(variable).required()).compile();
    await client.putWfSpec(spec('a'));
    const m1 = await client.putWfSpec(spec('b'));
    expect(m1.majorVersion).toBe(1);
    await client.deleteWfSpec(m1);
    expect((await client.putWfSpec(spec('c'))).majorVersion).toBe(2);
    await client.deleteWfSpec({ name, majorVersion: 2, revision: 0 });
    await client.deleteWfSpec({ name, majorVersion: 0, revision: 0 });
    expect(await client.wfSpec(name)).toBeNull();
    expect((await refusal(client.runWf({ wfSpecName: name, variables: { a: 'x' } }))).code).toBe('NotFoundError');
    expect(await client.putWfSpec(spec('a'))).toMatchObject({ majorVersion: 3, revision: 0 });
  });
});

describe('deleteUserTaskDef', () => {
  it('fails new USER_TASK nodes of the version, while the UserTaskRuns made with it can still be completed', async () => {
    const form = unique('form');
    await client.putUserTaskDef({ name: form, fields: [{ name: 'ok', type: 'BOOL', required: true }] });
    const pinned = unique('pinned');
    const spec: ReturnType<Workflow['compile']> = new Workflow(pinned, (wf) => void wf.declareJsonObj('result').assign(wf.assignUserTask(form, { userGroup: 'ops' }))).compile();
    // Pin version 0, as LittleHorse's nodes do.
    for (const thread of Object.values(spec.threadSpecs)) {
      for (const node of Object.values(thread.nodes)) if (node.type === 'USER_TASK') Object.assign(node, { userTaskDefVersion: 0 });
    }
    await client.putWfSpec(spec);
    const open = await client.runWf({ wfSpecName: pinned });

    expect(await client.deleteUserTaskDef(form, 0)).toEqual({ name: form, version: 0 });
    expect(await client.userTaskDef(form)).toBeNull();
    expect((await refusal(client.deleteUserTaskDef(form, 0))).code).toBe('NotFoundError');

    const later = await client.runWf({ wfSpecName: pinned });
    expect((await settled(client, later.id)).nodeRuns.at(-1)?.errorMessage).toContain(`Version 0 of UserTaskDef '${form}' is not registered`);
    // The one made before still has its form, and completes against it.
    const task = await client.request<{ userTaskRun: { userTaskDef: { version: number; fields: { name: string }[] } } }>(
      'query($id: ID!) { userTaskRun(wfRunId: $id, userTaskGuid: "0-1") { userTaskDef { version fields { name } } } }',
      { id: open.id },
    );
    expect(task.userTaskRun.userTaskDef).toEqual({ version: 0, fields: [{ name: 'ok' }] });
    await client.completeUserTaskRun({ wfRunId: open.id, userTaskGuid: '0-1', userId: 'ada', results: { ok: true } });
    expect((await settled(client, open.id)).status).toBe('COMPLETED');

    // A new def of the name takes version 1, past the deleted 0, and no WfSpec may pin the deleted 0 any more.
    expect((await client.putUserTaskDef({ name: form, fields: [{ name: 'ok', type: 'BOOL', required: true }] })).version).toBe(1);
    const repinned = await refusal(client.putWfSpec({ ...spec, name: unique('repinned') }));
    expect(repinned.code).toBe('ValidationError');
    expect(repinned.problems.map((p) => [p.at, p.code])).toEqual([[expect.stringMatching(/userTaskDefVersion$/) as unknown, 'UNKNOWN_USER_TASK_DEF']]);
    expect(repinned.message).toContain('which was deleted');
  });

  it('gives a node that pins no version the newest left, though another node pins a deleted higher one', async () => {
    const form = unique('form');
    await client.putUserTaskDef({ name: form, fields: [{ name: 'ok', type: 'BOOL' }] });
    await client.putUserTaskDef({ name: form, fields: [{ name: 'ok', type: 'BOOL', required: true }] });
    const name = unique('mixed');
    const spec = new Workflow(name, (wf) => {
      wf.assignUserTask(form, { userGroup: 'ops' });
      wf.assignUserTask(form, { userGroup: 'ops' });
    }).compile();
    // The second USER_TASK pins version 1; the first pins none, as in a WfSpec stored before putWfSpec pinned them.
    const nodes = Object.values(spec.threadSpecs)[0]?.nodes ?? {};
    const second = Object.entries(nodes).filter(([, n]) => n.type === 'USER_TASK')[1]?.[1];
    if (second) Object.assign(second, { userTaskDefVersion: 1 });
    await insertWfSpec(server.app.services.db, 'default', { ...spec, majorVersion: 0, revision: 0 });
    await client.deleteUserTaskDef(form, 1);

    const run = await client.runWf({ wfSpecName: name });
    const [first] = (await client.request<{ wfRun: { userTaskRuns: { userTaskGuid: string; userTaskDefVersion: number }[] } }>(
      'query($id: ID!) { wfRun(id: $id) { userTaskRuns { userTaskGuid userTaskDefVersion } } }',
      { id: run.id },
    )).wfRun.userTaskRuns;
    expect(first?.userTaskDefVersion).toBe(0);
    await client.completeUserTaskRun({ wfRunId: run.id, userTaskGuid: first?.userTaskGuid ?? '', userId: 'ada', results: {} });
    const ended = await settled(client, run.id);
    expect(ended.status).toBe('ERROR');
    expect(ended.nodeRuns.at(-1)?.errorMessage).toContain(`Version 1 of UserTaskDef '${form}' is not registered`);
  });
});

describe('deleteExternalEventDef and deleteWorkflowEventDef', () => {
  it('refuses events of a deleted def and WfSpecs that name one, and keeps what was sent or thrown', async () => {
    const signal = unique('signal');
    const done = unique('done');
    await client.putExternalEventDef({ name: signal });
    await client.putWorkflowEventDef({ name: done });
    const name = unique('events');
    const build = () =>
      new Workflow(name, (wf) => {
        wf.waitForEvent(signal);
        wf.throwEvent(done, 'finished');
      }).compile();
    await client.putWfSpec(build());
    const run = await client.runWf({ wfSpecName: name });
    await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: signal, content: 'go' });
    expect((await settled(client, run.id)).status).toBe('COMPLETED');

    expect(await client.deleteExternalEventDef(signal)).toEqual({ name: signal });
    expect(await client.deleteWorkflowEventDef(done)).toEqual({ name: done });
    expect(await client.externalEventDef(signal)).toBeNull();
    expect(await client.workflowEventDef(done)).toBeNull();
    expect((await refusal(client.putExternalEvent({ wfRunId: run.id, externalEventDefName: signal, content: 'again' }))).code).toBe('NotFoundError');
    const invalid = await refusal(client.putWfSpec(new Workflow(unique('events'), (wf) => void wf.waitForEvent(signal)).compile()));
    expect(invalid.code).toBe('ValidationError');
    expect(invalid.message).toContain(signal);
    // What was sent and thrown stays with the WfRun.
    expect((await client.searchExternalEvents({ externalEventDefName: signal })).items.map((e) => e.wfRunId)).toEqual([run.id]);
    const thrown = await server.app.services.db.select().from(workflowEvents).where(eq(workflowEvents.wfRunId, run.id));
    expect(thrown.map((e) => [e.workflowEventDefName, e.content])).toEqual([[done, 'finished']]);
    expect((await refusal(client.deleteExternalEventDef(signal))).code).toBe('NotFoundError');
    expect((await refusal(client.deleteWorkflowEventDef(done))).code).toBe('NotFoundError');
  });
});
