import type { NodeRunInfo, TaskRunInfo } from '@gallop/sdk';
import { describe, expect, it } from 'vitest';
import { nodeRunsTable, nodeRunView, taskRunView } from './views.ts';

describe('taskRunView', () => {
  it('numbers attempts from 1, as the console does, and says when the one waiting out its back-off runs', () => {
    const attempt = { workerId: null, startTime: null, endTime: null, output: null, errorMessage: null, exceptionName: null, logOutput: null, scheduleTime: null };
    const run: TaskRunInfo = {
      id: 'run-1/0-1',
      wfRunId: 'run-1',
      taskGuid: '0-1',
      taskDefName: 'charge',
      status: 'TASK_PENDING',
      input: {},
      scheduledAt: '2099-01-01T01:00:00.000Z',
      userTaskGuid: null,
      userId: null,
      userGroup: null,
      attempts: [
        { ...attempt, attempt: 0, status: 'TASK_FAILED', workerId: 'w-1', endTime: '2099-01-01T00:00:00.000Z', errorMessage: 'boom' },
        { ...attempt, attempt: 1, status: 'TASK_PENDING', scheduleTime: '2099-01-01T01:00:00.000Z' },
      ],
    };
    const lines = taskRunView(run);
    expect(lines.some((line) => line.startsWith('user'))).toBe(false);
    expect(lines.slice(-2).map((line) => line.trim().split(/\s{2,}/))).toEqual([
      ['1', 'TASK_FAILED', 'w-1', '-', '2099-01-01T00:00:00.000Z', 'error: boom'],
      ['2', 'TASK_PENDING', '-', '-', '-', 'scheduled for 2099-01-01T01:00:00.000Z'],
    ]);
  });
});

describe('NodeRun views', () => {
  it('name the WorkflowEventDef a THROW_EVENT throws, in the table and in the NodeRun', () => {
    const node: NodeRunInfo = {
      wfRunId: 'run-1',
      threadRunNumber: 0,
      position: 2,
      nodeName: '2-shipped-THROW_EVENT',
      nodeType: 'THROW_EVENT',
      status: 'COMPLETED',
      arrivalTime: '2099-01-01T00:00:00.000Z',
      endTime: '2099-01-01T00:00:00.000Z',
      errorMessage: null,
      externalEventDefName: null,
      taskRun: null,
      userTaskRun: null,
      sleepUntil: null,
      childWfRunId: null,
      threadRunNumbers: null,
      workflowEventDefName: 'shipped',
    };
    expect(nodeRunsTable([node]).at(-1)).toMatch(/throws shipped\s*$/);
    expect(nodeRunView(node)).toContain('throws:     shipped');
  });
});
