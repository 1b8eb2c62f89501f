import { TaskWorker, Workflow } from '@gallop/sdk';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startTestServer, unique } from './harness.ts';

const server = await startTestServer(inject('databaseUrl'));
afterAll(() => server.close());
const { client } = server;

async function flakySpec(configure: (task: ReturnType<import('@gallop/sdk').WorkflowThread['execute']>) => void) {
  const task = unique('flaky');
  const spec = unique('retrying');
  await client.putTaskDef({ name: task, returnType: 'STR' });
  await client.putWfSpec(
    new Workflow(spec, (wf) => {
      const out = wf.declareStr('out');
      const node = wf.execute(task);
      configure(node);
      out.assign(node);
    }).compile(),
  );
  return { task, spec };
}

async function claimOne(taskDefName: string, leaseMs = 60_000) {
  const [claimed] = await client.claimTaskRuns({ taskDefName, workerId: 'test', waitMs: 10_000, leaseMs });
  if (!claimed) throw new Error(`nothing to claim for ${taskDefName}`);
  return claimed;
}

async function waitForStatus(id: string, status: string) {
  for (let i = 0; i < 400; i++) {
    const run = await client.wfRun(id);
    if (run?.status === status) return run;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`WfRun ${id} never became ${status}`);
}

describe('retries on the server', () => {
  it('puts a failed attempt back on the queue and completes when a retry succeeds', async () => {
    const { task, spec } = await flakySpec((node) => node.withRetries(2));
    const run = await client.runWf({ wfSpecName: spec });
    const first = await claimOne(task);
    await client.reportTaskRun({ taskRunId: first.taskRunId, attempt: 0, outcome: { status: 'ERROR', message: 'flaky once' } });
    const second = await claimOne(task);
    expect([second.taskRunId, second.attempt]).toEqual([first.taskRunId, 1]);
    await client.reportTaskRun({ taskRunId: second.taskRunId, attempt: 1, outcome: { status: 'SUCCESS', output: 'ok' } });
    const done = await waitForStatus(run.id, 'COMPLETED');
    expect(done.variables.find((v) => v.name === 'out')?.value).toBe('ok');
    const attempts = done.nodeRuns[1]?.taskRun?.attempts ?? [];
    expect(attempts.map((a) => [a.attempt, a.status, a.errorMessage])).toEqual([
      [0, 'TASK_FAILED', 'flaky once'],
      [1, 'TASK_SUCCESS', null],
    ]);
  });

  it('waits out the back-off before offering the retry', async () => {
    const { task, spec } = await flakySpec((node) => node.withRetries(1).withExponentialBackoff({ baseIntervalMs: 400, multiplier: 2, maxDelayMs: 1000 }));
    await client.runWf({ wfSpecName: spec });
    const first = await claimOne(task);
    await client.reportTaskRun({ taskRunId: first.taskRunId, attempt: 0, outcome: { status: 'ERROR', message: 'later please' } });
    const retry = await claimOne(task);
    expect(retry.attempt).toBe(1);
    // The server's own clock: the retry went on the queue no sooner than the back-off after the failure.
    const failedAt = (await client.taskRun(first.taskRunId))?.attempts[0]?.endTime;
    expect(Date.parse(retry.scheduledAt) - Date.parse(failedAt ?? '')).toBeGreaterThanOrEqual(400);
  });

  it('lists the attempt waiting out its back-off as pending, with when it goes on the queue', async () => {
    const { task, spec } = await flakySpec((node) => node.withRetries(1).withExponentialBackoff({ baseIntervalMs: 3_600_000, multiplier: 2, maxDelayMs: 3_600_000 }));
    const run = await client.runWf({ wfSpecName: spec });
    const first = await claimOne(task);
    await client.reportTaskRun({ taskRunId: first.taskRunId, attempt: 0, outcome: { status: 'ERROR', message: 'in an hour' } });
    const waiting = (await client.taskRun(first.taskRunId))!;
    const failedAt = Date.parse(waiting.attempts[0]?.endTime ?? '');
    expect(waiting.attempts.map((a) => [a.attempt, a.status, a.errorMessage, a.workerId, a.endTime])).toEqual([
      [0, 'TASK_FAILED', 'in an hour', 'test', expect.any(String)],
      [1, 'TASK_PENDING', null, null, null],
    ]);
    // The server's own clock: an hour after the failure, which the TaskRun is scheduled for too.
    expect(Date.parse(waiting.attempts[1]?.scheduleTime ?? '') - failedAt).toBe(3_600_000);
    expect([waiting.status, waiting.scheduledAt]).toEqual(['TASK_PENDING', waiting.attempts[1]?.scheduleTime]);
    expect(waiting.attempts[0]?.scheduleTime).toBeNull();
    // The WfRun's NodeRun carries the same TaskRun.
    expect((await client.wfRun(run.id))?.nodeRuns[1]?.taskRun?.attempts.map((a) => a.status)).toEqual(['TASK_FAILED', 'TASK_PENDING']);
  });

  it('times out an attempt whose lease runs out and retries it', async () => {
    const { task, spec } = await flakySpec((node) => node.withRetries(1));
    const run = await client.runWf({ wfSpecName: spec });
    await claimOne(task, 1_000);
    const retry = await claimOne(task);
    expect(retry.attempt).toBe(1);
    await client.reportTaskRun({ taskRunId: retry.taskRunId, attempt: 1, outcome: { status: 'SUCCESS', output: 'second try' } });
    const done = await waitForStatus(run.id, 'COMPLETED');
    expect(done.nodeRuns[1]?.taskRun?.attempts.map((a) => a.status)).toEqual(['TASK_TIMEOUT', 'TASK_SUCCESS']);
  });

  it('fails the WfRun with TIMEOUT when the last attempt times out', async () => {
    const { task, spec } = await flakySpec(() => {});
    const run = await client.runWf({ wfSpecName: spec });
    const claimed = await claimOne(task, 1_000);
    const failed = await waitForStatus(run.id, 'ERROR');
    expect(failed.errorMessage).toBe('TIMEOUT: Task timed out');
    const late = await client.reportTaskRun({ taskRunId: claimed.taskRunId, attempt: 0, outcome: { status: 'SUCCESS', output: 'too late' } });
    expect(late.accepted).toBe(false);
  });

  it("leases a claimed attempt for the node's timeout, not the lease the worker asked for", async () => {
    const { task, spec } = await flakySpec((node) => node.withRetries(1).timeout(1));
    const run = await client.runWf({ wfSpecName: spec });
    const claimedAt = Date.now();
    const first = await claimOne(task, 600_000);
    const leaseMs = Date.parse(first.leaseExpiresAt) - claimedAt;
    expect(leaseMs).toBeGreaterThan(500);
    expect(leaseMs).toBeLessThan(5_000);
    const retry = await claimOne(task);
    expect(retry.attempt).toBe(1);
    await client.reportTaskRun({ taskRunId: retry.taskRunId, attempt: 1, outcome: { status: 'SUCCESS', output: 'in time' } });
    const done = await waitForStatus(run.id, 'COMPLETED');
    expect(done.nodeRuns[1]?.taskRun?.attempts.map((a) => a.status)).toEqual(['TASK_TIMEOUT', 'TASK_SUCCESS']);
  });

  it('runs the TaskDef a variable names (a dynamic task), including one registered after the WfSpec', async () => {
    const spec = unique('dynamic');
    await client.putWfSpec(
      new Workflow(spec, (wf) => {
        const which = wf.declareStr('which').required();
        const out = wf.declareStr('out');
        out.assign(wf.execute(which));
      }).compile(),
    );
    const later = unique('later');
    await client.putTaskDef({ name: later, returnType: 'STR' });
    const run = await client.runWf({ wfSpecName: spec, variables: { which: later } });
    const claimed = await claimOne(later);
    await client.reportTaskRun({ taskRunId: claimed.taskRunId, attempt: 0, outcome: { status: 'SUCCESS', output: 'dynamic' } });
    const done = await waitForStatus(run.id, 'COMPLETED');
    expect(done.variables.find((v) => v.name === 'out')?.value).toBe('dynamic');
    const missing = await client.runWf({ wfSpecName: spec, variables: { which: unique('nobody') } });
    const failed = await waitForStatus(missing.id, 'ERROR');
    expect(failed.nodeRuns[1]).toMatchObject({ status: 'ERROR', errorMessage: expect.stringMatching(/TaskDef 'nobody-.*' is not registered/) });
    // The server keeps a WfSpec's TaskDefs once read; not a dynamic one's, which may name one registered since.
    const since = unique('since');
    const early = await client.runWf({ wfSpecName: spec, variables: { which: since } });
    expect((await waitForStatus(early.id, 'ERROR')).nodeRuns[1]?.errorMessage).toMatch(/is not registered/);
    await client.putTaskDef({ name: since, returnType: 'STR' });
    const now = await client.runWf({ wfSpecName: spec, variables: { which: since } });
    const claimedSince = await claimOne(since);
    await client.reportTaskRun({ taskRunId: claimedSince.taskRunId, attempt: 0, outcome: { status: 'SUCCESS', output: 'since' } });
    expect((await waitForStatus(now.id, 'COMPLETED')).variables.find((v) => v.name === 'out')?.value).toBe('since');
  });
});

describe('what a TaskWorker tells its onError', () => {
  it('that a result came too late to count, its attempt timed out first', async () => {
    const { task, spec } = await flakySpec(() => {});
    const errors: unknown[] = [];
    const worker = new TaskWorker({
      client,
      taskDefName: task,
      leaseMs: 1_000,
      onError: (e) => errors.push(e),
      fn: () => new Promise((resolve) => setTimeout(() => resolve('slow'), 2_500)),
    });
    await worker.start();
    const run = await client.runWf({ wfSpecName: spec, id: unique('late') });
    await expect.poll(async () => (await client.wfRun(run.id))?.status, { timeout: 10_000 }).toBe('ERROR');
    await expect.poll(() => errors.map(String), { timeout: 10_000 }).toContainEqual(expect.stringMatching(/attempt 0 finished after its lease ran out and was not applied: .*raise leaseMs, or call ctx.extendLease/));
    await worker.stop();
  });

  it('that no TaskDef of its name exists, and what a task threw that was no Error', async () => {
    const errors: unknown[] = [];
    const missing = new TaskWorker({ client, taskDefName: unique('nowhere'), pollWaitMs: 100, onError: (e) => errors.push(e), fn: () => null });
    await missing.start();
    await expect.poll(() => errors.map(String)).toContainEqual(expect.stringMatching(/no TaskDef named 'nowhere-.*' is registered, so it claims nothing until one is/));
    await missing.stop();

    const { task, spec } = await flakySpec(() => {});
    const throwing = new TaskWorker({
      client,
      taskDefName: task,
      fn: () => {
        throw { code: 42 };
      },
    });
    await throwing.start();
    const run = await client.runWf({ wfSpecName: spec, id: unique('thrown') });
    await expect.poll(async () => (await client.wfRun(run.id))?.status).toBe('ERROR');
    const [taskRun] = (await client.wfRun(run.id))?.nodeRuns.flatMap((n) => (n.taskRun ? [n.taskRun] : [])) ?? [];
    expect(taskRun?.attempts[0]?.errorMessage).toBe('{"code":42} was thrown');
    await throwing.stop();
  });
});
