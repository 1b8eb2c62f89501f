import { TaskWorker, Workflow } from '@gallop/sdk';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { isolatedStore, startTestServer, unique } from './harness.ts';

// A clock of the test's own, moved on by hand: the server's data is its own too, so a scheduler running ahead
// fires no other file's timers.
let now = Date.parse('2026-12-01T09:00:00Z');
const store = await isolatedStore(inject('databaseUrl'));
const server = await startTestServer(store.databaseUrl, { dataDir: store.dataDir, clock: () => now });
afterAll(async () => {
  await server.close();
  await store.drop();
});
const { client } = server;

interface Worker {
  workerId: string;
  firstSeenAt: string;
  lastSeenAt: string;
}

async function workersOf(taskDefName: string, seenWithinSeconds?: number): Promise<Worker[]> {
  const data = await client.request<{ taskDef: { workers: Worker[] } }>(
    'query($name: String!, $within: Int) { taskDef(name: $name) { workers(seenWithinSeconds: $within) { workerId firstSeenAt lastSeenAt } } }',
    { name: taskDefName, within: seenWithinSeconds },
  );
  return data.taskDef.workers;
}

describe('TaskDef.workers', () => {
  it('lists the workers that claimed its TaskRuns lately, the latest first, and forgets those not seen within the window', async () => {
    const [mail, print] = [unique('mail'), unique('print')];
    await client.putTaskDef({ name: mail });
    await client.putTaskDef({ name: print });
    await client.claimTaskRuns({ taskDefName: mail, workerId: 'mailer-1', waitMs: 0 });
    now += 1_000;
    await client.claimTaskRuns({ taskDefName: mail, workerId: 'mailer-2', waitMs: 0 });
    await client.claimTaskRuns({ taskDefName: print, workerId: 'printer-1', waitMs: 0 });
    now += 1_000;
    await client.claimTaskRuns({ taskDefName: mail, workerId: 'mailer-1', waitMs: 0 });
    // Claims are written every few seconds; the test writes them now.
    await server.app.services.taskWorkers.flush();

    expect(await workersOf(mail)).toEqual([
      { workerId: 'mailer-1', firstSeenAt: '2026-12-01T09:00:00.000Z', lastSeenAt: '2026-12-01T09:00:02.000Z' },
      { workerId: 'mailer-2', firstSeenAt: '2026-12-01T09:00:01.000Z', lastSeenAt: '2026-12-01T09:00:01.000Z' },
    ]);
    expect((await workersOf(print)).map((w) => w.workerId)).toEqual(['printer-1']);

    // Ten minutes on, none has claimed since: gone from the default two minutes, there for the last hour.
    now += 600_000;
    expect(await workersOf(mail)).toEqual([]);
    expect((await workersOf(mail, 3_600)).map((w) => w.workerId)).toEqual(['mailer-1', 'mailer-2']);
    // A later claim keeps its first sighting and moves its last.
    await client.claimTaskRuns({ taskDefName: mail, workerId: 'mailer-2', waitMs: 0 });
    await server.app.services.taskWorkers.flush();
    expect(await workersOf(mail)).toEqual([{ workerId: 'mailer-2', firstSeenAt: '2026-12-01T09:00:01.000Z', lastSeenAt: '2026-12-01T09:10:02.000Z' }]);

    // A worker busy with a long task claims nothing; extending its lease says it is there.
    const long = unique('long');
    await client.putWfSpec(new Workflow(long, (wf) => void wf.execute(print)).compile());
    await client.runWf({ wfSpecName: long });
    const [held] = await client.claimTaskRuns({ taskDefName: print, workerId: 'printer-2', waitMs: 5_000 });
    now += 600_000;
    await server.app.services.taskWorkers.flush();
    expect(await workersOf(print)).toEqual([]);
    expect((await client.extendTaskRunLease({ taskRunId: held?.taskRunId ?? '', attempt: 0 })).extended).toBe(true);
    await server.app.services.taskWorkers.flush();
    expect((await workersOf(print)).map((w) => w.workerId)).toEqual(['printer-2']);

    await expect(workersOf(mail, 0)).rejects.toMatchObject({ message: expect.stringContaining('seenWithinSeconds must be from 1 to 86400') as unknown });
  });

  it("shows an SDK TaskWorker by its workerId while it polls", async () => {
    const task = unique('poll');
    await client.putTaskDef({ name: task });
    const worker = new TaskWorker({ client, taskDefName: task, workerId: 'sdk-worker-7', pollWaitMs: 200, fn: () => null });
    void worker.start();
    try {
      await expect
        .poll(async () => {
          await server.app.services.taskWorkers.flush();
          return (await client.taskWorkers(task))?.map((w) => w.workerId);
        })
        .toEqual(['sdk-worker-7']);
      expect(await client.taskWorkers(unique('none'))).toBeNull();
    } finally {
      await worker.stop();
    }
  });
});
