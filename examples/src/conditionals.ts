// Conditionals: doIf, doElseIf and doElse route an expense by its amount.
//   node --import tsx examples/src/conditionals.ts
import { defineTask, Workflow } from '@gallop/sdk';
import type { Example } from './support.ts';
import { runWhenMain, startWorkers, waitForEnd } from './support.ts';

export const managerReview = defineTask(
  { name: 'qs-manager-review', inputVars: [{ name: 'amount', type: 'INT' }], returnType: 'STR' },
  ({ amount }) => `manager approved ${amount}`,
);

export const autoReview = defineTask(
  { name: 'qs-auto-review', inputVars: [{ name: 'amount', type: 'INT' }], returnType: 'STR' },
  ({ amount }) => `rules approved ${amount}`,
);

export const workflow = new Workflow('qs-conditionals', (wf) => {
  const amount = wf.declareInt('amount').required();
  const decision = wf.declareStr('decision');
  wf.doIf(amount.isGreaterThan(1_000), (then) => decision.assign(then.execute(managerReview, amount)))
    .doElseIf(amount.isGreaterThan(100), (then) => decision.assign(then.execute(autoReview, amount)))
    .doElse(() => decision.assign('approved without review'));
});

export const main: Example = async (client) => {
  const stop = await startWorkers(client, [managerReview, autoReview]);
  try {
    await workflow.register(client);
    const runs = await Promise.all([5_000, 500, 50].map((amount) => client.runWf({ wfSpecName: 'qs-conditionals', variables: { amount } })));
    return { wfRuns: await Promise.all(runs.map((run) => waitForEnd(client, run.id))) };
  } finally {
    await stop();
  }
};

runWhenMain(import.meta.url, main);
