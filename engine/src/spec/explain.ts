import { compare, COMPARATORS } from '../values/compare.ts';
import type { Comparator } from '../values/compare.ts';
import { parseJsonPath, readPath } from '../values/json-path.ts';
import { isJsonObject } from '../values/value.ts';
import type { JsonValue } from '../values/value.ts';
import type { EdgeCondition } from './types.ts';

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
 * validateWfSpec rejects it in a condition. Pure and total: a malformed condition is explained, never thrown.
 */
export function explainCondition(
  condition: EdgeCondition,
  variables: Readonly<Record<string, JsonValue>>,
  nodeOutput?: JsonValue,
): ConditionExplanation {
  const loose: unknown = condition;
  if (!isJsonObject(loose)) {
    return { holds: undefined, left: undefined, right: undefined, text: 'cannot be evaluated: a condition needs a comparator, a left and a right side' };
  }
  const left = readSide(loose.left, variables, nodeOutput);
  const right = readSide(loose.right, variables, nodeOutput);
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
  if (!isJsonObject(side)) return '?';
  if (side.type === 'LITERAL') return valueText(side.value ?? null);
  const path = typeof side.jsonPath === 'string' ? (side.jsonPath.startsWith('$') ? side.jsonPath.slice(1) : `[${side.jsonPath}]`) : '';
  if (side.type === 'VARIABLE') return `${typeof side.variableName === 'string' ? side.variableName : '?'}${path}`;
  if (side.type === 'NODE_OUTPUT') return `output${path}`;
  return '?';
}

/** A side with its value in brackets when it is read from somewhere; a literal is its own value. */
function shownSide(side: unknown, read: Read): string {
  if (isJsonObject(side) && side.type === 'LITERAL') return sideText(side);
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

/** Reads a side as the engine's evaluate does: a missing JSON path step reads NULL, a bad path is an error. */
function readSide(side: unknown, variables: Readonly<Record<string, JsonValue>>, nodeOutput: JsonValue | undefined): Read {
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
