import { isGallopClientError } from '@gallop/sdk';
import type { GallopProblem } from '@gallop/sdk';

/** The exit codes of `gallop`, as cli/README.md documents them. */
export const EXIT = {
  /** The command did what it was asked. */
  OK: 0,
  /** The server refused the request or the thing asked for does not exist. */
  REFUSED: 1,
  /** The command line was wrong: unknown command or option, a malformed value, an unreadable file. */
  USAGE: 2,
  /** The server could not be reached, or did not answer in time. */
  UNREACHABLE: 3,
  /** Stopped with Ctrl-C (128 + SIGINT, as shells report it). */
  INTERRUPTED: 130,
} as const;

/** A command line `gallop` cannot act on; exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A get of something the server does not have; exits 1. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';

  constructor(kind: string, id: string) {
    super(`${kind} '${id}' not found`);
  }
}

/** The user pressed Ctrl-C; exits 130 without a message. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
}

/** What went wrong, as one line and the problems listed under it. */
export interface Failure {
  readonly exitCode: number;
  /** The typed error's __typename, or the CLI's own name for it. */
  readonly code: string;
  readonly message: string;
  readonly problems: readonly GallopProblem[];
}

// A server that answered with something other than GraphQL is as good as absent for the CLI.
const UNREACHABLE_CODES = new Set(['NETWORK_ERROR', 'TIMEOUT', 'HTTP_ERROR']);

/** Maps anything a command threw to its exit code and the words to print. */
export function failureOf(error: unknown): Failure {
  if (error instanceof UsageError) return { exitCode: EXIT.USAGE, code: 'UsageError', message: error.message, problems: [] };
  if (error instanceof InterruptedError) return { exitCode: EXIT.INTERRUPTED, code: 'Interrupted', message: 'interrupted', problems: [] };
  if (error instanceof NotFoundError) return { exitCode: EXIT.REFUSED, code: 'NotFoundError', message: error.message, problems: [] };
  if (isGallopClientError(error)) {
    const exitCode = UNREACHABLE_CODES.has(error.code) ? EXIT.UNREACHABLE : EXIT.REFUSED;
    const reason = error.code === 'NETWORK_ERROR' ? systemCode(error.cause) : undefined;
    return { exitCode, code: error.code, message: reason ? `${error.message.replace(/\.$/, '')} (${reason}).` : error.message, problems: error.problems };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { exitCode: EXIT.REFUSED, code: 'Error', message, problems: [] };
}

/**
 * Why a connection failed, from down a chain of causes (fetch hides it two levels deep): a system error code such as
 * ECONNREFUSED, else the innermost message.
 */
function systemCode(cause: unknown): string | undefined {
  let innermost: string | undefined;
  for (let at = cause, depth = 0; typeof at === 'object' && at !== null && depth < 5; at = (at as { cause?: unknown }).cause, depth++) {
    const { code, message } = at as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    if (typeof message === 'string' && message !== 'fetch failed') innermost = message;
  }
  return innermost;
}
