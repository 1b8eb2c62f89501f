import { fileURLToPath } from 'node:url';
import { TaskWorker, Workflow } from '@gallop/sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unnamedRoles } from '../support/browser.ts';
import { setupBrowserTest } from '../support/browser-test.ts';
import { waitFor } from '../support/wait.ts';

// Issue 7, for people: every page, in the light and dark schemes the system asks for, with a name on every
// control, reached and used from the keyboard alone. A screenshot of each page lands in screenshots/pages/.
const screenshots = fileURLToPath(new URL('./screenshots/pages/', import.meta.url));
const suffix = Date.now().toString(36);
const task = `pg-task-${suffix}`;
const event = `pg-event-${suffix}`;
const form = `pg-form-${suffix}`;

describe('every page', () => {
  const ctx = setupBrowserTest({ screenshots, dark: true });
  let worker: TaskWorker;
  let wfRunId = '';
  let wfSpecName = '';

  beforeAll(async () => {
    const { client } = ctx;
    await client.putTaskDef({ name: task, inputVars: [{ name: 'n', type: 'INT' }], returnType: 'INT' });
    await client.putExternalEventDef({ name: event });
    await client.putUserTaskDef({ name: form, fields: [{ name: 'ok', type: 'BOOL', required: true }] });
    worker = new TaskWorker({ client, taskDefName: task, pollWaitMs: 1_000, fn: (input) => Number(input.n) * 2 });
    void worker.start();
    const wfSpec = new Workflow(`pg-tour-${suffix}`, (wf) => {
      const n = wf.declareInt('n').required().searchable();
      wf.execute(task, n);
      wf.doIf(wf.condition(n, 'GREATER_THAN', 1), (t) => void t.waitForEvent(event));
      wf.assignUserTask(form, { userGroup: 'ops' });
    });
    await wfSpec.register(client);
    wfSpecName = wfSpec.name;
    wfRunId = (await client.runWf({ wfSpecName, variables: { n: 2 } })).id;
    await client.putExternalEvent({ wfRunId, externalEventDefName: event, content: 'go' });
    await waitFor(async () => (await client.searchUserTaskRuns({ userTaskDefName: form })).items.length === 1, { what: 'the user task' });
  });

  afterAll(async () => {
    await worker?.stop();
  });

  /** Each page by route, with what shows it has loaded. */
  const pages = () => [
    { name: 'wf-specs', route: `#/wf-specs?prefix=${wfSpecName}`, ready: (p: Page) => p.getByTestId('wf-specs-table') },
    { name: 'wf-runs', route: `#/wf-runs?wfSpecName=${wfSpecName}`, ready: (p: Page) => p.getByTestId('wf-runs-table') },
    { name: 'wf-run', route: `#/wf-runs/${wfRunId}?node=0%2F1`, ready: (p: Page) => p.getByTestId('node-run-details') },
    { name: 'node-runs', route: '#/node-runs?status=RUNNING&since=1h', ready: (p: Page) => p.getByTestId('node-runs-table') },
    { name: 'task-defs', route: `#/task-defs?prefix=${task}`, ready: (p: Page) => p.getByTestId('task-defs-table') },
    { name: 'task-runs', route: `#/task-runs?taskDefName=${task}`, ready: (p: Page) => p.getByTestId('task-runs-table') },
    { name: 'external-events', route: `#/external-events?prefix=${event}&externalEventDefName=${event}`, ready: (p: Page) => p.getByTestId('external-events-table') },
    { name: 'user-tasks', route: '#/user-tasks?userGroup=ops', ready: (p: Page) => p.getByTestId('user-tasks-table') },
    { name: 'user-task-defs', route: '#/user-task-defs', ready: (p: Page) => p.getByTestId('user-task-defs-table') },
    { name: 'editor', route: `#/editor/${wfSpecName}`, ready: (p: Page) => p.getByRole('textbox', { name: 'WfSpec name' }) },
    { name: 'not-found', route: '#/nowhere', ready: (p: Page) => p.getByRole('heading', { name: 'Page not found' }) },
  ];

  it('draws each page in the light scheme and in the dark one the system asks for, every control named', async () => {
    const { server, browser: light, dark } = ctx;
    for (const [scheme, session] of [['light', light], ['dark', dark]] as const) {
      const { page } = session;
      for (const { name, route, ready } of pages()) {
        await page.goto(`${server.url}/${route}`);
        await ready(page).first().waitFor();
        expect(await unnamedRoles(page), `${name} (${scheme})`).toEqual([]);
        await page.evaluate(() => window.scrollTo(0, 0)); // a page that scrolled a panel into view draws from the top
        await page.screenshot({ path: `${screenshots}${name}-${scheme}.png`, fullPage: true });
      }
      // The scheme is the system's: the page's background follows it.
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(background).toBe(scheme === 'dark' ? 'rgb(15, 17, 21)' : 'rgb(246, 247, 249)');
      expect(session.pageErrors).toEqual([]);
    }
  });

  it('is used from the keyboard: skip to the page, follow links, open a NodeRun, act', async () => {
    const { page, server, browser: light } = ctx;
    await page.goto('about:blank'); // a fresh document: focus starts at its top, not where the last test left it
    await page.goto(`${server.url}/#/wf-runs?wfSpecName=${wfSpecName}`);
    await page.getByTestId('wf-runs-table').waitFor();

    // The first Tab offers to skip the navigation; Enter puts focus on the page itself.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('MAIN');

    // Tab until the WfRun's link has focus, then Enter opens it.
    await tabTo(page, { text: wfRunId });
    await page.keyboard.press('Enter');
    await page.getByTestId('wf-run-id').getByText(wfRunId).waitFor();

    // A NodeRun's details open from its name in the table.
    await tabTo(page, { labelPrefix: 'Details of NodeRun 0/1' });
    await page.keyboard.press('Enter');
    await page.getByTestId('node-run-details').waitFor();

    // The user task's form: choose, type, submit, all by keys.
    await tabTo(page, { labelPrefix: 'ok' });
    await page.keyboard.press('ArrowDown'); // '—' → 'true'
    await page.keyboard.press('Tab');
    await page.keyboard.type('kim');
    await tabTo(page, { text: 'Complete' });
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="wf-run-status"][data-status="COMPLETED"]').waitFor();
    expect(light.pageErrors).toEqual([]);
  });
});

/** What the focused element should be: its text, or the start of its accessible label. */
interface Target {
  readonly text?: string;
  readonly labelPrefix?: string;
}

/** Presses Tab until the focused element is `target`, at most 200 times. */
async function tabTo(page: Page, target: Target): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const found = await page.evaluate(({ text, labelPrefix }) => {
      const el = document.activeElement;
      if (!el) return false;
      if (text !== undefined && el.textContent?.trim() === text) return true;
      return labelPrefix !== undefined && (el.getAttribute('aria-label') ?? '').startsWith(labelPrefix);
    }, target);
    if (found) return;
  }
  throw new Error(`Tab never reached ${JSON.stringify(target)}`);
}
