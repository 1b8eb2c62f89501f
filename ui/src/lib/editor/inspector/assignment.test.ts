import type { MutationSource } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { chooseSource, describeSource, sourceKeyOf } from './assignment.ts';

describe('sourceKeyOf', () => {
  it('names each kind of source', () => {
    expect(sourceKeyOf(undefined)).toBe('none');
    expect(sourceKeyOf({ type: 'LITERAL', value: 1 })).toBe('literal');
    expect(sourceKeyOf({ type: 'NODE_OUTPUT' })).toBe('node-output');
    expect(sourceKeyOf({ type: 'VARIABLE', variableName: 'amount' })).toBe('var:amount');
  });
});

describe('chooseSource', () => {
  const path: MutationSource = { type: 'VARIABLE', variableName: 'order', jsonPath: '$.total' };

  it('keeps the value when the same source is chosen again', () => {
    expect(chooseSource(path, 'var:order')).toBe(path);
  });

  it('starts a literal empty for the expected type', () => {
    expect(chooseSource(path, 'literal', 'INT')).toEqual({ type: 'LITERAL', value: 0 });
    expect(chooseSource(undefined, 'literal')).toEqual({ type: 'LITERAL', value: null });
  });

  it('drops a JSON path when another variable is chosen', () => {
    expect(chooseSource(path, 'var:amount')).toEqual({ type: 'VARIABLE', variableName: 'amount' });
  });

  it('gives undefined for no value and the node output on request', () => {
    expect(chooseSource(path, 'none')).toBeUndefined();
    expect(chooseSource(path, 'node-output')).toEqual({ type: 'NODE_OUTPUT' });
  });
});

describe('describeSource', () => {
  it('writes a source as one line', () => {
    expect(describeSource({ type: 'VARIABLE', variableName: 'order', jsonPath: '$.total' })).toBe('order $.total');
    expect(describeSource({ type: 'LITERAL', value: 'hi' })).toBe('"hi"');
    expect(describeSource({ type: 'NODE_OUTPUT' })).toBe('node output');
    expect(describeSource(undefined)).toBe('not set');
  });
});
