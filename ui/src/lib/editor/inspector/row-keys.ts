/**
 * Stable keys for the rows of a list the inspector edits, kept only in the editor and never written into the WfSpec.
 * Keyed by index, removing a row would hand each later row's field state (a literal being typed, an open cast) to the
 * row that moves up into its place.
 */
export class RowKeys<T> {
  #next = 0;
  #list: readonly T[] = [];
  #keys: readonly number[] = [];
  /** The key each row object had: a removal, a move or an undo gives back the same objects, which keep their keys. */
  readonly #byRow = new WeakMap<object, number>();

  /**
   * The key of each row of `list`, unique within it. A row the field has keyed before keeps its key; a new row (an
   * edit replaces the row it changes) takes the key of the row that was at its place, unless another row kept that
   * one, and a row past the old end a new key.
   */
  of(list: readonly T[]): readonly number[] {
    if (list === this.#list) return this.#keys;
    const known = this.#keys;
    const used = new Set<number>();
    const kept = list.map((row) => {
      const key = isObject(row) ? this.#byRow.get(row) : undefined;
      if (key === undefined || used.has(key)) return undefined;
      used.add(key);
      return key;
    });
    const keys = list.map((row, i) => {
      let key = kept[i];
      if (key === undefined) {
        const there = known[i];
        key = there !== undefined && !used.has(there) ? there : this.#next++;
        used.add(key);
      }
      if (isObject(row)) this.#byRow.set(row, key);
      return key;
    });
    this.#list = list;
    this.#keys = keys;
    return keys;
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
