import { aType } from '@gallop/engine';
import type { JsonValue, VariableType } from '@gallop/engine';

/** A value a person types in a form: a UserTaskDef's field, or a WfSpec's input variable. */
export interface TypedField {
  readonly name: string;
  readonly type: VariableType;
  readonly required?: boolean | undefined;
  readonly displayName?: string | null | undefined;
  /** A secret: an error about its text does not repeat it. */
  readonly masked?: boolean | undefined;
}

/** Types whose JSON is text: the input takes it without quotes. */
const TEXT_TYPES: ReadonlySet<VariableType> = new Set(['STR', 'BYTES', 'WF_RUN_ID']);

/** A saved value as its field's input shows it: text as it is, anything else as JSON; null as an empty field. */
export function fieldText(value: JsonValue): string {
  if (value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A field's text as the value its type wants: text as it is, anything else read as JSON. A required field left
 * empty goes as null, so the server's refusal names it. Throws a sentence naming the field when the text is not
 * JSON; whether the value is of the field's type the server says, naming the field.
 */
export function fieldValue(field: TypedField, text: string): JsonValue {
  if (text.trim() === '' && field.required) return null;
  if (TEXT_TYPES.has(field.type)) return text;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new Error(`${field.displayName ?? field.name} is not ${aType(field.type)}${field.masked ? ' (masked, so not shown here)' : `: ${text}`}`);
  }
}

/**
 * The values the form's texts make, by field name, in the order of the fields. Blank optional fields are left
 * out; blank required ones go as null (the server names them, or gives a variable its default) and are left out of
 * saved progress (`partial`), which may wait for them.
 */
export function resultsOf(
  fields: readonly TypedField[],
  texts: Readonly<Record<string, string | undefined>>,
  { partial = false }: { partial?: boolean } = {},
): Record<string, JsonValue> {
  const results: Record<string, JsonValue> = {};
  for (const field of fields) {
    const text = texts[field.name] ?? '';
    if (text.trim() === '' && (partial || !field.required)) continue;
    results[field.name] = fieldValue(field, text);
  }
  return results;
}
