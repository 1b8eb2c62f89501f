// A user task: a person in the finance group approves an expense through a form (a UserTaskDef); the WfRun goes on
// with what they entered.
//   node --import tsx examples/src/user-task.ts
import { defineTask, Workflow } from '@gallop/sdk';
import type { Example } from './support.ts';
import { runWhenMain, startWorkers, waitForEnd } from './support.ts';

export const pay = defineTask(
  { name: 'qs-pay-expense', inputVars: [{ name: 'amount', type: 'INT' }], returnType: 'STR' },
  ({ amount }) => `paid ${amount}`,
);

export const workflow = new Workflow('qs-user-task', (wf) => {
  const amount = wf.declareInt('amount').required();
  const review = wf.declareJsonObj('review');
  const payment = wf.declareStr('payment').withDefault('not paid');
  const task = wf.assignUserTask('qs-approve-expense', { userGroup: 'finance' }).withNotes('Approve or reject this expense.');
  // Nobody deciding within a day cancels the task, which fails the node.
  wf.cancelUserTaskRunAfter(task, 86_400);
  review.assign(task);
  wf.doIf(wf.condition(review.jsonPath('$.approved'), 'EQUALS', true), (then) => payment.assign(then.execute(pay, amount)));
});

export const main: Example = async (client) => {
  const stop = await startWorkers(client, [pay]);
  try {
    await client.putUserTaskDef({
      name: 'qs-approve-expense',
      fields: [
        { name: 'approved', type: 'BOOL', displayName: 'Approved?', required: true },
        { name: 'comment', type: 'STR', displayName: 'Comment' },
      ],
    });
    await workflow.register(client);
    const run = await client.runWf({ wfSpecName: 'qs-user-task', variables: { amount: 120 } });

    // The finance inbox: the task waits for someone in the group.
    const inbox = await client.searchUserTaskRuns({ userGroup: 'finance', userTaskDefName: 'qs-approve-expense', status: 'UNASSIGNED' }, { first: 100 });
    const mine = inbox.items.find((task) => task.wfRunId === run.id);
    if (!mine) throw new Error(`No approval task for WfRun ${run.id} in the finance inbox.`);
    await client.completeUserTaskRun({ wfRunId: run.id, userTaskGuid: mine.userTaskGuid, userId: 'grace', results: { approved: true, comment: 'Fine.' } });
    return { wfRuns: [await waitForEnd(client, run.id)] };
  } finally {
    await stop();
  }
};

runWhenMain(import.meta.url, main);
