import type { TaskRunInfo } from '@gallop/sdk';
import { describe, expect, it } from 'vitest';
import { taskRunView } from './views.ts';

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
