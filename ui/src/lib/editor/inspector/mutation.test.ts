import type { VariableMutation } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { newMutation, operationsFor, rhsTypeFor, withTarget } from './mutation.ts';

describe('operationsFor', () => {
  it('limits the operations to what the variable type accepts', () => {
    expect(operationsFor('BOOL')).toEqual(['ASSIGN', 'AND', 'OR']);
    expect(operationsFor('JSON_OBJ')).toEqual(['ASSIGN', 'REMOVE_KEY']);
    expect(operationsFor(undefined)).toContain('REMOVE_INDEX');
  });
});

describe('withTarget', () => {
  const add: VariableMutation = { lhsName: 'count', lhsJsonPath: '$.n', operation: 'ADD', rhs: { type: 'LITERAL', value: 1 } };

  it('keeps the operation when the new variable accepts it', () => {
    expect(withTarget(add, 'total', 'DOUBLE')).toEqual({ lhsName: 'total', operation: 'ADD', rhs: { type: 'LITERAL', value: 1 } });
  });

  it('falls back to ASSIGN when it does not, and drops the old JSON path', () => {
    expect(withTarget(add, 'done', 'BOOL')).toEqual({ lhsName: 'done', operation: 'ASSIGN', rhs: { type: 'LITERAL', value: 1 } });
  });

  it('changes nothing when the variable stays', () => {
    expect(withTarget(add, 'count', 'INT')).toBe(add);
  });
});

describe('newMutation', () => {
  it('assigns the node output to the first variable', () => {
    expect(newMutation([{ name: 'a', type: 'STR', thread: 't' }])).toEqual({ lhsName: 'a', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } });
    expect(newMutation([]).lhsName).toBe('');
  });
});

describe('rhsTypeFor', () => {
  it('expects what mutate() needs on the right', () => {
    expect(rhsTypeFor('INT', 'ASSIGN')).toBe('INT');
    expect(rhsTypeFor('JSON_ARR', 'EXTEND')).toBe('JSON_ARR');
    expect(rhsTypeFor('JSON_ARR', 'ADD')).toBeUndefined();
    expect(rhsTypeFor('STR', 'ADD')).toBeUndefined();
    expect(rhsTypeFor('JSON_ARR', 'REMOVE_INDEX')).toBe('INT');
    expect(rhsTypeFor('JSON_OBJ', 'REMOVE_KEY')).toBe('STR');
  });

  it('expects nothing in particular below a JSON path or for an unknown variable', () => {
    expect(rhsTypeFor('JSON_OBJ', 'ASSIGN', '$.a')).toBeUndefined();
    expect(rhsTypeFor(undefined, 'ASSIGN')).toBeUndefined();
  });
});
