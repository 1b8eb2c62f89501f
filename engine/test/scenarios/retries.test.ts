import { describe, expect, it } from 'vitest';
import { validateWfSpec } from '../../src/index.ts';
import { TestRun, types } from '../run.ts';
import type { Catalog, TaskNode, VersionedWfSpec, WfRunEvent } from '../../src/index.ts';

const catalog: Catalog = { taskDefs: { flaky: { name: 'flaky', inputVars: [], returnType: 'STR' } } };

function spec(task: Partial<TaskNode>): VersionedWfSpec {
  return {
    name: 'retries',
    majorVersion: 0,
    revision: 0,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: [{ name: 'out', type: 'STR' }],
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'task' }] },
          task: {
            type: 'TASK',
            taskDefName: 'flaky',
            ...task,
            outgoingEdges: [{ sinkNodeName: 'end', variableMutations: [{ lhsName: 'out', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
          },
          end: { type: 'EXIT' },
        },
      },
    },
  };
}


describe('TASK retries', () => {
  it('schedules the next attempt at once after an error while retries remain', () => {
    const run = new TestRun(spec({ retries: 2 }), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    expect(types(run.report('0-1', { status: 'ERROR', message: 'boom' }, { attempt: 0 }))).toEqual(['TaskAttemptFailed', 'TaskRunScheduled']);
    expect(types(run.report('0-1', { status: 'TIMEOUT' }, { attempt: 1 }))).toEqual(['TaskAttemptFailed', 'TaskRunScheduled']);
    const last = run.report('0-1', { status: 'SUCCESS', output: 'third time' }, { attempt: 2 });
    expect(types(last).slice(0, 2)).toEqual(['TaskAttemptSucceeded', 'NodeRunCompleted']);
    expect(run.state?.status).toBe('COMPLETED');
    expect(run.state?.threadRuns[0]?.variables.out).toBe('third time');
  });

  it('fails the node with the last failure once the attempts run out', () => {
    const run = new TestRun(spec({ retries: 1 }), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('0-1', { status: 'ERROR', message: 'first' }, { attempt: 0 });
    expect(types(run.report('0-1', { status: 'TIMEOUT' }, { attempt: 1 }))).toEqual(['TaskAttemptFailed', 'NodeRunFailed', 'ThreadRunFailed', 'WfRunFailed']);
    expect(run.state?.failure).toEqual({ name: 'TIMEOUT', message: 'Task timed out' });
  });

  it('never retries a business exception', () => {
    const run = new TestRun(spec({ retries: 5 }), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    expect(types(run.report('0-1', { status: 'EXCEPTION', name: 'card-declined', message: 'no' }, { attempt: 0 }))).toContain('NodeRunFailed');
    expect(run.state?.status).toBe('EXCEPTION');
  });

  it('rejects a report for the attempt that already failed', () => {
    const run = new TestRun(spec({ retries: 1 }), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('0-1', { status: 'ERROR', message: 'boom' }, { attempt: 0 });
    expect(run.report('0-1', { status: 'SUCCESS', output: 'late' }, { attempt: 0 })).toBe('STALE_TASK_ATTEMPT');
  });
});

describe('TASK retries with exponential back-off', () => {
  const backoff = spec({ retries: 3, exponentialBackoff: { baseIntervalMs: 100, multiplier: 3, maxDelayMs: 500 } });

  it('waits the base interval, then multiplies it, up to the cap', () => {
    const run = new TestRun(backoff, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' }, 1000);
    const fireAts: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = 2000 * (attempt + 1);
      const events = run.report('0-1', { status: 'ERROR', message: 'boom' }, { attempt, now }) as WfRunEvent[];
      expect(types(events)).toEqual(['TaskAttemptFailed', 'TaskRetryPending', 'TimerSet']);
      const timer = events[2] as Extract<WfRunEvent, { type: 'TimerSet' }>;
      fireAts.push(timer.fireAt - now);
      expect(run.state?.threadRuns[0]?.currentNodeRun?.taskRun?.status).toBe('TASK_PENDING');
      expect(types(run.send({ type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose }, timer.fireAt))).toEqual(['TimerFired', 'TaskRunScheduled']);
    }
    expect(fireAts).toEqual([100, 300, 500]);
  });

  it('truncates a fractional delay to whole milliseconds, as Java casts it', () => {
    const run = new TestRun(spec({ retries: 4, exponentialBackoff: { baseIntervalMs: 10, multiplier: 1.15, maxDelayMs: 1_000 } }), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    const delays: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const events = run.report('0-1', { status: 'ERROR', message: 'boom' }, { attempt, now: 0 }) as WfRunEvent[];
      const timer = events[2] as Extract<WfRunEvent, { type: 'TimerSet' }>;
      delays.push(timer.fireAt);
      run.send({ type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose }, 0);
    }
    // 10, 11.5, 13.225, 15.20875: rounded, the second would be 12.
    expect(delays).toEqual([10, 11, 13, 15]);
  });

  it('ignores a timer whose attempt is no longer pending', () => {
    const run = new TestRun(backoff, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    const events = run.report('0-1', { status: 'ERROR', message: 'boom' }, { attempt: 0 }) as WfRunEvent[];
    const timer = events[2] as Extract<WfRunEvent, { type: 'TimerSet' }>;
    run.send({ type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose });
    expect(run.send({ type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose })).toBe('STALE_TIMER');
    expect(run.report('0-1', { status: 'SUCCESS', output: 'x' }, { attempt: 0 })).toBe('STALE_TASK_ATTEMPT');
  });

  it('names retries and back-off settings out of range', () => {
    const bad = spec({ retries: -1, exponentialBackoff: { baseIntervalMs: 0, multiplier: 0.5, maxDelayMs: -1 } });
    expect(validateWfSpec(bad, catalog).map((p) => p.path.slice(4).join('.'))).toEqual([
      'retries',
      'exponentialBackoff.baseIntervalMs',
      'exponentialBackoff.multiplier',
      'exponentialBackoff.maxDelayMs',
    ]);
  });
});
