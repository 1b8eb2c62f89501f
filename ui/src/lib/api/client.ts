import { GallopClient } from '@gallop/sdk';
import { connection } from './connection.svelte.ts';
import { credentialOf, readSession } from './session.ts';

/** The session the page started with: its API key and tenant. */
export const session = readSession();

/**
 * The one client of the page. GraphQL lives on the origin that served the UI (the server, or Vite's dev proxy),
 * over HTTP for queries and graphql-ws on the same path for subscriptions, which reconnect for as long as the page
 * is open: a console left open comes back with its server.
 */
export const client = new GallopClient({
  url: `${location.origin}/graphql`,
  apiKey: credentialOf(session),
  tenant: session.tenant,
  subscriptionRetries: Number.POSITIVE_INFINITY,
  onSocket: (state) => connection.update(state),
});
