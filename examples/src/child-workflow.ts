// A child workflow: the order WfRun starts a payment WfRun (runWf), waits for it (waitForChildWf) and takes its
// output, which the child sets with complete(output).
//   node --import tsx examples/src/child-workflow.ts
import { defineTask, Workflow } from '@gallop/sdk';
import type { Example } from './support.ts';
import { runWhenMain, startWorkers, waitForEnd } from './support.ts';

export const charge = defineTask(
  { name: 'qs-charge-payment', inputVars: [{ name: 'amount', type: 'INT' }], returnType: 'STR' },
  ({ amount }) => `receipt-${amount}`,
);

export const payment = new Workflow('qs-payment', (wf) => {
  const amount = wf.declareInt('amount').required();
  const receipt = wf.declareStr('receipt');
  receipt.assign(wf.execute(charge, amount));
  wf.complete(receipt);
});

export const order = new Workflow('qs-order', (wf) => {
  const amount = wf.declareInt('amount').required();
  const receipt = wf.declareStr('receipt');
  const child = wf.runWf('qs-payment', { amount });
  receipt.assign(wf.waitForChildWf(child));
});

export const main: Example = async (client) => {
  const stop = await startWorkers(client, [charge]);
  try {
    // The child first: the parent's RUN_CHILD_WF looks its WfSpec up when it runs.
    await payment.register(client);
    await order.register(client);
    const run = await client.runWf({ wfSpecName: 'qs-order', variables: { amount: 99 } });
    const parent = await waitForEnd(client, run.id);
    const childId = parent.variables[Object.keys(parent.variables).find((name) => name.startsWith('child-')) ?? ''];
    return { wfRuns: [parent, await waitForEnd(client, String(childId))] };
  } finally {
    await stop();
  }
};

runWhenMain(import.meta.url, main);
