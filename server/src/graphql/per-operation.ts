import type { DocumentNode } from 'graphql';

type OperationName = string | null | undefined;

/**
 * Remembers what `find` says of each operation of a document. Yoga caches parsed documents, so every request that
 * sends the same text brings the same DocumentNode: the plugins that read a document's shape on each request
 * (authorization, audit, storable text) then walk it once, not on each of a worker's claims.
 */
export function perOperation<T>(find: (document: DocumentNode, operationName: OperationName) => T): (document: DocumentNode, operationName?: OperationName) => T {
  const known = new WeakMap<DocumentNode, Map<OperationName, T>>();
  return (document, operationName) => {
    let byName = known.get(document);
    if (!byName) known.set(document, (byName = new Map()));
    if (!byName.has(operationName)) byName.set(operationName, find(document, operationName));
    return byName.get(operationName) as T;
  };
}
