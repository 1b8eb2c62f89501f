// Type-level tests, checked by `npm run typecheck` (tsc -b) and never run: tsc fails when a `@ts-expect-error` line
// below stops being an error, so each one pins a mistake the builder's types must keep catching.
import { expectTypeOf } from 'vitest';
import type { TaskContext } from '../worker/task-context.ts';
import { defineTask } from '../task.ts';
import type { NodeOutput } from './variable.ts';
import { Workflow } from './workflow.ts';
import type { TaskNodeOutput } from './outputs.ts';

const charge = defineTask(
  { name: 'charge', inputVars: [{ name: 'amount', type: 'INT' }, { name: 'card', type: 'STR' }], returnType: 'STR' },
  ({ amount, card }) => {
    expectTypeOf(amount).toEqualTypeOf<number | null>();
    expectTypeOf(card).toEqualTypeOf<string | null>();
    return `${card}:${amount}`;
  },
);

const notify = defineTask({ name: 'notify', inputVars: [{ name: 'to', type: 'STR' }] }, (_input, ctx: TaskContext) => {
  ctx.log('sent');
});

// @ts-expect-error a task whose TaskDef returns a STR must not return a number
defineTask({ name: 'bad-return', inputVars: [], returnType: 'STR' }, () => 42);

// @ts-expect-error an input the TaskDef does not declare
defineTask({ name: 'bad-input', inputVars: [{ name: 'a', type: 'INT' }] }, ({ b }) => void b);

export const checked = new Workflow('typed', (wf) => {
  const amount = wf.declareInt('amount');
  const card = wf.declareStr('card');
  const receipt = wf.declareStr('receipt');
  const count = wf.declareInt('count');
  const flags = wf.declareJsonArr('flags');
  const ok = wf.declareBool('ok');

  const charged = wf.execute(charge, amount, card);
  expectTypeOf(charged).toEqualTypeOf<TaskNodeOutput<'STR'>>();
  receipt.assign(charged);
  wf.execute(charge, 10, 'visa');
  // @ts-expect-error the inputs are in the TaskDef's order: INT, then STR
  wf.execute(charge, card, amount);
  // @ts-expect-error one input too few
  wf.execute(charge, 10);
  // @ts-expect-error a STR output does not fit an INT variable
  count.assign(wf.execute(charge, 1, 'visa'));
  wf.execute(notify, 'ada@example.com');
  // An earlier node's output is a value of its type wherever one goes (LittleHorse's node_output).
  wf.execute(charge, 10, charged);
  wf.execute(notify, wf.format('receipt {0}', charged));
  // @ts-expect-error a STR output does not fit an INT input
  wf.execute(charge, charged, 'visa');
  // An untyped task's output fits anything.
  expectTypeOf(wf.execute('anything')).toEqualTypeOf<TaskNodeOutput>();
  expectTypeOf<TaskNodeOutput>().toExtend<NodeOutput>();

  // Casts and format strings are typed by what they make.
  wf.execute(charge, card.castToInt(), card);
  wf.execute(charge, amount, wf.format('{0}', amount));
  // @ts-expect-error a value cast to BOOL does not fit an INT input
  wf.execute(charge, card.castToBool(), card);
  // @ts-expect-error a format string is a STR, not an INT
  count.assign(wf.format('{0}', amount));
  count.assign(card.castToInt());
  count.assign(wf.expr(count).add(1));
  receipt.assign(wf.expr(amount).multiply(2));
  count.assign(wf.execute(charge, 1, 'visa').castToInt());

  // Conditions: comparisons, BOOL expressions and BOOL variables.
  wf.doIf(ok, () => undefined);
  wf.doIf(wf.and(amount.isGreaterThan(1), ok), () => undefined);
  wf.doWhile(card.castToInt().isLessThan(10), () => wf.execute(notify, card));
  // @ts-expect-error a STR variable is not a condition
  wf.doIf(card, () => undefined);
  // @ts-expect-error an arithmetic expression is not a condition
  wf.waitForCondition(wf.expr(amount).add(1));

  count.assign(3);
  count.assign(null);
  // @ts-expect-error an INT variable holds numbers
  count.assign('three');
  // @ts-expect-error a STR variable is not an INT
  count.assign(card);
  count.add(1);
  wf.mutate(count, 'MULTIPLY', 2);
  // @ts-expect-error REMOVE_KEY is for JSON_OBJ variables
  wf.mutate(count, 'REMOVE_KEY', 'x');
  // @ts-expect-error SUBTRACT takes a number
  wf.mutate(count, 'SUBTRACT', 'one');
  // @ts-expect-error SUBTRACT takes a number variable
  wf.mutate(count, 'SUBTRACT', card);
  // @ts-expect-error ADD to an INT takes a number, not a STR task output
  wf.mutate(count, 'ADD', wf.execute(charge, 1, 'visa'));
  // @ts-expect-error REMOVE_INDEX takes an INT variable
  wf.mutate(flags, 'REMOVE_INDEX', card);
  wf.mutate(count, 'ADD', amount);
  wf.mutate(flags, 'REMOVE_INDEX', count);
  // @ts-expect-error a BOOL cannot be added to
  ok.add(1);
  flags.add('urgent');
  // @ts-expect-error an INT is added numbers only
  count.add('x');
  // @ts-expect-error a STR task output is not a number to add
  count.add(wf.execute(charge, 1, 'visa'));
  // @ts-expect-error EXTEND of a JSON_ARR takes an array
  flags.extend('a');
  // An INT variable fits a DOUBLE input, as the engine allows.
  wf.execute(defineTask({ name: 'scale', inputVars: [{ name: 'x', type: 'DOUBLE' }] }, () => {}), amount);
  flags.extend(['a', 'b']);
  // @ts-expect-error EXTEND of a JSON_ARR takes an array
  wf.mutate(flags, 'EXTEND', 'a');
  // @ts-expect-error removeKey is for JSON_OBJ variables
  flags.removeKey('a');

  wf.doIf(amount.isGreaterThan(100), () => ok.assign(true));
  wf.doIf(wf.condition(amount, 'LESS_THAN', count), () => ok.assign(false));
  // @ts-expect-error an INT is not compared with a STR
  amount.isGreaterThan('100');
  // @ts-expect-error an INT is not compared with a STR variable
  wf.condition(amount, 'EQUALS', card);
  wf.doIf(card.isIn(flags), () => ok.assign(true));
  // @ts-expect-error IN needs a STR, JSON_ARR or JSON_OBJ on the right
  amount.isIn(5);

  // @ts-expect-error sleepSeconds takes an INT variable
  wf.sleepSeconds(card);
  wf.sleepSeconds(count);
  wf.sleepUntil(card);
  wf.sleepUntil('2026-12-24T18:00:00Z');
  // @ts-expect-error sleepUntil takes a time, not a flag
  wf.sleepUntil(ok);
});

expectTypeOf(charge.fn).returns.toEqualTypeOf<string | null | Promise<string | null>>();
expectTypeOf(notify.fn).returns.toEqualTypeOf<void | Promise<void>>();
