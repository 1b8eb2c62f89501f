import { isGallopClientError } from '@gallop/sdk';
import { client } from './client.ts';

/** What went wrong, in words for the page. */
export interface Trouble {
  readonly title: string;
  readonly detail: string;
  /** The server could not be reached at all: retrying may help once it is up. */
  readonly unreachable: boolean;
  /** The server wants a key, or another one: signing in may help. */
  readonly signIn?: boolean;
  /** False when asking again the same way cannot help: the server refused what was asked. */
  readonly retryable?: boolean;
}

/**
 * Whether the server refused for want of a credential or a grant (UNAUTHENTICATED, FORBIDDEN): asking again the same
 * way gets the same answer, so what follows live changes asks no more once refused.
 */
export function isRefusal(error: unknown): boolean {
  return isGallopClientError(error) && (error.code === 'FORBIDDEN' || error.code === 'UNAUTHENTICATED');
}

/** Turns anything a request or subscription threw into a title and a sentence a person understands. */
export function describeError(error: unknown): Trouble {
  if (isGallopClientError(error) && (error.code === 'NETWORK_ERROR' || error.code === 'HTTP_ERROR')) {
    return {
      title: 'Cannot reach the Gallop server',
      detail:
        error.code === 'NETWORK_ERROR'
          ? `No answer from ${client.url}. Check that the server is running, then retry.`
          : `${error.message} Check that the server is running, then retry.`,
      unreachable: true,
    };
  }
  if (isGallopClientError(error) && error.code === 'UNAUTHENTICATED') {
    return { title: 'Sign in to see this', detail: error.message, unreachable: false, signIn: true };
  }
  if (isGallopClientError(error) && error.code === 'FORBIDDEN') {
    return { title: 'Your principal may not see this', detail: error.message, unreachable: false, signIn: true };
  }
  if (isGallopClientError(error) && error.code === 'TENANT_NOT_FOUND') {
    return { title: 'No such tenant', detail: error.message, unreachable: false, signIn: true };
  }
  if (isGallopClientError(error) && error.code === 'ValidationError') {
    return { title: 'The server refused this request', detail: error.message, unreachable: false, retryable: false };
  }
  if (isCloseEvent(error)) {
    return {
      title: 'Live updates stopped',
      detail: `The connection to the server closed (code ${error.code}${error.reason ? `: ${error.reason}` : ''}).`,
      unreachable: true,
    };
  }
  if (typeof Event !== 'undefined' && error instanceof Event) {
    return { title: 'Live updates stopped', detail: 'The connection to the server failed.', unreachable: true };
  }
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
  return { title: 'Something went wrong', detail: message, unreachable: false };
}

function isCloseEvent(error: unknown): error is { code: number; reason: string } {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number' && 'reason' in error;
}

/** What an action came to, as the page says it: done, or refused with the server's code and each problem. */
export interface ActionOutcome {
  readonly tone: 'ok' | 'error';
  readonly text: string;
  readonly problems?: readonly string[] | undefined;
}

/** A refused or failed action as an outcome: the typed error's code, message and problems as they came. */
export function refusal(error: unknown): ActionOutcome {
  return {
    tone: 'error',
    text: isGallopClientError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error),
    problems: isGallopClientError(error) ? error.problems.map((p) => `${p.at}: ${p.message}`) : [],
  };
}
