import { describe, expect, it } from 'vitest';
import type { Catalog, JsonValue, VariableAssignment, WfSpec } from '../index.ts';
import { parseScenario } from './parse-scenario.ts';
import type { Scenario } from './scenario.ts';
import { outcomeOf, recordScenario, replayScenario } from './scenario.ts';
import type { Simulation, SimulationResult } from './simulation.ts';
import { createSimulation } from './simulation.ts';

const lit = (value: JsonValue): VariableAssignment => ({ type: 'LITERAL', value });
const v = (variableName: string): VariableAssignment => ({ type: 'VARIABLE', variableName });
const assign = (lhsName: string) => ({ lhsName, operation: 'ASSIGN' as const, rhs: { type: 'NODE_OUTPUT' as const } });

const catalog: Catalog = {
  taskDefs: {
    work: { name: 'work', inputVars: [{ name: 'label', type: 'STR' }], returnType: 'STR' },
    notify: { name: 'notify', inputVars: [{ name: 'text', type: 'STR' }] },
  },
};

/**
 * fork: two `worker` threads (labels a and b) each run `work` at the same node and write its output to the
 * parent's `last`; once both are done, a 60 s sleep, then `notify(last)`, and the WfRun returns `last`.
 */
const fork: WfSpec = {
  name: 'fork',
  entrypointThreadName: 'entrypoint',
  threadSpecs: {
    entrypoint: {
      variableDefs: [
        { name: 'prefix', type: 'STR', required: true },
        { name: 'a', type: 'INT' },
        { name: 'b', type: 'INT' },
        { name: 'last', type: 'STR' },
      ],
      nodes: {
        '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: '1-a-START_THREAD' }] },
        '1-a-START_THREAD': { type: 'START_THREAD', threadSpecName: 'worker', variables: { label: lit('a') }, outgoingEdges: [{ sinkNodeName: '2-b-START_THREAD', variableMutations: [assign('a')] }] },
        '2-b-START_THREAD': { type: 'START_THREAD', threadSpecName: 'worker', variables: { label: lit('b') }, outgoingEdges: [{ sinkNodeName: '3-wait-WAIT_FOR_THREADS', variableMutations: [assign('b')] }] },
        '3-wait-WAIT_FOR_THREADS': { type: 'WAIT_FOR_THREADS', threads: [v('a'), v('b')], outgoingEdges: [{ sinkNodeName: '4-pause-SLEEP' }] },
        '4-pause-SLEEP': { type: 'SLEEP', rawSeconds: lit(60), outgoingEdges: [{ sinkNodeName: '5-notify-TASK' }] },
        '5-notify-TASK': { type: 'TASK', taskDefName: 'notify', inputs: [v('last')], outgoingEdges: [{ sinkNodeName: '6-exit-EXIT' }] },
        '6-exit-EXIT': { type: 'EXIT', returnContent: v('last') },
      },
    },
    worker: {
      variableDefs: [{ name: 'label', type: 'STR' }],
      nodes: {
        '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: '1-work-TASK' }] },
        '1-work-TASK': { type: 'TASK', taskDefName: 'work', inputs: [v('label')], outgoingEdges: [{ sinkNodeName: '2-exit-EXIT', variableMutations: [assign('last')] }] },
        '2-exit-EXIT': { type: 'EXIT' },
      },
    },
  },
};

const VISITED = ['0-entrypoint-ENTRYPOINT', '1-a-START_THREAD', '2-b-START_THREAD', '3-wait-WAIT_FOR_THREADS', '4-pause-SLEEP', '5-notify-TASK', '6-exit-EXIT'];

function ok(result: SimulationResult): Simulation {
  if (!result.ok) throw new Error(`expected the action to be accepted, got ${result.rejection.code}: ${result.rejection.message}`);
  return result.simulation;
}

/** A simulation of fork in which the user finishes b's work before a's (so the newer TaskRun first). */
function simulated(): Simulation {
  let sim = ok(createSimulation({ wfSpec: fork, catalog, variables: { prefix: 'x' }, startTime: 5000, wfRunId: 'fork-1' }));
  const work = sim.pending().filter((p) => p.kind === 'TASK_RUN');
  expect(work.map((p) => p.node.threadRunNumber)).toEqual([1, 2]);
  sim = ok(sim.completeTask('2-1', 'b-done'));
  sim = ok(sim.completeTask('1-1', 'a-done'));
  sim = ok(sim.advanceClock(60_000));
  sim = ok(sim.completeTask('0-5', null));
  return sim;
}

describe('recordScenario', () => {
  it('saves the inputs, the actions, with a selector only where the oldest was not chosen, and the outcome as expectations', () => {
    const scenario = recordScenario(simulated(), { name: 'b finishes first', description: 'a wins the race for last' });
    expect(scenario).toEqual({
      version: 1,
      name: 'b finishes first',
      description: 'a wins the race for last',
      wfSpec: { name: 'fork', majorVersion: 0, revision: 0 },
      inputs: { prefix: 'x' },
      startTime: 5000,
      wfRunId: 'fork-1',
      steps: [
        { task: { taskDefName: 'work', node: '1-work-TASK', threadRunNumber: 2, output: 'b-done' } },
        { task: { taskDefName: 'work', output: 'a-done' } },
        { advance: 60_000 },
        { task: { taskDefName: 'notify', output: null } },
      ],
      expect: { status: 'COMPLETED', variables: { prefix: 'x', a: 1, b: 2, last: 'a-done' }, visited: VISITED, output: 'a-done' },
    } satisfies Scenario);
  });

  it('records no expectations when told so', () => {
    expect(recordScenario(simulated(), { name: 'n', expect: null })).not.toHaveProperty('expect');
  });
});

describe('replayScenario', () => {
  it('replays a recorded scenario, saved as JSON, to the same events and outcome', () => {
    const sim = simulated();
    const parsed = parseScenario(JSON.stringify(recordScenario(sim, { name: 'race' })));
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
    const replayed = replayScenario(fork, catalog, parsed.scenario);
    expect(replayed.stepErrors).toEqual([]);
    expect(replayed.mismatches).toEqual([]);
    expect(replayed.passed).toBe(true);
    expect(replayed.outcome).toEqual(outcomeOf(sim));
    expect(replayed.simulation?.events).toEqual(sim.events);
    expect(replayed.simulation?.actions).toEqual(sim.actions);
  });

  it('reports each expectation that does not hold, in words', () => {
    const scenario = recordScenario(simulated(), { name: 'race' });
    const edited: Scenario = {
      ...scenario,
      expect: {
        status: 'ERROR',
        variables: { last: 'b-done', missing: 1 },
        failure: { name: 'TASK_FAILURE' },
        visited: [...VISITED.slice(0, 4), '5-notify-TASK'],
        output: 'b-done',
      },
    };
    const { mismatches, passed, stepErrors } = replayScenario(fork, catalog, edited);
    expect(stepErrors).toEqual([]);
    expect(passed).toBe(false);
    expect(mismatches).toEqual([
      'Expected status ERROR; the WfRun is COMPLETED.',
      `Expected variable 'last' to be "b-done"; it is "a-done".`,
      `Expected variable 'missing' to be 1; the entrypoint thread has no variable 'missing'.`,
      `Expected failure 'TASK_FAILURE'; the WfRun has none (it is COMPLETED).`,
      `Expected the entrypoint thread to visit [${[...VISITED.slice(0, 4), '5-notify-TASK'].join(', ')}]; it visited [${VISITED.join(', ')}], first differing at position 4 (expected '5-notify-TASK', got '4-pause-SLEEP').`,
      'Expected output "b-done"; it is "a-done".',
    ]);
  });

  it('replays a scenario written by hand, taking the oldest TaskRun of a def when no node is named', () => {
    const text = `{
      "version": 1,
      "name": "a first, then b",
      "wfSpec": { "name": "fork" },
      "inputs": { "prefix": "y" },
      "steps": [
        { "task": { "taskDefName": "work", "output": "from-a" } },
        { "task": { "taskDefName": "work", "output": "from-b" } },
        { "advance": 59999 },
        { "advance": 1 },
        { "task": { "taskDefName": "notify", "output": null } }
      ],
      "expect": { "status": "COMPLETED", "output": "from-b", "variables": { "last": "from-b" } }
    }`;
    const parsed = parseScenario(text);
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
    const replayed = replayScenario(fork, catalog, parsed.scenario);
    expect([...replayed.stepErrors, ...replayed.mismatches]).toEqual([]);
    expect(replayed.simulation?.now).toBe(60_000);
  });

  it('stops at a step that cannot be applied and says which and why', () => {
    const scenario: Scenario = {
      version: 1,
      name: 'too early',
      wfSpec: { name: 'fork' },
      inputs: { prefix: 'z' },
      steps: [{ task: { taskDefName: 'work', output: 'a' } }, { task: { taskDefName: 'notify', output: 'x' } }, { advance: 5 }, { advance: 5 }],
      expect: { status: 'COMPLETED' },
    };
    const { stepErrors, mismatches, simulation } = replayScenario(fork, catalog, scenario);
    expect(stepErrors).toEqual([
      `steps[1] (task notify (output "x")) could not be applied: No TaskRun of TaskDef 'notify' is waiting. ` +
        `Waiting: TaskRun 2-1 of 'work' at "1-work-TASK". (the 2 steps after it were not applied)`,
    ]);
    expect(mismatches).toEqual(['Expected status COMPLETED; the WfRun is RUNNING.']);
    expect(simulation?.actions).toHaveLength(1);
  });

  it('says why the WfRun could not start', () => {
    const scenario: Scenario = { version: 1, name: 'no prefix', wfSpec: { name: 'fork' }, inputs: {}, steps: [] };
    const { stepErrors, passed, simulation } = replayScenario(fork, catalog, scenario);
    expect(passed).toBe(false);
    expect(simulation).toBeUndefined();
    expect(stepErrors).toHaveLength(1);
    expect(stepErrors[0]).toMatch(/^The WfRun could not start: .*prefix/);
  });
});

describe('parseScenario', () => {
  it('accepts a scenario as a value or as JSON text', () => {
    const scenario = recordScenario(simulated(), { name: 'race' });
    expect(parseScenario(scenario)).toEqual({ ok: true, scenario });
    expect(parseScenario(JSON.stringify(scenario))).toEqual({ ok: true, scenario });
  });

  it('names the path of every problem it finds', () => {
    const result = parseScenario({
      version: 2,
      wfSpec: { name: 7 },
      inputs: { when: Number.NaN },
      steps: [
        { task: { taskDefName: 'work', output: 1 }, advance: 5 },
        { task: { taskDefName: 'work', output: 1, error: 'no' } },
        { advance: -1 },
        { userTask: { userTaskDefName: 'review', userId: 'ann', cancel: true } },
        { frobnicate: {} },
        { event: { externalEventDefName: 'go' } },
        'stop',
      ],
      expect: { status: 'DONE', visitd: [] },
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual([
      { path: ['version'], message: 'version must be 1; got 2 (INT).' },
      { path: ['name'], message: 'name is missing; it must be a string.' },
      { path: ['wfSpec', 'name'], message: 'wfSpec.name must be a string; got 7 (INT).' },
      { path: ['inputs', 'when'], message: 'inputs.when must be a JSON value; got NaN.' },
      { path: ['steps', 0], message: 'steps[0] must have exactly one key naming its kind (task, event, userTask, child, advance, stop, resume, rescue); got task, advance.' },
      { path: ['steps', 1, 'task'], message: 'steps[1].task must give exactly one of output, error, exception, timeout; got output and error.' },
      { path: ['steps', 2, 'advance'], message: 'steps[2].advance must be a whole number, 0 or more; got -1 (INT).' },
      { path: ['steps', 3, 'userTask', 'userId'], message: 'steps[3].userTask.userId goes with results only: it names who completed the task.' },
      { path: ['steps', 4, 'frobnicate'], message: 'steps[4].frobnicate is not a kind of step; use one of task, event, userTask, child, advance, stop, resume, rescue.' },
      { path: ['steps', 5, 'event', 'content'], message: 'steps[5].event.content is missing; give the event content (null for none).' },
      { path: ['steps', 6], message: 'steps[6] must be an object; got "stop" (STR).' },
      { path: ['expect', 'visitd'], message: 'expect.visitd is not a field here; the fields are status, variables, failure, visited, output.' },
      { path: ['expect', 'status'], message: 'expect.status must be one of STARTING, RUNNING, HALTING, HALTED, COMPLETED, ERROR, EXCEPTION; got "DONE" (STR).' },
    ]);
  });

  it('refuses what is not a scenario at all, without throwing', () => {
    expect(parseScenario('{ "version": 1,')).toMatchObject({ ok: false, problems: [{ path: [], message: expect.stringMatching(/^The scenario is not valid JSON: /) }] });
    expect(parseScenario([1, 2])).toEqual({ ok: false, problems: [{ path: [], message: 'The scenario must be an object; got a list.' }] });
    expect(parseScenario(undefined)).toEqual({ ok: false, problems: [{ path: [], message: 'The scenario is missing; it must be an object.' }] });
    const loop: Record<string, unknown> = {};
    loop.me = loop;
    expect(parseScenario({ version: 1, name: 'c', wfSpec: { name: 'fork' }, inputs: { loop }, steps: [] })).toEqual({
      ok: false,
      problems: [{ path: ['inputs', 'loop', 'me'], message: 'inputs.loop.me must be a JSON value; got a value that contains itself.' }],
    });
  });
});
