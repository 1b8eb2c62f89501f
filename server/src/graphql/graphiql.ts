import type { GraphiQLOptions, GraphiQLRenderer } from 'graphql-yoga';

/**
 * Renders GraphiQL's page with its scripts, styles and editor workers inlined from `@graphql-yoga/render-graphiql`.
 * yoga's own page loads them from a CDN, so on a machine without internet `/graphql` in a browser stays blank.
 * The package is 9 MB of JavaScript: it is imported on the first request for the page, not at start, and the page
 * is made once for each set of options (yoga passes the same ones every time).
 */
export function createGraphiQLRenderer(): GraphiQLRenderer {
  const pages = new Map<string, Promise<string>>();
  return (options: GraphiQLOptions) => {
    const key = JSON.stringify(options);
    let page = pages.get(key);
    if (!page) {
      page = import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) => renderGraphiQL(options));
      // A failed import is tried again on the next request rather than remembered.
      page.catch(() => pages.delete(key));
      pages.set(key, page);
    }
    return page;
  };
}
