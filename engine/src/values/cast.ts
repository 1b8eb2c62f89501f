import { encodeBase64 } from './base64.ts';
import { toText } from './compare.ts';
import type { Mutated } from './mutate.ts';
import { describeValue, isAssignable, typeOfValue } from './value.ts';
import type { JsonValue, VariableType } from './value.ts';

/** The primitive types of LittleHorse's casts (TypeCastingUtils.isPrimitive); TIMESTAMP, JSON_OBJ and JSON_ARR are not. */
const PRIMITIVES: readonly VariableType[] = ['STR', 'INT', 'DOUBLE', 'BOOL', 'BYTES', 'WF_RUN_ID'];

/**
 * Whether a value of type `from` may be cast to `to` (LittleHorse's TypeCastingUtils.canCastTo): to the same type;
 * a primitive to a STR; INT to DOUBLE and DOUBLE to INT (truncating); a STR to an INT, DOUBLE, BOOL, BYTES or
 * WF_RUN_ID, parsed when the WfRun runs. What needs no cast at all (isAssignable) may be cast too.
 */
export function canCast(from: VariableType, to: VariableType): boolean {
  if (isAssignable(from, to)) return true;
  if (PRIMITIVES.includes(from) && to === 'STR') return true;
  if (from === 'DOUBLE' && to === 'INT') return true;
  return from === 'STR' && (to === 'INT' || to === 'DOUBLE' || to === 'BOOL' || to === 'BYTES' || to === 'WF_RUN_ID');
}

/**
 * Whether `from` given where a `to` is expected needs a cast that is written (LittleHorse's requiresManualCast):
 * STR to INT, DOUBLE to INT, STR to BOOL, and so on.
 */
export function needsCast(from: VariableType, to: VariableType): boolean {
  return !isAssignable(from, to) && canCast(from, to);
}

/**
 * `value` cast to `type` when the WfRun runs (LittleHorse's TypeCastingUtils.applyCast, with its messages). NULL
 * stays NULL. `from` is the type the value has when the spec knows it (a DOUBLE variable holding 2 is a DOUBLE though
 * its JSON reads as an INT); without it, the value's own kind. A STR is parsed as Java parses it: an INT from digits
 * only (Long.valueOf), a DOUBLE after trimming, a BOOL from `true` or `false` in any case; BYTES are the text's UTF-8
 * bytes (LittleHorse's objToBytes), in base64 as BYTES travel in JSON.
 */
export function castValue(value: JsonValue, type: VariableType, from?: VariableType): Mutated {
  if (value === null) return { ok: true, value };
  const source = from ?? typeOfValue(value);
  if (source === type || (isAssignable(source, type) && type !== 'STR' && type !== 'DOUBLE')) return { ok: true, value };
  if (!canCast(source, type)) return fail(`Failed to cast value to ${type}: Casting from ${source} to ${type} is not supported.`);
  if (type === 'STR') return { ok: true, value: toText(value) };
  if (type === 'DOUBLE' && typeof value === 'number') return { ok: true, value };
  if (type === 'INT' && typeof value === 'number') {
    const n = Math.trunc(value);
    return Number.isSafeInteger(n) ? { ok: true, value: n } : fail(`Failed to cast value to INT: Converting DOUBLE ${value} to INT. Note: decimal part will be truncated`);
  }
  if (typeof value !== 'string') return fail(`Failed to cast value to ${type}: ${describeValue(value)} is not ${source}.`);
  const text = value.trim();
  switch (type) {
    case 'INT':
      if (/^[+-]?\d+$/.test(value) && Number.isSafeInteger(Number(value))) return { ok: true, value: Number(value) };
      return fail(`Failed to cast value to INT: Cannot parse '${value}' as INT.`);
    case 'DOUBLE':
      if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/.test(text) && Number.isFinite(Number.parseFloat(text))) return { ok: true, value: Number.parseFloat(text) };
      return fail(`Failed to cast value to DOUBLE: Cannot parse '${value}' as DOUBLE.`);
    case 'BOOL':
      if (text.toLowerCase() === 'true') return { ok: true, value: true };
      if (text.toLowerCase() === 'false') return { ok: true, value: false };
      return fail(`Failed to cast value to BOOL: Cannot parse '${value}' as BOOL (use 'true'/'false').`);
    case 'BYTES':
      return { ok: true, value: encodeBase64(utf8(value)) };
    case 'WF_RUN_ID':
      return value === '' ? fail(`Failed to cast value to WF_RUN_ID: Invalid WfRun id: ''.`) : { ok: true, value };
    default:
      return fail(`Failed to cast value to ${type}: Casting from ${source} to ${type} is not supported.`);
  }
}

/** The UTF-8 bytes of `text` (the engine has no TextEncoder). */
function utf8(text: string): number[] {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    else bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  }
  return bytes;
}

function fail(message: string): Mutated {
  return { ok: false, message };
}
