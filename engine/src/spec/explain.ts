import { compare, COMPARATORS } from '../values/compare.ts';
import type { Comparator } from '../values/compare.ts';
import { parseJsonPath, readPath } from '../values/json-path.ts';
import { castValue } from '../values/cast.ts';
import { formatString } from '../values/format-string.ts';
import { expressionType, mutate, MUTATION_TYPES, sizeOf } from '../values/mutate.ts';
import type { MutationType } from '../values/mutate.ts';
import { isJsonObject, isVariableType, kindOf } from '../values/value.ts';
import type { JsonValue, VariableType } from '../values/value.ts';
import type { Condition, ThreadSpec } from './types.ts';

/** Whether an edge's (or a WAIT_FOR_CONDITION's) condition holds for some values, and why, in words. */
export interface ConditionExplanation {
  /** undefined when the condition cannot be evaluated: a WfRun would fail the node with VAR_SUB_ERROR there. */
  readonly holds: boolean | undefined;
  /** The left side's value; undefined when it cannot be read. */
  readonly left: JsonValue | undefined;
  /** The right side's value; undefined when it cannot be read. */
  readonly right: JsonValue | undefined;
  /** `amount (500) > 100: holds`, or `amount (not set) > 100: cannot be evaluated: variable 'amount' is not set`. */
  readonly text: string;
}

/** The outputs a thread keeps, by node name (ThreadRunState.nodeOutputs, without the masks). */
type NodeOutputs = Readonly<Record<string, JsonValue>> | undefined;

const SYMBOLS: Readonly<Record<Comparator, string>> = {
  LESS_THAN: '<',
  GREATER_THAN: '>',
  LESS_THAN_EQ: '<=',
  GREATER_THAN_EQ: '>=',
  EQUALS: '==',
  NOT_EQUALS: '!=',
  IN: 'in',
  NOT_IN: 'not in',
};

/** A side as read: its value, or why there is none (`unset` when there is nothing to read, not a mistake in reading it). */
type Read = { readonly ok: true; readonly value: JsonValue; readonly type?: VariableType | undefined } | { readonly ok: false; readonly why: string; readonly unset?: true };

/** Where sides read from: the values in scope, the node outputs, and the variables' declared types where known. */
interface From {
  readonly variables: Readonly<Record<string, JsonValue>>;
  readonly nodeOutput: JsonValue | undefined;
  readonly nodeOutputs: NodeOutputs;
  readonly types: VariableTypes;
}

/** The declared types of the variables in scope, by name; a name missing is typed by its value's JSON. */
export type VariableTypes = Readonly<Record<string, VariableType>> | undefined;

/**
 * Evaluates `condition` against `variables` (the values in scope, by name) as the engine does (`compare` for the
 * comparison, `readPath` for JSON paths) and says why it holds or not. A variable missing from `variables` is not
 * set, which the engine treats as out of scope. `nodeOutput` serves a NODE_OUTPUT side, which a draft may hold though
 * validateWfSpec rejects it in a condition; `nodeOutputs` (the thread's, by node name) a NODE_OUTPUT_REFERENCE side,
 * one missing from it not set yet. Pure and total: a malformed condition is explained, never thrown.
 */
export function explainCondition(
  condition: Condition,
  variables: Readonly<Record<string, JsonValue>>,
  nodeOutput?: JsonValue,
  nodeOutputs?: NodeOutputs,
  types?: VariableTypes,
): ConditionExplanation {
  const from: From = { variables, nodeOutput, nodeOutputs, types };
  const loose: unknown = condition;
  if (!isJsonObject(loose)) {
    return { holds: undefined, left: undefined, right: undefined, text: 'cannot be evaluated: a condition needs a comparator, a left and a right side' };
  }
  if (loose.type !== undefined) {
    // A BOOL value (LittleHorse's condition): read as a whole; `left` is what it read.
    const read = readSide(loose, from);
    const shown = shownSide(loose, read);
    if (!read.ok) return { holds: undefined, left: undefined, right: undefined, text: `${shown}: cannot be evaluated: ${read.why}` };
    if (typeof read.value !== 'boolean') return { holds: undefined, left: read.value, right: undefined, text: `${shown}: cannot be evaluated: the condition must be a BOOL` };
    return { holds: read.value, left: read.value, right: undefined, text: `${shown}: ${read.value ? 'holds' : 'does not hold'}` };
  }
  const left = readSide(loose.left, from);
  const right = readSide(loose.right, from);
  const leftValue = left.ok ? left.value : undefined;
  const rightValue = right.ok ? right.value : undefined;
  const shown = `${shownSide(loose.left, left)} ${comparatorText(loose.comparator)} ${shownSide(loose.right, right)}`;
  const cannot = (why: string): ConditionExplanation => ({ holds: undefined, left: leftValue, right: rightValue, text: `${shown}: cannot be evaluated: ${why}` });
  if (!left.ok) return cannot(left.why);
  if (!right.ok) return cannot(right.why);
  if (!isComparator(loose.comparator)) return cannot(`unknown comparator ${json(loose.comparator)}`);
  const result = compare(left.value, loose.comparator, right.value);
  if (!result.ok) return cannot(result.message);
  return { holds: result.value, left: left.value, right: right.value, text: `${shown}: ${result.value ? 'holds' : 'does not hold'}` };
}

/**
 * The declared type of each variable the threads declare, by name, for explainCondition's `types`; a name declared
 * with two types in two threads is left out (its value's JSON then tells its type).
 */
export function variableTypesOf(threads: Iterable<Pick<ThreadSpec, 'variableDefs'> | undefined>): Readonly<Record<string, VariableType>> {
  const types = new Map<string, VariableType | null>();
  for (const thread of threads) {
    for (const def of thread?.variableDefs ?? []) {
      const known = types.get(def.name);
      types.set(def.name, known === undefined || known === def.type ? def.type : null);
    }
  }
  return Object.fromEntries([...types].filter((entry): entry is [string, VariableType] => entry[1] !== null));
}

/** A condition in words without values, `amount > 100`, for messages about a spec. Total on malformed input. */
export function conditionText(condition: unknown): string {
  if (!isJsonObject(condition)) return '(no condition)';
  if (condition.type !== undefined) return assignmentText(condition);
  return `${sideText(condition.left)} ${comparatorText(condition.comparator)} ${sideText(condition.right)}`;
}

function isComparator(value: unknown): value is Comparator {
  return typeof value === 'string' && (COMPARATORS as readonly string[]).includes(value);
}

function comparatorText(comparator: unknown): string {
  return isComparator(comparator) ? SYMBOLS[comparator] : `${json(comparator)}?`;
}

/** How a side is written: a variable by name (a JSON path follows it, `order.total`), a literal as JSON. */
function sideText(side: unknown): string {
  return assignmentText(side);
}

const OPERATION_SYMBOLS: Readonly<Record<string, string>> = { ADD: '+', SUBTRACT: '-', MULTIPLY: '*', DIVIDE: '/', POW: '^', AND: 'and', OR: 'or' };

/**
 * Where a value comes from, in words, for the editor and for messages: `name`, `order.total`, `"text"`,
 * `format("Hello {0}", name)`, `(count + 1)`, `age as INT`, `output('1-charge-TASK').id` (an earlier node's output). Total on malformed input: what is missing reads `?`.
 */
export function assignmentText(source: unknown): string {
  if (!isJsonObject(source)) return '?';
  const text = sourceText(source);
  return typeof source.targetType === 'string' ? `${text} as ${source.targetType}` : text;
}

function sourceText(side: { readonly [key: string]: unknown }): string {
  if (side.type === 'LITERAL') return valueText((side.value ?? null) as JsonValue);
  const path = typeof side.jsonPath === 'string' ? (side.jsonPath.startsWith('$') ? side.jsonPath.slice(1) : `[${side.jsonPath}]`) : '';
  if (side.type === 'VARIABLE') return `${typeof side.variableName === 'string' ? side.variableName : '?'}${path}`;
  if (side.type === 'NODE_OUTPUT') return `output${path}`;
  if (side.type === 'NODE_OUTPUT_REFERENCE') return `output(${typeof side.nodeName === 'string' ? `'${side.nodeName}'` : '?'})${path}`;
  if (side.type === 'FORMAT_STRING') {
    const args = Array.isArray(side.args) ? side.args.map(assignmentText) : [];
    return `format(${[assignmentText(side.format), ...args].join(', ')})`;
  }
  if (side.type === 'EXPRESSION') {
    const operation = typeof side.operation === 'string' ? (OPERATION_SYMBOLS[side.operation] ?? side.operation.toLowerCase()) : undefined;
    const symbol = operation ?? (side.comparator === undefined ? '?' : comparatorText(side.comparator));
    return `(${assignmentText(side.lhs)} ${symbol} ${assignmentText(side.rhs)})`;
  }
  if (side.type === 'SIZE_OF') return `size(${assignmentText(side.operand)})`;
  return '?';
}

/** A side with its value in brackets when it is read from somewhere; a literal is its own value. */
function shownSide(side: unknown, read: Read): string {
  if (isJsonObject(side) && side.type === 'LITERAL' && side.targetType === undefined) return sideText(side);
  return `${sideText(side)} (${read.ok ? valueText(read.value) : read.unset ? 'not set' : '?'})`;
}

function valueText(value: JsonValue): string {
  const text = json(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** JSON text of what a draft holds; '?' for what JSON cannot write (a BigInt, a cycle), since explaining must not throw. */
function json(value: unknown): string {
  try {
    return JSON.stringify(value ?? null) ?? '?';
  } catch {
    return '?';
  }
}

/**
 * Reads a side as the engine's evaluate does: a missing JSON path step reads NULL, a bad path is an error; format
 * strings and expressions are computed from their parts, and a cast applied last. A variable is of its declared type
 * where `from.types` gives it, as in the engine (a DOUBLE variable holding 10 divides as a DOUBLE); otherwise its
 * value's JSON tells its type.
 */
function readSide(side: unknown, from: From): Read {
  const read = readUncast(side, from);
  if (!read.ok || !isJsonObject(side) || side.targetType === undefined) return read;
  if (!isVariableType(side.targetType)) return { ok: false, why: `a cast to unknown type ${json(side.targetType)}` };
  const cast = castValue(read.value, side.targetType, read.type);
  return cast.ok ? { ok: true, value: cast.value, type: side.targetType } : { ok: false, why: cast.message };
}

function readUncast(side: unknown, from: From): Read {
  if (!isJsonObject(side)) return { ok: false, why: 'a side of the condition is missing' };
  const { variables, nodeOutput, nodeOutputs, types } = from;
  let root: JsonValue;
  switch (side.type) {
    case 'LITERAL':
      return side.value === undefined ? { ok: false, why: 'a LITERAL side has no value' } : { ok: true, value: side.value };
    case 'VARIABLE': {
      const name = side.variableName;
      if (typeof name !== 'string') return { ok: false, why: 'a VARIABLE side names no variable' };
      // Own keys only: a variable called "constructor" must not find Object.prototype's.
      const value = isJsonObject(variables) && Object.hasOwn(variables, name) ? variables[name] : undefined;
      if (value === undefined) return { ok: false, why: `variable '${name}' is not set`, unset: true };
      if (side.jsonPath === undefined) return { ok: true, value, type: types && Object.hasOwn(types, name) ? types[name] : undefined };
      root = value;
      break;
    }
    case 'NODE_OUTPUT':
      if (nodeOutput === undefined) return { ok: false, why: 'the node has no output', unset: true };
      root = nodeOutput;
      break;
    case 'NODE_OUTPUT_REFERENCE': {
      const name = side.nodeName;
      if (typeof name !== 'string') return { ok: false, why: 'a node output names no node' };
      const value = isJsonObject(nodeOutputs) && Object.hasOwn(nodeOutputs, name) ? nodeOutputs[name] : undefined;
      if (value === undefined) return { ok: false, why: `node '${name}' has no output yet`, unset: true };
      root = value;
      break;
    }
    case 'FORMAT_STRING': {
      const template = readSide(side.format, from);
      if (!template.ok) return template;
      if (typeof template.value !== 'string') return { ok: false, why: `the template of a format string is ${json(template.value)}, not a STR` };
      const args: JsonValue[] = [];
      for (const arg of Array.isArray(side.args) ? side.args : []) {
        const value = readSide(arg, from);
        if (!value.ok) return value;
        args.push(value.value);
      }
      const formatted = formatString(template.value, args);
      return formatted.ok ? { ok: true, value: formatted.value, type: 'STR' } : { ok: false, why: formatted.message };
    }
    case 'EXPRESSION': {
      const lhs = readSide(side.lhs, from);
      if (!lhs.ok) return lhs;
      const rhs = readSide(side.rhs, from);
      if (!rhs.ok) return rhs;
      if (side.comparator !== undefined) {
        if (!isComparator(side.comparator)) return { ok: false, why: `unknown comparator ${json(side.comparator)}` };
        const compared = compare(lhs.value, side.comparator, rhs.value);
        return compared.ok ? { ok: true, value: compared.value, type: 'BOOL' } : { ok: false, why: compared.message };
      }
      const operation = side.operation;
      if (typeof operation !== 'string' || !(MUTATION_TYPES as readonly string[]).includes(operation)) return { ok: false, why: `unknown operation ${json(operation)}` };
      const kind = (read: { value: JsonValue; type?: VariableType | undefined }) => read.type ?? (read.value === null ? undefined : (kindOf(read.value) as VariableType));
      // As the engine's expressionOf: no type to compute in, or a NULL left side to anything but ASSIGN, fails.
      const type = expressionType(kind(lhs), kind(rhs));
      if (type === undefined || (operation !== 'ASSIGN' && lhs.value === null)) return { ok: false, why: `${operation} has a NULL left side` };
      const result = mutate(type, lhs.value, operation as MutationType, rhs.value);
      return result.ok ? { ok: true, value: result.value, type } : { ok: false, why: result.message };
    }
    case 'SIZE_OF': {
      const operand = readSide(side.operand, from);
      if (!operand.ok) return operand;
      const size = sizeOf(operand.value, operand.type);
      return size.ok ? { ok: true, value: size.value, type: 'INT' } : { ok: false, why: size.message };
    }
    default:
      return { ok: false, why: `a side has unknown source type ${json(side.type)}` };
  }
  if (side.jsonPath === undefined) return { ok: true, value: root };
  if (typeof side.jsonPath !== 'string') return { ok: false, why: 'a JSON path must be a string' };
  const parsed = parseJsonPath(side.jsonPath);
  if (!parsed.ok) return { ok: false, why: parsed.message };
  // As the engine reads it (assignments.ts atPath): a path into NULL fails the node.
  if (root === null) return { ok: false, why: `there is no ${side.jsonPath} in NULL` };
  return { ok: true, value: readPath(root, parsed.steps) };
}
