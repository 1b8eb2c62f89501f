/** Pure edits of lists and records for the inspector's rows: each returns a new value and changes nothing. */

export function replaceAt<T>(list: readonly T[], index: number, item: T): T[] {
  return list.map((x, i) => (i === index ? item : x));
}

export function removeAt<T>(list: readonly T[], index: number): T[] {
  return list.filter((_, i) => i !== index);
}

/** Moves the item at `index` one place earlier (-1) or later (+1); a move past either end changes nothing. */
export function moveAt<T>(list: readonly T[], index: number, by: -1 | 1): T[] {
  const to = index + by;
  const moving = list[index];
  if (moving === undefined || to < 0 || to >= list.length) return [...list];
  const next = removeAt(list, index);
  next.splice(to, 0, moving);
  return next;
}

/** Renames a key, keeping its place among the others; renaming onto another key refuses (returns `record`). */
export function renameKey<T>(record: Readonly<Record<string, T>>, from: string, to: string): Readonly<Record<string, T>> {
  if (from === to || !Object.hasOwn(record, from) || Object.hasOwn(record, to)) return record;
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k === from ? to : k, v]));
}

export function setKey<T>(record: Readonly<Record<string, T>> | undefined, key: string, value: T): Readonly<Record<string, T>> {
  return { ...record, [key]: value };
}

export function removeKey<T>(record: Readonly<Record<string, T>> | undefined, key: string): Readonly<Record<string, T>> {
  return Object.fromEntries(Object.entries(record ?? {}).filter(([k]) => k !== key));
}
