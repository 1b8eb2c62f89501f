import { own } from '../spec/own.ts';
import { isLegacyCondition, readsOf } from '../spec/reads.ts';
import type { Condition, MutationSource, VariableAssignment, VariableMutation } from '../spec/types.ts';
import { boolVerdict, comparisonVerdict, evaluateAssignment } from '../values/evaluate.ts';
import type { ValueReader } from '../values/evaluate.ts';
import { parseJsonPath, readPath, writePath } from '../values/json-path.ts';
import { mutate } from '../values/mutate.ts';
import { aType, describeValue, isValueOfType, MAX_NESTING, nestsDeeperThan, typeOfValue, widen } from '../values/value.ts';
import type { JsonValue, VariableType } from '../values/value.ts';
import type { Failure } from './failure.ts';
import type { Session } from './session.ts';
import type { ThreadRunState } from './state.ts';

/** A value as evaluated for a thread, `masked` when made from a secret (isMaskedSource), or the failure. */
export type Evaluated = { readonly ok: true; readonly value: JsonValue; readonly masked?: boolean | undefined } | { readonly ok: false; readonly failure: Failure };

/**
 * Resolves where a value comes from, as seen from `thread`, then casts it to its `targetType` when it has one
 * (values/evaluate.ts, which explainCondition shares). `nodeOutput` serves NODE_OUTPUT sources, also inside a format
 * string or an expression of a mutation; a NODE_OUTPUT_REFERENCE reads the output `thread` keeps of the node it names.
 * A failure's message names a secret by its kind only: the reader tells the evaluator which reads are secrets.
 */
export function evaluate(s: Session, thread: ThreadRunState, source: MutationSource | VariableAssignment, nodeOutput?: JsonValue): Evaluated {
  const evaluated = evaluateAssignment(source, new ThreadReader(s, thread, nodeOutput));
  if (!evaluated.ok) return varSubError(evaluated.message);
  return evaluated.masked ? { ok: true, value: evaluated.value, masked: true } : { ok: true, value: evaluated.value };
}

/** What an assignment evaluated for `thread` reads: its variables in scope at their declared types, and its nodes' outputs. */
class ThreadReader implements ValueReader {
  private readonly s: Session;
  private readonly thread: ThreadRunState;
  readonly nodeOutput: JsonValue | undefined;

  constructor(s: Session, thread: ThreadRunState, nodeOutput: JsonValue | undefined) {
    this.s = s;
    this.thread = thread;
    this.nodeOutput = nodeOutput;
  }

  variable(name: string): JsonValue | undefined {
    const owner = this.s.variableOwner(this.thread, name);
    return owner === undefined ? undefined : (owner.variables[name] ?? null);
  }

  variableType(name: string): VariableType | undefined {
    const owner = this.s.variableOwner(this.thread, name);
    return owner === undefined ? undefined : declaredType(this.s, owner, name);
  }

  nodeOutputOf(nodeName: string): JsonValue | undefined {
    // Only this ThreadRun's: a child thread does not see its parent's nodes.
    return own(this.thread.nodeOutputs, nodeName)?.output;
  }

  notInScope(name: string): string {
    return `Variable '${name}' is not in scope of ThreadRun ${this.thread.number}.`;
  }

  noOutput(nodeName: string): string {
    return `Node '${nodeName}' has no output in ThreadRun ${this.thread.number}: it has not completed there yet, or completed without one.`;
  }

  isMaskedVariable(name: string): boolean {
    return isMaskedVariable(this.s, name);
  }

  isMaskedOutput(nodeName?: string): boolean {
    return isMaskedOutput(this.thread, nodeName);
  }
}

/**
 * Whether a value read from `source` by `thread` is a secret: it reads a variable declared masked, or the output of a
 * node that was masked (a masked TaskDef's), by name or as the NODE_OUTPUT of the node an edge leaves, as a whole or
 * in part. The same rule as the evaluator's `masked`, for a source not (or not yet) evaluated.
 */
export function isMaskedSource(s: Session, thread: ThreadRunState, source: unknown): boolean {
  const reads = readsOf(source);
  if (reads.variables.some((name) => isMaskedVariable(s, name))) return true;
  if (reads.nodeOutput && isMaskedOutput(thread)) return true;
  return reads.nodeOutputs.some((name) => isMaskedOutput(thread, name));
}

/**
 * Whether the output of node `nodeName` kept by `thread` is a secret; with no name, NODE_OUTPUT's: edge mutations run
 * while their node is the thread's current one, so its flag is the NODE_OUTPUT's.
 */
function isMaskedOutput(thread: ThreadRunState, nodeName?: string): boolean {
  return nodeName === undefined ? thread.currentNodeRun?.maskedOutput === true : own(thread.nodeOutputs, nodeName)?.masked === true;
}

/**
 * A value read from `source` as an error message may quote it: by its kind only when it is a secret, since messages
 * reach events and the API unmasked.
 */
export function describeRead(s: Session, thread: ThreadRunState, source: unknown, value: JsonValue): string {
  return describeValue(value, isMaskedSource(s, thread, source));
}

/**
 * Whether a variable called `name` is a secret: some thread of the WfSpec declares it masked. The API hides variables
 * by name (maskEvent), and names are unique in a WfSpec but for INPUT, which each handler declares for itself: one
 * handler's masked INPUT makes every INPUT a secret (showing too little is the safe mistake).
 */
export function isMaskedVariable(s: Session, name: string): boolean {
  return s.prepared.maskedVariables.has(name);
}

/**
 * Checks a value against the type it is about to take, after the conversion that needs no cast (a primitive to a
 * STR); VAR_SUB_ERROR when it does not fit, naming only the kind of a `secret` value.
 */
export function expectType(value: JsonValue, type: VariableType, what: string, secret = false): Evaluated {
  const widened = widen(value, type);
  if (isValueOfType(widened, type)) return { ok: true, value: widened };
  return varSubError(`${what} expects ${aType(type)} but got ${describeValue(value, secret)}.`);
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
    const verdict = boolVerdict(value.value, value.masked);
    return verdict.ok ? verdict : varSubError(verdict.message);
  }
  const left = evaluate(s, thread, condition.left);
  if (!left.ok) return left;
  const right = evaluate(s, thread, condition.right);
  if (!right.ok) return right;
  const result = comparisonVerdict(left, condition.comparator, right);
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
    if (!next.ok) {
      // Its message quotes the variable's value and the right side: neither may show a secret.
      if (!isMaskedVariable(s, mutation.lhsName) && !rhs.masked) return next.failure;
      const where = mutation.lhsJsonPath === undefined ? '' : ` at ${mutation.lhsJsonPath}`;
      return varSubError(`The ${mutation.operation} of '${mutation.lhsName}'${where} could not apply to a masked value; the details would show it, so they are left out.`).failure;
    }
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
  if (mutation.operation !== 'ASSIGN' && value !== null && !isValueOfType(value, type)) {
    return varSubError(`Variable '${mutation.lhsName}' is ${aType(type)} but holds ${aType(typeOfValue(value))}; only ASSIGN applies to it.`);
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
  const result = inner === null ? ({ ok: true, value: rhs } as const) : mutate(typeOfValue(inner), inner, mutation.operation, rhs);
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

function declaredType(s: Session, owner: ThreadRunState, name: string): VariableType | undefined {
  return s.threadSpec(owner).variableDefs?.find((d) => d.name === name)?.type;
}

function varSubError(message: string): { ok: false; failure: Failure } {
  return { ok: false, failure: { name: 'VAR_SUB_ERROR', message } };
}
