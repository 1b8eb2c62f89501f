// Failure handling: a task throws a TaskException (a business failure, never retried); handleException catches it
// by name and runs a handler thread, after which the WfRun goes on past the failed node.
//   node --import tsx examples/src/exception-handler.ts
import { defineTask, TaskException, Workflow } from '@gallop/sdk';
import type { Example } from './support.ts';
import { runWhenMain, startWorkers, waitForEnd } from './support.ts';

export const chargeCard = defineTask(
  { name: 'qs-charge-card', inputVars: [{ name: 'card', type: 'STR' }], returnType: 'STR' },
  ({ card }) => {
    if (card?.startsWith('4000')) throw new TaskException('card-declined', `Card ${card} was declined.`, { card });
    return `charged ${card}`;
  },
);

export const notifyCustomer = defineTask(
  { name: 'qs-notify-customer', inputVars: [{ name: 'card', type: 'STR' }], returnType: 'STR' },
  ({ card }) => `asked the owner of ${card} for another card`,
);

export const workflow = new Workflow('qs-exception-handler', (wf) => {
  const card = wf.declareStr('card').required();
  const outcome = wf.declareStr('outcome');
  const charged = wf.execute(chargeCard, card).withRetries(2);
  outcome.assign(charged);
  wf.handleException(charged, (handler) => outcome.assign(handler.execute(notifyCustomer, card)), 'card-declined');
});

export const main: Example = async (client) => {
  const stop = await startWorkers(client, [chargeCard, notifyCustomer]);
  try {
    await workflow.register(client);
    const runs = await Promise.all(['4242 4242', '4000 0002'].map((card) => client.runWf({ wfSpecName: 'qs-exception-handler', variables: { card } })));
    return { wfRuns: await Promise.all(runs.map((run) => waitForEnd(client, run.id))) };
  } finally {
    await stop();
  }
};

runWhenMain(import.meta.url, main);
