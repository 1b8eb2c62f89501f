import { fileURLToPath } from 'node:url';
import { TaskWorker, Workflow } from '@gallop/sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBrowserTest } from '../support/browser-test.ts';
import { waitFor } from '../support/wait.ts';

// Issue 7: fork a real WfRun into the browser's simulator at a moment, and see what a rescue, an event or a changed
// variable would do there before doing anything for real; the real WfRun stays as it was.
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const suffix = Date.now().toString(36);
const broken = `fk-broken-${suffix}`;
const big = `fk-big-${suffix}`;
const small = `fk-small-${suffix}`;
const go = `fk-go-${suffix}`;

const simStatus = (page: Page, status: string) => page.locator(`[data-testid="sim-status"][data-status="${status}"]`).waitFor();

describe('fork into the simulator', () => {
  const ctx = setupBrowserTest({ screenshots, viewport: { width: 1400, height: 1200 } });
  let worker: TaskWorker;

  beforeAll(async () => {
    const { client } = ctx;
    for (const name of [broken, big, small]) await client.putTaskDef({ name, returnType: 'STR' });
    await client.putExternalEventDef({ name: go });
    worker = new TaskWorker({ client, taskDefName: broken, pollWaitMs: 1_000, fn: () => Promise.reject(new Error('always down')) });
    void worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
  });

  it('shows what a rescue of a failed WfRun would do, and leaves the real one failed', async () => {
    const { page, client, server, browser } = ctx;
    const wfSpec = new Workflow(`fk-rescue-${suffix}`, (wf) => void wf.execute(broken));
    await wfSpec.register(client);
    const run = await client.runWf({ wfSpecName: wfSpec.name });
    await waitFor(async () => (await client.wfRun(run.id))?.status === 'ERROR', { what: 'the WfRun to fail' });
    const before = (await client.wfRun(run.id))?.nodeRuns.length;

    await page.goto(`${server.url}/#/wf-runs/${run.id}`);
    await page.getByRole('link', { name: 'Fork into simulator' }).click();
    await page.getByTestId('fork-banner').getByText(run.id).waitFor();
    await simStatus(page, 'ERROR');

    const sim = page.getByRole('region', { name: 'Simulator' });
    await sim.getByRole('button', { name: 'Rescue' }).click();
    await simStatus(page, 'RUNNING');
    // The rescued node dispatches its task again: answer it as a worker would.
    await sim.getByRole('button', { name: /^Complete 1-.*-TASK$/ }).click();
    await simStatus(page, 'COMPLETED');
    await page.screenshot({ path: `${screenshots}fork.png`, fullPage: true });

    const real = await client.wfRun(run.id);
    expect(real?.status).toBe('ERROR');
    expect(real?.nodeRuns.length).toBe(before);
    expect(browser.pageErrors).toEqual([]);
  });

  it('forks at an earlier moment, and a variable changed in the sandbox takes the other branch', async () => {
    const { page, client, server, browser } = ctx;
    const wfSpec = new Workflow(`fk-branch-${suffix}`, (wf) => {
      const amount = wf.declareInt('amount').required();
      wf.waitForEvent(go);
      wf.doIfElse(wf.condition(amount, 'GREATER_THAN', 100), (t) => void t.execute(big), (t) => void t.execute(small));
    });
    await wfSpec.register(client);
    const run = await client.runWf({ wfSpecName: wfSpec.name, variables: { amount: 40 } });
    await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: go });
    await waitFor(async () => (await client.wfRun(run.id))?.nodeRuns.some((n) => n.taskRun?.taskDefName === small) === true, { what: 'the small task' });

    // Back to the moment before the event came, then fork there.
    await page.goto(`${server.url}/#/wf-runs/${run.id}`);
    const { wfRun } = await client.request<{ wfRun: { events: { event: { type: string } }[] } }>('query($id: ID!) { wfRun(id: $id) { events { event } } }', { id: run.id });
    const waiting = wfRun.events.findIndex((e) => e.event.type === 'ExternalEventReceived');
    await page.goto(`${server.url}/#/wf-runs/${run.id}?at=${waiting}`);
    await page.getByRole('link', { name: 'Fork into simulator' }).click();
    const sim = page.getByRole('region', { name: 'Simulator' });
    await sim.getByRole('button', { name: `Send ${go}` }).waitFor();

    await sim.getByRole('textbox', { name: 'Variable name' }).fill('amount');
    await sim.getByRole('textbox', { name: 'Variable value (JSON)' }).fill('500');
    await sim.getByRole('button', { name: 'Set variable' }).click();
    await page.getByTestId('sim-variable-amount').getByText('500').waitFor();
    await sim.getByRole('button', { name: `Send ${go}` }).click();
    // The sandbox waits on the big task; the real WfRun went the small way and still does.
    await sim.getByRole('button', { name: new RegExp(`^Complete \\d+-${big}-TASK$`) }).waitFor();
    expect((await client.wfRun(run.id))?.variables.find((v) => v.name === 'amount')?.value).toBe(40);

    // A typed refusal: a value of the wrong type names the variable and its type.
    await sim.getByRole('textbox', { name: 'Variable value (JSON)' }).fill('"lots"');
    await sim.getByRole('button', { name: 'Set variable' }).click();
    await sim.getByRole('alert').getByText(/amount/).waitFor();
    expect(await sim.getByRole('alert').innerText()).toMatch(/INT/);
    expect(browser.pageErrors).toEqual([]);
  });
});
