import { describe, expect, it } from 'vitest';
import type { ScheduledTask } from '../client/types.ts';
import { TaskContext } from './task-context.ts';

const scheduled: ScheduledTask = {
  taskRunId: 'r/0-1',
  wfRunId: 'r',
  taskGuid: '0-1',
  threadRunNumber: 0,
  nodePosition: 1,
  taskDefName: 'send-reminder',
  attempt: 0,
  input: {},
  idempotencyKey: 'r/0-1',
  scheduledAt: '2026-12-01T10:00:00.000Z',
  leaseExpiresAt: '2026-12-01T10:01:00.000Z',
  userTaskGuid: null,
  userId: null,
  userGroup: null,
};

describe('TaskContext', () => {
  it("names the UserTaskRun a reminder fired for, and who held it then (LittleHorse's UserTaskTriggerReference)", () => {
    const ctx = new TaskContext({ ...scheduled, taskRunId: 'r/0-1-action-0-2', taskGuid: '0-1-action-0-2', userTaskGuid: '0-1', userId: 'ada', userGroup: 'finance' });
    expect([ctx.userTaskGuid, ctx.userId, ctx.userGroup]).toEqual(['0-1', 'ada', 'finance']);
    expect(ctx.nodeRunId).toEqual({ wfRunId: 'r', threadRunNumber: 0, position: 1 });
  });

  it("leaves them undefined for a TASK node's TaskRun, and for a reminder whose task had no user", () => {
    const node = new TaskContext(scheduled);
    expect([node.userTaskGuid, node.userId, node.userGroup]).toEqual([undefined, undefined, undefined]);
    const group = new TaskContext({ ...scheduled, taskGuid: '0-1-action-0-1', userTaskGuid: '0-1', userGroup: 'finance' });
    expect([group.userId, group.userGroup]).toEqual([undefined, 'finance']);
  });
});
