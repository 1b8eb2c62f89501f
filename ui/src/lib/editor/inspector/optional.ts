/** The keys of `T` that it may leave out. */
export type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];

/** Whether a form left a value out: undefined, empty text, or an empty list or object. */
export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length === 0;
  return false;
}

/**
 * `obj` with the optional field `key` set to `value`, or without the key when `value` is empty (see isEmpty), so the
 * JSON holds only what was said and never `undefined` or `""`. A key already there keeps its place, so a spec saves
 * with its fields in the order it was written. Pure: `obj` is not changed.
 */
export function withOptional<T extends object, K extends OptionalKeys<T>>(obj: T, key: K, value: T[K] | undefined): T {
  if (isEmpty(value)) {
    if (!Object.hasOwn(obj, key)) return obj;
    const { [key]: _gone, ...rest } = obj;
    return rest as T;
  }
  return { ...obj, [key]: value };
}

/** `record[key]` when `record` has it as its own key (so `constructor` is never found on the prototype). */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record && Object.hasOwn(record, key) ? record[key] : undefined;
}
