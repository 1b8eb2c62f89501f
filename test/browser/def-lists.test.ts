import { fileURLToPath } from 'node:url';
import { Workflow } from '@gallop/sdk';
import { describe, expect, it } from 'vitest';
import { oneLine, unnamedRoles } from '../support/browser.ts';
import { setupBrowserTest } from '../support/browser-test.ts';
import { waitFor } from '../support/wait.ts';

// The UserTaskDefs page and the WorkflowEventDefs of the Events page against a real server: the rows each shows, the
// WorkflowEvents a WfRun threw, and deleting through the shared confirmation, checked against what the server holds.
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const suffix = Date.now().toString(36);
// On PostgreSQL a run's files share one database: names that sort first keep these rows among those the unfiltered
// tables draw (only the rows in view are in the DOM).
const form = `a0-dl-form-${suffix}`;
const thrown = `a0-dl-thrown-${suffix}`;
// For the name filters: one def of each kind the prefix keeps, one it leaves out.
const kept = `dl-filter-${suffix}-kept`;
const left = `dl-filter-${suffix}-left`;

describe('the UserTaskDef and WorkflowEventDef lists', () => {
  const ctx = setupBrowserTest({ screenshots, viewport: { width: 1280, height: 900 } });

  it('lists each UserTaskDef version with its fields, and deletes one version once confirmed', async () => {
    const { page, client, server, browser } = ctx;
    const first = await client.putUserTaskDef({
      name: form,
      description: 'Approve an expense',
      fields: [{ name: 'approved', type: 'BOOL', displayName: 'Approved?', required: true }],
    });
    const second = await client.putUserTaskDef({
      name: form,
      description: 'Approve an expense, with a note',
      fields: [
        { name: 'approved', type: 'BOOL', displayName: 'Approved?', required: true },
        { name: 'note', type: 'STR' },
      ],
    });
    expect([first.version, second.version]).toEqual([0, 1]);

    // Reached from the inbox; the navigation keeps "User tasks" as the section.
    await page.goto(`${server.url}/#/user-tasks`);
    await page.getByRole('link', { name: 'UserTaskDefs', exact: true }).click();
    await page.waitForURL(/#\/user-task-defs$/);
    expect(await page.getByRole('navigation', { name: 'Main' }).locator('[aria-current="page"]').innerText()).toBe('User tasks');

    const table = page.getByRole('table', { name: 'UserTaskDef versions' });
    const rowOf = (version: number) => table.getByRole('row').filter({ has: page.getByRole('button', { name: `Delete version ${form} v${version}` }) });
    await rowOf(0).waitFor();
    await rowOf(1).waitFor();
    const year = String(new Date(second.createdAt).getFullYear());
    const oldest = await oneLine(rowOf(0));
    expect(oldest).toContain(`${form} Approve an expense v0`);
    expect(oldest).toContain(year);
    const newest = await oneLine(rowOf(1));
    expect(newest).toContain(`${form} Approve an expense, with a note v1`);
    expect(newest).toContain(year);
    const fields = async (version: number) =>
      (await page.getByRole('list', { name: `Fields of ${form} v${version}` }).getByRole('listitem').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(await fields(0)).toEqual(['approved: BOOL required “Approved?”']);
    expect(await fields(1)).toEqual(['approved: BOOL required “Approved?”', 'note: STR']);
    // The name leads to the def's UserTaskRuns in the inbox.
    expect(await rowOf(1).getByRole('link', { name: form }).getAttribute('href')).toBe(`#/user-tasks?userTaskDefName=${form}`);
    await expect(unnamedRoles(page)).resolves.toEqual([]);
    await page.screenshot({ path: `${screenshots}user-task-defs.png`, fullPage: true });

    // One version goes; the other stays, in the list and on the server.
    await page.getByRole('button', { name: `Delete version ${form} v0` }).click();
    const question = page.getByRole('alertdialog', { name: `Delete UserTaskDef ${form} v0?` });
    await question.getByText('UserTaskRuns already made of it can still be completed').waitFor();
    await expect(unnamedRoles(page)).resolves.toEqual([]);
    await page.screenshot({ path: `${screenshots}delete-user-task-def.png`, fullPage: true });
    expect(await client.userTaskDef(form, 0)).not.toBeNull();
    await question.getByRole('button', { name: 'Confirm delete' }).click();
    await page.getByRole('status').getByText(`Deleted UserTaskDef ${form} v0.`).waitFor();
    await rowOf(0).waitFor({ state: 'detached' });
    expect(await rowOf(1).count()).toBe(1);
    expect(await client.userTaskDef(form, 0)).toBeNull();
    expect((await client.userTaskDef(form, 1))?.version).toBe(1);
    const listed = (await client.userTaskDefs({ first: 500 })).items.filter((d) => d.name === form).map((d) => d.version);
    expect(listed).toEqual([1]);

    // Read again, the server's list agrees.
    await page.reload();
    await rowOf(1).waitFor();
    expect(await rowOf(0).count()).toBe(0);

    // Deleted meanwhile elsewhere: the server's typed refusal shows, and the row goes.
    await client.deleteUserTaskDef(form, 1);
    await page.getByRole('button', { name: `Delete version ${form} v1` }).click();
    await page.getByRole('alertdialog', { name: `Delete UserTaskDef ${form} v1?` }).getByRole('button', { name: 'Confirm delete' }).click();
    await page.getByRole('alert').getByText(/^NotFoundError: /).waitFor();
    await rowOf(1).waitFor({ state: 'detached' });
    expect(browser.pageErrors).toEqual([]);
  });

  it('lists WorkflowEventDefs with the WorkflowEvents of one, and deletes the def once confirmed', async () => {
    const { page, client, server, browser } = ctx;
    await client.putWorkflowEventDef({ name: thrown });
    const wfSpec = new Workflow(`dl-thrower-${suffix}`, (wf) => {
      const order = wf.declareStr('order').required();
      wf.throwEvent(thrown, order);
      wf.throwEvent(thrown, { shipped: true });
    });
    await wfSpec.register(client);
    const run = await client.runWf({ wfSpecName: wfSpec.name, variables: { order: 'saddle' } });
    await waitFor(async () => (await client.searchWorkflowEvents({ workflowEventDefName: thrown })).items.length === 2, { what: 'the WfRun to throw both events' });

    await page.goto(`${server.url}/#/wf-specs`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Events', exact: true }).click();
    const defs = page.getByRole('table', { name: 'WorkflowEventDefs' });
    await defs.getByRole('link', { name: thrown }).click();
    await page.waitForURL(/workflowEventDefName=/);

    const events = page.getByRole('table', { name: `WorkflowEvents of ${thrown}` });
    await expect.poll(() => events.getByRole('row').count()).toBe(3); // the heading and two events
    const eventRow = (number: number) => events.getByRole('row').filter({ has: page.getByRole('cell', { name: String(number), exact: true }) });
    // Each names the THROW_EVENT NodeRun that threw it (after the entrypoint at 0), and the link opens that NodeRun.
    expect(await oneLine(eventRow(0))).toContain(`${run.id} 0 NodeRun 0/1 "saddle"`);
    expect(await oneLine(eventRow(1))).toContain(`${run.id} 1 NodeRun 0/2 {"shipped":true}`);
    expect(await eventRow(0).innerText()).toContain(String(new Date().getFullYear()));
    expect(await eventRow(0).getByRole('link', { name: run.id }).getAttribute('href')).toBe(`#/wf-runs/${run.id}?node=0%2F1`);
    await expect(unnamedRoles(page)).resolves.toEqual([]);
    await page.screenshot({ path: `${screenshots}workflow-events.png`, fullPage: true });

    // The WfRun link opens the WfRun that threw it, at the NodeRun.
    await eventRow(1).getByRole('link', { name: run.id }).click();
    await page.getByTestId('wf-run-id').getByText(run.id).waitFor();
    expect(page.url()).toContain('node=0%2F2');
    await page.getByTestId('node-run-details').waitFor();
    await page.goBack();
    await expect.poll(() => events.getByRole('row').count()).toBe(3);

    await page.getByRole('button', { name: `Delete WorkflowEventDef ${thrown}` }).click();
    const question = page.getByRole('alertdialog', { name: `Delete WorkflowEventDef ${thrown}?` });
    await question.getByText('the WorkflowEvents already thrown stay').waitFor();
    await expect(unnamedRoles(page)).resolves.toEqual([]);
    expect(await client.workflowEventDef(thrown)).not.toBeNull();
    await question.getByRole('button', { name: 'Confirm delete' }).click();
    await page.getByRole('status').getByText(`Deleted WorkflowEventDef ${thrown}.`).waitFor();
    await defs.getByRole('link', { name: thrown }).waitFor({ state: 'detached' });
    expect(new URL(page.url()).hash).not.toContain('workflowEventDefName');
    expect(await client.workflowEventDef(thrown)).toBeNull();
    expect((await client.workflowEventDefs({ first: 500 })).items.map((d) => d.name)).not.toContain(thrown);
    // As the question said, what was thrown stays.
    expect((await client.searchWorkflowEvents({ workflowEventDefName: thrown })).items).toHaveLength(2);
    await page.screenshot({ path: `${screenshots}deleted-workflow-event-def.png`, fullPage: true });
    expect(browser.pageErrors).toEqual([]);
  });

  it('keeps the def lists to the page’s width when a description or a label is one very long word', async () => {
    const { page, client, server, browser } = ctx;
    const long = `a0-dl-long-${suffix}`;
    const word = (c: string) => c.repeat(100_000);
    await client.putUserTaskDef({ name: long, description: word('d'), fields: [{ name: 'f', type: 'STR', displayName: word('l') }] });
    await client.putTaskDef({ name: long, description: word('t') });
    const pages = [
      [`#/user-task-defs?prefix=${long}`, 'user-task-defs-table'],
      [`#/task-defs?prefix=${long}`, 'task-defs-table'],
    ] as const;
    for (const [route, testid] of pages) {
      await page.goto(`${server.url}/${route}`);
      const row = page.getByTestId(testid).getByRole('row').nth(1);
      await row.getByText(long, { exact: true }).waitFor();
      // Cut to a line's worth, whole in the title.
      const description = row.locator('[title]').first();
      expect((await description.innerText()).length).toBe(200);
      expect((await description.getAttribute('title'))?.length).toBe(100_000);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    }
    // A name of 128 letters, the longest there is, breaks too rather than pushing the counts off the page.
    const longName = `a0dl${'n'.repeat(124)}`;
    await client.putTaskDef({ name: longName });
    await page.goto(`${server.url}/#/task-defs?prefix=${longName}`);
    await page.getByTestId('task-defs-table').getByText(longName, { exact: true }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await expect.poll(() => page.getByRole('link', { name: `0 TaskRuns of ${longName} waiting` }).isVisible()).toBe(true);
    // A full-page screenshot needs a page of a size Chromium can draw: this one failed at 1,471,114 px wide.
    await page.screenshot({ path: `${screenshots}task-defs-long-description.png`, fullPage: true });
    expect(browser.pageErrors).toEqual([]);
  });

  it('narrows the UserTaskDefs to the names that start with what is typed in the filter', async () => {
    const { page, client, server, browser } = ctx;
    for (const name of [kept, left]) await client.putUserTaskDef({ name, fields: [{ name: 'approved', type: 'BOOL' }] });

    await page.goto(`${server.url}/#/user-task-defs`);
    const table = page.getByRole('table', { name: 'UserTaskDef versions' });
    const filter = page.getByRole('form', { name: 'Filter UserTaskDefs' });
    await filter.getByRole('searchbox', { name: 'Name starts with' }).fill(kept.slice(0, -2));
    await filter.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(new RegExp(`#/user-task-defs\\?prefix=${kept.slice(0, -2)}$`));
    await expect.poll(() => table.getByRole('row').count()).toBe(2); // the heading and the one kept
    expect(await oneLine(table.getByRole('row').nth(1))).toContain(`${kept} v0`);
    await expect(unnamedRoles(page)).resolves.toEqual([]);

    // A prefix no name has says so.
    await filter.getByRole('searchbox', { name: 'Name starts with' }).fill(`${kept}-none`);
    await filter.getByRole('button', { name: 'Filter' }).click();
    await page.getByText(`No UserTaskDef's name starts with ${kept}-none`).waitFor();
    expect(browser.pageErrors).toEqual([]);
  });

  it('narrows the WorkflowEventDefs with their own filter, which the ExternalEventDefs filter leaves alone', async () => {
    const { page, client, server, browser } = ctx;
    for (const name of [kept, left]) {
      await client.putWorkflowEventDef({ name });
      await client.putExternalEventDef({ name });
    }

    await page.goto(`${server.url}/#/external-events?prefix=dl-filter-${suffix}`);
    const defs = page.getByRole('table', { name: 'WorkflowEventDefs' });
    const externalDefs = page.getByRole('table', { name: 'ExternalEventDefs' });
    await expect.poll(() => externalDefs.getByRole('row').count()).toBe(3);
    const filter = page.getByRole('form', { name: 'Filter WorkflowEventDefs' });
    await filter.getByRole('searchbox', { name: 'Name starts with' }).fill(kept.slice(0, -2));
    await filter.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/workflowEventDefPrefix=/);
    await expect.poll(() => defs.getByRole('row').count()).toBe(2); // the heading and the one kept
    expect(await defs.getByRole('row').nth(1).getByRole('link').innerText()).toBe(kept);
    // The other list keeps its own prefix, and both filters show what they hold.
    expect(await externalDefs.getByRole('row').count()).toBe(3);
    expect(await page.getByRole('form', { name: 'Filter ExternalEventDefs' }).getByRole('searchbox').inputValue()).toBe(`dl-filter-${suffix}`);
    expect(await filter.getByRole('searchbox').inputValue()).toBe(kept.slice(0, -2));
    await expect(unnamedRoles(page)).resolves.toEqual([]);
    await page.screenshot({ path: `${screenshots}workflow-event-defs-filtered.png`, fullPage: true });

    // Opening a def keeps both filters.
    await defs.getByRole('link', { name: kept }).click();
    await page.waitForURL(/workflowEventDefName=/);
    const query = new URLSearchParams(new URL(page.url()).hash.split('?')[1]);
    expect(Object.fromEntries(query)).toEqual({ workflowEventDefName: kept, prefix: `dl-filter-${suffix}`, workflowEventDefPrefix: kept.slice(0, -2) });
    await page.getByRole('heading', { name: `WorkflowEvents of ${kept}` }).waitFor();
    expect(await defs.getByRole('row').count()).toBe(2);
    expect(browser.pageErrors).toEqual([]);
  });
});
