import { own } from '../spec/own.ts';
import { isLegacyCondition, nodeOutputsRead, variablesRead } from '../spec/reads.ts';
import type { Condition, ExpressionAssignment, FormatStringAssignment, MutationSource, VariableAssignment, VariableMutation } from '../spec/types.ts';
import { castValue } from '../values/cast.ts';
import { formatString } from '../values/format-string.ts';
import { compare } from '../values/compare.ts';
import { parseJsonPath, readPath, writePath } from '../values/json-path.ts';
import { expressionType, mutate, sizeOf } from '../values/mutate.ts';
import { aType, describeValue, isJsonObject, isValueOfType, MAX_NESTING, nestsDeeperThan, widen } from '../values/value.ts';
import type { JsonValue, VariableType } from '../values/value.ts';
import type { Failure } from './failure.ts';
import type { Session } from './session.ts';
import type { ThreadRunState } from './state.ts';

export type Evaluated = { readonly ok: true; readonly value: JsonValue } | { readonly ok: false; readonly failure: Failure };

/** A value with the type the spec gives it, when it gives one (a variable's declared type, a cast's target, a STR from a format). */
type Typed = { readonly ok: true; readonly value: JsonValue; readonly type: VariableType | undefined } | { readonly ok: false; readonly failure: Failure };

/**
 * Resolves where a value comes from, as seen from `thread`, then casts it to its `targetType` when it has one.
 * `nodeOutput` serves NODE_OUTPUT sources, also inside a format string or an expression of a mutation; a
 * NODE_OUTPUT_REFERENCE reads the output `thread` keeps of the node it names.
 */
export function evaluate(s: Session, thread: ThreadRunState, source: MutationSource | VariableAssignment, nodeOutput?: JsonValue): Evaluated {
  const typed = evaluateTyped(s, thread, source, nodeOutput, false);
  if (typed.ok) return { ok: true, value: typed.value };
  // A failure's message quotes values (a cast's text, an expression's operands): it goes into events and the API's
  // error messages, which masking does not touch, so one made from a masked variable says which, not what.
  if (!isMaskedSource(s, thread, source)) return typed;
  const names = [...new Set(variablesRead(source).filter((name) => isMaskedVariable(s, thread, name)))].map((name) => `'${name}'`);
  const what = names.length > 0 ? `masked variable ${names.join(', ')}` : 'a masked node output';
  return varSubError(`A value made from ${what} could not be evaluated (${typed.failure.name}); the details would show it, so they are left out.`);
}

/**
 * Whether a value read from `source` by `thread` is a secret: it reads a variable declared masked, or the output of a
 * node that was masked (a masked TaskDef's), as a whole or in part.
 */
export function isMaskedSource(s: Session, thread: ThreadRunState, source: unknown): boolean {
  if (variablesRead(source).some((read) => isMaskedVariable(s, thread, read))) return true;
  return nodeOutputsRead(source).some((name) => own(thread.nodeOutputs, name)?.masked === true);
}

/** Whether the variable `name` seen from `thread` is declared masked. */
export function isMaskedVariable(s: Session, thread: ThreadRunState, name: string): boolean {
  const owner = s.variableOwner(thread, name);
  return owner !== undefined && s.threadSpec(owner).variableDefs?.some((d) => d.name === name && d.masked === true) === true;
}

/** `evaluate` with the value's type; a variable's declared type is looked up only when `needType` or a cast asks. */
function evaluateTyped(s: Session, thread: ThreadRunState, source: MutationSource | VariableAssignment, nodeOutput: JsonValue | undefined, needType = true): Typed {
  // A draft the simulator runs may be half-written; a registered spec was validated.
  if (!isJsonObject(source)) return varSubError('A value has no source: the spec gives nothing to read.');
  const read = readSource(s, thread, source, nodeOutput, needType || source.targetType !== undefined);
  if (!read.ok || source.targetType === undefined) return read;
  const cast = castValue(read.value, source.targetType, read.type);
  return cast.ok ? { ok: true, value: cast.value, type: source.targetType } : varSubError(cast.message);
}

function readSource(s: Session, thread: ThreadRunState, source: MutationSource | VariableAssignment, nodeOutput: JsonValue | undefined, needType: boolean): Typed {
  switch (source.type) {
    case 'LITERAL':
      return { ok: true, value: source.value, type: undefined };
    case 'VARIABLE': {
      const owner = s.variableOwner(thread, source.variableName);
      if (!owner) return varSubError(`Variable '${source.variableName}' is not in scope of ThreadRun ${thread.number}.`);
      const value = atPath(owner.variables[source.variableName] ?? null, source.jsonPath);
      if (!value.ok) return value;
      return { ...value, type: needType && source.jsonPath === undefined ? declaredType(s, owner, source.variableName) : undefined };
    }
    case 'NODE_OUTPUT': {
      const value = atPath(nodeOutput ?? null, source.jsonPath);
      return value.ok ? { ...value, type: undefined } : value;
    }
    case 'NODE_OUTPUT_REFERENCE': {
      // LittleHorse (ThreadRunModel.getNodeOutput): the NodeOutput kept for this ThreadRun and node name, none is
      // "Specified node ... has no output". Only this ThreadRun's: a child thread does not see its parent's nodes.
      const kept = own(thread.nodeOutputs, source.nodeName);
      if (!kept) return varSubError(`Node '${source.nodeName}' has no output in ThreadRun ${thread.number}: it has not completed there yet, or completed without one.`);
      const value = atPath(kept.output, source.jsonPath);
      return value.ok ? { ...value, type: undefined } : varSubError(`The output of node '${source.nodeName}': ${value.failure.message}`);
    }
    case 'FORMAT_STRING':
      return formatOf(s, thread, source, nodeOutput);
    case 'EXPRESSION':
      return expressionOf(s, thread, source, nodeOutput);
    case 'SIZE_OF': {
      const operand = evaluateTyped(s, thread, source.operand, nodeOutput);
      if (!operand.ok) return varSubError(`The operand of size(): ${operand.failure.message}`);
      const size = sizeOf(operand.value, operand.type);
      return size.ok ? { ok: true, value: size.value, type: 'INT' } : varSubError(size.message);
    }
    default:
      return varSubError(`Unknown source type ${describeValue((source as { type?: JsonValue }).type ?? null)}.`);
  }
}

/** LittleHorse's format_string: the template must be a STR; each argument is read in order, then the template filled. */
function formatOf(s: Session, thread: ThreadRunState, source: FormatStringAssignment, nodeOutput: JsonValue | undefined): Typed {
  const template = evaluate(s, thread, source.format, nodeOutput);
  if (!template.ok) return template;
  if (typeof template.value !== 'string') return varSubError(`Format String template isn't a STR; it's ${describeValue(template.value)}.`);
  const args: JsonValue[] = [];
  for (const [i, arg] of (source.args ?? []).entries()) {
    const value = evaluate(s, thread, arg, nodeOutput);
    if (!value.ok) return varSubError(`Format string argument {${i}}: ${value.failure.message}`);
    args.push(value.value);
  }
  const formatted = formatString(template.value, args);
  return formatted.ok ? { ok: true, value: formatted.value, type: 'STR' } : varSubError(`Error formatting variable: ${formatted.message}`);
}

/**
 * LittleHorse's expression. With a mutation type: `lhs.operate(operation, rhs)` as a variable of the left side's
 * type would be mutated (values/mutate.ts), except that an INT with a DOUBLE is computed as a DOUBLE. With a
 * comparator: whether the comparison holds, as an edge's condition compares. Both sides are read first, always.
 */
function expressionOf(s: Session, thread: ThreadRunState, source: ExpressionAssignment, nodeOutput: JsonValue | undefined): Typed {
  const operation = source.comparator ?? source.operation;
  const lhs = evaluateTyped(s, thread, source.lhs, nodeOutput);
  if (!lhs.ok) return varSubError(`The left side of ${operation}: ${lhs.failure.message}`);
  const rhs = evaluateTyped(s, thread, source.rhs, nodeOutput);
  if (!rhs.ok) return varSubError(`The right side of ${operation}: ${rhs.failure.message}`);
  if (source.comparator !== undefined) {
    const compared = compare(lhs.value, source.comparator, rhs.value);
    return compared.ok ? { ok: true, value: compared.value, type: 'BOOL' } : varSubError(compared.message);
  }
  if (source.operation === undefined) return varSubError('An expression needs an operation or a comparator.');
  const type = expressionType(lhs.type ?? valueKind(lhs.value), rhs.type ?? valueKind(rhs.value));
  if (type === undefined || (source.operation !== 'ASSIGN' && lhs.value === null)) {
    return varSubError(`${source.operation} has a NULL left side: there is nothing to compute with.`);
  }
  const result = mutate(type, lhs.value, source.operation, rhs.value);
  return result.ok ? { ok: true, value: result.value, type } : varSubError(`${source.operation} of ${describeValue(lhs.value)} with ${describeValue(rhs.value)}: ${result.message}`);
}

function valueKind(value: JsonValue): VariableType | undefined {
  return value === null ? undefined : kindOf(value);
}

function atPath(value: JsonValue, jsonPath: string | undefined): Evaluated {
  if (jsonPath === undefined) return { ok: true, value };
  const parsed = parseJsonPath(jsonPath);
  if (!parsed.ok) return varSubError(parsed.message);
  // LittleHorse: "Cannot jsonpath on VALUE_NOT_SET"; a path missing inside a value reads as NULL.
  if (value === null) return varSubError(`There is no ${jsonPath} in NULL.`);
  return { ok: true, value: readPath(value, parsed.steps) };
}

/**
 * Checks a value against the type it is about to take, after the conversion that needs no cast (a primitive to a
 * STR); VAR_SUB_ERROR when it does not fit.
 */
export function expectType(value: JsonValue, type: VariableType, what: string): Evaluated {
  const widened = widen(value, type);
  if (isValueOfType(widened, type)) return { ok: true, value: widened };
  return varSubError(`${what} expects ${aType(type)} but got ${describeValue(value)}.`);
}

/**
 * Whether an edge's condition holds for `thread`'s variables; a condition that cannot be evaluated, or that is a value
 * other than a BOOL (NULL included), is a failure.
 */
export function holds(s: Session, thread: ThreadRunState, condition: Condition | undefined): { ok: true; value: boolean } | { ok: false; failure: Failure } {
  if (!condition) return { ok: true, value: true };
  if (!isLegacyCondition(condition)) {
    const value = evaluate(s, thread, condition);
    if (!value.ok) return value;
    return typeof value.value === 'boolean' ? { ok: true, value: value.value } : varSubError(`The condition must be a BOOL; it is ${describeValue(value.value)}.`);
  }
  const left = evaluate(s, thread, condition.left);
  if (!left.ok) return left;
  const right = evaluate(s, thread, condition.right);
  if (!right.ok) return right;
  const result = compare(left.value, condition.comparator, right.value);
  return result.ok ? result : varSubError(result.message);
}

/**
 * Runs an edge's mutations in order, all or none (LittleHorse's write-ahead buffer): each sees the ones before it,
 * and the first that cannot apply names the failure and leaves every variable as it was.
 */
export function applyMutations(
  s: Session,
  thread: ThreadRunState,
  mutations: readonly VariableMutation[],
  nodeOutput: JsonValue | undefined,
): Failure | undefined {
  return s.allOrNothing(() => applyInOrder(s, thread, mutations, nodeOutput));
}

function applyInOrder(s: Session, thread: ThreadRunState, mutations: readonly VariableMutation[], nodeOutput: JsonValue | undefined): Failure | undefined {
  for (const mutation of mutations) {
    const current = s.thread(thread.number);
    const owner = s.variableOwner(current, mutation.lhsName);
    if (!owner) return varSubError(`Variable '${mutation.lhsName}' is not in scope of ThreadRun ${thread.number}.`).failure;
    const rhs = evaluate(s, current, mutation.rhs, nodeOutput);
    if (!rhs.ok) return varSubError(`The right side of the ${mutation.operation} of '${mutation.lhsName}': ${rhs.failure.message}`).failure;
    const type = declaredType(s, owner, mutation.lhsName);
    const value = owner.variables[mutation.lhsName] ?? null;
    const next = mutation.lhsJsonPath === undefined ? mutateWhole(type, value, mutation, rhs.value) : mutateAtPath(value, mutation, rhs.value);
    if (!next.ok) return next.failure;
    // Only a mutation can deepen a value (say a variable assigned into itself in a loop); checked before anything
    // recursive, overBytes' JSON.stringify among them, walks it.
    if (nestsDeeperThan(next.value, MAX_NESTING)) {
      return varSubError(`Variable '${mutation.lhsName}' would nest arrays or objects more than ${MAX_NESTING} levels deep (the limit on a value).`).failure;
    }
    const max = s.ctx.maxValueBytes;
    if (max !== undefined && overBytes(next.value, max)) {
      return varSubError(`Variable '${mutation.lhsName}' would be over ${max} bytes (the limit on a value).`).failure;
    }
    s.emit({ type: 'VariableAssigned', threadRunNumber: owner.number, name: mutation.lhsName, value: next.value });
  }
  return undefined;
}

function mutateWhole(type: VariableType | undefined, value: JsonValue, mutation: VariableMutation, rhs: JsonValue): Evaluated {
  if (!type) return varSubError(`Variable '${mutation.lhsName}' has no declared type.`);
  // A child WfRun starts with its inputs as they are (LittleHorse checks them at PutWfSpec only), so a variable may
  // hold a value of another type: only ASSIGN, which replaces it, applies then. Its kind only: it may be masked.
  if (mutation.operation !== 'ASSIGN' && !isValueOfType(value, type)) {
    return varSubError(`Variable '${mutation.lhsName}' is ${aType(type)} but holds ${aType(kindOf(value))}; only ASSIGN applies to it.`);
  }
  const result = mutate(type, value, mutation.operation, rhs);
  return result.ok ? result : varSubError(`Variable '${mutation.lhsName}': ${result.message}`);
}

/**
 * A mutation of the value at a JSON path takes its type from what is there; where nothing is, the right side goes
 * there whatever the operation (LittleHorse's VariableMutationModel.execute). A NULL variable has no path to follow.
 */
function mutateAtPath(value: JsonValue, mutation: VariableMutation, rhs: JsonValue): Evaluated {
  const parsed = parseJsonPath(mutation.lhsJsonPath ?? '$');
  if (!parsed.ok) return varSubError(parsed.message);
  if (value === null) return varSubError(`Variable '${mutation.lhsName}' is NULL: there is no ${mutation.lhsJsonPath} in it to change.`);
  const inner = readPath(value, parsed.steps);
  const result = inner === null ? ({ ok: true, value: rhs } as const) : mutate(kindOf(inner), inner, mutation.operation, rhs);
  if (!result.ok) return varSubError(`Variable '${mutation.lhsName}' at ${mutation.lhsJsonPath}: ${result.message}`);
  const written = writePath(value, parsed.steps, result.value);
  return written.ok ? written : varSubError(`Variable '${mutation.lhsName}' at ${mutation.lhsJsonPath}: ${written.message}.`);
}

/** Whether `value` as JSON takes more than `max` bytes of UTF-8; a string short enough to fit anyway is not measured. */
function overBytes(value: JsonValue, max: number): boolean {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return false;
  // Each UTF-16 unit is at most 3 bytes of UTF-8, and JSON escapes take at most 6 (\uXXXX).
  if (typeof value === 'string' && value.length * 6 + 2 <= max) return false;
  return utf8Bytes(JSON.stringify(value)) > max;
}

function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      // A surrogate pair: one code point, 4 bytes.
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function kindOf(value: JsonValue): VariableType {
  if (typeof value === 'string') return 'STR';
  if (typeof value === 'boolean') return 'BOOL';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'INT' : 'DOUBLE';
  if (Array.isArray(value)) return 'JSON_ARR';
  return 'JSON_OBJ';
}

function declaredType(s: Session, owner: ThreadRunState, name: string): VariableType | undefined {
  return s.threadSpec(owner).variableDefs?.find((d) => d.name === name)?.type;
}

function varSubError(message: string): { ok: false; failure: Failure } {
  return { ok: false, failure: { name: 'VAR_SUB_ERROR', message } };
}
