import type { ExpressionAssignment, FormatStringAssignment, MutationSource, VariableAssignment } from '../spec/types.ts';
import { castValue } from './cast.ts';
import { compare, COMPARATORS } from './compare.ts';
import type { Compared, Comparator } from './compare.ts';
import { formatString } from './format-string.ts';
import { parseJsonPath, readPath } from './json-path.ts';
import { expressionType, mutate, sizeOf } from './mutate.ts';
import { describeValue, isJsonObject, isVariableType, typeOfValue } from './value.ts';
import type { JsonValue, VariableType } from './value.ts';

/**
 * Where an evaluation reads from. The engine reads a ThreadRun (run/assignments.ts); explainCondition reads the values
 * the UI shows. Everything else about evaluating (paths, casts, format strings, expressions, size(), their messages)
 * is evaluateAssignment's, so the two cannot come to different verdicts.
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
}

/** A value with the type the spec gives it, when it gives one (a variable's declared type, a cast's target, a STR from a format). */
export type Evaluation = { readonly ok: true; readonly value: JsonValue; readonly type: VariableType | undefined } | { readonly ok: false; readonly message: string };

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
  // An unknown target (a draft's) fails the cast of any value but NULL, which then has no type to compute in.
  return cast.ok ? { ok: true, value: cast.value, type: isVariableType(target) ? target : undefined } : fail(cast.message);
}

/** LittleHorse's BOOL condition: it holds when the value is true; a value other than a BOOL, NULL included, fails. */
export function boolVerdict(value: JsonValue): Compared {
  return typeof value === 'boolean' ? { ok: true, value } : { ok: false, message: `The condition must be a BOOL; it is ${describeValue(value)}.` };
}

/** LittleHorse's legacy condition, `left comparator right`: `compare`, with a comparator a draft misspelt failing. */
export function comparisonVerdict(left: JsonValue, comparator: unknown, right: JsonValue): Compared {
  if (!isComparator(comparator)) return { ok: false, message: `Unknown comparator ${describeValue((comparator ?? null) as JsonValue)}.` };
  return compare(left, comparator, right);
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
      const read = atPath(value, source.jsonPath);
      if (!read.ok || !needType || source.jsonPath !== undefined) return read;
      return { ok: true, value: read.value, type: reader.variableType(source.variableName) };
    }
    case 'NODE_OUTPUT':
      return atPath(reader.nodeOutput ?? null, source.jsonPath);
    case 'NODE_OUTPUT_REFERENCE': {
      // LittleHorse (ThreadRunModel.getNodeOutput): the NodeOutput kept for this ThreadRun and node name, none is
      // "Specified node ... has no output".
      const kept = reader.nodeOutputOf(source.nodeName);
      if (kept === undefined) return fail(reader.noOutput(source.nodeName));
      const read = atPath(kept, source.jsonPath);
      return read.ok ? read : fail(`The output of node '${source.nodeName}': ${read.message}`);
    }
    case 'FORMAT_STRING':
      return formatOf(source, reader);
    case 'EXPRESSION':
      return expressionOf(source, reader);
    case 'SIZE_OF': {
      const operand = evaluateAssignment(source.operand, reader, true);
      if (!operand.ok) return fail(`The operand of size(): ${operand.message}`);
      const size = sizeOf(operand.value, operand.type);
      return size.ok ? { ok: true, value: size.value, type: 'INT' } : fail(size.message);
    }
    default:
      return fail(`Unknown source type ${describeValue((source as { type?: JsonValue }).type ?? null)}.`);
  }
}

/** LittleHorse's format_string: the template must be a STR; each argument is read in order, then the template filled. */
function formatOf(source: FormatStringAssignment, reader: ValueReader): Evaluation {
  const template = evaluateAssignment(source.format, reader);
  if (!template.ok) return template;
  if (typeof template.value !== 'string') return fail(`Format String template isn't a STR; it's ${describeValue(template.value)}.`);
  const args: JsonValue[] = [];
  for (const [i, arg] of (Array.isArray(source.args) ? source.args : []).entries()) {
    const value = evaluateAssignment(arg, reader);
    if (!value.ok) return fail(`Format string argument {${i}}: ${value.message}`);
    args.push(value.value);
  }
  const formatted = formatString(template.value, args);
  return formatted.ok ? { ok: true, value: formatted.value, type: 'STR' } : fail(`Error formatting variable: ${formatted.message}`);
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
  if (source.comparator !== undefined) {
    const compared = comparisonVerdict(lhs.value, source.comparator, rhs.value);
    return compared.ok ? { ok: true, value: compared.value, type: 'BOOL' } : fail(compared.message);
  }
  if (source.operation === undefined) return fail('An expression needs an operation or a comparator.');
  const type = expressionType(lhs.type ?? typeOfValue(lhs.value), rhs.type ?? typeOfValue(rhs.value));
  if (type === undefined || (source.operation !== 'ASSIGN' && lhs.value === null)) {
    return fail(`${source.operation} has a NULL left side: there is nothing to compute with.`);
  }
  const result = mutate(type, lhs.value, source.operation, rhs.value);
  return result.ok ? { ok: true, value: result.value, type } : fail(`${source.operation} of ${describeValue(lhs.value)} with ${describeValue(rhs.value)}: ${result.message}`);
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
