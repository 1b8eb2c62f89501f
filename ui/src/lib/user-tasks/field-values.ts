import { aType } from '@gallop/engine';
import type { JsonValue } from '@gallop/engine';
import type { UserTaskFieldInfo } from '@gallop/sdk';

/** A saved value as its field's input shows it: text as it is, anything else as JSON; null as an empty field. */
export function fieldText(value: JsonValue): string {
  if (value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A field's text as the value its type wants: text as it is, anything else read as JSON. A required field left
 * empty goes as null, so the server's refusal names it. Throws a sentence naming the field when the text is not
 * of its type.
 */
export function fieldValue(field: UserTaskFieldInfo, text: string): JsonValue {
  if (text.trim() === '' && field.required) return null;
  if (field.type === 'STR') return text;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new Error(`${field.displayName ?? field.name} is not ${aType(field.type)}: ${text}`);
  }
}

/**
 * The results the form's texts make, by field name, in the order of the fields. Blank optional fields are left
 * out; blank required ones go as null for a completion (the server names them) and are left out of saved
 * progress (`partial`), which may wait for them.
 */
export function resultsOf(
  fields: readonly UserTaskFieldInfo[],
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
