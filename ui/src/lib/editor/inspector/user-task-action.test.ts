import { validateWfSpec } from '@gallop/engine';
import type { Catalog, UserTaskAction, WfSpec } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { describeAction, newUserTaskAction, problemsWithin, withTask } from './user-task-action.ts';

const catalog: Catalog = {
  taskDefs: { remind: { name: 'remind', inputVars: [{ name: 'who', type: 'STR' }] } },
  userTaskDefs: { review: { name: 'review', version: 0, fields: [{ name: 'ok', type: 'BOOL' }] } },
};

/** A WfSpec whose one USER_TASK node has `actions`. */
function withActions(actions: UserTaskAction[]): WfSpec {
  return {
    name: 'reviewing',
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: [{ name: 'who', type: 'STR' }],
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'ask' }] },
          ask: { type: 'USER_TASK', userTaskDefName: 'review', userGroup: { type: 'LITERAL', value: 'finance' }, actions, outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: { type: 'EXIT' },
        },
      },
    },
  };
}

describe('newUserTaskAction', () => {
  it('makes each kind an hour after arrival, leaving what only the person can say for the engine to ask for', () => {
    const kinds = [newUserTaskAction('TASK'), newUserTaskAction('REASSIGN'), newUserTaskAction('CANCEL')];
    expect(kinds.map((a) => [a.hook, a.delaySeconds])).toEqual(Array(3).fill(['ON_ARRIVAL', { type: 'LITERAL', value: 3600 }]));
    const problems = validateWfSpec(withActions(kinds), catalog);
    expect(problems.map((p) => [p.path.slice(4), p.message])).toEqual([
      [['actions', 0, 'action', 'task', 'taskDefName'], "The task of action 1 of USER_TASK 'ask' runs TaskDef '', which is not registered."],
      [['actions', 1, 'action', 'userGroup', 'value'], "The user group of action 2 of USER_TASK 'ask' is blank."],
    ]);
  });

  it("makes a reminder that is valid once its TaskDef and that TaskDef's inputs are given", () => {
    const reminder = withTask(newUserTaskAction('TASK'), { taskDefName: 'remind', inputs: [{ type: 'VARIABLE', variableName: 'who' }] });
    expect(reminder.action).toEqual({ type: 'TASK', task: { taskDefName: 'remind', inputs: [{ type: 'VARIABLE', variableName: 'who' }] } });
    expect(validateWfSpec(withActions([reminder]), catalog)).toEqual([]);
  });
});

describe('describeAction', () => {
  it('says when the action fires and what it does', () => {
    const reminder = withTask(newUserTaskAction('TASK'), { taskDefName: 'remind', inputs: [] });
    expect(describeAction(reminder)).toBe('On arrival, after 3600 s: run remind');
    expect(describeAction(newUserTaskAction('TASK'))).toBe('On arrival, after 3600 s: run a TaskDef still to choose');
    const later = { ...newUserTaskAction('CANCEL'), hook: 'ON_TASK_ASSIGNED', delaySeconds: { type: 'VARIABLE', variableName: 'wait' } } as const;
    expect(describeAction(later)).toBe('On assignment, after wait s: cancel');
    expect(describeAction(newUserTaskAction('REASSIGN'))).toBe('On arrival, after 3600 s: reassign to group ""');
  });
});

describe('problemsWithin', () => {
  it('keeps the problems at or under a path, in order', () => {
    const problems = [{ path: ['a', 0, 'b'] }, { path: ['a', 1] }, { path: ['a', 0] }, { path: ['a'] }];
    expect(problemsWithin(problems, ['a', 0])).toEqual([{ path: ['a', 0, 'b'] }, { path: ['a', 0] }]);
  });
});
