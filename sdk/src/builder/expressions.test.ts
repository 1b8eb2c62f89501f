import { step, validateWfSpec } from '@gallop/engine';
import type { Catalog, DecideContext, JsonValue, WfRunState, WfSpec } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { defineTask } from '../task.ts';
import { Workflow } from './workflow.ts';

const catalog: Catalog = {
  taskDefs: {
    greet: { name: 'greet', inputVars: [{ name: 'text', type: 'STR' }] },
    charge: { name: 'charge', inputVars: [{ name: 'cents', type: 'INT' }], returnType: 'STR' },
    quote: { name: 'quote', inputVars: [], returnType: 'STR' },
  },
};

/** Runs `spec` until its first TaskRun (or its end): the state and the inputs the TaskRun was given. */
function firstTask(spec: WfSpec, variables: Record<string, JsonValue>): { state: WfRunState; input: JsonValue[] | undefined } {
  expect(validateWfSpec(spec, catalog)).toEqual([]);
  const ctx: DecideContext = { now: 0, ids: { next: () => 'x' }, wfSpec: { ...spec, majorVersion: 0, revision: 0 }, catalog };
  const result = step(undefined, { type: 'RunWf', wfRunId: 'r', variables }, ctx);
  if (!result.ok) throw new Error(result.rejection.message);
  const scheduled = result.events.find((e) => e.type === 'TaskRunScheduled');
  return { state: result.state, input: scheduled?.type === 'TaskRunScheduled' ? scheduled.input.map((i) => i.value) : undefined };
}

describe('format strings, casts and expressions', () => {
  it('writes wf.format as a FORMAT_STRING the engine fills in', () => {
    const spec = new Workflow('hello', (wf) => {
      const name = wf.declareStr('name');
      const unread = wf.declareInt('unread');
      wf.execute('greet', wf.format('Hello {0}, {1} unread', name, unread));
    }).compile();
    expect(spec.threadSpecs.entrypoint?.nodes['1-greet-TASK']).toMatchObject({
      inputs: [{ type: 'FORMAT_STRING', format: { type: 'LITERAL', value: 'Hello {0}, {1} unread' }, args: [{ type: 'VARIABLE', variableName: 'name' }, { type: 'VARIABLE', variableName: 'unread' }] }],
    });
    expect(firstTask(spec, { name: 'Ada', unread: 1500 }).input).toEqual(['Hello Ada, 1,500 unread']);
  });

  it('writes castTo as a targetType, which makes a STR variable fit an INT input', () => {
    const spec = new Workflow('cast', (wf) => {
      const cents = wf.declareStr('cents');
      wf.execute('charge', cents.castToInt());
    }).compile();
    expect(spec.threadSpecs.entrypoint?.nodes['1-charge-TASK']).toMatchObject({ inputs: [{ type: 'VARIABLE', variableName: 'cents', targetType: 'INT' }] });
    expect(firstTask(spec, { cents: '1999' }).input).toEqual([1999]);
    const failed = firstTask(spec, { cents: 'lots' }).state;
    expect(failed.failure).toEqual({ name: 'VAR_SUB_ERROR', message: "Input 'cents' of TaskDef 'charge': Failed to cast value to INT: Cannot parse 'lots' as INT." });
  });

  it('refuses at compile time a STR given to an INT input without a cast', () => {
    expect(() =>
      new Workflow('uncast', (wf) => {
        wf.execute('charge', wf.declareStr('cents'));
      }).compile({ catalog }),
    ).toThrow(/without a cast \(targetType INT\)/);
  });

  it('computes with wf.expr without changing the variable it reads', () => {
    const spec = new Workflow('compute', (wf) => {
      const price = wf.declareDouble('price');
      const quantity = wf.declareInt('quantity');
      wf.execute('charge', wf.expr(price).multiply(quantity).multiply(100).castToInt());
    }).compile();
    expect(spec.threadSpecs.entrypoint?.nodes['1-charge-TASK']).toMatchObject({
      inputs: [
        {
          type: 'EXPRESSION',
          lhs: { type: 'EXPRESSION', lhs: { type: 'VARIABLE', variableName: 'price' }, operation: 'MULTIPLY', rhs: { type: 'VARIABLE', variableName: 'quantity' } },
          operation: 'MULTIPLY',
          rhs: { type: 'LITERAL', value: 100 },
          targetType: 'INT',
        },
      ],
    });
    const { state, input } = firstTask(spec, { price: 2.5, quantity: 3 });
    expect(input).toEqual([750]);
    expect(state.threadRuns[0]?.variables).toMatchObject({ price: 2.5, quantity: 3 });
  });

  it('writes size() as SIZE_OF', () => {
    const spec = new Workflow('size', (wf) => {
      const tags = wf.declareJsonArr('tags');
      wf.execute('charge', wf.expr(tags).size().multiply(100));
    }).compile();
    expect(spec.threadSpecs.entrypoint?.nodes['1-charge-TASK']).toMatchObject({
      inputs: [{ type: 'EXPRESSION', lhs: { type: 'SIZE_OF', operand: { type: 'VARIABLE', variableName: 'tags' } }, operation: 'MULTIPLY', rhs: { type: 'LITERAL', value: 100 } }],
    });
    expect(firstTask(spec, { tags: ['a', 'b'] }).input).toEqual([200]);
  });

  it('assigns an expression to a variable: a counter doubled plus one', () => {
    const spec = new Workflow('assign', (wf) => {
      const count = wf.declareInt('count').withDefault(5);
      const label = wf.declareStr('label');
      count.assign(wf.expr(count).multiply(2).add(1));
      label.assign(wf.format('#{0}', count));
    }).compile();
    const { state } = firstTask(spec, {});
    expect(state.status).toBe('COMPLETED');
    expect(state.threadRuns[0]?.variables).toMatchObject({ count: 11, label: '#11' });
  });

  it("casts a node's output right after it", () => {
    const spec = new Workflow('output-cast', (wf) => {
      const amount = wf.declareInt('amount');
      amount.assign(wf.execute('quote').castToInt());
    }).compile();
    expect(spec.threadSpecs.entrypoint?.nodes['1-quote-TASK']?.outgoingEdges?.[0]?.variableMutations).toEqual([
      { lhsName: 'amount', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT', targetType: 'INT' } },
    ]);
    expect(validateWfSpec(spec, catalog)).toEqual([]);
  });

  it('compares a cast value in a condition', () => {
    const spec = new Workflow('adult', (wf) => {
      const age = wf.declareStr('age');
      wf.doIf(wf.condition(age.castToInt(), 'GREATER_THAN_EQ', 18), () => wf.execute('greet', 'welcome'));
    }).compile();
    expect(firstTask(spec, { age: '42' }).input).toEqual(['welcome']);
    expect(firstTask(spec, { age: '12' }).input).toBeUndefined();
  });

  it('gives a typed task an expression of a type its input takes', () => {
    const charge = defineTask({ name: 'charge', inputVars: [{ name: 'cents', type: 'INT' }], returnType: 'STR' }, ({ cents }) => String(cents));
    const spec = new Workflow('typed', (wf) => {
      const cents = wf.declareStr('cents');
      wf.execute(charge, cents.castToInt());
    }).compile();
    expect(firstTask(spec, { cents: '5' }).input).toEqual([5]);
  });

  it('branches on wf.and of comparisons, casts and a BOOL variable, as a BOOL condition', () => {
    const spec = new Workflow('and-or', (wf) => {
      const age = wf.declareStr('age');
      const vip = wf.declareBool('vip');
      const name = wf.declareStr('name');
      wf.doIf(wf.or(wf.and(age.castToInt().isGreaterThanEq(18), vip), name.isEqualTo('Ada')), () => wf.execute('greet', 'welcome'));
    }).compile();
    const split = spec.threadSpecs.entrypoint?.nodes['1-nop-NOP'];
    expect(split?.outgoingEdges?.[0]?.condition).toEqual({
      type: 'EXPRESSION',
      lhs: {
        type: 'EXPRESSION',
        lhs: { type: 'EXPRESSION', lhs: { type: 'VARIABLE', variableName: 'age', targetType: 'INT' }, comparator: 'GREATER_THAN_EQ', rhs: { type: 'LITERAL', value: 18 } },
        operation: 'AND',
        rhs: { type: 'VARIABLE', variableName: 'vip' },
      },
      operation: 'OR',
      rhs: { type: 'EXPRESSION', lhs: { type: 'VARIABLE', variableName: 'name' }, comparator: 'EQUALS', rhs: { type: 'LITERAL', value: 'Ada' } },
    });
    expect(firstTask(spec, { age: '30', vip: true, name: 'Bob' }).input).toEqual(['welcome']);
    expect(firstTask(spec, { age: '30', vip: false, name: 'Bob' }).input).toBeUndefined();
    expect(firstTask(spec, { age: '3', vip: false, name: 'Ada' }).input).toEqual(['welcome']);
  });

  it('loops while a BOOL variable holds, and waits for a computed condition', () => {
    const spec = new Workflow('bool-loop', (wf) => {
      const more = wf.declareBool('more').withDefault(true);
      const count = wf.declareInt('count').withDefault(0);
      wf.doWhile(more, () => {
        wf.execute('greet', wf.format('round {0}', count));
        count.assign(wf.expr(count).add(1));
        more.assign(wf.expr(count).isLessThan(3));
      });
      wf.waitForCondition(wf.expr(count).pow(2).isEqualTo(9));
    }).compile();
    expect(validateWfSpec(spec, catalog)).toEqual([]);
    const split = spec.threadSpecs.entrypoint?.nodes['1-nop-NOP'];
    expect(split?.outgoingEdges?.[0]?.condition).toEqual({ type: 'VARIABLE', variableName: 'more' });
  });
});
