import type { Problem, ProblemCode } from '@gallop/engine';
import { formatPath } from '@gallop/engine';

/** A problem with an input: the engine's, or one only the server checks (a size limit). */
export type InputProblem = Omit<Problem, 'code'> & { readonly code: ProblemCode | 'SIZE_LIMIT' | 'DEPTH_LIMIT' | 'INVALID_CURSOR' };

/** A request a user got wrong: returned as a typed result, never masked. */
export abstract class GallopError extends Error {}

/** The input breaks rules the engine or server checks; each problem names its path. */
export class ValidationError extends GallopError {
  override readonly name = 'ValidationError';
  constructor(
    message: string,
    readonly problems: readonly InputProblem[],
  ) {
    super(message);
  }

  static of(what: string, problems: readonly InputProblem[]): ValidationError {
    const list = problems.map((p) => `${formatPath(p.path) || '(root)'}: ${p.message}`).join('; ');
    return new ValidationError(`${what}: ${list}`, problems);
  }
}

/** The object named does not exist. */
export class NotFoundError extends GallopError {
  override readonly name = 'NotFoundError';
  constructor(
    readonly kind: string,
    readonly id: string,
  ) {
    // An id is echoed, but not a megabyte of one.
    super(`${kind} ${id.length > 200 ? `${id.slice(0, 200)}… (${id.length} characters)` : id} does not exist.`);
  }
}

/** An object with that id exists and differs from the one given. */
export class AlreadyExistsError extends GallopError {
  override readonly name = 'AlreadyExistsError';
}
