import { describe, expect, it } from 'vitest';
import { duration, integer, jsonObject, jsonOrString, limit, oneOf, pair, pairs, pointInTime } from './parse.ts';

describe('option parsers', () => {
  it('reads whole numbers and refuses anything else', () => {
    expect(integer('0')).toBe(0);
    expect(integer('42')).toBe(42);
    expect(() => integer('-1')).toThrow('Expected a whole number.');
    expect(() => integer('1.5')).toThrow('Expected a whole number.');
    expect(() => limit('0')).toThrow('Expected a number from 1 to 500.');
    expect(limit('500')).toBe(500);
  });

  it('reads durations in milliseconds, bare numbers as seconds', () => {
    expect(duration('250ms')).toBe(250);
    expect(duration('30')).toBe(30_000);
    expect(duration('1.5s')).toBe(1_500);
    expect(duration('2m')).toBe(120_000);
    expect(duration('1d')).toBe(86_400_000);
    expect(() => duration('soon')).toThrow(/Expected a duration/);
    expect(() => duration('0s')).toThrow('Expected a duration above zero.');
  });

  it('reads points in time as ISO dates or as durations ago', () => {
    const now = Date.parse('2025-06-01T12:00:00.000Z');
    expect(pointInTime('2h', now)).toBe('2025-06-01T10:00:00.000Z');
    expect(pointInTime('2025-05-30', now)).toBe('2025-05-30T00:00:00.000Z');
    expect(pointInTime('2025-05-30T08:15:00+02:00', now)).toBe('2025-05-30T06:15:00.000Z');
    expect(() => pointInTime('yesterday', now)).toThrow(/ISO date/);
    expect(() => pointInTime('2', now)).toThrow(/ISO date/);
  });

  it('reads values as JSON when they parse and as strings otherwise', () => {
    expect(jsonOrString('42')).toBe(42);
    expect(jsonOrString('true')).toBe(true);
    expect(jsonOrString('{"a":[1]}')).toEqual({ a: [1] });
    expect(jsonOrString('"quoted"')).toBe('quoted');
    expect(jsonOrString('Ada Lovelace')).toBe('Ada Lovelace');
    expect(jsonOrString('007')).toBe('007');
  });

  it('reads name=value pairs, splitting at the first =, and collects repeats', () => {
    expect(pair('name=Ada')).toEqual(['name', 'Ada']);
    expect(pair('expr=a=b')).toEqual(['expr', 'a=b']);
    expect(pair('empty=')).toEqual(['empty', '']);
    expect(() => pair('=x')).toThrow('Expected name=value.');
    expect(() => pair('novalue')).toThrow('Expected name=value.');
    expect(pairs('b=2', pairs('a=1', undefined))).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('refuses JSON nested more than 256 levels, as the server refuses such a value', () => {
    const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    expect(jsonOrString(nested(256))).toHaveLength(1);
    expect(() => jsonOrString(nested(257))).toThrow('This JSON nests arrays or objects more than 256 levels deep; the limit is 256.');
    // --vars-json holds each variable's value to the limit, not the object around them.
    expect(jsonObject(`{"a": ${nested(256)}}`)).toHaveProperty('a');
    expect(() => jsonObject(`{"a": ${nested(257)}}`)).toThrow(/more than 256 levels deep/);
  });

  it('reads a JSON object for --vars-json and nothing else', () => {
    expect(jsonObject('{"n": 1}')).toEqual({ n: 1 });
    expect(() => jsonObject('[1]')).toThrow('Expected a JSON object.');
    expect(() => jsonObject('{n: 1}')).toThrow(/^Not JSON/);
  });

  it('reads enum values in any case, with an optional prefix left out', () => {
    const status = oneOf(['TASK_SUCCESS', 'TASK_FAILED'] as const, 'TASK_');
    expect(status('success')).toBe('TASK_SUCCESS');
    expect(status('TASK_FAILED')).toBe('TASK_FAILED');
    expect(() => status('done')).toThrow('Expected one of TASK_SUCCESS, TASK_FAILED.');
  });
});
