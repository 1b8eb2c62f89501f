import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../test/fixtures.ts';
import type { JsonValue } from '../values/value.ts';
import { conditionText, explainCondition } from './explain.ts';
import type { EdgeCondition } from './types.ts';

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
