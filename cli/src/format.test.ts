import { describe, expect, it } from 'vitest';
import { block, json, table, version } from './format.ts';

describe('human layouts', () => {
  it('aligns table columns, writes absent cells as -, and leaves no trailing spaces', () => {
    expect(
      table(
        ['id', 'status', 'error'],
        [
          ['a', 'COMPLETED', null],
          ['longer-id', 'ERROR', 'TASK_FAILURE: boom'],
        ],
      ),
    ).toEqual(['ID         STATUS     ERROR', 'a          COMPLETED  -', 'longer-id  ERROR      TASK_FAILURE: boom']);
  });

  it('aligns block values and leaves out undefined entries', () => {
    expect(
      block([
        ['id', 'run-1'],
        ['ended', undefined],
        ['lastSeq', 7],
        ['user', null],
      ]),
    ).toEqual(['id:       run-1', 'lastSeq:  7', 'user:     -']);
  });

  it('writes JSON on one line, cut with an ellipsis', () => {
    expect(json({ a: 'b' })).toBe('{"a":"b"}');
    expect(json('x'.repeat(20), 10)).toBe('"xxxxxxxx…');
  });

  it('writes versions as major.revision, with newest for what a schedule leaves open', () => {
    expect(version({ majorVersion: 1, revision: 3 })).toBe('1.3');
    expect(version({ majorVersion: 2, revision: null })).toBe('2.newest');
    expect(version({ majorVersion: null, revision: null })).toBe('newest');
  });
});
