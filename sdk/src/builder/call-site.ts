/** Where in the user's code a builder method was called: `execute('charge') at src/pay.ts:12:7`. */
export interface CallSite {
  /** The builder method and its first argument, e.g. `execute('charge')`. */
  readonly call: string;
  /** `file:line:column` of the caller, when the runtime's stack traces tell it. */
  readonly location?: string | undefined;
}

// Frames inside the SDK's builder modules are skipped; the first frame past them is the user's call.
const BUILDER_DIR = new URL('.', import.meta.url).href;
const BUILDER_MODULE = /^(?:workflow|thread|outputs|variable|call-site)\.[cm]?[jt]s$/;

// V8 (`at fn (url:1:2)`, `at url:1:2`) and SpiderMonkey/JavaScriptCore (`fn@url:1:2`) frames.
const FRAME = /(?:\(|@|at )((?:file|https?|webpack|vite|node):[^\s)]*?:\d+:\d+|\/[^\s)]*?:\d+:\d+)\)?\s*$/;

/** Captures the caller of the builder method now running. */
export function captureCallSite(call: string): CallSite {
  // V8 keeps 10 frames by default; the builder's own and a nested thread body can take that many.
  const limited = Error as { stackTraceLimit?: number };
  const limit = limited.stackTraceLimit;
  limited.stackTraceLimit = 50;
  const stack = new Error().stack ?? '';
  limited.stackTraceLimit = limit;
  for (const line of stack.split('\n').slice(1)) {
    const match = FRAME.exec(line.trim());
    const location = match?.[1];
    if (!location) continue;
    const file = location.startsWith('/') ? `file://${location}` : location;
    const path = file.replace(/:\d+:\d+$/, '');
    if (path.startsWith(BUILDER_DIR) && BUILDER_MODULE.test(path.slice(BUILDER_DIR.length))) continue;
    return { call, location: shorten(location) };
  }
  return { call };
}

/** Drops the scheme and the working directory, when there is one to drop, so locations read like editor links. */
function shorten(location: string): string {
  const path = location.replace(/^file:\/\//, '');
  const cwd = (globalThis as { process?: { cwd?: () => string } }).process?.cwd?.();
  return cwd && path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
}

export function describeCall(site: CallSite): string {
  return site.location ? `${site.call} at ${site.location}` : site.call;
}
