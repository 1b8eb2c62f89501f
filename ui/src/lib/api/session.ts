/**
 * Who the page acts as: an API key and a tenant, kept in this browser's localStorage (a page reload keeps the
 * session; Sign out forgets it). Without a key the page sends none, as against a server without authentication.
 */
export interface Session {
  readonly apiKey: string | undefined;
  readonly tenant: string | undefined;
}

const KEY = 'gallop.apiKey';
const TENANT = 'gallop.tenant';

export function readSession(): Session {
  return { apiKey: localStorage.getItem(KEY) || undefined, tenant: localStorage.getItem(TENANT) || undefined };
}

/** Keeps the session and starts the page again with it: every client, list and subscription then uses it. */
export function startSession(session: Session): void {
  if (session.apiKey) localStorage.setItem(KEY, session.apiKey);
  else localStorage.removeItem(KEY);
  if (session.tenant) localStorage.setItem(TENANT, session.tenant);
  else localStorage.removeItem(TENANT);
  window.location.hash = '#/';
  window.location.reload();
}

export function endSession(): void {
  startSession({ apiKey: undefined, tenant: undefined });
}
