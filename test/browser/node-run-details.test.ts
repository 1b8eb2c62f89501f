import { fileURLToPath } from 'node:url';
import { TaskWorker, Workflow } from '@gallop/sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusIs } from '../support/browser.ts';
import { setupBrowserTest } from '../support/browser-test.ts';
import { waitFor } from '../support/wait.ts';

// Issue 7: a NodeRun's details (TaskRun attempts with their logs, the ExternalEvent taken, the UserTaskRun's
// history, the child WfRun as a link) and the edges' conditions with why they hold, as a real WfRun makes them.
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const suffix = Date.now().toString(36);
const charge = `nd-charge-${suffix}`;
const approved = `nd-approved-${suffix}`;
const review = `nd-review-${suffix}`;
const childName = `nd-child-${suffix}`;

const nodeOf = (page: Page, type: string) => page.locator(`[data-testid^="node-"][data-testid$="-${type}"]`).first();

describe('NodeRun details and edge conditions on the WfRun page', () => {
  const ctx = setupBrowserTest({ screenshots, viewport: { width: 1280, height: 1600 } });
  let worker: TaskWorker;
  const failed = new Set<string>();

  beforeAll(async () => {
    const { client } = ctx;
    await client.putTaskDef({ name: charge, inputVars: [{ name: 'amount', type: 'INT' }], returnType: 'STR' });
    await client.putExternalEventDef({ name: approved });
    await client.putUserTaskDef({ name: review, fields: [{ name: 'ok', type: 'BOOL', required: true }] });
    await new Workflow(childName, (wf) => void wf.declareStr('note')).register(client);
    // The first attempt of each WfRun fails after a log line; the retry logs again and succeeds.
    worker = new TaskWorker({
      client,
      taskDefName: charge,
      pollWaitMs: 1_000,
      fn: (input, ctx) => {
        ctx.log('charging', input.amount);
        if (!failed.has(ctx.wfRunId)) {
          failed.add(ctx.wfRunId);
          throw new Error('card network down');
        }
        return `receipt-${String(input.amount)}`;
      },
    });
    void worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
  });

  it('shows each kind of NodeRun with what happened in it, and a deep link reopens it', async () => {
    const { page, client, server, browser } = ctx;
    const wfSpec = new Workflow(`nd-flow-${suffix}`, (wf) => {
      const amount = wf.declareInt('amount').required();
      wf.execute(charge, amount).withRetries(1);
      wf.doIf(wf.condition(amount, 'GREATER_THAN', 100), (t) => void t.waitForEvent(approved));
      wf.assignUserTask(review, { userGroup: 'finance' });
      wf.waitForChildWf(wf.runWf(childName, { note: 'from parent' }));
    });
    await wfSpec.register(client);
    const run = await client.runWf({ wfSpecName: wfSpec.name, variables: { amount: 150 } });
    await page.goto(`${server.url}/#/wf-runs/${run.id}`);

    // The condition is read with the WfRun's own variables: 150 > 100 holds, so the WfRun waits for the event.
    await page.locator('[data-testid$="-EXTERNAL_EVENT"][data-status="RUNNING"]').waitFor();
    const conditions = page.getByRole('list', { name: 'Edge conditions at this moment' });
    await conditions.getByText('amount (150) > 100: holds').waitFor();

    // The task node, clicked in the graph: both attempts, the failure, the output and each attempt's log.
    await nodeOf(page, 'TASK').click();
    const details = page.getByTestId('node-run-details');
    await details.getByTestId('node-run-status').and(page.locator('[data-status="COMPLETED"]')).waitFor();
    const attempts = details.getByRole('list', { name: 'Attempts' }).getByRole('listitem');
    expect(await attempts.count()).toBe(2);
    await expect.poll(() => attempts.nth(0).innerText()).toContain('card network down');
    expect(await details.getByRole('figure', { name: 'Log of attempt 1' }).locator('pre').innerText()).toBe('charging 150');
    expect(await details.getByRole('figure', { name: 'Log of attempt 2' }).locator('pre').innerText()).toBe('charging 150');
    expect(await details.getByTestId('attempt-output-1').innerText()).toBe('"receipt-150"');
    await expect.poll(() => page.url()).toMatch(/node=0%2F1|node=0\/1/);

    // The ExternalEvent the node took, with its content.
    await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: approved, content: { by: 'ops' } });
    await page.locator('[data-testid$="-USER_TASK"][data-status="RUNNING"]').waitFor();
    // From the keyboard: a graph node takes focus, and Enter opens it.
    await page.getByRole('group', { name: /^EXTERNAL_EVENT node / }).focus();
    await page.keyboard.press('Enter');
    expect(JSON.parse(await details.getByTestId('external-event-content').innerText())).toEqual({ by: 'ops' });

    // The UserTaskRun's history as its events tell it.
    const [task] = (await client.searchUserTaskRuns({ userTaskDefName: review })).items;
    expect(task).toBeDefined();
    await client.assignUserTaskRun({ wfRunId: run.id, userTaskGuid: task!.userTaskGuid, userId: 'ada' });
    await client.completeUserTaskRun({ wfRunId: run.id, userTaskGuid: task!.userTaskGuid, userId: 'ada', results: { ok: true } });
    await statusIs(page, 'COMPLETED');
    await nodeOf(page, 'USER_TASK').click();
    const history = details.getByRole('list', { name: 'History of the UserTaskRun' }).getByRole('listitem');
    await expect.poll(() => history.allInnerTexts()).toHaveLength(3);
    const lines = await history.allInnerTexts();
    expect(lines[0]).toMatch(/created in finance/);
    expect(lines[1]).toMatch(/assigned to ada.*\(assign\)/);
    expect(lines[2]).toMatch(/completed by ada/);

    // The child WfRun, as a link that opens its page.
    await nodeOf(page, 'RUN_CHILD_WF').click();
    const child = details.getByTestId('child-wf-run');
    const childId = await child.innerText();
    expect((await client.wfRun(childId))?.wfSpecName).toBe(childName);
    await page.screenshot({ path: `${screenshots}node-run-details.png`, fullPage: true });

    // A reload of the URL reopens the same NodeRun: the page writes a NodeRun it opens into its URL at once (only the
    // timeline's moment waits for the view to rest).
    const title = await page.getByRole('heading', { name: /^NodeRun \d+\/\d+/ }).innerText();
    const node = /^NodeRun (\d+\/\d+)/.exec(title)?.[1];
    expect(new URLSearchParams(page.url().split('?')[1]).get('node')).toBe(node);
    await page.reload();
    await page.getByRole('heading', { name: title }).waitFor();
    await child.click();
    await page.getByTestId('wf-run-id').getByText(childId).waitFor();
    expect(browser.pageErrors).toEqual([]);
  });

  it('shows a NodeRun as it was at the moment the timeline shows, and the conditions of that moment', async () => {
    const { page, client, server, browser } = ctx;
    const wfSpec = new Workflow(`nd-moment-${suffix}`, (wf) => {
      const amount = wf.declareInt('amount').required();
      wf.execute(charge, amount).withRetries(1);
      wf.doIf(wf.condition(amount, 'GREATER_THAN', 100), (t) => void t.waitForEvent(approved));
    });
    await wfSpec.register(client);
    const run = await client.runWf({ wfSpecName: wfSpec.name, variables: { amount: 40 } });
    await waitFor(async () => (await client.wfRun(run.id))?.status === 'COMPLETED', { what: 'the WfRun to complete' });
    const { wfRun } = await client.request<{ wfRun: { events: { event: { type: string } }[] } }>('query($id: ID!) { wfRun(id: $id) { events { event } } }', { id: run.id });
    const firstFailure = wfRun.events.findIndex((e) => e.event.type === 'TaskAttemptFailed');
    expect(firstFailure).toBeGreaterThan(0);

    await page.goto(`${server.url}/#/wf-runs/${run.id}?node=0%2F1&at=${firstFailure + 1}`);
    const details = page.getByTestId('node-run-details');
    // At that moment only the first attempt has ended, and 40 > 100 does not hold.
    await details.getByText('card network down').waitFor();
    expect(await details.getByTestId('attempt-output-1').count()).toBe(0);
    await page.getByRole('list', { name: 'Edge conditions at this moment' }).getByText('amount (40) > 100: does not hold').waitFor();
    await page.getByRole('button', { name: 'Back to now' }).click();
    await details.getByTestId('attempt-output-1').waitFor();
    expect(browser.pageErrors).toEqual([]);
  });

  it("reads a finished WfRun's conditions on a node output with the output its events carry", async () => {
    const { page, client, server, browser } = ctx;
    const wfSpec = new Workflow(`nd-output-${suffix}`, (wf) => {
      const amount = wf.declareInt('amount').required();
      const note = wf.declareStr('note');
      const receipt = wf.execute(charge, amount).withRetries(1);
      wf.doIf(wf.condition('receipt-150', 'EQUALS', receipt), () => void note.assign('paid'));
    });
    await wfSpec.register(client);
    const run = await client.runWf({ wfSpecName: wfSpec.name, variables: { amount: 150 } });
    await waitFor(async () => (await client.wfRun(run.id))?.status === 'COMPLETED', { what: 'the WfRun to complete' });

    await page.goto(`${server.url}/#/wf-runs/${run.id}`);
    await statusIs(page, 'COMPLETED');
    // The thread has ended and its state kept no outputs; the events did, so the verdict is the one the WfRun reached.
    const conditions = page.getByRole('list', { name: 'Edge conditions at this moment' });
    const taskNode = (await client.wfRun(run.id))!.nodeRuns.find((n) => n.threadRunNumber === 0 && n.nodeType === 'TASK')!.nodeName;
    await conditions.getByText(`"receipt-150" == output('${taskNode}') ("receipt-150"): holds`, { exact: true }).waitFor();
    expect(await conditions.getByText(/cannot be evaluated/).count()).toBe(0);
    await page.screenshot({ path: `${screenshots}node-run-output-condition.png`, fullPage: true });

    // Back before the task completed: no output yet, and the page says so.
    const { wfRun } = await client.request<{ wfRun: { events: { event: { type: string } }[] } }>('query($id: ID!) { wfRun(id: $id) { events { event } } }', { id: run.id });
    const taskStarted = wfRun.events.findIndex((e) => e.event.type === 'TaskRunScheduled');
    await page.goto(`${server.url}/#/wf-runs/${run.id}?at=${taskStarted + 1}`);
    await conditions.getByText(`"receipt-150" == output('${taskNode}') (not set): cannot be evaluated: node '${taskNode}' has no output yet`, { exact: true }).waitFor();
    expect(browser.pageErrors).toEqual([]);
  });

  it('names the TaskDef of a TASK NodeRun, says when it was deleted since, and then leads to none of its pages', async () => {
    const { page, client, server, browser } = ctx;
    const gone = `nd-gone-${suffix}`;
    await client.putTaskDef({ name: gone, inputVars: [], returnType: 'STR' });
    const wfSpec = new Workflow(`nd-gone-flow-${suffix}`, (wf) => void wf.execute(gone));
    await wfSpec.register(client);
    const details = page.getByTestId('node-run-details');
    const taskDef = details.getByTestId('node-run-task-def');
    const otherRuns = details.getByRole('link', { name: `Other TaskRuns of ${gone}` });

    // No worker runs it: the TaskRun waits, made while the TaskDef was there.
    const before = await client.runWf({ wfSpecName: wfSpec.name });
    await page.goto(`${server.url}/#/wf-runs/${before.id}?node=0%2F1`);
    await details.getByRole('heading', { name: `TaskRun ${gone}` }).waitFor();
    await otherRuns.waitFor();
    expect(await taskDef.innerText()).toBe(gone);

    // Deleted: a WfRun started now fails the node with TASK_ERROR and makes no TaskRun; the node still names it.
    await client.deleteTaskDef(gone);
    const after = await client.runWf({ wfSpecName: wfSpec.name });
    await waitFor(async () => (await client.wfRun(after.id))?.status === 'ERROR', { what: 'the WfRun to fail' });
    await page.goto(`${server.url}/#/wf-runs/${after.id}?node=0%2F1`);
    await details.getByText(`TaskDef '${gone}' is not registered.`).waitFor();
    await expect.poll(() => taskDef.innerText()).toBe(`${gone} (deleted)`);

    // The TaskRun made before: named as it was, with no way to the deleted TaskDef's TaskRuns.
    await page.goto(`${server.url}/#/wf-runs/${before.id}?node=0%2F1`);
    await details.getByRole('heading', { name: `TaskRun ${gone}` }).waitFor();
    await expect.poll(() => taskDef.innerText()).toBe(`${gone} (deleted)`);
    expect(await otherRuns.count()).toBe(0);
    await page.screenshot({ path: `${screenshots}node-run-details-deleted-task-def.png`, fullPage: true });
    // Its TaskRuns, reached by address: listed, with a word that the TaskDef is gone.
    await page.goto(`${server.url}/#/task-runs?taskDefName=${gone}`);
    await page.getByTestId('task-runs-table').getByRole('link', { name: `${before.id}/0-1` }).waitFor();
    expect(await page.getByTestId('task-def-gone').innerText()).toBe(`No TaskDef named ${gone} is registered now: it was deleted, and these TaskRuns were made of it.`);
    // A status in the address that TaskRuns do not have (a NodeRun's): said so, and every status listed.
    await page.goto(`${server.url}/#/task-runs?taskDefName=${gone}&status=RUNNING`);
    await page.getByTestId('task-runs-table').getByRole('link', { name: `${before.id}/0-1` }).waitFor();
    expect(await page.getByTestId('unknown-status').innerText()).toBe('“RUNNING” is not a TaskRun status; showing every status.');

    // Its name registered again: another TaskDef, which the NodeRun did not run; its TaskRuns are there to open.
    await client.putTaskDef({ name: gone, inputVars: [{ name: 'other', type: 'INT' }], returnType: 'STR' });
    await page.goto(`${server.url}/#/wf-runs/${before.id}?node=0%2F1`);
    await expect.poll(() => taskDef.innerText()).toBe(`${gone} (deleted; its name was registered again since)`);
    await otherRuns.waitFor();
    await otherRuns.click();
    await page.getByTestId('task-runs-table').waitFor();
    expect(await page.getByTestId('task-def-gone').count()).toBe(0);
    expect(browser.pageErrors).toEqual([]);
  });
});
