import { isJsonObject } from '../values/value.ts';
import type { Condition, EdgeCondition } from './types.ts';

/** What an assignment reads: variables by name, node outputs by name (NODE_OUTPUT_REFERENCE), and whether NODE_OUTPUT. */
export interface Reads {
  readonly variables: readonly string[];
  readonly nodeOutputs: readonly string[];
  /** Whether it reads the output of the node an edge leaves (NODE_OUTPUT), as an edge mutation's right side may. */
  readonly nodeOutput: boolean;
}

const NOTHING: Reads = { variables: [], nodeOutputs: [], nodeOutput: false };

/**
 * Everything an assignment reads, its format string's and expression's parts and a legacy condition's sides
 * included: a value made from a masked variable or a masked node output (a format string that quotes it, say) is as
 * secret as what it reads. One walk, for every question asked of a source. Total on malformed input.
 */
export function readsOf(source: unknown): Reads {
  // The usual cases, read on every TaskRun scheduled, without the walk.
  if (!isJsonObject(source) || source.type === 'LITERAL') return NOTHING;
  if (source.type === 'VARIABLE') return typeof source.variableName === 'string' ? { variables: [source.variableName], nodeOutputs: [], nodeOutput: false } : NOTHING;
  const variables: string[] = [];
  const nodeOutputs: string[] = [];
  let nodeOutput = false;
  const stack: unknown[] = [source];
  for (let next = stack.pop(); stack.length > 0 || next !== undefined; next = stack.pop()) {
    if (!isJsonObject(next)) continue;
    if (next.type === 'VARIABLE' && typeof next.variableName === 'string') variables.push(next.variableName);
    if (next.type === 'NODE_OUTPUT_REFERENCE' && typeof next.nodeName === 'string') nodeOutputs.push(next.nodeName);
    if (next.type === 'NODE_OUTPUT') nodeOutput = true;
    if (next.type === 'FORMAT_STRING') stack.push(next.format, ...(Array.isArray(next.args) ? next.args : []));
    if (next.type === 'EXPRESSION') stack.push(next.lhs, next.rhs);
    if (next.type === 'SIZE_OF') stack.push(next.operand);
    // A legacy condition: both its sides.
    if (next.type === undefined && 'comparator' in next) stack.push(next.left, next.right);
  }
  return { variables, nodeOutputs, nodeOutput };
}

/** The variables an assignment reads (readsOf). */
export function variablesRead(source: unknown): string[] {
  return [...readsOf(source).variables];
}

/** The nodes whose outputs an assignment reads by name, NODE_OUTPUT_REFERENCE (readsOf). */
export function nodeOutputsRead(source: unknown): string[] {
  return [...readsOf(source).nodeOutputs];
}

/**
 * The names of the nodes whose outputs some assignment of `thread` (a ThreadSpec) reads by NODE_OUTPUT_REFERENCE,
 * wherever it is: inputs, conditions, mutations, format arguments. A walk of the whole ThreadSpec: callers keep the
 * answer once per WfSpec version (prepareWfSpec).
 */
export function nodeOutputsReferenced(thread: object): ReadonlySet<string> {
  const found = new Set<string>();
  const stack: unknown[] = [thread];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (Array.isArray(next)) stack.push(...next);
    else if (isJsonObject(next)) {
      if (next.type === 'NODE_OUTPUT_REFERENCE' && typeof next.nodeName === 'string') found.add(next.nodeName);
      stack.push(...Object.values(next));
    }
  }
  return found;
}

/** Whether a condition is `left comparator right` (LittleHorse's legacy_condition) rather than a BOOL value. */
export function isLegacyCondition(condition: Condition): condition is EdgeCondition {
  return !('type' in condition);
}
