import { describe, expect, it } from 'vitest';
import { parseNumber } from './number.ts';

describe('parseNumber', () => {
  it('reads numbers within the rules', () => {
    expect(parseNumber('3', { min: 0, integer: true })).toEqual({ ok: true, value: 3 });
    expect(parseNumber(' 1.5 ', { min: 1 })).toEqual({ ok: true, value: 1.5 });
  });

  it('reads empty text as left out only when the field is optional', () => {
    expect(parseNumber('', { optional: true })).toEqual({ ok: true, value: undefined });
    expect(parseNumber('')).toEqual({ ok: false, message: 'Write a number.' });
  });

  it('says what is wrong', () => {
    expect(parseNumber('abc')).toEqual({ ok: false, message: "'abc' is not a number." });
    expect(parseNumber('1.5', { integer: true })).toEqual({ ok: false, message: 'Write a whole number.' });
    expect(parseNumber('-1', { min: 0 })).toEqual({ ok: false, message: 'Write 0 or more.' });
  });
});
