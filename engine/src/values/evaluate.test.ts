import { describe, expect, it } from 'vitest';
import type { VariableAssignment } from '../spec/types.ts';
import { evaluateAssignment } from './evaluate.ts';
import type { ValueReader } from './evaluate.ts';
import type { JsonValue, VariableType } from './value.ts';

/** A reader over plain records, which counts the declared types it is asked for. */
function reader(variables: Record<string, JsonValue>, types: Record<string, VariableType> = {}, outputs: Record<string, JsonValue> = {}) {
  const asked: string[] = [];
  const read: ValueReader = {
    variable: (name) => (Object.hasOwn(variables, name) ? variables[name] : undefined),
    variableType: (name) => {
      asked.push(name);
      return types[name];
    },
    nodeOutput: undefined,
    nodeOutputOf: (name) => (Object.hasOwn(outputs, name) ? outputs[name] : undefined),
    notInScope: (name) => `no ${name} here`,
    noOutput: (name) => `no output of ${name} here`,
  };
  return { read, asked };
}

const v = (variableName: string): VariableAssignment => ({ type: 'VARIABLE', variableName });
const lit = (value: JsonValue): VariableAssignment => ({ type: 'LITERAL', value });

describe('evaluateAssignment', () => {
  it('computes with a variable at its declared type, asking for it only where it counts', () => {
    const { read, asked } = reader({ price: 10 }, { price: 'DOUBLE' });
    expect(evaluateAssignment(v('price'), read)).toEqual({ ok: true, value: 10, type: undefined });
    expect(asked).toEqual([]);
    expect(evaluateAssignment({ type: 'EXPRESSION', lhs: v('price'), operation: 'DIVIDE', rhs: lit(4) }, read)).toEqual({ ok: true, value: 2.5, type: 'DOUBLE' });
    expect(asked).toEqual(['price']);
  });

  it("says what cannot be read in the reader's words, and which part of the value it was", () => {
    const { read } = reader({});
    expect(evaluateAssignment(v('count'), read)).toEqual({ ok: false, message: 'no count here' });
    expect(evaluateAssignment({ type: 'SIZE_OF', operand: { type: 'NODE_OUTPUT_REFERENCE', nodeName: 'a' } }, read)).toEqual({ ok: false, message: 'The operand of size(): no output of a here' });
    expect(evaluateAssignment({ type: 'EXPRESSION', lhs: lit(1), operation: 'ADD', rhs: v('n') }, read)).toEqual({ ok: false, message: 'The right side of ADD: no n here' });
  });

  it('reads NULL for NODE_OUTPUT when the reader has no output, as a node without one gives', () => {
    expect(evaluateAssignment({ type: 'NODE_OUTPUT' }, reader({}).read)).toEqual({ ok: true, value: null, type: undefined });
  });

  it('answers what a half-written draft holds, never throws', () => {
    const { read } = reader({ o: {} });
    const evaluate = (draft: unknown) => evaluateAssignment(draft as VariableAssignment, read);
    expect(evaluate(undefined).ok).toBe(false);
    // args that are no list are no args.
    expect(evaluate({ type: 'FORMAT_STRING', format: lit('plain'), args: 'x' })).toEqual({ ok: true, value: 'plain', type: 'STR' });
    expect(evaluate({ type: 'VARIABLE', variableName: 'o', jsonPath: 7 }).ok).toBe(false);
    expect(evaluate({ type: 'EXPRESSION', lhs: { ...lit(null), targetType: 'NUMBER' }, operation: 'ADD', rhs: lit(1) }).ok).toBe(false);
    expect(evaluate({ type: 'EXPRESSION', lhs: lit(1), comparator: 'LIKE', rhs: lit(1) })).toEqual({ ok: false, message: 'Unknown comparator "LIKE" (STR).' });
  });
});
