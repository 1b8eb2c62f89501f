import { MAX_NESTING, nestsDeeperThan } from '@gallop/engine';
import type { JsonValue } from '@gallop/engine';
import type { SearchedValue } from '@gallop/sdk';
import { InvalidArgumentError } from 'commander';

/** Option-argument parsers for commander: each returns the parsed value or throws InvalidArgumentError (exit 2). */

/** A whole number, such as a version or a thread number. */
export function integer(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('Expected a whole number.');
  return Number(text);
}

/** A page size for --limit: 1 to 500, the server's bound. */
export function limit(text: string): number {
  const n = integer(text);
  if (n < 1 || n > 500) throw new InvalidArgumentError('Expected a number from 1 to 500.');
  return n;
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `500ms`, `30s`, `5m`, `2h`, `1d`, or a bare number of seconds; answers milliseconds. */
export function duration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match?.[1]) throw new InvalidArgumentError('Expected a duration such as 500ms, 30s, 5m, 2h or 1d.');
  const ms = Number(match[1]) * UNIT_MS[(match[2] ?? 's') as keyof typeof UNIT_MS];
  if (ms <= 0) throw new InvalidArgumentError('Expected a duration above zero.');
  return ms;
}

/**
 * A point in time as ISO-8601: a date or date-time (`2025-06-01`, `2025-06-01T10:00:00Z`), or a duration ago
 * (`15m`, `2h`, `7d`) measured from `now`.
 */
export function pointInTime(text: string, now = Date.now()): string {
  if (/^\d+(?:\.\d+)?(ms|s|m|h|d)$/.test(text.trim())) return new Date(now - duration(text)).toISOString();
  // Date.parse also takes loose forms such as "June 1"; only ISO-looking text is meant here.
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw new InvalidArgumentError('Expected an ISO date or date-time (2025-06-01T10:00:00Z) or a duration ago (15m, 2h, 7d).');
  return new Date(ms).toISOString();
}

/**
 * JSON when the text parses as JSON, the text itself as a string otherwise: `42` is a number, `Ada` a string. JSON
 * nested deeper than a WfRun's values may be is refused here: the server would refuse it, and sending it would
 * overflow the stack first.
 */
export function jsonOrString(text: string): JsonValue {
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
  return withinNesting(value);
}

/** `value`, unless it nests arrays or objects past the server's limit on values (checked without recursion). */
function withinNesting<T>(value: T): T {
  if (nestsDeeperThan(value, MAX_NESTING)) throw new InvalidArgumentError(`This JSON nests arrays or objects more than ${MAX_NESTING} levels deep; the limit is ${MAX_NESTING}.`);
  return value;
}

/** A JSON object, as for --vars-json. */
export function jsonObject(text: string): Record<string, JsonValue> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`Not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidArgumentError('Expected a JSON object.');
  // Each variable's value is held to the limit, as the server holds it, not the object around them.
  for (const each of Object.values(value)) withinNesting(each);
  return value as Record<string, JsonValue>;
}

/** A `name=value` pair, its value read by jsonOrString. */
export function pair(text: string): readonly [string, JsonValue] {
  const at = text.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('Expected name=value.');
  return [text.slice(0, at), jsonOrString(text.slice(at + 1))];
}

/** A `name=value` pair to search by: a value other than null (the server searches for values, not their absence). */
export function searchPair(text: string): readonly [string, SearchedValue] {
  const [name, value] = pair(text);
  if (value === null) throw new InvalidArgumentError('A search needs a value other than null; for the text, write name=\'"null"\'.');
  return [name, value];
}

/** Collects a repeated `--flag name=value` into one list; commander passes the list so far as `previous`. */
export function pairs(text: string, previous: readonly (readonly [string, JsonValue])[] | undefined): (readonly [string, JsonValue])[] {
  return [...(previous ?? []), pair(text)];
}

/**
 * A parser for one of `values`, case-insensitive; `prefix` may be left out (TaskStatus `success` is TASK_SUCCESS).
 */
export function oneOf<T extends string>(values: readonly T[], prefix = ''): (text: string) => T {
  return (text) => {
    const upper = text.toUpperCase();
    const found = values.find((v) => v === upper || v === prefix + upper);
    if (!found) throw new InvalidArgumentError(`Expected one of ${values.join(', ')}.`);
    return found;
  };
}
