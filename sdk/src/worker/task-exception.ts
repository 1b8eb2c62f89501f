import { isValidFailureName } from '@gallop/engine';
import type { JsonValue } from '@gallop/engine';

const brand = Symbol.for('gallop.TaskException');

/**
 * A business failure thrown from a task function. It is reported as an EXCEPTION named `name`, which a WfSpec
 * can catch by name and which is never retried; any other throw is reported as an ERROR (LittleHorse's
 * LHTaskException versus TASK_FAILED). A name the server would refuse throws a TypeError from the constructor, so
 * the attempt fails at once as an ERROR that says why rather than timing out unreported.
 */
export class TaskException extends Error {
  override readonly name = 'TaskException';
  readonly [brand] = true;

  constructor(
    /** The failure name the WfSpec sees: letters, digits, _ and -. */
    readonly exceptionName: string,
    message: string,
    /** Data carried with the failure. */
    readonly content?: JsonValue,
  ) {
    super(message);
    if (!isValidFailureName(exceptionName)) {
      throw new TypeError(
        `TaskException name ${JSON.stringify(exceptionName)} is not a failure name: use up to 128 letters, digits, _ and -, starting with a letter or digit (say 'card-declined').`,
      );
    }
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

export function isTaskException(value: unknown): value is TaskException {
  return value instanceof TaskException;
}
