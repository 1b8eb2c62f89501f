import type { WfRunEvent } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { EMPTY_NODE_RUN_ROWS, foldNodeRunRows, nodeOutputsOf } from './node-run-rows.ts';

const t0 = 1_700_000_000_000;
const fold = (events: readonly WfRunEvent[]) => events.reduce(foldNodeRunRows, EMPTY_NODE_RUN_ROWS);

const taskStarted: WfRunEvent[] = [
  { type: 'NodeRunStarted', time: t0, threadRunNumber: 0, position: 0, nodeName: '0-entrypoint-ENTRYPOINT', nodeType: 'ENTRYPOINT' },
  { type: 'NodeRunCompleted', time: t0, threadRunNumber: 0, position: 0 },
  { type: 'NodeRunStarted', time: t0 + 1, threadRunNumber: 0, position: 1, nodeName: '1-greet-TASK', nodeType: 'TASK' },
  {
    type: 'TaskRunScheduled',
    time: t0 + 1,
    threadRunNumber: 0,
    position: 1,
    taskGuid: '0-1',
    taskDefName: 'greet',
    attempt: 0,
    input: [{ name: 'name', value: 'Ada' }],
  },
];

describe('foldNodeRunRows', () => {
  it('lists NodeRuns in the order they started, with their TaskRun', () => {
    const { rows } = fold(taskStarted);
    expect(rows.map((r) => [r.nodeName, r.status])).toEqual([
      ['0-entrypoint-ENTRYPOINT', 'COMPLETED'],
      ['1-greet-TASK', 'RUNNING'],
    ]);
    expect(rows[1]?.taskRun).toMatchObject({ taskDefName: 'greet', attempts: [{ attempt: 0, status: 'TASK_SCHEDULED' }] });
  });

  it('records each failed attempt with its error, then the retry that succeeds', () => {
    const { rows } = fold([
      ...taskStarted,
      {
        type: 'TaskAttemptFailed',
        time: t0 + 2,
        threadRunNumber: 0,
        taskGuid: '0-1',
        attempt: 0,
        status: 'TASK_FAILED',
        failure: { name: 'TASK_FAILURE', message: 'connection refused' },
        workerId: 'w1',
      },
      { type: 'TaskRunScheduled', time: t0 + 3, threadRunNumber: 0, position: 1, taskGuid: '0-1', taskDefName: 'greet', attempt: 1, input: [] },
      { type: 'TaskAttemptSucceeded', time: t0 + 4, threadRunNumber: 0, taskGuid: '0-1', attempt: 1, output: 'hi Ada', workerId: 'w2' },
      { type: 'NodeRunCompleted', time: t0 + 4, threadRunNumber: 0, position: 1, output: 'hi Ada' },
    ]);
    expect(rows[1]).toMatchObject({ status: 'COMPLETED', output: 'hi Ada', endTime: t0 + 4 });
    expect(rows[1]?.taskRun?.attempts).toMatchObject([
      { attempt: 0, status: 'TASK_FAILED', failure: { message: 'connection refused' }, workerId: 'w1' },
      { attempt: 1, status: 'TASK_SUCCESS', output: 'hi Ada', workerId: 'w2' },
    ]);
  });

  it('marks a NodeRun failed with its failure', () => {
    const { rows } = fold([
      ...taskStarted,
      {
        type: 'NodeRunFailed',
        time: t0 + 2,
        threadRunNumber: 0,
        position: 1,
        status: 'EXCEPTION',
        failure: { name: 'out-of-stock', message: 'none left' },
      },
    ]);
    expect(rows[1]).toMatchObject({ status: 'EXCEPTION', failure: { name: 'out-of-stock' } });
  });

  it('ignores events about NodeRuns or TaskRuns it never saw start', () => {
    const history = fold(taskStarted);
    expect(foldNodeRunRows(history, { type: 'NodeRunCompleted', time: t0, threadRunNumber: 3, position: 9 })).toBe(history);
    expect(
      foldNodeRunRows(history, { type: 'TaskAttemptSucceeded', time: t0, threadRunNumber: 0, taskGuid: 'nope', attempt: 0, output: null }),
    ).toBe(history);
  });

  it('shows a retry waiting for its back-off as a pending attempt, replaced when it is scheduled', () => {
    const failed: WfRunEvent = {
      type: 'TaskAttemptFailed',
      time: t0 + 2,
      threadRunNumber: 0,
      taskGuid: '0-1',
      attempt: 0,
      status: 'TASK_FAILED',
      failure: { name: 'TASK_FAILURE', message: 'boom' },
    };
    const pending: WfRunEvent = { type: 'TaskRetryPending', time: t0 + 2, threadRunNumber: 0, taskGuid: '0-1', attempt: 1 };
    const timer: WfRunEvent = { type: 'TimerSet', time: t0 + 2, timerId: '0-1/retry-1', fireAt: t0 + 500, purpose: { type: 'TASK_RETRY', taskGuid: '0-1', attempt: 1 } };
    const waiting = fold([...taskStarted, failed, pending, timer]);
    // Scheduled for when its back-off ends, not when it began.
    expect(waiting.rows[1]?.taskRun?.attempts.map((a) => [a.attempt, a.status, a.scheduledAt])).toEqual([
      [0, 'TASK_FAILED', t0 + 1],
      [1, 'TASK_PENDING', t0 + 500],
    ]);
    const scheduled = fold([
      ...taskStarted,
      failed,
      pending,
      timer,
      { type: 'TaskRunScheduled', time: t0 + 500, threadRunNumber: 0, position: 1, taskGuid: '0-1', taskDefName: 'greet', attempt: 1, input: [] },
    ]);
    expect(scheduled.rows[1]?.taskRun?.attempts.map((a) => [a.attempt, a.status])).toEqual([
      [0, 'TASK_FAILED'],
      [1, 'TASK_SCHEDULED'],
    ]);
  });

  it('gives each START_THREAD NodeRun the threads it started, but not a failure handler of its thread', () => {
    const { rows } = fold([
      { type: 'NodeRunStarted', time: t0, threadRunNumber: 0, position: 1, nodeName: '1-spawn-START_THREAD', nodeType: 'START_THREAD' },
      { type: 'ThreadRunStarted', time: t0, threadRunNumber: 1, threadSpecName: 'side', parentThreadRunNumber: 0, kind: 'CHILD', variables: {} },
      { type: 'NodeRunCompleted', time: t0, threadRunNumber: 0, position: 1 },
      { type: 'NodeRunStarted', time: t0, threadRunNumber: 0, position: 2, nodeName: '2-work-TASK', nodeType: 'TASK' },
      { type: 'ThreadRunStarted', time: t0, threadRunNumber: 2, threadSpecName: 'handler', parentThreadRunNumber: 0, kind: 'FAILURE_HANDLER', variables: {} },
    ]);
    expect(rows.map((r) => r.threads)).toEqual([[1], undefined]);
  });

  it('keeps the ExternalEvent a node took and a UserTaskRun’s history, in order', () => {
    const { rows } = fold([
      { type: 'ExternalEventReceived', time: t0, guid: 'e1', externalEventDefName: 'approved', content: { by: 'ops' } },
      { type: 'NodeRunStarted', time: t0 + 1, threadRunNumber: 0, position: 1, nodeName: '1-approved-EXTERNAL_EVENT', nodeType: 'EXTERNAL_EVENT' },
      { type: 'ExternalEventClaimed', time: t0 + 1, guid: 'e1', threadRunNumber: 0, position: 1 },
      { type: 'NodeRunCompleted', time: t0 + 1, threadRunNumber: 0, position: 1, output: { by: 'ops' } },
      { type: 'NodeRunStarted', time: t0 + 2, threadRunNumber: 0, position: 2, nodeName: '2-review-USER_TASK', nodeType: 'USER_TASK' },
      { type: 'UserTaskRunCreated', time: t0 + 2, threadRunNumber: 0, position: 2, userTaskGuid: 'u1', userTaskDefName: 'review', userTaskDefVersion: 0, userGroup: 'finance', epoch: 1 },
      { type: 'UserTaskRunAssigned', time: t0 + 3, threadRunNumber: 0, position: 2, userTaskGuid: 'u1', userId: 'ada', userGroup: 'finance', epoch: 2, cause: 'ASSIGN' },
      { type: 'UserTaskRunCompleted', time: t0 + 4, threadRunNumber: 0, position: 2, userTaskGuid: 'u1', userId: 'ada', results: { ok: true } },
    ]);
    expect(rows[0]?.externalEvent).toEqual({ guid: 'e1', externalEventDefName: 'approved', content: { by: 'ops' }, time: t0 });
    expect(rows[1]?.userTask?.history.map((h) => [h.type, h.userId ?? null, h.cause ?? null])).toEqual([
      ['CREATED', null, null],
      ['ASSIGNED', 'ada', 'ASSIGN'],
      ['COMPLETED', 'ada', null],
    ]);
  });

  it('puts a reminder TaskRun in its UserTaskRun’s history, not on the USER_TASK row', () => {
    const trigger = { userTaskGuid: '0-2', nodeName: '2-review-USER_TASK', actionIndex: 0, userId: 'ada' };
    const { rows } = fold([
      { type: 'NodeRunStarted', time: t0, threadRunNumber: 0, position: 2, nodeName: '2-review-USER_TASK', nodeType: 'USER_TASK' },
      { type: 'UserTaskRunCreated', time: t0, threadRunNumber: 0, position: 2, userTaskGuid: '0-2', userTaskDefName: 'review', userTaskDefVersion: 0, userId: 'ada', epoch: 1 },
      { type: 'TaskRunScheduled', time: t0 + 1, threadRunNumber: 0, position: 2, taskGuid: '0-2-action-0-1', taskDefName: 'remind', attempt: 0, input: [], userTaskTrigger: trigger },
      { type: 'TaskAttemptSucceeded', time: t0 + 2, threadRunNumber: 0, taskGuid: '0-2-action-0-1', attempt: 0, output: null },
    ]);
    expect(rows[0]?.taskRun).toBeUndefined();
    expect(rows[0]?.userTask?.history.map((h) => [h.type, h.taskGuid ?? null])).toEqual([
      ['CREATED', null],
      ['TASK_EXECUTED', '0-2-action-0-1'],
    ]);
  });
});

describe('nodeOutputsOf', () => {
  const started = (threadRunNumber: number, position: number, nodeName: string, nodeType: 'TASK' | 'EXIT' | 'NOP'): WfRunEvent => ({ type: 'NodeRunStarted', time: t0, threadRunNumber, position, nodeName, nodeType });
  const completed = (threadRunNumber: number, position: number, output?: string): WfRunEvent => ({ type: 'NodeRunCompleted', time: t0, threadRunNumber, position, ...(output === undefined ? {} : { output }) });

  it("keeps each node's latest output in its own ThreadRun, after the thread has ended too, and no EXIT's", () => {
    const history = fold([
      started(0, 1, 'a', 'TASK'),
      completed(0, 1, 'first'),
      started(1, 0, 'a', 'TASK'),
      completed(1, 0, 'other thread'),
      started(0, 2, 'a', 'TASK'),
      completed(0, 2, 'second'),
      // A later NodeRun of the node without an output leaves the one before, as the engine does.
      started(0, 3, 'a', 'TASK'),
      completed(0, 3),
      started(0, 4, 'end', 'EXIT'),
      completed(0, 4, 'thread output'),
      { type: 'ThreadRunCompleted', time: t0, threadRunNumber: 0, output: 'thread output' },
    ]);
    expect(nodeOutputsOf(history, 0)).toEqual({ a: 'second' });
    expect(nodeOutputsOf(history, 1)).toEqual({ a: 'other thread' });
    expect(nodeOutputsOf(history, 2)).toEqual({});
  });
});
