import { describe, expect, it } from 'vitest';
import { isLegacyCondition, nodeOutputsRead, readsOf, variablesRead } from './reads.ts';

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

describe('nodeOutputsRead', () => {
  it('finds the nodes whose outputs every part of an assignment and a condition names', () => {
    const out = (nodeName: string) => ({ type: 'NODE_OUTPUT_REFERENCE', nodeName });
    const format = { type: 'FORMAT_STRING', format: { type: 'LITERAL', value: '{0} {1}' }, args: [out('a'), { type: 'SIZE_OF', operand: out('b') }] };
    expect(nodeOutputsRead(format).sort()).toEqual(['a', 'b']);
    expect(nodeOutputsRead({ comparator: 'EQUALS', left: out('c'), right: { type: 'VARIABLE', variableName: 'x' } })).toEqual(['c']);
    expect(nodeOutputsRead({ type: 'NODE_OUTPUT' })).toEqual([]);
    expect(nodeOutputsRead({ type: 'NODE_OUTPUT_REFERENCE' })).toEqual([]);
  });
});

describe('readsOf', () => {
  it('finds variables, node outputs by name and NODE_OUTPUT in one walk, a legacy condition\'s sides included', () => {
    const source = {
      comparator: 'EQUALS',
      left: { type: 'FORMAT_STRING', format: { type: 'VARIABLE', variableName: 't' }, args: [{ type: 'SIZE_OF', operand: { type: 'NODE_OUTPUT', jsonPath: '$.a' } }] },
      right: { type: 'EXPRESSION', lhs: { type: 'NODE_OUTPUT_REFERENCE', nodeName: 'n' }, operation: 'ADD', rhs: { type: 'LITERAL', value: 1 } },
    };
    expect(readsOf(source)).toEqual({ variables: ['t'], nodeOutputs: ['n'], nodeOutput: true });
    expect(readsOf({ type: 'VARIABLE', variableName: 'x' })).toEqual({ variables: ['x'], nodeOutputs: [], nodeOutput: false });
    expect(readsOf({ type: 'LITERAL', value: { type: 'NODE_OUTPUT' } })).toEqual({ variables: [], nodeOutputs: [], nodeOutput: false });
    expect(readsOf(null)).toEqual({ variables: [], nodeOutputs: [], nodeOutput: false });
  });
});
