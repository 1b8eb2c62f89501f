import { fileURLToPath } from 'node:url';
import { TaskWorker, Workflow } from '@gallop/sdk';
import type { NodeRunInfo } from '@gallop/sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveSocket, oneLine, rows, unnamedRoles } from '../support/browser.ts';
import { setupBrowserTest } from '../support/browser-test.ts';
import { waitFor } from '../support/wait.ts';

// The NodeRuns page (LittleHorse SearchNodeRun) against a real server: what failed lately, with its error, and what
// waits for an ExternalEventDef, each row opening its NodeRun on the WfRun page, the search kept in the URL.
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const suffix = Date.now().toString(36);
const flaky = `nr-flaky-${suffix}`;
const gone = `nr-gone-${suffix}`;
const gate = `nr-gate-${suffix}`;
const awaited = `nr-awaited-${suffix}`;
const elsewhere = `nr-elsewhere-${suffix}`;

/** The row of one WfRun's NodeRun, found by the WfRun's link. */
const rowOf = (page: Page, wfRunId: string) => rows(page, 'node-runs-table').filter({ has: page.getByRole('link', { name: wfRunId, exact: true }) });

describe('the NodeRuns page', () => {
  // Tall: the ERROR view has no time bound, and on a shared PostgreSQL NodeRuns failing in other files meanwhile
  // come above this file's; a window of some 80 drawn rows keeps this file's in reach.
  const ctx = setupBrowserTest({ screenshots, viewport: { width: 1280, height: 2400 } });
  let worker: TaskWorker;

  beforeAll(async () => {
    const { client } = ctx;
    await client.putTaskDef({ name: flaky });
    await client.putTaskDef({ name: gone });
    for (const name of [gate, awaited, elsewhere]) await client.putExternalEventDef({ name });
    // Every attempt fails, and the node has no retries: its NodeRun ends in ERROR with the worker's message.
    worker = new TaskWorker({
      client,
      taskDefName: flaky,
      pollWaitMs: 1_000,
      fn: () => {
        throw new Error('payment gateway down');
      },
    });
    void worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
  });

  /** Resolves once the server has the WfRun in `status`. */
  const settled = (id: string, status: string) => waitFor(async () => (await ctx.client.wfRun(id))?.status === status, { what: `WfRun ${id} in ${status}` });

  it('lists what failed with its error, and what waits for an ExternalEventDef, each opening its NodeRun', async () => {
    const { page, client, server, browser } = ctx;
    const charge = new Workflow(`nr-charge-${suffix}`, (wf) => void wf.execute(flaky));
    const later = new Workflow(`nr-later-${suffix}`, (wf) => {
      wf.waitForEvent(gate);
      wf.execute(gone);
    });
    const waits = new Workflow(`nr-waits-${suffix}`, (wf) => void wf.waitForEvent(awaited));
    const idles = new Workflow(`nr-idles-${suffix}`, (wf) => void wf.waitForEvent(elsewhere));
    for (const spec of [charge, later, waits, idles]) await spec.register(client);

    // Two failures: a worker that throws, and a TaskDef deleted before its node was reached.
    const thrown = await client.runWf({ wfSpecName: charge.name });
    const orphaned = await client.runWf({ wfSpecName: later.name });
    await client.deleteTaskDef(gone);
    await client.putExternalEvent({ wfRunId: orphaned.id, externalEventDefName: gate, content: 'go' });
    // Three WfRuns wait for `awaited`; one is then sent it. A fourth waits for another def.
    const answered = await client.runWf({ wfSpecName: waits.name });
    const older = await client.runWf({ wfSpecName: waits.name });
    const newer = await client.runWf({ wfSpecName: waits.name });
    const waiting = [answered, older, newer];
    const idle = await client.runWf({ wfSpecName: idles.name });
    await client.putExternalEvent({ wfRunId: answered.id, externalEventDefName: awaited, content: 'yes' });
    await Promise.all([settled(thrown.id, 'ERROR'), settled(orphaned.id, 'ERROR'), settled(answered.id, 'COMPLETED')]);

    // What the server says failed, to compare the page with.
    const failedNodes = (await client.searchNodeRuns({ status: 'ERROR' }, { first: 500 })).items;
    const failedOf = (id: string) => failedNodes.find((n) => n.wfRunId === id) as NodeRunInfo;
    expect(failedOf(thrown.id).errorMessage).toContain('payment gateway down');
    expect(failedOf(orphaned.id).errorMessage).toContain(`TaskDef '${gone}' is not registered`);

    // From the main navigation: ERROR by default, "what failed lately".
    await page.goto(`${server.url}/#/wf-runs`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'NodeRuns', exact: true }).click();
    await page.waitForURL(/#\/node-runs$/);
    expect(await page.getByRole('navigation', { name: 'Main' }).locator('[aria-current="page"]').innerText()).toBe('NodeRuns');
    await rowOf(page, thrown.id).waitFor();
    await rowOf(page, orphaned.id).waitFor();
    expect(await page.getByRole('combobox', { name: 'Status' }).inputValue()).toBe('ERROR');
    expect(await page.getByTestId('node-runs-search').innerText()).toBe('NodeRuns in status Error, newest arrival first.');
    const headings = await page.getByTestId('node-runs-table').locator('thead th').allInnerTexts();
    expect(headings).toEqual(['WfRun', 'Node', 'Type', 'Status', 'Arrived', 'Runs or waits for', 'Error']);
    const year = String(new Date(failedOf(thrown.id).arrivalTime).getFullYear());
    const node = failedOf(thrown.id);
    const thrownRow = await oneLine(rowOf(page, thrown.id));
    expect(thrownRow).toContain(`${node.threadRunNumber}/${node.position} ${node.nodeName} TASK Error`);
    expect(thrownRow).toContain(year);
    expect(thrownRow).toContain(`TaskDef ${flaky}`);
    expect(await rowOf(page, thrown.id).locator('td').last().innerText()).toBe(failedOf(thrown.id).errorMessage);
    expect(await rowOf(page, orphaned.id).locator('td').last().innerText()).toBe(failedOf(orphaned.id).errorMessage);
    // The TaskDef cell leads to its TaskRuns; the waiting WfRuns are not in this list.
    expect(await rowOf(page, thrown.id).getByRole('link', { name: flaky }).getAttribute('href')).toBe(`#/task-runs?taskDefName=${flaky}`);
    for (const { id } of [...waiting, idle]) expect(await rowOf(page, id).count()).toBe(0);
    await expect(unnamedRoles(page)).resolves.toEqual([]);
    await page.screenshot({ path: `${screenshots}node-runs.png`, fullPage: true });

    // What waits for `awaited`: status RUNNING, the def typed, arrived within the last hour.
    await page.getByRole('combobox', { name: 'Status' }).selectOption('RUNNING');
    await page.waitForURL(/status=RUNNING/);
    await page.getByRole('combobox', { name: 'ExternalEventDef' }).fill(awaited);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('combobox', { name: 'Arrived since' }).selectOption('1h');
    await page.waitForURL((url) => url.hash === `#/node-runs?status=RUNNING&since=1h&externalEventDefName=${awaited}`);
    const waitingIds = async () => (await rows(page, 'node-runs-table').locator('td:first-child').allInnerTexts()).map((t) => t.trim());
    await expect.poll(waitingIds).toEqual([newer.id, older.id]);
    expect(await page.getByTestId('node-runs-search').innerText()).toBe(`NodeRuns in status Running waiting for ${awaited} that arrived in the last 1 h, newest arrival first.`);
    const waitingRow = await oneLine(rowOf(page, newer.id));
    expect(waitingRow).toContain(`EXTERNAL_EVENT Running`);
    expect(waitingRow).toContain(`ExternalEventDef ${awaited}`);
    expect(await page.getByTestId('node-runs-table').locator('thead th').allInnerTexts()).not.toContain('Error');
    await expect(unnamedRoles(page)).resolves.toEqual([]);
    await page.screenshot({ path: `${screenshots}node-runs-waiting.png`, fullPage: true });

    // The search is the URL: a reload shows the same one, in the form and in the rows.
    await page.reload();
    await expect.poll(waitingIds).toEqual([newer.id, older.id]);
    expect(await page.getByRole('combobox', { name: 'Status' }).inputValue()).toBe('RUNNING');
    expect(await page.getByRole('combobox', { name: 'Arrived since' }).inputValue()).toBe('1h');
    expect(await page.getByRole('combobox', { name: 'Arrived until' }).inputValue()).toBe('');
    expect(await page.getByRole('combobox', { name: 'ExternalEventDef' }).inputValue()).toBe(awaited);

    // Live: the event reaches one of them, which stops waiting and leaves the list.
    await liveSocket(page);
    await client.putExternalEvent({ wfRunId: older.id, externalEventDefName: awaited, content: 'late' });
    await expect.poll(waitingIds, { timeout: 10_000 }).toEqual([newer.id]);

    // The WfRun's link opens the WfRun at that NodeRun.
    const waitingNode = (await client.searchNodeRuns({ status: 'RUNNING', externalEventDefName: awaited })).items[0] as NodeRunInfo;
    expect(waitingNode.wfRunId).toBe(newer.id);
    await rowOf(page, newer.id).getByRole('link', { name: newer.id }).click();
    await page.waitForURL((url) => url.hash === `#/wf-runs/${newer.id}?node=${encodeURIComponent(`${waitingNode.threadRunNumber}/${waitingNode.position}`)}`);
    const details = page.getByTestId('node-run-details');
    await details.getByRole('heading', { name: `NodeRun ${waitingNode.threadRunNumber}/${waitingNode.position} · ${waitingNode.nodeName}` }).waitFor();
    await details.locator('[data-testid="node-run-status"][data-status="RUNNING"]').waitFor();
    expect(browser.pageErrors).toEqual([]);
  });

  it('says what each waiting NodeRun waits for: the UserTaskDef and its holder, the time a sleep wakes, the child WfRun, the ThreadRuns', async () => {
    const { page, client, server, browser } = ctx;
    const form = `nr-form-${suffix}`;
    const never = `nr-never-${suffix}`;
    const child = `nr-child-${suffix}`;
    await client.putUserTaskDef({ name: form, fields: [{ name: 'ok', type: 'BOOL' }] });
    await client.putExternalEventDef({ name: never });
    await new Workflow(child, (wf) => void wf.waitForEvent(never)).register(client);
    const waits = new Workflow(`nr-waits-for-${suffix}`, (wf) => {
      const wakeAt = wf.declareInt('wakeAt').required();
      const sleeper = wf.spawnThread('sleeper', (t) => t.sleepUntil(wakeAt));
      const asker = wf.spawnThread('asker', (t) => void t.assignUserTask(form, { userId: 'ada', userGroup: 'finance' }));
      const parent = wf.spawnThread('parent', (t) => void t.waitForChildWf(t.runWf(child)));
      wf.waitForThreads(sleeper, asker, parent);
    });
    await waits.register(client);
    const wakeAt = '2099-01-02T03:04:05.678Z';
    const run = await client.runWf({ wfSpecName: waits.name, variables: { wakeAt: Date.parse(wakeAt) } });
    const nodes = (await client.wfRun(run.id))!.nodeRuns;
    const childWfRunId = nodes.find((n) => n.nodeType === 'RUN_CHILD_WF')?.childWfRunId;
    expect(childWfRunId).toBeTruthy();

    await page.goto(`${server.url}/#/node-runs?status=RUNNING&since=1h`);
    const rowOfType = (type: string) => rowOf(page, run.id).filter({ has: page.locator('td:nth-child(3)', { hasText: new RegExp(`^${type}$`) }) });
    const target = (type: string) => rowOfType(type).locator('td').nth(5);
    await rowOfType('USER_TASK').waitFor();
    expect(await oneLine(target('USER_TASK'))).toBe(`UserTaskDef ${form} user ada group finance`);
    expect(await target('USER_TASK').getByRole('link', { name: form }).getAttribute('href')).toBe(`#/user-tasks?userTaskDefName=${form}`);
    expect(await target('USER_TASK').getByRole('link', { name: 'ada' }).getAttribute('href')).toBe('#/user-tasks?userId=ada');
    // The time in the reader's locale, the instant itself in the markup.
    const time = target('SLEEP').locator('time');
    expect(await time.getAttribute('datetime')).toBe(wakeAt);
    const local = await page.evaluate((at) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(at)), wakeAt);
    expect(await oneLine(target('SLEEP'))).toBe(`Until ${local}`);
    expect(await oneLine(target('WAIT_FOR_CHILD_WF'))).toBe(`Child WfRun ${childWfRunId}`);
    expect(await oneLine(target('WAIT_FOR_THREADS'))).toBe('ThreadRuns 1 2 3');
    expect(await target('WAIT_FOR_THREADS').getByRole('link', { name: 'ThreadRun 2', exact: true }).getAttribute('href')).toBe(`#/wf-runs/${run.id}?thread=2`);
    await expect(unnamedRoles(page)).resolves.toEqual([]);
    await page.screenshot({ path: `${screenshots}node-runs-waits-for.png`, fullPage: true });

    // The UserTaskDef leads to its user tasks, this WfRun's among them; the child WfRun's link opens it.
    await target('USER_TASK').getByRole('link', { name: form }).click();
    await page.waitForURL((url) => url.hash === `#/user-tasks?userTaskDefName=${form}`);
    await page.getByRole('link', { name: run.id }).first().waitFor();
    await page.goBack();
    await target('WAIT_FOR_CHILD_WF').getByRole('link', { name: childWfRunId! }).click();
    await page.waitForURL((url) => url.hash === `#/wf-runs/${childWfRunId}`);
    await expect.poll(() => page.getByTestId('wf-run-id').textContent()).toBe(childWfRunId);
    expect(browser.pageErrors).toEqual([]);
  });

  it('names the WorkflowEventDef a THROW_EVENT throws, leading to its page, as the NodeRun details on the WfRun page do', async () => {
    const { page, client, server, browser } = ctx;
    const shipped = `nr-shipped-${suffix}`;
    await client.putWorkflowEventDef({ name: shipped });
    const throws = new Workflow(`nr-throws-${suffix}`, (wf) => void wf.throwEvent(shipped, 'on its way'));
    await throws.register(client);
    const run = await client.runWf({ wfSpecName: throws.name });
    await settled(run.id, 'COMPLETED');

    await page.goto(`${server.url}/#/node-runs?status=COMPLETED&since=1h`);
    const row = rowOf(page, run.id).filter({ has: page.locator('td:nth-child(3)', { hasText: /^THROW_EVENT$/ }) });
    const target = row.locator('td').nth(5);
    await row.waitFor();
    expect(await oneLine(target)).toBe(`WorkflowEventDef ${shipped}`);
    expect(await target.getByRole('link', { name: shipped }).getAttribute('href')).toBe(`#/external-events?workflowEventDefName=${shipped}`);
    await expect(unnamedRoles(page)).resolves.toEqual([]);

    // The WfRun's link opens that NodeRun, whose details name the def and lead to its WorkflowEvents.
    await row.getByRole('link', { name: run.id }).click();
    const def = page.getByTestId('node-run-details').getByTestId('node-run-workflow-event-def');
    await expect.poll(() => def.innerText()).toBe(shipped);
    await def.click();
    await page.waitForURL((url) => url.hash === `#/external-events?workflowEventDefName=${shipped}`);
    await page.getByRole('heading', { name: `WorkflowEvents of ${shipped}` }).waitFor();
    expect(browser.pageErrors).toEqual([]);
  });

  it('is reached from an ExternalEventDef on the Events page, and says what it searched when nothing matches', async () => {
    const { page, client, server, browser } = ctx;
    const nothing = `nr-nothing-${suffix}`;
    await client.putExternalEventDef({ name: nothing });
    await page.goto('about:blank');
    await page.goto(`${server.url}/#/external-events?externalEventDefName=${awaited}`);
    await page.getByTestId('external-events-table').waitFor();
    await page.screenshot({ path: `${screenshots}node-runs-from-events.png`, fullPage: true });
    await page.getByRole('link', { name: 'NodeRuns waiting for it' }).click();
    await page.waitForURL((url) => url.hash === `#/node-runs?status=RUNNING&externalEventDefName=${awaited}`);
    await rowOf(page, (await client.searchNodeRuns({ status: 'RUNNING', externalEventDefName: awaited })).items[0]?.wfRunId ?? '').waitFor();
    expect(await rows(page, 'node-runs-table').count()).toBe(1);

    // Nothing waits for a def no WfSpec uses: the empty state repeats the search, and the way out clears it.
    await page.getByRole('combobox', { name: 'ExternalEventDef' }).fill(nothing);
    await page.getByRole('combobox', { name: 'ExternalEventDef' }).press('Enter');
    const empty = page.getByTestId('notice-empty');
    await empty.getByText(`No NodeRuns in status Running waiting for ${nothing}`).waitFor();
    await empty.getByText('Try another status, ExternalEventDef or a wider time.').waitFor();
    await expect(unnamedRoles(page)).resolves.toEqual([]);
    await page.getByRole('link', { name: 'Clear' }).click();
    await page.waitForURL((url) => url.hash === '#/node-runs');
    // The form follows the URL once the page has read it.
    await expect.poll(() => page.getByRole('combobox', { name: 'Status' }).inputValue()).toBe('ERROR');
    await expect.poll(() => page.getByRole('combobox', { name: 'ExternalEventDef' }).inputValue()).toBe('');
    expect(browser.pageErrors).toEqual([]);
  });
});
