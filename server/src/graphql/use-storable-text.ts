import { GraphQLError, visit } from 'graphql';
import type { DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { perOperation } from './per-operation.ts';

const MESSAGE = 'Text may not contain the NUL character (\\u0000) or half of a UTF-16 surrogate pair: the database cannot store them.';
/** A NUL, or a surrogate without its other half: not text PostgreSQL (or PGlite) can store. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Refuses any operation whose variables or literal strings hold a NUL character or a lone UTF-16 surrogate, before a
 * resolver runs: PostgreSQL stores neither NUL in text nor \u0000 in jsonb, and PGlite refuses lone surrogates, so
 * such a value would otherwise fail deep in a write, as an internal error, after the engine had decided on it.
 */
export function useStorableText(): Plugin {
  const refuse = (document: DocumentNode, variables: unknown) =>
    holdsUnstorable(variables) || documentHoldsUnstorable(document) ? { errors: [new GraphQLError(MESSAGE, { extensions: { code: 'BAD_USER_INPUT' } })] } : undefined;
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = refuse(args.document, args.variableValues);
      if (refused) setResultAndStopExecution(refused);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = refuse(args.document, args.variableValues);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}

function holdsUnstorable(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return UNSTORABLE.test(value);
  if (typeof value !== 'object' || value === null || depth > 64) return false;
  if (Array.isArray(value)) return value.some((item) => holdsUnstorable(item, depth + 1));
  return Object.entries(value).some(([key, item]) => UNSTORABLE.test(key) || holdsUnstorable(item, depth + 1));
}

const documentHoldsUnstorable = perOperation((document: DocumentNode): boolean => {
  let found = false;
  visit(document, {
    StringValue(node) {
      if (UNSTORABLE.test(node.value)) found = true;
    },
  });
  return found;
});
