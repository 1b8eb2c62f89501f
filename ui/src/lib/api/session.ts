import { GallopClient } from '@gallop/sdk';
import type { CredentialSource } from '@gallop/sdk';

/**
 * Who the page acts as: a credential (an API key, or a token from the OIDC issuer) and a tenant, kept in this
 * browser's localStorage (a page reload keeps the session; Sign out forgets it). Without one the page sends none,
 * as against a server without authentication.
 */
export interface Session {
  /** Sent as `Authorization: Bearer <apiKey>`: an API key or an OIDC token alike. */
  readonly apiKey: string | undefined;
  readonly tenant: string | undefined;
  /** How to get a new token when the OIDC issuer gave a refresh token with the first. */
  readonly renewal?: OidcRenewal | undefined;
}

/** An OIDC issuer's refresh token, and for whom it was given. */
export interface OidcRenewal {
  readonly issuer: string;
  readonly clientId: string;
  readonly refreshToken: string;
}

const KEY = 'gallop.apiKey';
const TENANT = 'gallop.tenant';
const RENEWAL = 'gallop.oidcRenewal';

export function readSession(): Session {
  return { apiKey: localStorage.getItem(KEY) || undefined, tenant: localStorage.getItem(TENANT) || undefined, renewal: readRenewal() };
}

function readRenewal(): OidcRenewal | undefined {
  try {
    const renewal = JSON.parse(localStorage.getItem(RENEWAL) ?? 'null') as Partial<OidcRenewal> | null;
    return renewal?.issuer && renewal.clientId && renewal.refreshToken ? (renewal as OidcRenewal) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The page's credential: a session's API key as it is, or, when an OIDC issuer gave a refresh token, a function
 * that gives the kept token until it is about to run out (or the server refuses it), then a new one from the issuer.
 * The refresh token may be good for one use only (rotation), so tabs take turns (Web Locks) and a tab that waited
 * takes the token the other kept. A renewal that fails leaves the old token, whose refusal then offers to sign in.
 */
export function credentialOf(session: Session): string | CredentialSource {
  if (!session.renewal) return session.apiKey ?? '';
  let renewing: Promise<string> | undefined;
  return ({ refused }) => {
    // None kept: another tab signed out, and this one acts as nobody until it signs in again.
    const kept = localStorage.getItem(KEY) ?? '';
    if (!refused && !runningOut(kept, Date.now())) return kept;
    renewing ??= renewOnce(kept).finally(() => (renewing = undefined));
    return renewing;
  };
}

async function renewOnce(stale: string): Promise<string> {
  const renew = async (): Promise<string> => {
    const kept = localStorage.getItem(KEY);
    if (kept && kept !== stale && !runningOut(kept, Date.now())) return kept;
    const renewal = readRenewal();
    if (!renewal) return stale;
    const oidc = await import('./oidc.ts');
    try {
      const renewed = await oidc.renewOidcToken(renewal);
      // Signed out (or in again) meanwhile: that session's tokens are not this one's to replace.
      if (readRenewal()?.refreshToken !== renewal.refreshToken) return localStorage.getItem(KEY) ?? '';
      localStorage.setItem(KEY, renewed.credential);
      localStorage.setItem(RENEWAL, JSON.stringify({ ...renewal, refreshToken: renewed.refreshToken }));
      return renewed.credential;
    } catch (error) {
      console.warn(`Could not renew the sign-in with ${renewal.issuer}:`, error);
      // A refresh token the issuer refuses stays refused: stop asking, and let the page ask to sign in.
      if (oidc.isRefused(error)) localStorage.removeItem(RENEWAL);
      return stale;
    }
  };
  return navigator.locks ? navigator.locks.request('gallop.oidcRenewal', renew) : renew();
}

/**
 * Whether a JWT has less than a quarter of its life (and at most a minute) left; a credential that is no JWT never
 * runs out here.
 */
function runningOut(token: string, now: number): boolean {
  try {
    const payload = JSON.parse(atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown; iat?: unknown };
    if (typeof payload.exp !== 'number') return false;
    const life = typeof payload.iat === 'number' ? payload.exp - payload.iat : 240;
    return payload.exp * 1000 - now < Math.min(60_000, (life * 1000) / 4);
  } catch {
    return false;
  }
}

/**
 * Tries a credential with whoami before keeping it, so that a wrong one (a mistyped key, a token naming no principal)
 * is said where it was given, not on every page after; then starts the session with it. Throws the refusal.
 */
export async function signInWith(session: { apiKey: string; tenant: string | undefined; renewal?: OidcRenewal | undefined }): Promise<void> {
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
  if (session.renewal) localStorage.setItem(RENEWAL, JSON.stringify(session.renewal));
  else localStorage.removeItem(RENEWAL);
  // Any query (an OIDC return's code) goes too: the page starts again at its home.
  history.replaceState(null, '', `${location.pathname}#/`);
  location.reload();
}

/**
 * Forgets the session. One signed in with OIDC first asks the issuer to revoke its refresh token (when the issuer
 * revokes tokens), so that a copy of it is worth nothing; signing out does not wait on an issuer that fails.
 */
export async function endSession(): Promise<void> {
  const renewal = readRenewal();
  if (renewal) {
    try {
      await (await import('./oidc.ts')).revokeOidcToken(renewal);
    } catch (error) {
      console.warn(`Could not revoke the sign-in at ${renewal.issuer}:`, error);
    }
  }
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
