import { GallopClient } from '@gallop/sdk';

/**
 * The one client of the page. GraphQL lives on the origin that served the UI (the server, or Vite's dev proxy),
 * over HTTP for queries and graphql-ws on the same path for subscriptions.
 */
export const client = new GallopClient({ url: `${location.origin}/graphql` });
