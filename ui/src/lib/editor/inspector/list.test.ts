import { describe, expect, it } from 'vitest';
import { moveAt, removeAt, removeKey, renameKey, replaceAt, setKey } from './list.ts';

describe('list edits', () => {
  const list = Object.freeze(['a', 'b', 'c']);

  it('replace, remove and move without changing the input', () => {
    expect(replaceAt(list, 1, 'x')).toEqual(['a', 'x', 'c']);
    expect(removeAt(list, 0)).toEqual(['b', 'c']);
    expect(moveAt(list, 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveAt(list, 2, -1)).toEqual(['a', 'c', 'b']);
    expect(list).toEqual(['a', 'b', 'c']);
  });

  it('move nothing past either end', () => {
    expect(moveAt(list, 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveAt(list, 2, 1)).toEqual(['a', 'b', 'c']);
  });
});

describe('record edits', () => {
  const record = Object.freeze({ a: 1, b: 2, c: 3 });

  it('rename a key in its place', () => {
    expect(Object.entries(renameKey(record, 'b', 'x'))).toEqual([['a', 1], ['x', 2], ['c', 3]]);
  });

  it('refuse to rename onto a key that exists', () => {
    expect(renameKey(record, 'a', 'c')).toBe(record);
  });

  it('set and remove keys', () => {
    expect(setKey(record, 'd', 4)).toEqual({ a: 1, b: 2, c: 3, d: 4 });
    expect(setKey(undefined, 'd', 4)).toEqual({ d: 4 });
    expect(removeKey(record, 'a')).toEqual({ b: 2, c: 3 });
  });
});
