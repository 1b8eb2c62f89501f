import type { TaskRunRow } from '../src/store/write-set.ts';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { taskRuns } from '../src/store/schema.ts';
import { startTestServer, unique } from './harness.ts';

// TaskDispatch in a real server, driven directly: rows handed to waiting claims as a write would hand them, with
// the write's commit (deliver) under the test's control.
const server = await startTestServer(inject('databaseUrl'));
afterAll(() => server.close());
const dispatch = server.app.services.dispatch;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function row(taskDefName: string, wfRunId: string): TaskRunRow {
  return {
    tenant_id: 'default',
    wf_run_id: wfRunId,
    task_guid: '0-1',
    task_def_name: taskDefName,
    thread_run_number: 0,
    node_position: 1,
    status: 'TASK_SCHEDULED',
    attempt: 0,
    input: [],
    scheduled_at: new Date().toISOString(),
    timeout_seconds: null,
    attempts: [],
  };
}

/** A claim waiting in memory: it has found the queue of its TaskDef empty. */
async function waiting(taskDefName: string, workerId: string, max: number, signal?: AbortSignal) {
  const before = dispatch.waitingClaims('default', taskDefName);
  const claim = dispatch.claim('default', { taskDefName, workerId, max, waitMs: 20_000, leaseMs: 60_000, signal });
  // In line once it has read the queue: how long that takes depends on the machine's load.
  await vi.waitFor(() => expect(dispatch.waitingClaims('default', taskDefName)).toBe(before + 1), { timeout: 10_000, interval: 5 });
  // Wrapped: an async function returning the promise itself would wait for it.
  return { claim };
}

describe('a claim waiting for TaskRuns', () => {
  it('takes from several writes up to its max, and answers once every write promising it some has committed', async () => {
    const task = unique('several-writes');
    const { claim } = await waiting(task, 'w', 3);
    const rows = [row(task, 'a'), row(task, 'b'), row(task, 'c'), row(task, 'd')];
    const first = dispatch.handOff('default', rows.slice(0, 2), Date.now());
    const second = dispatch.handOff('default', rows.slice(2), Date.now());
    expect(rows.map((r) => [r.wf_run_id, r.status, r.worker_id ?? null])).toEqual([
      ['a', 'TASK_RUNNING', 'w'],
      ['b', 'TASK_RUNNING', 'w'],
      ['c', 'TASK_RUNNING', 'w'],
      ['d', 'TASK_SCHEDULED', null],
    ]);
    first.deliver();
    const answered = await Promise.race([claim, sleep(200).then(() => 'waiting')]);
    expect(answered).toBe('waiting');
    second.deliver();
    expect((await claim).map((c) => c.wfRunId)).toEqual(['a', 'b', 'c']);
  });

  it('is handed nothing more once it gives up, and still answers with what was promised to it', async () => {
    const task = unique('given-up');
    const controller = new AbortController();
    const { claim } = await waiting(task, 'w', 5, controller.signal);
    const promised = dispatch.handOff('default', [row(task, 'a')], Date.now());
    controller.abort();
    const later = row(task, 'b');
    dispatch.handOff('default', [later], Date.now());
    expect([later.status, later.worker_id ?? null]).toEqual(['TASK_SCHEDULED', null]);
    promised.deliver();
    expect((await claim).map((c) => c.wfRunId)).toEqual(['a']);
  });

  it('answers with what another write brought it when one of its writes fails', async () => {
    const task = unique('one-fails');
    const { claim } = await waiting(task, 'w', 5);
    const failing = dispatch.handOff('default', [row(task, 'a')], Date.now());
    const committing = dispatch.handOff('default', [row(task, 'b')], Date.now());
    failing.cancel();
    committing.deliver();
    expect((await claim).map((c) => c.wfRunId)).toEqual(['b']);
  });

  it("hands over a reminder with who it fired for, and a TASK node's TaskRun with no one", async () => {
    const task = unique('handed-reminder');
    const { claim } = await waiting(task, 'w', 2);
    const reminder: TaskRunRow = { ...row(task, 'a'), task_guid: '0-1-action-0-1', user_id: 'ada', user_group: 'finance' };
    dispatch.handOff('default', [reminder, row(task, 'b')], Date.now()).deliver();
    expect((await claim).map((c) => [c.taskGuid, c.userId, c.userGroup])).toEqual([
      ['0-1-action-0-1', 'ada', 'finance'],
      ['0-1', null, null],
    ]);
  });

  it('lets a wake-up reach a claim behind one that writes are already filling', async () => {
    const task = unique('woken');
    const { claim: filling } = await waiting(task, 'filling', 10);
    const { claim: behind } = await waiting(task, 'behind', 1);
    const promised = dispatch.handOff('default', [row(task, 'a')], Date.now());
    // A TaskRun put on the queue by another process: only the news reaches this one.
    const queued = unique('queued');
    await server.app.services.db.insert(taskRuns).values({ tenantId: 'default', wfRunId: queued, taskGuid: '0-1', taskDefName: task, threadRunNumber: 0, nodePosition: 1, status: 'TASK_SCHEDULED', attempt: 0, input: [], scheduledAt: new Date() });
    dispatch.wake('default', task, 1);
    const answered = await Promise.race([behind, sleep(10_000).then(() => 'still waiting')]);
    expect(answered).toMatchObject([{ wfRunId: queued }]);
    promised.deliver();
    expect((await filling).map((c) => c.wfRunId)).toEqual(['a']);
  });
});
