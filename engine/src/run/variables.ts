import type { Problem } from '../spec/problem.ts';
import type { ThreadVarDef } from '../spec/types.ts';
import { aType, describeValue, isJsonObject, isValueOfType, kindOf, widen } from '../values/value.ts';
import type { JsonValue } from '../values/value.ts';

/**
 * Checks RunWf's variables against the entrypoint thread's declarations, as LittleHorse's RunWf does:
 * unknown names, wrong types and missing required variables are all problems. A number or BOOL given to a STR is
 * no problem: LittleHorse takes any primitive as a STR (initialValues makes it the text). A NULL given to a required
 * variable with a default is no problem either (it takes the default, as in LittleHorse); without a default it is
 * missing. A child started by RUN_CHILD_WF is not checked at all (RunWf's `fromRunChildWf`).
 */
export function checkRunVariables(defs: readonly ThreadVarDef[], given: unknown): Problem[] {
  if (given === undefined || given === null) given = {};
  if (!isJsonObject(given)) return [{ path: ['variables'], code: 'TYPE_MISMATCH', message: 'variables must be an object keyed by variable name.' }];
  const problems: Problem[] = [];
  const byName = new Map(defs.map((d) => [d.name, d]));
  for (const [name, value] of Object.entries(given)) {
    const def = byName.get(name);
    if (!def) {
      problems.push({ path: ['variables', name], code: 'UNKNOWN_VARIABLE', message: `The WfSpec's entrypoint thread declares no variable '${name}'.` });
    } else if (!isValueOfType(widen(value, def.type), def.type)) {
      // A masked variable's value is a secret: the error names its type only.
      const got = def.masked === true ? `a masked ${kindOf(value)}` : describeValue(value);
      problems.push({ path: ['variables', name], code: 'TYPE_MISMATCH', message: `Variable '${name}' is ${aType(def.type)}; got ${got}.` });
    }
  }
  for (const def of defs) {
    // Left out, a required variable is missing whatever its default; given as NULL, it takes the default.
    const value = Object.hasOwn(given, def.name) ? (given[def.name] ?? def.defaultValue) : undefined;
    if (def.required && (value === undefined || value === null)) {
      problems.push({ path: ['variables', def.name], code: 'MISSING_REQUIRED_VARIABLE', message: `Variable '${def.name}' (${def.type}) is required.` });
    }
  }
  return problems;
}

/**
 * A handler thread's first variables (failure, per-thread failure and interrupt handlers alike): INPUT, when the
 * handler declares it, holds `input`, or INPUT's default when that is NULL (LittleHorse starts every thread so).
 */
export function handlerVariables(defs: readonly ThreadVarDef[], input: JsonValue): Record<string, JsonValue> {
  return initialValues(defs, { INPUT: input });
}

/**
 * Every declared variable with its first value: the given one (a number or BOOL given to a STR as its text, as
 * LittleHorse's RunWf takes it), else its default, else NULL.
 */
export function initialValues(defs: readonly ThreadVarDef[], given: Readonly<Record<string, JsonValue>> = {}): Record<string, JsonValue> {
  const values: Record<string, JsonValue> = {};
  for (const def of defs) values[def.name] = widen(given[def.name] ?? def.defaultValue ?? null, def.type);
  return values;
}
