import { GraphQLError, visit } from 'graphql';
import type { DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const MESSAGE = 'Text may not contain the NUL character (\\u0000): PostgreSQL cannot store it.';

/**
 * Refuses any operation whose variables or literal strings hold a NUL character, before a resolver runs: PostgreSQL
 * stores neither NUL in text nor \u0000 in jsonb, so such a value would otherwise fail deep in a write, as an
 * internal error, after the engine had decided on it.
 */
export function useNoNulCharacters(): Plugin {
  const refuse = (document: DocumentNode, variables: unknown) =>
    holdsNul(variables) || documentHoldsNul(document) ? { errors: [new GraphQLError(MESSAGE, { extensions: { code: 'BAD_USER_INPUT' } })] } : undefined;
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

function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (typeof value !== 'object' || value === null || depth > 64) return false;
  if (Array.isArray(value)) return value.some((item) => holdsNul(item, depth + 1));
  return Object.entries(value).some(([key, item]) => key.includes('\u0000') || holdsNul(item, depth + 1));
}

function documentHoldsNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    StringValue(node) {
      if (node.value.includes('\u0000')) found = true;
    },
  });
  return found;
}
