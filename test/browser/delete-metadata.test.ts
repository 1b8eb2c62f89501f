import { fileURLToPath } from 'node:url';
import { Workflow } from '@gallop/sdk';
import { describe, expect, it } from 'vitest';
import { rows, unnamedRoles } from '../support/browser.ts';
import { setupBrowserTest } from '../support/browser-test.ts';

// Deleting WfSpec versions, TaskDefs and ExternalEventDefs from their lists, each through the UI against a real
// server and checked against what the server then holds: nothing before the confirmation, the item gone after it.
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const suffix = Date.now().toString(36);

describe('deleting from the lists', () => {
  const ctx = setupBrowserTest({ screenshots, viewport: { width: 1280, height: 900 } });

  it('deletes a WfSpec version once confirmed, and nothing when the confirmation is cancelled', async () => {
    const { page, client, server, browser } = ctx;
    const name = `del-spec-${suffix}`;
    const first = await new Workflow(name, (wf) => wf.sleepSeconds(1)).register(client);
    const second = await new Workflow(name, (wf) => wf.sleepSeconds(2)).register(client);
    const label = `${name} v${second.majorVersion}.${second.revision}`;
    const secondId = { majorVersion: second.majorVersion, revision: second.revision };
    // A WfRun on the version to be deleted: it finishes on it, and its page says the version is gone.
    const onSecond = await client.runWf({ wfSpecName: name, ...secondId });

    await page.goto(`${server.url}/#/wf-specs?prefix=${name}`);
    await expect.poll(() => rows(page, 'wf-specs-table').count()).toBe(2);

    // Cancelling the question sends nothing.
    await page.getByRole('button', { name: `Delete version ${label}` }).click();
    const question = page.getByRole('alertdialog', { name: `Delete WfSpec ${label}?` });
    await question.getByText('WfRuns already running on it finish on it').waitFor();
    expect(await question.innerText()).toContain('No new WfRun starts on this version');
    await expect(unnamedRoles(page)).resolves.toEqual([]);
    await page.screenshot({ path: `${screenshots}delete-wf-spec.png`, fullPage: true });
    await question.getByRole('button', { name: 'Cancel' }).click();
    await question.waitFor({ state: 'hidden' });
    // Focus is back on the row's button the question came from.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(`Delete version ${label}`);
    expect(await client.wfSpec(name, secondId)).not.toBeNull();
    expect(await rows(page, 'wf-specs-table').count()).toBe(2);

    await page.getByRole('button', { name: `Delete version ${label}` }).click();
    await question.getByRole('button', { name: 'Confirm delete' }).click();
    await page.getByRole('status').getByText(`Deleted WfSpec ${label}.`).waitFor();
    await expect.poll(() => rows(page, 'wf-specs-table').count()).toBe(1);
    expect(await client.wfSpec(name, secondId)).toBeNull();
    expect(await client.wfSpec(name, { majorVersion: first.majorVersion, revision: first.revision })).not.toBeNull();
    await page.screenshot({ path: `${screenshots}deleted-wf-spec.png`, fullPage: true });

    // Read again, the server's list agrees.
    await page.reload();
    await expect.poll(() => rows(page, 'wf-specs-table').count()).toBe(1);
    expect(await rows(page, 'wf-specs-table').innerText()).toContain(`v${first.majorVersion}.${first.revision}`);

    await page.goto(`${server.url}/#/wf-runs/${onSecond.id}`);
    await page.getByTestId('wf-spec-deleted').waitFor();
    expect(await page.getByTestId('wf-spec-deleted').innerText()).toBe('(deleted)');
    expect(browser.pageErrors).toEqual([]);
  });

  it('deletes a TaskDef once confirmed, saying what becomes of the TASK nodes that run it', async () => {
    const { page, client, server, browser } = ctx;
    const name = `del-task-${suffix}`;
    await client.putTaskDef({ name, inputVars: [{ name: 'n', type: 'INT' }], returnType: 'STR' });

    await page.goto(`${server.url}/#/task-defs?prefix=${name}`);
    await expect.poll(() => rows(page, 'task-defs-table').count()).toBe(1);
    await page.getByRole('button', { name: `Delete TaskDef ${name}` }).click();
    const question = page.getByRole('alertdialog', { name: `Delete TaskDef ${name}?` });
    await question.getByText('TASK nodes that run it afterwards fail with TASK_ERROR').waitFor();
    await expect(unnamedRoles(page)).resolves.toEqual([]);
    await page.screenshot({ path: `${screenshots}delete-task-def.png`, fullPage: true });
    // Escape withdraws the question, as Cancel does.
    await page.keyboard.press('Escape');
    await question.waitFor({ state: 'hidden' });
    expect(await client.taskDef(name)).not.toBeNull();

    await page.getByRole('button', { name: `Delete TaskDef ${name}` }).click();
    await question.getByRole('button', { name: 'Confirm delete' }).click();
    await page.getByRole('status').getByText(`Deleted TaskDef ${name}.`).waitFor();
    await page.getByText(`No TaskDef's name starts with ${name}`).waitFor();
    expect(await client.taskDef(name)).toBeNull();
    expect(browser.pageErrors).toEqual([]);
  });

  it('deletes the ExternalEventDef shown once confirmed', async () => {
    const { page, client, server, browser } = ctx;
    const name = `del-event-${suffix}`;
    await client.putExternalEventDef({ name });

    await page.goto(`${server.url}/#/external-events?prefix=${name}`);
    const list = page.getByRole('table', { name: 'ExternalEventDefs' });
    await list.getByRole('link', { name }).click();
    await page.waitForURL(/externalEventDefName=/);
    await page.getByRole('button', { name: `Delete ExternalEventDef ${name}` }).click();
    const question = page.getByRole('alertdialog', { name: `Delete ExternalEventDef ${name}?` });
    await question.getByText('No more events of it can be sent').waitFor();
    await expect(unnamedRoles(page)).resolves.toEqual([]);
    await page.screenshot({ path: `${screenshots}delete-external-event-def.png`, fullPage: true });
    expect(await client.externalEventDef(name)).not.toBeNull();

    await question.getByRole('button', { name: 'Confirm delete' }).click();
    await page.getByRole('status').getByText(`Deleted ExternalEventDef ${name}.`).waitFor();
    await list.getByRole('link', { name }).waitFor({ state: 'detached' });
    expect(new URL(page.url()).hash).not.toContain('externalEventDefName');
    expect(await client.externalEventDef(name)).toBeNull();
    await page.screenshot({ path: `${screenshots}deleted-external-event-def.png`, fullPage: true });
    expect(browser.pageErrors).toEqual([]);
  });

  it('shows the server’s typed refusal when the TaskDef was deleted meanwhile, and drops its row', async () => {
    const { page, client, server, browser } = ctx;
    const name = `del-gone-${suffix}`;
    await client.putTaskDef({ name });

    await page.goto(`${server.url}/#/task-defs?prefix=${name}`);
    await expect.poll(() => rows(page, 'task-defs-table').count()).toBe(1);
    await client.deleteTaskDef(name);
    await page.getByRole('button', { name: `Delete TaskDef ${name}` }).click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await page.getByRole('alert').getByText(/^NotFoundError: /).waitFor();
    await page.getByText(`No TaskDef's name starts with ${name}`).waitFor();
    expect(browser.pageErrors).toEqual([]);
  });
});
