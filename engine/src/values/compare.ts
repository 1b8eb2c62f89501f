import type { JsonValue } from './value.ts';
import { describeValue, isJsonObject } from './value.ts';

/** LittleHorse's comparators. IN and NOT_IN take the container on the right. */
export const COMPARATORS = ['LESS_THAN', 'GREATER_THAN', 'LESS_THAN_EQ', 'GREATER_THAN_EQ', 'EQUALS', 'NOT_EQUALS', 'IN', 'NOT_IN'] as const;
export type Comparator = (typeof COMPARATORS)[number];

export type Compared = { readonly ok: true; readonly value: boolean } | { readonly ok: false; readonly message: string };

/**
 * Evaluates `left comparator right`. Equality holds between values of one kind (deep JSON equality for JSON_OBJ and
 * JSON_ARR, which LittleHorse cannot compare at all), and NULL equals NULL and differs from the rest; a STR against
 * a number or a BOOL, say, is an error, as LittleHorse's Comparer fails to compare them. Ordering compares numbers
 * with numbers (INT with DOUBLE too: we part from LittleHorse's refusal there), strings with strings and booleans
 * with booleans; NULL sorts first. IN looks for a substring of a STR (not NULL), an element of a JSON_ARR, or a
 * key of a JSON_OBJ (NULL is none). Anything else is an error the caller turns into VAR_SUB_ERROR; its message names
 * a side that is `masked` (a secret) by its kind only.
 */
export function compare(left: JsonValue, comparator: Comparator, right: JsonValue, masked: Sides = NEITHER): Compared {
  switch (comparator) {
    case 'EQUALS':
    case 'NOT_EQUALS': {
      if (left !== null && right !== null && comparableKind(left) !== comparableKind(right)) {
        return { ok: false, message: `Cannot compare ${describeValue(left, masked.left)} with ${describeValue(right, masked.right)}: ${comparator} needs two values of one kind.` };
      }
      const equal = deepEqual(left, right);
      return { ok: true, value: comparator === 'EQUALS' ? equal : !equal };
    }
    case 'IN':
    case 'NOT_IN': {
      const found = contains(right, left, masked.right);
      if (!found.ok) return found;
      return { ok: true, value: comparator === 'IN' ? found.value : !found.value };
    }
    default: {
      const order = ordering(left, right, masked);
      if (!order.ok) return order;
      const n = order.value;
      const value =
        comparator === 'LESS_THAN' ? n < 0 : comparator === 'GREATER_THAN' ? n > 0 : comparator === 'LESS_THAN_EQ' ? n <= 0 : n >= 0;
      return { ok: true, value };
    }
  }
}

/** Which sides of a comparison are secrets. */
export interface Sides {
  readonly left: boolean;
  readonly right: boolean;
}

const NEITHER: Sides = { left: false, right: false };

/** A value's JSON kind, numbers as one (INT and DOUBLE compare). */
function comparableKind(value: JsonValue): string {
  return Array.isArray(value) ? 'array' : typeof value;
}

function ordering(left: JsonValue, right: JsonValue, masked: Sides): { ok: true; value: number } | { ok: false; message: string } {
  if (left === null || right === null) return { ok: true, value: left === right ? 0 : left === null ? -1 : 1 };
  const kinds = typeof left === typeof right && typeof left !== 'object';
  if (!kinds) return { ok: false, message: `Cannot order ${describeValue(left, masked.left)} against ${describeValue(right, masked.right)}.` };
  if (typeof left === 'string') return { ok: true, value: left < (right as string) ? -1 : left > (right as string) ? 1 : 0 };
  return { ok: true, value: Number(left) - Number(right) };
}

function contains(container: JsonValue, item: JsonValue, masked: boolean): { ok: true; value: boolean } | { ok: false; message: string } {
  if (typeof container === 'string') {
    // LittleHorse fails looking for NULL in a text, rather than for the text 'null'.
    if (item === null) return { ok: false, message: `IN cannot look for NULL in ${describeValue(container, masked)}.` };
    return { ok: true, value: container.includes(toText(item)) };
  }
  if (Array.isArray(container)) return { ok: true, value: (container as readonly JsonValue[]).some((element) => deepEqual(element, item)) };
  // No key is NULL.
  if (isJsonObject(container)) return { ok: true, value: item !== null && Object.hasOwn(container, toText(item)) };
  return { ok: false, message: `IN needs a STR, JSON_ARR or JSON_OBJ on its right; got ${describeValue(container, masked)}.` };
}

/** A value as text, for substring and key tests and for STR concatenation. */
export function toText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Deep equality of JSON values; object key order does not matter. */
export function deepEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const list = b as readonly JsonValue[];
    return a.length === list.length && a.every((element: JsonValue, i: number) => deepEqual(element, list[i] ?? null));
  }
  const left = a as { readonly [key: string]: JsonValue };
  const right = b as { readonly [key: string]: JsonValue };
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((key) => Object.hasOwn(right, key) && deepEqual(left[key] ?? null, right[key] ?? null));
}
