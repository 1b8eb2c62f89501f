import { describe, expect, it } from 'vitest';
import { catalog, NODES, testContext, twoTaskSpec } from '../../test/fixtures.ts';
import { step } from '../run/step.ts';
import type { Catalog, Node, VersionedWfSpec } from './types.ts';
import type { Problem, ProblemCode, SpecPath } from './problem.ts';
import { formatPath } from './problem.ts';
import { isLaterCheck, validateTaskDef, validateUserTaskDef, validateWfSpec } from './validate.ts';
import { isValidWfRunId } from './names.ts';

/** A spec as loose JSON (any), so a test can break it in any way an editor or a bad client could. */
type Draft = any;

const { entrypoint: ENTRY, greet: GREET, count: COUNT, exit: EXIT } = NODES;
const NODE_PATH = ['threadSpecs', 'entrypoint', 'nodes'] as const;
const at = (node: string, ...rest: (string | number)[]): SpecPath => [...NODE_PATH, node, ...rest];
const VARS = ['threadSpecs', 'entrypoint', 'variableDefs'] as const;

const lit = (value: unknown) => ({ type: 'LITERAL', value });
const v = (variableName: string, jsonPath?: string) => ({ type: 'VARIABLE', variableName, ...(jsonPath === undefined ? {} : { jsonPath }) });
const cond = { comparator: 'EQUALS', left: v('name'), right: lit('x') };
const format = (template: unknown, ...args: unknown[]) => ({ type: 'FORMAT_STRING', format: lit(template), args });
const expr = (lhs: unknown, operation: string, rhs: unknown) => ({ type: 'EXPRESSION', lhs, operation, rhs });
const cast = (assignment: Draft, targetType: string) => ({ ...assignment, targetType });
const tinyThread = (variableDefs: unknown[] = []) => ({
  variableDefs,
  nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'end' }] }, end: { type: 'EXIT' } },
});

/** The two-task spec (valid), changed by `change`, which gets the spec and the entrypoint thread's nodes. */
function edit(change: (spec: Draft, nodes: Draft) => void): Draft {
  const spec: Draft = structuredClone(twoTaskSpec());
  change(spec, spec.threadSpecs.entrypoint.nodes);
  return spec;
}

/** Puts `node` between the ENTRYPOINT and greet. */
function between(name: string, node: Draft): Draft {
  return edit((_, nodes) => {
    nodes[ENTRY].outgoingEdges = [{ sinkNodeName: name }];
    nodes[name] = { ...node, outgoingEdges: node.outgoingEdges ?? [{ sinkNodeName: GREET }] };
  });
}

/** A START_THREAD of a `child` thread with `childVars` between the ENTRYPOINT and greet. */
function spawning(childVars: unknown[], start: Draft = {}): Draft {
  const spec = between('9-spawn-START_THREAD', { type: 'START_THREAD', threadSpecName: 'child', ...start });
  spec.threadSpecs.child = tinyThread(childVars);
  return spec;
}

/** A RUN_CHILD_WF of `shipping` (with `extra` fields) between the ENTRYPOINT and greet. */
const runningChild = (extra: Draft = {}) => between('9-run-RUN_CHILD_WF', { type: 'RUN_CHILD_WF', wfSpecName: 'shipping', ...extra });
/** A WAIT_FOR_CHILD_WF for the child id `childWfRunId` between the ENTRYPOINT and greet. */
const waitingChild = (childWfRunId: unknown) => between('9-wait-WAIT_FOR_CHILD_WF', { type: 'WAIT_FOR_CHILD_WF', childWfRunId });
/** A catalog that lists WfSpec `shipping`, newest major 1, whose entrypoint takes `order` (STR, required) and `rush` (BOOL). */
const withShipping: Catalog = {
  ...catalog,
  wfSpecs: {
    shipping: { name: 'shipping', majorVersion: 1, variableDefs: [{ name: 'order', type: 'STR', required: true }, { name: 'rush', type: 'BOOL' }] },
  },
};

/** greet gets a failure handler `handler` (a tiny thread). */
function handling(handler: Draft): Draft {
  return edit((spec, nodes) => {
    nodes[GREET].failureHandlers = [handler];
    spec.threadSpecs.handler = tinyThread();
  });
}

/** A catalog that lists one UserTaskDef, `approve` (version 2). */
const withForms: Catalog = { ...catalog, userTaskDefs: { approve: { name: 'approve', version: 2, fields: [{ name: 'ok', type: 'BOOL', required: true }] } } };
const REVIEW = '9-review-USER_TASK';
/** A USER_TASK of `approve` for group finance, changed by `extra`, between the ENTRYPOINT and greet. */
const userTask = (extra: Draft = {}) => between(REVIEW, { type: 'USER_TASK', userTaskDefName: 'approve', userGroup: lit('finance'), ...extra });
const action = (extra: Draft = {}) => ({ hook: 'ON_ARRIVAL', delaySeconds: lit(60), action: { type: 'CANCEL' }, ...extra });
/** `spec` with a JSON_OBJ variable `meta` in the entrypoint thread: JSON reads as STR only through a cast. */
const withMeta = (spec: Draft): Draft => {
  spec.threadSpecs.entrypoint.variableDefs.push({ name: 'meta', type: 'JSON_OBJ' });
  return spec;
};

/** `spec` with a masked STR `token` and a masked INT `pin` in the entrypoint thread. */
const withSecrets = (spec: Draft): Draft => {
  spec.threadSpecs.entrypoint.variableDefs.push({ name: 'token', type: 'STR', masked: true }, { name: 'pin', type: 'INT', masked: true });
  return spec;
};
/** The catalog with greet's output masked. */
const maskedGreet: Catalog = { ...catalog, taskDefs: { ...catalog.taskDefs, greet: { ...catalog.taskDefs.greet!, maskedOutput: true } } };

interface Case {
  readonly when: string;
  readonly spec: unknown;
  readonly path: SpecPath;
  readonly catalog?: Catalog;
  /** Other problems the same mistake causes, by code. */
  readonly also?: readonly ProblemCode[];
}

// A Record, so that a new ProblemCode does not compile until it has a case here.
const CASES: Record<ProblemCode, readonly Case[]> = {
  INVALID_NAME: [
    { when: 'a RUN_CHILD_WF names a WfSpec with an underscore', spec: runningChild({ wfSpecName: 'ship_it' }), path: at('9-run-RUN_CHILD_WF', 'wfSpecName') },
    { when: 'the WfSpec name has an underscore', spec: edit((s) => (s.name = 'my_workflow')), path: ['name'] },
    { when: 'a variable name starts with a digit', spec: edit((s) => s.threadSpecs.entrypoint.variableDefs.push({ name: '1st', type: 'STR' })), path: [...VARS, 3, 'name'] },
    { when: 'a variable name is longer than 128', spec: edit((s) => s.threadSpecs.entrypoint.variableDefs.push({ name: 'v'.repeat(129), type: 'STR' })), path: [...VARS, 3, 'name'] },
    { when: 'an EXIT throws a failure named with a space', spec: edit((_, n) => (n[EXIT].failureDef = { failureName: 'not ok', message: 'm' })), path: at(EXIT, 'failureDef', 'failureName') },
    { when: 'a handler catches a failure named with a space', spec: handling({ handlerSpecName: 'handler', specificFailure: 'no way' }), path: at(GREET, 'failureHandlers', 0, 'specificFailure') },
    { when: 'a USER_TASK throws a cancellation named with a space', spec: userTask({ onCancellationExceptionName: 'gave up' }), path: at(REVIEW, 'onCancellationExceptionName') },
  ],
  CONFLICTING_FIELDS: [
    { when: 'an expression both computes and compares', spec: edit((_, n) => (n[GREET].inputs = [{ ...expr(v('name'), 'ADD', lit('x')), comparator: 'EQUALS' }])), path: at(GREET, 'inputs', 0, 'comparator') },
    {
      when: 'an EXIT both fails its thread and returns an output',
      spec: edit((_, n) => (n[EXIT] = { type: 'EXIT', failureDef: { failureName: 'gone', message: 'm' }, returnContent: v('greeting') })),
      path: at(EXIT, 'returnContent'),
    },
    { when: 'a TASK names its TaskDef both ways', spec: edit((_, n) => (n[GREET].dynamicTaskDefName = v('name'))), path: at(GREET, 'dynamicTaskDefName') },
    {
      when: 'a masked variable is searchable',
      spec: edit((s) => Object.assign(s.threadSpecs.entrypoint.variableDefs[0], { masked: true, searchable: true })),
      path: [...VARS, 0, 'searchable'],
    },
  ],
  MISSING_FIELD: [
    { when: 'a format string has no list of args', spec: edit((_, n) => (n[GREET].inputs = [{ type: 'FORMAT_STRING', format: lit('x') }])), path: at(GREET, 'inputs', 0, 'args') },
    { when: 'an expression has no left side', spec: edit((_, n) => (n[GREET].inputs = [{ type: 'EXPRESSION', operation: 'ADD', rhs: lit('x') }])), path: at(GREET, 'inputs', 0, 'lhs') },
    { when: 'a TASK names no TaskDef at all', spec: edit((_, n) => delete n[GREET].taskDefName), path: at(GREET, 'taskDefName') },
    { when: 'a WAIT_FOR_CHILD_WF says not which child', spec: waitingChild(undefined), path: at('9-wait-WAIT_FOR_CHILD_WF', 'childWfRunId') },
    { when: 'a RUN_CHILD_WF has inputs that are a list', spec: runningChild({ inputs: [lit('o-1')] }), path: at('9-run-RUN_CHILD_WF', 'inputs') },
    { when: 'the spec is not an object', spec: 'two-tasks', path: [] },
    { when: 'there are no ThreadSpecs', spec: edit((s) => (s.threadSpecs = {})), path: ['threadSpecs'] },
    { when: 'a ThreadSpec has no nodes', spec: edit((s) => delete s.threadSpecs.entrypoint.nodes), path: [...NODE_PATH] },
    { when: 'outgoingEdges is not a list', spec: edit((_, n) => (n[EXIT].outgoingEdges = 'none')), path: at(EXIT, 'outgoingEdges') },
    { when: 'a SLEEP has both rawSeconds and timestamp', spec: between('9-nap-SLEEP', { type: 'SLEEP', rawSeconds: lit(1), timestamp: lit(2) }), path: at('9-nap-SLEEP') },
    { when: 'an EXIT failure has no message', spec: edit((_, n) => (n[EXIT].failureDef = { failureName: 'gone' })), path: at(EXIT, 'failureDef', 'message') },
    { when: 'an input has an unknown source type', spec: edit((_, n) => (n[GREET].inputs = [{ type: 'STRUCT_BUILDER' }])), path: at(GREET, 'inputs', 0, 'type') },
    { when: 'a mutation is not an object', spec: edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations = ['greeting = output'])), path: at(GREET, 'outgoingEdges', 0, 'variableMutations', 0) },
    { when: 'a USER_TASK has neither userId nor userGroup', spec: userTask({ userGroup: undefined }), path: at(REVIEW) },
    { when: 'a USER_TASK has a blank literal user id', spec: userTask({ userId: lit(' ') }), path: at(REVIEW, 'userId', 'value') },
    { when: 'a USER_TASK names no UserTaskDef', spec: userTask({ userTaskDefName: undefined }), path: at(REVIEW, 'userTaskDefName') },
    { when: 'a user task action has an unknown hook', spec: userTask({ actions: [action({ hook: 'ON_COMPLETION' })] }), path: at(REVIEW, 'actions', 0, 'hook') },
    { when: 'a user task action has no delay', spec: userTask({ actions: [action({ delaySeconds: undefined })] }), path: at(REVIEW, 'actions', 0, 'delaySeconds') },
    { when: 'a user task action is neither REASSIGN nor CANCEL', spec: userTask({ actions: [action({ action: { type: 'REMIND' } })] }), path: at(REVIEW, 'actions', 0, 'action') },
    { when: 'a REASSIGN action names nobody', spec: userTask({ actions: [action({ action: { type: 'REASSIGN' } })] }), path: at(REVIEW, 'actions', 0, 'action') },
    { when: 'user task actions are not a list', spec: userTask({ actions: { hook: 'ON_ARRIVAL' } }), path: at(REVIEW, 'actions') },
    { when: 'a condition is not an object', spec: edit((_, n) => (n[ENTRY].outgoingEdges = [{ sinkNodeName: GREET, condition: 'yes' }, { sinkNodeName: GREET }])), path: at(ENTRY, 'outgoingEdges', 0, 'condition') },
    { when: 'a WAIT_FOR_THREADS lists no threads', spec: between('9-wait-WAIT_FOR_THREADS', { type: 'WAIT_FOR_THREADS', threads: [] }), path: at('9-wait-WAIT_FOR_THREADS', 'threads') },
    { when: 'exponentialBackoff is not an object', spec: edit((_, n) => (n[GREET].exponentialBackoff = 5)), path: at(GREET, 'exponentialBackoff') },
    { when: 'anyFailureOfType is not a failure type', spec: handling({ handlerSpecName: 'handler', anyFailureOfType: 'ANY' }), path: at(GREET, 'failureHandlers', 0, 'anyFailureOfType') },
  ],
  UNKNOWN_NODE_TYPE: [
    { when: 'a node has a type the engine does not know', spec: edit((_, n) => (n[COUNT].type = 'TELEPORT')), path: at(COUNT, 'type') },
    { when: 'a node is null', spec: edit((_, n) => (n['9-x'] = null)), path: at('9-x', 'type'), also: ['UNREACHABLE_NODE'] },
  ],
  MISSING_THREAD: [
    { when: 'entrypointThreadName names no ThreadSpec', spec: edit((s) => (s.entrypointThreadName = 'main')), path: ['entrypointThreadName'], also: ['THREAD_NEVER_STARTED'] },
    { when: 'a START_THREAD names no ThreadSpec', spec: spawning([], { threadSpecName: 'ghost' }), path: at('9-spawn-START_THREAD', 'threadSpecName'), also: ['THREAD_NEVER_STARTED'] },
    { when: 'a START_THREAD starts the entrypoint thread', spec: spawning([], { threadSpecName: 'entrypoint' }), path: at('9-spawn-START_THREAD', 'threadSpecName'), also: ['THREAD_NEVER_STARTED'] },
    { when: 'a failure handler names no ThreadSpec', spec: handling({ handlerSpecName: 'ghost' }), path: at(GREET, 'failureHandlers', 0, 'handlerSpecName'), also: ['THREAD_NEVER_STARTED'] },
    {
      when: 'an interrupt handler names no ThreadSpec',
      spec: edit((s) => (s.threadSpecs.entrypoint.interruptDefs = [{ externalEventDefName: 'cancel', handlerSpecName: 'ghost' }])),
      catalog: { ...catalog, externalEventDefs: { cancel: { name: 'cancel' } } },
      path: ['threadSpecs', 'entrypoint', 'interruptDefs', 0, 'handlerSpecName'],
    },
  ],
  ENTRYPOINT_COUNT: [
    { when: 'a thread has no ENTRYPOINT', spec: edit((_, n) => (n[ENTRY].type = 'NOP')), path: [...NODE_PATH] },
    {
      when: 'a thread has two ENTRYPOINTs',
      spec: edit((_, n) => (n['9-again-ENTRYPOINT'] = { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: EXIT }] })),
      path: [...NODE_PATH],
      also: ['UNREACHABLE_NODE'],
    },
  ],
  MISSING_NODE: [
    {
      when: 'an edge goes to a node that does not exist',
      spec: edit((_, n) => (n[ENTRY].outgoingEdges = [{ sinkNodeName: '9-nowhere', condition: cond }, { sinkNodeName: GREET }])),
      path: at(ENTRY, 'outgoingEdges', 0, 'sinkNodeName'),
    },
  ],
  EDGE_INTO_ENTRYPOINT: [
    { when: 'an edge goes back to the ENTRYPOINT', spec: edit((_, n) => n[GREET].outgoingEdges.unshift({ sinkNodeName: ENTRY, condition: cond })), path: at(GREET, 'outgoingEdges', 0, 'sinkNodeName') },
  ],
  SELF_LOOP: [
    { when: 'an edge goes from a node to itself', spec: edit((_, n) => n[GREET].outgoingEdges.unshift({ sinkNodeName: GREET, condition: cond })), path: at(GREET, 'outgoingEdges', 0, 'sinkNodeName') },
  ],
  LOOP_NEVER_WAITS: [
    {
      when: 'two NOPs send the thread to each other, their edge out never taken',
      spec: edit((_, n) => {
        n[GREET].outgoingEdges = [{ sinkNodeName: '4-a-NOP' }];
        const never = { comparator: 'EQUALS', left: lit(1), right: lit(2) };
        n['4-a-NOP'] = { type: 'NOP', outgoingEdges: [{ sinkNodeName: COUNT, condition: never }, { sinkNodeName: '5-b-NOP' }] };
        n['5-b-NOP'] = { type: 'NOP', outgoingEdges: [{ sinkNodeName: '4-a-NOP' }] };
      }),
      path: at('4-a-NOP'),
    },
  ],
  NO_OUTGOING_EDGE: [
    {
      when: 'a NOP leads nowhere',
      spec: edit((_, n) => {
        n[ENTRY].outgoingEdges.unshift({ sinkNodeName: '9-dead-NOP', condition: cond });
        n['9-dead-NOP'] = { type: 'NOP' };
      }),
      path: at('9-dead-NOP', 'outgoingEdges'),
    },
  ],
  EXIT_HAS_EDGES: [{ when: 'an EXIT has an outgoing edge', spec: edit((_, n) => (n[EXIT].outgoingEdges = [{ sinkNodeName: COUNT }])), path: at(EXIT, 'outgoingEdges') }],
  UNREACHABLE_NODE: [{ when: 'no edge leads to a node', spec: edit((_, n) => (n['9-orphan-EXIT'] = { type: 'EXIT' })), path: at('9-orphan-EXIT') }],
  UNKNOWN_TASK_DEF: [{ when: 'a TASK runs a TaskDef that is not registered', spec: edit((_, n) => (n[GREET].taskDefName = 'charge-card')), path: at(GREET, 'taskDefName') }],
  INPUT_COUNT: [
    { when: 'a TASK gives fewer inputs than its TaskDef takes', spec: edit((_, n) => (n[GREET].inputs = [])), path: at(GREET, 'inputs') },
    { when: 'a TASK gives more inputs than its TaskDef takes', spec: edit((_, n) => n[GREET].inputs.push(lit('extra'))), path: at(GREET, 'inputs') },
  ],
  UNKNOWN_VARIABLE: [
    { when: 'a format string argument names an undeclared variable', spec: edit((_, n) => (n[GREET].inputs = [format('Hi {0}', v('nobody'))])), path: at(GREET, 'inputs', 0, 'args', 0, 'variableName') },
    { when: 'a RUN_CHILD_WF gives an input the child WfSpec does not declare', spec: runningChild({ inputs: { order: lit('o-1'), colour: lit('red') } }), catalog: withShipping, path: at('9-run-RUN_CHILD_WF', 'inputs', 'colour') },
    { when: 'a RUN_CHILD_WF input reads an undeclared variable', spec: runningChild({ inputs: { order: v('nobody') } }), path: at('9-run-RUN_CHILD_WF', 'inputs', 'order', 'variableName') },
    { when: 'a WAIT_FOR_CHILD_WF reads an undeclared variable', spec: waitingChild(v('nobody')), path: at('9-wait-WAIT_FOR_CHILD_WF', 'childWfRunId', 'variableName') },
    { when: 'an EXIT returns an undeclared variable', spec: edit((_, n) => (n[EXIT].returnContent = v('nobody'))), path: at(EXIT, 'returnContent', 'variableName') },
    { when: 'an input reads an undeclared variable', spec: edit((_, n) => (n[GREET].inputs = [v('nobody')])), path: at(GREET, 'inputs', 0, 'variableName') },
    { when: 'a mutation changes an undeclared variable', spec: edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations[0].lhsName = 'nobody')), path: at(GREET, 'outgoingEdges', 0, 'variableMutations', 0, 'lhsName') },
    { when: 'a START_THREAD sets a variable the child does not declare', spec: spawning([], { variables: { nope: lit(1) } }), path: at('9-spawn-START_THREAD', 'variables', 'nope') },
  ],
  DUPLICATE_VARIABLE: [
    { when: 'a thread declares a variable twice', spec: edit((s) => s.threadSpecs.entrypoint.variableDefs.push({ name: 'greeting', type: 'STR' })), path: [...VARS, 3, 'name'] },
    { when: 'two threads declare the same name (names are WfSpec-global)', spec: spawning([{ name: 'name', type: 'STR' }]), path: ['threadSpecs', 'child', 'variableDefs', 0, 'name'] },
  ],
  TYPE_MISMATCH: [
    {
      when: 'an edge condition is the literal NULL',
      spec: edit((_, n) => (n[GREET].outgoingEdges[0].condition = lit(null))),
      path: at(GREET, 'outgoingEdges', 0, 'condition', 'value'),
    },
    {
      when: 'WAIT_FOR_THREADS waits for a format string',
      spec: between('9-wait-WAIT_FOR_THREADS', { type: 'WAIT_FOR_THREADS', threads: [format('{0}', v('name'))] }),
      path: at('9-wait-WAIT_FOR_THREADS', 'threads', 0),
    },
    {
      when: 'a literal is cast to a type it does not parse as',
      spec: edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations = [{ lhsName: 'length', operation: 'ASSIGN', rhs: cast(lit('forty-two'), 'INT') }])),
      path: at(GREET, 'outgoingEdges', 0, 'variableMutations', 0, 'rhs', 'value'),
    },
    { when: 'an input casts an INT to a BOOL', spec: edit((_, n) => (n[GREET].inputs = [cast(v('length'), 'BOOL')])), path: at(GREET, 'inputs', 0, 'targetType') },
    {
      when: 'a mutation assigns an INT a value cast to BOOL',
      spec: edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations = [{ lhsName: 'length', operation: 'ASSIGN', rhs: cast(lit('true'), 'BOOL') }])),
      path: at(GREET, 'outgoingEdges', 0, 'variableMutations', 0, 'rhs', 'targetType'),
    },
    {
      when: "a mutation casts a task's STR output to a JSON_ARR",
      spec: edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations = [{ lhsName: 'greeting', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT', targetType: 'JSON_ARR' } }])),
      path: at(GREET, 'outgoingEdges', 0, 'variableMutations', 0, 'rhs', 'targetType'),
    },
    { when: 'a format string is given to an INT variable', spec: edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations = [{ lhsName: 'length', operation: 'ASSIGN', rhs: format('{0}', lit(1)) }])), path: at(GREET, 'outgoingEdges', 0, 'variableMutations', 0, 'rhs') },
    { when: 'a format string template is an INT', spec: edit((_, n) => (n[GREET].inputs = [format(7)])), path: at(GREET, 'inputs', 0, 'format') },
    { when: 'an expression adds a JSON_OBJ to an INT', spec: edit((_, n) => (n[GREET].inputs = [expr(v('length'), 'ADD', lit({ a: 1 }))])), path: at(GREET, 'inputs', 0, 'rhs') },
    {
      // The engine reads an integer JSON cannot hold exactly as a DOUBLE, so INT + it is a DOUBLE (values/value.ts typeOfValue).
      when: 'a mutation assigns an INT the sum of an INT and an integer literal past 2^53',
      spec: edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations = [{ lhsName: 'length', operation: 'ASSIGN', rhs: expr(v('length'), 'ADD', lit(2 ** 60)) }])),
      path: at(GREET, 'outgoingEdges', 0, 'variableMutations', 0, 'rhs'),
    },
    {
      when: 'a dynamic TASK is named by a JSON_OBJ variable',
      spec: withMeta(
        edit((_, n) => {
          delete n[GREET].taskDefName;
          n[GREET].dynamicTaskDefName = v('meta');
        }),
      ),
      path: at(GREET, 'dynamicTaskDefName'),
    },
    {
      when: 'a condition orders a STR against an INT',
      spec: edit((_, n) => (n[GREET].outgoingEdges = [{ sinkNodeName: NODES.count, condition: { comparator: 'LESS_THAN', left: v('name'), right: v('length') } }, { sinkNodeName: NODES.count }])),
      path: at(GREET, 'outgoingEdges', 0, 'condition'),
    },
    {
      when: 'a condition tests a STR EQUALS an INT',
      spec: edit((_, n) => (n[GREET].outgoingEdges = [{ sinkNodeName: NODES.count, condition: { comparator: 'EQUALS', left: v('name'), right: lit(3) } }, { sinkNodeName: NODES.count }])),
      path: at(GREET, 'outgoingEdges', 0, 'condition'),
    },
    {
      when: 'a condition looks IN an INT',
      spec: edit((_, n) => (n[GREET].outgoingEdges = [{ sinkNodeName: NODES.count, condition: { comparator: 'IN', left: lit('a'), right: v('length') } }, { sinkNodeName: NODES.count }])),
      path: at(GREET, 'outgoingEdges', 0, 'condition'),
    },
    {
      when: 'an INT variable is added a STR variable',
      spec: edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations = [{ lhsName: 'length', operation: 'ADD', rhs: v('name') }])),
      path: at(GREET, 'outgoingEdges', 0, 'variableMutations', 0, 'rhs'),
    },
    {
      when: 'a JSON_ARR is extended by a STR literal',
      spec: edit((s, n) => {
        s.threadSpecs.entrypoint.variableDefs.push({ name: 'items', type: 'JSON_ARR' });
        n[GREET].outgoingEdges[0].variableMutations = [{ lhsName: 'items', operation: 'EXTEND', rhs: lit('x') }];
      }),
      path: at(GREET, 'outgoingEdges', 0, 'variableMutations', 0, 'rhs'),
    },
    { when: 'masked is not a boolean', spec: edit((s) => (s.threadSpecs.entrypoint.variableDefs[0].masked = 'yes')), path: [...VARS, 0, 'masked'] },
    { when: 'searchable is not a boolean', spec: edit((s) => (s.threadSpecs.entrypoint.variableDefs[0].searchable = 'false')), path: [...VARS, 0, 'searchable'] },
    { when: 'required is not a boolean', spec: edit((s) => (s.threadSpecs.entrypoint.variableDefs[0].required = 1)), path: [...VARS, 0, 'required'] },
    { when: 'a SLEEP waits until a STR', spec: between('9-nap-SLEEP', { type: 'SLEEP', timestamp: v('name') }), path: at('9-nap-SLEEP', 'timestamp') },
    { when: 'a WAIT_FOR_CHILD_WF waits on an INT', spec: waitingChild(v('length')), path: at('9-wait-WAIT_FOR_CHILD_WF', 'childWfRunId') },
    { when: 'a RUN_CHILD_WF gives a STR to a BOOL input', spec: runningChild({ inputs: { order: lit('o-1'), rush: lit('yes') } }), catalog: withShipping, path: at('9-run-RUN_CHILD_WF', 'inputs', 'rush', 'value') },
    { when: 'a default value does not fit its type', spec: edit((s) => (s.threadSpecs.entrypoint.variableDefs[2].defaultValue = 'x')), path: [...VARS, 2, 'defaultValue'] },
    { when: 'a literal input does not fit the TaskDef input', spec: edit((_, n) => (n[GREET].inputs = [lit(5)])), path: at(GREET, 'inputs', 0, 'value') },
    { when: 'a JSON_OBJ variable feeds a STR input', spec: withMeta(edit((_, n) => (n[COUNT].inputs = [v('meta')]))), path: at(COUNT, 'inputs', 0) },
    {
      when: 'a STR output is assigned to an INT variable',
      spec: edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations[0].lhsName = 'length')),
      path: at(GREET, 'outgoingEdges', 0, 'variableMutations', 0, 'rhs'),
    },
    {
      when: 'a STR variable is assigned to an INT variable',
      spec: edit((_, n) => (n[COUNT].outgoingEdges[0].variableMutations[0].rhs = v('name'))),
      path: at(COUNT, 'outgoingEdges', 0, 'variableMutations', 0, 'rhs'),
    },
    { when: 'a WAIT_FOR_THREADS waits on a STR', spec: between('9-wait-WAIT_FOR_THREADS', { type: 'WAIT_FOR_THREADS', threads: [v('name')] }), path: at('9-wait-WAIT_FOR_THREADS', 'threads', 0) },
    { when: 'a START_THREAD gives a STR to an INT variable', spec: spawning([{ name: 'k', type: 'INT' }], { variables: { k: lit('x') } }), path: at('9-spawn-START_THREAD', 'variables', 'k', 'value') },
    { when: 'a USER_TASK takes its user id from a JSON_OBJ variable', spec: withMeta(userTask({ userId: v('meta') })), path: at(REVIEW, 'userId') },
    { when: 'a USER_TASK takes its notes from an INT literal', spec: userTask({ notes: lit(7) }), path: at(REVIEW, 'notes', 'value') },
    { when: 'a user task action waits a STR of seconds', spec: userTask({ actions: [action({ delaySeconds: lit('soon') })] }), path: at(REVIEW, 'actions', 0, 'delaySeconds', 'value') },
    { when: 'a REASSIGN action takes its group from a JSON_OBJ variable', spec: withMeta(userTask({ actions: [action({ action: { type: 'REASSIGN', userGroup: v('meta') } })] })), path: at(REVIEW, 'actions', 0, 'action', 'userGroup') },
    {
      when: "a USER_TASK's output (a JSON_OBJ) is assigned to a STR variable",
      spec: userTask({ outgoingEdges: [{ sinkNodeName: GREET, variableMutations: [{ lhsName: 'greeting', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }] }),
      path: at(REVIEW, 'outgoingEdges', 0, 'variableMutations', 0, 'rhs'),
    },
  ],
  INVALID_TYPE: [{ when: 'an input is cast to a type that does not exist', spec: edit((_, n) => (n[GREET].inputs = [cast(v('name'), 'DATE')])), path: at(GREET, 'inputs', 0, 'targetType') }, { when: 'a variable has a type that does not exist', spec: edit((s) => s.threadSpecs.entrypoint.variableDefs.push({ name: 'when', type: 'DATE' })), path: [...VARS, 3, 'type'] }],
  NODE_NOT_RUN_BEFORE: [
    {
      when: "a task's input reads the output of a node that only runs after it",
      spec: edit((_, n) => (n[GREET].inputs = [{ type: 'NODE_OUTPUT_REFERENCE', nodeName: COUNT }])),
      path: at(GREET, 'inputs', 0, 'nodeName'),
    },
  ],
  NO_NODE_OUTPUT: [
    {
      when: 'a mutation on an ENTRYPOINT edge reads its output',
      spec: edit((_, n) => (n[ENTRY].outgoingEdges[0].variableMutations = [{ lhsName: 'greeting', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }])),
      path: at(ENTRY, 'outgoingEdges', 0, 'variableMutations', 0, 'rhs'),
    },
    {
      when: 'a mutation reads the output of a TaskDef that returns nothing',
      spec: twoTaskSpec(),
      catalog: { taskDefs: { ...catalog.taskDefs, greet: { name: 'greet', inputVars: [{ name: 'name', type: 'STR' }] } } },
      path: at(GREET, 'outgoingEdges', 0, 'variableMutations', 0, 'rhs'),
    },
  ],
  UNKNOWN_OPERATION: [
    { when: 'an expression has an unknown operation', spec: edit((_, n) => (n[GREET].inputs = [expr(v('name'), 'CONCAT', lit('x'))])), path: at(GREET, 'inputs', 0, 'operation') },
    { when: 'an expression subtracts from a STR', spec: edit((_, n) => (n[GREET].inputs = [expr(v('name'), 'SUBTRACT', lit(1))])), path: at(GREET, 'inputs', 0, 'operation') },
    { when: 'a mutation has an operation that does not exist', spec: edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations[0].operation = 'POW')), path: at(GREET, 'outgoingEdges', 0, 'variableMutations', 0, 'operation') },
    { when: 'a mutation SUBTRACTs from a STR', spec: edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations[0].operation = 'SUBTRACT')), path: at(GREET, 'outgoingEdges', 0, 'variableMutations', 0, 'operation') },
  ],
  MISSING_REQUIRED_VARIABLE: [
    { when: 'a RUN_CHILD_WF gives nothing for a required input', spec: runningChild({ inputs: { rush: lit(true) } }), catalog: withShipping, path: at('9-run-RUN_CHILD_WF', 'inputs') },
    { when: 'a START_THREAD gives nothing for a required variable', spec: spawning([{ name: 'k', type: 'INT', required: true }]), path: at('9-spawn-START_THREAD', 'variables') },
  ],
  OUT_OF_RANGE: [
    { when: 'a TASK timeout is 0 seconds', spec: edit((_, n) => (n[GREET].timeoutSeconds = 0)), path: at(GREET, 'timeoutSeconds') },
    { when: 'a TASK timeout is a fraction', spec: edit((_, n) => (n[GREET].timeoutSeconds = 2.5)), path: at(GREET, 'timeoutSeconds') },
    { when: 'a RUN_CHILD_WF pins a negative major version', spec: runningChild({ majorVersion: -1 }), path: at('9-run-RUN_CHILD_WF', 'majorVersion') },
    { when: 'retries is negative', spec: edit((_, n) => (n[GREET].retries = -1)), path: at(GREET, 'retries') },
    { when: 'retries is a fraction', spec: edit((_, n) => (n[GREET].retries = 1.5)), path: at(GREET, 'retries') },
    { when: 'retries is above 1000', spec: edit((_, n) => (n[GREET].retries = 1001)), path: at(GREET, 'retries') },
    { when: 'the back-off base is 0', spec: edit((_, n) => (n[GREET].exponentialBackoff = { baseIntervalMs: 0, multiplier: 2, maxDelayMs: 10 })), path: at(GREET, 'exponentialBackoff', 'baseIntervalMs') },
    { when: 'the back-off multiplier is below 1', spec: edit((_, n) => (n[GREET].exponentialBackoff = { baseIntervalMs: 10, multiplier: 0.5, maxDelayMs: 10 })), path: at(GREET, 'exponentialBackoff', 'multiplier') },
    { when: 'the back-off cap is below its base', spec: edit((_, n) => (n[GREET].exponentialBackoff = { baseIntervalMs: 10, multiplier: 2, maxDelayMs: 5 })), path: at(GREET, 'exponentialBackoff', 'maxDelayMs') },
    { when: 'a USER_TASK pins version -1', spec: userTask({ userTaskDefVersion: -1 }), path: at(REVIEW, 'userTaskDefVersion') },
    { when: 'a user task action waits a negative number of seconds', spec: userTask({ actions: [action({ delaySeconds: lit(-5) })] }), path: at(REVIEW, 'actions', 0, 'delaySeconds', 'value') },
  ],
  UNKNOWN_COMPARATOR: [
    {
      when: 'a condition compares with an unknown comparator in an expression',
      spec: edit((_, n) => (n[ENTRY].outgoingEdges = [{ sinkNodeName: GREET, condition: { type: 'EXPRESSION', lhs: v('name'), comparator: 'LIKE', rhs: lit('x') } }, { sinkNodeName: GREET }])),
      path: at(ENTRY, 'outgoingEdges', 0, 'condition', 'comparator'),
    },
    {
      when: 'a condition has a comparator that does not exist',
      spec: edit((_, n) => (n[ENTRY].outgoingEdges = [{ sinkNodeName: GREET, condition: { ...cond, comparator: 'LIKE' } }, { sinkNodeName: GREET }])),
      path: at(ENTRY, 'outgoingEdges', 0, 'condition', 'comparator'),
    },
  ],
  UNREACHABLE_EDGE: [{ when: 'an edge follows one without a condition', spec: edit((_, n) => n[ENTRY].outgoingEdges.push({ sinkNodeName: EXIT })), path: at(ENTRY, 'outgoingEdges', 1) }],
  DIVISION_BY_ZERO: [
    {
      when: 'an expression divides by a literal 0',
      spec: edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations = [{ lhsName: 'length', operation: 'ASSIGN', rhs: expr(v('length'), 'DIVIDE', lit(0)) }])),
      path: at(GREET, 'outgoingEdges', 0, 'variableMutations', 0, 'rhs', 'rhs', 'value'),
    },
  ],
  INVALID_FORMAT_STRING: [
    { when: 'a literal template has an unmatched brace', spec: edit((_, n) => (n[GREET].inputs = [format('Hello {0', v('name'))])), path: at(GREET, 'inputs', 0, 'format', 'value') },
    { when: 'a literal template names an argument by word', spec: edit((_, n) => (n[GREET].inputs = [format('Hello {name}', v('name'))])), path: at(GREET, 'inputs', 0, 'format', 'value') },
  ],
  INVALID_JSON_PATH: [
    { when: 'an input reads a JSON path of a STR variable', spec: edit((_, n) => (n[GREET].inputs = [v('name', '$.first')])), path: at(GREET, 'inputs', 0, 'jsonPath') },
    {
      when: 'a JSON path does not start with $',
      spec: edit((s, n) => {
        s.threadSpecs.entrypoint.variableDefs.push({ name: 'person', type: 'JSON_OBJ' });
        n[GREET].inputs = [v('person', 'first')];
      }),
      path: at(GREET, 'inputs', 0, 'jsonPath'),
    },
    { when: 'a mutation writes a JSON path of a STR variable', spec: edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations[0].lhsJsonPath = '$.x')), path: at(GREET, 'outgoingEdges', 0, 'variableMutations', 0, 'lhsJsonPath') },
    {
      when: 'a mutation reads a JSON path of a STR output',
      spec: edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations[0].rhs = { type: 'NODE_OUTPUT', jsonPath: '$.x' })),
      path: at(GREET, 'outgoingEdges', 0, 'variableMutations', 0, 'rhs', 'jsonPath'),
    },
  ],
  RESERVED_FAILURE_NAME: [
    { when: 'an EXIT throws TIMEOUT', spec: edit((_, n) => (n[EXIT].failureDef = { failureName: 'TIMEOUT', message: 'm' })), path: at(EXIT, 'failureDef', 'failureName') },
    { when: 'an EXIT throws TASK_FAILURE', spec: edit((_, n) => (n[EXIT].failureDef = { failureName: 'TASK_FAILURE', message: 'm' })), path: at(EXIT, 'failureDef', 'failureName') },
    { when: 'a USER_TASK throws USER_TASK_CANCELLED by name when cancelled', spec: userTask({ onCancellationExceptionName: 'USER_TASK_CANCELLED' }), path: at(REVIEW, 'onCancellationExceptionName') },
  ],
  THREAD_NEVER_STARTED: [{ when: 'nothing starts a ThreadSpec', spec: edit((s) => (s.threadSpecs.orphan = tinyThread())), path: ['threadSpecs', 'orphan'] }],
  UNKNOWN_EXTERNAL_EVENT_DEF: [
    { when: 'an EXTERNAL_EVENT waits for an unregistered def', spec: between('9-wait-EXTERNAL_EVENT', { type: 'EXTERNAL_EVENT', externalEventDefName: 'approved' }), path: at('9-wait-EXTERNAL_EVENT', 'externalEventDefName') },
    {
      when: 'an interrupt names an unregistered def',
      spec: edit((s) => {
        s.threadSpecs.entrypoint.interruptDefs = [{ externalEventDefName: 'cancel', handlerSpecName: 'handler' }];
        s.threadSpecs.handler = tinyThread();
      }),
      path: ['threadSpecs', 'entrypoint', 'interruptDefs', 0, 'externalEventDefName'],
    },
  ],
  UNKNOWN_WORKFLOW_EVENT_DEF: [
    { when: 'a THROW_EVENT throws an unregistered def', spec: between('9-throw-THROW_EVENT', { type: 'THROW_EVENT', workflowEventDefName: 'shipped' }), path: at('9-throw-THROW_EVENT', 'workflowEventDefName') },
  ],
  UNKNOWN_WF_SPEC: [
    { when: 'a RUN_CHILD_WF runs a WfSpec the catalog does not list', spec: runningChild({ wfSpecName: 'billing' }), catalog: withShipping, path: at('9-run-RUN_CHILD_WF', 'wfSpecName') },
    { when: 'a RUN_CHILD_WF pins a major version newer than the newest', spec: runningChild({ majorVersion: 2, inputs: { order: lit('o-1') } }), catalog: withShipping, path: at('9-run-RUN_CHILD_WF', 'majorVersion') },
  ],
  UNKNOWN_USER_TASK_DEF: [
    { when: 'a USER_TASK runs a UserTaskDef that is not registered', spec: userTask({ userTaskDefName: 'approve-leave' }), catalog: withForms, path: at(REVIEW, 'userTaskDefName') },
    { when: 'a USER_TASK runs a UserTaskDef named like an Object method', spec: userTask({ userTaskDefName: 'constructor' }), catalog: withForms, path: at(REVIEW, 'userTaskDefName') },
    { when: 'a USER_TASK pins a version newer than the newest', spec: userTask({ userTaskDefVersion: 3 }), catalog: withForms, path: at(REVIEW, 'userTaskDefVersion') },
  ],
  CORRELATION_NOT_ENABLED: [
    {
      when: 'an EXTERNAL_EVENT correlates by key on a def without correlatedEventConfig',
      spec: between('9-wait-EXTERNAL_EVENT', { type: 'EXTERNAL_EVENT', externalEventDefName: 'approved', correlationKey: { type: 'LITERAL', value: 'doc-1' } }),
      catalog: { ...catalog, externalEventDefs: { approved: { name: 'approved' } } },
      path: at('9-wait-EXTERNAL_EVENT', 'correlationKey'),
    },
  ],
  MASKED_VALUE_SHOWN: [
    { when: "a USER_TASK's user id is a masked variable", spec: withSecrets(userTask({ userId: v('token') })), path: at(REVIEW, 'userId') },
    { when: "a USER_TASK's group is formatted from a masked variable", spec: withSecrets(userTask({ userGroup: format('team-{0}', v('token')) })), path: at(REVIEW, 'userGroup') },
    {
      when: "a REASSIGN action's user id is a masked variable",
      spec: withSecrets(userTask({ actions: [action({ action: { type: 'REASSIGN', userId: v('token') } })] })),
      path: at(REVIEW, 'actions', 0, 'action', 'userId'),
    },
    {
      when: 'a dynamic TaskDef name is a masked variable',
      spec: withSecrets(edit((_, n) => ((n[GREET].taskDefName = undefined), (n[GREET].dynamicTaskDefName = v('token'))))),
      path: at(GREET, 'dynamicTaskDefName'),
    },
    {
      when: "a dynamic TaskDef name is a masked TaskDef's output, read by name",
      spec: edit((_, n) => ((n[COUNT].taskDefName = undefined), (n[COUNT].dynamicTaskDefName = { type: 'NODE_OUTPUT_REFERENCE', nodeName: GREET }))),
      catalog: maskedGreet,
      path: at(COUNT, 'dynamicTaskDefName'),
    },
    { when: 'a SLEEP sleeps for a masked number of seconds', spec: withSecrets(between('9-nap-SLEEP', { type: 'SLEEP', rawSeconds: v('pin') })), path: at('9-nap-SLEEP', 'rawSeconds') },
    { when: 'a SLEEP sleeps until a masked date', spec: withSecrets(between('9-nap-SLEEP', { type: 'SLEEP', isoDate: v('token') })), path: at('9-nap-SLEEP', 'isoDate') },
    { when: 'a WAIT_FOR_CHILD_WF waits for a child id that is a masked variable', spec: withSecrets(waitingChild(v('token'))), path: at('9-wait-WAIT_FOR_CHILD_WF', 'childWfRunId') },
    { when: "a user task action's delay is a masked variable", spec: withSecrets(userTask({ actions: [action({ delaySeconds: v('pin') })] })), path: at(REVIEW, 'actions', 0, 'delaySeconds') },
    {
      when: "a user task's onCancellationExceptionName is a masked variable",
      spec: withSecrets(userTask({ onCancellationExceptionName: v('token') })),
      path: at(REVIEW, 'onCancellationExceptionName'),
    },
    {
      when: "an EXTERNAL_EVENT's timeout is a masked variable",
      spec: withSecrets(between('9-wait-EXTERNAL_EVENT', { type: 'EXTERNAL_EVENT', externalEventDefName: 'approved', timeoutSeconds: v('pin') })),
      catalog: { ...catalog, externalEventDefs: { approved: { name: 'approved' } } },
      path: at('9-wait-EXTERNAL_EVENT', 'timeoutSeconds'),
    },
  ],
};

const ALL_CODES = Object.keys(CASES) as ProblemCode[];
const flat = Object.entries(CASES).flatMap(([code, cases]) => cases.map((c) => ({ ...c, code: code as ProblemCode })));

/** Every problem is a path of keys and indexes, a known code and a sentence. */
function expectWellFormed(problems: readonly Problem[]): void {
  for (const problem of problems) {
    expect(problem.path.every((part) => typeof part === 'string' || typeof part === 'number'), formatPath(problem.path)).toBe(true);
    expect(ALL_CODES).toContain(problem.code);
    expect(problem.message).toMatch(/^\S.*\.$/s);
  }
}

describe('validateWfSpec', () => {
  it('quotes a name it refuses, and gives the type of what is no name at all', () => {
    const spec = twoTaskSpec();
    expect(validateWfSpec({ ...spec, name: 'v_bad_name' }, catalog).find((p) => p.code === 'INVALID_NAME')?.message).toMatch(/^WfSpec name "v_bad_name" must be/);
    expect(validateWfSpec({ ...spec, name: 42 as never }, catalog).find((p) => p.code === 'INVALID_NAME')?.message).toMatch(/^WfSpec name 42 \(INT\) must be/);
  });

  it('refuses a secret where it would show, naming the node, the field and the way out, and takes it once unmasked', () => {
    const refused = validateWfSpec(withSecrets(userTask({ userId: v('token') })), catalog);
    expect(refused.map((p) => p.message)).toEqual([
      "The user id of USER_TASK '9-review-USER_TASK' is made from masked variable 'token', but a UserTaskRun's user id is matched as it is, to let people act on it, and shown to whoever may read it: it cannot stay masked. Assign the value to a variable that is not masked first if it may show.",
    ]);
    expect(isLaterCheck(refused[0]!)).toBe(true);
    // The spec says it shows: a variable that is not masked, assigned the secret on an edge.
    const shown = withSecrets(userTask({ userId: v('greeting') }));
    shown.threadSpecs.entrypoint.nodes[ENTRY].outgoingEdges[0].variableMutations = [{ lhsName: 'greeting', operation: 'ASSIGN', rhs: v('token') }];
    expect(validateWfSpec(shown, catalog)).toEqual([]);
  });

  it('finds no problem in a valid two-task WfSpec', () => {
    expect(validateWfSpec(twoTaskSpec(), catalog)).toEqual([]);
  });

  it('suggests a cast where LittleHorse needs one written, and accepts the assignment with it', () => {
    const assigning = (rhs: unknown) => edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations = [{ lhsName: 'length', operation: 'ASSIGN', rhs }]));
    expect(validateWfSpec(assigning(v('name')), catalog)).toEqual([
      expect.objectContaining({ code: 'TYPE_MISMATCH', message: "STR variable 'name' cannot be given to variable 'length', a INT without a cast (targetType INT)." }),
    ]);
    expect(validateWfSpec(assigning(cast(v('name'), 'INT')), catalog)).toEqual([]);
    expect(validateWfSpec(assigning({ type: 'NODE_OUTPUT', targetType: 'INT' }), catalog)).toEqual([]);
  });

  it('finds no problem in format strings, casts and expressions that fit', () => {
    const spec = edit((_, n) => {
      n[GREET].inputs = [format('{0} is {1} ({2})', v('name'), expr(v('length'), 'MULTIPLY', lit(2.5)), cast(v('length'), 'STR'))];
      n[GREET].outgoingEdges[0].variableMutations = [{ lhsName: 'length', operation: 'ASSIGN', rhs: expr(cast(v('name'), 'INT'), 'ADD', lit(1)) }];
    });
    expect(validateWfSpec(spec, catalog)).toEqual([]);
  });

  it('takes a STR variable cast to INT as the thread a WAIT_FOR_THREADS waits for', () => {
    expect(validateWfSpec(between('9-wait-WAIT_FOR_THREADS', { type: 'WAIT_FOR_THREADS', threads: [cast(v('name'), 'INT')] }), catalog)).toEqual([]);
  });

  it('finds no problem in a valid WfSpec that uses every node kind', () => {
    const full: VersionedWfSpec = {
      name: 'everything',
      majorVersion: 0,
      revision: 0,
      entrypointThreadName: 'main',
      threadSpecs: {
        main: {
          variableDefs: [
            { name: 'n', type: 'INT', defaultValue: 0 },
            { name: 'ratio', type: 'DOUBLE' },
            { name: 'kid', type: 'INT' },
            { name: 'kids', type: 'JSON_ARR', defaultValue: [] },
            { name: 'doc', type: 'JSON_OBJ', defaultValue: {} },
            { name: 'text', type: 'STR' },
            { name: 'shipment', type: 'STR' },
          ],
          nodes: {
            start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'one' }] },
            one: {
              type: 'START_THREAD',
              threadSpecName: 'child',
              variables: { m: { type: 'VARIABLE', variableName: 'n' } },
              outgoingEdges: [{ sinkNodeName: 'many', variableMutations: [{ lhsName: 'kid', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
            },
            many: {
              type: 'START_MULTIPLE_THREADS',
              threadSpecName: 'item',
              iterable: { type: 'LITERAL', value: [1, 2] },
              outgoingEdges: [{ sinkNodeName: 'wait', variableMutations: [{ lhsName: 'kids', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
            },
            wait: {
              type: 'WAIT_FOR_THREADS',
              threads: [{ type: 'VARIABLE', variableName: 'kid' }, { type: 'VARIABLE', variableName: 'kids' }],
              failureHandlers: [{ handlerSpecName: 'handler', anyFailureOfType: 'FAILURE_TYPE_EXCEPTION' }],
              outgoingEdges: [{ sinkNodeName: 'nap' }],
            },
            nap: { type: 'SLEEP', rawSeconds: { type: 'LITERAL', value: 5 }, outgoingEdges: [{ sinkNodeName: 'event' }] },
            event: {
              type: 'EXTERNAL_EVENT',
              externalEventDefName: 'approved',
              timeoutSeconds: { type: 'LITERAL', value: 60 },
              outgoingEdges: [{ sinkNodeName: 'task', variableMutations: [{ lhsName: 'doc', lhsJsonPath: '$.approval', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
            },
            task: {
              type: 'TASK',
              taskDefName: 'greet',
              inputs: [{ type: 'VARIABLE', variableName: 'doc', jsonPath: '$.approval.by' }],
              retries: 2,
              exponentialBackoff: { baseIntervalMs: 100, multiplier: 2, maxDelayMs: 1000 },
              failureHandlers: [{ handlerSpecName: 'handler', specificFailure: 'card-declined' }, { handlerSpecName: 'handler', anyFailureOfType: 'FAILURE_TYPE_ERROR' }],
              outgoingEdges: [{ sinkNodeName: 'shout', variableMutations: [{ lhsName: 'text', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }, { lhsName: 'ratio', operation: 'ASSIGN', rhs: { type: 'VARIABLE', variableName: 'n' } }] }],
            },
            shout: { type: 'THROW_EVENT', workflowEventDefName: 'greeted', content: { type: 'VARIABLE', variableName: 'text' }, outgoingEdges: [{ sinkNodeName: 'until' }] },
            until: { type: 'WAIT_FOR_CONDITION', condition: { comparator: 'GREATER_THAN_EQ', left: { type: 'VARIABLE', variableName: 'n' }, right: { type: 'LITERAL', value: 0 } }, outgoingEdges: [{ sinkNodeName: 'ship' }] },
            ship: {
              type: 'RUN_CHILD_WF',
              wfSpecName: 'shipping',
              majorVersion: 1,
              inputs: { order: { type: 'VARIABLE', variableName: 'text' }, rush: { type: 'LITERAL', value: true } },
              outgoingEdges: [{ sinkNodeName: 'shipped', variableMutations: [{ lhsName: 'shipment', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
            },
            shipped: {
              type: 'WAIT_FOR_CHILD_WF',
              childWfRunId: { type: 'VARIABLE', variableName: 'shipment' },
              failureHandlers: [{ handlerSpecName: 'handler', specificFailure: 'CHILD_FAILURE' }],
              outgoingEdges: [{ sinkNodeName: 'review', variableMutations: [{ lhsName: 'doc', lhsJsonPath: '$.shipping', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
            },
            review: {
              type: 'USER_TASK',
              userTaskDefName: 'approve',
              userTaskDefVersion: 1,
              userId: { type: 'VARIABLE', variableName: 'text' },
              userGroup: { type: 'LITERAL', value: 'finance' },
              notes: { type: 'LITERAL', value: 'Please look at this.' },
              onCancellationExceptionName: 'review-cancelled',
              actions: [
                { hook: 'ON_TASK_ASSIGNED', delaySeconds: { type: 'VARIABLE', variableName: 'n' }, action: { type: 'REASSIGN', userGroup: { type: 'LITERAL', value: 'finance' } } },
                { hook: 'ON_ARRIVAL', delaySeconds: { type: 'LITERAL', value: 86_400 }, action: { type: 'CANCEL' } },
              ],
              failureHandlers: [{ handlerSpecName: 'handler', specificFailure: 'review-cancelled' }],
              outgoingEdges: [{ sinkNodeName: 'split', variableMutations: [{ lhsName: 'doc', lhsJsonPath: '$.review', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT', jsonPath: '$.ok' } }] }],
            },
            split: {
              type: 'NOP',
              outgoingEdges: [
                { sinkNodeName: 'fail', condition: { comparator: 'IN', left: { type: 'LITERAL', value: 'no' }, right: { type: 'VARIABLE', variableName: 'text' } } },
                { sinkNodeName: 'end' },
              ],
            },
            fail: { type: 'EXIT', failureDef: { failureName: 'refused', message: 'They said no.', content: { type: 'VARIABLE', variableName: 'doc' } } },
            end: { type: 'EXIT', returnContent: { type: 'VARIABLE', variableName: 'doc' } },
          } satisfies Record<string, Node>,
        },
        child: { variableDefs: [{ name: 'm', type: 'INT', required: true }], nodes: tinyThread().nodes as Record<string, Node> },
        item: { variableDefs: [{ name: 'INPUT', type: 'INT' }], nodes: tinyThread().nodes as Record<string, Node> },
        handler: { nodes: tinyThread().nodes as Record<string, Node> },
      },
    };
    expect(validateWfSpec(full, { ...withShipping, ...withForms, externalEventDefs: { approved: { name: 'approved' } }, workflowEventDefs: { greeted: { name: 'greeted' } } })).toEqual([]);
  });

  it('checks the WfSpec a RUN_CHILD_WF runs only against a catalog that lists WfSpecs', () => {
    const spec = runningChild({ wfSpecName: 'billing', inputs: { anything: lit(1) } });
    expect(validateWfSpec(spec, catalog)).toEqual([]);
    expect(validateWfSpec(spec, withShipping).map((p) => p.code)).toEqual(['UNKNOWN_WF_SPEC']);
  });

  it('survives a catalog whose WfSpec entries are malformed', () => {
    const spec = runningChild({ inputs: { order: lit('o-1') } });
    for (const entry of [null, 'shipping', { name: 'shipping', majorVersion: 1, variableDefs: 'order' }, { name: 'shipping', variableDefs: [null, 5] }]) {
      expect(() => validateWfSpec(spec, { ...catalog, wfSpecs: { shipping: entry as never } })).not.toThrow();
    }
  });

  it('checks the inputs of a RUN_CHILD_WF pinned to an older major version only at run time', () => {
    expect(validateWfSpec(runningChild({ majorVersion: 0, inputs: { colour: lit('red') } }), withShipping)).toEqual([]);
  });

  // LittleHorse: handleError(node, TASK_ERROR) and handleException(node, name) catch by name; the engine's own
  // aliases (VAR_ERROR, TASK_ERROR) and a worker's exception names (any text) must be nameable here.
  it.each(['TASK_ERROR', 'VAR_SUB_ERROR', 'TIMEOUT', 'out_of_stock'])('accepts a failure handler for the failure named %j', (name) => {
    expect(validateWfSpec(handling({ handlerSpecName: 'handler', specificFailure: name }), catalog)).toEqual([]);
  });

  it.each(flat)('reports $code at its path when $when', ({ spec, code, path, also = [], catalog: c = catalog }) => {
    const problems = validateWfSpec(spec, c);
    expect(problems).toContainEqual({ code, path, message: expect.any(String) });
    expect(problems.map((p) => p.code).sort()).toEqual([code, ...also].sort());
    expectWellFormed(problems);
  });

  it('reports an unregistered TaskDef at the exact path, naming it', () => {
    const problems = validateWfSpec(edit((_, n) => (n[GREET].taskDefName = 'charge-card')), catalog);
    expect(problems).toEqual([
      { path: ['threadSpecs', 'entrypoint', 'nodes', '1-greet-TASK', 'taskDefName'], code: 'UNKNOWN_TASK_DEF', message: expect.stringContaining('charge-card') },
    ]);
  });

  it('reports an edge to a missing node at the exact path, naming it', () => {
    const problems = validateWfSpec(edit((_, n) => (n[ENTRY].outgoingEdges = [{ sinkNodeName: '9-nowhere', condition: cond }, { sinkNodeName: GREET }])), catalog);
    expect(problems).toEqual([
      { path: ['threadSpecs', 'entrypoint', 'nodes', '0-entrypoint-ENTRYPOINT', 'outgoingEdges', 0, 'sinkNodeName'], code: 'MISSING_NODE', message: expect.stringContaining('9-nowhere') },
    ]);
  });

  it('reports every problem at once, not just the first', () => {
    const spec = edit((s, n) => {
      s.name = 'bad name';
      n[GREET].taskDefName = 'charge-card';
      n[COUNT].inputs = [v('nobody')];
      n['9-orphan-EXIT'] = { type: 'EXIT' };
    });
    expect(validateWfSpec(spec, catalog).map((p) => p.code).sort()).toEqual(['INVALID_NAME', 'UNKNOWN_TASK_DEF', 'UNKNOWN_VARIABLE', 'UNREACHABLE_NODE'].sort());
  });

  describe('on malformed input', () => {
    const malformed: [string, unknown][] = [
      ['null', null],
      ['undefined', undefined],
      ['a number', 42],
      ['a string', 'spec'],
      ['a boolean', true],
      ['an empty list', []],
      ['a list of specs', [twoTaskSpec()]],
      ['an empty object', {}],
      ['threadSpecs null', { name: 'w', entrypointThreadName: 'entrypoint', threadSpecs: null }],
      ['threadSpecs a list', { name: 'w', entrypointThreadName: 'entrypoint', threadSpecs: [tinyThread()] }],
      ['threadSpecs a string', { name: 'w', entrypointThreadName: 'entrypoint', threadSpecs: 'entrypoint' }],
      ['a ThreadSpec that is null', { name: 'w', entrypointThreadName: 'entrypoint', threadSpecs: { entrypoint: null } }],
      ['a ThreadSpec that is a number', { name: 'w', entrypointThreadName: 'entrypoint', threadSpecs: { entrypoint: 5 } }],
      ['a ThreadSpec that is a list', { name: 'w', entrypointThreadName: 'entrypoint', threadSpecs: { entrypoint: [] } }],
      ['entrypointThreadName a number', edit((s) => (s.entrypointThreadName = 0))],
      ['name null', edit((s) => (s.name = null))],
      ['nodes a string', edit((s) => (s.threadSpecs.entrypoint.nodes = 'ENTRYPOINT'))],
      ['nodes a list', edit((s) => (s.threadSpecs.entrypoint.nodes = [{ type: 'ENTRYPOINT' }]))],
      ['nodes that are strings', edit((s) => (s.threadSpecs.entrypoint.nodes = { a: 'ENTRYPOINT', b: 'EXIT' }))],
      ['nodes that are null, numbers and lists', edit((_, n) => Object.assign(n, { x: null, y: 5, z: [] }))],
      ['a node type that is a number', edit((_, n) => (n[GREET].type = 5))],
      ['outgoingEdges a string', edit((_, n) => (n[ENTRY].outgoingEdges = GREET))],
      ['edges that are not objects', edit((_, n) => (n[ENTRY].outgoingEdges = [1, null, 'x', [], { sinkNodeName: GREET }]))],
      ['a sinkNodeName that is a number', edit((_, n) => (n[ENTRY].outgoingEdges = [{ sinkNodeName: 1 }]))],
      ['variableDefs a string', edit((s) => (s.threadSpecs.entrypoint.variableDefs = 'name'))],
      ['variableDefs that are not objects', edit((s) => s.threadSpecs.entrypoint.variableDefs.push(null, 5, 'x', [], { name: 5 }, { name: 'a', type: 5 }))],
      ['variableMutations an object', edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations = { lhsName: 'greeting' }))],
      ['variableMutations a string', edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations = 'greeting'))],
      ['mutations that are null and numbers', edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations = [null, 5]))],
      ['a mutation with a null rhs', edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations[0].rhs = null))],
      ['a mutation with a numeric lhsName', edit((_, n) => (n[GREET].outgoingEdges[0].variableMutations[0].lhsName = 5))],
      ['a condition that is a number', edit((_, n) => (n[ENTRY].outgoingEdges = [{ sinkNodeName: GREET, condition: 5 }]))],
      ['a condition without sides', edit((_, n) => (n[ENTRY].outgoingEdges = [{ sinkNodeName: GREET, condition: { comparator: 'EQUALS' } }]))],
      ['inputs an object', edit((_, n) => (n[GREET].inputs = { name: v('name') }))],
      ['inputs a string', edit((_, n) => (n[GREET].inputs = 'name'))],
      ['inputs that are null and numbers', edit((_, n) => (n[GREET].inputs = [null]))],
      ['a variable input with a numeric name', edit((_, n) => (n[GREET].inputs = [{ type: 'VARIABLE', variableName: 7 }]))],
      ['a taskDefName that is a number', edit((_, n) => (n[GREET].taskDefName = 1))],
      ['failureHandlers a string', edit((_, n) => (n[GREET].failureHandlers = 'handler'))],
      ['failureHandlers that are null', edit((_, n) => (n[GREET].failureHandlers = [null]))],
      ['a failureDef that is a number', edit((_, n) => (n[EXIT].failureDef = 5))],
      ['retries a string', edit((_, n) => (n[GREET].retries = 'twice'))],
      ['exponentialBackoff a list', edit((_, n) => (n[GREET].exponentialBackoff = []))],
      ['exponentialBackoff with strings', edit((_, n) => (n[GREET].exponentialBackoff = { baseIntervalMs: '1', multiplier: '2', maxDelayMs: '3' }))],
      ['WAIT_FOR_THREADS threads a string', between('9-w-WAIT_FOR_THREADS', { type: 'WAIT_FOR_THREADS', threads: 'all' })],
      ['WAIT_FOR_THREADS threads that are null', between('9-w-WAIT_FOR_THREADS', { type: 'WAIT_FOR_THREADS', threads: [null] })],
      ['a SLEEP with a bare number', between('9-s-SLEEP', { type: 'SLEEP', rawSeconds: 5 })],
      ['a SLEEP with neither field', between('9-s-SLEEP', { type: 'SLEEP' })],
      ['a WAIT_FOR_CONDITION without a condition', between('9-c-WAIT_FOR_CONDITION', { type: 'WAIT_FOR_CONDITION', condition: null })],
      ['an EXTERNAL_EVENT with a numeric def name', between('9-e-EXTERNAL_EVENT', { type: 'EXTERNAL_EVENT', externalEventDefName: 5 })],
      ['a START_THREAD with a numeric thread name', between('9-t-START_THREAD', { type: 'START_THREAD', threadSpecName: 5 })],
      ['a START_THREAD with variables a string', spawning([], { variables: 'k' })],
      ['a START_THREAD with variables a string, to a child with a required variable', spawning([{ name: 'k', type: 'INT', required: true }], { variables: 'k' })],
      ['a START_THREAD to a child whose variableDefs is an object', spawning({} as never)],
      ['a START_THREAD to a child whose variableDefs hold null', spawning([null])],
      [
        'a START_MULTIPLE_THREADS to a child whose variableDefs is an object',
        (() => {
          const spec = between('9-m-START_MULTIPLE_THREADS', { type: 'START_MULTIPLE_THREADS', threadSpecName: 'child', iterable: lit([]) });
          spec.threadSpecs.child = tinyThread({} as never);
          return spec;
        })(),
      ],
      ['a RUN_CHILD_WF with a numeric WfSpec name', runningChild({ wfSpecName: 5 })],
      ['a RUN_CHILD_WF with a string for a major version', runningChild({ majorVersion: '1' })],
      ['a RUN_CHILD_WF with inputs a string', runningChild({ inputs: 'order' })],
      ['a RUN_CHILD_WF with inputs that are null', runningChild({ inputs: { order: null } })],
      ['a WAIT_FOR_CHILD_WF with a bare string', waitingChild('p_0-1')],
      ['an EXIT whose returnContent is a number', edit((_, n) => (n[EXIT].returnContent = 5))],
      ['a START_MULTIPLE_THREADS without an iterable', between('9-m-START_MULTIPLE_THREADS', { type: 'START_MULTIPLE_THREADS', threadSpecName: 'entrypoint' })],
      ['a USER_TASK with nothing but its type', between(REVIEW, { type: 'USER_TASK' })],
      ['a USER_TASK with a numeric def name and null sources', userTask({ userTaskDefName: 5, userId: null, userGroup: null, notes: null })],
      ['a USER_TASK with a string version', userTask({ userTaskDefVersion: '2' })],
      ['user task actions that are null, numbers and lists', userTask({ actions: [null, 5, []] })],
      ['a user task action with a null action and delay', userTask({ actions: [{ hook: 'ON_ARRIVAL', delaySeconds: null, action: null }] })],
      ['a REASSIGN action with null users', userTask({ actions: [action({ action: { type: 'REASSIGN', userId: null, userGroup: 5 } })] })],
      ['an onCancellationExceptionName that is a number', userTask({ onCancellationExceptionName: 5 })],
    ];

    it.each(malformed)('never throws, and reports well-formed problems, for %s', (_, spec) => {
      let problems: Problem[] = [];
      expect(() => (problems = validateWfSpec(spec, catalog))).not.toThrow();
      expect(problems.length).toBeGreaterThan(0);
      expectWellFormed(problems);
    });
  });

  describe('with names that objects inherit (constructor, toString, __proto__)', () => {
    it.each(['constructor', 'toString', '__proto__'])('reports a TASK running TaskDef %j as UNKNOWN_TASK_DEF', (name) => {
      const problems = validateWfSpec(edit((_, n) => (n[GREET].taskDefName = name)), catalog);
      expect(problems).toEqual([{ path: at(GREET, 'taskDefName'), code: 'UNKNOWN_TASK_DEF', message: expect.any(String) }]);
    });

    it.each(['constructor', 'toString'])('reports an edge to node %j, which the thread lacks, as MISSING_NODE', (name) => {
      const problems = validateWfSpec(edit((_, n) => (n[ENTRY].outgoingEdges = [{ sinkNodeName: name, condition: cond }, { sinkNodeName: GREET }])), catalog);
      expect(problems).toEqual([{ path: at(ENTRY, 'outgoingEdges', 0, 'sinkNodeName'), code: 'MISSING_NODE', message: expect.any(String) }]);
    });

    it('reports a START_THREAD of thread "constructor", which the WfSpec lacks, as MISSING_THREAD', () => {
      const problems = validateWfSpec(spawning([], { threadSpecName: 'constructor' }), catalog);
      expect(problems.map((p) => [p.code, p.path])).toContainEqual(['MISSING_THREAD', at('9-spawn-START_THREAD', 'threadSpecName')]);
    });

    it('reports an EXTERNAL_EVENT waiting for def "toString" as UNKNOWN_EXTERNAL_EVENT_DEF', () => {
      const spec = between('9-e-EXTERNAL_EVENT', { type: 'EXTERNAL_EVENT', externalEventDefName: 'toString' });
      const problems = validateWfSpec(spec, { ...catalog, externalEventDefs: {} });
      expect(problems).toEqual([{ path: at('9-e-EXTERNAL_EVENT', 'externalEventDefName'), code: 'UNKNOWN_EXTERNAL_EVENT_DEF', message: expect.any(String) }]);
    });

    it('either rejects a variable named __proto__ or lets a WfRun hold it like any other', () => {
      const spec = edit((s, n) => {
        s.threadSpecs.entrypoint.variableDefs = [{ name: '__proto__', type: 'INT', defaultValue: 3 }];
        n[ENTRY].outgoingEdges = [{ sinkNodeName: EXIT, variableMutations: [{ lhsName: '__proto__', operation: 'ADD', rhs: lit(1) }] }];
      });
      const problems = validateWfSpec(spec, catalog);
      const run = step(undefined, { type: 'RunWf', wfRunId: 'r' }, testContext(0, { wfSpec: spec }));
      const variables = run.ok ? run.state.threadRuns[0]?.variables : undefined;
      const held = run.ok && run.state.status === 'COMPLETED' && variables !== undefined && Object.hasOwn(variables, '__proto__') && variables['__proto__'] === 4;
      const refused = problems.some((p) => p.code === 'INVALID_NAME');
      expect(refused || held, `no problem, yet the WfRun ended ${JSON.stringify(run.ok ? run.state.failure : run.rejection)}`).toBe(true);
    });
  });
});

describe('validateTaskDef', () => {
  const valid = { name: 'greet', inputVars: [{ name: 'name', type: 'STR' }, { name: 'times', type: 'INT' }], returnType: 'STR' };

  it('finds no problem in a valid TaskDef', () => {
    expect(validateTaskDef(valid)).toEqual([]);
  });

  it('accepts a TaskDef with no inputs and no return type', () => {
    expect(validateTaskDef({ name: 'ping', inputVars: [] })).toEqual([]);
  });

  it.each<[string, unknown, [string, ProblemCode][]]>([
    ['is null', null, [['', 'MISSING_FIELD']]],
    ['is a list', [valid], [['', 'MISSING_FIELD']]],
    ['is a string', 'greet', [['', 'MISSING_FIELD']]],
    ['has a name with an underscore', { ...valid, name: 'say_hi' }, [['name', 'INVALID_NAME']]],
    ['has no name', { inputVars: [] }, [['name', 'INVALID_NAME']]],
    ['has no inputVars', { name: 'greet' }, [['inputVars', 'MISSING_FIELD']]],
    ['has inputVars that are not a list', { name: 'greet', inputVars: { name: 'STR' } }, [['inputVars', 'MISSING_FIELD']]],
    ['has an input whose name starts with a digit', { name: 'greet', inputVars: [{ name: '1st', type: 'STR' }] }, [['inputVars[0].name', 'INVALID_NAME']]],
    ['has an input that is null', { name: 'greet', inputVars: [null] }, [['inputVars[0].name', 'INVALID_NAME']]],
    ['has an input declared twice', { name: 'greet', inputVars: [{ name: 'a', type: 'STR' }, { name: 'a', type: 'INT' }] }, [['inputVars[1].name', 'DUPLICATE_VARIABLE']]],
    ['has an input of an unknown type', { name: 'greet', inputVars: [{ name: 'a', type: 'TEXT' }] }, [['inputVars[0].type', 'INVALID_TYPE']]],
    ['has an unknown return type', { ...valid, returnType: 'VOID' }, [['returnType', 'INVALID_TYPE']]],
    ['says its output is masked with something other than true or false', { ...valid, maskedOutput: 'yes' }, [['maskedOutput', 'TYPE_MISMATCH']]],
  ])('reports a TaskDef that %s', (_, def, expected) => {
    const problems = validateTaskDef(def);
    expect(problems.map((p) => [formatPath(p.path), p.code])).toEqual(expected);
    for (const problem of problems) expect(problem.message).toMatch(/^\S.*\.$/);
  });
});

describe('validateUserTaskDef', () => {
  const valid = {
    name: 'approve-expense',
    version: 0,
    description: 'A manager approves an expense.',
    fields: [
      { name: 'approved', type: 'BOOL', required: true, displayName: 'Approved?' },
      { name: 'comment', type: 'STR', description: 'Why.' },
      { name: 'amount', type: 'DOUBLE' },
      { name: 'items', type: 'INT' },
    ],
  };

  it('finds no problem in a valid UserTaskDef, nor in one without fields', () => {
    expect(validateUserTaskDef(valid)).toEqual([]);
    expect(validateUserTaskDef({ name: 'acknowledge', version: 3, fields: [] })).toEqual([]);
  });

  it.each<[string, unknown, [string, ProblemCode][]]>([
    ['is null', null, [['', 'MISSING_FIELD']]],
    ['is a list', [valid], [['', 'MISSING_FIELD']]],
    ['has a name with an underscore', { ...valid, name: 'approve_expense' }, [['name', 'INVALID_NAME']]],
    ['has no version', { name: 'a', fields: [] }, [['version', 'OUT_OF_RANGE']]],
    ['has a negative version', { ...valid, version: -1 }, [['version', 'OUT_OF_RANGE']]],
    ['has a fractional version', { ...valid, version: 1.5 }, [['version', 'OUT_OF_RANGE']]],
    ['has a description that is not text', { ...valid, description: 5 }, [['description', 'MISSING_FIELD']]],
    ['has no fields', { name: 'a', version: 0 }, [['fields', 'MISSING_FIELD']]],
    ['has fields that are an object', { ...valid, fields: { approved: 'BOOL' } }, [['fields', 'MISSING_FIELD']]],
    ['has a field that is null', { ...valid, fields: [null] }, [['fields[0].name', 'INVALID_NAME']]],
    ['has a field whose name starts with a digit', { ...valid, fields: [{ name: '1st', type: 'STR' }] }, [['fields[0].name', 'INVALID_NAME']]],
    // A field name is shown whole in the console's list: 100,000 letters drew a page too wide to capture.
    ['has a field name longer than 128', { ...valid, fields: [{ name: 'a'.repeat(129), type: 'STR' }] }, [['fields[0].name', 'INVALID_NAME']]],
    ['has a field declared twice', { ...valid, fields: [{ name: 'a', type: 'STR' }, { name: 'a', type: 'INT' }] }, [['fields[1].name', 'DUPLICATE_VARIABLE']]],
    ['has a field of an unknown type', { ...valid, fields: [{ name: 'a', type: 'TEXT' }] }, [['fields[0].type', 'INVALID_TYPE']]],
    ['has a JSON_OBJ field, which LittleHorse does not allow', { ...valid, fields: [{ name: 'a', type: 'JSON_OBJ' }] }, [['fields[0].type', 'INVALID_TYPE']]],
    ['has a field whose displayName is a number', { ...valid, fields: [{ name: 'a', type: 'STR', displayName: 1 }] }, [['fields[0].displayName', 'MISSING_FIELD']]],
    ['has a field whose required is a string', { ...valid, fields: [{ name: 'a', type: 'STR', required: 'yes' }] }, [['fields[0].required', 'MISSING_FIELD']]],
  ])('reports a UserTaskDef that %s', (_, def, expected) => {
    const problems = validateUserTaskDef(def);
    expect(problems.map((p) => [formatPath(p.path), p.code])).toEqual(expected);
    for (const problem of problems) expect(problem.message).toMatch(/^\S.*\.$/);
  });
});

describe('formatPath', () => {
  it.each<[SpecPath, string]>([
    [[], ''],
    [['name'], 'name'],
    [['variables', 'name'], 'variables.name'],
    [['threadSpecs', 'entrypoint', 'nodes', '1-greet-TASK', 'inputs', 0], 'threadSpecs.entrypoint.nodes["1-greet-TASK"].inputs[0]'],
    [[0, 'a'], '[0].a'],
    [['a', 0, 1], 'a[0][1]'],
    [['first key'], '["first key"]'],
    [['say "hi"'], '["say \\"hi\\""]'],
    [['a', '$b', '_c'], 'a.$b._c'],
    [['a', '1'], 'a["1"]'],
  ])('renders %j as %s', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});

describe('isValidWfRunId', () => {
  it.each(['run-1', 'abc_0-3', 'abc_0-3_1-12'])('accepts %j (a WfRun, or a child WfRun named after its parent)', (id) => {
    expect(isValidWfRunId(id)).toBe(true);
  });
  it.each(['', 'a_b', '_0-1', 'abc_0-', 'abc_x-1', 'a b', 7])('refuses %j', (id) => {
    expect(isValidWfRunId(id)).toBe(false);
  });
});
