import { fileURLToPath } from 'node:url';
import { replay } from '@gallop/engine';
import type { WfRunEvent, WfSpec } from '@gallop/engine';
import { TaskWorker, Workflow } from '@gallop/sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unnamedRoles } from '../support/browser.ts';
import { setupBrowserTest } from '../support/browser-test.ts';
import { createDeferred } from '../support/wait.ts';

const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));

// Unique names, so the test does not care what else the server holds.
const suffix = Date.now().toString(36);
const taskDefName = `greet-${suffix}`;
const wfSpecName = `greeting-${suffix}`;

const spec: WfSpec = {
  name: wfSpecName,
  entrypointThreadName: 'entrypoint',
  threadSpecs: {
    entrypoint: {
      variableDefs: [
        { name: 'name', type: 'STR', required: true },
        { name: 'greeting', type: 'STR' },
      ],
      nodes: {
        '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: '1-greet-TASK' }] },
        '1-greet-TASK': {
          type: 'TASK',
          taskDefName,
          inputs: [{ type: 'VARIABLE', variableName: 'name' }],
          outgoingEdges: [
            {
              sinkNodeName: '2-exit-EXIT',
              variableMutations: [{ lhsName: 'greeting', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }],
            },
          ],
        },
        '2-exit-EXIT': { type: 'EXIT' },
      },
    },
  },
};

/** A graph node of the WfRun page once it shows `status`; waiting on it waits for the page to get there. */
const nodeWithStatus = (page: Page, nodeName: string, status: string) =>
  page.locator(`[data-testid="node-${nodeName}"][data-status="${status}"]`);
const wfRunStatus = (page: Page, status: string) => page.locator(`[data-testid="wf-run-status"][data-status="${status}"]`);

describe('the WfRun page', () => {
  const ctx = setupBrowserTest({ screenshots });
  let worker: TaskWorker | undefined;

  beforeAll(async () => {
    const { client } = ctx;
    await client.putTaskDef({ name: taskDefName, inputVars: [{ name: 'name', type: 'STR' }], returnType: 'STR' });
    await client.putWfSpec(spec);
  });

  afterAll(async () => {
    await worker?.stop();
  });

  it('colours the task node RUNNING, then COMPLETED when the worker finishes, live and without a reload', async () => {
    const { page, client, server, browser } = ctx;
    const claimed = createDeferred();
    const release = createDeferred();
    worker = new TaskWorker({
      client,
      taskDefName,
      workerId: 'held-worker',
      pollWaitMs: 1000,
      fn: async (input) => {
        claimed.resolve();
        await release.promise;
        return `Hello, ${String(input.name)}!`;
      },
    });
    worker.start();
    const run = await client.runWf({ wfSpecName, variables: { name: 'Ada' } });

    await page.goto(`${server.url}/#/wf-runs/${run.id}`);
    await nodeWithStatus(page, '1-greet-TASK', 'RUNNING').waitFor();
    await nodeWithStatus(page, '0-entrypoint-ENTRYPOINT', 'COMPLETED').waitFor();
    await nodeWithStatus(page, '2-exit-EXIT', 'PENDING').waitFor();
    await wfRunStatus(page, 'RUNNING').waitFor();
    await expect(page.getByTestId('wf-run-id').textContent()).resolves.toBe(run.id);

    await claimed.promise;
    await page.screenshot({ path: `${screenshots}wf-run-running.png`, fullPage: true });
    // A marker on the window survives only if the page is never reloaded.
    await page.evaluate(() => Object.assign(window, { __gallopNoReload: true }));

    release.resolve();
    await nodeWithStatus(page, '1-greet-TASK', 'COMPLETED').waitFor();
    await nodeWithStatus(page, '2-exit-EXIT', 'COMPLETED').waitFor();
    await wfRunStatus(page, 'COMPLETED').waitFor();
    await page.getByTestId('variable-greeting').getByText('"Hello, Ada!"').waitFor();
    expect(await page.evaluate(() => (window as { __gallopNoReload?: boolean }).__gallopNoReload)).toBe(true);

    const attempt = page.getByRole('list', { name: `Attempts of ${taskDefName}` });
    await expect(attempt.textContent()).resolves.toContain('held-worker');
    await page.screenshot({ path: `${screenshots}wf-run-completed.png`, fullPage: true });
    await expect(unnamedRoles(page)).resolves.toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  }, 60_000);

  it('travels back in time: the moment chosen shows the node colours and variables a replay of that prefix gives', async () => {
    const { page, client, server } = ctx;
    // The WfRun of the first test, completed: its page shows it now.
    const [done] = (await client.searchWfRuns({ wfSpecName, status: 'COMPLETED' })).items;
    if (!done) throw new Error('No completed WfRun to travel through.');
    await page.goto(`${server.url}/#/wf-runs/${done.id}`);
    await wfRunStatus(page, 'COMPLETED').waitFor();
    const { wfRun } = await client.request<{ wfRun: { events: { seq: number; event: WfRunEvent }[] } }>(
      'query($id: ID!) { wfRun(id: $id) { events { seq event } } }',
      { id: done.id },
    );
    // The moment the task was scheduled: replayed here with the engine, and chosen on the page's timeline.
    const moment = wfRun.events.findIndex((e) => e.event.type === 'TaskRunScheduled') + 1;
    const then = replay(wfRun.events.slice(0, moment).map((e) => e.event));
    expect(then?.threadRuns[0]?.variables.greeting ?? null).toBeNull();
    await page.getByRole('slider', { name: 'Moment' }).fill(String(moment));
    await page.getByTestId('moment').getByText(`after event ${moment} of ${wfRun.events.length}`).waitFor();
    await nodeWithStatus(page, '1-greet-TASK', 'RUNNING').waitFor();
    await nodeWithStatus(page, '2-exit-EXIT', 'PENDING').waitFor();
    await expect(page.getByTestId('variable-greeting').textContent()).resolves.toContain(JSON.stringify(then?.threadRuns[0]?.variables.greeting ?? null));
    // The header describes the same moment: running then, not ended, and says which moment it is.
    await wfRunStatus(page, 'RUNNING').waitFor();
    await page.getByTestId('header-moment').getByText(`after event ${moment} of ${wfRun.events.length}`).waitFor();
    await page.getByTestId('wf-run-header').getByText('Not ended').waitFor();
    await page.screenshot({ path: `${screenshots}wf-run-time-travel.png`, fullPage: true });

    await page.getByRole('button', { name: 'Back to now' }).click();
    await wfRunStatus(page, 'COMPLETED').waitFor();
    await nodeWithStatus(page, '1-greet-TASK', 'COMPLETED').waitFor();
    await page.getByTestId('variable-greeting').getByText('"Hello, Ada!"').waitFor();
  });

  it('shows a WfRun whose log is longer than one read of it to its end', async () => {
    const { page, client, server, browser } = ctx;
    // 1,700 children that start and end at once: over 10,000 events, more than the page's query reads.
    const wide = new Workflow(`wide-${suffix}`, (wf) => {
      const items = wf.declareJsonArr('items').required();
      wf.waitForThreads(wf.spawnThreadForEach(items, 'child', () => {}, { inputType: 'INT' }));
    });
    await wide.register(client);
    const run = await client.runWf({ wfSpecName: wide.name, variables: { items: Array.from({ length: 1_700 }, (_, i) => i) } });
    expect(run.lastSeq).toBeGreaterThan(10_000);
    await page.goto(`${server.url}/#/wf-runs/${run.id}`);
    // The events past the query's page arrive one message each and are folded a frame's worth at a time (folded one
    // by one they took 20-35 s under the suite's load).
    await wfRunStatus(page, 'COMPLETED').waitFor({ timeout: 30_000 });
    await page.getByText(String(run.lastSeq), { exact: true }).first().waitFor();
    expect(browser.pageErrors).toEqual([]);
  }, 60_000);

  it('lists the WfRun under its WfSpec, and the WfSpec with a link to its WfRuns', async () => {
    const { page, server, browser } = ctx;
    // Other tests' WfSpecs share the database: the name filter finds this one.
    await page.goto(`${server.url}/#/wf-specs?prefix=${wfSpecName}`);
    const specLink = page.getByRole('link', { name: wfSpecName, exact: true });
    await specLink.waitFor();
    await page.screenshot({ path: `${screenshots}wf-specs.png`, fullPage: true });
    await expect(unnamedRoles(page)).resolves.toEqual([]);

    await specLink.click();
    await page.getByTestId('wf-runs-table').waitFor();
    expect(new URL(page.url()).hash).toBe(`#/wf-runs?wfSpecName=${wfSpecName}`);
    const rows = page.getByTestId('wf-runs-table').locator('tbody tr');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().textContent()).resolves.toContain('Completed');
    await page.screenshot({ path: `${screenshots}wf-runs.png`, fullPage: true });
    await expect(unnamedRoles(page)).resolves.toEqual([]);

    await rows.first().getByRole('link').first().click();
    await wfRunStatus(page, 'COMPLETED').waitFor();
    expect(browser.pageErrors).toEqual([]);
  }, 60_000);

  it('says so when the WfRun does not exist', async () => {
    const { page, server } = ctx;
    await page.goto(`${server.url}/#/wf-runs/no-such-run`);
    await page.getByText('No WfRun with this id').waitFor();
  }, 30_000);

  it('says the server cannot be reached when GraphQL requests fail', async () => {
    const { page, server } = ctx;
    await page.route('**/graphql', (route) => route.abort('connectionrefused'));
    try {
      await page.goto(`${server.url}/#/wf-runs`);
      await page.getByRole('alert').getByText('Cannot reach the Gallop server', { exact: true }).waitFor();
      await page.screenshot({ path: `${screenshots}server-unreachable.png` });
    } finally {
      await page.unroute('**/graphql');
    }
  }, 30_000);
});
