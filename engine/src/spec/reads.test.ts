import { describe, expect, it } from 'vitest';
import { isLegacyCondition, variablesRead } from './reads.ts';

describe('variablesRead', () => {
  it('finds the variables of every part of a format string, an expression and a condition', () => {
    const v = (variableName: string) => ({ type: 'VARIABLE', variableName });
    const format = { type: 'FORMAT_STRING', format: v('template'), args: [v('a'), { type: 'LITERAL', value: 1 }, { type: 'EXPRESSION', lhs: v('b'), operation: 'ADD', rhs: v('c') }] };
    expect(variablesRead(format).sort()).toEqual(['a', 'b', 'c', 'template']);
    expect(variablesRead({ comparator: 'EQUALS', left: v('x'), right: format }).sort()).toEqual(['a', 'b', 'c', 'template', 'x']);
    expect(variablesRead({ type: 'LITERAL', value: 'x' })).toEqual([]);
  });

  it('survives malformed parts', () => {
    expect(variablesRead({ type: 'FORMAT_STRING', args: [undefined, null, 3, { type: 'VARIABLE' }] })).toEqual([]);
    expect(variablesRead(undefined)).toEqual([]);
  });
});

describe('isLegacyCondition', () => {
  it('tells a comparison from a BOOL value', () => {
    expect(isLegacyCondition({ comparator: 'EQUALS', left: { type: 'LITERAL', value: 1 }, right: { type: 'LITERAL', value: 1 } })).toBe(true);
    expect(isLegacyCondition({ type: 'VARIABLE', variableName: 'ok' })).toBe(false);
  });
});
