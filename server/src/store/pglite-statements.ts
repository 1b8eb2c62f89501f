import { parse, protocol } from '@electric-sql/pglite';
import type { PGlite } from '@electric-sql/pglite';

/** A value a statement binds as text: what the server's own statements take, on PGlite and PostgreSQL alike. */
export type TextParam = string | number | bigint | null;

// Names are unique in the process, so that two runners on one PGlite never take each other's.
let made = 0;

// A kept statement that PostgreSQL will not run as it was parsed (its result type changed under it, or it is gone):
// parsed again once, as postgres.js does.
const STALE_STATEMENT = new Set(['0A000', '26000']);

/**
 * Runs statements on PGlite as named prepared statements. PGlite's `query` parses and plans its text at every call,
 * in six trips into WASM; for the statements a command runs every time (its write, a claim) that was more than half
 * their time. Here each text is parsed once and then planned by PostgreSQL's plan cache, and a call is one trip
 * (bind, describe, execute, sync). Like `query`, a call waits for an open transaction to end and for the statement
 * before it. Params go as text, so only strings, numbers and null are taken; up to `max` texts are kept, and any text
 * past them is parsed at each call, as by `query`.
 */
export function preparedStatements(pglite: PGlite, max = 256): <T>(text: string, params: readonly TextParam[]) => Promise<T[]> {
  const names = new Map<string, string>();

  async function once(text: string, values: (string | null)[]): Promise<unknown[]> {
    let name = names.get(text);
    if (name === undefined && names.size >= max) return run(pglite, [protocol.serialize.parse({ text }), ...execute('', values)]);
    const fresh = name === undefined;
    name ??= `gallop_${made++}`;
    try {
      const rows = await run(pglite, fresh ? [protocol.serialize.parse({ name, text }), ...execute(name, values)] : execute(name, values));
      if (fresh) names.set(text, name);
      return rows;
    } catch (error) {
      // Parsed, or kept, but failing: the name must not stay taken by a statement this map cannot use.
      if (fresh || STALE_STATEMENT.has((error as { code?: string }).code ?? '')) {
        names.delete(text);
        await pglite.execProtocolStream(concat([protocol.serialize.close({ type: 'S', name }), protocol.serialize.sync()]), { throwOnError: false });
        if (!fresh) return once(text, values);
      }
      throw error;
    }
  }

  return (text, params) =>
    pglite._runExclusiveTransaction(() =>
      pglite._runExclusiveQuery(async () => {
        // As query does; here under the locks, since a close() that ran while this waited for them has torn down.
        await pglite._checkReady();
        return (await once(text, params.map((p) => (p === null ? null : String(p))))) as never;
      }),
    );
}

function execute(statement: string, values: (string | null)[]): Uint8Array[] {
  return [protocol.serialize.bind({ statement, values }), protocol.serialize.describe({ type: 'P' }), protocol.serialize.execute({}), protocol.serialize.sync()];
}

/** Sends `parts` in one trip and reads back the rows; the caller holds the locks `query` would take. */
async function run(pglite: PGlite, parts: readonly Uint8Array[]): Promise<unknown[]> {
  const messages = await pglite.execProtocolStream(concat(parts), { throwOnError: true });
  return parse.parseResults(messages, pglite.parsers)[0]?.rows ?? [];
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
