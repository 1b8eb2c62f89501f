import { own } from '../spec/own.ts';
import type { FailureHandlerDef } from '../spec/types.ts';
import type { Failure } from './failure.ts';
import { isErrorName } from './failure.ts';

// LittleHorse: VAR_ERROR and TASK_ERROR also name the more specific errors under them.
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  VAR_ERROR: ['VAR_SUB_ERROR', 'VAR_MUTATION_ERROR'],
  TASK_ERROR: ['TASK_FAILURE', 'TIMEOUT'],
};

/** Whether a handler catches `failure`: by name, by kind (ERROR or EXCEPTION), or any failure at all. */
export function catches(handler: FailureHandlerDef, failure: Failure): boolean {
  if (handler.specificFailure !== undefined) {
    return handler.specificFailure === failure.name || (own(ALIASES, handler.specificFailure)?.includes(failure.name) ?? false);
  }
  if (handler.anyFailureOfType === 'FAILURE_TYPE_ERROR') return isErrorName(failure.name);
  if (handler.anyFailureOfType === 'FAILURE_TYPE_EXCEPTION') return !isErrorName(failure.name);
  return true;
}

/** The first of a node's handlers that catches `failure`. */
export function handlerFor(handlers: readonly FailureHandlerDef[] | undefined, failure: Failure): FailureHandlerDef | undefined {
  return handlers?.find((handler) => catches(handler, failure));
}
