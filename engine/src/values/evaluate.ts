import type { ExpressionAssignment, FormatStringAssignment, MutationSource, VariableAssignment } from '../spec/types.ts';
import { castValue } from './cast.ts';
import { compare, COMPARATORS } from './compare.ts';
import type { Compared, Comparator, Sides } from './compare.ts';
import { formatString } from './format-string.ts';
import { parseJsonPath, readPath } from './json-path.ts';
import { expressionType, mutate, sizeOf } from './mutate.ts';
import { describeValue, isJsonObject, isVariableType, typeOfValue } from './value.ts';
import type { JsonValue, VariableType } from './value.ts';

/**
 * Where an evaluation reads from. The engine reads a ThreadRun (run/assignments.ts); explainCondition reads the values
 * the UI shows. Everything else about evaluating (paths, casts, format strings, expressions, size(), their messages)
 * is evaluateAssignment's, so the two cannot come to different verdicts. The reader also says which reads are
 * secrets: a value made from one is `masked`, and every message names it by its kind only ("a masked STR"), since
 * messages reach events and the API unmasked.
 */
export interface ValueReader {
  /** The value of variable `name` in scope, NULL when it holds none; undefined when no variable of that name is in scope. */
  variable(name: string): JsonValue | undefined;
  /** The type variable `name` is declared with, when known; asked only where a cast, an expression or size() needs it. */
  variableType(name: string): VariableType | undefined;
  /** What NODE_OUTPUT reads: the output of the node whose edge is being taken; undefined, as a node without one, reads NULL. */
  readonly nodeOutput: JsonValue | undefined;
  /** What NODE_OUTPUT_REFERENCE to `nodeName` reads; undefined when that node has no output (yet). */
  nodeOutputOf(nodeName: string): JsonValue | undefined;
  /** Why variable `name` cannot be read, in the reader's words (the engine names the ThreadRun). */
  notInScope(name: string): string;
  /** Why node `nodeName`'s output cannot be read, in the reader's words. */
  noOutput(nodeName: string): string;
  /** Whether variable `name` holds a secret. */
  isMaskedVariable(name: string): boolean;
  /** Whether the output of node `nodeName` is a secret; with no name, NODE_OUTPUT's. */
  isMaskedOutput(nodeName?: string): boolean;
}

/**
 * A value with the type the spec gives it, when it gives one (a variable's declared type, a cast's target, a STR from a
 * format), and whether it is `masked`: made from a secret, whole or in part.
 */
export type Evaluation =
  | { readonly ok: true; readonly value: JsonValue; readonly type: VariableType | undefined; readonly masked?: boolean | undefined }
  | { readonly ok: false; readonly message: string };

/**
 * Resolves where a value comes from (LittleHorse's VariableAssignment, or a mutation's NODE_OUTPUT), then casts it to
 * its `targetType` when it has one. A failure's message is the one a WfRun fails with (VAR_SUB_ERROR). `needType`
 * asks for a variable's declared type even without a cast (the caller computes with it). Pure and total: a malformed
 * source fails, never throws.
 */
export function evaluateAssignment(source: MutationSource | VariableAssignment, reader: ValueReader, needType = false): Evaluation {
  // A draft may be half-written; a registered spec was validated.
  if (!isJsonObject(source)) return fail('A value has no source: the spec gives nothing to read.');
  const target = source.targetType;
  const read = readSource(source, reader, needType || target !== undefined);
  if (!read.ok || target === undefined) return read;
  const cast = castValue(read.value, target, read.type);
  // castValue's message quotes the value.
  if (!cast.ok) return fail(read.masked ? `Failed to cast ${describeValue(read.value, true)} to ${String(target)}.` : cast.message);
  // An unknown target (a draft's) fails the cast of any value but NULL, which then has no type to compute in.
  return secretIf({ ok: true, value: cast.value, type: isVariableType(target) ? target : undefined }, read.masked === true);
}

/**
 * LittleHorse's BOOL condition: it holds when the value is true; a value other than a BOOL, NULL included, fails. A
 * `masked` value is named by its kind only.
 */
export function boolVerdict(value: JsonValue, masked = false): Compared {
  return typeof value === 'boolean' ? { ok: true, value } : { ok: false, message: `The condition must be a BOOL; it is ${describeValue(value, masked)}.` };
}

/**
 * LittleHorse's legacy condition, `left comparator right`: `compare`, with a comparator a draft misspelt failing.
 * Each side comes as evaluated, so a side made from a secret is named by its kind only.
 */
export function comparisonVerdict(left: Operand, comparator: unknown, right: Operand): Compared {
  if (!isComparator(comparator)) return { ok: false, message: `Unknown comparator ${describeValue((comparator ?? null) as JsonValue)}.` };
  const masked: Sides = { left: left.masked === true, right: right.masked === true };
  return compare(left.value, comparator, right.value, masked);
}

/** A side of a comparison as evaluated: its value, and whether it is a secret. */
export interface Operand {
  readonly value: JsonValue;
  readonly masked?: boolean | undefined;
}

/** Whether `value` names one of LittleHorse's comparators. */
export function isComparator(value: unknown): value is Comparator {
  return typeof value === 'string' && (COMPARATORS as readonly string[]).includes(value);
}

function readSource(source: MutationSource | VariableAssignment, reader: ValueReader, needType: boolean): Evaluation {
  switch (source.type) {
    case 'LITERAL':
      return { ok: true, value: source.value, type: undefined };
    case 'VARIABLE': {
      const value = reader.variable(source.variableName);
      if (value === undefined) return fail(reader.notInScope(source.variableName));
      const read = secretIf(atPath(value, source.jsonPath), reader.isMaskedVariable(source.variableName));
      if (!read.ok || !needType || source.jsonPath !== undefined) return read;
      return { ...read, type: reader.variableType(source.variableName) };
    }
    case 'NODE_OUTPUT':
      return secretIf(atPath(reader.nodeOutput ?? null, source.jsonPath), reader.isMaskedOutput());
    case 'NODE_OUTPUT_REFERENCE': {
      // LittleHorse (ThreadRunModel.getNodeOutput): the NodeOutput kept for this ThreadRun and node name, none is
      // "Specified node ... has no output".
      const kept = reader.nodeOutputOf(source.nodeName);
      if (kept === undefined) return fail(reader.noOutput(source.nodeName));
      const read = atPath(kept, source.jsonPath);
      return read.ok ? secretIf(read, reader.isMaskedOutput(source.nodeName)) : fail(`The output of node '${source.nodeName}': ${read.message}`);
    }
    case 'FORMAT_STRING':
      return formatOf(source, reader);
    case 'EXPRESSION':
      return expressionOf(source, reader);
    case 'SIZE_OF': {
      const operand = evaluateAssignment(source.operand, reader, true);
      if (!operand.ok) return fail(`The operand of size(): ${operand.message}`);
      const size = sizeOf(operand.value, operand.type);
      if (size.ok) return secretIf({ ok: true, value: size.value, type: 'INT' }, operand.masked === true);
      // sizeOf's message quotes the value.
      return fail(operand.masked ? `Cannot resolve size() of ${describeValue(operand.value, true)}: it takes a STR or a JSON_ARR.` : size.message);
    }
    default:
      return fail(`Unknown source type ${describeValue((source as { type?: JsonValue }).type ?? null)}.`);
  }
}

/** LittleHorse's format_string: the template must be a STR; each argument is read in order, then the template filled. */
function formatOf(source: FormatStringAssignment, reader: ValueReader): Evaluation {
  const template = evaluateAssignment(source.format, reader);
  if (!template.ok) return template;
  if (typeof template.value !== 'string') return fail(`Format String template isn't a STR; it's ${describeValue(template.value, template.masked)}.`);
  const args: JsonValue[] = [];
  let masked = template.masked === true;
  for (const [i, arg] of (Array.isArray(source.args) ? source.args : []).entries()) {
    const value = evaluateAssignment(arg, reader);
    if (!value.ok) return fail(`Format string argument {${i}}: ${value.message}`);
    args.push(value.value);
    masked ||= value.masked === true;
  }
  const formatted = formatString(template.value, args);
  if (formatted.ok) return secretIf({ ok: true, value: formatted.value, type: 'STR' }, masked);
  // Its message quotes the template (only the template can be malformed).
  return fail(template.masked ? 'Error formatting variable: the template, a masked STR, is no valid format string.' : `Error formatting variable: ${formatted.message}`);
}

/**
 * LittleHorse's expression. With a mutation type: `lhs.operate(operation, rhs)` as a variable of the left side's
 * type would be mutated (values/mutate.ts), except that an INT with a DOUBLE is computed as a DOUBLE. With a
 * comparator: whether the comparison holds, as an edge's condition compares. Both sides are read first, always.
 */
function expressionOf(source: ExpressionAssignment, reader: ValueReader): Evaluation {
  const operation = source.comparator ?? source.operation;
  const lhs = evaluateAssignment(source.lhs, reader, true);
  if (!lhs.ok) return fail(`The left side of ${operation}: ${lhs.message}`);
  const rhs = evaluateAssignment(source.rhs, reader, true);
  if (!rhs.ok) return fail(`The right side of ${operation}: ${rhs.message}`);
  const masked = lhs.masked === true || rhs.masked === true;
  if (source.comparator !== undefined) {
    const compared = comparisonVerdict(lhs, source.comparator, rhs);
    return compared.ok ? secretIf({ ok: true, value: compared.value, type: 'BOOL' }, masked) : fail(compared.message);
  }
  if (source.operation === undefined) return fail('An expression needs an operation or a comparator.');
  const type = expressionType(lhs.type ?? typeOfValue(lhs.value), rhs.type ?? typeOfValue(rhs.value));
  if (type === undefined || (source.operation !== 'ASSIGN' && lhs.value === null)) {
    return fail(`${source.operation} has a NULL left side: there is nothing to compute with.`);
  }
  const result = mutate(type, lhs.value, source.operation, rhs.value);
  if (result.ok) return secretIf({ ok: true, value: result.value, type }, masked);
  const operands = `${source.operation} of ${describeValue(lhs.value, lhs.masked)} with ${describeValue(rhs.value, rhs.masked)}`;
  // mutate's message quotes both sides.
  return fail(masked ? `${operands} cannot be computed.` : `${operands}: ${result.message}`);
}

/** `read`, flagged a secret when `masked` (a value that is none carries no flag). */
function secretIf(read: Evaluation, masked: boolean): Evaluation {
  return read.ok && masked ? { ...read, masked: true } : read;
}

function atPath(value: JsonValue, jsonPath: string | undefined): Evaluation {
  if (jsonPath === undefined) return { ok: true, value, type: undefined };
  // A draft's path may be no text at all; parseJsonPath takes text.
  if (typeof jsonPath !== 'string') return fail(`A JSON path must be text; it is ${describeValue(jsonPath)}.`);
  const parsed = parseJsonPath(jsonPath);
  if (!parsed.ok) return fail(parsed.message);
  // LittleHorse: "Cannot jsonpath on VALUE_NOT_SET"; a path missing inside a value reads as NULL.
  if (value === null) return fail(`There is no ${jsonPath} in NULL.`);
  return { ok: true, value: readPath(value, parsed.steps), type: undefined };
}

function fail(message: string): { readonly ok: false; readonly message: string } {
  return { ok: false, message };
}
