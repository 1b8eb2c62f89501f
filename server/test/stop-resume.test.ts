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

    const ended = (await client.stopWfRun(run.id).catch((e: unknown) => e)) as GallopClientError;
    expect(ended.code).toBe('ValidationError');
    expect(ended.message).toMatch(/has already ended \(COMPLETED\)/);
  });

  it('names a WfRun that does not exist', async () => {
    const error = (await client.resumeWfRun('no-such-run').catch((e: unknown) => e)) as GallopClientError;
    expect(error.code).toBe('NotFoundError');
  });
});
