import type { EdgeCondition, MutationSource, VariableAssignment, VariableMutation } from '../spec/types.ts';
import { compare } from '../values/compare.ts';
import { parseJsonPath, readPath, writePath } from '../values/json-path.ts';
import { mutate } from '../values/mutate.ts';
import { aType, describeValue, isValueOfType, MAX_NESTING, nestsDeeperThan, widen } from '../values/value.ts';
import type { JsonValue, VariableType } from '../values/value.ts';
import type { Failure } from './failure.ts';
import type { Session } from './session.ts';
import type { ThreadRunState } from './state.ts';

export type Evaluated = { readonly ok: true; readonly value: JsonValue } | { readonly ok: false; readonly failure: Failure };

/** Resolves where a value comes from, as seen from `thread`. `nodeOutput` serves NODE_OUTPUT sources. */
export function evaluate(s: Session, thread: ThreadRunState, source: MutationSource | VariableAssignment, nodeOutput?: JsonValue): Evaluated {
  switch (source.type) {
    case 'LITERAL':
      return { ok: true, value: source.value };
    case 'VARIABLE': {
      const read = s.readVariable(thread, source.variableName);
      if (!read.found) return varSubError(`Variable '${source.variableName}' is not in scope of ThreadRun ${thread.number}.`);
      return atPath(read.value, source.jsonPath);
    }
    case 'NODE_OUTPUT':
      return atPath(nodeOutput ?? null, source.jsonPath);
  }
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

/** Whether an edge's condition holds for `thread`'s variables; a condition that cannot be evaluated is a failure. */
export function holds(s: Session, thread: ThreadRunState, condition: EdgeCondition | undefined): { ok: true; value: boolean } | { ok: false; failure: Failure } {
  if (!condition) return { ok: true, value: true };
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
    if (!rhs.ok) return rhs.failure;
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
