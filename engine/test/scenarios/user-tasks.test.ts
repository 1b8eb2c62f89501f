import { describe, expect, it } from 'vitest';
import { decide, validateWfSpec } from '../../src/index.ts';
import type {
  Catalog,
  Command,
  JsonValue,
  Rejection,
  UserTaskDef,
  UserTaskNode,
  VariableAssignment,
  VersionedWfSpec,
  WfRunEvent,
} from '../../src/index.ts';
import { TestRun, types } from '../run.ts';

/** The form: `approved` (BOOL, required), `comment` (STR), `amount` (DOUBLE). */
const approveExpense: UserTaskDef = {
  name: 'approve-expense',
  version: 0,
  fields: [
    { name: 'approved', type: 'BOOL', required: true, displayName: 'Approved?' },
    { name: 'comment', type: 'STR', description: 'Why, in a sentence.' },
    { name: 'amount', type: 'DOUBLE' },
  ],
};
const catalog: Catalog = { taskDefs: {}, userTaskDefs: { 'approve-expense': approveExpense }, externalEventDefs: { urgent: { name: 'urgent' } } };

const lit = (value: JsonValue): VariableAssignment => ({ type: 'LITERAL', value });
const v = (variableName: string): VariableAssignment => ({ type: 'VARIABLE', variableName });
const tiny = { start: { type: 'ENTRYPOINT' as const, outgoingEdges: [{ sinkNodeName: 'end' }] }, end: { type: 'EXIT' as const } };

/**
 * start -> review -> end. `review` is a USER_TASK of approve-expense for `manager` (grace) in `team` (finance), changed
 * by `review`; the edge leaving it assigns its output to `decision` and the output's `$.approved` to `approved`.
 * With `interrupt`, the ExternalEvent `urgent` interrupts the entrypoint thread.
 */
function spec(review: Partial<Omit<UserTaskNode, 'type'>> = {}, { interrupt = false } = {}): VersionedWfSpec {
  return {
    name: 'expense',
    majorVersion: 0,
    revision: 0,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: [
          { name: 'manager', type: 'STR', defaultValue: 'grace' },
          { name: 'team', type: 'STR', defaultValue: 'finance' },
          { name: 'count', type: 'INT', defaultValue: 3 },
          { name: 'pause', type: 'INT' },
          { name: 'decision', type: 'JSON_OBJ' },
          { name: 'approved', type: 'BOOL' },
        ],
        ...(interrupt ? { interruptDefs: [{ externalEventDefName: 'urgent', handlerSpecName: 'on-urgent' }] } : {}),
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'review' }] },
          review: {
            type: 'USER_TASK',
            userTaskDefName: 'approve-expense',
            userId: v('manager'),
            userGroup: v('team'),
            notes: lit('Expense report #7'),
            ...review,
            outgoingEdges: [
              {
                sinkNodeName: 'end',
                variableMutations: [
                  { lhsName: 'decision', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } },
                  { lhsName: 'approved', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT', jsonPath: '$.approved' } },
                ],
              },
            ],
          },
          end: { type: 'EXIT' },
        },
      },
      ...(review.failureHandlers ? { handler: { nodes: tiny } } : {}),
      ...(interrupt ? { 'on-urgent': { nodes: tiny } } : {}),
    },
  };
}

/**
 * The review of spec() in a child thread `reviewer` (its UserTaskRun is 1-1), while the entrypoint waits for the
 * ExternalEvent `urgent`, whose edge sets `team` to 'audit'; variables change while the task waits.
 */
function delegated(review: Partial<Omit<UserTaskNode, 'type'>> = {}): VersionedWfSpec {
  const base = spec(review);
  return {
    ...base,
    threadSpecs: {
      entrypoint: {
        ...base.threadSpecs.entrypoint!,
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'spawn' }] },
          spawn: { type: 'START_THREAD', threadSpecName: 'reviewer', outgoingEdges: [{ sinkNodeName: 'escalate' }] },
          escalate: {
            type: 'EXTERNAL_EVENT',
            externalEventDefName: 'urgent',
            outgoingEdges: [{ sinkNodeName: 'end', variableMutations: [{ lhsName: 'team', operation: 'ASSIGN', rhs: lit('audit') }] }],
          },
          end: { type: 'EXIT' },
        },
      },
      reviewer: { nodes: { ...base.threadSpecs.entrypoint!.nodes } },
    },
  };
}

const GUID = '0-1';
const assign = (fields: Omit<Extract<Command, { type: 'AssignUserTaskRun' }>, 'type' | 'userTaskGuid'>, userTaskGuid = GUID): Command => ({
  type: 'AssignUserTaskRun',
  userTaskGuid,
  ...fields,
});
const complete = (userId: string, results: Record<string, JsonValue>, userTaskGuid = GUID): Command => ({ type: 'CompleteUserTaskRun', userTaskGuid, userId, results });
const cancel = (userTaskGuid = GUID): Command => ({ type: 'CancelUserTaskRun', userTaskGuid });

function started(node: Partial<Omit<UserTaskNode, 'type'>> = {}, options: { interrupt?: boolean } = {}, now = 0): TestRun {
  const run = new TestRun(spec(node, options), catalog);
  run.send({ type: 'RunWf', wfRunId: 'r' }, now);
  return run;
}

const userTaskRun = (run: TestRun) => run.state?.threadRuns[0]?.currentNodeRun?.userTaskRun;
const timersOf = (events: WfRunEvent[] | string) => (typeof events === 'string' ? [] : events.filter((e) => e.type === 'TimerSet'));
const fire = (run: TestRun, timer: WfRunEvent | undefined, now: number) => {
  if (timer?.type !== 'TimerSet') throw new Error('no timer');
  return run.send({ type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose }, now);
};
/** The whole rejection of a command (TestRun keeps only its code). */
function rejectionOf(run: TestRun, command: Command): Rejection | undefined {
  const decision = decide(run.state, command, { now: 0, ids: { next: () => 'id' }, wfSpec: run.wfSpec, catalog: run.catalog });
  return decision.ok ? undefined : decision.rejection;
}

describe('USER_TASK arrival', () => {
  it('is a valid node of a WfSpec', () => {
    expect(validateWfSpec(spec(), catalog)).toEqual([]);
  });

  it('creates a UserTaskRun ASSIGNED to a user, with its group, notes and epoch 1', () => {
    const run = new TestRun(spec(), catalog);
    const events = run.send({ type: 'RunWf', wfRunId: 'r' });
    expect(types(events).slice(-2)).toEqual(['NodeRunStarted', 'UserTaskRunCreated']);
    expect(events.at(-1)).toMatchObject({ userTaskGuid: GUID, userTaskDefName: 'approve-expense', userTaskDefVersion: 0, userId: 'grace', userGroup: 'finance', notes: 'Expense report #7', epoch: 1 });
    expect(userTaskRun(run)).toEqual({
      userTaskGuid: GUID,
      userTaskDefName: 'approve-expense',
      userTaskDefVersion: 0,
      status: 'ASSIGNED',
      userId: 'grace',
      userGroup: 'finance',
      notes: 'Expense report #7',
      epoch: 1,
    });
    expect(run.state?.threadRuns[0]?.currentNodeRun?.status).toBe('RUNNING');
  });

  it('leaves a UserTaskRun for a group alone UNASSIGNED', () => {
    const run = started({ userId: undefined });
    expect(userTaskRun(run)).toMatchObject({ status: 'UNASSIGNED', userGroup: 'finance', epoch: 1 });
    expect(userTaskRun(run)?.userId).toBeUndefined();
  });

  it('counts a user id that is NULL as no user', () => {
    const run = started({ userId: lit(null) });
    expect(userTaskRun(run)).toMatchObject({ status: 'UNASSIGNED', userGroup: 'finance' });
  });

  it.each<[string, Partial<Omit<UserTaskNode, 'type'>>, string, RegExp]>([
    ['neither a user nor a group', { userId: undefined, userGroup: undefined }, 'VAR_ERROR', /^Invalid user task assignment/],
    ['a user and a group that are both NULL', { userId: lit(null), userGroup: v('pause') }, 'VAR_ERROR', /^Invalid user task assignment/],
    ['a blank user id', { userId: lit('  ') }, 'VAR_ERROR', /user id of USER_TASK 'review' is blank/],
    ['a blank group', { userId: undefined, userGroup: lit('') }, 'VAR_ERROR', /user group of USER_TASK 'review' is blank/],
    ['a user id that is a JSON_OBJ', { userId: lit({ id: 3 }) }, 'VAR_SUB_ERROR', /must be a STR; got \{"id":3\} \(JSON_OBJ\)/],
    ['notes that are a JSON_ARR', { notes: lit(['a']) }, 'VAR_SUB_ERROR', /notes of USER_TASK 'review' must be a STR/],
    ['a user id read from a variable out of scope', { userId: v('nobody') }, 'VAR_SUB_ERROR', /not in scope/],
    ['a UserTaskDef that is not registered', { userTaskDefName: 'approve-leave' }, 'TASK_ERROR', /UserTaskDef 'approve-leave' is not registered/],
    ['a version of the UserTaskDef the catalog lacks', { userTaskDefVersion: 3 }, 'TASK_ERROR', /Version 3 of UserTaskDef 'approve-expense'/],
    ['an action delay that is NULL', { actions: [{ hook: 'ON_ARRIVAL', delaySeconds: v('pause'), action: { type: 'CANCEL' } }] }, 'VAR_SUB_ERROR', /delay of action 1 .* must be an INT/],
  ])('fails the node, creating no UserTaskRun, for %s', (_, node, name, message) => {
    const run = started(node);
    expect(run.events.some((e) => e.type === 'UserTaskRunCreated')).toBe(false);
    expect(run.state?.status).toBe('ERROR');
    expect(run.state?.failure?.name).toBe(name);
    expect(run.state?.failure?.message).toMatch(message);
  });

  it('reads a user id, group or notes given as a number as its text (LittleHorse: asStr)', () => {
    const run = started({ userId: v('count'), notes: lit(7) });
    expect(userTaskRun(run)).toMatchObject({ status: 'ASSIGNED', userId: '3', notes: '7' });
  });

  it('runs the pinned version when the catalog has it', () => {
    const run = started({ userTaskDefVersion: 0 });
    expect(userTaskRun(run)?.userTaskDefVersion).toBe(0);
  });
});

describe('AssignUserTaskRun', () => {
  it('lets a user claim a group task, bumping the epoch', () => {
    const run = started({ userId: undefined });
    const events = run.send(assign({ userId: 'bob', userGroup: 'finance' }));
    expect(types(events)).toEqual(['UserTaskRunAssigned']);
    expect(events[0]).toMatchObject({ userId: 'bob', userGroup: 'finance', epoch: 2, cause: 'ASSIGN' });
    expect(userTaskRun(run)).toMatchObject({ status: 'ASSIGNED', userId: 'bob', userGroup: 'finance', epoch: 2 });
  });

  it('refuses to take a claimed task from its user without overrideClaim, and takes it with it', () => {
    const run = started();
    expect(run.send(assign({ userId: 'bob' }))).toBe('USER_TASK_RUN_CLAIMED');
    expect(rejectionOf(run, assign({ userId: 'bob' }))?.message).toMatch(/held by user 'grace'/);
    run.send(assign({ userId: 'bob', overrideClaim: true }));
    // The group not given is cleared: an assignment names who holds the task now.
    expect(userTaskRun(run)).toEqual(expect.objectContaining({ status: 'ASSIGNED', userId: 'bob', epoch: 2 }));
    expect(userTaskRun(run)?.userGroup).toBeUndefined();
  });

  it('releases a task to a group with overrideClaim, leaving it UNASSIGNED', () => {
    const run = started();
    run.send(assign({ userGroup: 'audit', overrideClaim: true }));
    expect(userTaskRun(run)).toMatchObject({ status: 'UNASSIGNED', userGroup: 'audit', epoch: 2 });
    expect(userTaskRun(run)?.userId).toBeUndefined();
  });

  it('refuses an assignment to nobody, to a blank user, and to a UserTaskRun that does not exist', () => {
    const run = started({ userId: undefined });
    expect(run.send(assign({}))).toBe('INVALID_USER_TASK_ASSIGNMENT');
    expect(run.send(assign({ userId: ' ', userGroup: 'finance' }))).toBe('INVALID_USER_TASK_ASSIGNMENT');
    expect(run.send(assign({ userId: 'bob' }, '0-9'))).toBe('UNKNOWN_USER_TASK_RUN');
    expect(run.send(assign({ userId: 'bob' }, 'nonsense'))).toBe('UNKNOWN_USER_TASK_RUN');
    expect(new TestRun(spec(), catalog).send(assign({ userId: 'bob' }))).toBe('WF_RUN_NOT_FOUND');
    expect(userTaskRun(run)?.epoch).toBe(1);
  });
});

describe('CompleteUserTaskRun', () => {
  it('completes the node with the results as its JSON_OBJ output, which an edge assigns', () => {
    const run = started();
    const events = run.send(complete('grace', { approved: true, comment: 'fine', amount: 12 }), 5_000);
    expect(types(events)).toEqual(['UserTaskRunCompleted', 'NodeRunCompleted', 'VariableAssigned', 'VariableAssigned', 'NodeRunStarted', 'NodeRunCompleted', 'ThreadRunCompleted', 'WfRunCompleted']);
    expect(events[0]).toMatchObject({ userTaskGuid: GUID, userId: 'grace', results: { approved: true, comment: 'fine', amount: 12 } });
    expect(events[1]).toMatchObject({ output: { approved: true, comment: 'fine', amount: 12 } });
    expect(run.state?.threadRuns[0]?.variables).toMatchObject({ decision: { approved: true, comment: 'fine', amount: 12 }, approved: true });
    expect(run.state?.status).toBe('COMPLETED');
  });

  it('hands the task to another user who completes it, keeping its group and starting no ON_TASK_ASSIGNED action', () => {
    const run = started({ actions: [{ hook: 'ON_TASK_ASSIGNED', delaySeconds: lit(60), action: { type: 'CANCEL' } }] });
    const events = run.send(complete('bob', { approved: false }));
    expect(types(events).slice(0, 3)).toEqual(['UserTaskRunAssigned', 'UserTaskRunCompleted', 'NodeRunCompleted']);
    expect(events[0]).toMatchObject({ userId: 'bob', userGroup: 'finance', epoch: 2, cause: 'COMPLETE' });
    expect(timersOf(events)).toEqual([]);
    expect(run.state?.threadRuns[0]?.variables.approved).toBe(false);
  });

  it('refuses results that do not fit the UserTaskDef, naming each field', () => {
    const run = started();
    const rejection = rejectionOf(run, complete('grace', { approved: 'yes', amount: 'lots', colour: 'red' }));
    expect(rejection?.code).toBe('INVALID_USER_TASK_RESULTS');
    expect(rejection?.problems?.map((p) => [p.code, p.path])).toEqual([
      ['TYPE_MISMATCH', ['results', 'approved']],
      ['TYPE_MISMATCH', ['results', 'amount']],
      ['UNKNOWN_VARIABLE', ['results', 'colour']],
    ]);
    expect(rejection?.message).toContain("Field 'approved' takes a BOOL; got \"yes\" (STR).");
    expect(rejection?.message).toContain("UserTaskDef 'approve-expense' has no field 'colour'.");
    expect(run.send(complete('grace', { approved: 'yes' }))).toBe('INVALID_USER_TASK_RESULTS');
    expect(userTaskRun(run)?.status).toBe('ASSIGNED');
  });

  it('requires the required fields, refuses NULL for any field, and lets the others be left out', () => {
    const run = started();
    expect(rejectionOf(run, complete('grace', { comment: 'forgot' }))?.problems).toEqual([
      { path: ['results', 'approved'], code: 'MISSING_REQUIRED_VARIABLE', message: "Field 'approved' (BOOL) is required." },
    ]);
    expect(rejectionOf(run, complete('grace', { approved: null }))?.problems?.map((p) => p.code)).toEqual(['MISSING_REQUIRED_VARIABLE']);
    expect(rejectionOf(run, complete('grace', 'yes' as never))?.code).toBe('INVALID_USER_TASK_RESULTS');
    // LittleHorse refuses a NULL value: it has no type to check against the field's.
    expect(rejectionOf(run, complete('grace', { approved: true, comment: null }))?.problems).toEqual([
      { path: ['results', 'comment'], code: 'TYPE_MISMATCH', message: "Field 'comment' is NULL: leave it out of the results instead." },
    ]);
    // An INT fits a DOUBLE field.
    run.send(complete('grace', { approved: true, amount: 3 }));
    expect(run.state?.status).toBe('COMPLETED');
  });

  it('refuses a completion without a user, or once the UserTaskDef is gone from the catalog', () => {
    const run = started();
    expect(run.send(complete('', { approved: true }))).toBe('INVALID_USER_TASK_ASSIGNMENT');
    const gone = new TestRun(run.wfSpec, { taskDefs: {}, userTaskDefs: { 'approve-expense': { ...approveExpense, version: 1 } } });
    gone.state = run.state;
    expect(gone.send(complete('grace', { approved: true }))).toBe('UNKNOWN_USER_TASK_DEF');
  });
});

describe('CancelUserTaskRun', () => {
  it('fails the node with the ERROR USER_TASK_CANCELLED, which fails the WfRun without a handler', () => {
    const run = started();
    const events = run.send(cancel());
    expect(types(events)).toEqual(['UserTaskRunCancelled', 'NodeRunFailed', 'ThreadRunFailed', 'WfRunFailed']);
    expect(events[0]).toMatchObject({ cause: 'CANCEL' });
    expect(events[1]).toMatchObject({ status: 'ERROR', failure: { name: 'USER_TASK_CANCELLED', message: 'UserTaskRun 0-1 was cancelled.' } });
    expect(run.state?.status).toBe('ERROR');
  });

  it('fails it with USER_TASK_CANCELLED that a handler of ERRORs catches', () => {
    const run = started({ failureHandlers: [{ handlerSpecName: 'handler', anyFailureOfType: 'FAILURE_TYPE_ERROR' }] });
    run.send(cancel());
    expect(run.state?.status).toBe('COMPLETED');
    // The handled node leaves by its edges with mutations skipped.
    expect(run.state?.threadRuns[0]?.variables.decision).toBeNull();
  });

  it('fails it with onCancellationExceptionName, an EXCEPTION a handler catches by name', () => {
    const node = { onCancellationExceptionName: 'expense-withdrawn', failureHandlers: [{ handlerSpecName: 'handler', specificFailure: 'expense-withdrawn' }] };
    expect(validateWfSpec(spec(node), catalog)).toEqual([]);
    const run = started(node);
    const events = run.send(cancel());
    expect(events).toContainEqual(expect.objectContaining({ type: 'NodeRunFailed', status: 'EXCEPTION', failure: { name: 'expense-withdrawn', message: 'UserTaskRun 0-1 was cancelled.' } }));
    expect(run.state?.status).toBe('COMPLETED');
    expect(run.state?.threadRuns[1]?.kind).toBe('FAILURE_HANDLER');

    const unhandled = started({ onCancellationExceptionName: 'expense-withdrawn' });
    unhandled.send(cancel());
    expect(unhandled.state?.status).toBe('EXCEPTION');
  });

  it('lets a RescueThreadRun make a fresh UserTaskRun after a cancellation', () => {
    const run = started();
    run.send(cancel());
    run.send({ type: 'RescueThreadRun' });
    expect(userTaskRun(run)).toMatchObject({ userTaskGuid: '0-2', status: 'ASSIGNED', epoch: 1 });
  });
});

describe('SaveUserTaskRunProgress', () => {
  const save = (userId: string, results: Record<string, JsonValue>, policy?: 'IGNORE_CLAIM'): Command => ({
    type: 'SaveUserTaskRunProgress',
    userTaskGuid: GUID,
    userId,
    results,
    ...(policy ? { policy } : {}),
  });

  it('keeps results so far, required fields still to come, and changes nothing else', () => {
    const run = started();
    const before = userTaskRun(run);
    const events = run.send(save('grace', { comment: 'half done' }));
    expect(events).toEqual([expect.objectContaining({ type: 'UserTaskRunProgressSaved', userTaskGuid: GUID, userId: 'grace', results: { comment: 'half done' } })]);
    expect(userTaskRun(run)).toEqual({ ...before, savedResults: { comment: 'half done' } });
    expect(run.state?.status).toBe('RUNNING');
  });

  it('completes with the results over those last saved, as LittleHorse does; a save replaces the one before', () => {
    const run = started();
    run.send(save('grace', { comment: 'first draft', amount: 10 }));
    run.send(save('grace', { comment: 'looks fine' }));
    const events = run.send(complete('grace', { approved: true }));
    const results = { comment: 'looks fine', approved: true };
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'UserTaskRunCompleted', results }),
        expect.objectContaining({ type: 'NodeRunCompleted', output: results }),
      ]),
    );
    // A field saved as NULL, cleared, is not part of the results.
    const cleared = started();
    cleared.send(save('grace', { comment: null, amount: 3 }));
    expect(cleared.send(complete('grace', { approved: true }))).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'UserTaskRunCompleted', results: { amount: 3, approved: true } })]),
    );
    // The completion's own fields win over saved ones.
    const again = started();
    again.send(save('grace', { comment: 'draft' }));
    expect(again.send(complete('grace', { approved: false, comment: 'final' }))).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'UserTaskRunCompleted', results: { comment: 'final', approved: false } })]),
    );
  });

  it('refuses a save by someone other than the holder unless told to ignore the claim, and fields that do not fit', () => {
    const run = started();
    expect(rejectionOf(run, save('bob', { comment: 'mine' }))?.message).toMatch(/held by user 'grace'.*IGNORE_CLAIM/);
    expect(types(run.send(save('bob', { comment: 'mine' }, 'IGNORE_CLAIM')))).toEqual(['UserTaskRunProgressSaved']);
    expect(rejectionOf(run, save('grace', { amount: 'lots', colour: 'red' }))?.problems?.map((p) => p.path)).toEqual([
      ['results', 'amount'],
      ['results', 'colour'],
    ]);
    expect(run.send(save(' ', {}))).toBe('INVALID_USER_TASK_ASSIGNMENT');
    // A group task anyone may save.
    expect(types(started({ userId: undefined }).send(save('bob', {})))).toEqual(['UserTaskRunProgressSaved']);
  });
});

describe('comments on a UserTaskRun', () => {
  const put = (comment: string, userId = 'grace', userTaskGuid = GUID): Command => ({ type: 'PutUserTaskRunComment', userTaskGuid, userId, comment });
  const edit = (userCommentId: number, comment: string): Command => ({ type: 'EditUserTaskRunComment', userTaskGuid: GUID, userCommentId, userId: 'bob', comment });
  const remove = (userCommentId: number): Command => ({ type: 'DeleteUserTaskRunComment', userTaskGuid: GUID, userCommentId, userId: 'bob' });

  it('numbers comments from 1, edits and deletes them by id, and never gives a deleted id again', () => {
    const run = started();
    expect(run.send(put('Receipt missing'))).toEqual([expect.objectContaining({ type: 'UserTaskRunCommented', userCommentId: 1, userId: 'grace', comment: 'Receipt missing' })]);
    run.send(put('Found it', 'bob'));
    expect(run.send(edit(1, 'Receipt attached'))).toEqual([expect.objectContaining({ type: 'UserTaskRunCommentEdited', userCommentId: 1, userId: 'bob', comment: 'Receipt attached' })]);
    expect(types(run.send(remove(2)))).toEqual(['UserTaskRunCommentDeleted']);
    expect(userTaskRun(run)).toMatchObject({ lastCommentId: 2, commentIds: [1] });
    expect(run.send(put('Approved soon'))).toEqual([expect.objectContaining({ userCommentId: 3 })]);
  });

  it('refuses blank comments, and unknown and deleted ids', () => {
    const run = started();
    expect(run.send(put('  '))).toBe('INVALID_USER_TASK_COMMENT');
    expect(run.send(put('ok', ''))).toBe('INVALID_USER_TASK_COMMENT');
    run.send(put('first'));
    run.send(remove(1));
    expect(run.send(edit(1, 'again'))).toBe('USER_TASK_COMMENT_DELETED');
    expect(run.send(remove(1))).toBe('USER_TASK_COMMENT_DELETED');
    expect(run.send(edit(7, 'never'))).toBe('UNKNOWN_USER_TASK_COMMENT');
  });

  it('takes comments, edits and deletes on a UserTaskRun that is DONE, after its WfRun has moved on and ended (LittleHorse checks no status)', () => {
    const run = started();
    run.send(put('Receipt missing'));
    run.send(complete('grace', { approved: true }));
    expect(run.state?.status).toBe('COMPLETED');
    expect(run.state?.threadRuns[0]?.currentNodeRun).toBeUndefined();

    expect(run.send(put('Paid on 3 May', 'bob'))).toEqual([
      expect.objectContaining({ type: 'UserTaskRunCommented', threadRunNumber: 0, position: 1, userTaskGuid: GUID, userCommentId: 2, userId: 'bob', comment: 'Paid on 3 May' }),
    ]);
    expect(types(run.send(edit(1, 'Receipt found')))).toEqual(['UserTaskRunCommentEdited']);
    expect(types(run.send(remove(2)))).toEqual(['UserTaskRunCommentDeleted']);
    expect(run.send(remove(2))).toBe('USER_TASK_COMMENT_DELETED');
    expect(run.send(edit(9, 'never'))).toBe('UNKNOWN_USER_TASK_COMMENT');
    expect(run.send(put(' '))).toBe('INVALID_USER_TASK_COMMENT');
    expect(run.state?.endedUserTaskRuns?.[GUID]).toEqual({ status: 'DONE', lastCommentId: 2, commentIds: [1] });
    expect(run.state?.status).toBe('COMPLETED');
    // Only the UserTaskRun takes them: what else the ended WfRun did is no UserTaskRun.
    expect(run.send(put('Wrong place', 'bob', '0-0'))).toBe('USER_TASK_RUN_ENDED');
  });

  it('takes comments on a CANCELLED UserTaskRun whose failed node is still current, keeping its ids in both places', () => {
    const run = started();
    run.send(cancel());
    expect(run.state?.status).toBe('ERROR');
    expect(run.send(put('Withdrawn by the employee'))).toEqual([expect.objectContaining({ type: 'UserTaskRunCommented', userCommentId: 1 })]);
    expect(userTaskRun(run)).toMatchObject({ status: 'CANCELLED', lastCommentId: 1, commentIds: [1] });
    expect(run.state?.endedUserTaskRuns?.[GUID]).toEqual({ status: 'CANCELLED', lastCommentId: 1, commentIds: [1] });
    // Nothing else about an ended task changes.
    expect(rejectionOf(run, complete('grace', { approved: true }))?.message).toMatch(/has already ended \(CANCELLED\)/);
  });
});

describe('ended UserTaskRuns', () => {
  it('refuse completion, assignment and cancellation once DONE (our choice; LittleHorse accepts a late completion silently)', () => {
    const run = started();
    run.send(complete('grace', { approved: true }));
    expect(run.send(complete('grace', { approved: true }))).toBe('USER_TASK_RUN_ENDED');
    expect(run.send(assign({ userId: 'bob', overrideClaim: true }))).toBe('USER_TASK_RUN_ENDED');
    expect(run.send(cancel())).toBe('USER_TASK_RUN_ENDED');
    expect(run.state?.status).toBe('COMPLETED');
  });

  it('refuse them once CANCELLED, while the failed node is still current', () => {
    const run = started();
    run.send(cancel());
    expect(rejectionOf(run, complete('grace', { approved: true }))).toEqual({ code: 'USER_TASK_RUN_ENDED', message: 'UserTaskRun 0-1 has already ended (CANCELLED); the command changes nothing.' });
    expect(run.send(cancel())).toBe('USER_TASK_RUN_ENDED');
  });
});

describe('user task actions', () => {
  const releaseToGroup = { hook: 'ON_TASK_ASSIGNED' as const, delaySeconds: lit(60), action: { type: 'REASSIGN' as const, userGroup: v('team') } };

  it('reassign at a deadline: an ON_TASK_ASSIGNED release to the group acts while the user still holds the task', () => {
    const run = new TestRun(spec({ actions: [releaseToGroup] }), catalog);
    const [timer] = timersOf(run.send({ type: 'RunWf', wfRunId: 'r' }, 1_000));
    expect(timer).toEqual({
      type: 'TimerSet',
      time: 1_000,
      timerId: '0-1/action-0-1',
      fireAt: 61_000,
      purpose: { type: 'USER_TASK_ACTION', threadRunNumber: 0, position: 1, epoch: 1, actionIndex: 0, action: { type: 'REASSIGN', newUserGroup: v('team') } },
    });
    const events = fire(run, timer, 61_000);
    expect(types(events)).toEqual(['TimerFired', 'UserTaskRunAssigned']);
    expect(events[1]).toMatchObject({ userGroup: 'finance', epoch: 2, cause: 'ACTION' });
    expect(userTaskRun(run)).toMatchObject({ status: 'UNASSIGNED', userGroup: 'finance', epoch: 2 });
  });

  it('is stale once the task has changed hands since the deadline was set', () => {
    const run = started({ actions: [releaseToGroup] });
    const [first] = timersOf(run.events);
    const [second] = timersOf(run.send(assign({ userId: 'bob', userGroup: 'finance', overrideClaim: true }), 10_000));
    expect(second).toMatchObject({ timerId: '0-1/action-0-2', fireAt: 70_000, purpose: { epoch: 2 } });
    expect(fire(run, first, 60_000)).toBe('STALE_TIMER');
    expect(userTaskRun(run)).toMatchObject({ userId: 'bob', epoch: 2 });
    fire(run, second, 70_000);
    expect(userTaskRun(run)).toMatchObject({ status: 'UNASSIGNED', epoch: 3 });
  });

  it('reassigns only a task that is ASSIGNED: an ON_ARRIVAL reassignment of a group task does nothing', () => {
    const run = started({ userId: undefined, actions: [{ hook: 'ON_ARRIVAL', delaySeconds: lit(5), action: { type: 'REASSIGN', userId: lit('bob') } }] });
    expect(fire(run, timersOf(run.events)[0], 5_000)).toBe('STALE_TIMER');
    expect(userTaskRun(run)?.status).toBe('UNASSIGNED');
  });

  it('cancel at a deadline: an ON_ARRIVAL CANCEL fails the node, and is stale once the task is done', () => {
    const deadline = { hook: 'ON_ARRIVAL' as const, delaySeconds: lit(3_600), action: { type: 'CANCEL' as const } };
    const late = started({ actions: [deadline] });
    const [timer] = timersOf(late.events);
    expect(timer).toMatchObject({ fireAt: 3_600_000, purpose: { action: { type: 'CANCEL' } } });
    expect(types(fire(late, timer, 3_600_000)).slice(0, 3)).toEqual(['TimerFired', 'UserTaskRunCancelled', 'NodeRunFailed']);
    expect(late.state?.failure?.name).toBe('USER_TASK_CANCELLED');

    const onTime = started({ actions: [deadline] });
    onTime.send(complete('grace', { approved: true }));
    expect(fire(onTime, timer, 3_600_000)).toBe('STALE_TIMER');
  });

  it('ON_TASK_ASSIGNED starts whenever the task gets a new user, never on group changes or the same user', () => {
    const run = started({ userId: undefined, actions: [{ hook: 'ON_TASK_ASSIGNED', delaySeconds: lit(30), action: { type: 'CANCEL' } }] });
    expect(timersOf(run.events)).toEqual([]);
    expect(timersOf(run.send(assign({ userId: 'bob' }), 1_000)).map((t) => t.timerId)).toEqual(['0-1/action-0-2']);
    expect(timersOf(run.send(assign({ userId: 'bob', overrideClaim: true }), 2_000))).toEqual([]);
    expect(timersOf(run.send(assign({ userGroup: 'audit', overrideClaim: true }), 3_000))).toEqual([]);
    expect(timersOf(run.send(assign({ userId: 'carol', userGroup: 'audit' }), 4_000)).map((t) => t.fireAt)).toEqual([34_000]);
    expect(userTaskRun(run)?.epoch).toBe(5);
  });

  it('reassigns to the group its variable names when the deadline passes, not when it was set (LittleHorse: deadlineReassign)', () => {
    expect(validateWfSpec(delegated({ actions: [releaseToGroup] }), catalog)).toEqual([]);
    const run = new TestRun(delegated({ actions: [releaseToGroup] }), catalog);
    const [timer] = timersOf(run.send({ type: 'RunWf', wfRunId: 'r' }));
    expect(timer).toMatchObject({ purpose: { threadRunNumber: 1, action: { type: 'REASSIGN', newUserGroup: v('team') } } });
    run.send({ type: 'PutExternalEvent', guid: 'e1', externalEventDefName: 'urgent', content: null });
    expect(run.state?.threadRuns[0]?.variables.team).toBe('audit');
    const events = fire(run, timer, 60_000);
    expect(events).toContainEqual(expect.objectContaining({ type: 'UserTaskRunAssigned', userTaskGuid: '1-1', userGroup: 'audit', cause: 'ACTION' }));
    expect(run.state?.threadRuns[1]?.currentNodeRun?.userTaskRun).toMatchObject({ status: 'UNASSIGNED', userGroup: 'audit', epoch: 2 });
  });

  it('creates the task even when a REASSIGN names nobody yet, and refuses the reassignment, changing nothing, if it still names nobody (or a blank id) when it fires', () => {
    const nobody = { hook: 'ON_TASK_ASSIGNED' as const, delaySeconds: lit(60), action: { type: 'REASSIGN' as const, userGroup: v('pause') } };
    const run = started({ actions: [nobody] });
    expect(userTaskRun(run)).toMatchObject({ status: 'ASSIGNED', userId: 'grace', epoch: 1 });
    const [timer] = timersOf(run.events);
    expect(fire(run, timer, 60_000)).toBe('INVALID_USER_TASK_ASSIGNMENT');
    if (timer?.type !== 'TimerSet') throw new Error('no timer');
    expect(rejectionOf(run, { type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose })?.message).toMatch(/both NULL: the reassignment names nobody/);
    expect(userTaskRun(run)).toMatchObject({ status: 'ASSIGNED', userId: 'grace', epoch: 1 });
    expect(run.state?.status).toBe('RUNNING');
    // A blank user id names nobody either (LittleHorse would hand the task to it).
    const blank = started({ actions: [{ ...nobody, action: { type: 'REASSIGN', userId: lit(' '), userGroup: v('team') } }] });
    expect(fire(blank, timersOf(blank.events)[0], 60_000)).toBe('INVALID_USER_TASK_ASSIGNMENT');
  });

  it('fails the node with VAR_SUB_ERROR, closing the task first, when the reassignment cannot be evaluated as it fires', () => {
    const run = started({ actions: [{ hook: 'ON_ARRIVAL', delaySeconds: lit(5), action: { type: 'REASSIGN', userId: v('nobody') } }] });
    expect(userTaskRun(run)?.status).toBe('ASSIGNED');
    const events = fire(run, timersOf(run.events)[0], 5_000);
    expect(types(events).slice(0, 3)).toEqual(['TimerFired', 'UserTaskRunCancelled', 'NodeRunFailed']);
    expect(events[1]).toMatchObject({ cause: 'NODE_FAILED' });
    expect(run.state?.failure).toMatchObject({ name: 'VAR_SUB_ERROR', message: expect.stringMatching(/not in scope/) as unknown });
  });

  it('fires a timer set before deadlines were evaluated as they fire with the user and group it carries', () => {
    const run = started({ actions: [releaseToGroup] });
    // The purpose an earlier engine wrote, the group already evaluated: 'audit', though `team` names finance.
    const events = run.send({
      type: 'FireTimer',
      timerId: '0-1/action-0-1',
      purpose: { type: 'USER_TASK_ACTION', threadRunNumber: 0, position: 1, epoch: 1, actionIndex: 0, action: { type: 'REASSIGN', userId: null, userGroup: 'audit' } },
    }, 60_000);
    expect(types(events)).toEqual(['TimerFired', 'UserTaskRunAssigned']);
    expect(userTaskRun(run)).toMatchObject({ status: 'UNASSIGNED', userGroup: 'audit', epoch: 2 });
  });

  it('leaves out an ON_TASK_ASSIGNED action whose delay is not an INT, naming it on the assignment, and the task waits on (LittleHorse: assignTo logs it)', () => {
    const run = started({
      userId: undefined,
      actions: [
        { hook: 'ON_TASK_ASSIGNED', delaySeconds: v('pause'), action: { type: 'CANCEL' } },
        { hook: 'ON_TASK_ASSIGNED', delaySeconds: lit(30), action: { type: 'CANCEL' } },
      ],
    });
    const events = run.send(assign({ userId: 'bob' }), 1_000);
    expect(types(events)).toEqual(['UserTaskRunAssigned', 'TimerSet']);
    expect(events[0]).toMatchObject({ userId: 'bob', epoch: 2, unscheduledActions: [{ actionIndex: 0, failure: { name: 'VAR_SUB_ERROR', message: "The delay of action 1 of USER_TASK 'review' must be an INT; got null (NULL)." } }] });
    expect(events[1]).toMatchObject({ timerId: '0-1/action-1-2', fireAt: 31_000 });
    expect(userTaskRun(run)).toMatchObject({ status: 'ASSIGNED', userId: 'bob' });
    expect(run.state?.status).toBe('RUNNING');
  });

  it('creates the task without an ON_TASK_ASSIGNED action whose delay is not an INT, while such an ON_ARRIVAL action fails the node', () => {
    const badAssigned = { hook: 'ON_TASK_ASSIGNED' as const, delaySeconds: v('manager'), action: { type: 'CANCEL' as const } };
    const run = started({ actions: [badAssigned, { hook: 'ON_ARRIVAL', delaySeconds: lit(60), action: { type: 'CANCEL' } }] });
    const created = run.events.find((e) => e.type === 'UserTaskRunCreated');
    expect(created).toMatchObject({ userId: 'grace', unscheduledActions: [{ actionIndex: 0, failure: { name: 'VAR_SUB_ERROR' } }] });
    expect(timersOf(run.events).map((t) => t.timerId)).toEqual(['0-1/action-1-1']);
    expect(run.state?.status).toBe('RUNNING');

    const onArrival = started({ actions: [{ ...badAssigned, hook: 'ON_ARRIVAL' }] });
    expect(onArrival.state?.failure?.name).toBe('VAR_SUB_ERROR');
    expect(onArrival.events.some((e) => e.type === 'UserTaskRunCreated')).toBe(false);
  });
});

describe('halting at a USER_TASK', () => {
  it('cancels the UserTaskRun when the WfRun is stopped; the node fails with USER_TASK_CANCELLED on resume', () => {
    const run = started();
    const events = run.send({ type: 'StopWfRun' });
    expect(types(events)).toEqual(['ThreadRunHalted', 'UserTaskRunCancelled']);
    expect(events[1]).toMatchObject({ cause: 'THREAD_HALTED' });
    expect(run.state?.status).toBe('HALTED');
    expect(run.state?.threadRuns[0]?.currentNodeRun?.status).toBe('RUNNING');
    expect(run.send(complete('grace', { approved: true }))).toBe('USER_TASK_RUN_ENDED');

    expect(types(run.send({ type: 'ResumeWfRun' }))).toEqual(['ThreadRunResumed', 'NodeRunFailed', 'ThreadRunFailed', 'WfRunFailed']);
    expect(run.state?.failure?.name).toBe('USER_TASK_CANCELLED');
  });

  it('cancels it when an interrupt halts the thread, and the node fails once the handler is done', () => {
    const run = started({ failureHandlers: [{ handlerSpecName: 'handler', specificFailure: 'USER_TASK_CANCELLED' }] }, { interrupt: true });
    const seen = types(run.send({ type: 'PutExternalEvent', guid: 'u1', externalEventDefName: 'urgent', content: null }));
    // The task ends as the thread halts, before the interrupt handler starts.
    expect(seen.indexOf('UserTaskRunCancelled')).toBeGreaterThan(seen.indexOf('ThreadRunHalted'));
    expect(seen.indexOf('UserTaskRunCancelled')).toBeLessThan(seen.indexOf('InterruptHandlerStarted'));
    // The interrupt handler completes at once; the thread resumes, its node fails, and the failure handler catches it.
    expect(run.state?.threadRuns.map((t) => [t.kind, t.status])).toEqual([
      ['ENTRYPOINT', 'COMPLETED'],
      ['INTERRUPT', 'COMPLETED'],
      ['FAILURE_HANDLER', 'COMPLETED'],
    ]);
    expect(run.state?.status).toBe('COMPLETED');
  });

  it('cancels a child thread’s UserTaskRun when the parent is stopped', () => {
    const parent: VersionedWfSpec = {
      ...spec(),
      threadSpecs: {
        ...spec().threadSpecs,
        entrypoint: {
          ...spec().threadSpecs.entrypoint!,
          nodes: {
            start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'spawn' }] },
            spawn: { type: 'START_THREAD', threadSpecName: 'reviewer', outgoingEdges: [{ sinkNodeName: 'end' }] },
            end: { type: 'EXIT' },
          },
        },
        reviewer: { nodes: { ...spec().threadSpecs.entrypoint!.nodes } },
      },
    };
    expect(validateWfSpec(parent, catalog)).toEqual([]);
    const run = new TestRun(parent, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    expect(run.state?.threadRuns[1]?.currentNodeRun?.userTaskRun?.userTaskGuid).toBe('1-1');
    const events = run.send({ type: 'StopWfRun' });
    expect(events).toContainEqual(expect.objectContaining({ type: 'UserTaskRunCancelled', threadRunNumber: 1, userTaskGuid: '1-1', cause: 'THREAD_HALTED' }));
  });
});
