/** A value as it travels through specs, events, GraphQL and the browser: plain JSON. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * The types a variable may have (LittleHorse's primitive VariableTypes). In JSON, BYTES are base64 text, a
 * WF_RUN_ID is the id's text and a TIMESTAMP is an INT of epoch milliseconds (LittleHorse's sleep timestamp unit).
 */
export const VARIABLE_TYPES = ['STR', 'INT', 'DOUBLE', 'BOOL', 'JSON_OBJ', 'JSON_ARR', 'BYTES', 'WF_RUN_ID', 'TIMESTAMP'] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

export function isVariableType(value: unknown): value is VariableType {
  return typeof value === 'string' && (VARIABLE_TYPES as readonly string[]).includes(value);
}

/**
 * How deep a value in a WfRun may nest arrays and objects: far past any real document's, well short of what
 * recursive code (JSON.stringify, PostgreSQL's jsonb, deep comparisons) can take.
 */
export const MAX_NESTING = 256;

/** Whether `value` nests arrays or objects more than `max` levels deep, found without recursion. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [item, depth] = next;
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

export function isJsonObject(value: unknown): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether `value` may be held by a variable of `type`. NULL fits every type, as in LittleHorse.
 * INT is a 64-bit integer in LittleHorse; JSON numbers are doubles, so we accept safe integers only.
 */
export function isValueOfType(value: JsonValue | undefined, type: VariableType): boolean {
  if (value === null || value === undefined) return true;
  switch (type) {
    case 'STR':
      return typeof value === 'string';
    case 'INT':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'DOUBLE':
      return typeof value === 'number' && Number.isFinite(value);
    case 'BOOL':
      return typeof value === 'boolean';
    case 'JSON_OBJ':
      return isJsonObject(value);
    case 'JSON_ARR':
      return Array.isArray(value);
    case 'BYTES':
      return typeof value === 'string' && isBase64(value);
    case 'WF_RUN_ID':
      return typeof value === 'string' && value.length > 0;
    case 'TIMESTAMP':
      return typeof value === 'number' && Number.isSafeInteger(value);
  }
}

/** Standard base64 with its padding: what BYTES look like in JSON. */
export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

/**
 * Names the kind of a value for messages: `"abc" (STR)`; a `masked` one (a secret) by its kind only, `a masked STR`,
 * since messages reach events and the API unmasked.
 */
export function describeValue(value: JsonValue | undefined, masked = false): string {
  if (value === undefined) return 'nothing';
  if (masked) return `a masked ${kindOf(value)}`;
  const text = JSON.stringify(value);
  const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  // JSON numbers are doubles: an integer past 2^53 has already lost digits, and reads as no INT.
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) return `${shown} (an integer beyond ±2^53, which INT cannot hold exactly)`;
  return `${shown} (${kindOf(value)})`;
}

/** A name as a message quotes it: a string in quotes, anything else (a number where a name should be) with its type. */
export function describeName(value: unknown): string {
  if (typeof value !== 'string') return describeValue((value ?? null) as JsonValue);
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}..."` : text;
}

/**
 * The type a value has when the spec gives it none (a literal, a JSON path's result, a node output): the one place
 * the engine reads a type off JSON. A number is an INT when JSON holds it exactly as an integer (a safe integer),
 * otherwise a DOUBLE; NULL has no type of its own (it fits every type), so it has none here. BYTES, WF_RUN_ID and
 * TIMESTAMP look like STR and INT in JSON: only a declaration or a cast gives them.
 */
export function typeOfValue(value: Exclude<JsonValue, null>): VariableType;
export function typeOfValue(value: JsonValue): VariableType | undefined;
export function typeOfValue(value: JsonValue): VariableType | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') return 'STR';
  if (typeof value === 'boolean') return 'BOOL';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'INT' : 'DOUBLE';
  return Array.isArray(value) ? 'JSON_ARR' : 'JSON_OBJ';
}

/** typeOfValue for messages, where NULL is named: STR, INT, ..., NULL. */
export function kindOf(value: JsonValue): string {
  return typeOfValue(value) ?? 'NULL';
}

/** Whether a value of type `from` may be stored in a variable of type `to` without a cast. */
export function isAssignable(from: VariableType, to: VariableType): boolean {
  // LittleHorse (TypeCastingUtils.canBeType): INT widens to DOUBLE and every primitive reads as STR; every other pair
  // needs an explicit cast. JSON cannot tell an INT from a TIMESTAMP or a STR from a WF_RUN_ID, so those pairs go
  // both ways here.
  return from === to || (ASSIGNABLE[from]?.includes(to) ?? false);
}

const ASSIGNABLE: Partial<Record<VariableType, readonly VariableType[]>> = {
  INT: ['DOUBLE', 'TIMESTAMP', 'STR'],
  DOUBLE: ['STR'],
  BOOL: ['STR'],
  TIMESTAMP: ['INT', 'DOUBLE', 'STR'],
  BYTES: ['STR'],
  WF_RUN_ID: ['STR'],
  STR: ['WF_RUN_ID'],
};

/**
 * `value` as a `type` takes it without a cast: a number or BOOL given to a STR becomes its text (LittleHorse converts
 * every primitive to STR); anything else is returned as it is, to be checked against the type.
 */
export function widen(value: JsonValue, type: VariableType): JsonValue {
  return type === 'STR' && (typeof value === 'number' || typeof value === 'boolean') ? String(value) : value;
}

/** "an INT", "a STR": a type with its article, for messages. */
export function aType(type: VariableType): string {
  return `${type === 'INT' ? 'an' : 'a'} ${type}`;
}
