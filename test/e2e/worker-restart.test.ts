import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GallopClient, TaskWorker, Workflow } from '@gallop/sdk';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { unique } from '../../server/test/harness.ts';
import { startServer } from '../support/server.ts';
import type { ServerProcess } from '../support/server.ts';
import { createDeferred, waitFor } from '../support/wait.ts';

// A TaskWorker whose server goes away while an attempt runs, on both databases: PostgreSQL, or PGlite restarted
// on the same directory.
const databaseUrl = inject('databaseUrl');
const dataDir = databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'gallop-worker-restart-'));
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('a TaskWorker across a server restart', () => {
  it('keeps the report of an attempt that ended while the server was down, and delivers it once it is back', { timeout: 120_000 }, async () => {
    server = await startServer({ databaseUrl, dataDir });
    const port = new URL(server.url).port;
    // The restarted server listens on the same port, so this client stays valid.
    const client = new GallopClient({ url: server.graphqlUrl });
    const task = unique('outlived');
    const spec = unique('outlived-spec');
    await client.putTaskDef({ name: task, returnType: 'INT' });
    await client.putWfSpec(new Workflow(spec, (wf) => void wf.execute(task)).compile());

    const started = createDeferred();
    const release = createDeferred();
    const errors: unknown[] = [];
    const worker = new TaskWorker({
      client,
      taskDefName: task,
      pollWaitMs: 1_000,
      leaseMs: 120_000,
      fn: async () => {
        started.resolve();
        await release.promise;
        return 42;
      },
      onError: (error) => errors.push(error),
    });
    worker.start();
    const run = await client.runWf({ wfSpecName: spec });
    await started.promise;

    await server.kill();
    release.resolve();
    // Longer than a worker used to keep trying (about 6 s) before it dropped a report.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    // PGlite: the crashed process's lock on the directory goes stale after a few seconds.
    server = await waitFor(() => startServer({ databaseUrl, dataDir, env: { PORT: port } }).catch(() => undefined), {
      timeoutMs: 60_000,
      intervalMs: 1_000,
      what: 'a restart on the same port',
    });

    await waitFor(async () => (await client.wfRun(run.id))?.status === 'COMPLETED', { timeoutMs: 30_000, what: 'the WfRun to complete' });
    const [taskRun] = (await client.wfRun(run.id))?.nodeRuns.flatMap((n) => (n.taskRun ? [n.taskRun] : [])) ?? [];
    // The first attempt's own report: nothing timed out and nothing ran twice.
    expect(taskRun?.attempts.map((a) => [a.attempt, a.status, a.output])).toEqual([[0, 'TASK_SUCCESS', 42]]);
    expect(errors.length).toBeGreaterThan(0);
    // It goes on claiming by itself: a WfRun started now is done by the same worker.
    const next = await client.runWf({ wfSpecName: spec });
    await waitFor(async () => (await client.wfRun(next.id))?.status === 'COMPLETED', { timeoutMs: 30_000, what: 'a WfRun started after the restart' });
    const [nextTask] = (await client.wfRun(next.id))?.nodeRuns.flatMap((n) => (n.taskRun ? [n.taskRun] : [])) ?? [];
    expect(nextTask?.attempts.map((a) => [a.status, a.workerId])).toEqual([['TASK_SUCCESS', worker.workerId]]);
    await worker.stop();
    await client.close();
  });
});
