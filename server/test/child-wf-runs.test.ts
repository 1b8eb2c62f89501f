import type { WfSpec } from '@gallop/engine';
import { Workflow } from '@gallop/sdk';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { refusal, startTestServer, unique } from './harness.ts';

const server = await startTestServer(inject('databaseUrl'));
afterAll(() => server.close());
const { client } = server;

async function waitForStatus(id: string, statuses: string[]) {
  for (let i = 0; i < 400; i++) {
    const run = await client.wfRun(id);
    if (run && statuses.includes(run.status)) return run;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`WfRun ${id} never became ${statuses.join(' or ')}`);
}

/** A child WfSpec that runs `task` on its `order` input and returns the output, and a parent that runs it and waits. */
async function parentAndChild(childSpecName?: string) {
  const task = unique('ship');
  const child = childSpecName ?? unique('shipping');
  const parent = unique('ordering');
  await client.putTaskDef({ name: task, inputVars: [{ name: 'order', type: 'STR' }], returnType: 'STR' });
  if (!childSpecName) {
    await client.putWfSpec(
      new Workflow(child, (wf) => {
        const order = wf.declareStr('order').required();
        const label = wf.declareStr('label');
        label.assign(wf.execute(task, order));
        wf.complete(label);
      }).compile(),
    );
  }
  await client.putWfSpec(
    new Workflow(parent, (wf) => {
      const order = wf.declareStr('order').required();
      const shipped = wf.declareStr('shipped');
      const spawned = wf.runWf(childSpecName ?? child, { order });
      shipped.assign(wf.waitForChildWf(spawned));
      wf.complete(shipped);
    }).compile(),
  );
  return { task, child, parent };
}

async function claimOne(taskDefName: string) {
  const [claimed] = await client.claimTaskRuns({ taskDefName, workerId: 'test', waitMs: 10_000 });
  if (!claimed) throw new Error(`nothing to claim for ${taskDefName}`);
  return claimed;
}

describe('child WfRuns on the server', () => {
  it('starts the child, and the parent takes its output when it completes', async () => {
    const { task, child, parent } = await parentAndChild();
    const run = await client.runWf({ wfSpecName: parent, variables: { order: 'o-1' } });
    const claimed = await claimOne(task);
    // The child's id names its parent, as LittleHorse prints parent_child.
    expect(claimed.wfRunId).toMatch(new RegExp(`^${run.id}_`));
    expect(claimed.input).toEqual({ order: 'o-1' });
    const childRun = await client.wfRun(claimed.wfRunId);
    expect(childRun).toMatchObject({ wfSpecName: child, status: 'RUNNING' });
    await client.reportTaskRun({ taskRunId: claimed.taskRunId, attempt: 0, outcome: { status: 'SUCCESS', output: 'label-o-1' } });
    const done = await waitForStatus(run.id, ['COMPLETED', 'ERROR', 'EXCEPTION']);
    expect(done.status).toBe('COMPLETED');
    expect(done.variables.find((v) => v.name === 'shipped')?.value).toBe('label-o-1');
    expect((await client.wfRun(claimed.wfRunId))?.status).toBe('COMPLETED');
  });

  it("fails the parent's wait with CHILD_FAILURE when the child fails with an ERROR", async () => {
    const { task, parent } = await parentAndChild();
    const run = await client.runWf({ wfSpecName: parent, variables: { order: 'o-2' } });
    const claimed = await claimOne(task);
    await client.reportTaskRun({ taskRunId: claimed.taskRunId, attempt: 0, outcome: { status: 'ERROR', message: 'printer jammed' } });
    const failed = await waitForStatus(run.id, ['ERROR', 'EXCEPTION', 'COMPLETED']);
    expect(failed.status).toBe('ERROR');
    expect(failed.errorMessage).toMatch(/printer jammed|failed/);
  });

  it('starts the child with a required input the parent left NULL, as LittleHorse does, though runWf refuses that', async () => {
    const { task, child } = await parentAndChild();
    const parent = unique('ordering');
    await client.putWfSpec(
      new Workflow(parent, (wf) => {
        const order = wf.declareStr('order');
        wf.waitForChildWf(wf.runWf(child, { order }));
      }).compile(),
    );
    const run = await client.runWf({ wfSpecName: parent });
    const claimed = await claimOne(task);
    expect(claimed.wfRunId).toMatch(new RegExp(`^${run.id}_`));
    expect(claimed.input).toEqual({ order: null });
    const childRun = await client.wfRun(claimed.wfRunId);
    expect(childRun).toMatchObject({ wfSpecName: child, status: 'RUNNING' });
    expect(childRun?.variables.find((v) => v.name === 'order')?.value).toBeNull();
    expect((await refusal(client.runWf({ wfSpecName: child }))).code).toBe('ValidationError');
  });

  it('refuses a parent whose child WfSpec is not registered, as LittleHorse does', async () => {
    const refused = await parentAndChild(unique('nowhere')).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'ValidationError', problems: [{ code: 'UNKNOWN_WF_SPEC', message: expect.stringMatching(/runs WfSpec 'nowhere-.*', which is not registered/) }] });
  });

  it('registers a WfSpec that runs itself, before it exists, and leaves that node unpinned', async () => {
    const name = unique('recursive');
    const recursive = new Workflow(name, (wf) => {
      const depth = wf.declareInt('depth').withDefault(0);
      wf.doIf(depth.isLessThan(1), (t) => void t.waitForChildWf(t.runWf(name, { depth: 1 })));
    });
    await recursive.register(client);
    const registered = (await client.wfSpec(name))?.spec as unknown as WfSpec;
    const runs = Object.values(registered.threadSpecs.entrypoint?.nodes ?? {}).filter((n) => n.type === 'RUN_CHILD_WF');
    expect(runs).toHaveLength(1);
    expect(runs[0]).not.toHaveProperty('majorVersion');
    const run = await client.runWf({ wfSpecName: name });
    expect((await waitForStatus(run.id, ['COMPLETED', 'ERROR', 'EXCEPTION'])).status).toBe('COMPLETED');
  });

  it('fails the wait with CHILD_FAILURE when the child WfSpec was deleted since', async () => {
    const { child, parent } = await parentAndChild();
    await client.deleteWfSpec({ name: child, majorVersion: 0, revision: 0 });
    const run = await client.runWf({ wfSpecName: parent, variables: { order: 'o-3' } });
    const failed = await waitForStatus(run.id, ['ERROR', 'EXCEPTION', 'COMPLETED']);
    expect(failed.status).toBe('ERROR');
    expect(failed.errorMessage).toMatch(new RegExp(`Couldn't find WfSpec ${child}`));
  });

  it("runs the child's major version that was newest when the parent was registered, as LittleHorse pins it", async () => {
    const { task, child, parent } = await parentAndChild();
    // A breaking new major version of the child: it requires a variable the parent does not give.
    await client.putWfSpec(
      new Workflow(child, (wf) => {
        wf.declareStr('order').required();
        wf.declareInt('priority').required();
      }).compile(),
    );
    const registered = (await client.wfSpec(parent))?.spec as unknown as WfSpec;
    const runs = Object.values(registered.threadSpecs.entrypoint?.nodes ?? {}).filter((n) => n.type === 'RUN_CHILD_WF');
    expect(runs).toMatchObject([{ wfSpecName: child, majorVersion: 0 }]);
    const run = await client.runWf({ wfSpecName: parent, variables: { order: 'o-4' } });
    const claimed = await claimOne(task);
    expect(await client.wfRun(claimed.wfRunId)).toMatchObject({ wfSpecName: child, majorVersion: 0 });
    await client.reportTaskRun({ taskRunId: claimed.taskRunId, attempt: 0, outcome: { status: 'SUCCESS', output: 'label-o-4' } });
    expect((await waitForStatus(run.id, ['COMPLETED', 'ERROR', 'EXCEPTION'])).status).toBe('COMPLETED');
    // Registered again, the parent pins the new major version, and validation checks the inputs against it.
    const again = await parentAndChild(child).catch((error: unknown) => error);
    expect(again).toMatchObject({ code: 'ValidationError', problems: [{ code: 'MISSING_REQUIRED_VARIABLE', message: expect.stringMatching(/priority/) }] });
  });
});
