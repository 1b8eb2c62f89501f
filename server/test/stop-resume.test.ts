import { GallopClientError, Workflow } from '@gallop/sdk';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startTestServer, unique } from './harness.ts';

const server = await startTestServer(inject('databaseUrl'));
afterAll(() => server.close());
const { client } = server;

describe('stopWfRun and resumeWfRun', () => {
  it('halts a WfRun after its running TaskRun, and resumes it to completion', async () => {
    const task = unique('step');
    const spec = unique('two-steps');
    await client.putTaskDef({ name: task, returnType: 'STR' });
    await client.putWfSpec(
      new Workflow(spec, (wf) => {
        wf.execute(task);
        wf.execute(task);
      }).compile(),
    );
    const run = await client.runWf({ wfSpecName: spec });
    const [first] = await client.claimTaskRuns({ taskDefName: task, workerId: 'w', waitMs: 2_000 });
    expect((await client.stopWfRun(run.id)).status).toBe('HALTING');
    expect((await client.stopWfRun(run.id)).status).toBe('HALTING');
    await client.reportTaskRun({ taskRunId: first!.taskRunId, attempt: 0, outcome: { status: 'SUCCESS', output: 'one' } });
    expect((await client.wfRun(run.id))?.status).toBe('HALTED');
    // Nothing is scheduled while it is stopped.
    expect(await client.claimTaskRuns({ taskDefName: task, workerId: 'w', waitMs: 100 })).toEqual([]);

    expect((await client.resumeWfRun(run.id)).status).toBe('RUNNING');
    const [second] = await client.claimTaskRuns({ taskDefName: task, workerId: 'w', waitMs: 2_000 });
    await client.reportTaskRun({ taskRunId: second!.taskRunId, attempt: 0, outcome: { status: 'SUCCESS', output: 'two' } });
    expect((await client.wfRun(run.id))?.status).toBe('COMPLETED');

    // As in LittleHorse, stopping what has ended is no error: the answer shows it ended, its log does not move.
    const lastSeq = (await client.wfRun(run.id))?.lastSeq;
    expect((await client.stopWfRun(run.id)).status).toBe('COMPLETED');
    expect((await client.resumeWfRun(run.id)).status).toBe('COMPLETED');
    expect((await client.wfRun(run.id))?.lastSeq).toBe(lastSeq);
    const unknown = (await client.stopWfRun(run.id, 9).catch((e: unknown) => e)) as GallopClientError;
    expect(unknown).toMatchObject({ code: 'ValidationError', message: expect.stringMatching(/has no ThreadRun 9/) });
  });

  it('rescues a WfRun whose task failed, running the task again', async () => {
    const task = unique('fragile');
    const spec = unique('rescue-me');
    await client.putTaskDef({ name: task, returnType: 'STR' });
    await client.putWfSpec(new Workflow(spec, (wf) => void wf.execute(task)).compile());
    const run = await client.runWf({ wfSpecName: spec });
    const [first] = await client.claimTaskRuns({ taskDefName: task, workerId: 'w', waitMs: 2_000 });
    await client.reportTaskRun({ taskRunId: first!.taskRunId, attempt: 0, outcome: { status: 'ERROR', message: 'disk full' } });
    expect((await client.wfRun(run.id))?.status).toBe('ERROR');
    expect((await client.rescueThreadRun(run.id)).status).toBe('RUNNING');
    const [again] = await client.claimTaskRuns({ taskDefName: task, workerId: 'w', waitMs: 2_000 });
    expect(again!.taskRunId).not.toBe(first!.taskRunId);
    await client.reportTaskRun({ taskRunId: again!.taskRunId, attempt: 0, outcome: { status: 'SUCCESS', output: 'ok' } });
    const done = await client.wfRun(run.id);
    expect(done?.status).toBe('COMPLETED');
    expect(done?.nodeRuns.map((n) => [n.nodeName, n.status])).toEqual([
      ['0-entrypoint-ENTRYPOINT', 'COMPLETED'],
      [`1-${task}-TASK`, 'ERROR'],
      [`1-${task}-TASK`, 'COMPLETED'],
      ['2-exit-EXIT', 'COMPLETED'],
    ]);
    const again2 = (await client.rescueThreadRun(run.id).catch((e: unknown) => e)) as GallopClientError;
    expect(again2.code).toBe('ValidationError');
  });

  it('names a WfRun that does not exist', async () => {
    const error = (await client.resumeWfRun('no-such-run').catch((e: unknown) => e)) as GallopClientError;
    expect(error.code).toBe('NotFoundError');
  });

  it('records the result of a TaskRun left running when a sibling thread failed its WfRun', async () => {
    const task = unique('side-step');
    const spec = unique('left-running');
    await client.putTaskDef({ name: task, returnType: 'STR' });
    await client.putWfSpec(
      new Workflow(spec, (wf) => {
        wf.spawnThread('side', (side) => void side.execute(task));
        wf.fail('gave-up', 'The entrypoint gives up at once.');
      }).compile(),
    );
    const run = await client.runWf({ wfSpecName: spec });
    expect(run.status).toBe('EXCEPTION');
    // The side thread's TaskRun was scheduled before the failure; a worker still takes it and runs it.
    const [left] = await client.claimTaskRuns({ taskDefName: task, workerId: 'w', waitMs: 2_000 });
    expect(left).toBeDefined();
    const lastSeq = (await client.wfRun(run.id))?.lastSeq ?? 0;
    const answer = await client.reportTaskRun({ taskRunId: left!.taskRunId, attempt: 0, outcome: { status: 'SUCCESS', output: 'done anyway' } });
    expect(answer.accepted).toBe(true);
    expect(await client.taskRun(left!.taskRunId)).toMatchObject({ status: 'TASK_SUCCESS' });
    const counts = await client.request<{ taskDef: { runningCount: number } }>('query($name: String!) { taskDef(name: $name) { runningCount } }', { name: task });
    expect(counts.taskDef.runningCount).toBe(0);
    // Recorded (the attempt and its NodeRun end), and nothing else: the WfRun stays as it ended.
    const after = await client.wfRun(run.id);
    expect(after).toMatchObject({ status: 'EXCEPTION', lastSeq: lastSeq + 2 });
  });
});
