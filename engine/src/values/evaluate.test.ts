import { describe, expect, it } from 'vitest';
import type { VariableAssignment } from '../spec/types.ts';
import { evaluateAssignment } from './evaluate.ts';
import type { ValueReader } from './evaluate.ts';
import type { JsonValue, VariableType } from './value.ts';

/** A reader over plain records, which counts the declared types it is asked for; `masked` names its secrets. */
function reader(variables: Record<string, JsonValue>, types: Record<string, VariableType> = {}, outputs: Record<string, JsonValue> = {}, masked: readonly string[] = []) {
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
    isMaskedVariable: (name) => masked.includes(name),
    isMaskedOutput: (name) => name !== undefined && masked.includes(name),
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

describe('evaluateAssignment over secrets', () => {
  const SECRET = 'hunter2-xyzzy';
  const { read } = reader(
    { secret: SECRET, plain: 'x', vault: { pin: SECRET }, template: `{${SECRET}}` },
    { secret: 'STR', plain: 'STR', vault: 'JSON_OBJ', template: 'STR' },
    { fetch: SECRET },
    ['secret', 'vault', 'template', 'fetch'],
  );
  const ref = (nodeName: string): VariableAssignment => ({ type: 'NODE_OUTPUT_REFERENCE', nodeName });

  it('flags a value made from a secret, whole or in part, and only such a value', () => {
    expect(evaluateAssignment(v('secret'), read)).toMatchObject({ ok: true, masked: true });
    expect(evaluateAssignment({ type: 'VARIABLE', variableName: 'vault', jsonPath: '$.pin' }, read)).toMatchObject({ ok: true, masked: true });
    expect(evaluateAssignment({ type: 'FORMAT_STRING', format: lit('{0}-{1}'), args: [v('plain'), ref('fetch')] }, read)).toMatchObject({ ok: true, masked: true });
    expect(evaluateAssignment({ type: 'SIZE_OF', operand: v('secret') }, read)).toMatchObject({ ok: true, value: SECRET.length, masked: true });
    expect(evaluateAssignment({ type: 'EXPRESSION', lhs: v('plain'), comparator: 'EQUALS', rhs: v('secret') }, read)).toMatchObject({ ok: true, value: false, masked: true });
    expect(evaluateAssignment({ type: 'FORMAT_STRING', format: lit('{0}'), args: [v('plain')] }, read)).toEqual({ ok: true, value: 'x', type: 'STR' });
  });

  it('names a secret operand by its kind only, in every message that quotes an operand', () => {
    const messages = [
      evaluateAssignment({ ...v('secret'), targetType: 'INT' }, read),
      evaluateAssignment({ ...ref('fetch'), targetType: 'BOOL' }, read),
      evaluateAssignment({ type: 'EXPRESSION', lhs: v('secret'), operation: 'MULTIPLY', rhs: lit(true) }, read),
      evaluateAssignment({ type: 'EXPRESSION', lhs: lit(3), comparator: 'LESS_THAN', rhs: v('secret') }, read),
      evaluateAssignment({ type: 'EXPRESSION', lhs: v('secret'), comparator: 'EQUALS', rhs: lit(3) }, read),
      evaluateAssignment({ type: 'EXPRESSION', lhs: lit(null), comparator: 'IN', rhs: v('secret') }, read),
      evaluateAssignment({ type: 'SIZE_OF', operand: { type: 'VARIABLE', variableName: 'vault' } }, read),
      evaluateAssignment({ type: 'FORMAT_STRING', format: v('vault'), args: [] }, read),
      // Unmasked, the parser would quote the argument it cannot read: the secret.
      evaluateAssignment({ type: 'FORMAT_STRING', format: v('template'), args: [] }, read),
    ].map((e) => (e.ok ? 'ok' : e.message));
    expect(messages).toEqual([
      'Failed to cast a masked STR to INT.',
      'Failed to cast a masked STR to BOOL.',
      'MULTIPLY of a masked STR with true (BOOL) cannot be computed.',
      'Cannot order 3 (INT) against a masked STR.',
      'Cannot compare a masked STR with 3 (INT): EQUALS needs two values of one kind.',
      'IN cannot look for NULL in a masked STR.',
      'Cannot resolve size() of a masked JSON_OBJ: it takes a STR or a JSON_ARR.',
      "Format String template isn't a STR; it's a masked JSON_OBJ.",
      'Error formatting variable: the template, a masked STR, is no valid format string.',
    ]);
    expect(messages.join('\n')).not.toContain('hunter2');
  });
});
