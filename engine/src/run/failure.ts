import type { JsonValue } from '../values/value.ts';

/** LittleHorse's reserved failure names. A failure with one of them is an ERROR, any other name an EXCEPTION. */
export const ERROR_NAMES = [
  'CHILD_FAILURE',
  'VAR_SUB_ERROR',
  'VAR_MUTATION_ERROR',
  'USER_TASK_CANCELLED',
  'TIMEOUT',
  'TASK_FAILURE',
  'VAR_ERROR',
  'TASK_ERROR',
  'INTERNAL_ERROR',
] as const;
export type ErrorName = (typeof ERROR_NAMES)[number];

/** Something that went wrong inside a WfRun. */
export interface Failure {
  readonly name: string;
  readonly message: string;
  readonly content?: JsonValue | undefined;
  /**
   * The content is a secret (made from a masked variable or a masked node output, here or in a child WfRun): the
   * engine uses it as it is, the API shows it as `*****`.
   */
  readonly maskedContent?: true | undefined;
}

export function isErrorName(name: string): name is ErrorName {
  return (ERROR_NAMES as readonly string[]).includes(name);
}

/** The status a thread or node takes when `failure` ends it. */
export function statusOfFailure(failure: Failure): 'ERROR' | 'EXCEPTION' {
  return isErrorName(failure.name) ? 'ERROR' : 'EXCEPTION';
}
