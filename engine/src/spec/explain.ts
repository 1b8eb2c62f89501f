import { compare, COMPARATORS } from '../values/compare.ts';
import type { Comparator } from '../values/compare.ts';
import { parseJsonPath, readPath } from '../values/json-path.ts';
import { castValue } from '../values/cast.ts';
import { formatString } from '../values/format-string.ts';
import { expressionType, mutate, MUTATION_TYPES, sizeOf } from '../values/mutate.ts';
import type { MutationType } from '../values/mutate.ts';
import { isJsonObject, isVariableType, kindOf } from '../values/value.ts';
import type { JsonValue, VariableType } from '../values/value.ts';
import type { Condition } from './types.ts';

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
type Read = { readonly ok: true; readonly value: JsonValue } | { readonly ok: false; readonly why: string; readonly unset?: true };

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
): ConditionExplanation {
  const loose: unknown = condition;
  if (!isJsonObject(loose)) {
    return { holds: undefined, left: undefined, right: undefined, text: 'cannot be evaluated: a condition needs a comparator, a left and a right side' };
  }
  if (loose.type !== undefined) {
    // A BOOL value (LittleHorse's condition): read as a whole; `left` is what it read.
    const read = readSide(loose, variables, nodeOutput, nodeOutputs);
    const shown = shownSide(loose, read);
    if (!read.ok) return { holds: undefined, left: undefined, right: undefined, text: `${shown}: cannot be evaluated: ${read.why}` };
    if (typeof read.value !== 'boolean') return { holds: undefined, left: read.value, right: undefined, text: `${shown}: cannot be evaluated: the condition must be a BOOL` };
    return { holds: read.value, left: read.value, right: undefined, text: `${shown}: ${read.value ? 'holds' : 'does not hold'}` };
  }
  const left = readSide(loose.left, variables, nodeOutput, nodeOutputs);
  const right = readSide(loose.right, variables, nodeOutput, nodeOutputs);
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
 * strings and expressions are computed from their parts, and a cast applied last. Without declared types, a value's
 * JSON tells its type (a DOUBLE variable holding 2 reads as an INT here).
 */
function readSide(side: unknown, variables: Readonly<Record<string, JsonValue>>, nodeOutput: JsonValue | undefined, nodeOutputs: NodeOutputs): Read {
  const read = readUncast(side, variables, nodeOutput, nodeOutputs);
  if (!read.ok || !isJsonObject(side) || side.targetType === undefined) return read;
  if (!isVariableType(side.targetType)) return { ok: false, why: `a cast to unknown type ${json(side.targetType)}` };
  const cast = castValue(read.value, side.targetType);
  return cast.ok ? { ok: true, value: cast.value } : { ok: false, why: cast.message };
}

function readUncast(side: unknown, variables: Readonly<Record<string, JsonValue>>, nodeOutput: JsonValue | undefined, nodeOutputs: NodeOutputs): Read {
  if (!isJsonObject(side)) return { ok: false, why: 'a side of the condition is missing' };
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
      const template = readSide(side.format, variables, nodeOutput, nodeOutputs);
      if (!template.ok) return template;
      if (typeof template.value !== 'string') return { ok: false, why: `the template of a format string is ${json(template.value)}, not a STR` };
      const args: JsonValue[] = [];
      for (const arg of Array.isArray(side.args) ? side.args : []) {
        const value = readSide(arg, variables, nodeOutput, nodeOutputs);
        if (!value.ok) return value;
        args.push(value.value);
      }
      const formatted = formatString(template.value, args);
      return formatted.ok ? formatted : { ok: false, why: formatted.message };
    }
    case 'EXPRESSION': {
      const lhs = readSide(side.lhs, variables, nodeOutput, nodeOutputs);
      if (!lhs.ok) return lhs;
      const rhs = readSide(side.rhs, variables, nodeOutput, nodeOutputs);
      if (!rhs.ok) return rhs;
      if (side.comparator !== undefined) {
        if (!isComparator(side.comparator)) return { ok: false, why: `unknown comparator ${json(side.comparator)}` };
        const compared = compare(lhs.value, side.comparator, rhs.value);
        return compared.ok ? compared : { ok: false, why: compared.message };
      }
      const operation = side.operation;
      if (typeof operation !== 'string' || !(MUTATION_TYPES as readonly string[]).includes(operation)) return { ok: false, why: `unknown operation ${json(operation)}` };
      if (lhs.value === null) return { ok: false, why: `${operation} has a NULL left side` };
      const kind = (value: JsonValue) => (value === null ? undefined : (kindOf(value) as VariableType));
      const type = expressionType(kind(lhs.value), kind(rhs.value)) ?? 'STR';
      const result = mutate(type, lhs.value, operation as MutationType, rhs.value);
      return result.ok ? result : { ok: false, why: result.message };
    }
    case 'SIZE_OF': {
      const operand = readSide(side.operand, variables, nodeOutput, nodeOutputs);
      if (!operand.ok) return operand;
      const size = sizeOf(operand.value);
      return size.ok ? size : { ok: false, why: size.message };
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
