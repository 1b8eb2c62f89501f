import { fileURLToPath } from 'node:url';
import { Workflow } from '@gallop/sdk';
import type { Locator, Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { liveSocket, oneLine, rows, unnamedRoles } from '../support/browser.ts';
import { setupBrowserTest } from '../support/browser-test.ts';
import { waitFor } from '../support/wait.ts';

// The Events page stays live: what is sent, thrown and taken while it is open shows without Refresh, read again
// in place (the pages loaded stay loaded) and about once a second however much happens.
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const suffix = Date.now().toString(36);
// Under the slow read (every 15 s) the page also does: what shows sooner came by a WfRun's change notice.
const LIVE_MS = 8_000;

/** Opens `route` as a fresh page load, so its socket is its own, and waits for `ready` and the live socket. */
async function open(page: Page, route: string, ready: Locator): Promise<void> {
  await page.goto('about:blank');
  await page.goto(route);
  await ready.waitFor();
  await liveSocket(page);
}

describe('the Events page, live', () => {
  const ctx = setupBrowserTest({ screenshots, viewport: { width: 1280, height: 900 } });

  it('shows ExternalEvents as they are received and claimed, reading again at most about once a second, in place', async () => {
    const { page, client, server, browser } = ctx;
    const def = `el-signal-${suffix}`;
    const elsewhere = `el-elsewhere-${suffix}`;
    await client.putExternalEventDef({ name: def });
    await client.putExternalEventDef({ name: elsewhere });
    const waits = new Workflow(`el-waits-${suffix}`, (wf) => void wf.waitForEvent(def));
    // Waits for another def, so events of `def` sent to it stay unclaimed; each still changes the WfRun.
    const idles = new Workflow(`el-idles-${suffix}`, (wf) => void wf.waitForEvent(elsewhere));
    await waits.register(client);
    await idles.register(client);
    const run = await client.runWf({ wfSpecName: waits.name });
    const idle = await client.runWf({ wfSpecName: idles.name });

    await open(page, `${server.url}/#/external-events?prefix=${def}&externalEventDefName=${def}`, page.getByText(`No ExternalEvents of ${def}`));

    // Claimed at once by the waiting node: the row shows with the NodeRun that took it.
    await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: def, content: { approved: true } });
    const claimed = rows(page, 'external-events-table').filter({ hasText: run.id });
    await claimed.waitFor({ timeout: LIVE_MS });
    expect(await oneLine(claimed)).toContain('{"approved":true} by NodeRun 0/1');

    // A burst: 110 events, each a change of `idle`. The list is read about once a second, not once per event.
    const reads: number[] = [];
    const counted = (request: Request) => {
      if (request.postData()?.includes('query ExternalEvents(')) reads.push(Date.now());
    };
    page.on('request', counted);
    const started = Date.now();
    for (let n = 0; n < 110; n++) await client.putExternalEvent({ wfRunId: idle.id, externalEventDefName: def, content: n });
    const seconds = (Date.now() - started) / 1000;
    const loadMore = page.getByRole('button', { name: 'Load more ExternalEvents' });
    await loadMore.waitFor({ timeout: LIVE_MS });
    // The last read of the burst may wait out its second.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    page.off('request', counted);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.length).toBeLessThanOrEqual(Math.ceil(seconds) + 2);

    // One more while a full page is loaded: the rows move down one, as many as before, and scrolling through them
    // draws each once (a row kept under its old place would repeat).
    await client.putExternalEvent({ wfRunId: idle.id, externalEventDefName: def, content: 'shifted' });
    await rows(page, 'external-events-table').first().getByText('"shifted"').waitFor({ timeout: LIVE_MS });
    // Scrolled to the end, the reader loads the second page.
    for (let top = 0; top < 6_000; top += 300) {
      await page.evaluate((y) => window.scrollTo(0, y), top);
      await page.waitForTimeout(30);
    }
    await page.getByText('112 ExternalEvents', { exact: true }).waitFor();
    expect(browser.pageErrors).toEqual([]);

    // Both pages are read again when one more comes: they stay loaded, and the reader where they were.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const scrolled = await page.evaluate(() => window.scrollY);
    expect(scrolled).toBeGreaterThan(1_000);
    await client.putExternalEvent({ wfRunId: idle.id, externalEventDefName: def, content: 'one more' });
    await page.getByText('113 ExternalEvents', { exact: true }).waitFor({ timeout: LIVE_MS });
    expect(Math.abs((await page.evaluate(() => window.scrollY)) - scrolled)).toBeLessThan(200);
    expect(await page.getByText('Loading ExternalEvents…').count()).toBe(0);
    expect(browser.pageErrors).toEqual([]);
  });

  it('shows a WorkflowEvent as a WfRun started meanwhile throws it', async () => {
    const { page, client, server, browser } = ctx;
    const thrown = `el-thrown-${suffix}`;
    await client.putWorkflowEventDef({ name: thrown });
    const thrower = new Workflow(`el-thrower-${suffix}`, (wf) => {
      const order = wf.declareStr('order').required();
      wf.throwEvent(thrown, order);
    });
    await thrower.register(client);

    const card = page.getByRole('region', { name: `WorkflowEvents of ${thrown}` });
    await open(page, `${server.url}/#/external-events?workflowEventDefPrefix=${thrown}&workflowEventDefName=${thrown}`, card.getByText(`No WorkflowEvents of ${thrown} yet`));
    // Live: nothing to press, though Refresh is there for a reader who asks anyway.
    expect(await card.getByRole('button', { name: 'Refresh' }).count()).toBe(1);

    const run = await client.runWf({ wfSpecName: thrower.name, variables: { order: 'saddle' } });
    const row = rows(page, 'workflow-events-table').filter({ hasText: run.id });
    await row.waitFor({ timeout: LIVE_MS });
    expect(await oneLine(row)).toContain(`${run.id} 0 NodeRun 0/1 "saddle"`);
    expect(browser.pageErrors).toEqual([]);
  });

  it('shows a CorrelatedEvent taken by the WfRun waiting with its key, and the ExternalEvent it became', async () => {
    const { page, client, server, browser } = ctx;
    const def = `el-order-${suffix}`;
    await client.putExternalEventDef({ name: def, correlatedEventConfig: { ttlSeconds: 3600 } });
    const spec = new Workflow(`el-waits-key-${suffix}`, (wf) => void wf.waitForEvent(def, { correlationKey: 'k-live' }));
    await spec.register(client);
    const run = await client.runWf({ wfSpecName: spec.name });

    const card = page.getByRole('region', { name: `CorrelatedEvents of ${def}` });
    await open(page, `${server.url}/#/external-events?prefix=${def}&externalEventDefName=${def}`, card.getByText(`No CorrelatedEvents of ${def}`));

    // Sent through the SDK, not the card's form (which reads its list again itself).
    await client.putCorrelatedEvent({ key: 'k-live', externalEventDefName: def, content: { approved: true } });
    const row = rows(page, 'correlated-events-table').filter({ hasText: 'k-live' });
    const taker = row.getByRole('link', { name: run.id });
    await taker.waitFor({ timeout: LIVE_MS });
    expect(await taker.getAttribute('href')).toBe(`#/wf-runs/${run.id}?node=0%2F1`);
    const event = rows(page, 'external-events-table').filter({ hasText: run.id });
    await event.waitFor({ timeout: LIVE_MS });
    expect(await oneLine(event)).toContain('{"approved":true} by NodeRun 0/1');
    await waitFor(async () => (await client.wfRun(run.id))?.status === 'COMPLETED', { what: 'the WfRun waiting with k-live to complete' });

    await expect(unnamedRoles(page)).resolves.toEqual([]);
    await page.screenshot({ path: `${screenshots}correlated-events-taken.png`, fullPage: true });
    expect(browser.pageErrors).toEqual([]);
  });
});
