import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTriggeredTaskGuid, nodeRunOfGuid, parseTaskGuid, taskGuid, triggeredTaskGuid, userTaskOfTriggeredTaskGuid } from './task-guid.ts';

const counter = fc.nat({ max: 1_000_000 });

describe('TaskRun guids', () => {
  it("name a TASK node's TaskRun after its NodeRun, and read it back", () => {
    expect(taskGuid(2, 7)).toBe('2-7');
    expect(parseTaskGuid('2-7')).toEqual({ kind: 'TASK_NODE', threadRunNumber: 2, position: 7 });
    expect(nodeRunOfGuid('2-7')).toEqual({ threadRunNumber: 2, position: 7 });
    expect(isTriggeredTaskGuid('2-7')).toBe(false);
    expect(userTaskOfTriggeredTaskGuid('2-7')).toBeUndefined();
  });

  it("name a user task action's TaskRun after its USER_TASK NodeRun, action and assignment, and read it back", () => {
    expect(triggeredTaskGuid(0, 1, 2, 3)).toBe('0-1-action-2-3');
    expect(parseTaskGuid('0-1-action-2-3')).toEqual({ kind: 'USER_TASK_TRIGGER', threadRunNumber: 0, position: 1, userTaskGuid: '0-1', actionIndex: 2, epoch: 3 });
    expect(userTaskOfTriggeredTaskGuid('0-1-action-2-3')).toEqual({ threadRunNumber: 0, position: 1, userTaskGuid: '0-1', actionIndex: 2 });
    expect(isTriggeredTaskGuid('0-1-action-2-3')).toBe(true);
    // The NodeRun it names is the USER_TASK's, not a TASK NodeRun of its own.
    expect(nodeRunOfGuid('0-1-action-2-3')).toBeUndefined();
  });

  it('read back exactly what made them, of either kind', () => {
    fc.assert(
      fc.property(counter, counter, counter, counter, (thread, position, action, epoch) => {
        expect(parseTaskGuid(taskGuid(thread, position))).toEqual({ kind: 'TASK_NODE', threadRunNumber: thread, position });
        expect(parseTaskGuid(triggeredTaskGuid(thread, position, action, epoch))).toMatchObject({ threadRunNumber: thread, position, actionIndex: action, epoch });
      }),
    );
  });

  it('read nothing from text no TaskRun is named, nor from a second spelling of a guid', () => {
    for (const text of ['', '0', '0-', '-1', '0-1-', 'a-1', '0-1-action-2', '0-1-action-2-3-4', '0-1/action-2-3', ' 0-1', '0-01', '00-1', '0-1-action-02-3', '0-99999999999999999999']) {
      expect(parseTaskGuid(text)).toBeUndefined();
      expect(nodeRunOfGuid(text)).toBeUndefined();
      expect(isTriggeredTaskGuid(text)).toBe(false);
    }
  });
});
