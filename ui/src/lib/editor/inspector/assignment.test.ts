import type { MutationSource } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { chooseSource, describeSource, isPathSource, literalTemplate, sourceKeyOf, withArg, withCast, withTemplate } from './assignment.ts';

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

describe('computed sources and casts', () => {
  const greeting: MutationSource = { type: 'FORMAT_STRING', format: { type: 'LITERAL', value: 'Hi {0}' }, args: [{ type: 'VARIABLE', variableName: 'name' }] };
  const plusOne: MutationSource = { type: 'EXPRESSION', lhs: { type: 'VARIABLE', variableName: 'count' }, operation: 'ADD', rhs: { type: 'LITERAL', value: 1 } };

  it('names format strings apart, expressions and sizes as computed, and keeps them when chosen again', () => {
    expect(sourceKeyOf(greeting)).toBe('format');
    expect(chooseSource(greeting, 'format')).toBe(greeting);
    expect(sourceKeyOf(plusOne)).toBe('computed');
    expect(sourceKeyOf({ type: 'SIZE_OF', operand: { type: 'VARIABLE', variableName: 'tags' } })).toBe('computed');
    expect(chooseSource(plusOne, 'computed')).toBe(plusOne);
    expect(chooseSource(plusOne, 'literal', 'INT')).toEqual({ type: 'LITERAL', value: 0 });
  });

  it('describes them readably, casts included', () => {
    expect(describeSource(greeting)).toBe('format("Hi {0}", name)');
    expect(describeSource({ ...plusOne, targetType: 'STR' })).toBe('(count + 1) as STR');
    expect(describeSource({ type: 'VARIABLE', variableName: 'age', targetType: 'INT' })).toBe('age as INT');
    expect(describeSource({ type: 'NODE_OUTPUT', jsonPath: '$.n', targetType: 'INT' })).toBe('node output $.n as INT');
  });

  it('adds, changes and removes a cast', () => {
    const age: MutationSource = { type: 'VARIABLE', variableName: 'age' };
    expect(withCast(age, 'INT')).toEqual({ type: 'VARIABLE', variableName: 'age', targetType: 'INT' });
    expect(withCast(withCast(age, 'INT'), undefined)).toEqual(age);
  });

  it('offers a JSON path only on variables and the node output', () => {
    expect(isPathSource({ type: 'VARIABLE', variableName: 'x' })).toBe(true);
    expect(isPathSource({ type: 'NODE_OUTPUT' })).toBe(true);
    expect(isPathSource(greeting)).toBe(false);
    expect(isPathSource(undefined)).toBe(false);
  });

  it('starts a format string from a variable as {0} of it, and from anything else empty', () => {
    expect(chooseSource({ type: 'VARIABLE', variableName: 'name' }, 'format')).toEqual({ type: 'FORMAT_STRING', format: { type: 'LITERAL', value: '{0}' }, args: [{ type: 'VARIABLE', variableName: 'name' }] });
    expect(chooseSource({ type: 'LITERAL', value: 1 }, 'format')).toEqual({ type: 'FORMAT_STRING', format: { type: 'LITERAL', value: '' }, args: [] });
  });

  it('edits a literal template and the arguments', () => {
    if (greeting.type !== 'FORMAT_STRING') throw new Error('a format string');
    expect(literalTemplate(greeting)).toBe('Hi {0}');
    expect(literalTemplate({ ...greeting, format: { type: 'VARIABLE', variableName: 't' } })).toBeUndefined();
    expect(literalTemplate(withTemplate(greeting, 'Bye {0}'))).toBe('Bye {0}');
    const two = withArg(greeting, 1, { type: 'LITERAL', value: 2 });
    expect(two.args).toEqual([{ type: 'VARIABLE', variableName: 'name' }, { type: 'LITERAL', value: 2 }]);
    expect(withArg(two, 0, undefined).args).toEqual([{ type: 'LITERAL', value: 2 }]);
  });
});

describe('earlier node outputs (NODE_OUTPUT_REFERENCE)', () => {
  const ref: MutationSource = { type: 'NODE_OUTPUT_REFERENCE', nodeName: '1-charge-TASK', jsonPath: '$.id' };

  it('names the source by its node, and makes one when a node is chosen', () => {
    expect(sourceKeyOf(ref)).toBe('output:1-charge-TASK');
    expect(chooseSource({ type: 'LITERAL', value: 1 }, 'output:2-approved-EXTERNAL_EVENT')).toEqual({ type: 'NODE_OUTPUT_REFERENCE', nodeName: '2-approved-EXTERNAL_EVENT' });
    expect(chooseSource(ref, 'output:1-charge-TASK')).toBe(ref);
  });

  it('describes it readably, path and cast included, and lets a JSON path follow it', () => {
    expect(describeSource(ref)).toBe('output of 1-charge-TASK $.id');
    expect(describeSource(withCast(ref, 'STR'))).toBe('output of 1-charge-TASK $.id as STR');
    expect(isPathSource(ref)).toBe(true);
  });
});
