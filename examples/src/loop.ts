// A loop over a JSON_ARR: doWhile takes the first item, ships it and drops it, until the list is empty.
//   node --import tsx examples/src/loop.ts
import { defineTask, Workflow } from '@gallop/sdk';
import type { Example } from './support.ts';
import { runWhenMain, startWorkers, waitForEnd } from './support.ts';

export const ship = defineTask(
  { name: 'qs-ship-item', inputVars: [{ name: 'item', type: 'JSON_OBJ' }], returnType: 'INT' },
  ({ item }, ctx) => {
    ctx.log('shipping', item);
    return Number(item?.qty ?? 0);
  },
);

export const workflow = new Workflow('qs-loop', (wf) => {
  const items = wf.declareJsonArr('items').required();
  const shipped = wf.declareInt('shipped').withDefault(0);
  const rounds = wf.declareInt('rounds').withDefault(0);
  wf.doWhile(items.isNotEqualTo([]), (loop) => {
    shipped.add(loop.execute(ship, items.jsonPath('$[0]')));
    items.removeIndex(0);
    rounds.add(1);
  });
});

export const main: Example = async (client) => {
  const stop = await startWorkers(client, [ship]);
  try {
    await workflow.register(client);
    const items = [
      { sku: 'saddle', qty: 1 },
      { sku: 'horseshoe', qty: 4 },
      { sku: 'carrot', qty: 12 },
    ];
    const run = await client.runWf({ wfSpecName: 'qs-loop', variables: { items } });
    return { wfRuns: [await waitForEnd(client, run.id)] };
  } finally {
    await stop();
  }
};

runWhenMain(import.meta.url, main);
