import { describe, expect, it } from 'vitest';
import { emptyLiteral, formatLiteral, parseDefaultValue, parseLiteral } from './literal.ts';

describe('parseLiteral', () => {
  it('reads any JSON value when no type is expected', () => {
    expect(parseLiteral(' {"a": [1, true, null]} ')).toEqual({ ok: true, value: { a: [1, true, null] } });
    expect(parseLiteral('null')).toEqual({ ok: true, value: null });
  });

  it('accepts a value of the expected type, and NULL for every type', () => {
    expect(parseLiteral('"hi"', 'STR')).toEqual({ ok: true, value: 'hi' });
    expect(parseLiteral('3', 'DOUBLE')).toEqual({ ok: true, value: 3 });
    expect(parseLiteral('null', 'INT')).toEqual({ ok: true, value: null });
  });

  it('refuses a value of another type, naming both', () => {
    expect(parseLiteral('"5"', 'INT')).toEqual({ ok: false, message: 'An INT cannot hold "5" (STR).' });
    expect(parseLiteral('1.5', 'INT')).toEqual({ ok: false, message: 'An INT cannot hold 1.5 (DOUBLE).' });
    expect(parseLiteral('[1]', 'JSON_OBJ')).toEqual({ ok: false, message: 'A JSON_OBJ cannot hold [1] (JSON_ARR).' });
  });

  it('tells unquoted text to take double quotes', () => {
    expect(parseLiteral('hello world', 'STR')).toEqual({ ok: false, message: 'Text needs double quotes: "hello world".' });
  });

  it('says why other text is not JSON', () => {
    const parsed = parseLiteral('{"a": 1,}');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(/^Not valid JSON \(.+\)\.$/);
  });

  it('refuses empty text with an example of the type', () => {
    expect(parseLiteral('  ', 'BOOL')).toEqual({ ok: false, message: 'Write a JSON value, such as true.' });
  });
});

describe('parseDefaultValue', () => {
  it('reads empty text as no default', () => {
    expect(parseDefaultValue('', 'INT')).toEqual({ ok: true, value: undefined });
  });

  it('checks a default against the type', () => {
    expect(parseDefaultValue('7', 'INT')).toEqual({ ok: true, value: 7 });
    expect(parseDefaultValue('"x"', 'BOOL').ok).toBe(false);
  });
});

describe('formatLiteral', () => {
  it('writes compact JSON that parses back to the same value', () => {
    const value = { total: 12.5, tags: ['a', 'b'], ok: false };
    expect(formatLiteral(value)).toBe('{"total":12.5,"tags":["a","b"],"ok":false}');
    expect(parseLiteral(formatLiteral(value))).toEqual({ ok: true, value });
    expect(formatLiteral(undefined)).toBe('');
  });
});

describe('emptyLiteral', () => {
  it('starts each type from an empty value that fits it, or NULL', () => {
    expect(emptyLiteral('STR')).toBe('');
    expect(emptyLiteral('INT')).toBe(0);
    expect(emptyLiteral('JSON_ARR')).toEqual([]);
    expect(emptyLiteral('WF_RUN_ID')).toBeNull();
    expect(emptyLiteral(undefined)).toBeNull();
  });
});
