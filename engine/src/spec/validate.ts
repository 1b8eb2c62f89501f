import { spinningLoops } from './analyze.ts';
import { hasOwn, own } from './own.ts';
import { aType, describeName, describeValue, isAssignable, isValueOfType, isVariableType, isJsonObject, typeOfValue } from '../values/value.ts';
import type { JsonValue, VariableType } from '../values/value.ts';
import { isValidFailureName, isValidName, isValidVariableName, NAME_RULE, VARIABLE_NAME_RULE } from './names.ts';
import type { Problem, ProblemCode, SpecPath } from './problem.ts';
import { isLegacyCondition, readsOf } from './reads.ts';
import type { Comparator } from '../values/compare.ts';
import { isErrorName } from '../run/failure.ts';
import { compare, COMPARATORS } from '../values/compare.ts';
import { parseIsoDate } from '../values/iso-date.ts';
import { parseJsonPath } from '../values/json-path.ts';
import { expressionType, MUTATION_TYPES, MUTATIONS_BY_TYPE } from '../values/mutate.ts';
import { canCast, castValue, needsCast } from '../values/cast.ts';
import { parseFormat } from '../values/format-string.ts';
import { NODE_TYPES } from './types.ts';
import type { Catalog, Edge, Node, TaskDef, ThreadSpec, ThreadVarDef, UserTaskActionTask, UserTaskDef, UserTaskNode, VariableAssignment, VariableMutation, WfSpec } from './types.ts';

/**
 * Returns every problem of `spec` against the TaskDefs in `catalog`, each with its path; an empty list means the
 * spec can be registered. Never throws, whatever `spec` holds, so it can run on every keystroke of an editor.
 */
export function validateWfSpec(spec: unknown, catalog: Catalog): Problem[] {
  const problems: Problem[] = [];
  const report = (path: SpecPath, code: ProblemCode, message: string) => problems.push({ path, code, message });

  if (!isJsonObject(spec)) {
    report([], 'MISSING_FIELD', 'A WfSpec must be a JSON object.');
    return problems;
  }
  const wf = spec as unknown as WfSpec;
  if (!isValidName(wf.name)) {
    report(['name'], 'INVALID_NAME', `WfSpec name ${describeName(wf.name)} must be ${NAME_RULE}.`);
  }
  if (!isJsonObject(wf.threadSpecs) || Object.keys(wf.threadSpecs).length === 0) {
    report(['threadSpecs'], 'MISSING_FIELD', 'A WfSpec needs at least one ThreadSpec in threadSpecs.');
    return problems;
  }
  if (typeof wf.entrypointThreadName !== 'string' || !hasOwn(wf.threadSpecs, wf.entrypointThreadName)) {
    report(
      ['entrypointThreadName'],
      'MISSING_THREAD',
      `entrypointThreadName ${describeName(wf.entrypointThreadName)} names no ThreadSpec in threadSpecs.`,
    );
  }

  const variables = collectVariables(wf, report);
  for (const [threadName, thread] of Object.entries(wf.threadSpecs)) {
    validateThread(['threadSpecs', threadName], thread, variables, catalog, report, wf);
  }
  const started = new Set([wf.entrypointThreadName]);
  for (const thread of Object.values(wf.threadSpecs)) {
    const nodes = isJsonObject(thread) && isJsonObject((thread as unknown as ThreadSpec).nodes) ? Object.values((thread as unknown as ThreadSpec).nodes) : [];
    for (const node of nodes) {
      if (!isJsonObject(node)) continue;
      if (node.type === 'START_THREAD' || node.type === 'START_MULTIPLE_THREADS') started.add(node.threadSpecName);
      const perThread = node.type === 'WAIT_FOR_THREADS' && Array.isArray(node.perThreadFailureHandlers) ? node.perThreadFailureHandlers : [];
      for (const handler of [...(Array.isArray(node.failureHandlers) ? node.failureHandlers : []), ...perThread]) {
        if (isJsonObject(handler) && typeof handler.handlerSpecName === 'string') started.add(handler.handlerSpecName);
      }
    }
    const interruptDefs = isJsonObject(thread) ? (thread as unknown as ThreadSpec).interruptDefs : undefined;
    for (const interrupt of Array.isArray(interruptDefs) ? interruptDefs : []) {
      if (isJsonObject(interrupt) && typeof interrupt.handlerSpecName === 'string') started.add(interrupt.handlerSpecName);
    }
  }
  validateInterrupts(wf, catalog, report);
  // Only on a spec whose structure is sound: the loops are read from its edges.
  if (problems.length === 0) {
    for (const loop of spinningLoops(wf)) {
      report(
        ['threadSpecs', loop.thread, 'nodes', loop.entry],
        'LOOP_NEVER_WAITS',
        `The loop through ${loop.nodes.map((n) => `'${n}'`).join(', ')} has no way out and no node in it waits: a thread that enters it would go round until the engine gives up. Give it an edge out (to an EXIT, say).`,
      );
    }
  }
  for (const threadName of Object.keys(wf.threadSpecs)) {
    if (!started.has(threadName)) {
      report(['threadSpecs', threadName], 'THREAD_NEVER_STARTED', `ThreadSpec '${threadName}' is never started: no START_THREAD node, failure handler or interrupt names it.`);
    }
  }
  return problems;
}

/**
 * Whether a problem is one that validation came to report only later, about a spec the engine still runs (a
 * condition or mutation whose types never fit fails the node when reached; a masked variable's index serves nothing;
 * a loop that spins fails the command; a secret used where it shows is shown). A WfSpec registered before such a
 * check keeps such problems, and its WfRuns can still be replayed and forked.
 */
export function isLaterCheck(problem: Problem): boolean {
  const { code, path } = problem;
  if (code === 'LOOP_NEVER_WAITS' || code === 'MASKED_VALUE_SHOWN') return true;
  if (code === 'CONFLICTING_FIELDS') return path.at(-1) === 'searchable';
  if (code !== 'TYPE_MISMATCH') return false;
  return path.at(-1) === 'condition' || (path.at(-1) === 'rhs' && path.at(-3) === 'variableMutations');
}

type Report = (path: SpecPath, code: ProblemCode, message: string) => void;

/**
 * What an assignment may read: the WfSpec's variables by name (global, as in LittleHorse) and, inside a thread, that
 * thread's nodes, whose outputs a NODE_OUTPUT_REFERENCE names.
 */
type Scope = ReadonlyMap<string, ThreadVarDef> & { readonly thread?: ThreadScope | undefined };

/** The thread an assignment sits in: its nodes, the catalog their output types come from, and which reach which. */
interface ThreadScope {
  readonly nodes: Readonly<Record<string, Node>>;
  readonly catalog: Catalog;
  /** The nodes each node reaches by one or more edges, filled as asked for. */
  readonly reach: Map<string, Set<string>>;
}

/** Variable names are WfSpec-global in LittleHorse (no shadowing), so one table serves every thread. */
function collectVariables(wf: WfSpec, report: Report): Map<string, ThreadVarDef> {
  const variables = new Map<string, ThreadVarDef>();
  for (const [threadName, thread] of Object.entries(wf.threadSpecs)) {
    if (!isJsonObject(thread)) continue;
    const defs = (thread as ThreadSpec).variableDefs ?? [];
    if (!Array.isArray(defs)) {
      report(['threadSpecs', threadName, 'variableDefs'], 'MISSING_FIELD', 'variableDefs must be a list.');
      continue;
    }
    defs.forEach((def: ThreadVarDef, i: number) => {
      const path = ['threadSpecs', threadName, 'variableDefs', i];
      if (!isJsonObject(def) || !isValidVariableName(def.name)) {
        report([...path, 'name'], 'INVALID_NAME', `A variable name must ${VARIABLE_NAME_RULE}.`);
        return;
      }
      if (!isVariableType(def.type)) {
        report([...path, 'type'], 'INVALID_TYPE', `Variable '${def.name}' has unknown type ${describeValue(def.type as JsonValue)}.`);
        return;
      }
      // LittleHorse: INPUT is each handler's and each for-each child's own, so any number of threads may declare it.
      if (variables.has(def.name) && def.name !== 'INPUT') {
        report([...path, 'name'], 'DUPLICATE_VARIABLE', `Variable '${def.name}' is declared twice; names are unique in a WfSpec.`);
        return;
      }
      for (const flag of ['masked', 'searchable', 'required'] as const) {
        if (def[flag] !== undefined && typeof def[flag] !== 'boolean') report([...path, flag], 'TYPE_MISMATCH', `${flag} of '${def.name}' must be true or false.`);
      }
      // A search by a masked value is refused (it would tell the value), so the index would serve nothing.
      if (def.masked === true && def.searchable === true) {
        report([...path, 'searchable'], 'CONFLICTING_FIELDS', `Variable '${def.name}' is masked, so it cannot be searchable: WfRuns are never searched by a masked value.`);
      }
      if (def.defaultValue !== undefined && !isValueOfType(def.defaultValue, def.type)) {
        report(
          [...path, 'defaultValue'],
          'TYPE_MISMATCH',
          `Default value ${describeValue(def.defaultValue)} of '${def.name}' is not ${aType(def.type)}.`,
        );
      }
      if (!variables.has(def.name)) variables.set(def.name, def);
    });
  }
  return variables;
}

function validateThread(
  path: SpecPath,
  thread: unknown,
  variables: Scope,
  catalog: Catalog,
  report: Report,
  wf: WfSpec,
): void {
  const nodes = isJsonObject(thread) ? (thread as unknown as ThreadSpec).nodes : undefined;
  if (!isJsonObject(nodes)) {
    report([...path, 'nodes'], 'MISSING_FIELD', 'A ThreadSpec needs a nodes object keyed by node name.');
    return;
  }
  // A thread sees its own INPUT, whichever thread declared one first.
  const input = (thread as ThreadSpec).variableDefs;
  const ownInput = Array.isArray(input) ? input.find((d) => isJsonObject(d) && d.name === 'INPUT' && isVariableType(d.type)) : undefined;
  if (ownInput) variables = new Map(variables).set('INPUT', ownInput);
  variables = Object.assign(new Map(variables), { thread: { nodes, catalog, reach: new Map<string, Set<string>>() } });
  const entrypoints = Object.entries(nodes).filter(([, n]) => isJsonObject(n) && n.type === 'ENTRYPOINT');
  if (entrypoints.length !== 1) {
    report([...path, 'nodes'], 'ENTRYPOINT_COUNT', `A ThreadSpec needs exactly one ENTRYPOINT node; this one has ${entrypoints.length}.`);
  }

  for (const [name, node] of Object.entries(nodes)) {
    const nodePath = [...path, 'nodes', name];
    if (!isJsonObject(node) || !(NODE_TYPES as readonly string[]).includes(node.type as string)) {
      report([...nodePath, 'type'], 'UNKNOWN_NODE_TYPE', `Node '${name}' has unknown type; expected one of ${NODE_TYPES.join(', ')}.`);
      continue;
    }
    validateEdges(nodePath, name, node, nodes, variables, catalog, report);
    if (node.type === 'TASK') validateTaskNode(nodePath, name, node, variables, catalog, report);
    if (node.type === 'USER_TASK') validateUserTaskNode(nodePath, name, node, variables, catalog, report);
    if (node.type === 'EXIT' && node.failureDef !== undefined) validateFailureDef([...nodePath, 'failureDef'], name, node.failureDef, variables, report);
    if (node.type === 'EXIT' && node.returnContent !== undefined) {
      if (node.failureDef !== undefined) {
        report([...nodePath, 'returnContent'], 'CONFLICTING_FIELDS', `EXIT '${name}' either fails its thread (failureDef) or gives it an output (returnContent), not both.`);
      } else {
        checkAssignment([...nodePath, 'returnContent'], node.returnContent, undefined, `the output of '${name}'`, variables, report);
      }
    }
    if (node.type === 'RUN_CHILD_WF') validateRunChildWf(nodePath, name, node, variables, catalog, report);
    if (node.type === 'WAIT_FOR_CHILD_WF') {
      checkAssignment([...nodePath, 'childWfRunId'], node.childWfRunId, 'WF_RUN_ID', `the child WfRun '${name}' waits for`, variables, report);
      refuseSecret([...nodePath, 'childWfRunId'], node.childWfRunId, `the child WfRun '${name}' waits for`, 'a WfRun id is shown wherever the WfRun is', variables, report);
    }
    if (node.type === 'START_THREAD') validateStartThread(nodePath, name, node, variables, report, wf);
    if (node.type === 'START_MULTIPLE_THREADS') {
      validateStartThread(nodePath, name, { ...node, variables: { ...node.variables, ...(hasInput(wf, node.threadSpecName) ? { INPUT: node.iterable } : {}) } }, variables, report, wf, true);
      checkAssignment([...nodePath, 'iterable'], node.iterable, 'JSON_ARR', `the iterable of '${name}'`, variables, report);
    }
    if (node.type === 'WAIT_FOR_CONDITION') validateCondition([...nodePath, 'condition'], node.condition, variables, report);
    if (node.type === 'EXTERNAL_EVENT') {
      if (typeof node.externalEventDefName !== 'string' || !own(catalog.externalEventDefs, node.externalEventDefName)) {
        report([...nodePath, 'externalEventDefName'], 'UNKNOWN_EXTERNAL_EVENT_DEF', `EXTERNAL_EVENT '${name}' waits for ${describeName(node.externalEventDefName)}, which is not a registered ExternalEventDef.`);
      }
      if (node.timeoutSeconds) {
        checkAssignment([...nodePath, 'timeoutSeconds'], node.timeoutSeconds, 'INT', `the timeout of '${name}'`, variables, report);
        refuseSecret([...nodePath, 'timeoutSeconds'], node.timeoutSeconds, `the timeout of EXTERNAL_EVENT '${name}'`, 'it sets the time its timer fires at, shown on the WfRun', variables, report);
      }
      if (node.correlationKey !== undefined) {
        checkAssignment([...nodePath, 'correlationKey'], node.correlationKey, 'STR', `the correlation key of '${name}'`, variables, report);
        const def = typeof node.externalEventDefName === 'string' ? own(catalog.externalEventDefs, node.externalEventDefName) : undefined;
        if (def && !def.correlatedEventConfig) {
          report([...nodePath, 'correlationKey'], 'CORRELATION_NOT_ENABLED', `EXTERNAL_EVENT '${name}' correlates by key, but ExternalEventDef '${def.name}' has no correlatedEventConfig.`);
        }
      }
      if (node.maskCorrelationKey !== undefined && typeof node.maskCorrelationKey !== 'boolean') {
        report([...nodePath, 'maskCorrelationKey'], 'TYPE_MISMATCH', `maskCorrelationKey of '${name}' must be true or false.`);
      }
    }
    if (node.type === 'THROW_EVENT') {
      if (typeof node.workflowEventDefName !== 'string' || !own(catalog.workflowEventDefs, node.workflowEventDefName)) {
        report([...nodePath, 'workflowEventDefName'], 'UNKNOWN_WORKFLOW_EVENT_DEF', `THROW_EVENT '${name}' throws ${describeName(node.workflowEventDefName)}, which is not a registered WorkflowEventDef.`);
      }
      if (node.content) checkAssignment([...nodePath, 'content'], node.content, undefined, `the content '${name}' throws`, variables, report);
    }
    if (node.type === 'SLEEP') {
      const given = [node.rawSeconds, node.timestamp, node.isoDate].filter((v) => v !== undefined);
      if (given.length !== 1) report(nodePath, 'MISSING_FIELD', `SLEEP '${name}' needs exactly one of rawSeconds, timestamp and isoDate.`);
      const wakes = 'the time a SLEEP wakes at is its timer\'s, shown on its NodeRun';
      if (node.rawSeconds) {
        checkAssignment([...nodePath, 'rawSeconds'], node.rawSeconds, 'INT', `the seconds '${name}' sleeps`, variables, report);
        refuseSecret([...nodePath, 'rawSeconds'], node.rawSeconds, `the seconds SLEEP '${name}' sleeps`, wakes, variables, report);
      }
      if (node.timestamp) {
        checkAssignment([...nodePath, 'timestamp'], node.timestamp, 'TIMESTAMP', `the time '${name}' sleeps until`, variables, report);
        refuseSecret([...nodePath, 'timestamp'], node.timestamp, `the time SLEEP '${name}' sleeps until`, wakes, variables, report);
      }
      if (node.isoDate) {
        checkAssignment([...nodePath, 'isoDate'], node.isoDate, 'STR', `the date '${name}' sleeps until`, variables, report);
        refuseSecret([...nodePath, 'isoDate'], node.isoDate, `the date SLEEP '${name}' sleeps until`, wakes, variables, report);
        if (node.isoDate.type === 'LITERAL' && typeof node.isoDate.value === 'string' && parseIsoDate(node.isoDate.value) === undefined) {
          report([...nodePath, 'isoDate', 'value'], 'TYPE_MISMATCH', `SLEEP '${name}' sleeps until ${describeValue(node.isoDate.value)}, which is not an ISO-8601 date and time with an offset, such as 2026-12-24T18:00:00Z.`);
        }
      }
    }
    if (node.failureHandlers !== undefined) validateFailureHandlers([...nodePath, 'failureHandlers'], name, node.failureHandlers, report, wf);
    if (node.type === 'WAIT_FOR_THREADS') {
      if (node.perThreadFailureHandlers !== undefined) {
        validateFailureHandlers([...nodePath, 'perThreadFailureHandlers'], name, node.perThreadFailureHandlers, report, wf);
      }
      if (node.strategy !== undefined && !['WAIT_FOR_ALL', 'WAIT_FOR_FIRST', 'WAIT_FOR_ANY'].includes(node.strategy)) {
        report([...nodePath, 'strategy'], 'MISSING_FIELD', `strategy of '${name}' must be WAIT_FOR_ALL, WAIT_FOR_FIRST or WAIT_FOR_ANY.`);
      }
      if (!Array.isArray(node.threads) || node.threads.length === 0) {
        report([...nodePath, 'threads'], 'MISSING_FIELD', `WAIT_FOR_THREADS '${name}' needs a list of the threads it waits for.`);
      } else {
        node.threads.forEach((threads: VariableAssignment, i: number) => {
          // The type the value has once read and cast: a STR variable cast to INT is fine, a format string is not.
          const type = checkAssignment([...nodePath, 'threads', i], threads, undefined, `the threads '${name}' waits for`, variables, report);
          if (type !== undefined && type !== 'INT' && type !== 'JSON_ARR') {
            const what = isJsonObject(threads) && threads.type === 'VARIABLE' && threads.targetType === undefined ? `'${threads.variableName}'` : 'the value';
            report([...nodePath, 'threads', i], 'TYPE_MISMATCH', `WAIT_FOR_THREADS '${name}' needs INT or JSON_ARR thread numbers; ${what} is ${type}.`);
          }
        });
      }
    }
  }

  const entry = entrypoints[0]?.[0];
  if (entry !== undefined) {
    const reached = reachableFrom(entry, nodes);
    for (const name of Object.keys(nodes)) {
      if (!reached.has(name)) {
        report([...path, 'nodes', name], 'UNREACHABLE_NODE', `Node '${name}' cannot be reached from the ENTRYPOINT.`);
      }
    }
  }
}

function validateEdges(
  nodePath: SpecPath,
  name: string,
  node: Node,
  nodes: Readonly<Record<string, Node>>,
  variables: Scope,
  catalog: Catalog,
  report: Report,
): void {
  const edges = node.outgoingEdges ?? [];
  if (!Array.isArray(edges)) {
    report([...nodePath, 'outgoingEdges'], 'MISSING_FIELD', `outgoingEdges of '${name}' must be a list.`);
    return;
  }
  if (node.type === 'EXIT' && edges.length > 0) {
    report([...nodePath, 'outgoingEdges'], 'EXIT_HAS_EDGES', `EXIT node '${name}' ends its thread and may have no outgoing edges.`);
  }
  if (node.type !== 'EXIT' && edges.length === 0) {
    report([...nodePath, 'outgoingEdges'], 'NO_OUTGOING_EDGE', `Node '${name}' has no outgoing edge; every path must end at an EXIT node.`);
  }
  let unconditional: number | undefined;
  edges.forEach((edge: Edge, i: number) => {
    const edgePath = [...nodePath, 'outgoingEdges', i];
    const sink = isJsonObject(edge) ? edge.sinkNodeName : undefined;
    if (typeof sink !== 'string' || !hasOwn(nodes, sink)) {
      report([...edgePath, 'sinkNodeName'], 'MISSING_NODE', `Edge from '${name}' goes to ${describeValue(sink as JsonValue)}, which is not a node of this thread.`);
    } else if (sink === name) {
      report([...edgePath, 'sinkNodeName'], 'SELF_LOOP', `Edge from '${name}' goes back to itself.`);
    } else if (own(nodes, sink)?.type === 'ENTRYPOINT') {
      report([...edgePath, 'sinkNodeName'], 'EDGE_INTO_ENTRYPOINT', `Edge from '${name}' goes into the ENTRYPOINT '${sink}'.`);
    }
    if (!isJsonObject(edge)) return;
    if (unconditional !== undefined) {
      report(edgePath, 'UNREACHABLE_EDGE', `Edge ${i} from '${name}' can never be taken: edge ${unconditional} before it has no condition and is always taken.`);
    }
    if (edge.condition === undefined) unconditional ??= i;
    else validateCondition([...edgePath, 'condition'], edge.condition, variables, report);
    if (edge.variableMutations !== undefined && !Array.isArray(edge.variableMutations)) {
      report([...edgePath, 'variableMutations'], 'MISSING_FIELD', `variableMutations of an edge from '${name}' must be a list.`);
      return;
    }
    (edge.variableMutations ?? []).forEach((mutation, j) =>
      validateMutation([...edgePath, 'variableMutations', j], mutation, name, node, variables, catalog, report),
    );
  });
}

function validateCondition(path: SpecPath, condition: NonNullable<Edge['condition']>, variables: Scope, report: Report): void {
  if (!isJsonObject(condition)) {
    report(path, 'MISSING_FIELD', 'A condition must be an object: comparator, left and right, or a value that is a BOOL.');
    return;
  }
  if (!isLegacyCondition(condition)) {
    // A BOOL value (LittleHorse's condition): a type known to be another fails every run.
    const type = checkAssignment(path, condition, undefined, 'the condition', variables, report);
    if (type !== undefined && type !== 'BOOL') report(path, 'TYPE_MISMATCH', `The condition is ${aType(type)}; it must be a BOOL.`);
    // A literal NULL has no type to check, and is no BOOL either: every run would fail there.
    if (condition.type === 'LITERAL' && condition.value === null && condition.targetType === undefined) {
      report([...path, 'value'], 'TYPE_MISMATCH', 'The condition is the literal NULL; it must be a BOOL.');
    }
    return;
  }
  if (!(COMPARATORS as readonly string[]).includes(condition.comparator)) {
    report([...path, 'comparator'], 'UNKNOWN_COMPARATOR', `Unknown comparator ${describeValue(condition.comparator as JsonValue)}; expected one of ${COMPARATORS.join(', ')}.`);
  }
  checkAssignment([...path, 'left'], condition.left, undefined, 'the left side of the condition', variables, report);
  checkAssignment([...path, 'right'], condition.right, undefined, 'the right side of the condition', variables, report);
  if (!(COMPARATORS as readonly string[]).includes(condition.comparator)) return;
  checkComparison(path, condition.comparator, condition.left, condition.right, variables, report);
}

/** The comparison itself, tried on a sample of each side's type: what fails here fails every run with VAR_SUB_ERROR. */
function checkComparison(path: SpecPath, comparator: Comparator, leftSide: unknown, rightSide: unknown, variables: Scope, report: Report): void {
  const left = sampleOf(leftSide, variables);
  const right = sampleOf(rightSide, variables);
  if (left === undefined || right === undefined) return;
  const tried = compare(left.value, comparator, right.value);
  if (!tried.ok) {
    report(path, 'TYPE_MISMATCH', `${comparator} cannot compare ${left.what} with ${right.what}; every run would fail here with VAR_SUB_ERROR.`);
  }
}

/** A value of the type a side of a condition is known to have, with words for it; undefined when unknown. */
function sampleOf(side: unknown, variables: Scope): { value: JsonValue; what: string } | undefined {
  if (!isJsonObject(side)) return undefined;
  if (side.type === 'LITERAL' && side.targetType === undefined && side.value !== undefined && side.value !== null) return { value: side.value as JsonValue, what: describeValue(side.value as JsonValue) };
  if (side.type === 'VARIABLE' && side.targetType === undefined) {
    if (side.jsonPath !== undefined || typeof side.variableName !== 'string') return undefined;
    const def = variables.get(side.variableName);
    return def && { value: SAMPLES[def.type], what: `${def.type} variable '${def.name}'` };
  }
  if (side.type === 'LITERAL' || side.type === 'VARIABLE' || side.type === 'FORMAT_STRING' || side.type === 'EXPRESSION' || side.type === 'SIZE_OF' || side.type === 'NODE_OUTPUT_REFERENCE') {
    const type = typeOfAssignment(side, variables);
    const how = side.targetType !== undefined ? 'cast' : side.type === 'NODE_OUTPUT_REFERENCE' ? `output of '${String(side.nodeName)}'` : String(side.type).toLowerCase().replace('_', ' ');
    return type && { value: SAMPLES[type], what: `${aType(type)} (${how})` };
  }
  return undefined;
}

const SAMPLES: Readonly<Record<VariableType, JsonValue>> = {
  STR: 'text',
  INT: 1,
  DOUBLE: 1.5,
  BOOL: true,
  JSON_OBJ: {},
  JSON_ARR: [],
  BYTES: 'AA==',
  WF_RUN_ID: 'id',
  TIMESTAMP: 0,
};

function validateMutation(
  path: SpecPath,
  mutation: VariableMutation,
  nodeName: string,
  node: Node,
  variables: Scope,
  catalog: Catalog,
  report: Report,
): void {
  if (!isJsonObject(mutation)) {
    report(path, 'MISSING_FIELD', 'A mutation must be an object with lhsName, operation and rhs.');
    return;
  }
  const lhs = variables.get(mutation.lhsName);
  if (!lhs) {
    report([...path, 'lhsName'], 'UNKNOWN_VARIABLE', `Mutation changes '${mutation.lhsName}', which is not declared.`);
    return;
  }
  if (!(MUTATION_TYPES as readonly string[]).includes(mutation.operation)) {
    report([...path, 'operation'], 'UNKNOWN_OPERATION', `Unknown mutation operation ${describeValue(mutation.operation as JsonValue)}; expected one of ${MUTATION_TYPES.join(', ')}.`);
    return;
  }
  if (mutation.lhsJsonPath !== undefined) {
    checkJsonPath([...path, 'lhsJsonPath'], mutation.lhsJsonPath, lhs, report);
  } else if (!MUTATIONS_BY_TYPE[lhs.type].includes(mutation.operation)) {
    report(
      [...path, 'operation'],
      'UNKNOWN_OPERATION',
      `${mutation.operation} does not apply to ${lhs.type} variable '${lhs.name}'; it takes ${MUTATIONS_BY_TYPE[lhs.type].join(', ')}.`,
    );
    return;
  }
  // A whole-variable ASSIGN checks the right side's type below; the other operations take operands of some types.
  const expected = mutation.operation === 'ASSIGN' && mutation.lhsJsonPath === undefined ? lhs.type : undefined;
  if (mutation.operation !== 'ASSIGN' && mutation.lhsJsonPath === undefined) {
    const operand = operandProblem(lhs.type, mutation.operation, typeOfSource(mutation.rhs, variables, node, catalog));
    if (operand) report([...path, 'rhs'], 'TYPE_MISMATCH', `${mutation.operation} of ${lhs.type} variable '${lhs.name}' ${operand}.`);
  }
  if (isJsonObject(mutation.rhs) && mutation.rhs.type === 'NODE_OUTPUT') {
    const output = outputTypeOf(node, catalog);
    if (output === 'none') {
      report([...path, 'rhs'], 'NO_NODE_OUTPUT', `Node '${nodeName}' has no output to use in a mutation of '${lhs.name}'.`);
    } else if (mutation.rhs.targetType !== undefined) {
      const cast = mutation.rhs.targetType;
      if (mutation.rhs.jsonPath !== undefined && output !== 'unknown') checkJsonPath([...path, 'rhs', 'jsonPath'], mutation.rhs.jsonPath, { name: `the output of '${nodeName}'`, type: output }, report);
      if (!isVariableType(cast)) {
        report([...path, 'rhs', 'targetType'], 'INVALID_TYPE', `The cast of the output of '${nodeName}' is to unknown type ${describeValue(cast as JsonValue)}.`);
      } else if (mutation.rhs.jsonPath === undefined && output !== 'unknown' && !canCast(output, cast)) {
        report([...path, 'rhs', 'targetType'], 'TYPE_MISMATCH', `Node '${nodeName}' outputs ${aType(output)}, which cannot be cast to ${aType(cast)}.`);
      } else if (expected && !isAssignable(cast, expected)) {
        report([...path, 'rhs', 'targetType'], 'TYPE_MISMATCH', `The output of '${nodeName}' is cast to ${aType(cast)}, which cannot be assigned to ${expected} variable '${lhs.name}'.`);
      }
    } else if (mutation.rhs.jsonPath !== undefined) {
      if (output !== 'unknown') checkJsonPath([...path, 'rhs', 'jsonPath'], mutation.rhs.jsonPath, { name: `the output of '${nodeName}'`, type: output }, report);
    } else if (expected && output !== 'unknown' && !isAssignable(output, expected)) {
      const hint = needsCast(output, expected) ? ` without a cast (targetType ${expected})` : '';
      report([...path, 'rhs'], 'TYPE_MISMATCH', `Node '${nodeName}' outputs ${output}, which cannot be assigned to ${expected} variable '${lhs.name}'${hint}.`);
    }
    return;
  }
  checkAssignment([...path, 'rhs'], mutation.rhs as VariableAssignment, expected, `variable '${lhs.name}'`, variables, report);
}

/** The type a mutation's right side has before the WfRun runs, where one is known (no JSON path, no NULL literal). */
function typeOfSource(source: unknown, variables: Scope, node: Node, catalog: Catalog): VariableType | undefined {
  if (!isJsonObject(source)) return undefined;
  if (source.type === 'NODE_OUTPUT') {
    if (isVariableType(source.targetType)) return source.targetType;
    if (source.jsonPath !== undefined) return undefined;
    const output = outputTypeOf(node, catalog);
    return output === 'none' || output === 'unknown' ? undefined : output;
  }
  return typeOfAssignment(source, variables);
}

/**
 * What is wrong with an operand of `type` for `operation` on a variable of `lhs` (LittleHorse's LHTypeStrategy, at
 * PutWfSpec): arithmetic takes numbers, text and the removals take primitives (no JSON_OBJ or JSON_ARR), EXTEND of a
 * JSON_ARR takes a JSON_ARR, of BYTES takes BYTES (or base64 text), and REMOVE_INDEX a number.
 */
function operandProblem(lhs: VariableType, operation: string, type: VariableType | undefined): string | undefined {
  if (type === undefined) return undefined;
  const numeric = type === 'INT' || type === 'DOUBLE';
  const primitive = type !== 'JSON_OBJ' && type !== 'JSON_ARR';
  if ((lhs === 'INT' || lhs === 'DOUBLE') && !numeric) return `needs an INT or DOUBLE; the right side is ${aType(type)}`;
  if (lhs === 'STR' && !primitive) return `needs a primitive value; the right side is ${aType(type)}`;
  if (lhs === 'JSON_ARR' && operation === 'EXTEND' && type !== 'JSON_ARR') return `needs a JSON_ARR to append; the right side is ${aType(type)}`;
  if (lhs === 'JSON_ARR' && operation === 'REMOVE_INDEX' && !numeric) return `needs an INT index; the right side is ${aType(type)}`;
  if ((operation === 'REMOVE_IF_PRESENT' || operation === 'REMOVE_KEY') && !primitive) return `needs a primitive value; the right side is ${aType(type)}`;
  // BYTES are base64 text in JSON: a STR (a literal, say) may hold them, and the run checks that it does.
  if (lhs === 'BYTES' && type !== 'BYTES' && type !== 'STR') return `needs BYTES; the right side is ${aType(type)}`;
  // LittleHorse's asBool reads a STR `true` or `false` too.
  if ((operation === 'AND' || operation === 'OR') && type !== 'BOOL' && type !== 'STR') return `needs a BOOL; the right side is ${aType(type)}`;
  return undefined;
}

function checkJsonPath(path: SpecPath, jsonPath: unknown, target: { name: string; type: VariableType }, report: Report): void {
  if (target.type !== 'JSON_OBJ' && target.type !== 'JSON_ARR') {
    report(path, 'INVALID_JSON_PATH', `A JSON path needs a JSON_OBJ or JSON_ARR, but ${target.name} is ${aType(target.type)}.`);
    return;
  }
  const parsed = typeof jsonPath === 'string' ? parseJsonPath(jsonPath) : { ok: false as const, message: 'A JSON path must be a string.' };
  if (!parsed.ok) report(path, 'INVALID_JSON_PATH', parsed.message);
}

function validateFailureDef(path: SpecPath, nodeName: string, failureDef: unknown, variables: Scope, report: Report): void {
  const def = isJsonObject(failureDef) ? (failureDef as { failureName?: unknown; message?: unknown; content?: VariableAssignment }) : undefined;
  if (!def || !isValidFailureName(def.failureName)) {
    report([...path, 'failureName'], 'INVALID_NAME', `EXIT node '${nodeName}' needs a failureName of letters, digits, _ and -.`);
    return;
  }
  if (isErrorName(def.failureName)) {
    report([...path, 'failureName'], 'RESERVED_FAILURE_NAME', `'${def.failureName}' is a reserved ERROR name; an EXIT node throws business EXCEPTIONs only.`);
  }
  if (typeof def.message !== 'string') report([...path, 'message'], 'MISSING_FIELD', `EXIT node '${nodeName}' needs a message for its failure.`);
  if (def.content !== undefined) checkAssignment([...path, 'content'], def.content, undefined, 'the failure content', variables, report);
}

/** LittleHorse: an interrupt's def is used by no EXTERNAL_EVENT node and interrupts one ThreadSpec only. */
function validateInterrupts(wf: WfSpec, catalog: Catalog, report: Report): void {
  const waitedFor = new Set<string>();
  for (const thread of Object.values(wf.threadSpecs)) {
    for (const node of isJsonObject(thread) && isJsonObject(thread.nodes) ? Object.values(thread.nodes) : []) {
      if (isJsonObject(node) && node.type === 'EXTERNAL_EVENT' && typeof node.externalEventDefName === 'string') waitedFor.add(node.externalEventDefName);
    }
  }
  const owner = new Map<string, string>();
  for (const [threadName, thread] of Object.entries(wf.threadSpecs)) {
    const defs = isJsonObject(thread) ? thread.interruptDefs : undefined;
    if (defs === undefined) continue;
    if (!Array.isArray(defs)) {
      report(['threadSpecs', threadName, 'interruptDefs'], 'MISSING_FIELD', 'interruptDefs must be a list.');
      continue;
    }
    defs.forEach((def, i) => {
      const path = ['threadSpecs', threadName, 'interruptDefs', i];
      const name = isJsonObject(def) ? def.externalEventDefName : undefined;
      if (typeof name !== 'string' || !own(catalog.externalEventDefs, name)) {
        report([...path, 'externalEventDefName'], 'UNKNOWN_EXTERNAL_EVENT_DEF', `Interrupt ${describeName(name)} is not a registered ExternalEventDef.`);
        return;
      }
      if (waitedFor.has(name)) report([...path, 'externalEventDefName'], 'MISSING_FIELD', `'${name}' interrupts threads, so no EXTERNAL_EVENT node may wait for it.`);
      const previous = owner.get(name);
      if (previous !== undefined && previous !== threadName) report([...path, 'externalEventDefName'], 'MISSING_FIELD', `'${name}' already interrupts ThreadSpec '${previous}'; an event may interrupt one ThreadSpec only.`);
      owner.set(name, threadName);
      const handler = isJsonObject(def) ? def.handlerSpecName : undefined;
      if (typeof handler !== 'string' || !hasOwn(wf.threadSpecs, handler) || handler === wf.entrypointThreadName) {
        report([...path, 'handlerSpecName'], 'MISSING_THREAD', `The handler of interrupt '${name}' is ${describeValue((handler ?? null) as JsonValue)}, not a ThreadSpec other than the entrypoint.`);
      }
    });
  }
}

function validateFailureHandlers(path: SpecPath, nodeName: string, handlers: unknown, report: Report, wf: WfSpec): void {
  if (!Array.isArray(handlers)) {
    report(path, 'MISSING_FIELD', `failureHandlers of '${nodeName}' must be a list.`);
    return;
  }
  handlers.forEach((handler: unknown, i: number) => {
    const def = isJsonObject(handler) ? (handler as { handlerSpecName?: unknown; specificFailure?: unknown; anyFailureOfType?: unknown }) : undefined;
    const at = [...path, i];
    if (!def || typeof def.handlerSpecName !== 'string' || !hasOwn(wf.threadSpecs, def.handlerSpecName) || def.handlerSpecName === wf.entrypointThreadName) {
      report([...at, 'handlerSpecName'], 'MISSING_THREAD', `A failure handler of '${nodeName}' runs ${describeName(def?.handlerSpecName)}, which is not a ThreadSpec other than the entrypoint.`);
      return;
    }
    if (def.specificFailure !== undefined && !isValidFailureName(def.specificFailure)) {
      report([...at, 'specificFailure'], 'INVALID_NAME', 'specificFailure must be a failure name: letters, digits, _ and -.');
    }
    if (def.anyFailureOfType !== undefined && def.anyFailureOfType !== 'FAILURE_TYPE_ERROR' && def.anyFailureOfType !== 'FAILURE_TYPE_EXCEPTION') {
      report([...at, 'anyFailureOfType'], 'MISSING_FIELD', 'anyFailureOfType must be FAILURE_TYPE_ERROR or FAILURE_TYPE_EXCEPTION.');
    }
  });
}

function hasInput(wf: WfSpec, threadSpecName: unknown): boolean {
  return typeof threadSpecName === 'string' && defsOf(own(wf.threadSpecs, threadSpecName)).some((d) => d.name === 'INPUT');
}

/** A ThreadSpec's well-formed variable declarations; collectVariables reports the malformed ones. */
function defsOf(thread: ThreadSpec | undefined): ThreadVarDef[] {
  const defs = isJsonObject(thread) ? thread.variableDefs : undefined;
  return Array.isArray(defs) ? defs.filter((d): d is ThreadVarDef => isJsonObject(d) && typeof d.name === 'string') : [];
}

/** `inputFromIterable`: INPUT gets each element of a JSON_ARR, so its type is not checked against the array's. */
function validateStartThread(
  nodePath: SpecPath,
  name: string,
  node: { readonly threadSpecName: string; readonly variables?: Readonly<Record<string, VariableAssignment>> | undefined },
  variables: Scope,
  report: Report,
  wf: WfSpec,
  inputFromIterable = false,
): void {
  const child = typeof node.threadSpecName === 'string' ? own(wf.threadSpecs, node.threadSpecName) : undefined;
  if (!child || node.threadSpecName === wf.entrypointThreadName) {
    report([...nodePath, 'threadSpecName'], 'MISSING_THREAD', `'${name}' starts ${describeName(node.threadSpecName)}, which is not a ThreadSpec other than the entrypoint.`);
    return;
  }
  if (node.variables !== undefined && !isJsonObject(node.variables)) {
    report([...nodePath, 'variables'], 'MISSING_FIELD', `variables of '${name}' must be an object keyed by the child's variable names.`);
    return;
  }
  const defs = new Map(defsOf(child).map((d) => [d.name, d]));
  for (const [variable, source] of Object.entries(node.variables ?? {})) {
    const def = defs.get(variable);
    if (!def) {
      report([...nodePath, 'variables', variable], 'UNKNOWN_VARIABLE', `ThreadSpec '${node.threadSpecName}' declares no variable '${variable}'.`);
      continue;
    }
    if (inputFromIterable && variable === 'INPUT') continue;
    checkAssignment([...nodePath, 'variables', variable], source, def.type, `variable '${variable}' of thread '${node.threadSpecName}'`, variables, report);
  }
  for (const def of defs.values()) {
    if (def.required && !hasOwn(node.variables ?? {}, def.name)) {
      report([...nodePath, 'variables'], 'MISSING_REQUIRED_VARIABLE', `'${name}' gives no value for '${def.name}', which thread '${node.threadSpecName}' requires.`);
    }
  }
}

/**
 * RUN_CHILD_WF names a WfSpec; when the catalog lists WfSpecs it must be one of them, in a major version that exists,
 * and when it also describes that version's entrypoint the inputs are checked like a START_THREAD's variables.
 */
function validateRunChildWf(
  nodePath: SpecPath,
  name: string,
  node: Extract<Node, { type: 'RUN_CHILD_WF' }>,
  variables: Scope,
  catalog: Catalog,
  report: Report,
): void {
  const specName = node.wfSpecName;
  const summary = typeof specName === 'string' ? own(catalog.wfSpecs, specName) : undefined;
  if (!isValidName(specName)) {
    report([...nodePath, 'wfSpecName'], 'INVALID_NAME', `RUN_CHILD_WF '${name}' needs a WfSpec name of ${NAME_RULE}; got ${describeName(specName)}.`);
  } else if (catalog.wfSpecs !== undefined && !summary) {
    report([...nodePath, 'wfSpecName'], 'UNKNOWN_WF_SPEC', `RUN_CHILD_WF '${name}' runs WfSpec '${specName}', which is not registered.`);
  }
  const major = node.majorVersion;
  if (major !== undefined && !(Number.isSafeInteger(major) && major >= 0)) {
    report([...nodePath, 'majorVersion'], 'OUT_OF_RANGE', `majorVersion of '${name}' must be a whole number from 0; got ${describeValue(major as JsonValue)}.`);
  } else if (summary && major !== undefined && major > summary.majorVersion) {
    report([...nodePath, 'majorVersion'], 'UNKNOWN_WF_SPEC', `WfSpec '${specName}' has no major version ${major}; its newest is ${summary.majorVersion}.`);
  }
  if (node.inputs !== undefined && !isJsonObject(node.inputs)) {
    report([...nodePath, 'inputs'], 'MISSING_FIELD', `inputs of '${name}' must be an object keyed by the child WfRun's variable names.`);
    return;
  }
  const inputs = node.inputs ?? {};
  // Only the newest version is described; the inputs of a node pinned to an older one are not checked, and the child
  // starts with them as they are (a name it does not declare is dropped, as LittleHorse's createVariablesAndStart does).
  const describes = summary && Array.isArray(summary.variableDefs) && (major === undefined || major === summary.majorVersion);
  const defs = describes ? new Map(defsOf({ variableDefs: summary.variableDefs, nodes: {} }).map((d) => [d.name, d])) : undefined;
  for (const [variable, source] of Object.entries(inputs)) {
    const def = defs?.get(variable);
    if (defs && !def) {
      report([...nodePath, 'inputs', variable], 'UNKNOWN_VARIABLE', `WfSpec '${specName}' declares no entrypoint variable '${variable}'.`);
      continue;
    }
    checkAssignment([...nodePath, 'inputs', variable], source, def?.type, `input '${variable}' of WfSpec '${specName}'`, variables, report);
  }
  for (const def of defs?.values() ?? []) {
    if (def.required && !hasOwn(inputs, def.name)) {
      report([...nodePath, 'inputs'], 'MISSING_REQUIRED_VARIABLE', `'${name}' gives no value for '${def.name}', which WfSpec '${specName}' requires.`);
    }
  }
}

/** The type a node outputs: 'none' when it has no output, 'unknown' when the spec cannot tell yet. */
function outputTypeOf(node: Node, catalog: Catalog): VariableType | 'none' | 'unknown' {
  if (node.type === 'START_THREAD') return 'INT';
  // The child's WfRun id; STR variables hold it too (JSON cannot tell them apart).
  if (node.type === 'RUN_CHILD_WF') return 'WF_RUN_ID';
  // A child WfSpec declares no output type yet, so its output may be anything.
  if (node.type === 'WAIT_FOR_CHILD_WF') return 'unknown';
  if (node.type === 'START_MULTIPLE_THREADS') return 'JSON_ARR';
  // ExternalEventDefs carry no content type yet, so an event's content may be anything.
  if (node.type === 'EXTERNAL_EVENT') return 'unknown';
  // The results, by field.
  if (node.type === 'USER_TASK') return 'JSON_OBJ';
  if (node.type !== 'TASK') return 'none';
  if (node.taskDefName === undefined) return 'unknown';
  const def = own(catalog.taskDefs, node.taskDefName);
  if (!def) return 'unknown';
  return def.returnType ?? 'none';
}

function validateTaskNode(
  nodePath: SpecPath,
  name: string,
  node: Extract<Node, { type: 'TASK' }>,
  variables: Scope,
  catalog: Catalog,
  report: Report,
  label = `TASK node '${name}'`,
): void {
  if (node.timeoutSeconds !== undefined && !(Number.isInteger(node.timeoutSeconds) && node.timeoutSeconds > 0)) {
    report([...nodePath, 'timeoutSeconds'], 'OUT_OF_RANGE', `timeoutSeconds of '${name}' must be a whole number of seconds above 0; got ${describeValue(node.timeoutSeconds as JsonValue)}.`);
  }
  checkRetries(nodePath, name, node, report);
  if (node.dynamicTaskDefName !== undefined) {
    if (node.taskDefName !== undefined) {
      report([...nodePath, 'dynamicTaskDefName'], 'CONFLICTING_FIELDS', `${capitalize(label)} names its TaskDef both in taskDefName and in dynamicTaskDefName; keep one.`);
    }
    checkAssignment([...nodePath, 'dynamicTaskDefName'], node.dynamicTaskDefName, 'STR', `the TaskDef name of '${name}'`, variables, report);
    refuseSecret(
      [...nodePath, 'dynamicTaskDefName'],
      node.dynamicTaskDefName,
      `the TaskDef name of ${label}`,
      'the TaskDef a TaskRun runs is named on it and on its events, for workers to claim it by',
      variables,
      report,
    );
    // Which TaskDef runs is known only at run time, so the inputs' types can be checked only then.
    if (!Array.isArray(node.inputs ?? [])) report([...nodePath, 'inputs'], 'MISSING_FIELD', `inputs of '${name}' must be a list.`);
    else for (const [i, input] of (node.inputs ?? []).entries()) checkAssignment([...nodePath, 'inputs', i], input, undefined, `input ${i} of '${name}'`, variables, report);
    return;
  }
  const def: TaskDef | undefined = typeof node.taskDefName === 'string' ? own(catalog.taskDefs, node.taskDefName) : undefined;
  if (!def) {
    if (node.taskDefName === undefined) report([...nodePath, 'taskDefName'], 'MISSING_FIELD', `${capitalize(label)} needs a taskDefName or a dynamicTaskDefName.`);
    else {
      const named = typeof node.taskDefName === 'string' ? `'${node.taskDefName}'` : describeValue(node.taskDefName as JsonValue);
      report([...nodePath, 'taskDefName'], 'UNKNOWN_TASK_DEF', `${capitalize(label)} runs TaskDef ${named}, which is not registered.`);
    }
    return;
  }
  if (node.inputs !== undefined && !Array.isArray(node.inputs)) {
    report([...nodePath, 'inputs'], 'MISSING_FIELD', `inputs of '${name}' must be a list, one per input of TaskDef '${def.name}'.`);
    return;
  }
  const inputs = node.inputs ?? [];
  if (inputs.length !== def.inputVars.length) {
    report(
      [...nodePath, 'inputs'],
      'INPUT_COUNT',
      `TaskDef '${def.name}' takes ${def.inputVars.length} input(s) (${def.inputVars.map((v) => v.name).join(', ') || 'none'}); ${label} gives ${inputs.length}.`,
    );
  }
  inputs.forEach((input, i) => {
    const param = def.inputVars[i];
    if (param) checkAssignment([...nodePath, 'inputs', i], input, param.type, `input '${param.name}' of TaskDef '${def.name}'`, variables, report);
  });
}

function checkRetries(nodePath: SpecPath, name: string, node: Extract<Node, { type: 'TASK' }>, report: Report): void {
  if (node.retries !== undefined && !(Number.isInteger(node.retries) && node.retries >= 0 && node.retries <= 1000)) {
    report([...nodePath, 'retries'], 'OUT_OF_RANGE', `retries of '${name}' must be a whole number from 0 to 1000; got ${describeValue(node.retries as JsonValue)}.`);
  }
  const backoff = node.exponentialBackoff;
  if (backoff !== undefined) {
    const path = [...nodePath, 'exponentialBackoff'];
    if (!isJsonObject(backoff)) report(path, 'MISSING_FIELD', 'exponentialBackoff needs baseIntervalMs, maxDelayMs and multiplier.');
    else {
      if (!(typeof backoff.baseIntervalMs === 'number' && backoff.baseIntervalMs > 0)) {
        report([...path, 'baseIntervalMs'], 'OUT_OF_RANGE', 'baseIntervalMs must be a number of milliseconds above 0.');
      }
      if (!(typeof backoff.multiplier === 'number' && backoff.multiplier >= 1)) {
        report([...path, 'multiplier'], 'OUT_OF_RANGE', 'multiplier must be at least 1.');
      }
      if (!(typeof backoff.maxDelayMs === 'number' && backoff.maxDelayMs >= (backoff.baseIntervalMs ?? 0))) {
        report([...path, 'maxDelayMs'], 'OUT_OF_RANGE', 'maxDelayMs must be at least baseIntervalMs.');
      }
    }
  }
}

/**
 * LittleHorse's checks of a USER_TASK: a UserTaskDef (looked up only when the catalog lists UserTaskDefs), a user
 * or a group to assign it to, STR sources for both and the notes, a non-reserved cancellation EXCEPTION, and
 * well-formed actions.
 */
function validateUserTaskNode(
  nodePath: SpecPath,
  name: string,
  node: UserTaskNode,
  variables: Scope,
  catalog: Catalog,
  report: Report,
): void {
  const what = `USER_TASK '${name}'`;
  const version = node.userTaskDefVersion;
  if (version !== undefined && !(typeof version === 'number' && Number.isSafeInteger(version) && version >= 0)) {
    report([...nodePath, 'userTaskDefVersion'], 'OUT_OF_RANGE', `userTaskDefVersion of '${name}' must be a whole number from 0; got ${describeValue(version as JsonValue)}.`);
  }
  if (typeof node.userTaskDefName !== 'string') {
    report([...nodePath, 'userTaskDefName'], 'MISSING_FIELD', `${what} needs the name of the UserTaskDef it runs.`);
  } else if (catalog.userTaskDefs !== undefined) {
    const def = own(catalog.userTaskDefs, node.userTaskDefName);
    if (!def) {
      report([...nodePath, 'userTaskDefName'], 'UNKNOWN_USER_TASK_DEF', `${what} runs UserTaskDef '${node.userTaskDefName}', which is not registered.`);
    } else if (typeof version === 'number' && version > def.version) {
      report([...nodePath, 'userTaskDefVersion'], 'UNKNOWN_USER_TASK_DEF', `${what} pins version ${version} of UserTaskDef '${def.name}', which does not exist; the newest is ${def.version}.`);
    }
  }
  validateAssignee(nodePath, node, what, variables, report);
  if (node.notes !== undefined) checkAssignment([...nodePath, 'notes'], node.notes, 'STR', `the notes of ${what}`, variables, report);
  const exception = node.onCancellationExceptionName;
  if (exception !== undefined) {
    const at = [...nodePath, 'onCancellationExceptionName'];
    // A name, or (as in LittleHorse) a STR evaluated when the task is cancelled; a literal one is checked as a name.
    if (isJsonObject(exception)) {
      checkAssignment(at, exception as VariableAssignment, 'STR', `the onCancellationExceptionName of ${what}`, variables, report);
      refuseSecret(at, exception, `the onCancellationExceptionName of ${what}`, 'it names the failure a cancel throws, shown as it is', variables, report);
    }
    const literal = isJsonObject(exception) ? (exception.type === 'LITERAL' ? exception.value : undefined) : exception;
    const path = isJsonObject(exception) ? [...at, 'value'] : at;
    // A variable is read at cancel time; a NULL or blank literal means USER_TASK_CANCELLED.
    const known = literal !== undefined && !(isJsonObject(exception) && (literal === null || (typeof literal === 'string' && literal.trim() === '')));
    if (known && !isValidFailureName(literal)) {
      report(path, 'INVALID_NAME', `onCancellationExceptionName of '${name}' must be a failure name: letters, digits, _ and -.`);
    } else if (known && isValidFailureName(literal) && isErrorName(literal)) {
      report(path, 'RESERVED_FAILURE_NAME', `'${literal}' is a reserved ERROR name; a cancelled user task throws a business EXCEPTION, or USER_TASK_CANCELLED without one.`);
    }
  }
  if (node.actions === undefined) return;
  if (!Array.isArray(node.actions)) {
    report([...nodePath, 'actions'], 'MISSING_FIELD', `actions of '${name}' must be a list.`);
    return;
  }
  node.actions.forEach((trigger: unknown, i: number) => {
    const at = [...nodePath, 'actions', i];
    // Numbered from 1 in words, as the editor labels actions; the path keeps the index.
    const action = `action ${i + 1} of ${what}`;
    if (!isJsonObject(trigger)) {
      report(at, 'MISSING_FIELD', `A user task action must be an object with hook, delaySeconds and action.`);
      return;
    }
    if (trigger.hook !== 'ON_ARRIVAL' && trigger.hook !== 'ON_TASK_ASSIGNED') {
      report([...at, 'hook'], 'MISSING_FIELD', `The hook of ${action} must be ON_ARRIVAL or ON_TASK_ASSIGNED.`);
    }
    const delay = trigger.delaySeconds as VariableAssignment | undefined;
    if (delay === undefined) report([...at, 'delaySeconds'], 'MISSING_FIELD', `${capitalize(action)} needs delaySeconds, an INT.`);
    else {
      checkAssignment([...at, 'delaySeconds'], delay, 'INT', `the delay of ${action}`, variables, report);
      refuseSecret([...at, 'delaySeconds'], delay, `the delay of ${action}`, 'it sets the time its timer fires at, shown on the WfRun', variables, report);
      if (isJsonObject(delay) && delay.type === 'LITERAL' && typeof delay.value === 'number' && delay.value < 0) {
        report([...at, 'delaySeconds', 'value'], 'OUT_OF_RANGE', `The delay of ${action} may not be negative.`);
      }
    }
    const kind = trigger.action;
    if (!isJsonObject(kind) || (kind.type !== 'REASSIGN' && kind.type !== 'CANCEL' && kind.type !== 'TASK')) {
      report([...at, 'action'], 'MISSING_FIELD', `${capitalize(action)} must be a REASSIGN, a CANCEL or a TASK.`);
    } else if (kind.type === 'REASSIGN') {
      validateAssignee([...at, 'action'], kind as { userId?: VariableAssignment; userGroup?: VariableAssignment }, action, variables, report);
    } else if (kind.type === 'TASK') {
      // LittleHorse's UTATask holds a TaskNode, checked as one: its TaskDef registered, one input of each input's type.
      if (!isJsonObject(kind.task)) report([...at, 'action', 'task'], 'MISSING_FIELD', `${capitalize(action)} needs the task it runs: a taskDefName and its inputs.`);
      else validateTaskNode([...at, 'action', 'task'], `task of ${action}`, { ...(kind.task as UserTaskActionTask), type: 'TASK' }, variables, catalog, report, `the task of ${action}`);
    }
  });
}

/** A user task's assignment: a user, a group or both, each a STR that may not be blank. */
function validateAssignee(
  path: SpecPath,
  holder: { readonly userId?: VariableAssignment | undefined; readonly userGroup?: VariableAssignment | undefined },
  what: string,
  variables: Scope,
  report: Report,
): void {
  if (holder.userId === undefined && holder.userGroup === undefined) {
    report(path, 'MISSING_FIELD', `${capitalize(what)} needs a userId, a userGroup or both.`);
    return;
  }
  for (const [key, label] of [['userId', 'user id'], ['userGroup', 'user group']] as const) {
    const source = holder[key];
    if (source === undefined) continue;
    checkAssignment([...path, key], source, 'STR', `the ${label} of ${what}`, variables, report);
    refuseSecret([...path, key], source, `the ${label} of ${what}`, `a UserTaskRun's ${label} is matched as it is, to let people act on it, and shown to whoever may read it`, variables, report);
    if (isJsonObject(source) && source.type === 'LITERAL' && typeof source.value === 'string' && source.value.trim() === '') {
      report([...path, key, 'value'], 'MISSING_FIELD', `The ${label} of ${what} is blank.`);
    }
  }
}

/**
 * A value the WfRun uses and shows as it is (a user id or group people are matched by, a TaskDef name dispatch goes
 * by, a time a timer fires at) cannot stay a secret, so a WfSpec may not make one from a masked variable or a masked
 * TaskDef's output. Assigning the secret to a variable that is not masked first says in the spec that it shows.
 * A later check (isLaterCheck): the engine still runs a WfSpec registered before it, showing the value.
 */
function refuseSecret(path: SpecPath, source: unknown, what: string, why: string, variables: Scope, report: Report): void {
  const reads = readsOf(source);
  const variable = reads.variables.find((name) => variables.get(name)?.masked === true);
  const output = variable === undefined ? reads.nodeOutputs.find((name) => isMaskedTaskOutput(variables.thread, name)) : undefined;
  if (variable === undefined && output === undefined) return;
  const secret = variable === undefined ? `the masked output of node '${output}'` : `masked variable '${variable}'`;
  report(path, 'MASKED_VALUE_SHOWN', `${capitalize(what)} is made from ${secret}, but ${why}: it cannot stay masked. Assign the value to a variable that is not masked first if it may show.`);
}

/** Whether node `name` of the thread is a TASK whose TaskDef (in the catalog) masks its output. */
function isMaskedTaskOutput(thread: ThreadScope | undefined, name: string): boolean {
  const node = thread && own(thread.nodes, name);
  if (!thread || !isJsonObject(node) || node.type !== 'TASK' || typeof node.taskDefName !== 'string') return false;
  return own(thread.catalog.taskDefs, node.taskDefName)?.maskedOutput === true;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Checks where a value comes from, parts and cast included; `expected` is the type it must have, when the spec can
 * tell. Returns the type it has (after its cast), when the spec can tell.
 */
function checkAssignment(
  path: SpecPath,
  assignment: VariableAssignment,
  expected: VariableType | undefined,
  target: string,
  variables: Scope,
  report: Report,
): VariableType | undefined {
  if (!isJsonObject(assignment)) {
    report(path, 'MISSING_FIELD', `A value for ${target} must be an object with a type of VARIABLE, LITERAL, FORMAT_STRING, EXPRESSION, SIZE_OF or NODE_OUTPUT_REFERENCE.`);
    return undefined;
  }
  const cast = assignment.targetType;
  if (cast !== undefined && !isVariableType(cast)) {
    report([...path, 'targetType'], 'INVALID_TYPE', `The cast of the value for ${target} is to unknown type ${describeValue(cast as JsonValue)}.`);
    return undefined;
  }
  // With a cast, the source is checked against nothing and the cast against what is expected.
  const source = checkSource(path, assignment, cast === undefined ? expected : undefined, target, variables, report);
  if (cast === undefined) return source;
  if (source !== undefined && !canCast(source, cast)) {
    report([...path, 'targetType'], 'TYPE_MISMATCH', `The value for ${target} is ${aType(source)}, which cannot be cast to ${aType(cast)}.`);
  } else if (assignment.type === 'LITERAL' && literalCastProblem(assignment.value, cast, source)) {
    // A literal's cast is known now: one that fails would fail every run that gets here.
    report([...path, 'value'], 'TYPE_MISMATCH', `Literal ${describeValue(assignment.value)} for ${target} cannot be cast: ${literalCastProblem(assignment.value, cast, source)}`);
  } else if (expected && !isAssignable(cast, expected)) {
    report([...path, 'targetType'], 'TYPE_MISMATCH', `The value for ${target} is cast to ${aType(cast)}, which cannot be given to ${aType(expected)}.`);
  }
  return cast;
}

/** Why casting a literal fails, or undefined when it does not. */
function literalCastProblem(value: JsonValue, cast: VariableType, from: VariableType | undefined): string | undefined {
  const cast_ = castValue(value, cast, from);
  return cast_.ok ? undefined : cast_.message;
}

/** The source of an assignment, before its cast: see checkAssignment. */
function checkSource(
  path: SpecPath,
  assignment: VariableAssignment,
  expected: VariableType | undefined,
  target: string,
  variables: Scope,
  report: Report,
): VariableType | undefined {
  const castHint = (from: VariableType) => (expected && needsCast(from, expected) ? ` without a cast (targetType ${expected})` : '');
  switch (assignment.type) {
    case 'VARIABLE': {
      const source = variables.get(assignment.variableName);
      if (!source) {
        report([...path, 'variableName'], 'UNKNOWN_VARIABLE', `Variable ${describeName(assignment.variableName)} given to ${target} is not declared.`);
      } else if (assignment.jsonPath !== undefined) {
        checkJsonPath([...path, 'jsonPath'], assignment.jsonPath, { name: `variable '${source.name}'`, type: source.type }, report);
      } else if (expected && !isAssignable(source.type, expected)) {
        report(path, 'TYPE_MISMATCH', `${source.type} variable '${source.name}' cannot be given to ${target}, a ${expected}${castHint(source.type)}.`);
      }
      return source && assignment.jsonPath === undefined ? source.type : undefined;
    }
    case 'LITERAL': {
      // The type the engine reads it as (an integer past 2^53 is a DOUBLE there); none when the literal has no value.
      const type = typeOfValue(assignment.value ?? null);
      if (expected && !isValueOfType(assignment.value, expected)) {
        report([...path, 'value'], 'TYPE_MISMATCH', `Literal ${describeValue(assignment.value)} is not a ${expected}, as ${target} needs${type ? castHint(type) : ''}.`);
      }
      return type;
    }
    case 'FORMAT_STRING': {
      const format = checkAssignment([...path, 'format'], assignment.format, undefined, `the template of a format string for ${target}`, variables, report);
      if (format !== undefined && format !== 'STR') {
        report([...path, 'format'], 'TYPE_MISMATCH', `The template of a format string for ${target} must be a STR; it is ${aType(format)}.`);
      }
      if (isJsonObject(assignment.format) && assignment.format.type === 'LITERAL' && typeof assignment.format.value === 'string' && assignment.format.targetType === undefined) {
        const parsed = parseFormat(assignment.format.value);
        if (!parsed.ok) report([...path, 'format', 'value'], 'INVALID_FORMAT_STRING', `${parsed.message} Every run would fail here with VAR_SUB_ERROR.`);
      }
      if (!Array.isArray(assignment.args)) {
        report([...path, 'args'], 'MISSING_FIELD', `A format string for ${target} needs a list of args (which may be empty).`);
      } else {
        assignment.args.forEach((arg, i) => checkAssignment([...path, 'args', i], arg, undefined, `argument {${i}} of a format string for ${target}`, variables, report));
      }
      if (expected && !isAssignable('STR', expected)) {
        report(path, 'TYPE_MISMATCH', `A format string is a STR, which cannot be given to ${target}, a ${expected}${castHint('STR')}.`);
      }
      return 'STR';
    }
    case 'EXPRESSION': {
      const { operation, comparator } = assignment;
      if (operation !== undefined && comparator !== undefined) {
        report([...path, 'comparator'], 'CONFLICTING_FIELDS', `An expression for ${target} either computes (operation) or compares (comparator), not both.`);
        return undefined;
      }
      if (comparator !== undefined) {
        if (!(COMPARATORS as readonly string[]).includes(comparator)) {
          report([...path, 'comparator'], 'UNKNOWN_COMPARATOR', `Unknown comparator ${describeValue(comparator as JsonValue)}; expected one of ${COMPARATORS.join(', ')}.`);
        }
        checkAssignment([...path, 'lhs'], assignment.lhs, undefined, `the left side of ${String(comparator)} for ${target}`, variables, report);
        checkAssignment([...path, 'rhs'], assignment.rhs, undefined, `the right side of ${String(comparator)} for ${target}`, variables, report);
        if ((COMPARATORS as readonly string[]).includes(comparator)) checkComparison(path, comparator, assignment.lhs, assignment.rhs, variables, report);
        if (expected && !isAssignable('BOOL', expected)) report(path, 'TYPE_MISMATCH', `A comparison is a BOOL, which cannot be given to ${target}, a ${expected}.`);
        return 'BOOL';
      }
      const known = operation !== undefined && (MUTATION_TYPES as readonly string[]).includes(operation);
      if (!known) {
        report([...path, 'operation'], 'UNKNOWN_OPERATION', `Unknown expression operation ${describeValue((operation ?? null) as JsonValue)}; expected one of ${MUTATION_TYPES.join(', ')}, or a comparator.`);
      }
      const lhs = checkAssignment([...path, 'lhs'], assignment.lhs, undefined, `the left side of ${String(operation)} for ${target}`, variables, report);
      const rhs = checkAssignment([...path, 'rhs'], assignment.rhs, undefined, `the right side of ${String(operation)} for ${target}`, variables, report);
      if (!known || lhs === undefined || operation === undefined) return undefined;
      if (!MUTATIONS_BY_TYPE[lhs].includes(operation)) {
        report([...path, 'operation'], 'UNKNOWN_OPERATION', `${operation} does not apply to ${aType(lhs)}, the left side of an expression for ${target}; it takes ${MUTATIONS_BY_TYPE[lhs].join(', ')}.`);
        return undefined;
      }
      const operand = operation === 'ASSIGN' ? undefined : operandProblem(lhs, operation, rhs);
      if (operand) report([...path, 'rhs'], 'TYPE_MISMATCH', `${operation} of ${aType(lhs)} in an expression for ${target} ${operand}.`);
      if (operation === 'DIVIDE' && isJsonObject(assignment.rhs) && assignment.rhs.type === 'LITERAL' && assignment.rhs.value === 0 && assignment.rhs.targetType === undefined) {
        report([...path, 'rhs', 'value'], 'DIVISION_BY_ZERO', `An expression for ${target} divides by the literal 0: every run would fail here with VAR_SUB_ERROR.`);
      }
      const type = expressionType(lhs, rhs);
      if (type && expected && !isAssignable(type, expected)) {
        report(path, 'TYPE_MISMATCH', `The expression is ${aType(type)}, which cannot be given to ${target}, a ${expected}${castHint(type)}.`);
      }
      return type;
    }
    case 'SIZE_OF': {
      const operand = checkAssignment([...path, 'operand'], assignment.operand, undefined, `the operand of size() for ${target}`, variables, report);
      if (operand !== undefined && operand !== 'STR' && operand !== 'JSON_ARR') {
        report([...path, 'operand'], 'TYPE_MISMATCH', `size() takes a STR or a JSON_ARR; the operand for ${target} is ${aType(operand)}.`);
      }
      if (expected && !isAssignable('INT', expected)) report(path, 'TYPE_MISMATCH', `A size is an INT, which cannot be given to ${target}, a ${expected}${castHint('INT')}.`);
      return 'INT';
    }
    case 'NODE_OUTPUT_REFERENCE':
      return checkNodeOutputReference(path, assignment, expected, target, variables, report);
    default:
      report([...path, 'type'], 'MISSING_FIELD', `A value for ${target} has unknown source type ${describeValue((assignment as { type?: JsonValue }).type)}.`);
      return undefined;
  }
}

/**
 * The output of a node by name (LittleHorse's node_output): a node of the same thread (LittleHorse: "Node ... not
 * present in threadspec"), one that has an output, and one that can run before the value is read, since every run
 * would otherwise fail there with VAR_SUB_ERROR. Its type is the node's output type where the spec can tell (a
 * TaskDef's return type, a USER_TASK's JSON_OBJ), as LittleHorse's getSourceType reads it.
 */
function checkNodeOutputReference(
  path: SpecPath,
  assignment: Extract<VariableAssignment, { type: 'NODE_OUTPUT_REFERENCE' }>,
  expected: VariableType | undefined,
  target: string,
  variables: Scope,
  report: Report,
): VariableType | undefined {
  const name: unknown = assignment.nodeName;
  if (typeof name !== 'string' || name === '') {
    report([...path, 'nodeName'], 'MISSING_FIELD', `The node output given to ${target} names no node.`);
    return undefined;
  }
  const scope = variables.thread;
  if (!scope) return undefined;
  const node = own(scope.nodes, name);
  if (!isJsonObject(node)) {
    report([...path, 'nodeName'], 'MISSING_NODE', `The output given to ${target} is that of '${name}', which is not a node of this thread.`);
    return undefined;
  }
  const output = outputTypeOf(node, scope.catalog);
  if (output === 'none') {
    report([...path, 'nodeName'], 'NO_NODE_OUTPUT', `Node '${name}' (${String(node.type)}) has no output to give to ${target}.`);
    return undefined;
  }
  const reader = readerOf(path);
  if (reader && !runsBefore(scope, name, reader)) {
    const where = reader.onEdge ? `an edge leaving '${reader.node}'` : `'${reader.node}'`;
    report([...path, 'nodeName'], 'NODE_NOT_RUN_BEFORE', `Node '${name}' never runs before ${where}, so its output given to ${target} is never there: every run would fail with VAR_SUB_ERROR.`);
  }
  if (assignment.jsonPath !== undefined) {
    if (output !== 'unknown') checkJsonPath([...path, 'jsonPath'], assignment.jsonPath, { name: `the output of '${name}'`, type: output }, report);
    else if (typeof assignment.jsonPath !== 'string' || !parseJsonPath(assignment.jsonPath).ok) checkJsonPath([...path, 'jsonPath'], assignment.jsonPath, { name: '', type: 'JSON_OBJ' }, report);
    return undefined;
  }
  if (output === 'unknown') return undefined;
  if (expected && !isAssignable(output, expected)) {
    const hint = needsCast(output, expected) ? ` without a cast (targetType ${expected})` : '';
    report(path, 'TYPE_MISMATCH', `Node '${name}' outputs ${aType(output)}, which cannot be given to ${target}, a ${expected}${hint}.`);
  }
  return output;
}

/**
 * The node whose value `path` is part of, from its place in the spec (`threadSpecs.<t>.nodes.<n>...`), and whether it
 * is read on an edge leaving it (after it ran, so its own output is there) rather than by the node itself.
 */
function readerOf(path: SpecPath): { node: string; onEdge: boolean } | undefined {
  const [root, , nodes, node, field] = path;
  if (root !== 'threadSpecs' || nodes !== 'nodes' || typeof node !== 'string') return undefined;
  return { node, onEdge: field === 'outgoingEdges' };
}

/** Whether node `from` can have run in a ThreadRun when `reader` reads: a path of edges leads from it there. */
function runsBefore(scope: ThreadScope, from: string, reader: { node: string; onEdge: boolean }): boolean {
  if (reader.onEdge && from === reader.node) return true;
  let reached = scope.reach.get(from);
  if (!reached) {
    const edges: unknown = own(scope.nodes, from)?.outgoingEdges;
    reached = new Set<string>();
    for (const edge of Array.isArray(edges) ? edges : []) {
      const sink: unknown = isJsonObject(edge) ? edge.sinkNodeName : undefined;
      if (typeof sink === 'string' && hasOwn(scope.nodes, sink)) for (const name of reachableFrom(sink, scope.nodes)) reached.add(name);
    }
    scope.reach.set(from, reached);
  }
  return reached.has(reader.node);
}

/** The type an assignment has before the WfRun runs, where the spec can tell, without reporting anything. */
function typeOfAssignment(assignment: unknown, variables: Scope): VariableType | undefined {
  const problems: Problem[] = [];
  return isJsonObject(assignment) ? checkAssignment([], assignment as unknown as VariableAssignment, undefined, '', variables, (p, code, message) => problems.push({ path: p, code, message })) : undefined;
}

function reachableFrom(start: string, nodes: Readonly<Record<string, Node>>): Set<string> {
  const seen = new Set<string>([start]);
  const queue = [start];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    const edges = own(nodes, name)?.outgoingEdges;
    if (!Array.isArray(edges)) continue;
    for (const edge of edges) {
      const sink = isJsonObject(edge) ? edge.sinkNodeName : undefined;
      if (typeof sink === 'string' && hasOwn(nodes, sink) && !seen.has(sink)) {
        seen.add(sink);
        queue.push(sink);
      }
    }
  }
  return seen;
}

/** Checks a TaskDef's own shape; the server runs it before registering one. */
export function validateTaskDef(def: unknown): Problem[] {
  const problems: Problem[] = [];
  if (!isJsonObject(def)) return [{ path: [], code: 'MISSING_FIELD', message: 'A TaskDef must be a JSON object.' }];
  const taskDef = def as unknown as TaskDef;
  if (!isValidName(taskDef.name)) {
    problems.push({ path: ['name'], code: 'INVALID_NAME', message: `TaskDef name ${describeValue(taskDef.name as JsonValue)} must be ${NAME_RULE}.` });
  }
  const seen = new Set<string>();
  (Array.isArray(taskDef.inputVars) ? taskDef.inputVars : []).forEach((v, i) => {
    if (!isJsonObject(v) || !isValidVariableName(v.name)) {
      problems.push({ path: ['inputVars', i, 'name'], code: 'INVALID_NAME', message: `An input name must ${VARIABLE_NAME_RULE}.` });
    } else if (seen.has(v.name)) {
      problems.push({ path: ['inputVars', i, 'name'], code: 'DUPLICATE_VARIABLE', message: `Input '${v.name}' is declared twice.` });
    } else {
      seen.add(v.name);
    }
    if (isJsonObject(v) && !isVariableType(v.type)) {
      problems.push({ path: ['inputVars', i, 'type'], code: 'INVALID_TYPE', message: `Input ${describeValue(v.name as JsonValue)} has unknown type ${describeValue(v.type as JsonValue)}.` });
    }
  });
  if (!Array.isArray(taskDef.inputVars)) {
    problems.push({ path: ['inputVars'], code: 'MISSING_FIELD', message: 'inputVars must be a list (it may be empty).' });
  }
  if (taskDef.returnType !== undefined && taskDef.returnType !== null && !isVariableType(taskDef.returnType)) {
    problems.push({ path: ['returnType'], code: 'INVALID_TYPE', message: `returnType ${describeValue(taskDef.returnType as JsonValue)} is not a variable type.` });
  }
  if (taskDef.maskedOutput !== undefined && typeof taskDef.maskedOutput !== 'boolean') {
    problems.push({ path: ['maskedOutput'], code: 'TYPE_MISMATCH', message: 'maskedOutput must be true or false.' });
  }
  return problems;
}

/** LittleHorse: the fields of a user task form hold primitive values only. */
const USER_TASK_FIELD_TYPES: readonly VariableType[] = ['STR', 'INT', 'DOUBLE', 'BOOL'];

/** Checks a UserTaskDef's own shape; the server runs it before registering one. */
export function validateUserTaskDef(def: unknown): Problem[] {
  if (!isJsonObject(def)) return [{ path: [], code: 'MISSING_FIELD', message: 'A UserTaskDef must be a JSON object.' }];
  const problems: Problem[] = [];
  const userTaskDef = def as unknown as UserTaskDef;
  if (!isValidName(userTaskDef.name)) {
    problems.push({ path: ['name'], code: 'INVALID_NAME', message: `UserTaskDef name ${describeValue(userTaskDef.name as JsonValue)} must be ${NAME_RULE}.` });
  }
  const version = userTaskDef.version as unknown;
  if (!(typeof version === 'number' && Number.isSafeInteger(version) && version >= 0)) {
    problems.push({ path: ['version'], code: 'OUT_OF_RANGE', message: `version must be a whole number from 0; got ${describeValue(version as JsonValue)}.` });
  }
  if (userTaskDef.description !== undefined && typeof userTaskDef.description !== 'string') {
    problems.push({ path: ['description'], code: 'MISSING_FIELD', message: 'description must be text.' });
  }
  if (!Array.isArray(userTaskDef.fields)) {
    problems.push({ path: ['fields'], code: 'MISSING_FIELD', message: 'fields must be a list (it may be empty).' });
    return problems;
  }
  const seen = new Set<string>();
  userTaskDef.fields.forEach((field: unknown, i) => {
    const f = isJsonObject(field) ? field : undefined;
    if (!f || !isValidVariableName(f.name)) {
      problems.push({ path: ['fields', i, 'name'], code: 'INVALID_NAME', message: `A field name must ${VARIABLE_NAME_RULE}.` });
    } else if (seen.has(f.name)) {
      problems.push({ path: ['fields', i, 'name'], code: 'DUPLICATE_VARIABLE', message: `Field '${f.name}' is declared twice.` });
    } else {
      seen.add(f.name);
    }
    if (!f) return;
    if (!isVariableType(f.type) || !USER_TASK_FIELD_TYPES.includes(f.type)) {
      problems.push({
        path: ['fields', i, 'type'],
        code: 'INVALID_TYPE',
        message: `Field ${describeValue((f.name ?? null) as JsonValue)} has type ${describeValue((f.type ?? null) as JsonValue)}; a user task field is ${USER_TASK_FIELD_TYPES.join(', ')}.`,
      });
    }
    for (const key of ['displayName', 'description'] as const) {
      if (f[key] !== undefined && typeof f[key] !== 'string') problems.push({ path: ['fields', i, key], code: 'MISSING_FIELD', message: `${key} of a field must be text.` });
    }
    if (f.required !== undefined && typeof f.required !== 'boolean') {
      problems.push({ path: ['fields', i, 'required'], code: 'MISSING_FIELD', message: 'required of a field must be true or false.' });
    }
  });
  return problems;
}
