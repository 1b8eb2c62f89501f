import { describe, expect, it } from 'vitest';
import { canCast, castValue, needsCast } from './cast.ts';

describe('canCast', () => {
  it("allows LittleHorse's casts: a primitive to STR, INT and DOUBLE both ways, a STR to a parsed type", () => {
    for (const from of ['INT', 'DOUBLE', 'BOOL', 'BYTES', 'WF_RUN_ID'] as const) expect(canCast(from, 'STR')).toBe(true);
    expect(canCast('DOUBLE', 'INT')).toBe(true);
    expect(canCast('INT', 'DOUBLE')).toBe(true);
    for (const to of ['INT', 'DOUBLE', 'BOOL', 'BYTES', 'WF_RUN_ID'] as const) expect(canCast('STR', to)).toBe(true);
  });

  it('refuses the casts LittleHorse refuses', () => {
    expect(canCast('INT', 'BOOL')).toBe(false);
    expect(canCast('DOUBLE', 'BOOL')).toBe(false);
    expect(canCast('BOOL', 'INT')).toBe(false);
    expect(canCast('JSON_OBJ', 'STR')).toBe(false);
    expect(canCast('STR', 'JSON_ARR')).toBe(false);
  });

  it('says which pairs need a written cast: STR to INT, DOUBLE to INT, but not INT to DOUBLE', () => {
    expect(needsCast('STR', 'INT')).toBe(true);
    expect(needsCast('DOUBLE', 'INT')).toBe(true);
    expect(needsCast('INT', 'DOUBLE')).toBe(false);
    expect(needsCast('INT', 'BOOL')).toBe(false);
  });
});

describe('castValue', () => {
  it('parses a STR as Java does', () => {
    expect(castValue('42', 'INT')).toEqual({ ok: true, value: 42 });
    expect(castValue('-7', 'INT')).toEqual({ ok: true, value: -7 });
    expect(castValue(' 2.5 ', 'DOUBLE')).toEqual({ ok: true, value: 2.5 });
    expect(castValue('TRUE', 'BOOL')).toEqual({ ok: true, value: true });
    expect(castValue(' false', 'BOOL')).toEqual({ ok: true, value: false });
  });

  it('fails with LittleHorse\'s messages when a STR does not parse', () => {
    expect(castValue('abc', 'INT')).toEqual({ ok: false, message: "Failed to cast value to INT: Cannot parse 'abc' as INT." });
    expect(castValue(' 42', 'INT')).toEqual({ ok: false, message: "Failed to cast value to INT: Cannot parse ' 42' as INT." });
    expect(castValue('4.5', 'INT').ok).toBe(false);
    expect(castValue('xyz', 'DOUBLE')).toEqual({ ok: false, message: "Failed to cast value to DOUBLE: Cannot parse 'xyz' as DOUBLE." });
    expect(castValue('maybe', 'BOOL')).toEqual({ ok: false, message: "Failed to cast value to BOOL: Cannot parse 'maybe' as BOOL (use 'true'/'false')." });
  });

  it('truncates a DOUBLE cast to INT toward zero', () => {
    expect(castValue(42.7, 'INT')).toEqual({ ok: true, value: 42 });
    expect(castValue(-42.7, 'INT')).toEqual({ ok: true, value: -42 });
  });

  it('prints a primitive as text when cast to STR', () => {
    expect(castValue(42, 'STR')).toEqual({ ok: true, value: '42' });
    expect(castValue(true, 'STR')).toEqual({ ok: true, value: 'true' });
  });

  it('makes BYTES of a STR from its UTF-8 bytes, as LittleHorse does', () => {
    expect(castValue('Hé', 'BYTES')).toEqual({ ok: true, value: 'SMOp' });
  });

  it('keeps NULL NULL, and a value already of the type as it is', () => {
    expect(castValue(null, 'INT')).toEqual({ ok: true, value: null });
    expect(castValue(3, 'DOUBLE')).toEqual({ ok: true, value: 3 });
    expect(castValue('id-1', 'WF_RUN_ID')).toEqual({ ok: true, value: 'id-1' });
  });

  it('refuses a cast LittleHorse does not allow, naming both types', () => {
    expect(castValue(1, 'BOOL')).toEqual({ ok: false, message: 'Failed to cast value to BOOL: Casting from INT to BOOL is not supported.' });
    expect(castValue({ a: 1 }, 'STR')).toEqual({ ok: false, message: 'Failed to cast value to STR: Casting from JSON_OBJ to STR is not supported.' });
  });

  it('takes the type the spec knows over the JSON kind: a DOUBLE holding 2 is a DOUBLE', () => {
    expect(castValue(2, 'INT', 'DOUBLE')).toEqual({ ok: true, value: 2 });
    expect(castValue(2, 'BOOL', 'DOUBLE').ok).toBe(false);
  });
});
