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
  await client.putWfSpec(
    new Workflow(dynamicCancel, (wf) => {
      const reason = wf.declareStr('reason');
      wf.assignUserTask(approve, { userGroup: 'finance' }).withOnCancellationException(reason);
    }).compile(),
  );
});

describe('user task reminders on the server', () => {
  it('runs the reminder TaskRun on a TaskWorker after the delay, records it on the UserTaskRun, and leaves the task waiting', async () => {
    const seen: { input: Readonly<Record<string, JsonValue>>; userTaskGuid: string | undefined }[] = [];
    const worker = new TaskWorker({
      client,
      taskDefName: sendReminder,
      pollWaitMs: 200,
      fn: (input, ctx) => {
        seen.push({ input, userTaskGuid: ctx.userTaskGuid });
        return 'sent';
      },
    });
    await worker.start();
    try {
      const run = await client.runWf({ wfSpecName: reminded, id: unique('reminded') });
      await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(1);
      expect(seen[0]).toEqual({ input: { to: 'grace' }, userTaskGuid: '0-1' });
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
    const attempts: number[] = [];
    const worker = new TaskWorker({
      client,
      taskDefName: sendReminder,
      pollWaitMs: 200,
      onError: () => {},
      fn: (_input, ctx) => {
        attempts.push(ctx.attempt);
        throw new Error('smtp down');
      },
    });
    await worker.start();
    try {
      const run = await client.runWf({ wfSpecName: failing, id: unique('failing') });
      await expect.poll(() => attempts, { timeout: 10_000 }).toEqual([0, 1]);
      await expect.poll(async () => (await client.taskRun(`${run.id}/0-1-action-0-1`))?.status, { timeout: 10_000 }).toBe('TASK_FAILED');
      expect((await client.wfRun(run.id))?.status).toBe('RUNNING');
      expect((await client.userTaskRun(run.id, '0-1'))?.status).toBe('UNASSIGNED');
    } finally {
      await worker.stop();
    }
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
