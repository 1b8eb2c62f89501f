import type { Comparator } from '../values/compare.ts';
import { boolVerdict, comparisonVerdict, evaluateAssignment, isComparator } from '../values/evaluate.ts';
import type { Evaluation, ValueReader } from '../values/evaluate.ts';
import { isJsonObject } from '../values/value.ts';
import type { JsonValue, VariableType } from '../values/value.ts';
import { isLegacyCondition } from './reads.ts';
import type { Condition, ThreadSpec, VariableAssignment } from './types.ts';

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

/** The declared types of the variables in scope, by name; a name missing is typed by its value's JSON. */
export type VariableTypes = Readonly<Record<string, VariableType>> | undefined;

/** What else explainCondition knows of where the values come from. */
export interface ExplainOptions {
  /**
   * The ThreadRun whose node outputs `nodeOutputs` holds has ended: a node missing from them gave none while it ran,
   * and never will, rather than not yet.
   */
  readonly threadEnded?: boolean | undefined;
}

/**
 * Evaluates `condition` against `variables` (the values in scope, by name) with the engine's own evaluator
 * (values/evaluate.ts), so it reaches the engine's verdict, and says why in words. A variable missing from `variables`
 * is not set, which the engine treats as out of scope; one in `types` is read at its declared type, as the engine
 * reads it (a DOUBLE variable holding 10 divides as a DOUBLE). `nodeOutput` serves a NODE_OUTPUT side, which a draft
 * may hold though validateWfSpec rejects it in a condition (none reads NULL, as in the engine); `nodeOutputs` (the
 * thread's, by node name) a NODE_OUTPUT_REFERENCE side, one missing from it not set yet (or never, with
 * `options.threadEnded`). Where the engine would fail the node, the text gives the engine's reason. Pure and total: a
 * malformed condition is explained, never thrown.
 */
export function explainCondition(
  condition: Condition,
  variables: Readonly<Record<string, JsonValue>>,
  nodeOutput?: JsonValue,
  nodeOutputs?: NodeOutputs,
  types?: VariableTypes,
  options: ExplainOptions = {},
): ConditionExplanation {
  const loose: unknown = condition;
  if (!isJsonObject(loose)) {
    return { holds: undefined, left: undefined, right: undefined, text: 'cannot be evaluated: a condition needs a comparator, a left and a right side' };
  }
  const reader = new ShownValues(variables, nodeOutput, nodeOutputs, types, options.threadEnded === true);
  if (!isLegacyCondition(loose as unknown as Condition)) {
    // A BOOL value (LittleHorse's condition): read as a whole; `left` is what it read.
    const read = reader.read(loose);
    const shown = shownSide(loose, read);
    if (!read.ok) return { holds: undefined, left: undefined, right: undefined, text: `${shown}: cannot be evaluated: ${read.message}` };
    const verdict = boolVerdict(read.value);
    if (!verdict.ok) return { holds: undefined, left: read.value, right: undefined, text: `${shown}: cannot be evaluated: ${verdict.message}` };
    return { holds: verdict.value, left: read.value, right: undefined, text: `${shown}: ${verdict.value ? 'holds' : 'does not hold'}` };
  }
  // Both sides are read, to show both values; the engine stops at the first that fails, which is the one named.
  const left = reader.read(loose.left);
  const right = reader.read(loose.right);
  const leftValue = left.ok ? left.value : undefined;
  const rightValue = right.ok ? right.value : undefined;
  const shown = `${shownSide(loose.left, left)} ${comparatorText(loose.comparator)} ${shownSide(loose.right, right)}`;
  const cannot = (why: string): ConditionExplanation => ({ holds: undefined, left: leftValue, right: rightValue, text: `${shown}: cannot be evaluated: ${why}` });
  if (!left.ok) return cannot(left.message);
  if (!right.ok) return cannot(right.message);
  const verdict = comparisonVerdict(left, loose.comparator, right);
  if (!verdict.ok) return cannot(verdict.message);
  return { holds: verdict.value, left: left.value, right: right.value, text: `${shown}: ${verdict.value ? 'holds' : 'does not hold'}` };
}

/** A side as read, and whether it failed for want of a value (`not set`) rather than a mistake in reading it. */
type Read = Evaluation & { readonly unset?: boolean };

/** The values the UI shows, read as the engine reads a ThreadRun's; it notes a read that finds nothing, to say `not set`. */
class ShownValues implements ValueReader {
  private readonly variables: Readonly<Record<string, JsonValue>>;
  private readonly types: VariableTypes;
  private readonly outputs: NodeOutputs;
  private readonly threadEnded: boolean;
  readonly nodeOutput: JsonValue | undefined;
  private missed = false;

  constructor(variables: Readonly<Record<string, JsonValue>>, nodeOutput: JsonValue | undefined, outputs: NodeOutputs, types: VariableTypes, threadEnded: boolean) {
    this.variables = variables;
    this.nodeOutput = nodeOutput;
    this.outputs = outputs;
    this.types = types;
    this.threadEnded = threadEnded;
  }

  /** `side` evaluated; a side read afresh, so `unset` is its own. */
  read(side: unknown): Read {
    this.missed = false;
    const read = evaluateAssignment(side as VariableAssignment, this);
    return read.ok ? read : { ...read, unset: this.missed };
  }

  variable(name: string): JsonValue | undefined {
    // Own keys only: a variable called "constructor" must not find Object.prototype's.
    const value = typeof name === 'string' && isJsonObject(this.variables) && Object.hasOwn(this.variables, name) ? this.variables[name] : undefined;
    if (value === undefined) this.missed = true;
    return value;
  }

  variableType(name: string): VariableType | undefined {
    return this.types && Object.hasOwn(this.types, name) ? this.types[name] : undefined;
  }

  nodeOutputOf(nodeName: string): JsonValue | undefined {
    const value = typeof nodeName === 'string' && isJsonObject(this.outputs) && Object.hasOwn(this.outputs, nodeName) ? this.outputs[nodeName] : undefined;
    if (value === undefined) this.missed = true;
    return value;
  }

  notInScope(name: string): string {
    return typeof name === 'string' ? `variable '${name}' is not set` : 'a VARIABLE side names no variable';
  }

  noOutput(nodeName: string): string {
    if (typeof nodeName !== 'string') return 'a node output names no node';
    return this.threadEnded ? `node '${nodeName}' gave no output before its ThreadRun ended` : `node '${nodeName}' has no output yet`;
  }

  // The values the UI shows are masked already (`*****`): none of them is a secret to keep out of the words.
  isMaskedVariable(): boolean {
    return false;
  }

  isMaskedOutput(): boolean {
    return false;
  }
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
  return `${assignmentText(condition.left)} ${comparatorText(condition.comparator)} ${assignmentText(condition.right)}`;
}

function comparatorText(comparator: unknown): string {
  return isComparator(comparator) ? SYMBOLS[comparator] : `${json(comparator)}?`;
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
  if (isJsonObject(side) && side.type === 'LITERAL' && side.targetType === undefined) return assignmentText(side);
  return `${assignmentText(side)} (${read.ok ? valueText(read.value) : read.unset ? 'not set' : '?'})`;
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
