import { isGallopClientError } from '@gallop/sdk';
import { refusal } from './errors.ts';
import type { ActionOutcome } from './errors.ts';
import { permissions } from './permissions.svelte.ts';

/** How a list deletes one of its items. */
export interface DeletionOptions<T> {
  /** The API field that deletes, for what the principal may do: `deleteTaskDef`. */
  readonly field: string;
  /** The item as the page names it: "TaskDef charge-card". */
  readonly name: (item: T) => string;
  /** What deleting it does, said before it is done: what stops, what stays. */
  readonly consequences: (item: T) => string;
  /** Deletes it on the server; throws the server's typed refusal. */
  readonly remove: (item: T) => Promise<unknown>;
  /** Told once the server deleted it, or said it had none, to take it off the list. */
  readonly ondeleted: (item: T) => void;
}

/**
 * A delete asked for from a list, as the WfRun page asks for one: nothing is sent until the item waiting for its
 * confirmation is confirmed; then the server's answer, done or its typed refusal, is the outcome.
 */
export class Deletion<T> {
  /** The item waiting for its confirmation. */
  pending = $state.raw<T | undefined>();
  /** A delete is on its way: the buttons wait for it. */
  busy = $state(false);
  /** How the last delete went. */
  outcome = $state.raw<ActionOutcome | undefined>();

  readonly #options: DeletionOptions<T>;

  constructor(options: DeletionOptions<T>) {
    this.#options = options;
  }

  /** Why the principal may not delete here, or undefined when it may (or it is not known yet). */
  get denied(): string | undefined {
    return permissions.denied(this.#options.field);
  }

  /** What deleting the pending item does. */
  get consequences(): string {
    return this.pending === undefined ? '' : this.#options.consequences(this.pending);
  }

  /** The item as the page names it. */
  name(item: T): string {
    return this.#options.name(item);
  }

  /** Asks for the confirmation of deleting `item`; nothing is sent yet. */
  ask(item: T): void {
    this.pending = item;
    this.outcome = undefined;
  }

  /** Withdraws the question: nothing is deleted. */
  cancel(): void {
    this.pending = undefined;
  }

  /** Deletes the item asked about; resolves once the outcome says how it went. */
  async confirm(): Promise<void> {
    const item = this.pending;
    if (item === undefined || this.busy) return;
    this.busy = true;
    this.pending = undefined;
    try {
      await this.#options.remove(item);
      this.#options.ondeleted(item);
      this.outcome = { tone: 'ok', text: `Deleted ${this.#options.name(item)}.` };
    } catch (error) {
      this.outcome = refusal(error);
      // Deleted meanwhile (another tab, the CLI): the refusal says so, and the list stops showing it.
      if (isGallopClientError(error) && error.code === 'NotFoundError') this.#options.ondeleted(item);
    } finally {
      this.busy = false;
    }
  }
}
