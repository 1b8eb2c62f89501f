import { describe, expect, it } from 'vitest';
import { decide, replay, step } from '../../src/index.ts';
import type { Catalog, Command, DecideContext, VersionedWfSpec, WfRunEvent, WfRunState } from '../../src/index.ts';

const catalog: Catalog = {
  taskDefs: {
    greet: { name: 'greet', inputVars: [{ name: 'name', type: 'STR' }], returnType: 'STR' },
    count: { name: 'count', inputVars: [{ name: 'text', type: 'STR' }], returnType: 'INT' },
  },
};

/** ENTRYPOINT -> greet(name) -> count(greeting) -> EXIT, each output assigned to a variable. */
const twoTasks: VersionedWfSpec = {
  name: 'two-tasks',
  majorVersion: 1,
  revision: 2,
  entrypointThreadName: 'entrypoint',
  threadSpecs: {
    entrypoint: {
      variableDefs: [
        { name: 'name', type: 'STR', required: true },
        { name: 'greeting', type: 'STR' },
        { name: 'length', type: 'INT', defaultValue: -1 },
      ],
      nodes: {
        '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: '1-greet-TASK' }] },
        '1-greet-TASK': {
          type: 'TASK',
          taskDefName: 'greet',
          inputs: [{ type: 'VARIABLE', variableName: 'name' }],
          outgoingEdges: [{ sinkNodeName: '2-count-TASK', variableMutations: [{ lhsName: 'greeting', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
        },
        '2-count-TASK': {
          type: 'TASK',
          taskDefName: 'count',
          inputs: [{ type: 'VARIABLE', variableName: 'greeting' }],
          outgoingEdges: [{ sinkNodeName: '3-exit-EXIT', variableMutations: [{ lhsName: 'length', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
        },
        '3-exit-EXIT': { type: 'EXIT' },
      },
    },
  },
};

const ctx = (now: number, c: Catalog = catalog): DecideContext => ({ now, ids: { next: () => 'unused' }, wfSpec: twoTasks, catalog: c });
const start = (variables: Record<string, unknown> = { name: 'Ada' }, c?: Catalog) =>
  step(undefined, { type: 'RunWf', wfRunId: 'run-1', variables: variables as never }, ctx(100, c));
const report = (state: WfRunState, taskGuid: string, result: Extract<Command, { type: 'ReportTaskAttempt' }>['result'], attempt = 0) =>
  step(state, { type: 'ReportTaskAttempt', taskGuid, attempt, result }, ctx(200));

function ok<T extends { ok: boolean }>(result: T): Extract<T, { ok: true }> {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result as Extract<T, { ok: true }>;
}

describe('RunWf', () => {
  it('advances to the first TASK and schedules its TaskRun with inputs from variables', () => {
    const { events, effects, state } = ok(start());
    expect(events.map((e) => e.type)).toEqual(['WfRunStarted', 'ThreadRunStarted', 'NodeRunStarted', 'NodeRunCompleted', 'NodeRunStarted', 'TaskRunScheduled']);
    expect(events[0]).toEqual({ type: 'WfRunStarted', wfRunId: 'run-1', wfSpecId: { name: 'two-tasks', majorVersion: 1, revision: 2 }, time: 100 });
    expect(events[5]).toMatchObject({ taskGuid: '0-1', taskDefName: 'greet', attempt: 0, input: [{ name: 'name', value: 'Ada' }] });
    expect(effects).toEqual([{ type: 'ScheduleTask', event: events[5] }]);
    expect(state.threadRuns[0]?.variables).toEqual({ name: 'Ada', greeting: null, length: -1 });
    expect(events.every((e) => e.time === 100)).toBe(true);
  });

  it('rejects variables that do not fit, naming each', () => {
    const result = start({ name: 3, extra: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rejection.code).toBe('INVALID_VARIABLES');
    expect(result.rejection.problems?.map((p) => [p.path.join('.'), p.code])).toEqual([
      ['variables.name', 'TYPE_MISMATCH'],
      ['variables.extra', 'UNKNOWN_VARIABLE'],
    ]);
    const missing = start({});
    expect(!missing.ok && missing.rejection.problems?.map((p) => p.code)).toEqual(['MISSING_REQUIRED_VARIABLE']);
  });

  it('rejects a second RunWf for the same WfRun', () => {
    const { state } = ok(start());
    expect(decide(state, { type: 'RunWf', wfRunId: 'run-1' }, ctx(1))).toMatchObject({ ok: false, rejection: { code: 'WF_RUN_ALREADY_EXISTS' } });
  });
});

describe('ReportTaskAttempt', () => {
  it('assigns each output and completes the thread and the WfRun after the last task', () => {
    const first = ok(report(ok(start()).state, '0-1', { status: 'SUCCESS', output: 'Hello, Ada!' }));
    expect(first.events.map((e) => e.type)).toEqual(['TaskAttemptSucceeded', 'NodeRunCompleted', 'VariableAssigned', 'NodeRunStarted', 'TaskRunScheduled']);
    expect(first.events[4]).toMatchObject({ taskGuid: '0-2', input: [{ name: 'text', value: 'Hello, Ada!' }] });
    const last = ok(report(first.state, '0-2', { status: 'SUCCESS', output: 11 }));
    expect(last.events.map((e) => e.type)).toEqual([
      'TaskAttemptSucceeded',
      'NodeRunCompleted',
      'VariableAssigned',
      'NodeRunStarted',
      'NodeRunCompleted',
      'ThreadRunCompleted',
      'WfRunCompleted',
    ]);
    expect(last.state).toMatchObject({ status: 'COMPLETED', endTime: 200, threadRuns: [{ status: 'COMPLETED', variables: { greeting: 'Hello, Ada!', length: 11 } }] });
  });

  it('fails the node, the thread and the WfRun with TASK_FAILURE on an error, keeping the message', () => {
    const { state, events } = ok(report(ok(start()).state, '0-1', { status: 'ERROR', message: 'disk full' }));
    expect(events.map((e) => e.type)).toEqual(['TaskAttemptFailed', 'NodeRunFailed', 'ThreadRunFailed', 'WfRunFailed']);
    expect(state.status).toBe('ERROR');
    expect(state.failure).toEqual({ name: 'TASK_FAILURE', message: 'disk full' });
  });

  it('ends in EXCEPTION with the name and content of a business exception', () => {
    const { state } = ok(report(ok(start()).state, '0-1', { status: 'EXCEPTION', name: 'unknown-person', message: 'who?', content: { name: 'Ada' } }));
    expect(state.status).toBe('EXCEPTION');
    expect(state.failure).toEqual({ name: 'unknown-person', message: 'who?', content: { name: 'Ada' } });
  });

  it('rejects repeated, late, unknown and premature reports without changing anything', () => {
    const started = ok(start()).state;
    const after = ok(report(started, '0-1', { status: 'SUCCESS', output: 'hi' })).state;
    expect(report(after, '0-1', { status: 'SUCCESS', output: 'again' })).toMatchObject({ ok: false, rejection: { code: 'STALE_TASK_ATTEMPT' } });
    expect(report(started, '0-1', { status: 'SUCCESS', output: 'x' }, 3)).toMatchObject({ ok: false, rejection: { code: 'STALE_TASK_ATTEMPT' } });
    expect(report(started, '7-7', { status: 'SUCCESS', output: 'x' })).toMatchObject({ ok: false, rejection: { code: 'UNKNOWN_TASK_RUN' } });
    expect(decide(undefined, { type: 'ReportTaskAttempt', taskGuid: '0-1', attempt: 0, result: { status: 'SUCCESS' } }, ctx(1))).toMatchObject({
      ok: false,
      rejection: { code: 'WF_RUN_NOT_FOUND' },
    });
  });

  it('fails with VAR_SUB_ERROR when an output does not fit its variable', () => {
    const first = ok(report(ok(start()).state, '0-1', { status: 'SUCCESS', output: 'Hello' }));
    const { state } = ok(report(first.state, '0-2', { status: 'SUCCESS', output: 'eleven' }));
    expect(state.failure?.name).toBe('VAR_SUB_ERROR');
  });

  it('fails with TASK_ERROR when the TaskDef is gone at run time', () => {
    const { state } = ok(start({ name: 'Ada' }, { taskDefs: {} }));
    expect(state.status).toBe('ERROR');
    expect(state.failure).toEqual({ name: 'TASK_ERROR', message: "TaskDef 'greet' is not registered." });
  });
});

describe('replay', () => {
  /** A tiny deterministic PRNG (mulberry32), so a failing stream can be reproduced from its seed. */
  function random(seed: number) {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('rebuilds the decider state from the events of random command streams, and decide never throws', () => {
    const guids = ['0-1', '0-2', '0-3', '1-1', 'bogus'];
    const outcomes: Extract<Command, { type: 'ReportTaskAttempt' }>['result'][] = [
      { status: 'SUCCESS', output: 'text' },
      { status: 'SUCCESS', output: 5 },
      { status: 'SUCCESS', output: null },
      { status: 'ERROR', message: 'x' },
      { status: 'EXCEPTION', name: 'biz', message: 'y' },
      { status: 'TIMEOUT' },
    ];
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
      let state: WfRunState | undefined;
      const events: WfRunEvent[] = [];
      const commands: Command[] = [
        { type: 'RunWf', wfRunId: 'r', variables: next() < 0.1 ? {} : { name: 'Ada' } },
        ...Array.from({ length: 6 }, (): Command => ({ type: 'ReportTaskAttempt', taskGuid: pick(guids), attempt: next() < 0.8 ? 0 : 1, result: pick(outcomes) })),
      ];
      for (const command of commands) {
        const result = step(state, command, ctx(events.length));
        if (!result.ok) continue;
        state = result.state;
        events.push(...result.events);
      }
      expect(replay(events), `seed ${seed}`).toEqual(state);
    }
  });
});
