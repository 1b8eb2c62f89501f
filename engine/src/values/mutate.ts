import type { JsonValue, VariableType } from './value.ts';
import { deepEqual, toText } from './compare.ts';
import { concatBase64 } from './base64.ts';
import { aType, describeValue, isBase64, isJsonObject, isValueOfType } from './value.ts';

/** LittleHorse's VariableMutationTypes. */
export const MUTATION_TYPES = [
  'ASSIGN',
  'ADD',
  'EXTEND',
  'SUBTRACT',
  'MULTIPLY',
  'DIVIDE',
  'REMOVE_IF_PRESENT',
  'REMOVE_INDEX',
  'REMOVE_KEY',
  'AND',
  'OR',
  'POW',
] as const;
export type MutationType = (typeof MUTATION_TYPES)[number];

/** Which mutations each variable type accepts, for validation and at run time alike. */
export const MUTATIONS_BY_TYPE: Readonly<Record<VariableType, readonly MutationType[]>> = {
  STR: ['ASSIGN', 'ADD', 'EXTEND'],
  INT: ['ASSIGN', 'ADD', 'SUBTRACT', 'MULTIPLY', 'DIVIDE', 'POW'],
  DOUBLE: ['ASSIGN', 'ADD', 'SUBTRACT', 'MULTIPLY', 'DIVIDE', 'POW'],
  BOOL: ['ASSIGN', 'AND', 'OR'],
  JSON_OBJ: ['ASSIGN', 'REMOVE_KEY'],
  JSON_ARR: ['ASSIGN', 'ADD', 'EXTEND', 'REMOVE_IF_PRESENT', 'REMOVE_INDEX'],
  BYTES: ['ASSIGN', 'EXTEND'],
  WF_RUN_ID: ['ASSIGN'],
  TIMESTAMP: ['ASSIGN'],
};

export type Mutated = { readonly ok: true; readonly value: JsonValue } | { readonly ok: false; readonly message: string };

/**
 * The new value of a variable of `type` holding `current` after `operation` with `rhs`. Follows LittleHorse's rules:
 * an INT stays an INT (a DOUBLE right side is truncated, division truncates toward zero); STR ADD and EXTEND append
 * the right side as text; JSON_ARR ADD appends one element and EXTEND a whole list; REMOVE_IF_PRESENT drops every
 * equal element; REMOVE_INDEX drops one position; REMOVE_KEY drops one key. Only ASSIGN takes a NULL variable (a
 * counter needs a default to count from), and ADD refuses a NULL right side ("Cannot add by null"); REMOVE_KEY of
 * NULL removes nothing, and EXTEND of a STR by NULL appends nothing (where Java's concatenation appends "null").
 * AND and OR take a BOOL (or a STR `true` or `false`, as LittleHorse's asBool reads it) on the right; POW raises
 * a number, an INT to an INT power staying an INT that must fit.
 */
export function mutate(type: VariableType, current: JsonValue, operation: MutationType, rhs: JsonValue): Mutated {
  if (!MUTATIONS_BY_TYPE[type].includes(operation)) return fail(`${operation} does not apply to ${aType(type)} variable.`);
  if (operation !== 'ASSIGN' && current === null) return fail(`${operation} needs a value to change, and the variable is NULL; give it a default value or ASSIGN it first.`);
  if (operation === 'ADD' && rhs === null) return fail('ADD of NULL: the right side has no value.');
  switch (operation) {
    case 'ASSIGN':
      return coerce(rhs, type);
    case 'ADD':
    case 'EXTEND':
      if (type === 'BYTES') {
        if (typeof rhs !== 'string' || !isBase64(rhs)) return fail(`EXTEND of BYTES needs BYTES (base64); got ${describeValue(rhs)}.`);
        return { ok: true, value: concatBase64(current as string, rhs) };
      }
      if (type === 'STR') return { ok: true, value: `${toText(current)}${rhs === null ? '' : toText(rhs)}` };
      if (type === 'JSON_ARR') {
        const list = current as readonly JsonValue[];
        if (operation === 'ADD') return { ok: true, value: [...list, rhs] };
        return Array.isArray(rhs) ? { ok: true, value: [...list, ...(rhs as readonly JsonValue[])] } : fail(`EXTEND needs a JSON_ARR; got ${describeValue(rhs)}.`);
      }
      return arithmetic(type, current, rhs, (a, b) => a + b, true);
    case 'SUBTRACT':
      return arithmetic(type, current, rhs, (a, b) => a - b);
    case 'MULTIPLY':
      return arithmetic(type, current, rhs, (a, b) => a * b);
    case 'DIVIDE':
      if (rhs === 0) return fail('Division by zero.');
      return arithmetic(type, current, rhs, (a, b) => a / b);
    case 'REMOVE_IF_PRESENT':
      return { ok: true, value: (current as readonly JsonValue[]).filter((element) => !deepEqual(element, rhs)) };
    case 'REMOVE_INDEX': {
      const list = current as readonly JsonValue[];
      if (typeof rhs !== 'number' || !Number.isFinite(rhs)) return fail(`REMOVE_INDEX needs an INT index; got ${describeValue(rhs)}.`);
      // LittleHorse reads the index with asInt: a DOUBLE is truncated.
      const index = Math.trunc(rhs);
      if (index < 0 || index >= list.length) return fail(`Index ${index} is outside a list of ${list.length}.`);
      return { ok: true, value: list.filter((_, i) => i !== index) };
    }
    case 'REMOVE_KEY': {
      if (!isJsonObject(current) || rhs === null) return { ok: true, value: current };
      const { [toText(rhs)]: _removed, ...rest } = current;
      return { ok: true, value: rest };
    }
    case 'AND':
    case 'OR': {
      const left = asBool(current);
      const right = asBool(rhs);
      if (left === undefined || right === undefined) return fail(`${operation} needs two BOOLs; got ${describeValue(current)} and ${describeValue(rhs)}.`);
      return { ok: true, value: operation === 'AND' ? left && right : left || right };
    }
    case 'POW': {
      if (typeof current !== 'number' || typeof rhs !== 'number') return fail(`POW needs numbers; got ${describeValue(current)} and ${describeValue(rhs)}.`);
      const value = type === 'INT' ? Math.trunc(current ** rhs) : current ** rhs;
      if (!Number.isFinite(value)) return fail(`Exponentiation result is not finite: Base ${current}, Exponent ${rhs}.`);
      if (type === 'INT' && !Number.isSafeInteger(value)) return fail(`Exponentiation result is out of range for INT: Base ${current}, Exponent ${rhs}.`);
      return { ok: true, value };
    }
  }
}

/** A BOOL as LittleHorse's asBool reads one: a BOOL, or a STR `true` or `false` in any case. */
function asBool(value: JsonValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  return text === 'true' ? true : text === 'false' ? false : undefined;
}

function arithmetic(type: VariableType, current: JsonValue, rhs: JsonValue, op: (a: number, b: number) => number, truncateRhs = false): Mutated {
  const left = current;
  if (typeof left !== 'number' || typeof rhs !== 'number') return fail(`Arithmetic needs numbers; got ${describeValue(current)} and ${describeValue(rhs)}.`);
  // LittleHorse keeps an INT an INT: ADD truncates a DOUBLE right side first; the others truncate the result.
  const value = type === 'INT' ? Math.trunc(op(left, truncateRhs ? Math.trunc(rhs) : rhs)) : op(left, rhs);
  return Number.isFinite(value) ? { ok: true, value } : fail(`The result ${value} is not a finite number.`);
}

function fail(message: string): Mutated {
  return { ok: false, message };
}

/**
 * LittleHorse's ASSIGN: the right side converted to the variable's type (VariableValue's asStr, asInt, ...). NULL
 * stays NULL and a value of the type stays as it is; a STR takes any value as text (JSON as JSON text, where
 * LittleHorse prints a Java map); an INT takes a DOUBLE truncated or a STR of digits; a DOUBLE a STR of a decimal number; a
 * BOOL a STR `true` or `false` in any case; a WF_RUN_ID a number's text. Other pairs (a JSON_OBJ from a STR, ...)
 * cannot be converted.
 */
export function coerce(value: JsonValue, type: VariableType): Mutated {
  if (isValueOfType(value, type)) return { ok: true, value };
  // As Java reads them: Long.valueOf takes digits only; Double.parseDouble and the BOOL parse trim first.
  const text = typeof value === 'string' ? value.trim() : undefined;
  switch (type) {
    case 'STR':
      return { ok: true, value: toText(value) };
    case 'INT':
    case 'TIMESTAMP':
      if (typeof value === 'number' && Number.isFinite(value)) return safeInteger(Math.trunc(value), value);
      if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) return safeInteger(Number(value), value);
      break;
    case 'DOUBLE':
      if (text !== undefined && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) && Number.isFinite(Number(text))) return { ok: true, value: Number(text) };
      break;
    case 'BOOL':
      if (text?.toLowerCase() === 'true') return { ok: true, value: true };
      if (text?.toLowerCase() === 'false') return { ok: true, value: false };
      break;
    case 'WF_RUN_ID':
      if (typeof value === 'number') return { ok: true, value: String(value) };
      break;
    default:
      break;
  }
  return fail(`${aType(type)} variable cannot hold ${describeValue(value)}.`);
}

function safeInteger(n: number, from: JsonValue): Mutated {
  return Number.isSafeInteger(n) ? { ok: true, value: n } : fail(`${describeValue(from)} is outside the range of an INT.`);
}

/** The type an expression computes in: the left side's, or DOUBLE for an INT with a DOUBLE. */
export function expressionType(lhs: VariableType | undefined, rhs: VariableType | undefined): VariableType | undefined {
  return lhs === 'INT' && rhs === 'DOUBLE' ? 'DOUBLE' : lhs;
}

/**
 * LittleHorse's size_of: the length of a STR (in UTF-16 units, as Java counts) or the number of elements of a
 * JSON_ARR. `type` is the type the spec gives the value, when it gives one: BYTES, though JSON text, have no size.
 */
export function sizeOf(value: JsonValue, type?: VariableType): Mutated {
  if (typeof value === 'string' && (type === undefined || type === 'STR')) return { ok: true, value: value.length };
  if (Array.isArray(value)) return { ok: true, value: value.length };
  return fail(`Cannot resolve size() of ${describeValue(value)}: it takes a STR or a JSON_ARR.`);
}
