import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GallopClient, Workflow } from '@gallop/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { launchBrowser } from '../support/browser.ts';
import type { BrowserSession } from '../support/browser.ts';
import { startServer } from '../support/server.ts';
import type { ServerProcess } from '../support/server.ts';

// Issue 8 in the browser: sign in with an API key in a tenant, see only that tenant's objects, sign out.
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const BOOTSTRAP = `ui-bootstrap-${'k'.repeat(32)}`;
const suffix = Date.now().toString(36);
const acme = `acme-${suffix}`;
const globex = `globex-${suffix}`;

describe('signing in', () => {
  let server: ServerProcess;
  let browser: BrowserSession;
  let viewerKey = '';
  const clients: GallopClient[] = [];
  const admin = (tenant?: string) => {
    const client = new GallopClient({ url: `${server.url}/graphql`, webSocketImpl: WebSocket, apiKey: BOOTSTRAP, tenant });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    server = await startServer({ databaseUrl: inject('databaseUrl'), env: { GALLOP_BOOTSTRAP_API_KEY: BOOTSTRAP } });
    browser = await launchBrowser();
    for (const tenant of [acme, globex]) {
      await admin().request('mutation($id: String!) { putTenant(input: { id: $id }) { __typename } }', { id: tenant });
      await new Workflow(`shared-${suffix}`, (wf) => void wf.declareStr('x')).register(admin(tenant));
      await new Workflow(`only-${tenant}`, (wf) => void wf.declareStr('x')).register(admin(tenant));
    }
    const viewer = `viewer-${suffix}`;
    await admin().request('mutation($input: PutPrincipalInput!) { putPrincipal(input: $input) { __typename } }', {
      input: { id: viewer, perTenantAcls: [{ tenant: acme, acls: [{ resources: ['ALL_RESOURCES'], actions: ['READ'] }] }] },
    });
    const made = await admin().request<{ createApiKey: { token: string } }>('mutation($p: String!) { createApiKey(input: { principalId: $p }) { ... on NewApiKey { token } } }', { p: viewer });
    viewerKey = made.createApiKey.token;
  }, 240_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await browser?.close();
    await server?.stop();
  });

  it('asks for a key, refuses a wrong one, shows only the tenant signed into, and signs out', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/#/wf-specs`);
    await page.getByText('Sign in to see this').waitFor();
    await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click();

    const form = page.getByRole('form', { name: 'Sign in' });
    await form.getByLabel('API key').fill(`${viewerKey}x`);
    await form.getByRole('textbox', { name: 'Tenant' }).fill(acme);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await form.getByRole('alert').getByText(/UNAUTHENTICATED/).waitFor();

    await form.getByLabel('API key').fill(viewerKey);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in').getByText(`viewer-${suffix}`).waitFor();
    await page.getByTestId('wf-specs-table').waitFor();
    const names = await page.getByTestId('wf-specs-table').locator('tbody tr a.name').allInnerTexts();
    expect(names.sort()).toEqual([`only-${acme}`, `shared-${suffix}`]);
    await page.screenshot({ path: `${screenshots}signed-in.png`, fullPage: true });

    // Its key reads nothing in the other tenant.
    await page.evaluate((tenant) => localStorage.setItem('gallop.tenant', tenant), globex);
    await page.reload();
    await page.getByText('Your principal may not see this').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();
    await page.getByText('Sign in to see this').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('gallop.apiKey'))).toBeNull();
    expect(browser.pageErrors).toEqual([]);
  });
});
