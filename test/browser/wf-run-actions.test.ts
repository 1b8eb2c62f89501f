import { fileURLToPath } from 'node:url';
import { TaskWorker, Workflow } from '@gallop/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusIs, unnamedRoles } from '../support/browser.ts';
import { setupBrowserTest } from '../support/browser-test.ts';
import { waitFor } from '../support/wait.ts';

// Issue 7's actions on the WfRun page, each done through the UI against a real server and checked against what
// the server then holds: events, stop and resume, rescue, user tasks, delete, and a refusal shown as typed.
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const suffix = Date.now().toString(36);
const go = `act-go-${suffix}`;
const form = `act-form-${suffix}`;
const flaky = `act-flaky-${suffix}`;

describe('actions on the WfRun page', () => {
  const ctx = setupBrowserTest({ screenshots, viewport: { width: 1280, height: 1400 } });
  let worker: TaskWorker;
  let failNext = true;

  beforeAll(async () => {
    const { client } = ctx;
    await client.putExternalEventDef({ name: go });
    await client.putUserTaskDef({
      name: form,
      fields: [
        { name: 'approved', type: 'BOOL', displayName: 'Approved?', required: true },
        { name: 'comment', type: 'STR', displayName: 'Comment' },
      ],
    });
    await client.putTaskDef({ name: flaky, returnType: 'STR' });
    // Fails the first attempt it is given, then succeeds: a WfRun that ends in ERROR and can be rescued.
    worker = new TaskWorker({
      client,
      taskDefName: flaky,
      pollWaitMs: 1_000,
      fn: () => {
        if (failNext) {
          failNext = false;
          throw new Error('down for a moment');
        }
        return 'done';
      },
    });
    void worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
  });

  async function open(wfSpec: Workflow, variables: Record<string, never> = {}): Promise<string> {
    const { client, server, browser } = ctx;
    await wfSpec.register(client);
    const run = await client.runWf({ wfSpecName: wfSpec.name, variables });
    await browser.page.goto(`${server.url}/#/wf-runs/${run.id}`);
    await browser.page.getByTestId('wf-run-id').waitFor();
    return run.id;
  }

  it('sends an ExternalEvent the WfRun waits for', async () => {
    const { page, client } = ctx;
    const id = await open(new Workflow(`act-event-${suffix}`, (wf) => {
      const got = wf.declareJsonObj('got');
      got.assign(wf.waitForEvent(go));
    }));
    // The def the WfRun waits for is offered first, and chosen.
    await expect.poll(() => page.getByRole('combobox', { name: 'ExternalEventDef' }).inputValue()).toBe(go);
    await page.getByRole('textbox', { name: 'Event content (JSON)' }).fill('{"ok": true}');
    await page.getByRole('button', { name: 'Send event' }).click();
    await statusIs(page, 'COMPLETED');
    // Ended, it takes no event, and Stop and Resume have nothing to act on.
    for (const name of ['Send event', 'Stop', 'Resume']) await expect(page.getByRole('button', { name, exact: true }).isDisabled()).resolves.toBe(true);
    expect((await client.wfRun(id))?.variables.find((v) => v.name === 'got')?.value).toEqual({ ok: true });
  });

  it('stops after a confirmation, resumes, and deletes after a confirmation', async () => {
    const { page, client } = ctx;
    const id = await open(new Workflow(`act-stop-${suffix}`, (wf) => wf.sleepSeconds(3_600)));
    // Nothing was stopped: nothing to resume.
    await expect(page.getByRole('button', { name: 'Resume' }).getAttribute('title')).resolves.toBe('The WfRun was not stopped.');
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    // Nothing happens before the confirmation.
    expect((await client.wfRun(id))?.status).toBe('RUNNING');
    await page.getByRole('button', { name: 'Confirm stop' }).click();
    await statusIs(page, 'HALTED');
    await expect(page.getByRole('button', { name: 'Stop', exact: true }).isDisabled()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Resume' }).click();
    await statusIs(page, 'RUNNING');
    await page.screenshot({ path: `${screenshots}wf-run-actions.png`, fullPage: true });
    await expect(unnamedRoles(page)).resolves.toEqual([]);

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await page.waitForURL(/#\/wf-runs$/);
    expect(await client.wfRun(id)).toBeNull();
  });

  it('rescues a thread that failed with an ERROR, and the WfRun goes on', async () => {
    const { page, client } = ctx;
    const id = await open(new Workflow(`act-rescue-${suffix}`, (wf) => void wf.execute(flaky)));
    await statusIs(page, 'ERROR');
    await page.getByRole('button', { name: 'Rescue' }).click();
    await statusIs(page, 'COMPLETED');
    const attempts = (await client.wfRun(id))?.nodeRuns.flatMap((n) => n.taskRun?.attempts.map((a) => a.status) ?? []);
    expect(attempts).toEqual(['TASK_FAILED', 'TASK_SUCCESS']);
  });

  it('draws each ThreadRun of the WfRun on its own tab, coloured by its own NodeRuns', async () => {
    const { page } = ctx;
    await open(new Workflow(`act-threads-${suffix}`, (wf) => {
      const side = wf.spawnThread('side', (t) => t.sleepSeconds(3_600));
      wf.waitForThreads(side);
    }));
    await page.locator('[data-testid="node-2-threads-WAIT_FOR_THREADS"][data-status="RUNNING"]').waitFor();
    await page.getByRole('tab', { name: /^1 side/ }).click();
    await page.getByRole('figure', { name: /Graph of ThreadRun 1 \(side\)/ }).waitFor();
    await page.locator('[data-testid="node-1-sleep-SLEEP"][data-status="RUNNING"]').waitFor();
    await page.getByRole('tab', { name: /^0 entrypoint/ }).click();
    await page.locator('[data-testid="node-2-threads-WAIT_FOR_THREADS"][data-status="RUNNING"]').waitFor();
  });

  it('completes a user task from the form its UserTaskDef gives, after showing the refusal of a form left empty', async () => {
    const { page, client, browser } = ctx;
    const id = await open(new Workflow(`act-task-${suffix}`, (wf) => {
      const review = wf.declareJsonObj('review');
      review.assign(wf.assignUserTask(form, { userGroup: 'finance' }));
    }));
    const task = page.getByRole('form', { name: new RegExp(`^User task ${form}`) });
    await task.getByRole('button', { name: 'Complete' }).click();
    // The server's typed refusal, shown as it came: the required field is missing.
    await page.getByRole('alert').getByText(/ValidationError/).waitFor();
    expect((await client.wfRun(id))?.status).toBe('RUNNING');

    await task.getByRole('combobox', { name: 'Approved?' }).selectOption('true');
    await task.getByRole('textbox', { name: 'Comment' }).fill('Fine by me');
    await task.getByRole('textbox', { name: 'User id' }).fill('grace');
    await task.getByRole('button', { name: 'Complete' }).click();
    await statusIs(page, 'COMPLETED');
    expect((await client.wfRun(id))?.variables.find((v) => v.name === 'review')?.value).toEqual({ approved: true, comment: 'Fine by me' });
    await waitFor(async () => (await client.searchUserTaskRuns({ userId: 'grace', userTaskDefName: form })).items.length === 1, { what: 'the task to be grace’s' });
    expect(browser.pageErrors).toEqual([]);
  });
});
