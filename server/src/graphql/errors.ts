import type { Problem } from '@gallop/engine';
import { formatPath } from '@gallop/engine';

/** A request a user got wrong: returned as a typed result, never masked. */
export abstract class GallopError extends Error {}

/** The input breaks rules the engine or server checks; each problem names its path. */
export class ValidationError extends GallopError {
  override readonly name = 'ValidationError';
  constructor(
    message: string,
    readonly problems: readonly Problem[],
  ) {
    super(message);
  }

  static of(what: string, problems: readonly Problem[]): ValidationError {
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
    super(`${kind} ${id} does not exist.`);
  }
}

/** An object with that id exists and differs from the one given. */
export class AlreadyExistsError extends GallopError {
  override readonly name = 'AlreadyExistsError';
}
