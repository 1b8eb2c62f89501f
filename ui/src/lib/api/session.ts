import { GallopClient } from '@gallop/sdk';

/**
 * Who the page acts as: a credential (an API key, or a token from the OIDC issuer) and a tenant, kept in this
 * browser's localStorage (a page reload keeps the session; Sign out forgets it). Without one the page sends none,
 * as against a server without authentication.
 */
export interface Session {
  /** Sent as `Authorization: Bearer <apiKey>`: an API key or an OIDC token alike. */
  readonly apiKey: string | undefined;
  readonly tenant: string | undefined;
}

const KEY = 'gallop.apiKey';
const TENANT = 'gallop.tenant';

export function readSession(): Session {
  return { apiKey: localStorage.getItem(KEY) || undefined, tenant: localStorage.getItem(TENANT) || undefined };
}

/**
 * Tries a credential with whoami before keeping it, so that a wrong one (a mistyped key, a token naming no principal)
 * is said where it was given, not on every page after; then starts the session with it. Throws the refusal.
 */
export async function signInWith(session: { apiKey: string; tenant: string | undefined }): Promise<void> {
  const trial = new GallopClient({ url: `${location.origin}/graphql`, apiKey: session.apiKey, tenant: session.tenant, retries: 0 });
  await trial.request('{ whoami { id } }');
  startSession(session);
}

/** Keeps the session and starts the page again with it: every client, list and subscription then uses it. */
export function startSession(session: Session): void {
  if (session.apiKey) localStorage.setItem(KEY, session.apiKey);
  else localStorage.removeItem(KEY);
  if (session.tenant) localStorage.setItem(TENANT, session.tenant);
  else localStorage.removeItem(TENANT);
  // Any query (an OIDC return's code) goes too: the page starts again at its home.
  history.replaceState(null, '', `${location.pathname}#/`);
  location.reload();
}

export function endSession(): void {
  startSession({ apiKey: undefined, tenant: undefined });
}

/** Where a sign-in with OIDC keeps what it needs across the trip to the issuer (this tab's sessionStorage). */
export const OIDC_PENDING = 'gallop.oidc';
const SIGN_IN_FAILURE = 'gallop.signInError';

/** Loads the sign-in page afresh (without the issuer's query), which then says `message`. */
export function failSignIn(message: string): void {
  sessionStorage.setItem(SIGN_IN_FAILURE, message);
  location.replace(`${location.pathname}#/sign-in`);
}

/** Why the last return from the issuer failed, once. */
export function takeSignInFailure(): string | undefined {
  const failure = sessionStorage.getItem(SIGN_IN_FAILURE) ?? undefined;
  sessionStorage.removeItem(SIGN_IN_FAILURE);
  return failure;
}
