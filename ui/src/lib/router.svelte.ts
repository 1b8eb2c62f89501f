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
   * Asked, with the hash it would go to, before a link, Back, Forward or a typed URL changes the hash: false keeps the
   * page and puts its URL back; `proceed()` makes the move after all (the editor, with unregistered changes, asks the
   * person in between).
   */
  leaving: ((to: string) => boolean) | undefined;
  #hash = '';
  /** Where the page stands in the session history: each entry this router saw carries its number in its state. */
  #entry = 0;
  /** The move refused last: a step through the history (Back, Forward), or a new entry (a link, a typed URL). */
  #refused: { readonly to: string; readonly steps: number | undefined } | undefined;
  #letThrough = false;

  constructor() {
    this.#read();
    window.addEventListener('hashchange', () => {
      if (!this.#letThrough && this.leaving && window.location.hash !== this.#hash && !this.leaving(window.location.hash)) {
        this.#stay();
        return;
      }
      this.#letThrough = false;
      this.#read();
    });
  }

  /** Makes the move `leaving` refused last. */
  proceed(): void {
    const refused = this.#refused;
    this.#refused = undefined;
    if (!refused) return;
    this.#letThrough = true;
    if (refused.steps === undefined) window.location.hash = refused.to;
    else window.history.go(refused.steps);
  }

  /**
   * Undoes a move the page refused by the opposite move: Back and Forward land on an entry that has its number, and a
   * link or a typed URL made a new entry after this one, so the history stays as it was.
   */
  #stay(): void {
    const landed = entryOf(window.history.state);
    const steps = landed === undefined ? undefined : landed - this.#entry;
    this.#refused = { to: window.location.hash, steps };
    window.history.go(-(steps ?? 1));
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
    // An entry seen for the first time is the one after where the page stood (a new entry drops those after it).
    const entry = entryOf(window.history.state);
    if (entry === undefined) {
      this.#entry += 1;
      window.history.replaceState({ ...(window.history.state ?? {}), gallopEntry: this.#entry }, '', window.location.hash || undefined);
    } else this.#entry = entry;
    const raw = window.location.hash.replace(/^#/, '');
    const at = raw.indexOf('?');
    this.path = pathOf(window.location.hash);
    this.query = new URLSearchParams(at === -1 ? '' : raw.slice(at + 1));
  }
}

function entryOf(state: unknown): number | undefined {
  const entry = (state as { gallopEntry?: unknown } | null)?.gallopEntry;
  return typeof entry === 'number' ? entry : undefined;
}

/** The route's path in a hash, always starting with `/`. */
export function pathOf(hash: string): string {
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
