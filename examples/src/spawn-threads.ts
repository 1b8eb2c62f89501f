// Threads: one child thread per order (spawnThreadForEach) beside an audit thread (spawnThread); the parent waits
// for all of them. Children write the parent's variables.
//   node --import tsx examples/src/spawn-threads.ts
import { defineTask, Workflow } from '@gallop/sdk';
import type { Example } from './support.ts';
import { runWhenMain, startWorkers, waitForEnd } from './support.ts';

export const charge = defineTask(
  { name: 'qs-charge-order', inputVars: [{ name: 'order', type: 'JSON_OBJ' }], returnType: 'INT' },
  ({ order }) => Number(order?.amount ?? 0),
);

export const audit = defineTask({ name: 'qs-audit', inputVars: [{ name: 'count', type: 'INT' }], returnType: 'STR' }, ({ count }) => `${count} orders audited`);

export const workflow = new Workflow('qs-spawn-threads', (wf) => {
  const orders = wf.declareJsonArr('orders').required();
  const count = wf.declareInt('count').required();
  const total = wf.declareInt('total').withDefault(0);
  const report = wf.declareStr('report');
  const charges = wf.spawnThreadForEach(orders, 'charge-one', (child, order) => {
    total.add(child.execute(charge, order));
  });
  const auditor = wf.spawnThread('audit', (child) => {
    report.assign(child.execute(audit, count));
  });
  wf.waitForThreads(charges, auditor);
});

export const main: Example = async (client) => {
  const stop = await startWorkers(client, [charge, audit]);
  try {
    await workflow.register(client);
    const orders = [{ amount: 30 }, { amount: 12 }, { amount: 100 }];
    const run = await client.runWf({ wfSpecName: 'qs-spawn-threads', variables: { orders, count: orders.length } });
    return { wfRuns: [await waitForEnd(client, run.id)] };
  } finally {
    await stop();
  }
};

runWhenMain(import.meta.url, main);
