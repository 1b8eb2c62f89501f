import { parse, protocol } from '@electric-sql/pglite';
import type { PGlite } from '@electric-sql/pglite';

/** A value `run` binds as text: what the server's own statements take. */
export type TextParam = string | number | bigint | null;

// Names are unique in the process, so that two runners on one PGlite never take each other's.
let made = 0;

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
  return (text, params) =>
    pglite._runExclusiveTransaction(() =>
      pglite._runExclusiveQuery(async () => {
        let name = names.get(text);
        if (name === undefined && names.size >= max) return (await unprepared(pglite, text, params)) as never;
        const parts: Uint8Array[] = [];
        const fresh = name === undefined;
        if (name === undefined) {
          name = `gallop_${made++}`;
          parts.push(protocol.serialize.parse({ name, text }));
        }
        const values = params.map((p) => (p === null ? null : String(p)));
        parts.push(protocol.serialize.bind({ statement: name, values }), protocol.serialize.describe({ type: 'P' }), protocol.serialize.execute({}), protocol.serialize.sync());
        try {
          const { messages } = await pglite.execProtocol(concat(parts), { throwOnError: true });
          if (fresh) names.set(text, name);
          return (parse.parseResults(messages, pglite.parsers)[0]?.rows ?? []) as never;
        } catch (error) {
          // Parsed but failed after: the name must not stay taken by a statement this map does not know.
          if (fresh) await pglite.execProtocol(concat([protocol.serialize.close({ type: 'S', name }), protocol.serialize.sync()]), { throwOnError: false });
          throw error;
        }
      }),
    );
}

/** As `query` runs a statement, in one trip: the caller holds the mutexes `query` would take. */
async function unprepared(pglite: PGlite, text: string, params: readonly TextParam[]): Promise<unknown[]> {
  const values = params.map((p) => (p === null ? null : String(p)));
  const parts = [protocol.serialize.parse({ text }), protocol.serialize.bind({ values }), protocol.serialize.describe({ type: 'P' }), protocol.serialize.execute({}), protocol.serialize.sync()];
  const { messages } = await pglite.execProtocol(concat(parts), { throwOnError: true });
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
