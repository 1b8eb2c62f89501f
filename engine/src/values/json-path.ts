import type { JsonValue } from './value.ts';
import { isJsonObject } from './value.ts';

/** One step of a JSON path: an object key or an array index. */
export type PathStep = string | number;

/**
 * Parses the JSON paths LittleHorse users write (Jayway syntax, the subset WfSpecs use): `$`, `$.a.b`, `$.list[0]`,
 * `$['odd key']`. Returns the steps, or a sentence saying what is wrong.
 */
export function parseJsonPath(path: string): { ok: true; steps: PathStep[] } | { ok: false; message: string } {
  if (!path.startsWith('$')) return { ok: false, message: `JSON path '${path}' must start with $.` };
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      const match = /^[A-Za-z_$][\w$-]*/.exec(path.slice(i + 1));
      if (!match) return { ok: false, message: `JSON path '${path}' has no key after the '.' at ${i}.` };
      steps.push(match[0]);
      i += 1 + match[0].length;
    } else if (c === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) return { ok: false, message: `JSON path '${path}' has a '[' at ${i} that is never closed.` };
      const inner = path.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) steps.push(Number(inner));
      else if (/^'[^']*'$/.test(inner) || /^"[^"]*"$/.test(inner)) steps.push(inner.slice(1, -1));
      else return { ok: false, message: `JSON path '${path}' has '[${inner}]', which is neither an index nor a quoted key.` };
      i = close + 1;
    } else {
      return { ok: false, message: `JSON path '${path}' has an unexpected '${c}' at ${i}.` };
    }
  }
  return { ok: true, steps };
}

/** The value at `steps` inside `root`; NULL when any step is missing, as LittleHorse reads. */
export function readPath(root: JsonValue, steps: readonly PathStep[]): JsonValue {
  let current: JsonValue = root;
  for (const step of steps) {
    if (typeof step === 'number' && Array.isArray(current)) current = (current as readonly JsonValue[])[step] ?? null;
    else if (typeof step === 'string' && isJsonObject(current)) current = Object.hasOwn(current, step) ? (current[step] ?? null) : null;
    else return null;
  }
  return current;
}

/**
 * A copy of `root` with `value` at `steps`. The leaf may be new, but its parent must exist (LittleHorse creates
 * leaves, never parents); otherwise the sentence says which step is missing.
 */
export function writePath(
  root: JsonValue,
  steps: readonly PathStep[],
  value: JsonValue,
): { ok: true; value: JsonValue } | { ok: false; message: string } {
  const [step, ...rest] = steps;
  if (step === undefined) return { ok: true, value };
  if (typeof step === 'number') {
    if (!Array.isArray(root)) return { ok: false, message: `there is no list to index with [${step}]` };
    const list = root as readonly JsonValue[];
    if (step > list.length || (rest.length > 0 && step >= list.length)) return { ok: false, message: `index ${step} is past the end of a list of ${list.length}` };
    const inner = writePath(list[step] ?? null, rest, value);
    if (!inner.ok) return inner;
    const copy = list.slice();
    copy[step] = inner.value;
    return { ok: true, value: copy };
  }
  if (!isJsonObject(root)) return { ok: false, message: `there is no object to hold key '${step}'` };
  if (rest.length > 0 && !Object.hasOwn(root, step)) return { ok: false, message: `key '${step}' does not exist` };
  const inner = writePath(root[step] ?? null, rest, value);
  if (!inner.ok) return inner;
  return { ok: true, value: { ...root, [step]: inner.value } };
}
