import { fileURLToPath } from 'node:url';
import { Workflow } from '@gallop/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { liveSocket } from '../support/browser.ts';
import { setupBrowserTest } from '../support/browser-test.ts';
import { waitFor } from '../support/wait.ts';


// Issue 7's lists: TaskDefs with their queues, TaskRuns, ExternalEvents, the user-task inbox and WfRuns, each
// filtered from the URL, paged by cursor as the reader scrolls, with only the rows in view in the DOM.
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const suffix = Date.now().toString(36);
const queued = `ls-queued-${suffix}`;
const signal = `ls-signal-${suffix}`;
const approval = `ls-approval-${suffix}`;

describe('the lists', () => {
  const ctx = setupBrowserTest({ screenshots, viewport: { width: 1280, height: 900 } });

  beforeAll(async () => {
    const { client } = ctx;
    await client.putTaskDef({ name: queued, inputVars: [{ name: 'n', type: 'INT' }], returnType: 'STR' });
    await client.putExternalEventDef({ name: signal });
    await client.putUserTaskDef({ name: approval, fields: [{ name: 'approved', type: 'BOOL', displayName: 'Approved?', required: true }] });
  });

  it('shows a TaskDef’s queue, its workers, its waiting TaskRuns, and each one’s NodeRun on its WfRun page', async () => {
    const { page, client, server, browser } = ctx;
    const wfSpec = new Workflow(`ls-queue-${suffix}`, (wf) => void wf.execute(queued, wf.declareInt('n').required()));
    await wfSpec.register(client);
    const runs = [];
    for (let n = 0; n < 4; n++) runs.push(await client.runWf({ wfSpecName: wfSpec.name, variables: { n } }));
    // A worker holds one: it shows among the TaskDef's workers, and three wait.
    const [held] = await client.claimTaskRuns({ taskDefName: queued, workerId: 'ls-worker-1', waitMs: 5_000 });
    runs.splice(runs.findIndex((r) => r.id === held?.wfRunId), 1);

    // Filtered by name through the page's own filter: other tests' TaskDefs share the database.
    await page.goto(`${server.url}/#/task-defs`);
    await page.getByRole('searchbox', { name: 'Name starts with' }).fill(queued);
    await page.getByRole('form', { name: 'Filter TaskDefs' }).getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(new RegExp(`prefix=${queued}`));
    await expect.poll(() => page.getByTestId('task-defs-table').getByRole('row').count()).toBe(2);
    // The server writes which workers claim every few seconds: refresh until it shows.
    const workers = page.getByLabel(`1 worker claiming ${queued}: ls-worker-1`);
    await expect
      .poll(
        async () => {
          if ((await workers.count()) > 0) return true;
          await page.getByRole('button', { name: 'Refresh' }).click();
          return false;
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(true);
    const link = page.getByRole('link', { name: `3 TaskRuns of ${queued} waiting` });
    await link.click();
    await page.waitForURL(/#\/task-runs\?taskDefName=.*&status=TASK_SCHEDULED/);
    const rows = page.getByRole('table', { name: 'TaskRuns' }).getByRole('row');
    await expect.poll(() => rows.count()).toBe(4); // the heading and three TaskRuns
    expect((await rows.nth(1).innerText()).includes('Task scheduled')).toBe(true);
    await page.screenshot({ path: `${screenshots}task-runs.png`, fullPage: true });

    // A TaskRun links to its NodeRun on its WfRun's page.
    await rows.nth(1).getByRole('link').click();
    await page.getByTestId('node-run-details').waitFor();
    expect(await page.getByTestId('node-run-details').innerText()).toContain(queued);
    expect(runs.map((r) => r.id)).toContain(await page.getByTestId('wf-run-id').innerText());
    expect(browser.pageErrors).toEqual([]);
  });

  it('shows a TaskRun waiting out its retry back-off with when its next attempt runs, here and on its WfRun page', async () => {
    const { page, client, server, browser } = ctx;
    const retrying = `ls-retrying-${suffix}`;
    await client.putTaskDef({ name: retrying, returnType: 'STR' });
    const wfSpec = new Workflow(`ls-backoff-${suffix}`, (wf) => void wf.execute(retrying).withRetries(1).withExponentialBackoff({ baseIntervalMs: 3_600_000, multiplier: 2, maxDelayMs: 3_600_000 }));
    await wfSpec.register(client);
    const run = await client.runWf({ wfSpecName: wfSpec.name });
    const [claimed] = await client.claimTaskRuns({ taskDefName: retrying, workerId: 'ls-worker-2', waitMs: 5_000 });
    await client.reportTaskRun({ taskRunId: claimed!.taskRunId, attempt: 0, outcome: { status: 'ERROR', message: 'try again in an hour' } });
    const due = (await client.taskRun(claimed!.taskRunId))?.attempts[1]?.scheduleTime;
    // The reader's own locale and zone, as the page formats it.
    const dueText = await page.evaluate((at) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(at)), due!);

    await page.goto(`${server.url}/#/task-runs?taskDefName=${retrying}&status=TASK_PENDING`);
    const rows = page.getByRole('table', { name: 'TaskRuns' }).getByRole('row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(1).getByTestId('pending-attempt').innerText()).toBe(`Attempt 2 scheduled for ${dueText}`);
    expect(await rows.nth(1).innerText()).toContain('try again in an hour');

    // Its NodeRun on the WfRun page lists the pending attempt after the failed one, scheduled for the same time.
    await rows.nth(1).getByRole('link').click();
    const details = page.getByTestId('node-run-details');
    await details.waitFor();
    expect(await page.getByTestId('wf-run-id').innerText()).toBe(run.id);
    const pending = details.getByTestId('attempt-1');
    await expect.poll(() => pending.innerText()).toContain('Task pending');
    expect(await pending.innerText()).toContain(dueText);
    expect(browser.pageErrors).toEqual([]);
  });

  it('lists ExternalEvents by def and by whether a node took them', async () => {
    const { page, client, server, browser } = ctx;
    const wfSpec = new Workflow(`ls-events-${suffix}`, (wf) => void wf.waitForEvent(signal));
    await wfSpec.register(client);
    const waiting = await client.runWf({ wfSpecName: wfSpec.name });
    const other = await client.runWf({ wfSpecName: `ls-queue-${suffix}`, variables: { n: 9 } });
    await client.putExternalEvent({ wfRunId: waiting.id, externalEventDefName: signal, content: { taken: true } });
    await client.putExternalEvent({ wfRunId: other.id, externalEventDefName: signal, content: { taken: false } });
    await waitFor(async () => (await client.wfRun(waiting.id))?.status === 'COMPLETED', { what: 'the waiting WfRun to take its event' });

    await page.goto(`${server.url}/#/external-events?prefix=${signal}`);
    await page.getByRole('link', { name: signal }).click();
    const table = page.getByRole('table', { name: `ExternalEvents of ${signal}` });
    await expect.poll(() => table.getByRole('row').count()).toBe(3);
    await page.getByRole('combobox', { name: 'Claimed' }).selectOption('false');
    await page.waitForURL(/claimed=false/);
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    expect(await table.getByRole('row').nth(1).innerText()).toContain(other.id);
    await page.screenshot({ path: `${screenshots}external-events.png`, fullPage: true });
    expect(browser.pageErrors).toEqual([]);
  });

  it('is an inbox per group: a task opened from it is completed with the form its UserTaskDef gives', async () => {
    const { page, client, server, browser } = ctx;
    const group = `ops-${suffix}`;
    const wfSpec = new Workflow(`ls-inbox-${suffix}`, (wf) => void wf.assignUserTask(approval, { userGroup: group }));
    await wfSpec.register(client);
    const run = await client.runWf({ wfSpecName: wfSpec.name });

    await page.goto(`${server.url}/#/user-tasks?userGroup=${group}`);
    const table = page.getByRole('table', { name: 'User tasks' });
    await table.getByRole('link', { name: approval }).click();
    const form = page.getByRole('form', { name: `User task ${approval}` });
    await form.getByRole('combobox', { name: 'Approved?' }).selectOption('true');
    await form.getByRole('textbox', { name: 'User id' }).fill('lin');
    await page.screenshot({ path: `${screenshots}user-tasks.png`, fullPage: true });
    await form.getByRole('button', { name: 'Complete' }).click();
    // The task is read again once done: the form gives way to where it stands.
    await page.getByRole('status').getByText(`${approval} is done (lin): nothing left to do.`).waitFor();
    await waitFor(async () => (await client.wfRun(run.id))?.status === 'COMPLETED', { what: 'the WfRun to complete' });
    // The row reads the task again and shows it done.
    await table.locator('[data-status="DONE"]').waitFor();

    // Lin's own inbox, by the link on the row.
    await table.getByRole('link', { name: 'lin' }).click();
    await page.waitForURL(/userId=lin/);
    await page.getByText('The inbox of lin').waitFor();
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    expect(await table.getByRole('row').nth(1).innerText()).toContain(run.id);
    expect(browser.pageErrors).toEqual([]);
  });

  it('filters WfRuns by a variable’s value and by start time, from the URL, and shows new ones live', async () => {
    const { page, client, server, browser } = ctx;
    const wfSpec = new Workflow(`ls-search-${suffix}`, (wf) => {
      wf.declareStr('customer').searchable();
      wf.declareStr('note');
      wf.waitForEvent(signal);
    });
    await wfSpec.register(client);
    const before = new Date();
    const ada = await client.runWf({ wfSpecName: wfSpec.name, variables: { customer: 'ada' } });
    await client.runWf({ wfSpecName: wfSpec.name, variables: { customer: 'bob' } });

    await page.goto(`${server.url}/#/wf-runs?wfSpecName=${wfSpec.name}&variable=customer&value=ada`);
    const table = page.getByRole('table', { name: 'WfRuns' });
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    expect(await table.getByRole('row').nth(1).innerText()).toContain(ada.id);
    // The variable field suggests what can be searched by: the searchable variable, not the other one.
    const suggested = () => page.locator('#searchable-variables option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    await expect.poll(suggested).toEqual(['customer']);
    // A variable that is not searchable: the server says why, and the page shows it.
    await page.goto(`${server.url}/#/wf-runs?wfSpecName=${wfSpec.name}&variable=note&value=x`);
    await page.getByText("Variable 'note' is not searchable in WfSpec").waitFor();
    // Asking again the same way cannot help: no Retry.
    expect(await page.getByRole('button', { name: 'Retry' }).count()).toBe(0);

    // A time range that ends before the runs began finds none of them.
    const pad = (n: number) => String(n).padStart(2, '0');
    const local = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    await page.goto(`${server.url}/#/wf-runs?wfSpecName=${wfSpec.name}&to=${encodeURIComponent(local(new Date(before.getTime() - 60_000)))}`);
    await page.getByText('No WfRuns match this filter').waitFor();

    // The whole WfSpec: a WfRun started now comes in at the top, and its status changes in its row, live.
    await page.goto(`${server.url}/#/wf-runs?wfSpecName=${wfSpec.name}`);
    await expect.poll(() => table.getByRole('row').count()).toBe(3);
    await liveSocket(page);
    const fresh = await client.runWf({ wfSpecName: wfSpec.name, variables: { customer: 'cy' } });
    await table.getByRole('row').nth(1).getByText(fresh.id).waitFor();
    await client.putExternalEvent({ wfRunId: fresh.id, externalEventDefName: signal });
    await table.getByRole('row').nth(1).locator('[data-status="COMPLETED"]').waitFor();
    expect(browser.pageErrors).toEqual([]);
  });

  it('filters WfRuns by a child thread’s searchable variable, naming the thread, and changes their status live', async () => {
    const { page, client, server, browser } = ctx;
    const wfSpec = new Workflow(`ls-child-${suffix}`, (wf) => {
      const region = wf.declareStr('region');
      const child = wf.spawnThread(
        'ship',
        (t) => {
          t.declareStr('shipTo').searchable();
          t.waitForEvent(signal);
        },
        { shipTo: region },
      );
      wf.waitForThreads(child);
    });
    await wfSpec.register(client);
    const first = await client.runWf({ wfSpecName: wfSpec.name, variables: { region: 'eu' } });
    await client.runWf({ wfSpecName: wfSpec.name, variables: { region: 'us' } });
    const second = await client.runWf({ wfSpecName: wfSpec.name, variables: { region: 'eu' } });

    await page.goto(`${server.url}/#/wf-runs?wfSpecName=${wfSpec.name}&variable=shipTo&value=eu`);
    const table = page.getByRole('table', { name: 'WfRuns' });
    await expect.poll(() => table.getByRole('row').count()).toBe(3);
    const cells = async (n: number) => (await table.getByRole('row').nth(n).getByRole('cell').allInnerTexts()).slice(0, 2);
    expect([await cells(1), await cells(2)]).toEqual([
      [second.id, '1'],
      [first.id, '1'],
    ]);
    expect(await table.getByRole('columnheader').allInnerTexts()).toContain('Thread');
    const suggested = () => page.locator('#searchable-variables option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    await expect.poll(suggested).toEqual(['shipTo']);

    await liveSocket(page);
    await client.putExternalEvent({ wfRunId: second.id, externalEventDefName: signal });
    await table.getByRole('row').nth(1).locator('[data-status="COMPLETED"]').waitFor();

    // With a status as well: the WfRun still running.
    await page.goto(`${server.url}/#/wf-runs?wfSpecName=${wfSpec.name}&variable=shipTo&value=eu&status=RUNNING`);
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    expect(await cells(1)).toEqual([first.id, '1']);
    // Null is not a value to search for: the page says so instead of showing the API's refusal.
    await page.goto(`${server.url}/#/wf-runs?wfSpecName=${wfSpec.name}&variable=shipTo&value=null`);
    await page.getByRole('alert').getByText('A search needs a value other than null').waitFor();
    expect(browser.pageErrors).toEqual([]);
  });

  it('draws only the rows in view, and loads the next page as the reader scrolls to the end', async () => {
    const { page, client, server, browser } = ctx;
    const wfSpec = new Workflow(`ls-many-${suffix}`, (wf) => void wf.declareInt('i'));
    await wfSpec.register(client);
    const ids: string[] = [];
    for (let i = 0; i < 250; i++) ids.push((await client.runWf({ wfSpecName: wfSpec.name, variables: { i } })).id);

    await page.goto(`${server.url}/#/wf-runs?wfSpecName=${wfSpec.name}`);
    const table = page.getByRole('table', { name: 'WfRuns' });
    await table.getByRole('row').nth(1).waitFor();
    const drawn = await table.locator('tbody tr:not(.spacer)').count();
    expect(drawn).toBeGreaterThan(10);
    expect(drawn).toBeLessThan(60);
    // Scrolling to the end, page after page, reaches the oldest WfRun: all 250 are loaded, still few are drawn.
    await expect
      .poll(async () => {
        await page.mouse.wheel(0, 20_000);
        return page.getByText('250 WfRuns').count();
      }, { timeout: 30_000 })
      .toBe(1);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await table.getByRole('link', { name: ids[0] }).waitFor();
    expect(await table.locator('tbody tr:not(.spacer)').count()).toBeLessThan(60);
    expect(browser.pageErrors).toEqual([]);
  });
});
