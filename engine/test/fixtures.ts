import { step } from '../src/index.ts';
import type {
  Catalog,
  Command,
  DecideContext,
  Effect,
  IdSource,
  Rejection,
  TaskNode,
  ThreadVarDef,
  VersionedWfSpec,
  WfRunEvent,
  WfRunState,
} from '../src/index.ts';

/** `greet(name: STR) -> STR` and `count(text: STR) -> INT`, the TaskDefs the two-task WfSpec runs. */
export const catalog: Catalog = {
  taskDefs: {
    greet: { name: 'greet', inputVars: [{ name: 'name', type: 'STR' }], returnType: 'STR' },
    count: { name: 'count', inputVars: [{ name: 'text', type: 'STR' }], returnType: 'INT' },
  },
};

/** Node names as LittleHorse's SDKs write them. */
export const NODES = { entrypoint: '0-entrypoint-ENTRYPOINT', greet: '1-greet-TASK', count: '2-count-TASK', exit: '3-exit-EXIT' } as const;

/** `name` (STR, required), `greeting` (STR), `length` (INT, default -1). */
export const VARIABLE_DEFS: readonly ThreadVarDef[] = [
  { name: 'name', type: 'STR', required: true },
  { name: 'greeting', type: 'STR' },
  { name: 'length', type: 'INT', defaultValue: -1 },
];

export interface TwoTaskOptions {
  /** Extra fields for the greet TASK node (retries, exponentialBackoff, failureHandlers...). */
  readonly greet?: Partial<Omit<TaskNode, 'type'>>;
  /** Extra fields for the count TASK node. */
  readonly count?: Partial<Omit<TaskNode, 'type'>>;
}

/**
 * ENTRYPOINT -> greet(name) -> count(greeting) -> EXIT. The edge leaving each TASK assigns its output
 * (rhs NODE_OUTPUT) to a variable: greet's to `greeting`, count's to `length`.
 */
export function twoTaskSpec({ greet = {}, count = {} }: TwoTaskOptions = {}): VersionedWfSpec {
  return {
    name: 'two-tasks',
    majorVersion: 1,
    revision: 2,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: VARIABLE_DEFS,
        nodes: {
          [NODES.entrypoint]: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: NODES.greet }] },
          [NODES.greet]: {
            type: 'TASK',
            taskDefName: 'greet',
            inputs: [{ type: 'VARIABLE', variableName: 'name' }],
            outgoingEdges: [{ sinkNodeName: NODES.count, variableMutations: [{ lhsName: 'greeting', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
            ...greet,
          },
          [NODES.count]: {
            type: 'TASK',
            taskDefName: 'count',
            inputs: [{ type: 'VARIABLE', variableName: 'greeting' }],
            outgoingEdges: [{ sinkNodeName: NODES.exit, variableMutations: [{ lhsName: 'length', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
            ...count,
          },
          [NODES.exit]: { type: 'EXIT' },
        },
      },
    },
  };
}

/** An IdSource that hands out `id-1`, `id-2`, ... in order. */
export function counterIds(prefix = 'id'): IdSource {
  let drawn = 0;
  return { next: () => `${prefix}-${++drawn}` };
}

/** A deterministic DecideContext: the `now` you pass, ids from a fresh counter, the two-task WfSpec by default. */
export function testContext(now: number, { wfSpec = twoTaskSpec(), catalog: c = catalog }: { wfSpec?: VersionedWfSpec; catalog?: Catalog } = {}): DecideContext {
  return { now, ids: counterIds(), wfSpec, catalog: c };
}

/**
 * Freezes `value` and everything inside it, so that a test fails with a TypeError (modules are strict) the moment
 * the engine writes to an input. Returns the same value.
 */
export function deepFreeze<T>(value: T, seen = new WeakSet<object>()): T {
  if (typeof value === 'object' && value !== null && !seen.has(value)) {
    seen.add(value);
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key], seen);
  }
  return value;
}

export type Accepted = { ok: true; state: WfRunState; events: readonly WfRunEvent[]; effects: Effect[] };
export type StepResult = Accepted | { ok: false; rejection: Rejection };

/** The accepted step, or a test failure naming the rejection. */
export function accepted(result: StepResult): Accepted {
  if (!result.ok) throw new Error(`expected the command to be accepted, got ${result.rejection.code}: ${result.rejection.message}`);
  return result;
}

/** The rejection of a step, or a test failure naming the events it produced instead. */
export function rejected(result: StepResult): Rejection {
  if (result.ok) throw new Error(`expected a rejection, got ${result.events.map((e) => e.type).join(', ')}`);
  return result.rejection;
}

/** A command with the time it arrives. */
export interface Timed {
  readonly command: Command;
  readonly now: number;
}

/**
 * Feeds `commands` one by one through `step` with frozen state, command and context, folding accepted ones. Returns
 * the final state, all events and every result, so a test can check replay against them.
 */
export function runStream(
  commands: readonly Timed[],
  { wfSpec = twoTaskSpec(), catalog: c = catalog }: { wfSpec?: VersionedWfSpec; catalog?: Catalog } = {},
): { state: WfRunState | undefined; events: WfRunEvent[]; results: StepResult[] } {
  deepFreeze(wfSpec);
  deepFreeze(c);
  let state: WfRunState | undefined;
  const events: WfRunEvent[] = [];
  const results: StepResult[] = [];
  for (const { command, now } of commands) {
    const result = step(deepFreeze(state), deepFreeze(command), deepFreeze(testContext(now, { wfSpec, catalog: c })));
    results.push(result);
    if (!result.ok) continue;
    state = result.state;
    events.push(...result.events);
  }
  return { state, events, results };
}
