import { describe, expect, it } from 'vitest';
import { replay, step, validateWfSpec } from '../../src/index.ts';
import type { Catalog, Command, DecideContext, TaskNode, VersionedWfSpec, WfRunEvent, WfRunState } from '../../src/index.ts';

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

/** Feeds commands one by one, keeping every event and checking replay against the decider's state each time. */
class Run {
  state: WfRunState | undefined;
  readonly events: WfRunEvent[] = [];
  constructor(readonly wfSpec: VersionedWfSpec) {}

  send(command: Command, now = 0): WfRunEvent[] | string {
    const ctx: DecideContext = { now, ids: { next: () => 'id' }, wfSpec: this.wfSpec, catalog };
    const result = step(this.state, command, ctx);
    if (!result.ok) return result.rejection.code;
    this.state = result.state;
    this.events.push(...result.events);
    expect(replay(this.events)).toEqual(this.state);
    return [...result.events];
  }

  report(attempt: number, result: Extract<Command, { type: 'ReportTaskAttempt' }>['result'], now = 0) {
    return this.send({ type: 'ReportTaskAttempt', taskGuid: '0-1', attempt, result }, now);
  }
}

const types = (events: WfRunEvent[] | string) => (typeof events === 'string' ? events : events.map((e) => e.type));

describe('TASK retries', () => {
  it('schedules the next attempt at once after an error while retries remain', () => {
    const run = new Run(spec({ retries: 2 }));
    run.send({ type: 'RunWf', wfRunId: 'r' });
    expect(types(run.report(0, { status: 'ERROR', message: 'boom' }))).toEqual(['TaskAttemptFailed', 'TaskRunScheduled']);
    expect(types(run.report(1, { status: 'TIMEOUT' }))).toEqual(['TaskAttemptFailed', 'TaskRunScheduled']);
    const last = run.report(2, { status: 'SUCCESS', output: 'third time' });
    expect(types(last).slice(0, 2)).toEqual(['TaskAttemptSucceeded', 'NodeRunCompleted']);
    expect(run.state?.status).toBe('COMPLETED');
    expect(run.state?.threadRuns[0]?.variables.out).toBe('third time');
  });

  it('fails the node with the last failure once the attempts run out', () => {
    const run = new Run(spec({ retries: 1 }));
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report(0, { status: 'ERROR', message: 'first' });
    expect(types(run.report(1, { status: 'TIMEOUT' }))).toEqual(['TaskAttemptFailed', 'NodeRunFailed', 'ThreadRunFailed', 'WfRunFailed']);
    expect(run.state?.failure).toEqual({ name: 'TIMEOUT', message: 'Task timed out' });
  });

  it('never retries a business exception', () => {
    const run = new Run(spec({ retries: 5 }));
    run.send({ type: 'RunWf', wfRunId: 'r' });
    expect(types(run.report(0, { status: 'EXCEPTION', name: 'card-declined', message: 'no' }))).toContain('NodeRunFailed');
    expect(run.state?.status).toBe('EXCEPTION');
  });

  it('rejects a report for the attempt that already failed', () => {
    const run = new Run(spec({ retries: 1 }));
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report(0, { status: 'ERROR', message: 'boom' });
    expect(run.report(0, { status: 'SUCCESS', output: 'late' })).toBe('STALE_TASK_ATTEMPT');
  });
});

describe('TASK retries with exponential back-off', () => {
  const backoff = spec({ retries: 3, exponentialBackoff: { baseIntervalMs: 100, multiplier: 3, maxDelayMs: 500 } });

  it('waits the base interval, then multiplies it, up to the cap', () => {
    const run = new Run(backoff);
    run.send({ type: 'RunWf', wfRunId: 'r' }, 1000);
    const fireAts: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = 2000 * (attempt + 1);
      const events = run.report(attempt, { status: 'ERROR', message: 'boom' }, now) as WfRunEvent[];
      expect(types(events)).toEqual(['TaskAttemptFailed', 'TaskRetryPending', 'TimerSet']);
      const timer = events[2] as Extract<WfRunEvent, { type: 'TimerSet' }>;
      fireAts.push(timer.fireAt - now);
      expect(run.state?.threadRuns[0]?.currentNodeRun?.taskRun?.status).toBe('TASK_PENDING');
      expect(types(run.send({ type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose }, timer.fireAt))).toEqual(['TimerFired', 'TaskRunScheduled']);
    }
    expect(fireAts).toEqual([100, 300, 500]);
  });

  it('ignores a timer whose attempt is no longer pending', () => {
    const run = new Run(backoff);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    const events = run.report(0, { status: 'ERROR', message: 'boom' }) as WfRunEvent[];
    const timer = events[2] as Extract<WfRunEvent, { type: 'TimerSet' }>;
    run.send({ type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose });
    expect(run.send({ type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose })).toBe('STALE_TIMER');
    expect(run.report(0, { status: 'SUCCESS', output: 'x' })).toBe('STALE_TASK_ATTEMPT');
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
