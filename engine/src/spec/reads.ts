import { isJsonObject } from '../values/value.ts';
import type { Condition, EdgeCondition } from './types.ts';

/**
 * The variables an assignment reads, its format string's and expression's parts included: a value made from a
 * masked variable (a format string that quotes it, say) is as secret as the variable. Total on malformed input.
 */
export function variablesRead(source: unknown): string[] {
  // The usual cases, read on every TaskRun scheduled, without the walk.
  if (isJsonObject(source) && source.type === 'LITERAL') return [];
  if (isJsonObject(source) && source.type === 'VARIABLE') return typeof source.variableName === 'string' ? [source.variableName] : [];
  const names: string[] = [];
  const stack: unknown[] = [source];
  for (let next = stack.pop(); stack.length > 0 || next !== undefined; next = stack.pop()) {
    if (!isJsonObject(next)) continue;
    if (next.type === 'VARIABLE' && typeof next.variableName === 'string') names.push(next.variableName);
    if (next.type === 'FORMAT_STRING') stack.push(next.format, ...(Array.isArray(next.args) ? next.args : []));
    if (next.type === 'EXPRESSION') stack.push(next.lhs, next.rhs);
    if (next.type === 'SIZE_OF') stack.push(next.operand);
    // A legacy condition: both its sides.
    if (next.type === undefined && 'comparator' in next) stack.push(next.left, next.right);
  }
  return names;
}

/**
 * The nodes whose outputs an assignment reads by name (NODE_OUTPUT_REFERENCE), its format string's and expression's
 * parts included: a value made from a masked TaskDef's output is as secret as the output. Total on malformed input.
 */
export function nodeOutputsRead(source: unknown): string[] {
  if (isJsonObject(source) && (source.type === 'LITERAL' || source.type === 'VARIABLE')) return [];
  const names: string[] = [];
  const stack: unknown[] = [source];
  for (let next = stack.pop(); stack.length > 0 || next !== undefined; next = stack.pop()) {
    if (!isJsonObject(next)) continue;
    if (next.type === 'NODE_OUTPUT_REFERENCE' && typeof next.nodeName === 'string') names.push(next.nodeName);
    if (next.type === 'FORMAT_STRING') stack.push(next.format, ...(Array.isArray(next.args) ? next.args : []));
    if (next.type === 'EXPRESSION') stack.push(next.lhs, next.rhs);
    if (next.type === 'SIZE_OF') stack.push(next.operand);
    if (next.type === undefined && 'comparator' in next) stack.push(next.left, next.right);
  }
  return names;
}

/**
 * Whether an edge mutation's right side reads the output of the node the edge leaves (NODE_OUTPUT), its format
 * string's and expression's parts included. Total on malformed input.
 */
export function readsNodeOutput(source: unknown): boolean {
  const stack: unknown[] = [source];
  for (let next = stack.pop(); stack.length > 0 || next !== undefined; next = stack.pop()) {
    if (!isJsonObject(next)) continue;
    if (next.type === 'NODE_OUTPUT') return true;
    if (next.type === 'FORMAT_STRING') stack.push(next.format, ...(Array.isArray(next.args) ? next.args : []));
    if (next.type === 'EXPRESSION') stack.push(next.lhs, next.rhs);
    if (next.type === 'SIZE_OF') stack.push(next.operand);
  }
  return false;
}

/** Per ThreadSpec, the nodes some assignment in it reads by name. A memo of a pure function of a spec, never changed. */
const referencedByThread = new WeakMap<object, ReadonlySet<string>>();

/**
 * The names of the nodes whose outputs some assignment of `thread` (a ThreadSpec) reads by NODE_OUTPUT_REFERENCE,
 * wherever it is: inputs, conditions, mutations, format arguments.
 */
export function nodeOutputsReferenced(thread: object): ReadonlySet<string> {
  let names = referencedByThread.get(thread);
  if (!names) {
    const found = new Set<string>();
    const stack: unknown[] = [thread];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      if (Array.isArray(next)) stack.push(...next);
      else if (isJsonObject(next)) {
        if (next.type === 'NODE_OUTPUT_REFERENCE' && typeof next.nodeName === 'string') found.add(next.nodeName);
        stack.push(...Object.values(next));
      }
    }
    names = found;
    referencedByThread.set(thread, names);
  }
  return names;
}

/** Whether a condition is `left comparator right` (LittleHorse's legacy_condition) rather than a BOOL value. */
export function isLegacyCondition(condition: Condition): condition is EdgeCondition {
  return !('type' in condition);
}
