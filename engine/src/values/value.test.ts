import { describe, expect, it } from 'vitest';
import type { JsonValue, VariableType } from './value.ts';
import { aType, describeValue, isAssignable, isJsonObject, isValueOfType, isVariableType, kindOf, typeOfValue, VARIABLE_TYPES } from './value.ts';
import { concatBase64, decodeBase64, encodeBase64 } from './base64.ts';
import { mutate } from './mutate.ts';

describe('isValueOfType', () => {
  const fits: Record<VariableType, { yes: JsonValue[]; no: JsonValue[] }> = {
    STR: { yes: ['', 'text', '3'], no: [3, true, [], {}] },
    // LittleHorse's INT is an int64; JSON numbers are doubles, so only safe integers are INTs here.
    INT: { yes: [0, -7, 42, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1e3], no: [1.5, 2 ** 53, -(2 ** 53), Number.NaN, Number.POSITIVE_INFINITY, '3', true, [1]] },
    DOUBLE: { yes: [0, 1.5, -2.25, 3, 2 ** 60, Number.MAX_VALUE, Number.MIN_VALUE], no: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '1.5', false, {}] },
    BOOL: { yes: [true, false], no: [0, 1, 'true', [], {}] },
    JSON_OBJ: { yes: [{}, { a: 1, b: [null] }], no: [[], 'x', 1, true] },
    JSON_ARR: { yes: [[], [1, 'a', null, {}]], no: [{}, 'x', 1, false] },
    // Base64 with its padding; anything else is not BYTES.
    BYTES: { yes: ['', 'AA==', 'aGk=', 'aGVsbG8h'], no: ['aGk', 'a$==', 'AAA=A', 3, [1, 2]] },
    WF_RUN_ID: { yes: ['run-1', 'parent_0-3'], no: ['', 7, {}] },
    // Epoch milliseconds, LittleHorse's sleep-until unit.
    TIMESTAMP: { yes: [0, 1_800_000_000_000, -1], no: [1.5, '2026-11-25T09:00:00Z', true] },
  };

  for (const type of VARIABLE_TYPES) {
    // Wrapped in tuples, or it.each would spread a list value into arguments.
    it.each(fits[type].yes.map((value) => [value]))(`lets a ${type} hold %j`, (value) => {
      expect(isValueOfType(value, type)).toBe(true);
    });
    it.each(fits[type].no.map((value) => [value]))(`refuses %j for a ${type}`, (value) => {
      expect(isValueOfType(value, type)).toBe(false);
    });
  }

  it.each(VARIABLE_TYPES)('lets NULL (and a missing value) fit a %s, as LittleHorse does', (type) => {
    expect(isValueOfType(null, type)).toBe(true);
    expect(isValueOfType(undefined, type)).toBe(true);
  });
});

describe('isAssignable', () => {
  it('widens an INT to a DOUBLE', () => {
    expect(isAssignable('INT', 'DOUBLE')).toBe(true);
  });

  it('reads BYTES and WF_RUN_IDs as STRs, and treats an INT and a TIMESTAMP alike, as JSON cannot tell them apart', () => {
    expect(isAssignable('BYTES', 'STR')).toBe(true);
    expect(isAssignable('WF_RUN_ID', 'STR')).toBe(true);
    expect(isAssignable('STR', 'WF_RUN_ID')).toBe(true);
    expect(isAssignable('INT', 'TIMESTAMP')).toBe(true);
    expect(isAssignable('TIMESTAMP', 'INT')).toBe(true);
    expect(isAssignable('STR', 'BYTES')).toBe(false);
    expect(isAssignable('BOOL', 'TIMESTAMP')).toBe(false);
  });

  it('does not narrow a DOUBLE to an INT without a cast', () => {
    expect(isAssignable('DOUBLE', 'INT')).toBe(false);
  });

  it('assigns every type to itself and no other pair without a cast', () => {
    const allowed = VARIABLE_TYPES.flatMap((from) => VARIABLE_TYPES.filter((to) => isAssignable(from, to)).map((to) => `${from}->${to}`));
    const widenings = ['INT->DOUBLE', 'INT->TIMESTAMP', 'TIMESTAMP->INT', 'TIMESTAMP->DOUBLE', 'STR->WF_RUN_ID'];
    // LittleHorse reads every primitive as a STR (TypeCastingUtils.canBeType); TIMESTAMP is an INT in JSON.
    const asText = ['INT', 'DOUBLE', 'BOOL', 'BYTES', 'WF_RUN_ID', 'TIMESTAMP'].map((from) => `${from}->STR`);
    widenings.push(...asText);
    expect(allowed.sort()).toEqual([...VARIABLE_TYPES.map((t) => `${t}->${t}`), ...widenings].sort());
  });
});

describe('isVariableType', () => {
  it.each(VARIABLE_TYPES)('knows %s', (type) => {
    expect(isVariableType(type)).toBe(true);
  });

  it.each(['str', 'DATE', 'STRUCT', '', null, 5, {}])('does not know %j', (value) => {
    expect(isVariableType(value)).toBe(false);
  });
});

describe('isJsonObject', () => {
  it('is true for plain objects only', () => {
    expect([{}, { a: 1 }].map(isJsonObject)).toEqual([true, true]);
    expect([null, [], 'x', 1, true, undefined].map(isJsonObject)).toEqual([false, false, false, false, false, false]);
  });
});

describe('typeOfValue', () => {
  it.each<[JsonValue, VariableType | undefined]>([
    ['abc', 'STR'],
    [true, 'BOOL'],
    [3, 'INT'],
    [-0, 'INT'],
    [Number.MAX_SAFE_INTEGER, 'INT'],
    // JSON cannot hold an integer past 2^53 exactly: the engine computes with it as a DOUBLE, and validation agrees.
    [2 ** 53, 'DOUBLE'],
    [1.5, 'DOUBLE'],
    [[1], 'JSON_ARR'],
    [{ a: 1 }, 'JSON_OBJ'],
    [null, undefined],
  ])('reads %j as %s', (value, type) => {
    expect(typeOfValue(value)).toBe(type);
  });

  it('is what kindOf names, NULL included', () => {
    expect([2 ** 53, 'x', null].map(kindOf)).toEqual(['DOUBLE', 'STR', 'NULL']);
  });
});

describe('describeValue', () => {
  it.each<[JsonValue | undefined, string]>([
    ['abc', '"abc" (STR)'],
    [3, '3 (INT)'],
    [1.5, '1.5 (DOUBLE)'],
    [true, 'true (BOOL)'],
    [null, 'null (NULL)'],
    [[1], '[1] (JSON_ARR)'],
    [{ a: 1 }, '{"a":1} (JSON_OBJ)'],
    [undefined, 'nothing'],
  ])('names %j as %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });

  it('cuts long values to 40 characters', () => {
    expect(describeValue('x'.repeat(100))).toBe(`"${'x'.repeat(36)}... (STR)`);
  });
});

describe('aType', () => {
  it('puts the right article before a type', () => {
    expect(VARIABLE_TYPES.map(aType)).toEqual(['a STR', 'an INT', 'a DOUBLE', 'a BOOL', 'a JSON_OBJ', 'a JSON_ARR', 'a BYTES', 'a WF_RUN_ID', 'a TIMESTAMP']);
  });
});

describe('BYTES mutations', () => {
  it('EXTEND joins the bytes, not the base64 text, when the left side has padding', () => {
    // "hi" + "!" is "hi!", whose base64 is "aGkh"; gluing the texts would give the invalid "aGk=IQ==".
    expect(mutate('BYTES', 'aGk=', 'EXTEND', 'IQ==')).toEqual({ ok: true, value: 'aGkh' });
    expect(mutate('BYTES', 'aGVsbG8h', 'EXTEND', 'aGk=')).toEqual({ ok: true, value: 'aGVsbG8haGk=' });
    expect(mutate('BYTES', null, 'EXTEND', 'aGk=')).toMatchObject({ ok: false });
  });

  it('refuses to EXTEND BYTES with text that is not base64, and any arithmetic', () => {
    expect(mutate('BYTES', 'aGk=', 'EXTEND', 'hi there')).toMatchObject({ ok: false });
    expect(mutate('BYTES', 'aGk=', 'ADD', 'aGk=')).toMatchObject({ ok: false, message: 'ADD does not apply to a BYTES variable.' });
    expect(mutate('TIMESTAMP', 0, 'ADD', 1)).toMatchObject({ ok: false });
  });

  it('round-trips every byte through the codec', () => {
    const bytes = Array.from({ length: 256 }, (_, i) => i);
    for (let n = 0; n <= 5; n++) expect(decodeBase64(encodeBase64(bytes.slice(0, n)))).toEqual(bytes.slice(0, n));
    expect(decodeBase64(encodeBase64(bytes))).toEqual(bytes);
    expect(concatBase64(encodeBase64([1, 2]), encodeBase64([3, 4, 5, 6]))).toBe(encodeBase64([1, 2, 3, 4, 5, 6]));
  });
});
