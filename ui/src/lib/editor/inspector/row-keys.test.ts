import { describe, expect, it } from 'vitest';
import { removeAt, replaceAt } from './list.ts';
import { RowKeys } from './row-keys.ts';

describe('RowKeys', () => {
  it('keeps the keys of the rows after one that is removed, and gives them back on undo', () => {
    const keys = new RowKeys<{ n: number }>();
    const list = [{ n: 1 }, { n: 2 }, { n: 3 }];
    const [a, b, c] = keys.of(list);
    expect(new Set([a, b, c]).size).toBe(3);
    expect(keys.of(removeAt(list, 0))).toEqual([b, c]);
    // Undo brings back the list before: the same rows, under the same keys.
    expect(keys.of(list)).toEqual([a, b, c]);
  });

  it('keeps keys by place for an edit of a row, and gives an added row a key none had', () => {
    const keys = new RowKeys<{ n: number }>();
    const list = [{ n: 1 }, { n: 2 }];
    const before = keys.of(list);
    // An edit replaces one row with a new object: it keeps the key of its place.
    const edited = replaceAt(list, 1, { n: 20 });
    expect(keys.of(edited)).toEqual(before);
    const added = keys.of([...edited, { n: 3 }]);
    expect(added.slice(0, 2)).toEqual(before);
    expect(before).not.toContain(added[2]);
  });

  it('gives a row at a place another row kept its key from a new key', () => {
    const keys = new RowKeys<{ n: number }>();
    const [x, y] = [{ n: 1 }, { n: 2 }];
    const [a, b] = keys.of([x, y]);
    // y moves up and a new row takes its old place: y keeps b, the new row may not take it.
    const next = keys.of([y, { n: 3 }]);
    expect(next[0]).toBe(b);
    expect([a, b]).not.toContain(next[1]);
  });
});
