import { TaskWorker, Workflow } from '@gallop/sdk';
import type { JsonValue } from '@gallop/engine';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestServer, unique } from './harness.ts';

const server = await startTestServer(inject('databaseUrl'));
afterAll(() => server.close());
const { client } = server;

const approve = unique('approve');
const sendReminder = unique('send-reminder');
const reminded = unique('reminded-approval');
const failing = unique('failing-reminder');
const dynamicCancel = unique('dynamic-cancel');
const remindClaimed = unique('remind-claimed');
const handedOver = unique('handed-over');

beforeAll(async () => {
  await client.putUserTaskDef({ name: approve, fields: [{ name: 'ok', type: 'BOOL', required: true }] });
  await client.putTaskDef({ name: sendReminder, inputVars: [{ name: 'to', type: 'STR' }], returnType: 'STR' });
  await client.putWfSpec(
    new Workflow(reminded, (wf) => {
      const manager = wf.declareStr('manager').withDefault('grace');
      const review = wf.assignUserTask(approve, { userId: manager });
      wf.scheduleReminderTaskOnAssignment(review, 0, sendReminder, manager);
    }).compile(),
  );
  await client.putWfSpec(
    new Workflow(failing, (wf) => {
      const review = wf.assignUserTask(approve, { userGroup: 'finance' });
      wf.scheduleReminderTask(review, 0, sendReminder, 'finance').withRetries(1);
    }).compile(),
  );
  await client.putTaskDef({ name: remindClaimed, inputVars: [{ name: 'to', type: 'STR' }] });
  await client.putWfSpec(
    new Workflow(handedOver, (wf) => {
      const manager = wf.declareStr('manager').withDefault('grace');
      const review = wf.assignUserTask(approve, { userId: manager, userGroup: 'finance' });
      wf.scheduleReminderTaskOnAssignment(review, 0, remindClaimed, manager).withRetries(1);
    }).compile(),
  );
  await client.putWfSpec(
    new Workflow(dynamicCancel, (wf) => {
      const reason = wf.declareStr('reason');
      wf.assignUserTask(approve, { userGroup: 'finance' }).withOnCancellationException(reason);
    }).compile(),
  );
});

describe('user task reminders on the server', () => {
  it('runs the reminder TaskRun on a TaskWorker after the delay, records it on the UserTaskRun, and leaves the task waiting', async () => {
    const seen: { input: Readonly<Record<string, JsonValue>>; userTaskGuid: string | undefined; userId: string | undefined; userGroup: string | undefined }[] = [];
    const worker = new TaskWorker({
      client,
      taskDefName: sendReminder,
      pollWaitMs: 200,
      fn: (input, ctx) => {
        seen.push({ input, userTaskGuid: ctx.userTaskGuid, userId: ctx.userId, userGroup: ctx.userGroup });
        return 'sent';
      },
    });
    await worker.start();
    try {
      const run = await client.runWf({ wfSpecName: reminded, id: unique('reminded') });
      await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(1);
      expect(seen[0]).toEqual({ input: { to: 'grace' }, userTaskGuid: '0-1', userId: 'grace', userGroup: undefined });
      await expect.poll(async () => (await client.taskRun(`${run.id}/0-1-action-0-1`))?.status, { timeout: 10_000 }).toBe('TASK_SUCCESS');
      const task = await client.userTaskRun(run.id, '0-1');
      expect(task?.status).toBe('ASSIGNED');
      expect(task?.events.map((e) => e.type)).toEqual(['CREATED', 'TASK_EXECUTED']);
      expect(task?.events[1]).toMatchObject({ taskGuid: '0-1-action-0-1', userId: 'grace' });
      expect((await client.wfRun(run.id))?.status).toBe('RUNNING');
      await client.completeUserTaskRun({ wfRunId: run.id, userTaskGuid: '0-1', userId: 'grace', results: { ok: true } });
      await expect.poll(async () => (await client.wfRun(run.id))?.status, { timeout: 10_000 }).toBe('COMPLETED');
    } finally {
      await worker.stop();
    }
  });

  it('a reminder that keeps failing fails nothing: the WfRun still waits for its person', async () => {
    const attempts: [number, string | undefined, string | undefined][] = [];
    const worker = new TaskWorker({
      client,
      taskDefName: sendReminder,
      pollWaitMs: 200,
      onError: () => {},
      fn: (_input, ctx) => {
        attempts.push([ctx.attempt, ctx.userId, ctx.userGroup]);
        throw new Error('smtp down');
      },
    });
    await worker.start();
    try {
      const run = await client.runWf({ wfSpecName: failing, id: unique('failing') });
      await expect.poll(() => attempts, { timeout: 10_000 }).toEqual([
        [0, undefined, 'finance'],
        [1, undefined, 'finance'],
      ]);
      await expect.poll(async () => (await client.taskRun(`${run.id}/0-1-action-0-1`))?.status, { timeout: 10_000 }).toBe('TASK_FAILED');
      expect((await client.wfRun(run.id))?.status).toBe('RUNNING');
      expect((await client.userTaskRun(run.id, '0-1'))?.status).toBe('UNASSIGNED');
    } finally {
      await worker.stop();
    }
  });

  it('hands a claimed reminder the user and group it fired for, on its retry too after the task changed hands', async () => {
    const run = await client.runWf({ wfSpecName: handedOver, id: unique('handed-over') });
    const first = `${run.id}/0-1-action-0-1`;
    // Queued before the claim, so the claim's own statement reads the row.
    await expect.poll(async () => (await client.taskRun(first))?.status, { timeout: 10_000 }).toBe('TASK_SCHEDULED');
    const [claimed, ...more] = await client.claimTaskRuns({ taskDefName: remindClaimed, workerId: 'w' });
    expect(more).toEqual([]);
    expect(claimed).toMatchObject({ taskRunId: first, attempt: 0, input: { to: 'grace' }, userTaskGuid: '0-1', userId: 'grace', userGroup: 'finance' });

    await client.assignUserTaskRun({ wfRunId: run.id, userTaskGuid: '0-1', userId: 'bob', userGroup: 'sales', overrideClaim: true });
    const second = `${run.id}/0-1-action-0-2`;
    await expect.poll(async () => (await client.taskRun(second))?.status, { timeout: 10_000 }).toBe('TASK_SCHEDULED');
    expect(await client.reportTaskRun({ taskRunId: first, attempt: 0, outcome: { status: 'ERROR', message: 'smtp down' } })).toMatchObject({ accepted: true });
    const claims = await client.claimTaskRuns({ taskDefName: remindClaimed, workerId: 'w', max: 5 });
    const who = (c: (typeof claims)[number]) => [c.taskRunId, c.attempt, c.userId, c.userGroup];
    expect(claims.map(who).sort()).toEqual([
      [first, 1, 'grace', 'finance'],
      [second, 0, 'bob', 'sales'],
    ]);

    const stored = await client.request<{ taskRun: { userTaskGuid: string | null; userId: string | null; userGroup: string | null } | null }>(
      'query($id: ID!) { taskRun(id: $id) { userTaskGuid userId userGroup } }',
      { id: first },
    );
    expect(stored.taskRun).toEqual({ userTaskGuid: '0-1', userId: 'grace', userGroup: 'finance' });
    expect(await client.taskRun(second)).toMatchObject({ userTaskGuid: '0-1', userId: 'bob', userGroup: 'sales' });
  });

  it('cancels with the exception a variable names, evaluated at cancel time', async () => {
    const named = await client.runWf({ wfSpecName: dynamicCancel, variables: { reason: 'withdrawn' } });
    await client.cancelUserTaskRun({ wfRunId: named.id, userTaskGuid: '0-1' });
    await expect.poll(async () => (await client.wfRun(named.id))?.errorMessage, { timeout: 10_000 }).toMatch(/^withdrawn: /);
    const unnamed = await client.runWf({ wfSpecName: dynamicCancel });
    await client.cancelUserTaskRun({ wfRunId: unnamed.id, userTaskGuid: '0-1' });
    await expect.poll(async () => (await client.wfRun(unnamed.id))?.errorMessage, { timeout: 10_000 }).toMatch(/^USER_TASK_CANCELLED: /);
  });
});
