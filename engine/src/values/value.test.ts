import { describe, expect, it } from 'vitest';
import type { JsonValue, VariableType } from './value.ts';
import { aType, describeValue, isAssignable, isJsonObject, isValueOfType, isVariableType, VARIABLE_TYPES } from './value.ts';

describe('isValueOfType', () => {
  const fits: Record<VariableType, { yes: JsonValue[]; no: JsonValue[] }> = {
    STR: { yes: ['', 'text', '3'], no: [3, true, [], {}] },
    // LittleHorse's INT is an int64; JSON numbers are doubles, so only safe integers are INTs here.
    INT: { yes: [0, -7, 42, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1e3], no: [1.5, 2 ** 53, -(2 ** 53), Number.NaN, Number.POSITIVE_INFINITY, '3', true, [1]] },
    DOUBLE: { yes: [0, 1.5, -2.25, 3, 2 ** 60, Number.MAX_VALUE, Number.MIN_VALUE], no: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '1.5', false, {}] },
    BOOL: { yes: [true, false], no: [0, 1, 'true', [], {}] },
    JSON_OBJ: { yes: [{}, { a: 1, b: [null] }], no: [[], 'x', 1, true] },
    JSON_ARR: { yes: [[], [1, 'a', null, {}]], no: [{}, 'x', 1, false] },
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

  it('does not narrow a DOUBLE to an INT without a cast', () => {
    expect(isAssignable('DOUBLE', 'INT')).toBe(false);
  });

  it('assigns every type to itself and no other pair without a cast', () => {
    const allowed = VARIABLE_TYPES.flatMap((from) => VARIABLE_TYPES.filter((to) => isAssignable(from, to)).map((to) => `${from}->${to}`));
    expect(allowed.sort()).toEqual([...VARIABLE_TYPES.map((t) => `${t}->${t}`), 'INT->DOUBLE'].sort());
  });
});

describe('isVariableType', () => {
  it.each(VARIABLE_TYPES)('knows %s', (type) => {
    expect(isVariableType(type)).toBe(true);
  });

  it.each(['str', 'TIMESTAMP', 'BYTES', '', null, 5, {}])('does not know %j', (value) => {
    expect(isVariableType(value)).toBe(false);
  });
});

describe('isJsonObject', () => {
  it('is true for plain objects only', () => {
    expect([{}, { a: 1 }].map(isJsonObject)).toEqual([true, true]);
    expect([null, [], 'x', 1, true, undefined].map(isJsonObject)).toEqual([false, false, false, false, false, false]);
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
    expect(VARIABLE_TYPES.map(aType)).toEqual(['a STR', 'an INT', 'a DOUBLE', 'a BOOL', 'a JSON_OBJ', 'a JSON_ARR']);
  });
});
