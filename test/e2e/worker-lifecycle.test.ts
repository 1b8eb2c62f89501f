import { defineTask, GallopClient, TaskWorker, Workflow } from '@gallop/sdk';
import type { TaskRunInfo } from '@gallop/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { unique } from '../../server/test/harness.ts';
import { startServer } from '../support/server.ts';
import type { ServerProcess } from '../support/server.ts';
import { waitFor } from '../support/wait.ts';
import { startWorkerProcess } from '../support/worker.ts';

// Issue 5's worker acceptance, on both databases: Task Workers in processes of their own, killed with SIGKILL or
// stopped with SIGTERM while they hold attempts, and a typed task's worker that registers its TaskDef itself.
const databaseUrl = inject('databaseUrl');
let server: ServerProcess;
let client: GallopClient;

beforeAll(async () => {
  server = await startServer({ databaseUrl });
  client = server.client();
});
afterAll(async () => {
  await server?.stop();
});

async function registerOneTaskSpec(name: string, retries = 0): Promise<{ task: string; spec: string }> {
  const task = unique(`${name}-task`);
  const spec = unique(`${name}-spec`);
  await client.putTaskDef({ name: task, inputVars: [{ name: 'n', type: 'INT' }], returnType: 'STR' });
  await client.putWfSpec(
    new Workflow(spec, (wf) => {
      const n = wf.declareInt('n');
      const out = wf.declareStr('out');
      out.assign(wf.execute(task, n).withRetries(retries));
    }).compile(),
  );
  return { task, spec };
}

async function taskRunsOf(wfRunIds: readonly string[]): Promise<TaskRunInfo[]> {
  const runs = await Promise.all(wfRunIds.map((id) => client.wfRun(id)));
  return runs.flatMap((run) => run?.nodeRuns.flatMap((n) => (n.taskRun ? [n.taskRun] : [])) ?? []);
}

describe('Task Workers as processes', () => {
  it('retries the attempts of a worker killed mid-task once their leases expire', async () => {
    const { task, spec } = await registerOneTaskSpec('killed', 1);
    const ids = await Promise.all([1, 2, 3].map(async (n) => (await client.runWf({ wfSpecName: spec, variables: { n } })).id));
    const holderId = unique('holder');
    const holder = await startWorkerProcess({ url: server.url, taskDefNames: [task], workerId: holderId, leaseMs: 2_000, concurrency: 3, hold: true });
    await waitFor(async () => (await taskRunsOf(ids)).every((t) => t.attempts.some((a) => a.workerId === holderId)), { what: 'the holder to claim all three' });
    await holder.kill();

    const worker = new TaskWorker({ client, taskDefName: task, pollWaitMs: 1_000, fn: ({ n }) => `done ${String(n)}` });
    void worker.start();
    try {
      await waitFor(async () => (await Promise.all(ids.map((id) => client.wfRun(id)))).every((r) => r?.status === 'COMPLETED'), {
        timeoutMs: 30_000,
        what: 'the WfRuns to complete after the holder died',
      });
    } finally {
      await worker.stop();
    }
    const taskRuns = await taskRunsOf(ids);
    expect(taskRuns.map((t) => t.attempts.map((a) => [a.attempt, a.status, a.workerId === holderId]))).toEqual(
      ids.map(() => [
        [0, 'TASK_TIMEOUT', true],
        [1, 'TASK_SUCCESS', false],
      ]),
    );
    expect((await Promise.all(ids.map((id) => client.wfRun(id)))).map((r) => r?.variables.find((v) => v.name === 'out')?.value).sort()).toEqual([
      'done 1',
      'done 2',
      'done 3',
    ]);
  });

  it('finishes and reports each attempt it holds on SIGTERM, then exits: nothing lost, nothing reported twice', async () => {
    const { task, spec } = await registerOneTaskSpec('sigterm');
    const ids = await Promise.all([1, 2, 3, 4].map(async (n) => (await client.runWf({ wfSpecName: spec, variables: { n } })).id));
    const workerId = unique('graceful');
    // Each attempt says when it starts and then takes 3 s: the SIGTERM lands while all four run.
    const worker = await startWorkerProcess({ url: server.url, taskDefNames: [task], workerId, concurrency: 4, taskMs: 3_000 });
    await waitFor(async () => worker.output().split('\n').filter((line) => line.startsWith('started ')).length === 4, { what: 'the worker to start all four' });
    const exited = new Promise<number | null>((resolve) => worker.child.once('exit', (code) => resolve(code)));
    worker.child.kill('SIGTERM');
    // Started while the worker finishes what it holds: a stopping worker claims nothing more.
    const later = await client.runWf({ wfSpecName: spec, variables: { n: 5 } });
    expect(await exited).toBe(0);
    expect(worker.output()).toContain('worker stopped');

    // Every report was sent before the process left: no waiting on a lease here.
    const runs = await Promise.all(ids.map((id) => client.wfRun(id)));
    expect(runs.map((r) => r?.status)).toEqual(ids.map(() => 'COMPLETED'));
    const taskRuns = await taskRunsOf(ids);
    expect(taskRuns.map((t) => t.attempts.map((a) => [a.attempt, a.status, a.workerId]))).toEqual(ids.map(() => [[0, 'TASK_SUCCESS', workerId]]));
    expect((await taskRunsOf([later.id])).map((t) => t.status)).toEqual(['TASK_SCHEDULED']);
  });

  it('registers the TaskDef of a typed task at start, and refuses to start against a different one', async () => {
    const name = unique('typed');
    const greet = defineTask({ name, inputVars: [{ name: 'who', type: 'STR' }], returnType: 'STR' }, ({ who }) => `Hello, ${who}!`);
    const spec = unique('typed-spec');
    const worker = new TaskWorker({ client, task: greet, pollWaitMs: 1_000 });
    await worker.start();
    expect(await client.taskDef(name)).toMatchObject({ name, inputVars: [{ name: 'who', type: 'STR' }], returnType: 'STR' });
    await client.putWfSpec(
      new Workflow(spec, (wf) => {
        const who = wf.declareStr('who');
        const greeting = wf.declareStr('greeting');
        greeting.assign(wf.execute(greet, who));
      }).compile(),
    );
    const run = await client.runWf({ wfSpecName: spec, variables: { who: 'Ada' } });
    await waitFor(async () => (await client.wfRun(run.id))?.status === 'COMPLETED', { what: 'the typed task to run' });
    expect((await client.wfRun(run.id))?.variables.find((v) => v.name === 'greeting')?.value).toBe('Hello, Ada!');
    await worker.stop();

    const errors: unknown[] = [];
    const clash = defineTask({ name, inputVars: [{ name: 'who', type: 'INT' }], returnType: 'STR' }, ({ who }) => String(who));
    const refused = new TaskWorker({ client, task: clash, onError: (error) => errors.push(error) });
    await expect(refused.start()).rejects.toThrow(`cannot register TaskDef '${name}'`);
    await refused.stop();
    expect(errors).toHaveLength(1);
  });
});
