import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../test/fixtures.ts';
import { TestRun } from '../../test/run.ts';
import type { NodeRunFailed, NodeRunStarted, TaskRunScheduled } from '../run/events.ts';
import { variablesInScope } from '../run/scope.ts';
import { replay } from '../run/evolve.ts';
import type { JsonValue } from '../values/value.ts';
import { assignmentText, conditionText, explainCondition, variableTypesOf } from './explain.ts';
import type { Catalog, Condition, EdgeCondition, VariableAssignment, VersionedWfSpec } from './types.ts';

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
    // As the engine: a node without an output reads NULL, which has no path in it.
    expect(explainCondition(condition, {}).text).toBe('output.score (?) > 0.5: cannot be evaluated: There is no $.score in NULL.');
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
    expect(explainCondition({ comparator: 'SIMILAR', left: lit(1), right: lit(1) } as unknown as EdgeCondition, {}).text).toBe('1 "SIMILAR"? 1: cannot be evaluated: Unknown comparator "SIMILAR" (STR).');
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
    expect(explainCondition(v('count'), { count: 3 }).text).toBe('count (3): cannot be evaluated: The condition must be a BOOL; it is 3 (INT).');
  });
});

describe('explainCondition and the engine', () => {
  // Each condition decides an edge of a NOP after a TASK whose output it may read; the engine's verdict is the edge it
  // takes (or the VAR_SUB_ERROR it fails the NOP with), the explanation's is what the UI shows for that edge.
  const catalog: Catalog = { taskDefs: { probe: { name: 'probe', inputVars: [], returnType: 'JSON_OBJ' } } };
  const types = { amount: 'INT', price: 'DOUBLE', age: 'STR', name: 'STR', items: 'JSON_ARR', order: 'JSON_OBJ', vip: 'BOOL', note: 'STR' } as const;
  const values: Record<string, JsonValue> = { amount: 500, price: 10, age: '42', name: 'ada', items: [1, 2, 3], order: { total: 250 }, vip: true, note: null };
  const output: JsonValue = { score: 0.9, id: 'o-7', tags: ['a', 'b'] };
  const out = (jsonPath: string): VariableAssignment => ({ type: 'NODE_OUTPUT_REFERENCE', nodeName: 'probe', jsonPath });
  const cast = (source: VariableAssignment, targetType: VariableAssignment['targetType']) => ({ ...source, targetType }) as VariableAssignment;
  const op = (lhs: VariableAssignment, operation: 'ADD' | 'DIVIDE' | 'AND' | 'OR', rhs: VariableAssignment): VariableAssignment => ({ type: 'EXPRESSION', lhs, operation, rhs });
  const cmp = (lhs: VariableAssignment, comparator: EdgeCondition['comparator'], rhs: VariableAssignment): VariableAssignment => ({ type: 'EXPRESSION', lhs, comparator, rhs });
  const size = (operand: VariableAssignment): VariableAssignment => ({ type: 'SIZE_OF', operand });
  const format = (template: string, ...args: VariableAssignment[]): VariableAssignment => ({ type: 'FORMAT_STRING', format: lit(template), args });

  function engineVerdict(condition: Condition): { holds: boolean | undefined; why?: string; explained: ReturnType<typeof explainCondition> } {
    const wfSpec: VersionedWfSpec = {
      name: 'verdicts',
      majorVersion: 0,
      revision: 0,
      entrypointThreadName: 'entrypoint',
      threadSpecs: {
        entrypoint: {
          variableDefs: Object.entries(types).map(([name, type]) => ({ name, type })),
          nodes: {
            start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'probe' }] },
            probe: { type: 'TASK', taskDefName: 'probe', inputs: [], outgoingEdges: [{ sinkNodeName: 'decide' }] },
            decide: { type: 'NOP', outgoingEdges: [{ sinkNodeName: 'yes', condition }, { sinkNodeName: 'no' }] },
            yes: { type: 'EXIT' },
            no: { type: 'EXIT' },
          },
        },
      },
    };
    const run = new TestRun(wfSpec, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r', variables: values });
    const task = run.events.find((e): e is TaskRunScheduled => e.type === 'TaskRunScheduled');
    run.report(task?.taskGuid ?? '', { status: 'SUCCESS', output });
    // What the WfRun page gives explainCondition at the moment the NOP decides (a completed thread drops its outputs).
    const deciding = run.events.findIndex((e) => e.type === 'NodeRunStarted' && e.nodeName === 'decide');
    const moment = replay(run.events.slice(0, deciding + 1));
    const kept = moment?.threadRuns[0]?.nodeOutputs ?? {};
    const explained = explainCondition(
      condition,
      variablesInScope(moment, 0),
      undefined,
      Object.fromEntries(Object.entries(kept).map(([name, { output }]) => [name, output])),
      variableTypesOf(Object.values(wfSpec.threadSpecs)),
    );
    const failed = run.events.find((e): e is NodeRunFailed => e.type === 'NodeRunFailed');
    if (failed) return { holds: undefined, why: failed.failure.message, explained };
    const sink = run.events.find((e): e is NodeRunStarted => e.type === 'NodeRunStarted' && (e.nodeName === 'yes' || e.nodeName === 'no'));
    return { holds: sink === undefined ? undefined : sink.nodeName === 'yes', explained };
  }

  const table: [string, Condition, boolean | undefined][] = [
    ['a variable against a literal', when(v('amount'), 'GREATER_THAN', lit(100)), true],
    ['a comparison that does not hold', when(v('amount'), 'GREATER_THAN', lit(1000)), false],
    ['an INT against a DOUBLE', when(v('amount'), 'NOT_EQUALS', v('price')), true],
    ['a JSON path', when(v('order', '$.total'), 'GREATER_THAN_EQ', lit(200)), true],
    ['a JSON path to nothing, which reads NULL', when(v('order', '$.discount'), 'GREATER_THAN', lit(0)), false],
    ['a NULL variable', when(v('note'), 'EQUALS', lit(null)), true],
    ['a JSON path into NULL', when(v('note', '$.x'), 'EQUALS', lit(1)), undefined],
    ['the left side failing before the right', when(v('note', '$.x'), 'EQUALS', cast(v('name'), 'INT')), undefined],
    ['an order the engine refuses', when(v('name'), 'GREATER_THAN', lit(1)), undefined],
    ['equality across kinds', when(v('vip'), 'EQUALS', lit('true')), undefined],
    ['a whole list', when(v('items'), 'EQUALS', lit([1, 2, 3])), true],
    ['a substring', when(lit('d'), 'IN', v('name')), true],
    ['a cast of a STR to an INT', when(cast(v('age'), 'INT'), 'GREATER_THAN_EQ', lit(18)), true],
    ['a cast that fails', when(cast(v('age'), 'BOOL'), 'EQUALS', lit(true)), undefined],
    ['a DOUBLE variable holding 10, divided as a DOUBLE', when(op(v('price'), 'DIVIDE', lit(4)), 'GREATER_THAN', lit(2)), true],
    ['an INT divided as an INT', when(op(v('amount'), 'DIVIDE', lit(3)), 'EQUALS', lit(166)), true],
    ['an INT plus a DOUBLE, computed as a DOUBLE', when(op(v('amount'), 'ADD', lit(0.5)), 'EQUALS', lit(500.5)), true],
    ['a division by zero', when(op(v('amount'), 'DIVIDE', lit(0)), 'EQUALS', lit(0)), undefined],
    ['an operation on a NULL left side', when(op(v('note'), 'ADD', lit('x')), 'EQUALS', lit('x')), undefined],
    ['size() of a list', when(size(v('items')), 'EQUALS', lit(3)), true],
    ['size() of an object, which has none', when(size(v('order')), 'EQUALS', lit(1)), undefined],
    ['a format string', when(format('{0}-{1}', v('name'), v('amount')), 'EQUALS', lit('ada-500')), true],
    ['a node output', when(out('$.score'), 'GREATER_THAN', lit(0.5)), true],
    ['an element of a node output', when(lit('b'), 'IN', out('$.tags')), true],
    ['a node output cast that fails', when(cast(out('$.id'), 'INT'), 'EQUALS', lit(7)), undefined],
    ['a BOOL value: an AND of a cast comparison', op(cmp(cast(v('age'), 'INT'), 'GREATER_THAN_EQ', lit(18)), 'AND', v('vip')), true],
    ['a BOOL value: an OR that does not hold', op(cmp(v('amount'), 'LESS_THAN', lit(0)), 'OR', cmp(v('name'), 'EQUALS', lit('bob'))), false],
    ['a BOOL value that is no BOOL', v('amount'), undefined],
    ['a BOOL value whose part fails', op(cmp(v('name'), 'LESS_THAN', lit(0)), 'AND', v('vip')), undefined],
  ];

  it.each(table)('reaches the verdict the engine reaches: %s', (_, condition, expected) => {
    const engine = engineVerdict(deepFreeze(condition));
    expect(engine.holds).toBe(expected);
    expect(engine.explained.holds).toBe(expected);
    // Undecided means the engine failed the NOP, not that no edge matched.
    expect(engine.why === undefined).toBe(expected !== undefined);
    // Where the engine fails the node, the explanation gives the engine's own reason.
    if (engine.why !== undefined) expect(engine.explained.text.split(': cannot be evaluated: ')[1]).toBe(engine.why);
  });

  it('agrees that a node with no output yet cannot be read, in words of its own', () => {
    const engine = engineVerdict(when({ type: 'NODE_OUTPUT_REFERENCE', nodeName: 'yes' }, 'EQUALS', lit(null)));
    expect(engine.holds).toBeUndefined();
    expect(engine.why).toBe("Node 'yes' has no output in ThreadRun 0: it has not completed there yet, or completed without one.");
    expect(engine.explained).toMatchObject({ holds: undefined, text: "output('yes') (not set) == null: cannot be evaluated: node 'yes' has no output yet" });
  });
});
