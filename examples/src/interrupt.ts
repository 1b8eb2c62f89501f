// An interrupt: while the order waits to be shipped, a 'qs-address-changed' event halts it, runs its handler (the
// event's content in INPUT) and lets it go on where it was.
//   node --import tsx examples/src/interrupt.ts
import { defineTask, Workflow } from '@gallop/sdk';
import type { Example } from './support.ts';
import { runWhenMain, startWorkers, waitForEnd, waitUntil } from './support.ts';

export const ship = defineTask(
  { name: 'qs-ship-to', inputVars: [{ name: 'address', type: 'STR' }], returnType: 'STR' },
  ({ address }) => `shipped to ${address}`,
);

export const workflow = new Workflow('qs-interrupt', (wf) => {
  const address = wf.declareStr('address').required();
  const changes = wf.declareInt('changes').withDefault(0);
  const shipment = wf.declareStr('shipment');
  wf.registerInterruptHandler(
    'qs-address-changed',
    (handler, newAddress) => {
      address.assign(newAddress);
      changes.add(1);
    },
    { inputType: 'STR' },
  );
  wf.waitForEvent('qs-ready-to-ship');
  shipment.assign(wf.execute(ship, address));
});

export const main: Example = async (client) => {
  const stop = await startWorkers(client, [ship]);
  try {
    await client.putExternalEventDef({ name: 'qs-address-changed' });
    await client.putExternalEventDef({ name: 'qs-ready-to-ship' });
    await workflow.register(client);
    const run = await client.runWf({ wfSpecName: 'qs-interrupt', variables: { address: '1 Old Road' } });
    await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: 'qs-address-changed', content: '2 New Street' });
    // The handler has run when its thread has completed; then the order may ship.
    await waitUntil(client, run.id, (r) => r.threadRuns.some((t) => t.threadSpecName === 'interrupt-qs-address-changed' && t.status === 'COMPLETED'));
    await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: 'qs-ready-to-ship' });
    return { wfRuns: [await waitForEnd(client, run.id)] };
  } finally {
    await stop();
  }
};

runWhenMain(import.meta.url, main);
