import type { Failure } from '../run/failure.ts';
import type { LHStatus } from '../run/state.ts';
import type { Catalog, WfSpec } from '../spec/types.ts';
import { deepEqual } from '../values/compare.ts';
import type { JsonValue } from '../values/value.ts';
import type { ScenarioStep } from './scenario-step.ts';
import { describeStep } from './scenario-step.ts';
import type { Simulation } from './simulation.ts';
import { createSimulation, DEFAULT_WF_RUN_ID } from './simulation.ts';

/**
 * A simulation saved as data: the WfRun's inputs, what the user did, in order, and what should come of it. Replaying
 * it against a WfSpec runs the same commands through the engine, so a saved scenario is a test of that WfSpec.
 *
 * ```json
 * {
 *   "version": 1,
 *   "name": "card declined, then paid",
 *   "wfSpec": { "name": "checkout" },
 *   "inputs": { "amount": 40 },
 *   "steps": [
 *     { "task": { "taskDefName": "charge", "error": "card declined" } },
 *     { "advance": 60000 },
 *     { "task": { "taskDefName": "charge", "output": "receipt-1" } },
 *     { "event": { "externalEventDefName": "shipped", "content": { "carrier": "ups" } } }
 *   ],
 *   "expect": { "status": "COMPLETED", "variables": { "receipt": "receipt-1" } }
 * }
 * ```
 */
export interface Scenario {
  /** The format's version: 1. */
  readonly version: 1;
  /** What the scenario shows, in a few words; a test's name. */
  readonly name: string;
  readonly description?: string | undefined;
  /** The WfSpec it was recorded against. For people: replay runs whatever WfSpec it is given. */
  readonly wfSpec: ScenarioWfSpecRef;
  /** Values for the entrypoint thread's variables, as RunWf takes them. */
  readonly inputs: Readonly<Record<string, JsonValue>>;
  /** Epoch ms on the virtual clock when the WfRun starts; 0 when absent. */
  readonly startTime?: number | undefined;
  /** The WfRun's id; `simulation` when absent. */
  readonly wfRunId?: string | undefined;
  /** What the user did, in order (see ScenarioStep). */
  readonly steps: readonly ScenarioStep[];
  /** What the WfRun should look like after the last step; each field given is checked, the others are not. */
  readonly expect?: ScenarioExpectation | undefined;
}

export interface ScenarioWfSpecRef {
  readonly name: string;
  readonly majorVersion?: number | undefined;
  readonly revision?: number | undefined;
}

export interface ScenarioExpectation {
  /** The WfRun's status. */
  readonly status?: LHStatus | undefined;
  /** Variables of the entrypoint thread, by name; only the ones listed are checked, each for deep equality. */
  readonly variables?: Readonly<Record<string, JsonValue>> | undefined;
  /** The WfRun's failure, by name (and by message, when given). */
  readonly failure?: { readonly name: string; readonly message?: string | undefined } | undefined;
  /** The names of the nodes the entrypoint thread arrived at, in order, repeats included: exactly these. */
  readonly visited?: readonly string[] | undefined;
  /** The WfRun's output (its entrypoint EXIT's returnContent). */
  readonly output?: JsonValue | undefined;
}

/** How a simulated WfRun stands: what expectations are checked against. */
export interface ScenarioOutcome {
  readonly status: LHStatus;
  /** The entrypoint thread's variables. */
  readonly variables: Readonly<Record<string, JsonValue>>;
  readonly failure?: Failure | undefined;
  readonly visited: readonly string[];
  /** Absent when the WfRun has not completed or its EXIT returns nothing. */
  readonly output?: JsonValue | undefined;
}

/** What replaying a scenario gave. */
export interface ScenarioReplay {
  /** Where the replay ended; absent when the WfRun could not start. */
  readonly simulation: Simulation | undefined;
  readonly outcome: ScenarioOutcome | undefined;
  /** Each expectation that did not hold, as a sentence. */
  readonly mismatches: readonly string[];
  /** The step that could not be applied, and why (replay stops there), or why the WfRun could not start. */
  readonly stepErrors: readonly string[];
  /** No mismatch and no step error. */
  readonly passed: boolean;
}

/** What to record besides the steps. */
export interface ScenarioMeta {
  readonly name: string;
  readonly description?: string | undefined;
  /** The expectations; by default the simulation's outcome as it stands (status, variables, failure name, visited, output). `null` records none. */
  readonly expect?: ScenarioExpectation | null | undefined;
}

/** The outcome of a simulation as it stands. */
export function outcomeOf(simulation: Simulation): ScenarioOutcome {
  const { state } = simulation;
  return {
    status: state.status,
    variables: state.threadRuns[0]?.variables ?? {},
    ...(state.failure === undefined ? {} : { failure: state.failure }),
    visited: simulation.visited(0),
    ...(state.output === undefined ? {} : { output: state.output }),
  };
}

/**
 * Why a simulation cannot be saved as a scenario, or undefined when it can. A scenario starts a WfRun with RunWf and
 * replays steps against one WfSpec, so it cannot hold a fork (its events came from a real log, not from steps) or a
 * sandbox edit (setVariable is no LittleHorse command, and migrate needs a second WfSpec).
 */
export function whyNotRecordable(simulation: Simulation): string | undefined {
  const fork = simulation.forkedFrom;
  if (fork) return `This simulation was forked from WfRun ${fork.wfRunId} after ${fork.eventCount} events; a scenario starts a WfRun from RunWf, so it cannot hold the fork's past.`;
  const edit = simulation.history.find((s) => s.command.type === 'SetVariable' || s.command.type === 'MigrateWfRun');
  if (edit) return `This simulation has a sandbox edit (${edit.command.type}) that no scenario step can replay.`;
  return undefined;
}

/**
 * Saves a simulation's inputs and actions as a scenario, expecting by default the outcome it reached. Throws an Error
 * with whyNotRecordable's reason for a fork or a simulation with sandbox edits, which a scenario cannot replay: check
 * first to offer recording only where it works.
 */
export function recordScenario(simulation: Simulation, meta: ScenarioMeta): Scenario {
  const reason = whyNotRecordable(simulation);
  if (reason !== undefined) throw new Error(reason);
  const { wfSpec } = simulation;
  const expect = meta.expect === undefined ? expectationOf(outcomeOf(simulation)) : meta.expect;
  return {
    version: 1,
    name: meta.name,
    ...(meta.description === undefined ? {} : { description: meta.description }),
    wfSpec: { name: wfSpec.name, majorVersion: wfSpec.majorVersion, revision: wfSpec.revision },
    inputs: simulation.inputs,
    ...(simulation.startTime === 0 ? {} : { startTime: simulation.startTime }),
    ...(simulation.wfRunId === DEFAULT_WF_RUN_ID ? {} : { wfRunId: simulation.wfRunId }),
    steps: simulation.actions,
    ...(expect === null ? {} : { expect }),
  };
}

/**
 * Runs a scenario against `wfSpec`: starts the WfRun with its inputs, applies its steps in order (stopping at the
 * first that cannot be applied), then checks its expectations. Pure and deterministic.
 */
export function replayScenario(wfSpec: WfSpec, catalog: Catalog, scenario: Scenario): ScenarioReplay {
  const created = createSimulation({ wfSpec, catalog, variables: scenario.inputs, startTime: scenario.startTime, wfRunId: scenario.wfRunId });
  if (!created.ok) {
    const stepErrors = [`The WfRun could not start: ${created.rejection.message}`];
    return { simulation: undefined, outcome: undefined, mismatches: [], stepErrors, passed: false };
  }
  let simulation = created.simulation;
  const stepErrors: string[] = [];
  for (const [i, step] of scenario.steps.entries()) {
    const result = simulation.apply(step);
    if (!result.ok) {
      const left = scenario.steps.length - i - 1;
      const rest = left === 0 ? '' : ` (the ${left} step${left === 1 ? '' : 's'} after it ${left === 1 ? 'was' : 'were'} not applied)`;
      stepErrors.push(`steps[${i}] (${describeStep(step)}) could not be applied: ${result.rejection.message}${rest}`);
      break;
    }
    simulation = result.simulation;
  }
  const outcome = outcomeOf(simulation);
  const mismatches = scenario.expect ? checkExpectation(scenario.expect, outcome) : [];
  return { simulation, outcome, mismatches, stepErrors, passed: mismatches.length === 0 && stepErrors.length === 0 };
}

/** Each way `outcome` falls short of `expect`, as a sentence; none when it meets it. */
export function checkExpectation(expect: ScenarioExpectation, outcome: ScenarioOutcome): string[] {
  const mismatches: string[] = [];
  const failed = outcome.failure ? ` (${outcome.failure.name}: ${outcome.failure.message})` : '';
  if (expect.status !== undefined && expect.status !== outcome.status) {
    mismatches.push(`Expected status ${expect.status}; the WfRun is ${outcome.status}${failed}.`);
  }
  for (const [name, value] of Object.entries(expect.variables ?? {})) {
    if (!Object.hasOwn(outcome.variables, name)) {
      mismatches.push(`Expected variable '${name}' to be ${show(value)}; the entrypoint thread has no variable '${name}'.`);
    } else if (!deepEqual(outcome.variables[name] ?? null, value)) {
      mismatches.push(`Expected variable '${name}' to be ${show(value)}; it is ${show(outcome.variables[name] ?? null)}.`);
    }
  }
  if (expect.failure !== undefined) {
    const actual = outcome.failure;
    if (!actual) {
      mismatches.push(`Expected failure '${expect.failure.name}'; the WfRun has none (it is ${outcome.status}).`);
    } else if (actual.name !== expect.failure.name) {
      mismatches.push(`Expected failure '${expect.failure.name}'; the WfRun failed with '${actual.name}': ${actual.message}`);
    } else if (expect.failure.message !== undefined && expect.failure.message !== actual.message) {
      mismatches.push(`Expected failure '${actual.name}' with message ${show(expect.failure.message)}; its message is ${show(actual.message)}.`);
    }
  }
  if (expect.visited !== undefined) {
    const mismatch = visitedMismatch(expect.visited, outcome.visited);
    if (mismatch) mismatches.push(mismatch);
  }
  if (expect.output !== undefined) {
    if (outcome.output === undefined) mismatches.push(`Expected output ${show(expect.output)}; the WfRun has none (it is ${outcome.status}).`);
    else if (!deepEqual(outcome.output, expect.output)) mismatches.push(`Expected output ${show(expect.output)}; it is ${show(outcome.output)}.`);
  }
  return mismatches;
}

/** The expectations an outcome meets: its status, variables, failure name, visited nodes and output. */
function expectationOf(outcome: ScenarioOutcome): ScenarioExpectation {
  return {
    status: outcome.status,
    variables: outcome.variables,
    ...(outcome.failure ? { failure: { name: outcome.failure.name } } : {}),
    visited: outcome.visited,
    ...(outcome.output === undefined ? {} : { output: outcome.output }),
  };
}

function visitedMismatch(expected: readonly string[], actual: readonly string[]): string | undefined {
  const at = expected.findIndex((name, i) => actual[i] !== name);
  const where = at >= 0 ? at : expected.length < actual.length ? expected.length : -1;
  if (where < 0) return undefined;
  const want = expected[where] === undefined ? 'the end' : `'${expected[where]}'`;
  const got = actual[where] === undefined ? 'the end' : `'${actual[where]}'`;
  return `Expected the entrypoint thread to visit [${expected.join(', ')}]; it visited [${actual.join(', ')}], first differing at position ${where} (expected ${want}, got ${got}).`;
}

function show(value: JsonValue): string {
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
