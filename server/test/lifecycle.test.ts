import { GallopClientError, Workflow } from '@gallop/sdk';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startTestServer, unique } from './harness.ts';

const server = await startTestServer(inject('databaseUrl'));
afterAll(() => server.close());
const { client } = server;

async function oneTaskSpec() {
  const task = unique('work');
  const spec = unique('one-task');
  await client.putTaskDef({ name: task, returnType: 'STR' });
  await client.putWfSpec(
    new Workflow(spec, (wf) => {
      const out = wf.declareStr('out');
      out.assign(wf.execute(task));
    }).compile(),
  );
  return { task, spec };
}

async function claimOne(taskDefName: string, leaseMs = 60_000) {
  const [claimed] = await client.claimTaskRuns({ taskDefName, workerId: 'test', waitMs: 10_000, leaseMs });
  if (!claimed) throw new Error(`nothing to claim for ${taskDefName}`);
  return claimed;
}

const rejected = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as GallopClientError);

describe('deleteWfRun', () => {
  it('deletes a running WfRun with everything it owns; a worker holding its TaskRun hears accepted: false', async () => {
    const { task, spec } = await oneTaskSpec();
    const run = await client.runWf({ wfSpecName: spec });
    const claimed = await claimOne(task);
    expect(await client.deleteWfRun(run.id)).toEqual({ id: run.id });
    expect(await client.wfRun(run.id)).toBeNull();
    const report = await rejected(client.reportTaskRun({ taskRunId: claimed.taskRunId, attempt: 0, outcome: { status: 'SUCCESS', output: 'late' } }));
    expect(report).toMatchObject({ code: 'NotFoundError' });
    // The id is free again, and nothing of the old WfRun leaks into the new one.
    const again = await client.runWf({ wfSpecName: spec, id: run.id });
    const info = await client.wfRun(again.id);
    expect(info?.status).toBe('RUNNING');
    expect(info?.nodeRuns.map((n) => n.position)).toEqual([0, 1]);
  });

  it('answers NotFoundError for a WfRun that does not exist', async () => {
    expect(await rejected(client.deleteWfRun(unique('ghost')))).toMatchObject({ code: 'NotFoundError' });
  });
});

describe('migrateWfSpec', () => {
  it('moves a WfRun to a later revision, which decides what comes after the node it stands on', async () => {
    const first = unique('first');
    const second = unique('second');
    const spec = unique('migrating');
    await client.putTaskDef({ name: first, returnType: 'STR' });
    await client.putTaskDef({ name: second, returnType: 'STR' });
    // Node names are the same in both revisions: only what follows the first task changes.
    await client.putWfSpec(new Workflow(spec, (wf) => void wf.declareStr('out').assign(wf.execute(first))).compile());
    const run = await client.runWf({ wfSpecName: spec });
    const v2 = await client.putWfSpec(
      new Workflow(spec, (wf) => {
        const out = wf.declareStr('out');
        out.assign(wf.execute(first));
        out.assign(wf.execute(second));
      }).compile(),
    );
    expect([v2.majorVersion, v2.revision]).toEqual([0, 1]);
    const moved = await client.migrateWfSpec(run.id);
    expect([moved.majorVersion, moved.revision]).toEqual([0, 1]);
    const a = await claimOne(first);
    await client.reportTaskRun({ taskRunId: a.taskRunId, attempt: 0, outcome: { status: 'SUCCESS', output: 'a' } });
    const b = await claimOne(second);
    expect(b.wfRunId).toBe(run.id);
  });

  it('refuses a revision that removes the node a thread stands on, with the place as a problem', async () => {
    const first = unique('first');
    const spec = unique('migrating');
    await client.putTaskDef({ name: first, returnType: 'STR' });
    await client.putWfSpec(new Workflow(spec, (wf) => void wf.declareStr('out').assign(wf.execute(first))).compile());
    const run = await client.runWf({ wfSpecName: spec });
    await client.putWfSpec(new Workflow(spec, (wf) => void wf.declareStr('out').assign('no task')).compile());
    const error = await rejected(client.migrateWfSpec(run.id));
    expect(error).toMatchObject({ code: 'ValidationError' });
    expect(error?.problems[0]).toMatchObject({ code: 'MISSING_NODE', path: ['threadSpecs', 'entrypoint', 'nodes', `1-${first}-TASK`] });
    expect((await client.wfRun(run.id))?.revision).toBe(0);
  });
});

describe('extendTaskRunLease', () => {
  it('keeps a long task from timing out, and says extended: false once the attempt is over', async () => {
    const { task, spec } = await oneTaskSpec();
    const run = await client.runWf({ wfSpecName: spec });
    const claimed = await claimOne(task, 1_000);
    const extended = await client.extendTaskRunLease({ taskRunId: claimed.taskRunId, attempt: 0, leaseMs: 60_000 });
    expect(extended.extended).toBe(true);
    expect(Date.parse(extended.leaseExpiresAt ?? '')).toBeGreaterThan(Date.parse(claimed.leaseExpiresAt) + 30_000);
    // Past the first lease, the attempt is still the worker's.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await client.wfRun(run.id))?.nodeRuns[1]?.taskRun?.status).toBe('TASK_RUNNING');
    await client.reportTaskRun({ taskRunId: claimed.taskRunId, attempt: 0, outcome: { status: 'SUCCESS', output: 'done' } });
    expect(await client.extendTaskRunLease({ taskRunId: claimed.taskRunId, attempt: 0 })).toEqual({ extended: false, leaseExpiresAt: null });
  });

  it('refuses a lease of no time', async () => {
    expect(await rejected(client.extendTaskRunLease({ taskRunId: 'r/0-1', attempt: 0, leaseMs: 0 }))).toMatchObject({ code: 'ValidationError' });
  });
});
