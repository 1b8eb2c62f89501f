import { fileURLToPath } from 'node:url';
import { GallopClient, Workflow } from '@gallop/sdk';
import type { Locator, Page, Request, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { launchBrowser, liveSocket, rows, unnamedRoles } from '../support/browser.ts';
import type { BrowserSession } from '../support/browser.ts';
import { setupBrowserTest } from '../support/browser-test.ts';
import { startServer } from '../support/server.ts';
import type { ServerProcess } from '../support/server.ts';
import { waitFor } from '../support/wait.ts';

// A live list whose wfRunsChanged subscription the server ends says so beside the list and subscribes again after a
// pause; a refusal is said and not asked again. A live connection that comes back has the WfRuns page read again in
// place, keeping the rows loaded and the reader where they were.
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const suffix = Date.now().toString(36);
const LIVE_MS = 8_000;

/** The page's graphql-ws socket passed through to the server, for a test to end a subscription as the server does. */
interface SocketProxy {
  /** The ids of the wfRunsChanged subscriptions the page started, in order. */
  readonly subscribed: readonly string[];
  /** Ends the page's newest wfRunsChanged subscription at the server and tells the page: with `errors`, or complete. */
  end(errors?: readonly object[]): void;
  /** Closes the socket at both ends, as a lost connection does. */
  cut(): void;
}

/** Passes the page's graphql-ws sockets through; call before the page opens. */
async function proxySocket(page: Page): Promise<SocketProxy> {
  const subscribed: string[] = [];
  let current: { page: WebSocketRoute; server: WebSocketRoute } | undefined;
  await page.routeWebSocket(/\/graphql$/, (ws) => {
    const server = ws.connectToServer();
    current = { page: ws, server };
    ws.onMessage((message) => {
      const sent = JSON.parse(String(message)) as { id?: string; type: string; payload?: { query?: string } };
      if (sent.type === 'subscribe' && sent.id && sent.payload?.query?.includes('wfRunsChanged')) subscribed.push(sent.id);
      server.send(message);
    });
    server.onMessage((message) => ws.send(message));
  });
  return {
    subscribed,
    end(errors) {
      const id = subscribed.at(-1);
      if (!current || !id) throw new Error('The page has no wfRunsChanged subscription to end');
      current.server.send(JSON.stringify({ id, type: 'complete' }));
      current.page.send(JSON.stringify(errors ? { id, type: 'error', payload: errors } : { id, type: 'complete' }));
    },
    cut() {
      if (!current) throw new Error('The page has no socket to cut');
      // 1012, "service restart": one graphql-ws reconnects after.
      void current.page.close({ code: 1012, reason: 'cut by the test' });
      void current.server.close();
    },
  };
}

/** Opens `route` as a fresh page load, so its socket is its own, and waits for `ready` and the live socket. */
async function open(page: Page, route: string, ready: Locator): Promise<void> {
  await page.goto('about:blank');
  await page.goto(route);
  await ready.waitFor();
  await liveSocket(page);
}

/** A WfSpec with no nodes: each of its WfRuns completes as it starts, one change each. */
async function quickSpec(client: GallopClient, name: string): Promise<Workflow> {
  const spec = new Workflow(name, (wf) => void wf.declareStr('note'));
  await spec.register(client);
  return spec;
}

describe('live lists whose subscription ends', () => {
  const ctx = setupBrowserTest({ screenshots, viewport: { width: 1280, height: 900 } });

  it('say so when the server ends the WfRuns list’s subscription, and are live again after a pause', async () => {
    const { page, client, server, browser } = ctx;
    const spec = await quickSpec(client, `ll-ended-${suffix}`);
    const socket = await proxySocket(page);
    await open(page, `${server.url}/#/wf-runs?wfSpecName=${spec.name}`, page.getByText('No WfRuns match this filter'));
    await waitFor(() => socket.subscribed.length === 1, { what: 'the WfRuns page to subscribe' });
    const row = (id: string) => rows(page, 'wf-runs-table').filter({ hasText: id });
    const first = await client.runWf({ wfSpecName: spec.name });
    await row(first.id).waitFor({ timeout: LIVE_MS });

    socket.end();
    const notice = page.getByRole('region', { name: 'WfRuns', exact: true }).getByTestId('live-stopped');
    await notice.waitFor();
    expect(await notice.innerText()).toBe('Live updates stopped: the server ended them. Retrying…');
    await notice.screenshot({ path: `${screenshots}live-stopped-light.png` });
    await page.screenshot({ path: `${screenshots}live-stopped-page-light.png` });
    await page.emulateMedia({ colorScheme: 'dark' });
    await notice.screenshot({ path: `${screenshots}live-stopped-dark.png` });
    await page.screenshot({ path: `${screenshots}live-stopped-page-dark.png` });
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(unnamedRoles(page)).resolves.toEqual([]);

    // Started while nothing followed: read when the subscription is made again.
    const missed = await client.runWf({ wfSpecName: spec.name });
    await notice.waitFor({ state: 'detached', timeout: 15_000 });
    expect(socket.subscribed).toHaveLength(2);
    await row(missed.id).waitFor({ timeout: LIVE_MS });
    const later = await client.runWf({ wfSpecName: spec.name });
    await row(later.id).waitFor({ timeout: LIVE_MS });
    expect(browser.pageErrors).toEqual([]);
  });

  it('say a refusal on the Events page’s lists and do not ask again; the WorkflowEvents card can still be refreshed', async () => {
    const { page, client, server, browser } = ctx;
    const thrown = `ll-thrown-${suffix}`;
    await client.putWorkflowEventDef({ name: thrown });
    const thrower = new Workflow(`ll-thrower-${suffix}`, (wf) => void wf.throwEvent(thrown, wf.declareStr('order').required()));
    await thrower.register(client);
    const socket = await proxySocket(page);
    const card = page.getByRole('region', { name: `WorkflowEvents of ${thrown}` });
    await open(page, `${server.url}/#/external-events?workflowEventDefPrefix=${thrown}&workflowEventDefName=${thrown}`, card.getByText(`No WorkflowEvents of ${thrown} yet`));
    await waitFor(() => socket.subscribed.length === 1, { what: 'the Events page to subscribe' });

    const refusal = "Principal 'viewer' may not wfRunsChanged in tenant 'default': it needs READ on WF_RUN.";
    socket.end([{ message: refusal, extensions: { code: 'FORBIDDEN' } }]);
    const notice = card.getByTestId('live-stopped');
    await notice.waitFor();
    expect(await notice.innerText()).toBe(`Live updates stopped: ${refusal}`);
    await card.screenshot({ path: `${screenshots}live-refused-light.png` });
    await page.emulateMedia({ colorScheme: 'dark' });
    await card.screenshot({ path: `${screenshots}live-refused-dark.png` });
    await page.emulateMedia({ colorScheme: 'light' });

    // Not live: a WfRun throwing one now shows only when the reader asks. A change another test's WfRun made just
    // before the refusal may still have a read on its way (cues are gathered for up to a second): let it land first.
    await page.waitForTimeout(1_500);
    const run = await client.runWf({ wfSpecName: thrower.name, variables: { order: 'saddle' } });
    await waitFor(async () => (await client.wfRun(run.id))?.status === 'COMPLETED', { what: 'the thrower to complete' });
    // Past the pause after which an ended subscription is made again, and then some.
    await page.waitForTimeout(7_000);
    expect(socket.subscribed).toHaveLength(1);
    expect(await rows(page, 'workflow-events-table').count()).toBe(0);
    await notice.waitFor();

    await card.getByRole('button', { name: 'Refresh' }).click();
    await rows(page, 'workflow-events-table').filter({ hasText: run.id }).waitFor({ timeout: LIVE_MS });
    expect(socket.subscribed).toHaveLength(1);
    expect(browser.pageErrors).toEqual([]);
  });

  it('keep the WfRuns page’s rows loaded, and the reader where they were, when the live connection comes back', async () => {
    const { page, client, server, browser } = ctx;
    const spec = await quickSpec(client, `ll-kept-${suffix}`);
    const count = 130;
    for (let n = 0; n < count; n += 10) {
      await Promise.all(Array.from({ length: Math.min(10, count - n) }, () => client.runWf({ wfSpecName: spec.name })));
    }
    const socket = await proxySocket(page);
    await open(page, `${server.url}/#/wf-runs?wfSpecName=${spec.name}`, page.getByTestId('wf-runs-table'));
    // Scrolled to the end, the list reads its next page by itself. (A click on "Load more" raced that read: scrolling
    // the button into view could start it, and the button was gone before the click landed.)
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.getByText(`${count} WfRuns`, { exact: true }).waitFor();
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const scrolled = await page.evaluate(() => window.scrollY);
    expect(scrolled).toBeGreaterThan(1_000);

    const reads: Request[] = [];
    const counted = (request: Request) => {
      if (request.postData()?.includes('query WfRuns(')) reads.push(request);
    };
    page.on('request', counted);
    socket.cut();
    const banner = page.getByRole('alert').getByText('Lost the live connection to the server');
    await banner.waitFor();
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    await waitFor(() => reads.length > 0, { what: 'the WfRuns list to be read again' });
    await reads[0]!.response();
    // What a reload would have shown meanwhile, or read after.
    await page.waitForTimeout(1_000);
    page.off('request', counted);

    // Read again in place: as many rows as were loaded, in one request.
    expect(reads.map((r) => (r.postDataJSON() as { variables: { first: number; after: string | null } }).variables)).toEqual([expect.objectContaining({ first: count, after: null })]);
    expect(await page.getByText(`${count} WfRuns`, { exact: true }).count()).toBe(1);
    expect(await page.getByText('Loading WfRuns…').count()).toBe(0);
    expect(Math.abs((await page.evaluate(() => window.scrollY)) - scrolled)).toBeLessThan(200);
    expect(browser.pageErrors).toEqual([]);
  });
});

describe('a live list whose principal loses its grant', () => {
  const BOOTSTRAP = `ll-bootstrap-${'k'.repeat(32)}`;
  const viewer = `ll-viewer-${suffix}`;
  let server: ServerProcess;
  let browser: BrowserSession;
  let admin: GallopClient;
  let viewerKey = '';
  const grant = (acls: readonly { resources: string[]; actions: string[] }[]) =>
    admin.request('mutation($input: PutPrincipalInput!) { putPrincipal(input: $input) { __typename } }', { input: { id: viewer, globalAcls: acls } });

  beforeAll(async () => {
    server = await startServer({ databaseUrl: inject('databaseUrl'), env: { GALLOP_BOOTSTRAP_API_KEY: BOOTSTRAP } });
    admin = new GallopClient({ url: server.graphqlUrl, webSocketImpl: WebSocket, apiKey: BOOTSTRAP });
    browser = await launchBrowser();
    await grant([{ resources: ['ALL_RESOURCES'], actions: ['READ'] }]);
    const made = await admin.request<{ createApiKey: { token: string } }>('mutation($p: String!) { createApiKey(input: { principalId: $p }) { ... on NewApiKey { token } } }', { p: viewer });
    viewerKey = made.createApiKey.token;
  }, 240_000);

  afterAll(async () => {
    await admin?.close();
    await browser?.close();
    await server?.stop();
  });

  it('says the server’s refusal and does not subscribe again', async () => {
    const { page } = browser;
    const spec = await quickSpec(admin, `ll-granted-${suffix}`);
    const subscribes: number[] = [];
    page.on('websocket', (ws) =>
      ws.on('framesent', ({ payload }) => {
        if (String(payload).includes('"subscribe"') && String(payload).includes('wfRunsChanged')) subscribes.push(Date.now());
      }),
    );
    // Signed in as the viewer, as the sign-in page leaves it.
    await page.goto(`${server.url}/#/sign-in`);
    await page.evaluate((key) => localStorage.setItem('gallop.apiKey', key), viewerKey);
    await open(page, `${server.url}/#/wf-runs?wfSpecName=${spec.name}`, page.getByText('No WfRuns match this filter'));
    await waitFor(() => subscribes.length === 1, { what: 'the WfRuns page to subscribe' });

    // The server checks a running subscription's grant again every few seconds, and ends it once it is gone.
    await grant([{ resources: ['WF_SPEC'], actions: ['READ'] }]);
    const notice = page.getByTestId('live-stopped');
    await notice.waitFor({ timeout: 20_000 });
    expect(await notice.innerText()).toBe(`Live updates stopped: Principal '${viewer}' may not wfRunsChanged in tenant 'default': it needs READ on WF_RUN.`);
    const refusedAt = Date.now();
    await page.waitForTimeout(7_000);
    expect(subscribes.filter((at) => at > refusedAt)).toEqual([]);
    await notice.waitFor();
    expect(browser.pageErrors).toEqual([]);
  });
});
