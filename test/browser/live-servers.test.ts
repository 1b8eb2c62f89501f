import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TaskWorker, Workflow } from '@gallop/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, liveSocket, statusIs } from '../support/browser.ts';
import type { BrowserSession } from '../support/browser.ts';
import { startServer } from '../support/server.ts';
import type { ServerProcess } from '../support/server.ts';

// Issue 7: the UI stays live whichever server process causes a change, says so when its server goes away, and
// comes back by itself when the server does.
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const databaseUrl = inject('databaseUrl');
const suffix = Date.now().toString(36);
const go = `lv-go-${suffix}`;
const work = `lv-work-${suffix}`;

/** A port nothing listens on now, so a server can be started on it again after it stops. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

if (databaseUrl) {
  describe('the UI on one server process, the changes through another', () => {
    let a: ServerProcess;
    let b: ServerProcess;
    let browser: BrowserSession;
    let worker: TaskWorker | undefined;

    beforeAll(async () => {
      mkdirSync(screenshots, { recursive: true });
      [a, b] = await Promise.all([startServer({ databaseUrl }), startServer({ databaseUrl })]);
      browser = await launchBrowser();
      const viaB = b.client();
      await viaB.putTaskDef({ name: work, returnType: 'STR' });
      await viaB.putExternalEventDef({ name: go });
    }, 240_000);

    afterAll(async () => {
      await worker?.stop();
      await browser?.close();
      await Promise.all([a?.stop(), b?.stop()]);
    });

    it('shows a WfRun started, moved and finished through the other server, and the list of WfRuns, without a reload', async () => {
      const { page } = browser;
      const viaB = b.client();
      const wfSpec = new Workflow(`lv-two-${suffix}`, (wf) => {
        wf.waitForEvent(go);
        wf.execute(work);
      });
      await wfSpec.register(viaB);

      await page.goto(`${a.url}/#/wf-runs?wfSpecName=${wfSpec.name}`);
      await page.getByText('No WfRuns match this filter').waitFor();
      await liveSocket(page);
      const run = await viaB.runWf({ wfSpecName: wfSpec.name });
      await page.getByRole('table', { name: 'WfRuns' }).getByRole('link', { name: run.id }).click();

      await page.locator('[data-testid$="-EXTERNAL_EVENT"][data-status="RUNNING"]').waitFor();
      await viaB.putExternalEvent({ wfRunId: run.id, externalEventDefName: go });
      await page.locator('[data-testid$="-TASK"][data-status="RUNNING"]').waitFor();
      worker = new TaskWorker({ client: viaB, taskDefName: work, pollWaitMs: 1_000, fn: () => 'done' });
      void worker.start();
      await statusIs(page, 'COMPLETED');
      expect(browser.pageErrors).toEqual([]);
    });
  });
}

describe('when the server goes away and comes back', () => {
  let server: ServerProcess | undefined;
  let browser: BrowserSession;
  const dataDir = databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'gallop-ui-away-'));
  let port = 0;

  const start = () => startServer({ databaseUrl, ...(dataDir ? { dataDir } : {}), env: { PORT: String(port) } });
  // By address, not `localhost`: Chromium may try ::1 first, where another process can hold the same port number.
  const base = () => `http://127.0.0.1:${port}`;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    port = await freePort();
    server = await start();
    browser = await launchBrowser();
    const client = server.client();
    await client.putExternalEventDef({ name: go });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('says the live connection is lost, reconnects by itself, and folds what happened meanwhile', async () => {
    const { page } = browser;
    const wfSpec = new Workflow(`lv-away-${suffix}`, (wf) => void wf.waitForEvent(go));
    await wfSpec.register(server!.client());
    const run = await server!.client().runWf({ wfSpecName: wfSpec.name });
    await page.goto(`${base()}/#/wf-runs/${run.id}`);
    await page.locator('[data-testid$="-EXTERNAL_EVENT"][data-status="RUNNING"]').waitFor();

    await server!.stop();
    server = undefined;
    const banner = page.getByRole('alert').getByText('Lost the live connection to the server');
    await banner.waitFor();
    await page.screenshot({ path: `${screenshots}server-away.png` });

    server = await start();
    // The event is sent while the page may still be reconnecting: it arrives either way, and in order.
    await server.client().putExternalEvent({ wfRunId: run.id, externalEventDefName: go });
    await statusIs(page, 'COMPLETED');
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    expect(browser.pageErrors).toEqual([]);
  });

  it('shows a page that could not load while the server was away once it is back, without a reload', async () => {
    const { page } = browser;
    await page.goto(`${base()}/#/task-defs`);
    await page.getByTestId('task-defs-table').or(page.getByText('No TaskDefs yet')).first().waitFor();
    await server!.stop();
    server = undefined;
    // Within the page (the page itself needs no server): its requests fail, and it says so and keeps trying.
    await page.evaluate(() => (window.location.hash = '#/wf-specs'));
    await page.getByText('Cannot reach the Gallop server').waitFor();
    await page.getByText(/Trying again in \d s/).waitFor();

    server = await start();
    await page.getByTestId('wf-specs-table').waitFor({ timeout: 20_000 });
    expect(await page.getByText('Cannot reach the Gallop server').count()).toBe(0);
    expect(browser.pageErrors).toEqual([]);
  });
});
