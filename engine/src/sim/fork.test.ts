import { describe, expect, it } from 'vitest';
import { replay } from '../run/evolve.ts';
import { step } from '../run/step.ts';
import type { Catalog, JsonValue, Node, ThreadSpec, VersionedWfSpec, WfRunEvent } from '../index.ts';
import type { ForkOptions } from './fork.ts';
import { forkSimulation } from './fork.ts';
import { recordScenario, whyNotRecordable } from './scenario.ts';
import type { ScenarioStep } from './scenario-step.ts';
import type { Simulation, SimulationResult, SimulationStep } from './simulation.ts';
import { createSimulation } from './simulation.ts';
import { assign, lit, v } from '../../test/sim-helpers.ts';


const catalog: Catalog = {
  taskDefs: {
    charge: { name: 'charge', inputVars: [{ name: 'amount', type: 'INT' }], returnType: 'STR' },
    ship: { name: 'ship', inputVars: [{ name: 'receipt', type: 'STR' }], returnType: 'STR' },
    work: { name: 'work', inputVars: [], returnType: 'STR' },
  },
  externalEventDefs: { approved: { name: 'approved' } },
  userTaskDefs: { 'approve-expense': { name: 'approve-expense', version: 0, fields: [{ name: 'approved', type: 'BOOL', required: true }] } },
  wfSpecs: { packing: { name: 'packing', majorVersion: 0, variableDefs: [{ name: 'item', type: 'STR', required: true }] } },
};

const entry = (next: string): Node => ({ type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: next }] });
const spec = (name: string, threadSpecs: Record<string, ThreadSpec>, revision = 0): VersionedWfSpec => ({
  name,
  majorVersion: 0,
  revision,
  entrypointThreadName: 'entrypoint',
  threadSpecs,
});

/** checkout: charge(amount), retried twice with back-off, a card-declined handler; then ship(receipt). */
const checkoutNodes: Record<string, Node> = {
  '0-entrypoint-ENTRYPOINT': entry('1-charge-TASK'),
  '1-charge-TASK': {
    type: 'TASK',
    taskDefName: 'charge',
    inputs: [v('amount')],
    retries: 2,
    exponentialBackoff: { baseIntervalMs: 1000, multiplier: 3, maxDelayMs: 60_000 },
    failureHandlers: [{ handlerSpecName: 'declined', specificFailure: 'card-declined' }],
    outgoingEdges: [{ sinkNodeName: '2-ship-TASK', variableMutations: [assign('receipt')] }],
  },
  '2-ship-TASK': { type: 'TASK', taskDefName: 'ship', inputs: [v('receipt')], outgoingEdges: [{ sinkNodeName: '3-exit-EXIT', variableMutations: [assign('label')] }] },
  '3-exit-EXIT': { type: 'EXIT' },
};
const checkoutVars = [
  { name: 'amount', type: 'INT' as const, required: true },
  { name: 'receipt', type: 'STR' as const },
  { name: 'label', type: 'STR' as const },
];
const declined: ThreadSpec = {
  nodes: {
    '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: '1-exit-EXIT', variableMutations: [{ lhsName: 'receipt', operation: 'ASSIGN', rhs: lit('declined') }] }] },
    '1-exit-EXIT': { type: 'EXIT' },
  },
};
const checkout = spec('checkout', { entrypoint: { variableDefs: checkoutVars, nodes: checkoutNodes }, declined });

/** approval: waits up to 60 s for `approved`, sleeps 30 s, exits. */
const approval = spec('approval', {
  entrypoint: {
    variableDefs: [{ name: 'decision', type: 'JSON_OBJ' }],
    nodes: {
      '0-entrypoint-ENTRYPOINT': entry('1-approved-EXTERNAL_EVENT'),
      '1-approved-EXTERNAL_EVENT': { type: 'EXTERNAL_EVENT', externalEventDefName: 'approved', timeoutSeconds: lit(60), outgoingEdges: [{ sinkNodeName: '2-sleep-SLEEP', variableMutations: [assign('decision')] }] },
      '2-sleep-SLEEP': { type: 'SLEEP', rawSeconds: lit(30), outgoingEdges: [{ sinkNodeName: '3-exit-EXIT' }] },
      '3-exit-EXIT': { type: 'EXIT' },
    },
  },
});

/** expense: a user task for grace, handed to boss after 10 minutes and cancelled after an hour. */
const expense = spec('expense', {
  entrypoint: {
    variableDefs: [{ name: 'approved', type: 'BOOL' }],
    nodes: {
      '0-entrypoint-ENTRYPOINT': entry('1-review-USER_TASK'),
      '1-review-USER_TASK': {
        type: 'USER_TASK',
        userTaskDefName: 'approve-expense',
        userId: lit('grace'),
        userGroup: lit('finance'),
        actions: [
          { hook: 'ON_ARRIVAL', delaySeconds: lit(600), action: { type: 'REASSIGN', userId: lit('boss') } },
          { hook: 'ON_ARRIVAL', delaySeconds: lit(3600), action: { type: 'CANCEL' } },
        ],
        outgoingEdges: [{ sinkNodeName: '2-exit-EXIT', variableMutations: [{ lhsName: 'approved', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT', jsonPath: '$.approved' } }] }],
      },
      '2-exit-EXIT': { type: 'EXIT' },
    },
  },
});

/** threads: the parent starts a child thread that runs `work`, runs `work` itself, and waits for the child. */
const threads = spec('threads', {
  entrypoint: {
    variableDefs: [{ name: 'kid', type: 'INT' }, { name: 'out', type: 'STR' }],
    nodes: {
      start: entry('spawn'),
      spawn: { type: 'START_THREAD', threadSpecName: 'child', outgoingEdges: [{ sinkNodeName: 'work', variableMutations: [assign('kid')] }] },
      work: { type: 'TASK', taskDefName: 'work', outgoingEdges: [{ sinkNodeName: 'wait', variableMutations: [assign('out')] }] },
      wait: { type: 'WAIT_FOR_THREADS', threads: [v('kid')], outgoingEdges: [{ sinkNodeName: 'end' }] },
      end: { type: 'EXIT' },
    },
  },
  child: {
    variableDefs: [{ name: 'tries', type: 'INT', defaultValue: 0 }],
    nodes: { start: entry('work'), work: { type: 'TASK', taskDefName: 'work', outgoingEdges: [{ sinkNodeName: 'end' }] }, end: { type: 'EXIT' } },
  },
});

/** orders: runs a `packing` child WfRun, waits for it and returns its output. */
const orders = spec('orders', {
  entrypoint: {
    variableDefs: [{ name: 'item', type: 'STR', defaultValue: 'socks' }, { name: 'child', type: 'STR' }, { name: 'result', type: 'STR' }],
    nodes: {
      '0-entrypoint-ENTRYPOINT': entry('1-packing-RUN_CHILD_WF'),
      '1-packing-RUN_CHILD_WF': { type: 'RUN_CHILD_WF', wfSpecName: 'packing', inputs: { item: v('item') }, outgoingEdges: [{ sinkNodeName: '2-wait-WAIT_FOR_CHILD_WF', variableMutations: [assign('child')] }] },
      '2-wait-WAIT_FOR_CHILD_WF': { type: 'WAIT_FOR_CHILD_WF', childWfRunId: v('child'), outgoingEdges: [{ sinkNodeName: '3-exit-EXIT', variableMutations: [assign('result')] }] },
      '3-exit-EXIT': { type: 'EXIT', returnContent: v('result') },
    },
  },
});

/** route: waits for `approved`, then a big `amount` goes to a `work` task and a small one ends at once. */
const route = spec('route', {
  entrypoint: {
    variableDefs: [{ name: 'amount', type: 'INT', required: true }],
    nodes: {
      '0-entrypoint-ENTRYPOINT': entry('1-approved-EXTERNAL_EVENT'),
      '1-approved-EXTERNAL_EVENT': { type: 'EXTERNAL_EVENT', externalEventDefName: 'approved', outgoingEdges: [{ sinkNodeName: '2-branch-NOP' }] },
      '2-branch-NOP': {
        type: 'NOP',
        outgoingEdges: [{ sinkNodeName: '3-review-TASK', condition: { comparator: 'GREATER_THAN', left: v('amount'), right: lit(100) } }, { sinkNodeName: '4-exit-EXIT' }],
      },
      '3-review-TASK': { type: 'TASK', taskDefName: 'work', outgoingEdges: [{ sinkNodeName: '4-exit-EXIT' }] },
      '4-exit-EXIT': { type: 'EXIT' },
    },
  },
});

/** A run of a WfSpec: its inputs and the actions taken on it, in order. */
interface Story {
  readonly name: string;
  readonly wfSpec: VersionedWfSpec;
  readonly variables?: Record<string, JsonValue>;
  readonly actions: readonly ScenarioStep[];
}

const stories: readonly Story[] = [
  {
    name: 'retries with back-off, a timeout, then an exception a handler catches',
    wfSpec: checkout,
    variables: { amount: 40 },
    actions: [
      { task: { taskDefName: 'charge', error: 'flaky' } },
      { advance: 1000 },
      { task: { taskDefName: 'charge', timeout: true } },
      { advance: 5000 },
      { task: { taskDefName: 'charge', exception: { name: 'card-declined', message: 'no funds' } } },
      { task: { taskDefName: 'ship', output: 'label-1' } },
    ],
  },
  {
    name: 'an event in time, a stale timeout and a sleep',
    wfSpec: approval,
    actions: [{ advance: 10_000 }, { event: { externalEventDefName: 'approved', content: { by: 'grace' } } }, { event: { externalEventDefName: 'approved', content: 'again' } }, { advance: 60_000 }],
  },
  {
    name: 'an event timeout, rescued, then the event',
    wfSpec: approval,
    actions: [{ advance: 61_000 }, { rescue: {} }, { event: { externalEventDefName: 'approved', content: 1, guid: 'event-41' } }, { advance: 29_000 }, { advance: 1000 }],
  },
  {
    name: 'a user task reassigned at its deadline, handed over, and completed by someone else',
    wfSpec: expense,
    actions: [
      { advance: 600_000 },
      { userTask: { userTaskDefName: 'approve-expense', assign: { userId: 'ann', overrideClaim: true } } },
      { userTask: { userTaskDefName: 'approve-expense', userId: 'carl', results: { approved: true } } },
    ],
  },
  { name: 'a user task cancelled at its deadline', wfSpec: expense, actions: [{ advance: 3_600_000 }] },
  {
    name: 'a child thread that fails, and is rescued with the parent waiting for it',
    wfSpec: threads,
    actions: [
      { task: { taskDefName: 'work', threadRunNumber: 0, output: 'parent' } },
      { task: { taskDefName: 'work', threadRunNumber: 1, error: 'down' } },
      { rescue: { threadRunNumber: 1 } },
      { task: { taskDefName: 'work', output: 'child' } },
    ],
  },
  {
    name: 'a child WfRun, with the WfRun stopped and resumed while it runs',
    wfSpec: orders,
    actions: [{ stop: {} }, { resume: {} }, { child: { wfSpecName: 'packing', output: 'box-7' } }],
  },
];

/** The simulation after each action of a story: [0] is the start, [k] after k actions. */
function play(story: Story): Simulation[] {
  const sims = [ok(createSimulation({ wfSpec: story.wfSpec, catalog, variables: story.variables ?? {}, startTime: 1_000, wfRunId: 'real-1' }))];
  for (const action of story.actions) sims.push(ok((sims.at(-1) as Simulation).apply(action)));
  return sims;
}

function ok(result: SimulationResult): Simulation {
  if (!result.ok) throw new Error(`expected the action to be accepted, got ${result.rejection.code}: ${result.rejection.message}`);
  return result.simulation;
}

function refusal(result: SimulationResult): { code: string; message: string; problems?: readonly unknown[] | undefined } {
  if (result.ok) throw new Error('expected a refusal');
  return result.rejection;
}

function fork(from: Simulation, events: readonly WfRunEvent[] = from.events, extra: Partial<ForkOptions> = {}): Simulation {
  return ok(forkSimulation({ wfSpec: from.wfSpec, catalog, wfRunId: from.wfRunId, events, ...extra }));
}

/** A step as it compares across a fork: its RunWf names first values, not the inputs given, and it has no action. */
function comparable(step: SimulationStep) {
  const { actionIndex: _, ...rest } = step;
  return { ...rest, command: step.command.type === 'RunWf' ? 'RunWf' : step.command };
}

/** Where each step of a simulation ends, as an event count. */
const boundaries = (sim: Simulation) => new Set(sim.history.map((s) => s.firstEventIndex + s.events.length));

describe('forkSimulation', () => {
  describe.each(stories)('of a WfRun with $name', (story) => {
    const sims = play(story);
    const last = sims.at(-1) as Simulation;

    it('goes on, from after every action, exactly as the WfRun did', () => {
      expect(last.events.length).toBeGreaterThan(10);
      sims.forEach((at, k) => {
        const forked = fork(at, at.events, { now: at.now });
        expect(forked.state).toEqual(at.state);
        expect(forked.pending()).toEqual(at.pending());
        expect(forked.history.map(comparable)).toEqual(at.history.map(comparable));
        let sim = forked;
        for (const action of story.actions.slice(k)) sim = ok(sim.apply(action));
        expect(sim.events).toEqual(last.events);
        expect(sim.history.map(comparable)).toEqual(last.history.map(comparable));
        expect(sim.state).toEqual(last.state);
        expect(sim.pending()).toEqual(last.pending());
        expect(sim.now).toBe(last.now);
        expect(sim.forkedFrom).toEqual({ wfRunId: 'real-1', eventCount: at.events.length });
      });
    });

    it('holds at every event index the state replay gives, and copies only a command the cut went through', () => {
      const ends = boundaries(last);
      for (let cut = 1; cut <= last.events.length; cut++) {
        const forked = fork(last, last.events.slice(0, cut));
        expect(forked.state).toEqual(last.stateAt(cut - 1));
        for (let i = 0; i < cut; i++) expect(forked.stateAt(i)).toEqual(last.stateAt(i));
        const copied = forked.history.filter((s) => s.command.type === 'CopyEvents');
        expect(copied.map((s) => s.firstEventIndex)).toEqual(ends.has(cut) ? [] : [forked.history.at(-1)?.firstEventIndex]);
        expect(forked.now).toBe(last.events[cut - 1]?.time);
      }
    });
  });

  it('lists what the real WfRun waits for, and fires its timers at their due times', () => {
    const real = ok(ok(createSimulation({ wfSpec: checkout, catalog, variables: { amount: 5 } })).failTask('0-1', 'flaky'));
    const forked = fork(real);
    expect(forked.pending()).toEqual([
      {
        kind: 'TIMER',
        timerId: '0-1/retry-1',
        purpose: { type: 'TASK_RETRY', taskGuid: '0-1', attempt: 1 },
        fireAt: 1000,
        node: { threadRunNumber: 0, position: 1, nodeName: '1-charge-TASK', threadSpecName: 'entrypoint' },
      },
    ]);
    const fired = forked.advanceClock(10_000);
    expect(fired.ok && fired.steps.map((s) => [s.command.type, s.time])).toEqual([['FireTimer', 1000]]);
    const retried = ok(fired);
    expect(retried.pending()).toMatchObject([{ kind: 'TASK_RUN', taskGuid: '0-1', attempt: 1, scheduledAt: 1000 }]);
    // Attempt numbers go on from the real ones: the next failure waits 3 s for attempt 2.
    const again = ok(retried.failTask('0-1', 'still flaky'));
    expect(again.pending()).toMatchObject([{ kind: 'TIMER', fireAt: 10_000 + 3000, purpose: { attempt: 2 } }]);
    expect(ok(retried.completeTask('0-1', 'r')).pending()).toMatchObject([{ kind: 'TASK_RUN', taskGuid: '0-2', input: [{ name: 'receipt', value: 'r' }] }]);
  });

  it('fires a timer that came due before its clock at once, as a server catching up does', () => {
    const real = ok(ok(createSimulation({ wfSpec: approval, catalog })).sendEvent('approved', {}));
    const forked = fork(real, real.events, { now: 50_000 });
    const fired = forked.advanceClock(0);
    expect(fired.ok && fired.steps.map((s) => [s.command.type, s.time])).toEqual([['FireTimer', 50_000]]);
    expect(ok(fired).state.status).toBe('COMPLETED');
  });

  it('answers a dispatched TaskRun, a waiting event, an open user task and a running child', () => {
    const tasks = fork(play(stories[5] as Story)[0] as Simulation);
    expect(tasks.pending().map((p) => (p.kind === 'TASK_RUN' ? p.taskGuid : p.kind))).toEqual(['0-2', '1-1']);
    expect(ok(tasks.completeTask('1-1', 'c')).state.threadRuns[1]?.status).toBe('COMPLETED');
    expect(ok(fork(play(stories[1] as Story)[0] as Simulation).sendEvent('approved', { ok: true })).state.threadRuns[0]?.variables.decision).toEqual({ ok: true });
    expect(ok(fork(play(stories[3] as Story)[0] as Simulation).completeUserTask('0-1', 'grace', { approved: false })).state.status).toBe('COMPLETED');
    const child = fork(play(stories[6] as Story)[0] as Simulation);
    expect(child.pending()).toMatchObject([{ kind: 'CHILD_WF_RUN', childWfRunId: 'real-1_0-1', variables: { item: 'socks' } }]);
    expect(ok(child.completeChild('real-1_0-1', 'box')).state.output).toBe('box');
  });

  it('numbers ExternalEvents past every numbered guid in the log', () => {
    let real = ok(createSimulation({ wfSpec: approval, catalog }));
    real = ok(real.sendEvent('approved', 1));
    real = ok(real.sendEvent('approved', 2));
    const forked = ok(fork(real).sendEvent('approved', 3));
    expect(forked.events.flatMap((e) => (e.type === 'ExternalEventReceived' ? [e.guid] : []))).toEqual(['event-1', 'event-2', 'event-3']);
    const given = ok(real.sendEvent('approved', 4, 'event-41'));
    expect(ok(fork(given).sendEvent('approved', 5)).history.at(-1)?.command).toMatchObject({ guid: 'event-42' });
  });

  it('takes the WfRun id from the log, so child WfRun ids derive from it', () => {
    const real = ok(createSimulation({ wfSpec: orders, catalog, wfRunId: 'order-7' }));
    const forked = fork(real);
    expect(forked.wfRunId).toBe('order-7');
    expect(forked.startTime).toBe(0);
    expect(forked.inputs).toEqual({ item: 'socks' });
    expect(forked.actions).toEqual([]);
    expect(forked.pending()).toMatchObject([{ kind: 'CHILD_WF_RUN', childWfRunId: 'order-7_0-1' }]);
  });

  it('rebuilds the RunWf of a child WfRun whose parent gave a required variable NULL', () => {
    const packing = spec('packing', {
      entrypoint: {
        variableDefs: [{ name: 'item', type: 'STR', required: true }],
        nodes: {
          '0-entrypoint-ENTRYPOINT': entry('1-work-TASK'),
          '1-work-TASK': { type: 'TASK', taskDefName: 'work', outgoingEdges: [{ sinkNodeName: '2-exit-EXIT' }] },
          '2-exit-EXIT': { type: 'EXIT' },
        },
      },
    });
    const runWf = { type: 'RunWf', wfRunId: 'order-7_0-1', parentWfRunId: 'order-7', variables: { item: null }, fromRunChildWf: true } as const;
    const started = step(undefined, runWf, { now: 0, ids: { next: () => 'id' }, wfSpec: packing, catalog });
    if (!started.ok) throw new Error(started.rejection.message);
    const forked = ok(forkSimulation({ wfSpec: packing, catalog, wfRunId: 'order-7_0-1', events: started.events }));
    // The NULL it started with is left out, as for any RunWf rebuilt; unchecked, the command gives the same events.
    expect(forked.history.map((s) => s.command)).toEqual([{ ...runWf, variables: {} }]);
  });

  it('copies what a revision it does not have decided, and rebuilds the rest', () => {
    const v1 = withNote(1);
    const v2 = withNote(2);
    let real = ok(createSimulation({ wfSpec: checkout, catalog, variables: { amount: 3 } }));
    real = ok(real.migrate(v1));
    real = ok(real.completeTask('0-1', 'r'));
    real = ok(real.migrate(v2));
    const forked = fork(real);
    expect(forked.wfSpec).toBe(v2);
    expect(forked.state).toEqual(real.state);
    // RunWf and the first migration ran on revisions 0 and 1, which would start the WfRun differently: copied.
    expect(real.history.map((s) => s.command.type)).toEqual(['RunWf', 'MigrateWfRun', 'ReportTaskAttempt', 'MigrateWfRun']);
    expect(forked.history.map((s) => s.command.type)).toEqual(['CopyEvents', 'ReportTaskAttempt', 'MigrateWfRun']);
    expect(forked.history[0]?.events).toEqual(real.events.slice(0, real.history[2]?.firstEventIndex));
    expect(forked.history.map(comparable).slice(1)).toEqual(real.history.map(comparable).slice(2));
    expect(forked.stateAt(3)).toEqual(real.stateAt(3));
    const wrong = refusal(forkSimulation({ wfSpec: checkout, catalog, wfRunId: real.wfRunId, events: real.events }));
    expect(wrong).toEqual({ code: 'WF_SPEC_MISMATCH', message: 'WfRun simulation runs checkout 0.2 at the last event (after its migrations); the WfSpec given is checkout 0.0.' });
  });

  it('forks a WfRun of a spec registered before a check that now refuses it (a masked variable made searchable)', () => {
    const legacy = spec('legacy', {
      entrypoint: {
        variableDefs: [{ name: 'pin', type: 'STR', masked: true, searchable: true }],
        nodes: { '0-entrypoint-ENTRYPOINT': entry('1-exit-EXIT'), '1-exit-EXIT': { type: 'EXIT' } },
      },
    });
    expect(refusal(createSimulation({ wfSpec: legacy, catalog })).code).toBe('INVALID_WF_SPEC');
    // As the server ran it: the engine's step, which validates nothing.
    const started = step(undefined, { type: 'RunWf', wfRunId: 'legacy-1', variables: { pin: '1234' } }, { now: 0, ids: { next: () => 'id' }, wfSpec: legacy, catalog });
    if (!started.ok) throw new Error(started.rejection.message);
    const forked = ok(forkSimulation({ wfSpec: legacy, catalog, wfRunId: 'legacy-1', events: started.events }));
    expect(forked.state?.status).toBe('COMPLETED');
  });

  describe('refuses', () => {
    const real = play(stories[0] as Story)[2] as Simulation;
    const options: ForkOptions = { wfSpec: checkout, catalog, wfRunId: 'real-1', events: real.events };
    const code = (changes: Partial<ForkOptions>) => refusal(forkSimulation({ ...options, ...changes }));

    it('no events, or events that do not start with the WfRunStarted', () => {
      expect(code({ events: [] })).toMatchObject({ code: 'INVALID_EVENT_LOG', message: expect.stringContaining('no events') });
      expect(code({ events: real.events.slice(1) })).toEqual({
        code: 'INVALID_EVENT_LOG',
        message: "A WfRun's log begins with its WfRunStarted; events[0] is a ThreadRunStarted.",
      });
      expect(code({ events: null as never }).code).toBe('INVALID_EVENT_LOG');
    });

    it('events of another WfRun, started twice, out of order, or without times', () => {
      expect(code({ wfRunId: 'other' })).toEqual({ code: 'INVALID_EVENT_LOG', message: 'The events are of WfRun "real-1", not of "other".' });
      expect(code({ events: [...real.events, real.events[0] as WfRunEvent] }).message).toMatch(/starts the WfRun again/);
      const orphan: WfRunEvent = { type: 'NodeRunStarted', threadRunNumber: 7, position: 0, nodeName: 'x', nodeType: 'NOP', time: 5 };
      expect(code({ events: [...real.events, orphan] }).message).toMatch(/^events\[\d+\] \(a NodeRunStarted\) cannot follow the events before it: ThreadRun 7 does not exist/);
      expect(code({ events: [...real.events, { type: 'Nonsense', time: 5 } as never] }).code).toBe('INVALID_EVENT_LOG');
      expect(code({ events: [...real.events, { ...orphan, time: 'noon' } as never] }).message).toMatch(/has no time/);
    });

    it('a WfSpec of another name or version, or one that does not validate', () => {
      expect(code({ wfSpec: { ...checkout, name: 'shop' } })).toEqual({
        code: 'WF_SPEC_MISMATCH',
        message: 'WfRun real-1 runs checkout 0.0 at the last event; the WfSpec given is shop 0.0.',
      });
      expect(code({ wfSpec: { ...checkout, revision: 1 } }).code).toBe('WF_SPEC_MISMATCH');
      const broken = code({ wfSpec: { ...checkout, entrypointThreadName: 'nowhere' } });
      expect(broken.code).toBe('INVALID_WF_SPEC');
      expect(broken.problems?.length).toBeGreaterThan(0);
    });

    it('a log with an event missing or two swapped with a typed refusal, or forks it, and never throws', () => {
      const codes = new Set<string>();
      for (const story of stories) {
        const { events, wfSpec, wfRunId } = play(story).at(-1) as Simulation;
        for (let k = 1; k < events.length; k++) {
          const swapped = [...events.slice(0, k - 1), events[k] as WfRunEvent, events[k - 1] as WfRunEvent, ...events.slice(k + 1)];
          for (const broken of [[...events.slice(0, k), ...events.slice(k + 1)], swapped]) {
            const result = forkSimulation({ wfSpec, catalog, wfRunId, events: broken });
            codes.add(result.ok ? 'forked' : result.rejection.code);
          }
        }
      }
      expect([...codes].sort()).toEqual(['INVALID_EVENT_LOG', 'forked']);
    });

    it('a clock earlier than the last event, or not whole milliseconds', () => {
      const latest = real.events.at(-1)?.time ?? 0;
      expect(code({ now: latest - 1 })).toEqual({
        code: 'INVALID_TIME',
        message: `The clock of a fork must be a whole number of epoch milliseconds no earlier than the latest event (${latest}); got ${latest - 1}.`,
      });
      expect(code({ now: latest + 0.5 }).code).toBe('INVALID_TIME');
      expect(fork(real, real.events, { now: latest + 7 }).now).toBe(latest + 7);
    });
  });
});

describe('a sandbox edit', () => {
  const waiting = (amount: number) => fork(ok(createSimulation({ wfSpec: route, catalog, variables: { amount }, wfRunId: 'real-1' })));

  it('setVariable changes which branch a condition takes, and leaves the old simulation as it was', () => {
    const small = waiting(40);
    const edited = ok(small.setVariable(0, 'amount', 500));
    expect(edited.history.at(-1)).toMatchObject({ command: { type: 'SetVariable', threadRunNumber: 0, name: 'amount', value: 500 }, events: [{ type: 'VariableAssigned', name: 'amount', value: 500 }] });
    expect(edited.history.at(-1)?.actionIndex).toBeUndefined();
    expect(edited.actions).toEqual([]);
    expect(ok(edited.sendEvent('approved', null)).visited()).toContain('3-review-TASK');
    expect(ok(small.sendEvent('approved', null)).visited()).not.toContain('3-review-TASK');
    expect(small.state.threadRuns[0]?.variables.amount).toBe(40);
    expect(edited.stateAt(edited.events.length - 1)).toEqual(replay(edited.events));
  });

  it('setVariable lets a WAIT_FOR_CONDITION go on at once', () => {
    const gate = spec('gate', {
      entrypoint: {
        variableDefs: [{ name: 'done', type: 'INT', defaultValue: 0 }],
        nodes: { start: entry('until'), until: { type: 'WAIT_FOR_CONDITION', condition: { comparator: 'GREATER_THAN_EQ', left: v('done'), right: lit(2) }, outgoingEdges: [{ sinkNodeName: 'end' }] }, end: { type: 'EXIT' } },
      },
    });
    const sim = ok(createSimulation({ wfSpec: gate, catalog }));
    expect(sim.state.status).toBe('RUNNING');
    expect(ok(sim.setVariable(0, 'done', 1)).state.status).toBe('RUNNING');
    expect(ok(sim.setVariable(0, 'done', 2)).state.status).toBe('COMPLETED');
  });

  it('setVariable on a failed WfRun, then a rescue, runs the node with the new value', () => {
    const errored = fork(play({ name: '', wfSpec: threads, actions: (stories[5] as Story).actions.slice(0, 2) }).at(-1) as Simulation);
    expect(errored.state.status).toBe('ERROR');
    const rescued = ok(ok(errored.setVariable(1, 'tries', 1)).rescue(1));
    expect(rescued.state.threadRuns[1]?.variables.tries).toBe(1);
    expect(rescued.pending()).toMatchObject([{ kind: 'TASK_RUN', taskGuid: '1-2' }]);
  });

  it('setVariable refuses an unknown thread or variable and a value of the wrong type, naming them', () => {
    const sim = waiting(40);
    expect(refusal(sim.setVariable(0, 'amount', 'lots'))).toEqual({
      code: 'INVALID_VARIABLES',
      message: `Variable 'amount' of ThreadRun 0 is an INT; got "lots" (STR).`,
      problems: [{ path: ['threadRuns', 0, 'variables', 'amount'], code: 'TYPE_MISMATCH', message: `Variable 'amount' of ThreadRun 0 is an INT; got "lots" (STR).` }],
    });
    expect(refusal(sim.setVariable(0, 'amount', 1.5)).code).toBe('INVALID_VARIABLES');
    expect(refusal(sim.setVariable(0, 'amount', undefined as never)).code).toBe('INVALID_VARIABLES');
    expect(refusal(sim.setVariable(0, 'total', 1))).toMatchObject({ code: 'INVALID_VARIABLES', message: "ThreadRun 0 (entrypoint) declares no variable 'total'.", problems: [{ code: 'UNKNOWN_VARIABLE' }] });
    expect(refusal(sim.setVariable(3, 'amount', 1)).code).toBe('UNKNOWN_THREAD_RUN');
    const twoThreads = fork(play(stories[5] as Story)[0] as Simulation);
    expect(refusal(twoThreads.setVariable(1, 'out', 'x')).message).toBe("ThreadRun 1 (child) declares no variable 'out'. ThreadRun 0 (entrypoint) holds it.");
  });

  it('migrate moves the WfRun to a later revision, which decides what comes next', () => {
    const sim = fork(play(stories[0] as Story)[0] as Simulation);
    const moved = ok(sim.migrate(withNote(1)));
    expect(moved.wfSpec.revision).toBe(1);
    expect(moved.state.wfSpecId.revision).toBe(1);
    expect(moved.state.threadRuns[0]?.variables.note).toBe('hi');
    expect(moved.history.at(-1)?.command).toMatchObject({ type: 'MigrateWfRun' });
    expect(sim.wfSpec.revision).toBe(0);
    const done = ok(ok(ok(moved.completeTask('0-1', 'r')).completeTask('0-2', 'l')).completeTask('0-3', 'sent'));
    expect(done.visited()).toEqual(['0-entrypoint-ENTRYPOINT', '1-charge-TASK', '2-ship-TASK', '4-notify-TASK', '3-exit-EXIT']);
    expect(done.state.status).toBe('COMPLETED');
  });

  it('migrate refuses a WfSpec that does not validate, or one the WfRun cannot stand on', () => {
    const sim = fork(play(stories[0] as Story)[0] as Simulation);
    const invalid = refusal(sim.migrate({ ...withNote(1), entrypointThreadName: 'nowhere' }));
    expect(invalid.code).toBe('INVALID_WF_SPEC');
    expect(invalid.problems?.length).toBeGreaterThan(0);
    const { '1-charge-TASK': _, ...rest } = checkoutNodes;
    const without = spec('checkout', { entrypoint: { variableDefs: checkoutVars, nodes: { ...rest, '0-entrypoint-ENTRYPOINT': entry('2-ship-TASK') } } }, 1);
    expect(refusal(sim.migrate(without))).toMatchObject({ code: 'MIGRATION_REFUSED', problems: [{ code: 'MISSING_NODE' }] });
    expect(refusal(sim.migrate(checkout)).code).toBe('MIGRATION_REFUSED');
  });
});

describe('recording a scenario', () => {
  it('refuses a fork or a simulation with a sandbox edit, saying why', () => {
    const plain = ok(createSimulation({ wfSpec: route, catalog, variables: { amount: 1 } }));
    expect(whyNotRecordable(plain)).toBeUndefined();
    expect(recordScenario(plain, { name: 'plain' }).steps).toEqual([]);
    const forked = fork(plain);
    expect(whyNotRecordable(forked)).toMatch(/forked from WfRun simulation after 5 events/);
    expect(() => recordScenario(forked, { name: 'fork' })).toThrow(/a scenario starts a WfRun from RunWf/);
    const edited = ok(plain.setVariable(0, 'amount', 2));
    expect(() => recordScenario(edited, { name: 'edited' })).toThrow('This simulation has a sandbox edit (SetVariable) that no scenario step can replay.');
  });
});

/** checkout at `revision`, with a `note` variable and a notify task after ship. */
function withNote(revision: number): VersionedWfSpec {
  const nodes: Record<string, Node> = {
    ...checkoutNodes,
    '2-ship-TASK': { type: 'TASK', taskDefName: 'ship', inputs: [v('receipt')], outgoingEdges: [{ sinkNodeName: '4-notify-TASK', variableMutations: [assign('label')] }] },
    '4-notify-TASK': { type: 'TASK', taskDefName: 'work', outgoingEdges: [{ sinkNodeName: '3-exit-EXIT' }] },
  };
  return spec('checkout', { entrypoint: { variableDefs: [...checkoutVars, { name: 'note', type: 'STR', defaultValue: 'hi' }], nodes }, declined }, revision);
}
