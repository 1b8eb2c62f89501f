import type { GallopClient } from '@gallop/sdk';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from './catalog.ts';

const page = <T>(items: T[]) => Promise.resolve({ items, hasNextPage: false, endCursor: null });

/** A client that answers the catalog's five lists, with the given ExternalEventDefs and nothing else. */
function clientWith(eventDefs: unknown[]): GallopClient {
  const none = () => page([]);
  return { taskDefs: none, workflowEventDefs: none, userTaskDefs: none, wfSpecs: none, externalEventDefs: () => page(eventDefs) } as unknown as GallopClient;
}

describe('loadCatalog', () => {
  it('keeps an ExternalEventDef’s correlatedEventConfig, which validating a correlationKey needs', async () => {
    const catalog = await loadCatalog(
      clientWith([
        { name: 'plain', createdAt: '2026-01-01T00:00:00Z', correlatedEventConfig: null },
        { name: 'by-key', createdAt: '2026-01-01T00:00:00Z', correlatedEventConfig: { ttlSeconds: null, deleteAfterFirstCorrelation: true } },
        { name: 'ttl', createdAt: '2026-01-01T00:00:00Z', correlatedEventConfig: { ttlSeconds: 60, deleteAfterFirstCorrelation: false } },
      ]),
    );
    expect(catalog.externalEventDefs).toEqual({
      plain: { name: 'plain' },
      'by-key': { name: 'by-key', correlatedEventConfig: { deleteAfterFirstCorrelation: true } },
      ttl: { name: 'ttl', correlatedEventConfig: { ttlSeconds: 60, deleteAfterFirstCorrelation: false } },
    });
  });
});
