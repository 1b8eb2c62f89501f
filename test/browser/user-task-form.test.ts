import { fileURLToPath } from 'node:url';
import { Workflow } from '@gallop/sdk';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { unnamedRoles } from '../support/browser.ts';
import { setupBrowserTest } from '../support/browser-test.ts';
import { waitFor } from '../support/wait.ts';

// Working a user task from the user-tasks page: saving progress without completing, comments written, edited and
// deleted, then completing; each done through the UI against a real server and checked against what it then holds.
// Then the form while others act on the same task through the SDK (it follows them without a reload), and acting on
// a task another user holds, refused unless the person says to act anyway.
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const suffix = Date.now().toString(36);
const form = `utf-expense-${suffix}`;
const group = `utf-finance-${suffix}`;

describe('the user task form', () => {
  const ctx = setupBrowserTest({ screenshots, viewport: { width: 1280, height: 1100 }, dark: true });
  let wfSpecName = '';
  let wfRunId = '';
  let userTaskGuid = '';

  beforeAll(async () => {
    const { client } = ctx;
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
  });

  /** Runs the WfSpec; resolves once its UserTaskRun is there. */
  async function startTask(): Promise<{ wfRunId: string; userTaskGuid: string }> {
    const { client } = ctx;
    const run = await client.runWf({ wfSpecName });
    const task = await waitFor(async () => (await client.searchUserTaskRuns({ userTaskDefName: form })).items.find((t) => t.wfRunId === run.id), {
      what: 'the user task',
    });
    return { wfRunId: run.id, userTaskGuid: task.userTaskGuid };
  }

  /** Opens the group's inbox afresh and chooses the task of `id` from it; resolves with its form. */
  async function choose(page: Page, id: string) {
    const { server } = ctx;
    await page.goto('about:blank'); // a new document: the list and the form read the server again
    await page.goto(`${server.url}/#/user-tasks?userGroup=${group}`);
    await page.getByRole('table', { name: 'User tasks' }).getByRole('row').filter({ hasText: id }).getByRole('link', { name: form }).click();
    return page.getByRole('form', { name: `User task ${form}` });
  }

  const comments = (page: Page) => page.getByRole('region', { name: `Comments on User task ${form}` });

  /** Chooses the task of `id` and resolves with its form once it follows the WfRun: what others do from then on reaches it. */
  async function chooseLive(page: Page, id: string) {
    const task = await choose(page, id);
    await task.and(page.locator('[data-following="true"]')).waitFor();
    return task;
  }

  it('saves progress without completing the task, and opens again with what was saved', async () => {
    const { page, client, browser } = ctx;
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
    const { page, client, browser, dark } = ctx;
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
    const { page, client, browser } = ctx;
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

  it('shows the server’s refusal to save or assign a task another user holds, and does both once told to act anyway', async () => {
    const { page, client, browser } = ctx;
    const other = await startTask();
    await client.assignUserTaskRun({ wfRunId: other.wfRunId, userTaskGuid: other.userTaskGuid, userId: 'bo', userGroup: group });
    const task = await choose(page, other.wfRunId);
    await task.getByRole('textbox', { name: 'Note' }).fill('Mine now');
    await task.getByRole('textbox', { name: 'User id' }).fill('ana');
    const anyway = task.getByRole('checkbox', { name: 'Act on it although bo holds it' });
    expect(await anyway.isChecked()).toBe(false);
    await task.getByRole('button', { name: 'Save progress' }).click();
    await task.getByRole('alert').getByText(/UserTaskRunClaimedError/).waitFor();
    expect((await client.userTaskRun(other.wfRunId, other.userTaskGuid))?.results).toBeNull();
    await task.getByRole('button', { name: 'Assign' }).click();
    await task.getByRole('alert').getByText(/UserTaskRunClaimedError/).waitFor();
    expect((await client.userTaskRun(other.wfRunId, other.userTaskGuid))?.userId).toBe('bo');

    // Told to act anyway, the save goes through as ana and bo keeps the task (IGNORE_CLAIM)...
    await anyway.check();
    await task.getByRole('button', { name: 'Save progress' }).click();
    await task.getByRole('status').getByText(`Saved progress of ${form}.`).waitFor();
    const saved = await client.userTaskRun(other.wfRunId, other.userTaskGuid);
    expect(saved?.results).toEqual({ note: 'Mine now' });
    expect(saved?.userId).toBe('bo');
    expect(saved?.events.at(-1)).toMatchObject({ type: 'SAVED', userId: 'ana' });
    // The choice was for that one action: the box is clear again.
    expect(await anyway.isChecked()).toBe(false);

    // ...and, ticked again, the assignment takes the task from bo (overrideClaim); the override lapses with bo's hold.
    await anyway.check();
    await task.getByRole('button', { name: 'Assign' }).click();
    await task.getByRole('status').getByText(`Assigned ${form}.`).waitFor();
    expect((await client.userTaskRun(other.wfRunId, other.userTaskGuid))?.userId).toBe('ana');
    await task.getByTestId('user-task-state').getByText('assigned by ana').waitFor();
    expect(await task.getByRole('checkbox', { name: 'Act on it although ana holds it' }).isChecked()).toBe(false);

    // A choice to act over bo does not come back when the task, moved on elsewhere, comes back to bo.
    const moveTo = (userId: string) => client.assignUserTaskRun({ wfRunId: other.wfRunId, userTaskGuid: other.userTaskGuid, userId, overrideClaim: true });
    await moveTo('bo');
    await anyway.check();
    await moveTo('cy');
    await task.getByRole('checkbox', { name: 'Act on it although cy holds it' }).waitFor();
    await moveTo('bo');
    await anyway.waitFor();
    expect(await anyway.isChecked()).toBe(false);
    expect(browser.pageErrors).toEqual([]);
  });

  it('asks before completing a task another user holds, and completes it as the person once told to', async () => {
    const { page, client, browser } = ctx;
    const other = await startTask();
    await client.assignUserTaskRun({ wfRunId: other.wfRunId, userTaskGuid: other.userTaskGuid, userId: 'bo', userGroup: group });
    const task = await choose(page, other.wfRunId);
    await task.getByRole('combobox', { name: 'Approved?' }).selectOption('true');
    await task.getByRole('textbox', { name: 'Amount' }).fill('40');
    await task.getByRole('textbox', { name: 'User id' }).fill('ana');
    await task.getByRole('button', { name: 'Complete' }).click();
    await task.getByRole('alert').getByText(`bo holds ${form}: completing it as ana would take it from them.`).waitFor();
    expect((await client.userTaskRun(other.wfRunId, other.userTaskGuid))?.status).toBe('ASSIGNED');

    await task.getByRole('checkbox', { name: 'Act on it although bo holds it' }).check();
    await task.getByRole('button', { name: 'Complete' }).click();
    await page.getByRole('status').getByText(`${form} is done (ana): nothing left to do.`).waitFor();
    const done = await client.userTaskRun(other.wfRunId, other.userTaskGuid);
    expect(done).toMatchObject({ status: 'DONE', userId: 'ana', results: { approved: true, amount: 40 } });
    expect(browser.pageErrors).toEqual([]);
  });

  it('shows a reassignment made elsewhere without a reload: the task is no longer the person’s', async () => {
    const { page, client, browser } = ctx;
    const other = await startTask();
    await client.assignUserTaskRun({ wfRunId: other.wfRunId, userTaskGuid: other.userTaskGuid, userId: 'ana', userGroup: group });
    const task = await chooseLive(page, other.wfRunId);
    await task.getByTestId('user-task-state').getByText('assigned by ana').waitFor();

    await client.assignUserTaskRun({ wfRunId: other.wfRunId, userTaskGuid: other.userTaskGuid, userId: 'bo', userGroup: group, overrideClaim: true });
    await task
      .getByTestId('user-task-moved')
      .getByText(`Reassigned elsewhere while this form was open: bo holds it now (group ${group}); it is no longer yours (ana).`)
      .waitFor();
    await task.getByTestId('user-task-state').getByText('assigned by bo').waitFor();
    // The form still acts as ana, whom it opened on, and now offers to act although bo holds it.
    await task.getByRole('checkbox', { name: 'Act on it although bo holds it' }).waitFor();
    // The inbox's row follows too.
    await page.getByRole('table', { name: 'User tasks' }).getByRole('row').filter({ hasText: other.wfRunId }).getByRole('link', { name: 'bo' }).waitFor();
    expect(browser.pageErrors).toEqual([]);
  });

  it('says so plainly when the task is completed elsewhere, keeps what was typed and offers nothing more to submit', async () => {
    const { page, client, browser } = ctx;
    const other = await startTask();
    const task = await chooseLive(page, other.wfRunId);
    await task.getByRole('textbox', { name: 'Note' }).fill('Half done');

    await client.completeUserTaskRun({ wfRunId: other.wfRunId, userTaskGuid: other.userTaskGuid, userId: 'bo', results: { approved: false, amount: 1 } });
    await task.getByRole('alert').getByText(`${form} was completed by bo elsewhere while this form was open: there is nothing left to submit.`).waitFor();
    for (const name of ['Complete', 'Save progress', 'Assign', 'Cancel task']) expect(await task.getByRole('button', { name, exact: true }).count()).toBe(0);
    expect(await comments(page).getByRole('form', { name: 'Add a comment' }).count()).toBe(0);
    expect(await task.getByRole('textbox', { name: 'Note' }).inputValue()).toBe('Half done');
    await page.getByRole('table', { name: 'User tasks' }).getByRole('row').filter({ hasText: other.wfRunId }).locator('[data-status="DONE"]').waitFor();
    expect(browser.pageErrors).toEqual([]);
  });

  it('shows comments and saved progress made elsewhere, keeping the fields the person has typed in', async () => {
    const { page, client, browser } = ctx;
    const other = await startTask();
    const task = await chooseLive(page, other.wfRunId);
    await task.getByRole('textbox', { name: 'Note' }).fill('My note');
    await comments(page).getByRole('textbox', { name: 'New comment' }).fill('Half a thought');

    await client.putUserTaskRunComment({ wfRunId: other.wfRunId, userTaskGuid: other.userTaskGuid, userId: 'bo', comment: 'Any news?' });
    await comments(page).getByTestId('user-task-comment').filter({ hasText: 'Any news?' }).waitFor();
    expect(await task.getByRole('textbox', { name: 'Note' }).inputValue()).toBe('My note');
    expect(await comments(page).getByRole('textbox', { name: 'New comment' }).inputValue()).toBe('Half a thought');

    // Someone else's save fills the fields left alone, never the one typed in.
    await client.saveUserTaskRunProgress({ wfRunId: other.wfRunId, userTaskGuid: other.userTaskGuid, userId: 'bo', results: { amount: 7.5, note: 'Their note' } });
    await task.getByTestId('user-task-saved-elsewhere').getByText('bo saved progress elsewhere').waitFor();
    await expect.poll(() => task.getByRole('textbox', { name: 'Amount' }).inputValue()).toBe('7.5');
    expect(await task.getByRole('textbox', { name: 'Note' }).inputValue()).toBe('My note');
    await task.getByTestId('saved-progress').getByText('Progress last saved by bo').waitFor();
    expect(browser.pageErrors).toEqual([]);
  });

  it('follows the task on the WfRun page through the page’s own events, and keeps the form of a task cancelled elsewhere until closed', async () => {
    const { page, client, server, browser } = ctx;
    const other = await startTask();
    await page.goto(`${server.url}/#/wf-runs/${other.wfRunId}`);
    const task = page.getByRole('form', { name: new RegExp(`^User task ${form} at `) });
    await task.getByRole('textbox', { name: 'Note' }).fill('Typed here');

    // The page folds every event after the log it read, so what is done now reaches it however soon.
    await client.putUserTaskRunComment({ wfRunId: other.wfRunId, userTaskGuid: other.userTaskGuid, userId: 'bo', comment: 'From elsewhere' });
    await page.getByRole('region', { name: new RegExp(`^Comments on User task ${form} at `) }).getByTestId('user-task-comment').filter({ hasText: 'From elsewhere' }).waitFor();

    await client.cancelUserTaskRun({ wfRunId: other.wfRunId, userTaskGuid: other.userTaskGuid });
    await task.getByRole('alert').getByText(`${form} was cancelled elsewhere while this form was open: there is nothing left to submit.`).waitFor();
    expect(await task.getByRole('textbox', { name: 'Note' }).inputValue()).toBe('Typed here');
    expect(await task.getByRole('button', { name: 'Complete' }).count()).toBe(0);
    await expect(unnamedRoles(page)).resolves.toEqual([]);
    await page.getByRole('button', { name: new RegExp(`^Close the form of ${form} at `) }).click();
    await expect.poll(() => task.count()).toBe(0);
    expect(browser.pageErrors).toEqual([]);
  });
});
