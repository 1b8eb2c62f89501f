/** What a GraphQL error or a typed error result carried. */
export interface GallopProblem {
  readonly path: readonly (string | number)[];
  readonly at: string;
  readonly code: string;
  readonly message: string;
}

export type GallopErrorCode =
  | 'GRAPHQL_ERROR'
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'HTTP_ERROR'
  | 'UNAUTHENTICATED'
  | 'CREDENTIAL_ERROR'
  /** The variables cannot be written as JSON (a cycle, a BigInt): nothing was sent. */
  | 'INVALID_VARIABLES'
  | 'ValidationError'
  | 'NotFoundError'
  | 'AlreadyExistsError'
  | 'UserTaskRunEndedError'
  | 'UserTaskRunClaimedError'
  | 'DeadlineExceededError'
  | (string & {});

const brand = Symbol.for('gallop.GallopClientError');

/**
 * Thrown by the client when the server refuses an operation (a typed error result, named by `code`) or cannot be
 * reached. `problems` lists each problem of a refused WfSpec, TaskDef or set of variables, with its path;
 * `details` holds the other fields the typed error carried (for UserTaskRunClaimedError, the `userId` holding the task).
 */
export class GallopClientError extends Error {
  override readonly name = 'GallopClientError';
  readonly [brand] = true;
  readonly code: GallopErrorCode;
  readonly problems: readonly GallopProblem[];
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: GallopErrorCode,
    message: string,
    options: { problems?: readonly GallopProblem[]; details?: Readonly<Record<string, unknown>>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.problems = options.problems ?? [];
    this.details = options.details ?? {};
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

export function isGallopClientError(value: unknown): value is GallopClientError {
  return value instanceof GallopClientError;
}
