import { GallopClient, TaskContext, TaskException, TaskWorker, Workflow } from '@gallop/sdk';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startTestServer, unique } from '../../server/test/harness.ts';
import { createDeferred, waitFor } from '../support/wait.ts';

const server = await startTestServer(inject('databaseUrl'));
afterAll(() => server.close());

async function oneTaskSpec(): Promise<{ task: string; spec: string }> {
  const task = unique('work');
  const spec = unique('one-task');
  await server.client.putTaskDef({ name: task, inputVars: [{ name: 'i', type: 'INT' }], returnType: 'INT' });
  await server.client.putWfSpec(
    new Workflow(spec, (wf) => {
      const i = wf.declareInt('i');
      i.assign(wf.execute(task, i));
    }).compile(),
  );
  return { task, spec };
}

describe('TaskWorker', () => {
  it('never runs more attempts at once than its concurrency', async () => {
    const { task, spec } = await oneTaskSpec();
    let running = 0;
    let most = 0;
    const worker = new TaskWorker({
      client: server.client,
      taskDefName: task,
      concurrency: 3,
      pollWaitMs: 1_000,
      fn: async ({ i }) => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, 30));
        running--;
        return (i as number) * 10;
      },
    });
    // Twelve TaskRuns wait before the worker starts, so every claim could take more than three.
    const runs = await Promise.all(Array.from({ length: 12 }, (_, i) => server.client.runWf({ wfSpecName: spec, variables: { i } })));
    worker.start();
    try {
      for (const run of runs) {
        await waitFor(async () => (await server.client.wfRun(run.id))?.status === 'COMPLETED', { what: `WfRun ${run.id}` });
      }
      expect(most).toBe(3);
    } finally {
      await worker.stop();
    }
  });

  it('tells the function about its attempt: WfRun, NodeRun, TaskRun, attempt and idempotency key', async () => {
    const { task, spec } = await oneTaskSpec();
    const seen = createDeferred<TaskContext>();
    const worker = new TaskWorker({ client: server.client, taskDefName: task, pollWaitMs: 1_000, fn: (_input, ctx) => (seen.resolve(ctx), 1) });
    void worker.start();
    try {
      const run = await server.client.runWf({ wfSpecName: spec, variables: { i: 1 } });
      const ctx = await seen.promise;
      const taskNode = (await server.client.wfRun(run.id))?.nodeRuns.find((n) => n.taskRun);
      expect({ wfRunId: ctx.wfRunId, nodeRunId: ctx.nodeRunId, taskRunId: ctx.taskRunId, attempt: ctx.attempt, key: ctx.idempotencyKey }).toEqual({
        wfRunId: run.id,
        nodeRunId: { wfRunId: run.id, threadRunNumber: taskNode?.threadRunNumber, position: taskNode?.position },
        taskRunId: taskNode?.taskRun?.id,
        attempt: 0,
        key: taskNode?.taskRun?.id,
      });
    } finally {
      await worker.stop();
    }
  });

  it('reports a TaskException as an EXCEPTION with its name and content', async () => {
    const { task, spec } = await oneTaskSpec();
    const worker = new TaskWorker({
      client: server.client,
      taskDefName: task,
      pollWaitMs: 1_000,
      fn: () => {
        throw new TaskException('out-of-stock', 'No widgets left', { sku: 'w-1' });
      },
    });
    worker.start();
    try {
      const run = await server.client.runWf({ wfSpecName: spec, variables: { i: 1 } });
      const ended = await waitFor(async () => {
        const current = await server.client.wfRun(run.id);
        return current?.status === 'EXCEPTION' ? current : undefined;
      });
      const attempt = ended.nodeRuns[1]?.taskRun?.attempts[0];
      expect(attempt?.status).toBe('TASK_EXCEPTION');
      expect(attempt?.exceptionName).toBe('out-of-stock');
      expect(attempt?.output).toEqual({ sku: 'w-1' });
      expect(ended.errorMessage).toBe('out-of-stock: No widgets left');
    } finally {
      await worker.stop();
    }
  });

  it('finishes and reports what it holds when stopped', async () => {
    const { task, spec } = await oneTaskSpec();
    const started = createDeferred();
    const release = createDeferred();
    const worker = new TaskWorker({
      client: server.client,
      taskDefName: task,
      pollWaitMs: 1_000,
      fn: async () => {
        started.resolve();
        await release.promise;
        return 7;
      },
    });
    worker.start();
    const run = await server.client.runWf({ wfSpecName: spec, variables: { i: 0 } });
    await started.promise;
    const stopped = worker.stop();
    let stoppedYet = false;
    void stopped.then(() => (stoppedYet = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stoppedYet).toBe(false);
    release.resolve();
    await stopped;
    const after = await server.client.wfRun(run.id);
    expect(after?.status).toBe('COMPLETED');
    expect(after?.variables.find((v) => v.name === 'i')?.value).toBe(7);
  });

  it('gives up on attempts still running after stop\'s timeout: their signal aborts and nothing is reported', async () => {
    const { task, spec } = await oneTaskSpec();
    const started = createDeferred();
    let seen: AbortSignal | undefined;
    const worker = new TaskWorker({
      client: server.client,
      taskDefName: task,
      pollWaitMs: 1_000,
      fn: async (_input, ctx) => {
        seen = ctx.signal;
        started.resolve();
        // Ends only when the worker lets it go, and then with a value that must not be reported.
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        return 99;
      },
    });
    void worker.start();
    const run = await server.client.runWf({ wfSpecName: spec, variables: { i: 0 } });
    await started.promise;
    await worker.stop({ timeoutMs: 200 });
    expect(seen?.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const [taskRun] = (await server.client.wfRun(run.id))?.nodeRuns.flatMap((n) => (n.taskRun ? [n.taskRun] : [])) ?? [];
    // Left to its lease: still running as far as the server knows, with no attempt reported.
    expect([taskRun?.status, taskRun?.attempts]).toEqual(['TASK_RUNNING', []]);
  });

  it('still sends each report at once after a claim that failed', async () => {
    const { task, spec } = await oneTaskSpec();
    // The first claim is lost on its way, as when the server drops a connection; everything else goes through.
    let lost = 0;
    const client = new GallopClient({
      url: server.graphqlUrl,
      fetch: (input, init) => {
        if (lost === 0 && typeof init?.body === 'string' && init.body.includes('claimTaskRuns')) {
          lost++;
          return Promise.reject(new TypeError('fetch failed'));
        }
        return fetch(input, init);
      },
    });
    const errors: unknown[] = [];
    // A report held back until the next claim would wait out this long poll, well past the lease.
    const worker = new TaskWorker({ client, taskDefName: task, pollWaitMs: 20_000, leaseMs: 2_000, onError: (e) => errors.push(e), fn: ({ i }) => (i as number) + 1 });
    worker.start();
    try {
      await waitFor(() => lost === 1, { what: 'the lost claim' });
      const run = await server.client.runWf({ wfSpecName: spec, variables: { i: 1 } });
      const ended = await waitFor(async () => {
        const current = await server.client.wfRun(run.id);
        return current?.status === 'RUNNING' ? undefined : current;
      }, { timeoutMs: 30_000 });
      expect(ended?.status).toBe('COMPLETED');
      expect(ended?.nodeRuns[1]?.taskRun?.attempts.map((a) => a.status)).toEqual(['TASK_SUCCESS']);
      expect(errors).toHaveLength(1);
    } finally {
      await worker.stop();
    }
  });

  it('keeps a long attempt alive with ctx.extendLease, past the lease it claimed with', async () => {
    const { task, spec } = await oneTaskSpec();
    const extensions: boolean[] = [];
    const worker = new TaskWorker({
      client: server.client,
      taskDefName: task,
      pollWaitMs: 1_000,
      leaseMs: 1_000,
      fn: async (_input, ctx) => {
        // Three heartbeats over 1.8 s: without them the 1 s lease would run out and the attempt time out.
        for (let beat = 0; beat < 3; beat++) {
          extensions.push(await ctx.extendLease(1_000));
          await new Promise((resolve) => setTimeout(resolve, 600));
        }
        return 1;
      },
    });
    worker.start();
    const run = await server.client.runWf({ wfSpecName: spec, variables: { i: 0 } });
    await waitFor(async () => (await server.client.wfRun(run.id))?.status === 'COMPLETED', { timeoutMs: 10_000 });
    await worker.stop();
    expect(extensions).toEqual([true, true, true]);
    const info = await server.client.wfRun(run.id);
    expect(info?.nodeRuns[1]?.taskRun?.attempts.map((a) => a.status)).toEqual(['TASK_SUCCESS']);
  });

  it('aborts ctx.signal when the attempt is no longer the worker\'s', async () => {
    const { task, spec } = await oneTaskSpec();
    const [claimed, run] = await Promise.all([
      server.client.claimTaskRuns({ taskDefName: task, workerId: 'w', waitMs: 5_000 }),
      server.client.runWf({ wfSpecName: spec, variables: { i: 0 } }),
    ]);
    const scheduled = claimed[0];
    if (!scheduled) throw new Error('nothing claimed');
    await server.client.reportTaskRun({ taskRunId: scheduled.taskRunId, attempt: 0, outcome: { status: 'SUCCESS', output: 1 } });
    const ctx = new TaskContext(scheduled, server.client);
    expect(await ctx.extendLease()).toBe(false);
    expect(ctx.signal.aborted).toBe(true);
    expect((await server.client.wfRun(run.id))?.status).toBe('COMPLETED');
  });

  it('reports a batch in one request: each answer says whether its report counted', async () => {
    const { task, spec } = await oneTaskSpec();
    const runs = await Promise.all([1, 2, 3].map((i) => server.client.runWf({ wfSpecName: spec, variables: { i } })));
    const claimed = await server.client.claimTaskRuns({ taskDefName: task, workerId: 'batcher', max: 3, waitMs: 5_000 });
    expect(claimed).toHaveLength(3);
    const answers = await server.client.reportTaskRuns([
      ...claimed.map((c) => ({ taskRunId: c.taskRunId, attempt: c.attempt, outcome: { status: 'SUCCESS' as const, output: 10 } })),
      { taskRunId: claimed[0]!.taskRunId, attempt: 0, outcome: { status: 'SUCCESS' as const, output: 10 } },
      { taskRunId: 'not a task run id', attempt: 0, outcome: { status: 'SUCCESS' as const, output: 1 } },
    ]);
    // The batch runs concurrently: of the two reports for the first TaskRun, either may win, and only one counts.
    expect([answers[0]?.accepted, answers[3]?.accepted].filter(Boolean)).toEqual([true]);
    expect(answers.map((a) => [a.accepted, a.error]).filter((_, i) => i !== 0 && i !== 3)).toEqual([[true, null], [true, null], [false, 'ValidationError']]);
    for (const run of runs) {
      await waitFor(async () => (await server.client.wfRun(run.id))?.status === 'COMPLETED');
      expect((await server.client.wfRun(run.id))?.variables.find((v) => v.name === 'i')?.value).toBe(10);
    }
  });
});
