import { readFileSync } from 'node:fs';
import { isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/graphql/schema.ts';

// docs/littlehorse-rpcs.md maps each of LittleHorse's rpcs to the operation that does its work here: a renamed or
// removed operation must not leave the map pointing at nothing.
const doc = readFileSync(new URL('../../docs/littlehorse-rpcs.md', import.meta.url), 'utf8');
const rows = doc
  .split('\n')
  .filter((line) => /^\| [A-Z]\w+ \|/.test(line))
  .map((line) => line.split('|').map((cell) => cell.trim()))
  .map(([, rpc = '', gallop = '']) => ({ rpc, gallop }));

/** Whether `query.field`, `mutation.field`, `subscription.field` or `Type.field` is in the schema. */
function exists(ref: string): boolean {
  const [owner = '', field = ''] = ref.split('.');
  const roots: Record<string, ReturnType<typeof schema.getQueryType>> = { query: schema.getQueryType(), mutation: schema.getMutationType(), subscription: schema.getSubscriptionType() };
  const type = owner in roots ? roots[owner] : schema.getType(owner);
  return isObjectType(type) && field in type.getFields();
}

describe('docs/littlehorse-rpcs.md', () => {
  it('names, for each rpc, operations the schema has, or says it is not built', () => {
    expect(rows.length).toBeGreaterThan(100);
    expect(new Set(rows.map((r) => r.rpc)).size).toBe(rows.length);
    const dangling = rows.flatMap(({ rpc, gallop }) => {
      if (gallop === 'not built') return [];
      const refs = [...gallop.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
      return refs.length === 0 ? [`${rpc}: no operation`] : refs.filter((ref) => !exists(ref)).map((ref) => `${rpc}: ${ref}`);
    });
    expect(dangling).toEqual([]);
  });
});
