// A WorkflowEvent: the WfRun throws 'qs-order-accepted' as soon as it has checked the order, and a client waiting
// with awaitWorkflowEvent gets its content while the WfRun goes on.
//   node --import tsx examples/src/workflow-event.ts
import { defineTask, Workflow } from '@gallop/sdk';
import type { Example } from './support.ts';
import { runWhenMain, startWorkers, waitForEnd } from './support.ts';

export const check = defineTask(
  { name: 'qs-check-order', inputVars: [{ name: 'item', type: 'STR' }], returnType: 'JSON_OBJ' },
  ({ item }) => ({ item, inStock: true }),
);

export const workflow = new Workflow('qs-workflow-event', (wf) => {
  const item = wf.declareStr('item').required();
  const checked = wf.declareJsonObj('checked');
  checked.assign(wf.execute(check, item));
  wf.throwEvent('qs-order-accepted', checked);
  // The rest of the order takes a while; the caller need not wait for it.
  wf.sleepSeconds(1);
});

export const main: Example = async (client) => {
  const stop = await startWorkers(client, [check]);
  try {
    await client.putWorkflowEventDef({ name: 'qs-order-accepted' });
    await workflow.register(client);
    const run = await client.runWf({ wfSpecName: 'qs-workflow-event', variables: { item: 'saddle' } });
    const accepted = await client.awaitWorkflowEvent({ wfRunId: run.id, workflowEventDefNames: ['qs-order-accepted'], timeoutMs: 10_000 });
    const statusWhenAccepted = (await client.wfRun(run.id))?.status ?? null;
    return { wfRuns: [await waitForEnd(client, run.id)], extra: { event: accepted.content, statusWhenAccepted } };
  } finally {
    await stop();
  }
};

runWhenMain(import.meta.url, main);
