/**
 * `record[key]` only when `key` is the record's own: specs and catalogs are keyed by user-chosen names, and a name
 * like "constructor" must not find Object.prototype's.
 */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Whether `key` is one of the record's own keys. */
export function hasOwn(record: object, key: string): boolean {
  return Object.hasOwn(record, key);
}
