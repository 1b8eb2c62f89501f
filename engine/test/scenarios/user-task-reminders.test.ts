import { describe, expect, it } from 'vitest';
import { decide, replay, userTaskOfTriggeredTaskGuid, validateWfSpec } from '../../src/index.ts';
import type { Catalog, Command, JsonValue, UserTaskAction, UserTaskNode, VariableAssignment, VersionedWfSpec, WfRunEvent } from '../../src/index.ts';
import { TestRun, types } from '../run.ts';

// LittleHorse's UTATask (a reminder): UTATaskModel.schedule sets a timer at the hook; TriggeredTaskRun.process makes
// the TaskRun when it fires, if the USER_TASK NodeRun still runs; the TaskRun's result moves nothing.

const catalog: Catalog = {
  taskDefs: {
    'send-reminder': { name: 'send-reminder', inputVars: [{ name: 'to', type: 'STR' }, { name: 'times', type: 'INT' }], returnType: 'STR' },
  },
  userTaskDefs: { approve: { name: 'approve', version: 0, fields: [{ name: 'ok', type: 'BOOL', required: true }] } },
  externalEventDefs: {},
};

const lit = (value: JsonValue): VariableAssignment => ({ type: 'LITERAL', value });
const v = (variableName: string): VariableAssignment => ({ type: 'VARIABLE', variableName });

const remind = (hook: UserTaskAction['hook'], seconds: number, task: Partial<Extract<UserTaskAction['action'], { type: 'TASK' }>['task']> = {}): UserTaskAction => ({
  hook,
  delaySeconds: lit(seconds),
  action: { type: 'TASK', task: { taskDefName: 'send-reminder', inputs: [v('manager'), v('count')], ...task } },
});

/** start -> review (USER_TASK approve for `manager`) -> end; `count` and `reason` are variables its actions may read. */
function spec(review: Partial<Omit<UserTaskNode, 'type'>> = {}): VersionedWfSpec {
  return {
    name: 'approval',
    majorVersion: 0,
    revision: 0,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: [
          { name: 'manager', type: 'STR', defaultValue: 'grace' },
          { name: 'count', type: 'INT', defaultValue: 1 },
          { name: 'reason', type: 'STR' },
        ],
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'review' }] },
          review: { type: 'USER_TASK', userTaskDefName: 'approve', userId: v('manager'), ...review, outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: { type: 'EXIT' },
        },
      },
    },
  };
}

function started(review: Partial<Omit<UserTaskNode, 'type'>>, variables: Record<string, JsonValue> = {}): TestRun {
  const run = new TestRun(spec(review), catalog);
  run.send({ type: 'RunWf', wfRunId: 'r', variables }, 0);
  return run;
}

const timersOf = (events: WfRunEvent[] | string) => (typeof events === 'string' ? [] : events.filter((e) => e.type === 'TimerSet'));
const fire = (run: TestRun, timer: WfRunEvent | undefined, now: number) => {
  if (timer?.type !== 'TimerSet') throw new Error('no timer');
  return run.send({ type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose }, now);
};
const complete: Command = { type: 'CompleteUserTaskRun', userTaskGuid: '0-1', userId: 'grace', results: { ok: true } };

describe('a user task TASK action (reminder)', () => {
  it('validates: its TaskDef must be registered and its inputs typed', () => {
    expect(validateWfSpec(spec({ actions: [remind('ON_ARRIVAL', 60)] }), catalog)).toEqual([]);
    const unknown = validateWfSpec(spec({ actions: [remind('ON_ARRIVAL', 60, { taskDefName: 'nope' })] }), catalog);
    expect(unknown).toEqual([expect.objectContaining({ code: 'UNKNOWN_TASK_DEF', path: ['threadSpecs', 'entrypoint', 'nodes', 'review', 'actions', 0, 'action', 'task', 'taskDefName'] })]);
    const mistyped = validateWfSpec(spec({ actions: [remind('ON_ARRIVAL', 60, { inputs: [v('manager'), v('manager')] })] }), catalog);
    expect(mistyped.map((p) => p.path.slice(-3))).toEqual([['task', 'inputs', 1]]);
    const missing = validateWfSpec(spec({ actions: [{ hook: 'ON_ARRIVAL', delaySeconds: lit(1), action: { type: 'TASK' } as never }] }), catalog);
    expect(missing.map((p) => p.code)).toEqual(['MISSING_FIELD']);
  });

  it('schedules its TaskRun when the delay has passed, with inputs read then, and records it on the UserTaskRun', () => {
    const run = started({ actions: [remind('ON_TASK_ASSIGNED', 60)] });
    const [timer] = timersOf(run.events);
    expect(timer).toMatchObject({ timerId: '0-1/action-0-1', fireAt: 60_000, purpose: { type: 'USER_TASK_ACTION', action: { type: 'TASK' } } });
    run.send({ type: 'AssignUserTaskRun', userTaskGuid: '0-1', userGroup: 'finance', userId: 'grace', overrideClaim: true }, 1_000);
    const events = fire(run, timer, 60_000);
    expect(types(events)).toEqual(['TimerFired', 'TaskRunScheduled']);
    expect(events[1]).toEqual({
      type: 'TaskRunScheduled',
      time: 60_000,
      threadRunNumber: 0,
      position: 1,
      taskGuid: '0-1-action-0-1',
      taskDefName: 'send-reminder',
      attempt: 0,
      input: [
        { name: 'to', value: 'grace' },
        { name: 'times', value: 1 },
      ],
      returnType: 'STR',
      userTaskTrigger: { userTaskGuid: '0-1', nodeName: 'review', actionIndex: 0, userId: 'grace', userGroup: 'finance' },
    });
    expect(userTaskOfTriggeredTaskGuid('0-1-action-0-1')).toEqual({ threadRunNumber: 0, position: 1, userTaskGuid: '0-1', actionIndex: 0 });
    expect(userTaskOfTriggeredTaskGuid('0-1')).toBeUndefined();
    // The USER_TASK still waits for its person.
    expect(run.state?.threadRuns[0]?.currentNodeRun).toMatchObject({ status: 'RUNNING', userTaskRun: { status: 'ASSIGNED' } });
    expect(run.state?.threadRuns[0]?.currentNodeRun?.taskRun).toBeUndefined();
  });

  it('fires after the task changed hands too (LittleHorse checks only that the NodeRun runs), once per assignment', () => {
    const run = started({ actions: [remind('ON_TASK_ASSIGNED', 60)] });
    const [first] = timersOf(run.events);
    const [second] = timersOf(run.send({ type: 'AssignUserTaskRun', userTaskGuid: '0-1', userId: 'bob', overrideClaim: true }, 10_000));
    expect(types(fire(run, first, 60_000))).toEqual(['TimerFired', 'TaskRunScheduled']);
    const events = fire(run, second, 70_000);
    expect(events).toContainEqual(expect.objectContaining({ type: 'TaskRunScheduled', taskGuid: '0-1-action-0-2', userTaskTrigger: expect.objectContaining({ userId: 'bob' }) }));
    expect(Object.keys(run.state?.triggeredTaskRuns ?? {})).toEqual(['0-1-action-0-1', '0-1-action-0-2']);
  });

  it('keeps who held the task when it fired, for its retries too, whoever holds the task by then', () => {
    const run = started({ userGroup: lit('finance'), actions: [remind('ON_ARRIVAL', 5, { retries: 1 })] });
    fire(run, timersOf(run.events)[0], 5_000);
    expect(run.state?.triggeredTaskRuns?.['0-1-action-0-1']).toMatchObject({ userId: 'grace', userGroup: 'finance' });
    run.send({ type: 'AssignUserTaskRun', userTaskGuid: '0-1', userId: 'bob', overrideClaim: true }, 6_000);
    const retried = run.report('0-1-action-0-1', { status: 'ERROR', message: 'smtp down' }, { now: 7_000 });
    expect(retried).toContainEqual(
      expect.objectContaining({ type: 'TaskRunScheduled', attempt: 1, userTaskTrigger: { userTaskGuid: '0-1', nodeName: 'review', actionIndex: 0, userId: 'grace', userGroup: 'finance' } }),
    );
    expect(run.state?.triggeredTaskRuns?.['0-1-action-0-1']).toMatchObject({ attempt: 1, userId: 'grace', userGroup: 'finance' });
  });

  it('names no user or group when the task had none when it fired', () => {
    const run = started({ userId: undefined, userGroup: lit('finance'), actions: [remind('ON_ARRIVAL', 5)] });
    const [, scheduled] = fire(run, timersOf(run.events)[0], 5_000) as WfRunEvent[];
    expect(scheduled).toMatchObject({ type: 'TaskRunScheduled', userTaskTrigger: { userTaskGuid: '0-1', nodeName: 'review', actionIndex: 0, userGroup: 'finance' } });
    expect(scheduled?.type === 'TaskRunScheduled' && 'userId' in (scheduled.userTaskTrigger ?? {})).toBe(false);
    expect(run.state?.triggeredTaskRuns?.['0-1-action-0-1']).not.toHaveProperty('userId');
  });

  it('keeps the user and group of its first attempt for a retry recorded before retries named them', () => {
    const run = started({ userGroup: lit('finance'), actions: [remind('ON_ARRIVAL', 5, { retries: 1 })] });
    fire(run, timersOf(run.events)[0], 5_000);
    const failed = run.report('0-1-action-0-1', { status: 'ERROR', message: 'smtp down' }, { now: 7_000 }) as WfRunEvent[];
    const older = run.events.slice(0, -failed.length).concat(
      failed.map((e) => (e.type === 'TaskRunScheduled' ? { ...e, userTaskTrigger: { userTaskGuid: '0-1', nodeName: 'review', actionIndex: 0 } } : e)),
    );
    expect(replay(older)?.triggeredTaskRuns?.['0-1-action-0-1']).toMatchObject({ attempt: 1, userId: 'grace', userGroup: 'finance' });
  });

  it('records its success without moving the WfRun', () => {
    const run = started({ actions: [remind('ON_ARRIVAL', 5)] });
    fire(run, timersOf(run.events)[0], 5_000);
    const events = run.report('0-1-action-0-1', { status: 'SUCCESS', output: 'sent' }, { now: 6_000 });
    expect(types(events)).toEqual(['TaskAttemptSucceeded']);
    expect(run.state?.triggeredTaskRuns).toBeUndefined();
    expect(run.state?.status).toBe('RUNNING');
    expect(run.report('0-1-action-0-1', { status: 'SUCCESS', output: 'again' })).toBe('STALE_TASK_ATTEMPT');
    run.send(complete, 7_000);
    expect(run.state?.status).toBe('COMPLETED');
  });

  it('does not fail the WfRun when it fails, after its retries, nor when its output does not fit', () => {
    const run = started({ actions: [remind('ON_ARRIVAL', 5, { retries: 1 })] });
    fire(run, timersOf(run.events)[0], 5_000);
    expect(types(run.report('0-1-action-0-1', { status: 'ERROR', message: 'smtp down' }))).toEqual(['TaskAttemptFailed', 'TaskRunScheduled']);
    expect(run.report('0-1-action-0-1', { status: 'ERROR', message: 'late' })).toBe('STALE_TASK_ATTEMPT');
    expect(types(run.report('0-1-action-0-1', { status: 'ERROR', message: 'smtp down' }, { attempt: 1 }))).toEqual(['TaskAttemptFailed']);
    expect(run.state?.status).toBe('RUNNING');
    expect(run.state?.threadRuns[0]?.currentNodeRun).toMatchObject({ status: 'RUNNING' });
    expect(run.report('0-1-action-0-1', { status: 'SUCCESS' }, { attempt: 1 })).toBe('STALE_TASK_ATTEMPT');

    const unfit = started({ actions: [remind('ON_ARRIVAL', 5)] });
    fire(unfit, timersOf(unfit.events)[0], 5_000);
    const events = unfit.report('0-1-action-0-1', { status: 'SUCCESS', output: 42 });
    expect(events).toEqual([expect.objectContaining({ type: 'TaskAttemptFailed', status: 'TASK_OUTPUT_SERDE_ERROR' })]);
    expect(unfit.state?.status).toBe('RUNNING');
  });

  it('retries after a back-off as its task says', () => {
    const run = started({ actions: [remind('ON_ARRIVAL', 5, { retries: 2, exponentialBackoff: { baseIntervalMs: 1_000, maxDelayMs: 10_000, multiplier: 2 } })] });
    fire(run, timersOf(run.events)[0], 5_000);
    const events = run.report('0-1-action-0-1', { status: 'TIMEOUT' }, { now: 6_000 });
    expect(types(events)).toEqual(['TaskAttemptFailed', 'TaskRetryPending', 'TimerSet']);
    const retry = timersOf(events)[0];
    expect(retry).toMatchObject({ timerId: '0-1-action-0-1/retry-1', fireAt: 7_000 });
    expect(fire(run, retry, 7_000)).toEqual([
      expect.objectContaining({ type: 'TimerFired' }),
      expect.objectContaining({ type: 'TaskRunScheduled', taskGuid: '0-1-action-0-1', attempt: 1, userTaskTrigger: expect.objectContaining({ actionIndex: 0 }) }),
    ]);
  });

  it('schedules nothing once the task is completed first, and a TaskRun already made still takes its report', () => {
    const early = started({ actions: [remind('ON_ARRIVAL', 60)] });
    early.send(complete, 10_000);
    expect(fire(early, timersOf(early.events)[0], 60_000)).toBe('STALE_TIMER');

    const late = started({ actions: [remind('ON_ARRIVAL', 5), { hook: 'ON_ARRIVAL', delaySeconds: lit(60), action: { type: 'CANCEL' } }] });
    const [reminder] = timersOf(late.events);
    fire(late, reminder, 5_000);
    late.send(complete, 10_000);
    expect(late.state?.status).toBe('COMPLETED');
    // The WfRun has ended: the attempt's result is still recorded, and nothing is retried.
    expect(types(late.report('0-1-action-0-1', { status: 'ERROR', message: 'no' }))).toEqual(['TaskAttemptFailed']);
  });

  it('schedules nothing once its thread has halted, which cancels the task', () => {
    const run = started({ actions: [remind('ON_ARRIVAL', 60)] });
    run.send({ type: 'StopWfRun' }, 1_000);
    expect(fire(run, timersOf(run.events)[0], 60_000)).toBe('STALE_TIMER');
    expect(run.state?.triggeredTaskRuns).toBeUndefined();
  });

  it('schedules nothing and fails nothing when its inputs cannot be evaluated: TimerFired says why', () => {
    const run = started({ actions: [remind('ON_ARRIVAL', 5, { inputs: [v('nosuch'), v('count')] })] });
    const events = fire(run, timersOf(run.events)[0], 5_000);
    expect(types(events)).toEqual(['TimerFired']);
    expect(events[0]).toMatchObject({ failure: { name: 'VAR_SUB_ERROR', message: expect.stringMatching(/^Action 1 of USER_TASK 'review' scheduled no TaskRun: Input 'to' of TaskDef 'send-reminder': Variable 'nosuch' is not in scope/) } });
    expect(run.state?.threadRuns[0]?.currentNodeRun?.status).toBe('RUNNING');
  });
});

describe('onCancellationExceptionName as a VariableAssignment', () => {
  const cancel: Command = { type: 'CancelUserTaskRun', userTaskGuid: '0-1' };

  it('is evaluated when the task is cancelled: a name is the EXCEPTION, NULL or blank USER_TASK_CANCELLED', () => {
    const named = started({ onCancellationExceptionName: v('reason') }, { reason: 'manager-left' });
    expect(validateWfSpec(named.wfSpec, catalog)).toEqual([]);
    named.send(cancel);
    expect(named.state?.failure).toMatchObject({ name: 'manager-left' });
    expect(named.state?.status).toBe('EXCEPTION');

    const unset = started({ onCancellationExceptionName: v('reason') });
    unset.send(cancel);
    expect(unset.state?.failure?.name).toBe('USER_TASK_CANCELLED');

    const string = started({ onCancellationExceptionName: 'declined' });
    string.send(cancel);
    expect(string.state?.failure?.name).toBe('declined');
  });

  it('refuses the cancel, changing nothing, when it cannot be evaluated (LittleHorse: INVALID_ARGUMENT)', () => {
    const run = started({ onCancellationExceptionName: v('nosuch') });
    const decision = decide(run.state, cancel, { now: 0, ids: { next: () => 'id' }, wfSpec: run.wfSpec, catalog });
    expect(decision).toMatchObject({ ok: false, rejection: { code: 'INVALID_CANCELLATION_EXCEPTION' } });
    expect(run.state?.threadRuns[0]?.currentNodeRun?.userTaskRun?.status).toBe('ASSIGNED');
  });

  it('validates a literal as a failure name, and the variables it reads', () => {
    const reserved = validateWfSpec(spec({ onCancellationExceptionName: lit('TIMEOUT') }), catalog);
    expect(reserved.map((p) => p.code)).toEqual(['RESERVED_FAILURE_NAME']);
    const unknown = validateWfSpec(spec({ onCancellationExceptionName: v('nosuch') }), catalog);
    expect(unknown).toHaveLength(1);
  });
});
