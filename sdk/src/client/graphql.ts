import type { JsonValue } from '@gallop/engine';
import { print } from '@0no-co/graphql.web';
import { initGraphQLTada } from 'gql.tada';
import type { TadaDocumentNode } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

/**
 * Parses the SDK's GraphQL documents and types each one from server/schema.graphql: a field, argument or variable
 * the schema lacks is a compile error, and the result and variables types follow the schema. graphql-env.d.ts is
 * generated from the schema (`npm run schema`), and a test keeps it in step.
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  // The SDK's types spell out whole results; fragments are for sharing selections, not for hiding fields.
  disableMasking: true;
  scalars: { DateTime: string; JSON: JsonValue };
}>();

export type { ResultOf, TadaDocumentNode, VariablesOf } from 'gql.tada';

const printed = new WeakMap<object, string>();

/** The text of a document, printed once: what goes over the wire. */
export function textOf(document: TadaDocumentNode | string): string {
  if (typeof document === 'string') return document;
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}
