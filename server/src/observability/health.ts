import { sql } from 'drizzle-orm';
import type { Store } from '../store/db.ts';
import { withTimeout } from './with-timeout.ts';

/** Long enough for a loaded database to answer `select 1`, short enough for a load balancer's probe. */
export const READY_TIMEOUT_MS = 2_000;

export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/**
 * Whether this process can serve requests: it is not shutting down, and the database answers `select 1` within
 * `timeoutMs`. Migrations need no check of their own: createApp applies them before it returns an app, so no
 * request reaches a server whose migrations are not done. Never throws.
 */
export async function checkReadiness(store: Store, stopping: boolean, timeoutMs = READY_TIMEOUT_MS): Promise<Readiness> {
  if (stopping) return { ready: false, reason: 'The server is shutting down.' };
  try {
    await withTimeout(store.db.execute(sql`select 1`), timeoutMs, `no answer to select 1 within ${timeoutMs} ms`);
    return { ready: true };
  } catch (error) {
    return { ready: false, reason: `The database is unavailable: ${rootMessage(error)}` };
  }
}

/** The innermost cause's message: drizzle wraps the driver's error ("CONNECTION_ENDED") in one naming the query. */
function rootMessage(error: unknown): string {
  let e = error;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}
