import { describe, expect, it } from 'vitest';
import { replay, step, validateWfSpec } from '../../src/index.ts';
import type { Command, DecideContext, SleepNode, VersionedWfSpec, WfRunEvent, WfRunState } from '../../src/index.ts';

function spec(sleep: Partial<SleepNode>): VersionedWfSpec {
  return {
    name: 'sleeper',
    majorVersion: 0,
    revision: 0,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: [{ name: 'seconds', type: 'INT', defaultValue: 30 }, { name: 'until', type: 'INT' }],
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'nap' }] },
          nap: { type: 'SLEEP', ...sleep, outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: { type: 'EXIT' },
        },
      },
    },
  };
}

function run(wfSpec: VersionedWfSpec, commands: { command: Command; now: number }[]): { state: WfRunState; events: WfRunEvent[]; rejections: string[] } {
  let state: WfRunState | undefined;
  const events: WfRunEvent[] = [];
  const rejections: string[] = [];
  for (const { command, now } of commands) {
    const ctx: DecideContext = { now, ids: { next: () => 'id' }, wfSpec, catalog: { taskDefs: {} } };
    const result = step(state, command, ctx);
    if (!result.ok) rejections.push(result.rejection.code);
    else {
      state = result.state;
      events.push(...result.events);
    }
  }
  expect(replay(events)).toEqual(state);
  return { state: state as WfRunState, events, rejections };
}

const timerOf = (events: WfRunEvent[]) => events.find((e): e is Extract<WfRunEvent, { type: 'TimerSet' }> => e.type === 'TimerSet');

describe('SLEEP', () => {
  it('sets a timer rawSeconds from now and completes when it fires', () => {
    const wf = spec({ rawSeconds: { type: 'VARIABLE', variableName: 'seconds' } });
    const started = run(wf, [{ command: { type: 'RunWf', wfRunId: 'r' }, now: 1_000 }]);
    const timer = timerOf(started.events);
    expect(timer).toMatchObject({ fireAt: 31_000, purpose: { type: 'SLEEP', threadRunNumber: 0, position: 1 } });
    const woken = run(wf, [
      { command: { type: 'RunWf', wfRunId: 'r' }, now: 1_000 },
      { command: { type: 'FireTimer', timerId: timer!.timerId, purpose: timer!.purpose }, now: 31_000 },
      { command: { type: 'FireTimer', timerId: timer!.timerId, purpose: timer!.purpose }, now: 31_001 },
    ]);
    expect(woken.state.status).toBe('COMPLETED');
    expect(woken.rejections).toEqual(['STALE_TIMER']);
  });

  it('sleeps until a timestamp, and not at all when it has passed', () => {
    const wf = spec({ timestamp: { type: 'VARIABLE', variableName: 'until' } });
    expect(timerOf(run(wf, [{ command: { type: 'RunWf', wfRunId: 'r', variables: { until: 5_000 } }, now: 1_000 }]).events)?.fireAt).toBe(5_000);
    expect(run(wf, [{ command: { type: 'RunWf', wfRunId: 'r', variables: { until: 500 } }, now: 1_000 }]).state.status).toBe('COMPLETED');
  });

  it('fails with VAR_SUB_ERROR when the time is NULL', () => {
    const { state } = run(spec({ timestamp: { type: 'VARIABLE', variableName: 'until' } }), [{ command: { type: 'RunWf', wfRunId: 'r' }, now: 0 }]);
    expect(state.failure).toEqual({ name: 'VAR_SUB_ERROR', message: 'SLEEP needs an INT; got null (NULL).' });
  });

  it('needs exactly one of rawSeconds and timestamp, of type INT', () => {
    expect(validateWfSpec(spec({}), { taskDefs: {} }).map((p) => p.code)).toEqual(['MISSING_FIELD']);
    expect(validateWfSpec(spec({ rawSeconds: { type: 'LITERAL', value: 'soon' } }), { taskDefs: {} }).map((p) => p.path.at(-1))).toEqual(['value']);
  });
});

describe('SLEEP until a timestamp that another thread moves (LittleHorse re-evaluates it)', () => {
  // The entrypoint starts `mover`, which sets `until` to the content of each `move` event, then sleeps until `until`.
  const wf: VersionedWfSpec = {
    name: 'moving-sleeper',
    majorVersion: 0,
    revision: 0,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: [{ name: 'until', type: 'TIMESTAMP' }],
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'spawn' }] },
          spawn: { type: 'START_THREAD', threadSpecName: 'mover', outgoingEdges: [{ sinkNodeName: 'nap' }] },
          nap: { type: 'SLEEP', timestamp: { type: 'VARIABLE', variableName: 'until' }, outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: { type: 'EXIT' },
        },
      },
      mover: {
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'wait' }] },
          wait: {
            type: 'EXTERNAL_EVENT',
            externalEventDefName: 'move',
            outgoingEdges: [{ sinkNodeName: 'wait', variableMutations: [{ lhsName: 'until', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
          },
        },
      },
    },
  };
  const move = (guid: string, to: number) => ({ type: 'PutExternalEvent' as const, guid, externalEventDefName: 'move', content: to });
  const begin = { command: { type: 'RunWf' as const, wfRunId: 'r', variables: { until: 10_000 } }, now: 1_000 };

  it('sets a new timer when the time moves, and the old timer finds nothing to do', () => {
    const { events, state } = run(wf, [begin, { command: move('m1', 20_000), now: 2_000 }]);
    const timers = events.filter((e) => e.type === 'TimerSet');
    expect(timers.map((t) => t.type === 'TimerSet' && [t.fireAt, t.purpose])).toEqual([
      [10_000, { type: 'SLEEP', threadRunNumber: 0, position: 2, until: 10_000 }],
      [20_000, { type: 'SLEEP', threadRunNumber: 0, position: 2, until: 20_000 }],
    ]);
    expect(state.threadRuns[0]?.currentNodeRun?.sleepUntil).toBe(20_000);
    const [old, current] = timers as Extract<WfRunEvent, { type: 'TimerSet' }>[];
    const fired = run(wf, [
      begin,
      { command: move('m1', 20_000), now: 2_000 },
      { command: { type: 'FireTimer', timerId: old!.timerId, purpose: old!.purpose }, now: 10_000 },
      { command: { type: 'FireTimer', timerId: current!.timerId, purpose: current!.purpose }, now: 20_000 },
    ]);
    expect(fired.rejections).toEqual(['STALE_TIMER']);
    expect(fired.state.threadRuns[0]?.currentNodeRun?.nodeName).toBe('end');
    expect(fired.events.filter((e) => e.type === 'NodeRunCompleted' && e.threadRunNumber === 0).at(-1)).toMatchObject({ position: 2, time: 20_000 });
  });

  it('wakes at once when the time moves into the past', () => {
    const { events } = run(wf, [begin, { command: move('m1', 1_500), now: 3_000 }]);
    expect(events.filter((e) => e.type === 'NodeRunCompleted' && e.threadRunNumber === 0).at(-1)).toMatchObject({ position: 2, time: 3_000 });
  });
});
