import { describe, expect, it } from 'vitest';
import { replay, step, validateWfSpec } from '../../src/index.ts';
import type { Command, DecideContext, JsonValue, SleepNode, VersionedWfSpec, WfRunEvent, WfRunState } from '../../src/index.ts';

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

  it('sleeps until a timestamp; one that has passed sets a timer due now, as LittleHorse does', () => {
    const wf = spec({ timestamp: { type: 'VARIABLE', variableName: 'until' } });
    expect(timerOf(run(wf, [{ command: { type: 'RunWf', wfRunId: 'r', variables: { until: 5_000 } }, now: 1_000 }]).events)?.fireAt).toBe(5_000);
    const passed = run(wf, [{ command: { type: 'RunWf', wfRunId: 'r', variables: { until: 500 } }, now: 1_000 }]);
    expect(passed.state.status).toBe('RUNNING');
    expect(timerOf(passed.events)?.fireAt).toBe(1_000);
  });

  it('ends the command at a zero sleep, so a loop around one takes a timer a pass', () => {
    // i < 1000: sleep 0 s, i += 1. Done in one command, a loop like this once ran into the engine's pass limit.
    const loop: VersionedWfSpec = {
      name: 'poller',
      majorVersion: 0,
      revision: 0,
      entrypointThreadName: 'entrypoint',
      threadSpecs: {
        entrypoint: {
          variableDefs: [{ name: 'i', type: 'INT', defaultValue: 0 }],
          nodes: {
            start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'head' }] },
            head: {
              type: 'NOP',
              outgoingEdges: [
                { sinkNodeName: 'nap', condition: { comparator: 'LESS_THAN', left: { type: 'VARIABLE', variableName: 'i' }, right: { type: 'LITERAL', value: 1000 } } },
                { sinkNodeName: 'end' },
              ],
            },
            nap: { type: 'SLEEP', rawSeconds: { type: 'LITERAL', value: 0 }, outgoingEdges: [{ sinkNodeName: 'head', variableMutations: [{ lhsName: 'i', operation: 'ADD', rhs: { type: 'LITERAL', value: 1 } }] }] },
            end: { type: 'EXIT' },
          },
        },
      },
    };
    const ctx = (now: number): DecideContext => ({ now, ids: { next: () => 'id' }, wfSpec: loop, catalog: { taskDefs: {} } });
    let result = step(undefined, { type: 'RunWf', wfRunId: 'r' }, ctx(0));
    let timers = 0;
    while (result.ok && result.state.status === 'RUNNING') {
      const timer = timerOf([...result.events]);
      if (!timer) throw new Error('A running sleep loop set no timer.');
      timers++;
      result = step(result.state, { type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose }, ctx(timers));
    }
    expect(result.ok && result.state.status).toBe('COMPLETED');
    expect(result.ok && result.state.threadRuns[0]?.variables.i).toBe(1000);
    expect(timers).toBe(1000);
  });

  it('reads seconds and a timestamp as LittleHorse reads an INT: a DOUBLE truncated, a STR of digits parsed', () => {
    const wf = (rawSeconds: JsonValue) => spec({ rawSeconds: { type: 'VARIABLE', variableName: 'doc', jsonPath: '$.wait' } });
    const withDoc = (wait: JsonValue) => {
      const base = wf(wait);
      const entry = base.threadSpecs.entrypoint!;
      return { ...base, threadSpecs: { entrypoint: { ...entry, variableDefs: [...(entry.variableDefs ?? []), { name: 'doc', type: 'JSON_OBJ' as const }] } } };
    };
    const fireAt = (wait: JsonValue) => {
      const { events, state } = run(withDoc(wait), [{ command: { type: 'RunWf', wfRunId: 'r', variables: { doc: { wait } } }, now: 1_000 }]);
      return timerOf(events)?.fireAt ?? state.failure?.message;
    };
    expect(fireAt(2.9)).toBe(3_000);
    expect(fireAt('5')).toBe(6_000);
    expect(fireAt('five')).toBe('SLEEP needs an INT; got "five" (STR).');
    // A timestamp the same way: epoch milliseconds as digits.
    const until = spec({ timestamp: { type: 'VARIABLE', variableName: 'doc', jsonPath: '$.at' } });
    const entry = until.threadSpecs.entrypoint!;
    const withAt = { ...until, threadSpecs: { entrypoint: { ...entry, variableDefs: [...(entry.variableDefs ?? []), { name: 'doc', type: 'JSON_OBJ' as const }] } } };
    const { events } = run(withAt, [{ command: { type: 'RunWf', wfRunId: 'r', variables: { doc: { at: '5000' } } }, now: 1_000 }]);
    expect(timerOf(events)?.fireAt).toBe(5_000);
  });

  it('sleeps until an ISO-8601 date with an offset', () => {
    const wf: VersionedWfSpec = {
      ...spec({ isoDate: { type: 'VARIABLE', variableName: 'when' } }),
      threadSpecs: {
        entrypoint: {
          variableDefs: [{ name: 'when', type: 'STR' }],
          nodes: {
            start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'nap' }] },
            nap: { type: 'SLEEP', isoDate: { type: 'VARIABLE', variableName: 'when' }, outgoingEdges: [{ sinkNodeName: 'end' }] },
            end: { type: 'EXIT' },
          },
        },
      },
    };
    expect(validateWfSpec(wf, { taskDefs: {} })).toEqual([]);
    const at = (when: string) => {
      const { events, state } = run(wf, [{ command: { type: 'RunWf', wfRunId: 'r', variables: { when } }, now: 0 }]);
      return timerOf(events)?.fireAt ?? state.failure?.message;
    };
    expect(at('2026-12-24T18:00:00Z')).toBe(Date.UTC(2026, 11, 24, 18));
    expect(at('2026-12-24T19:00:00.250+01:00')).toBe(Date.UTC(2026, 11, 24, 18, 0, 0, 250));
    expect(at('2024-02-29T00:00-05:30')).toBe(Date.UTC(2024, 1, 29, 5, 30));
    expect(at('1970-01-01T00:00:01.5Z')).toBe(1_500);
    expect(at('2026-12-24T18:00:00')).toMatch(/^SLEEP needs an ISO-8601 date and time with an offset/);
    expect(at('2025-02-29T00:00Z')).toMatch(/^SLEEP needs an ISO-8601 date/);
    expect(at('tomorrow')).toMatch(/^SLEEP needs an ISO-8601 date/);
    const literal = spec({ isoDate: { type: 'LITERAL', value: '24/12/2026' } });
    expect(validateWfSpec(literal, { taskDefs: {} }).map((p) => [p.code, p.path.at(-1)])).toEqual([['TYPE_MISMATCH', 'value']]);
  });

  it('fails with VAR_SUB_ERROR when the time is NULL', () => {
    const { state } = run(spec({ timestamp: { type: 'VARIABLE', variableName: 'until' } }), [{ command: { type: 'RunWf', wfRunId: 'r' }, now: 0 }]);
    expect(state.failure).toEqual({ name: 'VAR_SUB_ERROR', message: 'SLEEP needs an INT; got null (NULL).' });
  });

  it('needs exactly one of rawSeconds, timestamp and isoDate, of the right type', () => {
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

  it('sets a timer due now when the time moves into the past', () => {
    const { events } = run(wf, [begin, { command: move('m1', 1_500), now: 3_000 }]);
    expect(events.filter((e) => e.type === 'TimerSet').at(-1)).toMatchObject({ fireAt: 3_000, purpose: { type: 'SLEEP', threadRunNumber: 0, position: 2, until: 1_500 } });
  });
});
