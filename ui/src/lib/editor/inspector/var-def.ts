import { aType, describeValue, isValueOfType } from '@gallop/engine';
import type { JsonValue, ThreadVarDef, VariableType } from '@gallop/engine';
import type { Parsed } from './literal.ts';
import { parseDefaultValue } from './literal.ts';
import { withOptional } from './optional.ts';

/** Why a declared default value does not fit its variable's type (after the type changed), or undefined. */
export function checkDefault(def: ThreadVarDef): string | undefined {
  if (def.defaultValue === undefined || isValueOfType(def.defaultValue, def.type)) return undefined;
  return `The default ${describeValue(def.defaultValue)} does not fit ${aType(def.type)}.`;
}

/** `def` with the default value read from `text`: empty text leaves it out; text that is not a value of the type is refused. */
export function withDefaultText(def: ThreadVarDef, text: string): Parsed<ThreadVarDef> {
  const parsed = parseDefaultValue(text, def.type);
  return parsed.ok ? { ok: true, value: withOptional(def, 'defaultValue', parsed.value as JsonValue | undefined) } : parsed;
}

/** A flag of `def` turned on or off; off leaves the field out, as the SDK does. */
export function withFlag(def: ThreadVarDef, flag: 'required' | 'searchable' | 'masked', on: boolean): ThreadVarDef {
  return withOptional(def, flag, on ? true : undefined);
}

/** `def` of another type; a default value stays (and checkDefault says when it no longer fits). */
export function withType(def: ThreadVarDef, type: VariableType): ThreadVarDef {
  return { ...def, type };
}
