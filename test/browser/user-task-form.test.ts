import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Workflow } from '@gallop/sdk';
import type { GallopClient } from '@gallop/sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, unnamedRoles } from '../support/browser.ts';
import type { BrowserSession } from '../support/browser.ts';
import { startServer } from '../support/server.ts';
import type { ServerProcess } from '../support/server.ts';
import { waitFor } from '../support/wait.ts';

// Working a user task from the user-tasks page: saving progress without completing, comments written, edited and
// deleted, then completing; each done through the UI against a real server and checked against what it then holds.
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const suffix = Date.now().toString(36);
const form = `utf-expense-${suffix}`;
const group = `utf-finance-${suffix}`;

describe('the user task form', () => {
  let server: ServerProcess;
  let client: GallopClient;
  let browser: BrowserSession;
  let dark: BrowserSession;
  let wfSpecName = '';
  let wfRunId = '';
  let userTaskGuid = '';

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    server = await startServer({ databaseUrl: inject('databaseUrl') });
    client = server.client();
    [browser, dark] = await Promise.all([launchBrowser({ viewport: { width: 1280, height: 1100 } }), launchBrowser({ viewport: { width: 1280, height: 1100 }, colorScheme: 'dark' })]);
    await client.putUserTaskDef({
      name: form,
      fields: [
        { name: 'approved', type: 'BOOL', displayName: 'Approved?', required: true },
        { name: 'amount', type: 'DOUBLE', displayName: 'Amount', required: true },
        { name: 'note', type: 'STR', displayName: 'Note' },
      ],
    });
    const wfSpec = new Workflow(`utf-flow-${suffix}`, (wf) => {
      const review = wf.declareJsonObj('review');
      review.assign(wf.assignUserTask(form, { userGroup: group }));
    });
    await wfSpec.register(client);
    wfSpecName = wfSpec.name;
    ({ wfRunId, userTaskGuid } = await startTask());
  }, 240_000);

  afterAll(async () => {
    await Promise.all([browser?.close(), dark?.close()]);
    await server?.stop();
  });

  /** Runs the WfSpec; resolves once its UserTaskRun is there. */
  async function startTask(): Promise<{ wfRunId: string; userTaskGuid: string }> {
    const run = await client.runWf({ wfSpecName });
    const task = await waitFor(async () => (await client.searchUserTaskRuns({ userTaskDefName: form })).items.find((t) => t.wfRunId === run.id), {
      what: 'the user task',
    });
    return { wfRunId: run.id, userTaskGuid: task.userTaskGuid };
  }

  /** Opens the group's inbox afresh and chooses the task of `id` from it; resolves with its form. */
  async function choose(page: Page, id: string) {
    await page.goto('about:blank'); // a new document: the list and the form read the server again
    await page.goto(`${server.url}/#/user-tasks?userGroup=${group}`);
    await page.getByRole('table', { name: 'User tasks' }).getByRole('row').filter({ hasText: id }).getByRole('link', { name: form }).click();
    return page.getByRole('form', { name: `User task ${form}` });
  }

  const comments = (page: Page) => page.getByRole('region', { name: `Comments on User task ${form}` });

  it('saves progress without completing the task, and opens again with what was saved', async () => {
    const { page } = browser;
    const task = await choose(page, wfRunId);
    await task.getByRole('combobox', { name: 'Approved?' }).selectOption('false');
    await task.getByRole('textbox', { name: 'Note' }).fill('Receipt attached');
    await task.getByRole('textbox', { name: 'User id' }).fill('ana');
    // Amount is required and left empty: saved progress may wait for it.
    await task.getByRole('button', { name: 'Save progress' }).click();
    await task.getByRole('status').getByText(`Saved progress of ${form}.`).waitFor();

    const saved = await client.userTaskRun(wfRunId, userTaskGuid);
    expect(saved?.results).toEqual({ approved: false, note: 'Receipt attached' });
    expect(saved?.status).toBe('UNASSIGNED');
    expect(saved?.userId).toBeNull();
    expect((await client.wfRun(wfRunId))?.status).toBe('RUNNING');

    // Opened again, on a page that forgot what was typed, the fields start from the saved progress.
    const again = await choose(page, wfRunId);
    await expect.poll(() => again.getByRole('textbox', { name: 'Note' }).inputValue()).toBe('Receipt attached');
    expect(await again.getByRole('combobox', { name: 'Approved?' }).inputValue()).toBe('false');
    expect(await again.getByRole('textbox', { name: 'Amount' }).inputValue()).toBe('');
    await again.getByTestId('saved-progress').getByText('Progress last saved by ana').waitFor();
    expect(browser.pageErrors).toEqual([]);
  });

  it('adds two comments, edits one in place, and deletes the other only once confirmed', async () => {
    const { page } = browser;
    const task = await choose(page, wfRunId);
    await task.getByRole('textbox', { name: 'User id' }).fill('ana');
    const section = comments(page);
    await section.getByText('No comments yet.').waitFor();

    await section.getByRole('textbox', { name: 'New comment' }).fill('Is the receipt the original?');
    await section.getByRole('button', { name: 'Comment', exact: true }).click();
    const items = section.getByTestId('user-task-comment');
    await items.filter({ hasText: 'Is the receipt the original?' }).waitFor();
    expect(await section.getByRole('textbox', { name: 'New comment' }).inputValue()).toBe('');

    // The second from the keyboard: Ctrl+Enter sends it.
    await section.getByRole('textbox', { name: 'New comment' }).fill('Wrong cost centre');
    await section.getByRole('textbox', { name: 'New comment' }).press('Control+Enter');
    await items.filter({ hasText: 'Wrong cost centre' }).waitFor();
    expect((await client.userTaskRun(wfRunId, userTaskGuid))?.comments.map((c) => [c.id, c.userId, c.comment])).toEqual([
      [1, 'ana', 'Is the receipt the original?'],
      [2, 'ana', 'Wrong cost centre'],
    ]);

    // Escape leaves the editor unchanged, focus back on Edit.
    await section.getByRole('button', { name: 'Edit comment 1 by ana' }).click();
    await section.getByRole('textbox', { name: 'Text of comment 1 by ana' }).press('Escape');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Edit comment 1 by ana');
    await section.getByRole('button', { name: 'Edit comment 1 by ana' }).click();
    await section.getByRole('textbox', { name: 'Text of comment 1 by ana' }).fill('The receipt is the original.');
    await section.screenshot({ path: `${screenshots}user-task-comment-editing.png` });
    await section.getByRole('button', { name: 'Save comment 1' }).click();
    await items.filter({ hasText: 'The receipt is the original.' }).getByText('edited').waitFor();

    // Nothing is deleted before the confirmation.
    await section.getByRole('button', { name: 'Delete comment 2 by ana' }).click();
    const question = page.getByRole('alertdialog', { name: 'Delete comment 2 by ana?' });
    await question.waitFor();
    await page.screenshot({ path: `${screenshots}user-task-comment-delete.png` });
    expect((await client.userTaskRun(wfRunId, userTaskGuid))?.comments).toHaveLength(2);
    await question.getByRole('button', { name: 'Confirm delete' }).click();
    await section.getByRole('status').getByText('Deleted comment 2 by ana.').waitFor();
    await expect.poll(() => items.count()).toBe(1);
    // Its Delete button gone, focus waits in the box for a new comment.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('New comment');

    const [kept, ...others] = (await client.userTaskRun(wfRunId, userTaskGuid))?.comments ?? [];
    expect(others).toEqual([]);
    expect(kept).toMatchObject({ id: 1, userId: 'ana', comment: 'The receipt is the original.', editedBy: 'ana' });
    expect(kept?.editedAt).not.toBeNull();

    await expect(unnamedRoles(page)).resolves.toEqual([]);
    await page.screenshot({ path: `${screenshots}user-task-form-light.png`, fullPage: true });
    await choose(dark.page, wfRunId);
    await comments(dark.page).getByText('The receipt is the original.').waitFor();
    await dark.page.screenshot({ path: `${screenshots}user-task-form-dark.png`, fullPage: true });
    expect(browser.pageErrors).toEqual([]);
    expect(dark.pageErrors).toEqual([]);
  });

  it('completes the task afterwards with the saved values, one changed and the rest filled in', async () => {
    const { page } = browser;
    const task = await choose(page, wfRunId);
    await expect.poll(() => task.getByRole('textbox', { name: 'Note' }).inputValue()).toBe('Receipt attached');
    await task.getByRole('combobox', { name: 'Approved?' }).selectOption('true');
    await task.getByRole('textbox', { name: 'Amount' }).fill('12.5');
    await task.getByRole('textbox', { name: 'User id' }).fill('ana');
    await task.getByRole('button', { name: 'Complete' }).click();
    await page.getByRole('status').getByText(`${form} is done (ana): nothing left to do.`).waitFor();

    const done = await client.userTaskRun(wfRunId, userTaskGuid);
    expect(done?.status).toBe('DONE');
    expect(done?.results).toEqual({ approved: true, amount: 12.5, note: 'Receipt attached' });
    await waitFor(async () => (await client.wfRun(wfRunId))?.status === 'COMPLETED', { what: 'the WfRun to complete' });
    expect((await client.wfRun(wfRunId))?.variables.find((v) => v.name === 'review')?.value).toEqual({ approved: true, amount: 12.5, note: 'Receipt attached' });
    expect(browser.pageErrors).toEqual([]);
  });

  it('shows the server’s refusal to save a task another user holds, and saves nothing', async () => {
    const { page } = browser;
    const other = await startTask();
    await client.assignUserTaskRun({ wfRunId: other.wfRunId, userTaskGuid: other.userTaskGuid, userId: 'bo', userGroup: group });
    const task = await choose(page, other.wfRunId);
    await task.getByRole('textbox', { name: 'Note' }).fill('Mine now');
    await task.getByRole('textbox', { name: 'User id' }).fill('ana');
    await task.getByRole('button', { name: 'Save progress' }).click();
    await task.getByRole('alert').getByText(/UserTaskRunClaimedError/).waitFor();
    expect((await client.userTaskRun(other.wfRunId, other.userTaskGuid))?.results).toBeNull();
    expect(browser.pageErrors).toEqual([]);
  });
});
