/** What a Post resolves once the answer's head has come: its status, and its body when it has all come. */
export interface Answer {
  readonly status: number;
  text(): Promise<string>;
}

/** Sends one POST; rejects when the server cannot be reached or `signal` aborts. */
export type Post = (url: string, init: { readonly headers: Readonly<Record<string, string>>; readonly body: string; readonly signal: AbortSignal }) => Promise<Answer>;

/** A Post over a fetch function (the browser's, or one the caller gives). */
export function postWith(fetchFn: typeof fetch): Post {
  return (url, { headers, body, signal }) => fetchFn(url, { method: 'POST', headers, body, signal });
}
