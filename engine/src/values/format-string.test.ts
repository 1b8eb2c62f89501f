import { describe, expect, it } from 'vitest';
import { formatNumber, formatString, parseFormat } from './format-string.ts';

describe('formatString', () => {
  it('fills {0}, {1} ... with the arguments, in any order and as often as used', () => {
    expect(formatString('{1}, {0}! {1}?', ['Ada', 'Hello'])).toEqual({ ok: true, value: 'Hello, Ada! Hello?' });
  });

  it('prints numbers as MessageFormat does: grouped, at most three decimals, half to even', () => {
    expect(formatString('{0} items at {1}', [1234567, 1234.5678])).toEqual({ ok: true, value: '1,234,567 items at 1,234.568' });
    expect(formatNumber(-1000)).toBe('-1,000');
    expect(formatNumber(0.0625)).toBe('0.062');
    expect(formatNumber(2.5)).toBe('2.5');
    expect(formatNumber(1e21)).toBe('1,000,000,000,000,000,000,000');
  });

  it('prints NULL as null, a BOOL as its word and JSON as JSON text', () => {
    expect(formatString('{0} {1} {2} {3}', [null, true, { a: 1 }, [1, 'x']])).toEqual({ ok: true, value: 'null true {"a":1} [1,"x"]' });
  });

  it('leaves an argument with no value given as written, as MessageFormat does', () => {
    expect(formatString('{0} and {2}', ['a', 'b'])).toEqual({ ok: true, value: 'a and {2}' });
  });

  it("reads quotes as MessageFormat does: '' is a quote, and quoted braces are text", () => {
    expect(formatString("Don''t quote '{0}' but {0}", ['x'])).toEqual({ ok: true, value: "Don't quote {0} but x" });
    // The classic surprise: a lone quote quotes the rest.
    expect(formatString("Don't {0}", ['x'])).toEqual({ ok: true, value: 'Dont {0}' });
  });

  it('treats a } outside an argument as text', () => {
    expect(formatString('a } b {0}', [1])).toEqual({ ok: true, value: 'a } b 1' });
  });

  it('refuses unmatched braces, bad argument numbers and format types', () => {
    expect(parseFormat('Hello {0')).toEqual({ ok: false, message: expect.stringMatching(/Unmatched braces/) });
    expect(parseFormat('Hello {name}')).toEqual({ ok: false, message: expect.stringMatching(/argument number: 'name'/) });
    expect(parseFormat('Hello {}')).toEqual({ ok: false, message: expect.stringMatching(/argument number/) });
    expect(parseFormat('{0,number,#.#}')).toEqual({ ok: false, message: expect.stringMatching(/format type/) });
  });
});
