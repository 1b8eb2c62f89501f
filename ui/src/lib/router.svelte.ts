/**
 * A hash router: `#/wf-runs/abc?x=1` is path `/wf-runs/abc` and query `x=1`. Hash routes need nothing from the
 * server that serves the page, and a reload keeps the place.
 */
class HashRouter {
  /** The path after `#`, always starting with `/`. */
  path = $state('/');
  /** The query after `?` in the hash. */
  query = $state.raw(new URLSearchParams());
  /**
   * Asked, with the hash it would go to, before a link, Back or a typed URL takes the page to another route: false
   * keeps the page and puts its URL back (the editor, with unregistered changes, asks the person first and then
   * goes on by `router.go` itself).
   */
  leaving: ((to: string) => boolean) | undefined;
  #hash = '';

  constructor() {
    this.#read();
    window.addEventListener('hashchange', () => {
      if (this.leaving && pathOf(window.location.hash) !== this.path && !this.leaving(window.location.hash)) {
        window.history.replaceState(window.history.state, '', this.#hash || '#/');
        return;
      }
      this.#read();
    });
  }

  /** Goes to a route; a new history entry, as a link would make. */
  go(path: string, query?: Record<string, string | undefined>): void {
    window.location.hash = href(path, query);
  }

  /** Changes the route in place, with no history entry: for state a page mirrors in its URL as it changes. */
  replace(path: string, query?: Record<string, string | undefined>): void {
    window.history.replaceState(window.history.state, '', href(path, query));
    this.#read();
  }

  #read(): void {
    this.#hash = window.location.hash;
    const raw = window.location.hash.replace(/^#/, '');
    const at = raw.indexOf('?');
    this.path = pathOf(window.location.hash);
    this.query = new URLSearchParams(at === -1 ? '' : raw.slice(at + 1));
  }
}

/** The route's path in a hash, always starting with `/`. */
function pathOf(hash: string): string {
  const raw = hash.replace(/^#/, '');
  const at = raw.indexOf('?');
  const path = at === -1 ? raw : raw.slice(0, at);
  return path.startsWith('/') ? path : `/${path}`;
}

export const router = new HashRouter();

/** The `href` of a route, leaving out empty query values. */
export function href(path: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  const search = params.toString();
  return `#${path}${search ? `?${search}` : ''}`;
}

/** The route of one WfRun, or of one of its NodeRuns when given. */
export function wfRunHref(id: string, nodeRun?: { threadRunNumber: number | null; position: number | null }): string {
  const node = nodeRun && nodeRun.threadRunNumber !== null && nodeRun.position !== null ? `${nodeRun.threadRunNumber}/${nodeRun.position}` : undefined;
  return href(`/wf-runs/${encodeURIComponent(id)}`, { node });
}
