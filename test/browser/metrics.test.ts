import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TaskWorker, Workflow } from '@gallop/sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestServer } from '../../server/test/harness.ts';
import type { TestServer } from '../../server/test/harness.ts';
import { launchBrowser, unnamedRoles } from '../support/browser.ts';
import type { BrowserSession } from '../support/browser.ts';
import { waitFor } from '../support/wait.ts';

// LittleHorse's metrics windows in the UI: a WfSpec's WfRuns and a TaskDef's TaskRuns per window, charted with
// their totals and times. The server runs in this process, so the test writes the counted windows at once
// (`metricWindows.flush()`) instead of waiting for the 5-second flush.
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const uiDir = fileURLToPath(new URL('../../ui/dist/', import.meta.url));
const suffix = Date.now().toString(36);
const task = `mt-double-${suffix}`;
const flow = `mt-flow-${suffix}`;

/** The figure a metrics panel shows under `key` (`totalStarted`, `startToCompleteAvgMs`, ...). */
const figure = (panel: ReturnType<Page['getByTestId']>, key: string) => panel.getByTestId(`metric-${key}`);

describe('metrics', () => {
  let server: TestServer;
  let browser: BrowserSession;
  let worker: TaskWorker;
  let firstVersion = '';

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    server = await startTestServer(inject('databaseUrl'), { uiDir });
    const { client } = server;
    browser = await launchBrowser({ viewport: { width: 1280, height: 1000 } });
    await client.putTaskDef({ name: task, inputVars: [{ name: 'n', type: 'INT' }], returnType: 'INT' });
    // n = 3 fails its only attempt, and its WfRun with it.
    worker = new TaskWorker({
      client,
      taskDefName: task,
      pollWaitMs: 1_000,
      fn: (input) => (input.n === 3 ? Promise.reject(new Error('three is right out')) : Number(input.n) * 2),
    });
    void worker.start();

    // Three WfRuns on the first version (one fails), one on a second (another variable makes a new major version).
    const first = await new Workflow(flow, (wf) => void wf.execute(task, wf.declareInt('n').required())).register(client);
    firstVersion = `${first.majorVersion}.${first.revision}`;
    const runs: { id: string }[] = [];
    for (const n of [1, 2, 3]) runs.push(await client.runWf({ wfSpecName: flow, majorVersion: first.majorVersion, revision: first.revision, variables: { n } }));
    await new Workflow(flow, (wf) => {
      wf.declareStr('label');
      wf.execute(task, wf.declareInt('n').required());
    }).register(client);
    runs.push(await client.runWf({ wfSpecName: flow, variables: { n: 4 } }));
    await waitFor(
      async () => {
        const statuses = await Promise.all(runs.map(async (r) => (await client.wfRun(r.id))?.status));
        return statuses.join() === 'COMPLETED,COMPLETED,ERROR,COMPLETED';
      },
      { what: 'the WfRuns to end', timeoutMs: 30_000 },
    );
    await server.app.services.metricWindows.flush();
  }, 240_000);

  afterAll(async () => {
    await worker?.stop();
    await browser?.close();
    await server?.close();
  });

  it('charts a WfSpec version’s WfRuns per window, with totals and start-to-complete times', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/#/wf-specs?prefix=${flow}`);
    await page.getByRole('link', { name: `Metrics of ${flow} v${firstVersion}`, exact: true }).click();
    await page.waitForURL(new RegExp(`metrics=${flow}&version=${firstVersion.replace('.', '\\.')}`));
    const panel = page.getByTestId('wf-spec-metrics');
    await panel.getByRole('heading', { name: `Metrics of ${flow}` }).waitFor();
    // The panel takes focus, so a reader who opened it from a row lands on it.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('metrics-heading');

    await expect.poll(() => figure(panel, 'totalStarted').innerText()).toBe('3');
    expect(await figure(panel, 'totalCompleted').innerText()).toBe('2');
    expect(await figure(panel, 'totalErrored').innerText()).toBe('1');
    expect(await figure(panel, 'startToCompleteAvgMs').innerText()).toMatch(/^\d+(\.\d)? (ms|s)$/);
    expect(await figure(panel, 'startToCompleteAvgMs-detail').innerText()).toMatch(/^longest \d+(\.\d)? (ms|s)$/);

    // 24 windows of 5 minutes, the empty ones too, and bars for what happened; the chart's name says it in words.
    const chart = panel.getByRole('img', { name: /^Bar chart of WfRuns per 5 minutes over the last 2 hours: 3 started, 2 completed, 1 errored/ });
    await chart.waitFor();
    expect(await panel.getByTestId('metrics-window').count()).toBe(24);
    const bars = panel.getByTestId('metrics-bar');
    const values = async (series: string) =>
      (await panel.locator(`[data-testid="metrics-bar"][data-series="${series}"]`).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))))).reduce((a, b) => a + b, 0);
    expect(await bars.count()).toBeGreaterThanOrEqual(3);
    expect([await values('totalStarted'), await values('totalCompleted'), await values('totalErrored')]).toEqual([3, 2, 1]);
    const box = await bars.first().boundingBox();
    expect(box?.height).toBeGreaterThan(10);

    // The same windows as a table, for whoever cannot see the bars.
    await panel.getByText('Windows as a table').click();
    const table = panel.getByRole('table', { name: 'WfRuns per 5 minutes' });
    expect(await table.getByRole('row').count()).toBeGreaterThanOrEqual(2);
    expect(await unnamedRoles(page)).toEqual([]);
    await page.screenshot({ path: `${screenshots}wf-spec-metrics.png`, fullPage: true });

    // Every version: the second version's WfRun joins in.
    await panel.getByRole('combobox', { name: 'Version' }).selectOption('');
    await page.waitForURL((url) => !url.hash.includes('version='));
    await expect.poll(() => figure(panel, 'totalStarted').innerText()).toBe('4');
    expect(await figure(panel, 'totalCompleted').innerText()).toBe('3');
    expect(await figure(panel, 'totalErrored').innerText()).toBe('1');

    // Days: 30 windows, the same totals, and the choice kept in the URL.
    await panel.getByRole('combobox', { name: 'Window' }).selectOption('DAYS_1');
    await page.waitForURL(/window=DAYS_1/);
    await panel.getByRole('img', { name: /^Bar chart of WfRuns per day over the last 30 days: 4 started, 3 completed, 1 errored/ }).waitFor();
    expect(await panel.getByTestId('metrics-window').count()).toBe(30);

    await panel.getByRole('link', { name: `Close the metrics of ${flow}` }).click();
    await panel.waitFor({ state: 'detached' });
    expect(browser.pageErrors).toEqual([]);
  });

  it('charts a TaskDef’s TaskRuns per window, with how long they waited and ran', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/#/task-defs?prefix=${task}`);
    await page.getByRole('link', { name: `Metrics of ${task}`, exact: true }).click();
    await page.waitForURL(new RegExp(`metrics=${task}`));
    const panel = page.getByTestId('task-def-metrics');
    await panel.getByRole('heading', { name: `Metrics of ${task}` }).waitFor();

    await expect.poll(() => figure(panel, 'totalScheduled').innerText()).toBe('4');
    expect(await figure(panel, 'totalStarted').innerText()).toBe('4');
    expect(await figure(panel, 'totalCompleted').innerText()).toBe('3');
    expect(await figure(panel, 'totalErrored').innerText()).toBe('1');
    expect(await figure(panel, 'scheduleToStartAvgMs').innerText()).toMatch(/^\d+(\.\d)? (ms|s)$/);
    expect(await figure(panel, 'startToCompleteAvgMs').innerText()).toMatch(/^\d+(\.\d)? (ms|s)$/);

    await panel.getByRole('img', { name: /^Bar chart of TaskRuns per 5 minutes over the last 2 hours: 4 scheduled, 3 completed, 1 errored/ }).waitFor();
    expect(await panel.getByTestId('metrics-bar').count()).toBeGreaterThanOrEqual(3);
    expect(await unnamedRoles(page)).toEqual([]);
    await page.screenshot({ path: `${screenshots}task-def-metrics.png`, fullPage: true });

    // Another run of the TaskDef shows after a refresh, once the server has written its counts.
    await server.client.runWf({ wfSpecName: flow, variables: { n: 5 } });
    await waitFor(
      async () => {
        await server.app.services.metricWindows.flush();
        const since = new Date(Date.now() - 2 * 86_400_000).toISOString();
        const days = await server.client.taskDefMetrics({ taskDefName: task, windowLength: 'DAYS_1', since });
        return days.items.reduce((sum, w) => sum + w.totalCompleted, 0) === 4;
      },
      { what: 'the fifth TaskRun to be counted', intervalMs: 100 },
    );
    await panel.getByRole('button', { name: 'Refresh metrics', exact: true }).click();
    await expect.poll(() => figure(panel, 'totalScheduled').innerText()).toBe('5');
    expect(browser.pageErrors).toEqual([]);
  });
});
