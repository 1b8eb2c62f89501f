import { describe, expect, it } from 'vitest';
import type { Catalog, WfSpec } from '../index.ts';
import type { Mocks } from './run-until.ts';
import type { Simulation, SimulationResult } from './simulation.ts';
import { createSimulation } from './simulation.ts';
import { assign, lit, v } from '../../test/sim-helpers.ts';


const catalog: Catalog = {
  taskDefs: {
    charge: { name: 'charge', inputVars: [{ name: 'amount', type: 'INT' }], returnType: 'STR' },
    ping: { name: 'ping', inputVars: [] },
  },
  externalEventDefs: { approved: { name: 'approved' } },
  userTaskDefs: { 'approve-expense': { name: 'approve-expense', version: 0, fields: [{ name: 'approved', type: 'BOOL', required: true }] } },
  wfSpecs: { packing: { name: 'packing', majorVersion: 0 } },
};

/**
 * shop waits on every kind of thing in turn: charge (one retry after a 1 s back-off), the ExternalEvent `approved`,
 * a 10 s sleep, a user task for the finance group, and a `packing` child WfRun.
 */
const shop: WfSpec = {
  name: 'shop',
  entrypointThreadName: 'entrypoint',
  threadSpecs: {
    entrypoint: {
      variableDefs: [
        { name: 'amount', type: 'INT', defaultValue: 10 },
        { name: 'receipt', type: 'STR' },
        { name: 'decision', type: 'JSON_OBJ' },
        { name: 'approved', type: 'BOOL' },
        { name: 'child', type: 'STR' },
        { name: 'packed', type: 'STR' },
      ],
      nodes: {
        '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: '1-charge-TASK' }] },
        '1-charge-TASK': {
          type: 'TASK',
          taskDefName: 'charge',
          inputs: [v('amount')],
          retries: 1,
          exponentialBackoff: { baseIntervalMs: 1000, multiplier: 2, maxDelayMs: 1000 },
          outgoingEdges: [{ sinkNodeName: '2-approved-EXTERNAL_EVENT', variableMutations: [assign('receipt')] }],
        },
        '2-approved-EXTERNAL_EVENT': {
          type: 'EXTERNAL_EVENT',
          externalEventDefName: 'approved',
          outgoingEdges: [{ sinkNodeName: '3-cool-off-SLEEP', variableMutations: [assign('decision')] }],
        },
        '3-cool-off-SLEEP': { type: 'SLEEP', rawSeconds: lit(10), outgoingEdges: [{ sinkNodeName: '4-review-USER_TASK' }] },
        '4-review-USER_TASK': {
          type: 'USER_TASK',
          userTaskDefName: 'approve-expense',
          userGroup: lit('finance'),
          outgoingEdges: [{ sinkNodeName: '5-packing-RUN_CHILD_WF', variableMutations: [assign('approved', '$.approved')] }],
        },
        '5-packing-RUN_CHILD_WF': { type: 'RUN_CHILD_WF', wfSpecName: 'packing', outgoingEdges: [{ sinkNodeName: '6-wait-WAIT_FOR_CHILD_WF', variableMutations: [assign('child')] }] },
        '6-wait-WAIT_FOR_CHILD_WF': { type: 'WAIT_FOR_CHILD_WF', childWfRunId: v('child'), outgoingEdges: [{ sinkNodeName: '7-exit-EXIT', variableMutations: [assign('packed')] }] },
        '7-exit-EXIT': { type: 'EXIT' },
      },
    },
  },
};

/** loop: pings three times (a NOP that counts in `i`), then exits. */
const loop: WfSpec = {
  name: 'loop',
  entrypointThreadName: 'entrypoint',
  threadSpecs: {
    entrypoint: {
      variableDefs: [{ name: 'i', type: 'INT', defaultValue: 0 }],
      nodes: {
        '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: '1-loop-NOP' }] },
        '1-loop-NOP': {
          type: 'NOP',
          outgoingEdges: [
            { sinkNodeName: '3-exit-EXIT', condition: { comparator: 'GREATER_THAN_EQ', left: v('i'), right: lit(3) } },
            { sinkNodeName: '2-ping-TASK' },
          ],
        },
        '2-ping-TASK': { type: 'TASK', taskDefName: 'ping', outgoingEdges: [{ sinkNodeName: '1-loop-NOP', variableMutations: [{ lhsName: 'i', operation: 'ADD', rhs: lit(1) }] }] },
        '3-exit-EXIT': { type: 'EXIT' },
      },
    },
  },
};

/** Answers for every wait of shop: charge fails once, then succeeds. */
const shopMocks: Mocks = {
  tasks: { charge: [{ error: 'flaky' }, { output: 'r-1' }] },
  events: { approved: { content: { by: 'grace' } } },
  userTasks: { 'approve-expense': { results: { approved: true } } },
  children: { packing: { output: 'box-3' } },
};

function start(wfSpec: WfSpec): Simulation {
  return ok(createSimulation({ wfSpec, catalog }));
}

function ok(result: SimulationResult): Simulation {
  if (!result.ok) throw new Error(`expected the action to be accepted, got ${result.rejection.code}: ${result.rejection.message}`);
  return result.simulation;
}

describe('runUntil', () => {
  it('answers every kind of wait from the mocks, advancing to timers, until the WfRun ends', () => {
    const { simulation, stop, mocks, actionsTaken } = start(shop).runUntil({ mocks: shopMocks, advanceTimers: true });
    expect(stop).toEqual({ kind: 'ENDED', status: 'COMPLETED' });
    expect(simulation.state.threadRuns[0]?.variables).toMatchObject({ receipt: 'r-1', decision: { by: 'grace' }, approved: true, packed: 'box-3' });
    expect(simulation.now).toBe(11_000);
    expect(actionsTaken).toBe(7);
    expect(simulation.actions).toEqual([
      { task: { taskDefName: 'charge', error: 'flaky' } },
      { advance: 1000 },
      { task: { taskDefName: 'charge', output: 'r-1' } },
      { event: { externalEventDefName: 'approved', content: { by: 'grace' } } },
      { advance: 10_000 },
      // The task was open to its group: the mock completes it as `simulator`.
      { userTask: { userTaskDefName: 'approve-expense', userId: 'simulator', results: { approved: true } } },
      { child: { wfSpecName: 'packing', output: 'box-3' } },
    ]);
    expect(mocks.tasks).toEqual({ charge: [] });
    expect(mocks.events).toEqual(shopMocks.events);
  });

  it('stops after the step in which a NodeRun arrives at a breakpoint, and goes on from there', () => {
    const first = start(shop).runUntil({ mocks: shopMocks, advanceTimers: true, breakpoints: new Set(['4-review-USER_TASK']) });
    expect(first.stop).toMatchObject({
      kind: 'BREAKPOINT',
      node: { threadRunNumber: 0, position: 4, nodeName: '4-review-USER_TASK', threadSpecName: 'entrypoint' },
    });
    const { simulation } = first;
    const eventIndex = first.stop.kind === 'BREAKPOINT' ? first.stop.eventIndex : -1;
    expect(simulation.events[eventIndex]).toMatchObject({ type: 'NodeRunStarted', nodeName: '4-review-USER_TASK' });
    // As it arrived: the NodeRun has started, its UserTaskRun is not made yet.
    expect(simulation.stateAt(eventIndex).threadRuns[0]?.currentNodeRun).toMatchObject({ nodeName: '4-review-USER_TASK', status: 'RUNNING' });
    expect(simulation.stateAt(eventIndex).threadRuns[0]?.currentNodeRun?.userTaskRun).toBeUndefined();
    expect(simulation.pending().map((p) => p.kind)).toEqual(['USER_TASK_RUN']);

    const rest = simulation.runUntil({ mocks: first.mocks, advanceTimers: true, breakpoints: ['4-review-USER_TASK'] });
    expect(rest.stop).toEqual({ kind: 'ENDED', status: 'COMPLETED' });
  });

  it('matches a breakpoint with a ThreadSpec to nodes of that ThreadSpec only', () => {
    const elsewhere = start(shop).runUntil({ mocks: shopMocks, advanceTimers: true, breakpoints: [{ threadSpecName: 'handler', nodeName: '3-cool-off-SLEEP' }] });
    expect(elsewhere.stop.kind).toBe('ENDED');
    const here = start(shop).runUntil({ mocks: shopMocks, advanceTimers: true, breakpoints: [{ threadSpecName: 'entrypoint', nodeName: '3-cool-off-SLEEP' }] });
    expect(here.stop).toMatchObject({ kind: 'BREAKPOINT', node: { nodeName: '3-cool-off-SLEEP' } });
    expect(here.simulation.pending().map((p) => p.kind)).toEqual(['TIMER']);
  });

  it('does not stop for arrivals before it was called', () => {
    const sim = start(shop);
    expect(sim.visited()).toContain('1-charge-TASK');
    const { stop } = sim.runUntil({ mocks: shopMocks, advanceTimers: true, breakpoints: ['1-charge-TASK'] });
    expect(stop.kind).toBe('ENDED');
  });

  it('stops WAITING when no mock answers what waits, timers included unless told to advance', () => {
    const bare = start(shop).runUntil({});
    expect(bare.stop).toMatchObject({ kind: 'WAITING', pending: [{ kind: 'TASK_RUN', taskDefName: 'charge' }] });
    expect(bare.actionsTaken).toBe(0);
    const backingOff = start(shop).runUntil({ mocks: { tasks: { charge: { error: 'down' } } } });
    expect(backingOff.stop).toMatchObject({ kind: 'WAITING', pending: [{ kind: 'TIMER', purpose: { type: 'TASK_RETRY' } }] });
  });

  it('takes a list of answers in order, and stops when it runs out', () => {
    const twice = start(loop).runUntil({ mocks: { tasks: { ping: [{ output: null }, { output: null }] } } });
    expect(twice.stop).toMatchObject({ kind: 'WAITING', pending: [{ kind: 'TASK_RUN', taskDefName: 'ping' }] });
    expect(twice.simulation.state.threadRuns[0]?.variables.i).toBe(2);
    const always = twice.simulation.runUntil({ mocks: { tasks: { ping: { output: null } } } });
    expect(always.stop).toEqual({ kind: 'ENDED', status: 'COMPLETED' });
  });

  it('stops at the action limit', () => {
    const { stop, simulation } = start(loop).runUntil({ mocks: { tasks: { ping: { output: null } } }, maxActions: 2 });
    expect(stop).toEqual({ kind: 'LIMIT', actions: 2 });
    expect(simulation.actions).toHaveLength(2);
  });

  it('stops REFUSED when the engine refuses a mock answer', () => {
    const mocks: Mocks = { ...shopMocks, userTasks: { 'approve-expense': { userId: 'grace', results: { approved: 'sure' } } } };
    const { stop, simulation } = start(shop).runUntil({ mocks, advanceTimers: true });
    expect(stop).toMatchObject({ kind: 'REFUSED', answering: { kind: 'USER_TASK_RUN' }, rejection: { code: 'INVALID_USER_TASK_RESULTS' } });
    expect(simulation.pending().map((p) => p.kind)).toEqual(['USER_TASK_RUN']);
  });
});
