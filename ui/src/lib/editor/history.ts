/**
 * Snapshot undo (as Windmill's editor does it): each edit pushes the state it replaces. States are immutable
 * values, so a snapshot is a reference, and undo gives back exactly what was there.
 */
export class History<T> {
  #past: T[] = [];
  #future: T[] = [];

  constructor(private readonly limit = 200) {}

  get canUndo(): boolean {
    return this.#past.length > 0;
  }

  get canRedo(): boolean {
    return this.#future.length > 0;
  }

  /** Records `before`, the state an edit is about to replace; a new edit forgets what was undone. */
  record(before: T): void {
    this.#past.push(before);
    if (this.#past.length > this.limit) this.#past.shift();
    this.#future = [];
  }

  /** The state before the last edit, given the current one to come back to; undefined when there is none. */
  undo(current: T): T | undefined {
    const before = this.#past.pop();
    if (before !== undefined) this.#future.push(current);
    return before;
  }

  redo(current: T): T | undefined {
    const after = this.#future.pop();
    if (after !== undefined) this.#past.push(current);
    return after;
  }

  clear(): void {
    this.#past = [];
    this.#future = [];
  }
}
