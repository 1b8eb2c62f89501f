import { describe, expect, it } from 'vitest';
import { replay } from '../run/evolve.ts';
import type { Catalog, JsonValue, TaskNode, ThreadSpec, WfSpec } from '../index.ts';
import type { PendingAction } from './pending.ts';
import type { Simulation, SimulationOptions, SimulationResult } from './simulation.ts';
import { createSimulation } from './simulation.ts';
import { assign, lit, v } from '../../test/sim-helpers.ts';


const catalog: Catalog = {
  taskDefs: {
    charge: { name: 'charge', inputVars: [{ name: 'amount', type: 'INT' }], returnType: 'STR' },
    ship: { name: 'ship', inputVars: [{ name: 'receipt', type: 'STR' }], returnType: 'STR' },
  },
  externalEventDefs: { approved: { name: 'approved' } },
  userTaskDefs: {
    'approve-expense': {
      name: 'approve-expense',
      version: 0,
      fields: [
        { name: 'approved', type: 'BOOL', required: true },
        { name: 'comment', type: 'STR' },
      ],
    },
  },
  wfSpecs: { packing: { name: 'packing', majorVersion: 0, variableDefs: [{ name: 'item', type: 'STR', required: true }] } },
};

/**
 * checkout: charge(amount) -> ship(receipt) -> exit; the edges keep charge's output in `receipt` and ship's in
 * `label`. `charge` takes extra node fields; when they include failure handlers, the WfSpec has the `declined`
 * thread for them, which sets `receipt` to "declined".
 */
function checkout(charge: Partial<Omit<TaskNode, 'type'>> = {}): WfSpec {
  return {
    name: 'checkout',
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: [
          { name: 'amount', type: 'INT', required: true },
          { name: 'receipt', type: 'STR' },
          { name: 'label', type: 'STR' },
        ],
        nodes: {
          '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: '1-charge-TASK' }] },
          '1-charge-TASK': {
            type: 'TASK',
            taskDefName: 'charge',
            inputs: [v('amount')],
            outgoingEdges: [{ sinkNodeName: '2-ship-TASK', variableMutations: [assign('receipt')] }],
            ...charge,
          },
          '2-ship-TASK': { type: 'TASK', taskDefName: 'ship', inputs: [v('receipt')], outgoingEdges: [{ sinkNodeName: '3-exit-EXIT', variableMutations: [assign('label')] }] },
          '3-exit-EXIT': { type: 'EXIT' },
        },
      },
      ...(charge.failureHandlers ? { declined: declinedThread } : {}),
    },
  };
}

/** The handler thread of checkout: sets `receipt` to "declined". */
const declinedThread: ThreadSpec = {
  nodes: {
    '0-entrypoint-ENTRYPOINT': {
      type: 'ENTRYPOINT',
      outgoingEdges: [{ sinkNodeName: '1-exit-EXIT', variableMutations: [{ lhsName: 'receipt', operation: 'ASSIGN', rhs: lit('declined') }] }],
    },
    '1-exit-EXIT': { type: 'EXIT' },
  },
};

/** approval: waits up to 60 s for `approved` (its content into `decision`), sleeps 30 s, exits. */
const approval: WfSpec = {
  name: 'approval',
  entrypointThreadName: 'entrypoint',
  threadSpecs: {
    entrypoint: {
      variableDefs: [{ name: 'decision', type: 'JSON_OBJ' }],
      nodes: {
        '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: '1-approved-EXTERNAL_EVENT' }] },
        '1-approved-EXTERNAL_EVENT': {
          type: 'EXTERNAL_EVENT',
          externalEventDefName: 'approved',
          timeoutSeconds: lit(60),
          outgoingEdges: [{ sinkNodeName: '2-sleep-SLEEP', variableMutations: [assign('decision')] }],
        },
        '2-sleep-SLEEP': { type: 'SLEEP', rawSeconds: lit(30), outgoingEdges: [{ sinkNodeName: '3-exit-EXIT' }] },
        '3-exit-EXIT': { type: 'EXIT' },
      },
    },
  },
};

/** expense: a USER_TASK for grace in finance, cancelled after an hour; `approved` takes the form's field. */
const expense: WfSpec = {
  name: 'expense',
  entrypointThreadName: 'entrypoint',
  threadSpecs: {
    entrypoint: {
      variableDefs: [{ name: 'approved', type: 'BOOL' }],
      nodes: {
        '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: '1-review-USER_TASK' }] },
        '1-review-USER_TASK': {
          type: 'USER_TASK',
          userTaskDefName: 'approve-expense',
          userId: lit('grace'),
          userGroup: lit('finance'),
          actions: [{ hook: 'ON_ARRIVAL', delaySeconds: lit(3600), action: { type: 'CANCEL' } }],
          outgoingEdges: [
            { sinkNodeName: '2-exit-EXIT', variableMutations: [{ lhsName: 'approved', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT', jsonPath: '$.approved' } }] },
          ],
        },
        '2-exit-EXIT': { type: 'EXIT' },
      },
    },
  },
};

/** orders: runs a `packing` child WfRun for `item`, waits for it, keeps its output in `result` and returns it. */
const orders: WfSpec = {
  name: 'orders',
  entrypointThreadName: 'entrypoint',
  threadSpecs: {
    entrypoint: {
      variableDefs: [
        { name: 'item', type: 'STR', defaultValue: 'socks' },
        { name: 'child', type: 'STR' },
        { name: 'result', type: 'STR' },
      ],
      nodes: {
        '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: '1-packing-RUN_CHILD_WF' }] },
        '1-packing-RUN_CHILD_WF': {
          type: 'RUN_CHILD_WF',
          wfSpecName: 'packing',
          inputs: { item: v('item') },
          outgoingEdges: [{ sinkNodeName: '2-wait-WAIT_FOR_CHILD_WF', variableMutations: [assign('child')] }],
        },
        '2-wait-WAIT_FOR_CHILD_WF': { type: 'WAIT_FOR_CHILD_WF', childWfRunId: v('child'), outgoingEdges: [{ sinkNodeName: '3-exit-EXIT', variableMutations: [assign('result')] }] },
        '3-exit-EXIT': { type: 'EXIT', returnContent: v('result') },
      },
    },
  },
};

function start(wfSpec: WfSpec, variables: Record<string, JsonValue> = {}, options: Partial<SimulationOptions> = {}): Simulation {
  return ok(createSimulation({ wfSpec, catalog, variables, ...options }));
}

/** The simulation an accepted action gave, or a test failure naming the refusal. */
function ok(result: SimulationResult): Simulation {
  if (!result.ok) throw new Error(`expected the action to be accepted, got ${result.rejection.code}: ${result.rejection.message}`);
  return result.simulation;
}

function refused(result: SimulationResult): string {
  if (result.ok) throw new Error(`expected a refusal, got ${result.steps.flatMap((s) => s.events.map((e) => e.type)).join(', ')}`);
  return result.rejection.code;
}

const kinds = (pending: PendingAction[]) => pending.map((p) => p.kind);
const variables = (sim: Simulation) => sim.state.threadRuns[0]?.variables;
const onlyTask = (sim: Simulation) => {
  const task = sim.pending().find((p) => p.kind === 'TASK_RUN');
  if (!task) throw new Error(`no TaskRun waits; pending: ${kinds(sim.pending()).join(', ')}`);
  return task;
};

describe('a simulation', () => {
  it('runs a two-task WfSpec to COMPLETED by manual actions', () => {
    let sim = start(checkout(), { amount: 40 });
    expect(sim.pending()).toEqual([
      {
        kind: 'TASK_RUN',
        taskGuid: '0-1',
        taskDefName: 'charge',
        node: { threadRunNumber: 0, position: 1, nodeName: '1-charge-TASK', threadSpecName: 'entrypoint' },
        input: [{ name: 'amount', value: 40 }],
        attempt: 0,
        scheduledAt: 0,
        timeoutSeconds: 60,
      },
    ]);
    sim = ok(sim.completeTask('0-1', 'receipt-1'));
    expect(onlyTask(sim)).toMatchObject({ taskGuid: '0-2', taskDefName: 'ship', input: [{ name: 'receipt', value: 'receipt-1' }] });
    sim = ok(sim.completeTask('0-2', 'label-9'));
    expect(sim.state.status).toBe('COMPLETED');
    expect(variables(sim)).toEqual({ amount: 40, receipt: 'receipt-1', label: 'label-9' });
    expect(sim.pending()).toEqual([]);
    expect(sim.visited()).toEqual(['0-entrypoint-ENTRYPOINT', '1-charge-TASK', '2-ship-TASK', '3-exit-EXIT']);
    expect(sim.actions).toEqual([{ task: { taskDefName: 'charge', output: 'receipt-1' } }, { task: { taskDefName: 'ship', output: 'label-9' } }]);
  });

  it('leaves the simulation it came from as it was', () => {
    const before = start(checkout(), { amount: 40 });
    const after = ok(before.completeTask('0-1', 'r'));
    expect(before.state.threadRuns[0]?.currentNodeRun?.nodeName).toBe('1-charge-TASK');
    expect(before.events.length).toBeLessThan(after.events.length);
    expect(before.actions).toEqual([]);
  });

  it('refuses what the engine refuses, and changes nothing', () => {
    const sim = start(checkout(), { amount: 40 });
    expect(refused(sim.completeTask('9-9', 'x'))).toBe('UNKNOWN_TASK_RUN');
    const done = ok(ok(sim.completeTask('0-1', 'r')).completeTask('0-2', 'l'));
    expect(refused(done.completeTask('0-2', 'again'))).toBe('STALE_TASK_ATTEMPT');
    expect(refused(sim.sendEvent('nobody-knows', null))).toBe('UNKNOWN_EXTERNAL_EVENT_DEF');
    expect(refused(sim.advanceClock(-5))).toBe('INVALID_TIME');
  });

  it('fails the task of an output that does not fit the return type, as the engine does', () => {
    const sim = ok(start(checkout(), { amount: 40 }).completeTask('0-1', 7));
    expect(sim.state.status).toBe('ERROR');
    expect(sim.state.failure?.name).toBe('VAR_MUTATION_ERROR');
  });

  it('refuses to start an invalid WfSpec or variables that do not fit', () => {
    const broken = createSimulation({ wfSpec: { ...checkout(), entrypointThreadName: 'nowhere' }, catalog });
    expect(broken.ok ? 'accepted' : broken.rejection.code).toBe('INVALID_WF_SPEC');
    expect(broken.ok ? [] : broken.rejection.problems?.map((p) => p.path)).toContainEqual(['entrypointThreadName']);
    const noAmount = createSimulation({ wfSpec: checkout(), catalog, variables: {} });
    expect(noAmount.ok ? 'accepted' : noAmount.rejection.code).toBe('INVALID_VARIABLES');
  });

  it('catches a business exception with the node handler and goes on by the node edges', () => {
    const spec = checkout({ failureHandlers: [{ handlerSpecName: 'declined', specificFailure: 'card-declined' }] });
    let sim = start(spec, { amount: 40 });
    sim = ok(sim.throwTaskException('0-1', 'card-declined', 'No funds', { balance: 3 }));
    expect(onlyTask(sim)).toMatchObject({ taskDefName: 'ship', input: [{ name: 'receipt', value: 'declined' }] });
    expect(sim.state.threadRuns.map((t) => [t.threadSpecName, t.status])).toEqual([
      ['entrypoint', 'RUNNING'],
      ['declined', 'COMPLETED'],
    ]);
    sim = ok(sim.completeTask(onlyTask(sim).taskGuid, 'label'));
    expect(sim.state.status).toBe('COMPLETED');
    expect(sim.actions[0]).toEqual({ task: { taskDefName: 'charge', exception: { name: 'card-declined', message: 'No funds', content: { balance: 3 } } } });
  });

  it('fails the WfRun with an uncaught error, and lets it be rescued', () => {
    let sim = ok(start(checkout(), { amount: 40 }).failTask('0-1', 'gateway down'));
    expect(sim.state.status).toBe('ERROR');
    expect(sim.state.failure).toEqual({ name: 'TASK_FAILURE', message: 'gateway down' });
    expect(sim.pending()).toEqual([]);
    sim = ok(sim.rescue());
    expect(onlyTask(sim)).toMatchObject({ taskDefName: 'charge', node: { position: 2 } });
    sim = ok(sim.completeTask(onlyTask(sim).taskGuid, 'r'));
    expect(onlyTask(sim).taskDefName).toBe('ship');
  });

  it('fires an event timeout when the clock reaches it', () => {
    let sim = start(approval);
    expect(sim.pending()).toEqual([
      {
        kind: 'EXTERNAL_EVENT',
        externalEventDefName: 'approved',
        node: { threadRunNumber: 0, position: 1, nodeName: '1-approved-EXTERNAL_EVENT', threadSpecName: 'entrypoint' },
        since: 0,
        timeoutAt: 60_000,
      },
      {
        kind: 'TIMER',
        timerId: '0-1/event-timeout',
        purpose: { type: 'EXTERNAL_EVENT_TIMEOUT', threadRunNumber: 0, position: 1 },
        fireAt: 60_000,
        node: { threadRunNumber: 0, position: 1, nodeName: '1-approved-EXTERNAL_EVENT', threadSpecName: 'entrypoint' },
      },
    ]);
    const early = ok(sim.advanceClock(59_999));
    expect(early.now).toBe(59_999);
    expect(early.history).toHaveLength(1);
    sim = ok(early.advanceClock(1));
    expect(sim.now).toBe(60_000);
    expect(sim.history.at(-1)?.command).toEqual({ type: 'FireTimer', timerId: '0-1/event-timeout', purpose: { type: 'EXTERNAL_EVENT_TIMEOUT', threadRunNumber: 0, position: 1 } });
    expect(sim.state.status).toBe('ERROR');
    expect(sim.state.failure?.name).toBe('TIMEOUT');
    expect(sim.actions).toEqual([{ advance: 59_999 }, { advance: 1 }]);
  });

  it('takes an event in time, drops the stale timeout, and sleeps until the clock passes the sleep', () => {
    let sim = ok(start(approval).advanceClock(10_000));
    sim = ok(sim.sendEvent('approved', { by: 'grace' }));
    expect(variables(sim)?.decision).toEqual({ by: 'grace' });
    expect(sim.pending()).toEqual([
      {
        kind: 'TIMER',
        timerId: '0-2/sleep',
        purpose: { type: 'SLEEP', threadRunNumber: 0, position: 2 },
        fireAt: 40_000,
        node: { threadRunNumber: 0, position: 2, nodeName: '2-sleep-SLEEP', threadSpecName: 'entrypoint' },
      },
    ]);
    const result = sim.advanceClock(60_000);
    sim = ok(result);
    // The sleep fires at its own time; the timeout, stale since the event came, is dropped without a step.
    expect(result.ok && result.steps.map((s) => [s.command.type, s.time])).toEqual([['FireTimer', 40_000]]);
    expect(sim.state.status).toBe('COMPLETED');
    expect(sim.now).toBe(70_000);
    expect(sim.actions).toEqual([{ advance: 10_000 }, { event: { externalEventDefName: 'approved', content: { by: 'grace' } } }, { advance: 60_000 }]);
    expect(sim.history[1]?.command).toMatchObject({ type: 'PutExternalEvent', guid: 'event-1' });
  });

  it('completes a user task and refuses results that do not fit its form', () => {
    let sim = start(expense);
    expect(sim.pending()[0]).toEqual({
      kind: 'USER_TASK_RUN',
      userTaskGuid: '0-1',
      userTaskDefName: 'approve-expense',
      node: { threadRunNumber: 0, position: 1, nodeName: '1-review-USER_TASK', threadSpecName: 'entrypoint' },
      status: 'ASSIGNED',
      userId: 'grace',
      userGroup: 'finance',
      since: 0,
    });
    expect(sim.pending()[1]).toMatchObject({ kind: 'TIMER', fireAt: 3_600_000, purpose: { type: 'USER_TASK_ACTION', action: { type: 'CANCEL' } } });
    const bad = sim.completeUserTask('0-1', 'grace', { approved: 'yes' });
    expect(bad.ok ? 'accepted' : bad.rejection).toMatchObject({ code: 'INVALID_USER_TASK_RESULTS', problems: [{ path: ['results', 'approved'] }] });
    sim = ok(sim.completeUserTask('0-1', 'grace', { approved: true, comment: 'fine' }));
    expect(sim.state.status).toBe('COMPLETED');
    expect(variables(sim)?.approved).toBe(true);
    expect(sim.actions).toEqual([{ userTask: { userTaskDefName: 'approve-expense', userId: 'grace', results: { approved: true, comment: 'fine' } } }]);
  });

  it('hands a user task to someone else, and cancels it on request', () => {
    let sim = start(expense);
    expect(refused(sim.assignUserTask('0-1', { userId: 'ann' }))).toBe('USER_TASK_RUN_CLAIMED');
    sim = ok(sim.assignUserTask('0-1', { userId: 'ann', overrideClaim: true }));
    expect(sim.pending()[0]).toMatchObject({ kind: 'USER_TASK_RUN', status: 'ASSIGNED', userId: 'ann' });
    expect(sim.pending()[0]).not.toHaveProperty('userGroup');
    sim = ok(sim.cancelUserTask('0-1'));
    expect(sim.state.failure?.name).toBe('USER_TASK_CANCELLED');
    expect(sim.actions).toEqual([
      { userTask: { userTaskDefName: 'approve-expense', assign: { userId: 'ann', overrideClaim: true } } },
      { userTask: { userTaskDefName: 'approve-expense', cancel: true } },
    ]);
    expect(refused(sim.cancelUserTask('0-1'))).toBe('USER_TASK_RUN_ENDED');
  });

  it('refuses a step in data form that gives no outcome or names nothing waiting', () => {
    const sim = start(checkout(), { amount: 1 });
    const none = sim.apply({ task: { taskDefName: 'charge' } } as never);
    expect(none.ok ? 'accepted' : none.rejection).toEqual({ code: 'INVALID_STEP', message: 'A task step gives exactly one of output, error, exception or timeout; got none.' });
    const elsewhere = sim.apply({ task: { taskDefName: 'charge', node: '2-ship-TASK', output: 'r' } });
    expect(elsewhere.ok ? 'accepted' : elsewhere.rejection).toEqual({
      code: 'NOTHING_WAITING',
      message: `No TaskRun of TaskDef 'charge' at node "2-ship-TASK" is waiting. Waiting: TaskRun 0-1 of 'charge' at "1-charge-TASK".`,
    });
    expect(refused(sim.apply({ launch: {} } as never))).toBe('INVALID_STEP');
  });

  it('cancels a user task at its deadline when the clock passes it', () => {
    const sim = ok(start(expense).advanceClock(3_600_000));
    expect(sim.state.status).toBe('ERROR');
    expect(sim.state.failure?.name).toBe('USER_TASK_CANCELLED');
  });

  it('retries with exponential back-off when the clock reaches each retry', () => {
    const spec = checkout({ retries: 2, exponentialBackoff: { baseIntervalMs: 1000, multiplier: 3, maxDelayMs: 60_000 } });
    let sim = ok(start(spec, { amount: 5 }).failTask('0-1', 'flaky'));
    expect(sim.pending()).toEqual([
      {
        kind: 'TIMER',
        timerId: '0-1/retry-1',
        purpose: { type: 'TASK_RETRY', taskGuid: '0-1', attempt: 1 },
        fireAt: 1000,
        node: { threadRunNumber: 0, position: 1, nodeName: '1-charge-TASK', threadSpecName: 'entrypoint' },
      },
    ]);
    expect(refused(sim.completeTask('0-1', 'too soon'))).toBe('STALE_TASK_ATTEMPT');
    sim = ok(sim.advanceClock(1000));
    expect(onlyTask(sim)).toMatchObject({ taskGuid: '0-1', attempt: 1, scheduledAt: 1000 });
    sim = ok(sim.timeOutTask('0-1'));
    expect(sim.pending()).toMatchObject([{ kind: 'TIMER', fireAt: 1000 + 3000, purpose: { attempt: 2 } }]);
    sim = ok(sim.advanceClock(5000));
    expect(onlyTask(sim)).toMatchObject({ attempt: 2, scheduledAt: 4000 });
    sim = ok(sim.completeTask('0-1', 'at last'));
    expect(variables(sim)?.receipt).toBe('at last');
  });

  it('lets the user say how a child WfRun ends', () => {
    let sim = start(orders);
    expect(sim.pending()).toEqual([
      {
        kind: 'CHILD_WF_RUN',
        childWfRunId: 'simulation_0-1',
        wfSpecName: 'packing',
        variables: { item: 'socks' },
        node: { threadRunNumber: 0, position: 1, nodeName: '1-packing-RUN_CHILD_WF', threadSpecName: 'entrypoint' },
        since: 0,
      },
    ]);
    sim = ok(sim.completeChild('simulation_0-1', 'box-7'));
    expect(sim.state.status).toBe('COMPLETED');
    expect(sim.state.output).toBe('box-7');
    expect(sim.actions).toEqual([{ child: { wfSpecName: 'packing', output: 'box-7' } }]);

    const failed = ok(start(orders).failChild('simulation_0-1', { name: 'out-of-stock', message: 'none left' }));
    expect(failed.state.status).toBe('EXCEPTION');
    expect(failed.state.failure?.name).toBe('out-of-stock');
    const errored = ok(start(orders).failChild('simulation_0-1', { name: 'TASK_FAILURE', message: 'crashed' }));
    expect(errored.state.failure?.name).toBe('CHILD_FAILURE');
    expect(refused(sim.completeChild('simulation_0-1', 'again'))).toBe('DUPLICATE_CHILD_WF_RUN_REPORT');
  });

  it('stops and resumes the WfRun', () => {
    let sim = ok(start(approval).stop());
    expect(sim.state.status).toBe('HALTED');
    expect(sim.pending().map((p) => p.kind)).toEqual(['TIMER']);
    sim = ok(sim.resume());
    expect(sim.pending().map((p) => p.kind)).toEqual(['EXTERNAL_EVENT', 'TIMER']);
    expect(sim.actions).toEqual([{ stop: {} }, { resume: {} }]);
  });
});

describe('a simulation history', () => {
  /** A run with a retry, an exception handler's thread and a clock advance. */
  function eventful(): Simulation {
    const spec = checkout({
      retries: 1,
      exponentialBackoff: { baseIntervalMs: 500, multiplier: 2, maxDelayMs: 500 },
      failureHandlers: [{ handlerSpecName: 'declined', specificFailure: 'card-declined' }],
    });
    let sim = start(spec, { amount: 9 }, { startTime: 1_000_000, wfRunId: 'run-1' });
    sim = ok(sim.failTask('0-1', 'flaky'));
    sim = ok(sim.advanceClock(500));
    sim = ok(sim.throwTaskException('0-1', 'card-declined', 'no'));
    sim = ok(sim.completeTask(onlyTask(sim).taskGuid, 'shipped'));
    return sim;
  }

  it('gives at every event index exactly the state that replaying the prefix gives', () => {
    const sim = eventful();
    expect(sim.state.status).toBe('COMPLETED');
    for (let i = 0; i < sim.events.length; i++) expect(sim.stateAt(i)).toEqual(replay(sim.events.slice(0, i + 1)));
    expect(() => sim.stateAt(sim.events.length)).toThrow(RangeError);
  });

  it('keeps after each step the state that replaying its events gives, and the time it was decided', () => {
    const sim = eventful();
    expect(sim.history.map((s) => s.command.type)).toEqual(['RunWf', 'ReportTaskAttempt', 'FireTimer', 'ReportTaskAttempt', 'ReportTaskAttempt']);
    expect(sim.history.map((s) => s.time)).toEqual([1_000_000, 1_000_000, 1_000_500, 1_000_500, 1_000_500]);
    expect(sim.history.map((s) => s.actionIndex)).toEqual([undefined, 0, 1, 2, 3]);
    for (const step of sim.history) {
      expect(step.state).toEqual(replay(sim.events.slice(0, step.firstEventIndex + step.events.length)));
      expect(sim.events.slice(step.firstEventIndex, step.firstEventIndex + step.events.length)).toEqual(step.events);
    }
  });

  it('is the same every time the same actions are taken', () => {
    expect(eventful().events).toEqual(eventful().events);
    expect(eventful().history).toEqual(eventful().history);
  });
});
