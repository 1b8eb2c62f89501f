import { aType, describeValue, isValueOfType } from '@gallop/engine';
import type { JsonValue, VariableType } from '@gallop/engine';

/** What a form made of a person's text: the value, or a sentence saying why there is none. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** A JSON value as a form shows it: compact JSON text, which parseLiteral reads back to the same value. */
export function formatLiteral(value: JsonValue | undefined): string {
  return value === undefined ? '' : JSON.stringify(value);
}

/** An example of a literal of `type`, for placeholders. */
export function literalExample(type: VariableType | undefined): string {
  return type ? EXAMPLES[type] : '"text", 42, true, {"key": 1} or null';
}

const EXAMPLES: Readonly<Record<VariableType, string>> = {
  STR: '"text"',
  INT: '42',
  DOUBLE: '1.5',
  BOOL: 'true',
  JSON_OBJ: '{"key": "value"}',
  JSON_ARR: '[1, 2, 3]',
  BYTES: '"aGVsbG8=" (base64)',
  WF_RUN_ID: '"my-wf-run-id"',
  TIMESTAMP: '1767225600000 (epoch ms)',
};

/**
 * Reads JSON text as the value of a literal. With a `type`, the value must fit it (NULL fits every type, as in
 * LittleHorse). Pure; the message says what to change.
 */
export function parseLiteral(text: string, type?: VariableType): Parsed<JsonValue> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: `Write a JSON value, such as ${literalExample(type)}.` };
  let value: JsonValue;
  try {
    value = JSON.parse(trimmed) as JsonValue;
  } catch (error) {
    // Unquoted words are the usual slip: say what the text should have been.
    if (!/^["{[\-\d]/.test(trimmed) && !/^(true|false|null)\b/.test(trimmed)) {
      return { ok: false, message: `Text needs double quotes: ${JSON.stringify(trimmed)}.` };
    }
    return { ok: false, message: `Not valid JSON (${error instanceof Error ? error.message : String(error)}).` };
  }
  if (type && !isValueOfType(value, type)) return { ok: false, message: `${capitalize(aType(type))} cannot hold ${describeValue(value)}.` };
  return { ok: true, value };
}

/** Reads a variable's default value: empty text means no default (the field is left out). */
export function parseDefaultValue(text: string, type: VariableType): Parsed<JsonValue | undefined> {
  return text.trim() === '' ? { ok: true, value: undefined } : parseLiteral(text, type);
}

/** A literal to start from when a field becomes a literal: an empty value of `type`, or NULL when it is unknown. */
export function emptyLiteral(type: VariableType | undefined): JsonValue {
  switch (type) {
    case 'STR':
      return '';
    case 'INT':
    case 'DOUBLE':
      return 0;
    case 'BOOL':
      return false;
    case 'JSON_OBJ':
      return {};
    case 'JSON_ARR':
      return [];
    default:
      return null;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
