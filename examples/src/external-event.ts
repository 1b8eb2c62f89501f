// An ExternalEvent with a timeout: the WfRun waits for a payment for 2 seconds. One WfRun gets it; the other times
// out, and a handler for the ERROR TIMEOUT marks it expired.
//   node --import tsx examples/src/external-event.ts
import { Workflow } from '@gallop/sdk';
import type { Example } from './support.ts';
import { runWhenMain, waitForEnd, waitUntil } from './support.ts';

export const workflow = new Workflow('qs-external-event', (wf) => {
  const status = wf.declareStr('status').withDefault('waiting');
  const payment = wf.declareJsonObj('payment');
  const paid = wf.waitForEvent('qs-payment-received', { timeoutSeconds: 2 });
  // Taken with the event; skipped when the node fails and its handler runs instead.
  payment.assign(paid);
  status.assign('paid');
  wf.handleError(paid, () => status.assign('expired'), 'TIMEOUT');
});

export const main: Example = async (client) => {
  await client.putExternalEventDef({ name: 'qs-payment-received' });
  await workflow.register(client);
  const [payer, forgetful] = await Promise.all([
    client.runWf({ wfSpecName: 'qs-external-event' }),
    client.runWf({ wfSpecName: 'qs-external-event' }),
  ]);
  await waitUntil(client, payer.id, (run) => run.nodeRuns.some((n) => n.nodeType === 'EXTERNAL_EVENT'));
  await client.putExternalEvent({ wfRunId: payer.id, externalEventDefName: 'qs-payment-received', content: { amount: 42, currency: 'EUR' } });
  return { wfRuns: [await waitForEnd(client, payer.id), await waitForEnd(client, forgetful.id)] };
};

runWhenMain(import.meta.url, main);
