import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../test/fixtures.ts';
import type { JsonValue } from '../values/value.ts';
import { assignmentText, conditionText, explainCondition } from './explain.ts';
import type { EdgeCondition, VariableAssignment } from './types.ts';

const v = (variableName: string, jsonPath?: string) => ({ type: 'VARIABLE' as const, variableName, ...(jsonPath === undefined ? {} : { jsonPath }) });
const lit = (value: JsonValue) => ({ type: 'LITERAL' as const, value });
const when = (left: EdgeCondition['left'], comparator: EdgeCondition['comparator'], right: EdgeCondition['right']): EdgeCondition => deepFreeze({ comparator, left, right });

describe('explainCondition', () => {
  it('says that a condition holds, with the value it read', () => {
    expect(explainCondition(when(v('amount'), 'GREATER_THAN', lit(100)), { amount: 500 })).toEqual({
      holds: true,
      left: 500,
      right: 100,
      text: 'amount (500) > 100: holds',
    });
  });

  it('says that a condition does not hold', () => {
    const explained = explainCondition(when(v('amount'), 'GREATER_THAN', lit(1000)), { amount: 500 });
    expect(explained.holds).toBe(false);
    expect(explained.text).toBe('amount (500) > 1000: does not hold');
  });

  it('reads variables on both sides', () => {
    expect(explainCondition(when(v('spent'), 'LESS_THAN_EQ', v('limit')), { spent: 5, limit: 10 }).text).toBe('spent (5) <= limit (10): holds');
  });

  it('cannot evaluate a condition on a variable that is not set', () => {
    expect(explainCondition(when(v('amount'), 'GREATER_THAN', lit(100)), {})).toEqual({
      holds: undefined,
      left: undefined,
      right: 100,
      text: "amount (not set) > 100: cannot be evaluated: variable 'amount' is not set",
    });
  });

  it('finds only variables of its own: a name that objects inherit is not set', () => {
    expect(explainCondition(when(v('constructor'), 'EQUALS', lit(null)), {}).holds).toBeUndefined();
  });

  it('compares NULL as the engine does: a set NULL equals NULL and sorts first', () => {
    expect(explainCondition(when(v('note'), 'EQUALS', lit(null)), { note: null }).text).toBe('note (null) == null: holds');
    expect(explainCondition(when(v('note'), 'LESS_THAN', lit('a')), { note: null }).holds).toBe(true);
  });

  it('reads a JSON path, a missing step reading NULL', () => {
    const order = { total: 250, lines: [{ sku: 'x' }] };
    expect(explainCondition(when(v('order', '$.total'), 'GREATER_THAN_EQ', lit(200)), { order }).text).toBe('order.total (250) >= 200: holds');
    expect(explainCondition(when(v('order', '$.lines[0].sku'), 'EQUALS', lit('x')), { order }).text).toBe('order.lines[0].sku ("x") == "x": holds');
    expect(explainCondition(when(v('order', '$.discount'), 'GREATER_THAN', lit(0)), { order }).text).toBe('order.discount (null) > 0: does not hold');
  });

  it('cannot evaluate a JSON path that does not parse', () => {
    const explained = explainCondition(when(v('order', 'total'), 'EQUALS', lit(1)), { order: {} });
    expect(explained.holds).toBeUndefined();
    expect(explained.text).toBe("order[total] (?) == 1: cannot be evaluated: JSON path 'total' must start with $.");
  });

  it('cannot evaluate a comparison the engine refuses, and says why', () => {
    const explained = explainCondition(when(v('name'), 'GREATER_THAN', lit(1)), { name: 'ada' });
    expect(explained).toEqual({ holds: undefined, left: 'ada', right: 1, text: 'name ("ada") > 1: cannot be evaluated: Cannot order "ada" (STR) against 1 (INT).' });
  });

  it('looks for an element, a key or a substring with IN and NOT_IN', () => {
    expect(explainCondition(when(v('tier'), 'IN', lit(['gold', 'silver'])), { tier: 'gold' }).text).toBe('tier ("gold") in ["gold","silver"]: holds');
    expect(explainCondition(when(lit('b'), 'NOT_IN', v('flags')), { flags: { a: true } }).text).toBe('"b" not in flags ({"a":true}): holds');
  });

  it("reads a NODE_OUTPUT side from the node's output, which a draft may hold", () => {
    const condition = { comparator: 'GREATER_THAN', left: { type: 'NODE_OUTPUT', jsonPath: '$.score' }, right: lit(0.5) } as unknown as EdgeCondition;
    expect(explainCondition(condition, {}, { score: 0.9 }).text).toBe('output.score (0.9) > 0.5: holds');
    expect(explainCondition(condition, {}).text).toBe('output.score (not set) > 0.5: cannot be evaluated: the node has no output');
  });

  it('cannot read a path into a NULL variable, as the engine fails the node there', () => {
    expect(explainCondition(when(v('order', '$.status'), 'EQUALS', lit('paid')), { order: null }).holds).toBeUndefined();
    expect(explainCondition(when(v('order', '$.status'), 'EQUALS', lit('paid')), { order: {} }).holds).toBe(false);
  });

  it('shortens long values', () => {
    const text = explainCondition(when(v('note'), 'EQUALS', lit('x')), { note: 'y'.repeat(100) }).text;
    expect(text).toBe(`note ("${'y'.repeat(36)}...) == "x": does not hold`);
  });

  it('explains malformed conditions instead of throwing', () => {
    const broken = [null, 'x', {}, { comparator: 'SIMILAR', left: lit(1), right: lit(1) }, { comparator: 'EQUALS', left: { type: 'CONSTANT' }, right: lit(1n as unknown as JsonValue) }];
    for (const condition of broken) {
      const explained = explainCondition(condition as unknown as EdgeCondition, {});
      expect(explained.holds).toBeUndefined();
      expect(explained.text).toContain('cannot be evaluated');
    }
    expect(explainCondition({ comparator: 'SIMILAR', left: lit(1), right: lit(1) } as unknown as EdgeCondition, {}).text).toBe('1 "SIMILAR"? 1: cannot be evaluated: unknown comparator "SIMILAR"');
  });
});

describe('conditionText', () => {
  it('writes a condition without values', () => {
    expect(conditionText(when(v('order', '$.total'), 'NOT_EQUALS', lit('x')))).toBe('order.total != "x"');
    expect(conditionText(undefined)).toBe('(no condition)');
  });
});

describe('explainCondition with computed sides', () => {
  const format = (template: string, ...args: VariableAssignment[]): VariableAssignment => ({ type: 'FORMAT_STRING', format: lit(template), args });

  it('computes an expression and shows what it read', () => {
    const plusOne: VariableAssignment = { type: 'EXPRESSION', lhs: v('count'), operation: 'ADD', rhs: lit(1) };
    expect(explainCondition(when(plusOne, 'GREATER_THAN', lit(10)), { count: 10 })).toEqual({ holds: true, left: 11, right: 10, text: '(count + 1) (11) > 10: holds' });
  });

  it('casts a side before comparing', () => {
    expect(explainCondition(when({ ...v('age'), targetType: 'INT' }, 'GREATER_THAN_EQ', lit(18)), { age: '42' }).text).toBe('age as INT (42) >= 18: holds');
  });

  it('counts with size()', () => {
    expect(explainCondition(when({ type: 'SIZE_OF', operand: v('items') }, 'GREATER_THAN', lit(1)), { items: [1, 2] }).text).toBe('size(items) (2) > 1: holds');
  });

  it('formats a format string', () => {
    expect(explainCondition(when(format('{0}-{1}', v('a'), lit(2)), 'EQUALS', lit('x-2')), { a: 'x' }).holds).toBe(true);
  });

  it('computes with a variable of its declared type, as the engine does, when the types are given', () => {
    const quarter: VariableAssignment = { type: 'EXPRESSION', lhs: v('price'), operation: 'DIVIDE', rhs: lit(4) };
    // A DOUBLE holding 10 is 10 in JSON: without its type it would divide as an INT (2, which is not > 2).
    expect(explainCondition(when(quarter, 'GREATER_THAN', lit(2)), { price: 10 }, undefined, undefined, { price: 'DOUBLE' })).toMatchObject({ holds: true, left: 2.5 });
    expect(explainCondition(when(quarter, 'GREATER_THAN', lit(2)), { price: 10 }).holds).toBe(false);
  });

  it('assigns over a NULL left side as the engine does, and fails any other operation on one', () => {
    const assign: VariableAssignment = { type: 'EXPRESSION', lhs: v('x'), operation: 'ASSIGN', rhs: lit(3) };
    expect(explainCondition(when(assign, 'EQUALS', lit(3)), { x: null }, undefined, undefined, { x: 'INT' }).holds).toBe(true);
    const add: VariableAssignment = { type: 'EXPRESSION', lhs: v('x'), operation: 'ADD', rhs: lit(3) };
    expect(explainCondition(when(add, 'EQUALS', lit(3)), { x: null }, undefined, undefined, { x: 'INT' }).holds).toBeUndefined();
  });

  it('says why a cast cannot be made', () => {
    expect(explainCondition(when({ ...v('age'), targetType: 'INT' }, 'GREATER_THAN', lit(18)), { age: 'old' }).text).toBe(
      "age as INT (?) > 18: cannot be evaluated: Failed to cast value to INT: Cannot parse 'old' as INT.",
    );
  });
});

describe('assignmentText', () => {
  it('writes each kind of source readably', () => {
    expect(assignmentText(v('order', '$.total'))).toBe('order.total');
    expect(assignmentText({ type: 'FORMAT_STRING', format: lit('Hi {0}'), args: [v('name')] })).toBe('format("Hi {0}", name)');
    expect(assignmentText({ type: 'EXPRESSION', lhs: v('n'), operation: 'MULTIPLY', rhs: lit(2), targetType: 'STR' })).toBe('(n * 2) as STR');
    expect(assignmentText({ type: 'EXPRESSION', lhs: v('list'), operation: 'REMOVE_INDEX', rhs: lit(0) })).toBe('(list remove_index 0)');
    expect(assignmentText({ type: 'FORMAT_STRING' })).toBe('format(?)');
    expect(assignmentText({ type: 'SIZE_OF', operand: v('items') })).toBe('size(items)');
    expect(assignmentText(null)).toBe('?');
  });
});

describe('explainCondition of a BOOL value', () => {
  it('reads a comparison expression, an AND of them, and says whether it holds', () => {
    const adult: VariableAssignment = { type: 'EXPRESSION', lhs: { ...v('age'), targetType: 'INT' }, comparator: 'GREATER_THAN_EQ', rhs: lit(18) };
    const both: VariableAssignment = { type: 'EXPRESSION', lhs: adult, operation: 'AND', rhs: v('vip') };
    expect(explainCondition(both, { age: '42', vip: true })).toEqual({ holds: true, left: true, right: undefined, text: '((age as INT >= 18) and vip) (true): holds' });
    expect(explainCondition(both, { age: '12', vip: true }).holds).toBe(false);
    expect(conditionText(both)).toBe('((age as INT >= 18) and vip)');
  });

  it('cannot evaluate a value that is no BOOL', () => {
    expect(explainCondition(v('count'), { count: 3 }).text).toBe('count (3): cannot be evaluated: the condition must be a BOOL');
  });
});
