import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GallopClient, Workflow } from '@gallop/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { launchBrowser } from '../support/browser.ts';
import type { BrowserSession } from '../support/browser.ts';
import { startOidcIssuer } from '../support/oidc-issuer.ts';
import type { OidcIssuer } from '../support/oidc-issuer.ts';
import { startServer } from '../support/server.ts';
import type { ServerProcess } from '../support/server.ts';

// Issue 8 in the browser: sign in with an API key, or with an OIDC issuer's sign-in, in a tenant; see only that
// tenant's objects; sign out.
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const BOOTSTRAP = `ui-bootstrap-${'k'.repeat(32)}`;
const suffix = Date.now().toString(36);
const acme = `acme-${suffix}`;
const globex = `globex-${suffix}`;
const ID_TOKEN_SECONDS = 6;

describe('signing in', () => {
  let server: ServerProcess;
  let issuer: OidcIssuer;
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
    // ID tokens that run out within the test, which the page renews with its refresh token.
    issuer = await startOidcIssuer({ idTokenSeconds: ID_TOKEN_SECONDS });
    // The UI sends the ID token, whose audience is the UI's client id; offline_access gets it a refresh token.
    const oidc = { GALLOP_OIDC_ISSUER: issuer.url, GALLOP_OIDC_CLIENT_ID: 'gallop-ui', GALLOP_OIDC_AUDIENCE: 'gallop-ui', GALLOP_OIDC_SCOPES: 'openid offline_access' };
    server = await startServer({ databaseUrl: inject('databaseUrl'), env: { GALLOP_BOOTSTRAP_API_KEY: BOOTSTRAP, ...oidc } });
    issuer.serve({ clientId: 'gallop-ui', redirectUri: `${server.url}/` });
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
    await issuer?.close();
  });

  it('asks for a key, refuses a wrong one, shows only the tenant signed into, and signs out', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/#/wf-specs`);
    await page.getByText('Sign in to see this').waitFor();
    await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click();

    const form = page.getByRole('form', { name: 'Sign in' });
    await form.getByLabel('API key').fill(`${viewerKey}x`);
    await form.getByRole('textbox', { name: 'Tenant' }).fill(acme);
    await form.getByRole('button', { name: 'Sign in with the key' }).click();
    await form.getByRole('alert').getByText(/UNAUTHENTICATED/).waitFor();

    await form.getByLabel('API key').fill(viewerKey);
    await form.getByRole('button', { name: 'Sign in with the key' }).click();
    await page.getByTestId('signed-in').getByText(`viewer-${suffix}`).waitFor();
    await page.getByTestId('wf-specs-table').waitFor();
    const names = await page.getByTestId('wf-specs-table').locator('tbody tr a.name').allInnerTexts();
    expect(names.sort()).toEqual([`only-${acme}`, `shared-${suffix}`]);
    await page.screenshot({ path: `${screenshots}signed-in.png`, fullPage: true });
    // A reader may not start WfRuns: Run is there, disabled, saying which grant it lacks.
    const start = page.getByRole('button', { name: `Run only-${acme} v0.0` });
    await expect.poll(() => start.getAttribute('title')).toBe(`Your principal may not runWf in tenant '${acme}': it needs RUN on WF_RUN.`);
    expect(await start.isDisabled()).toBe(true);

    // A WfRun it may read but not steer: every action is there, disabled, saying which grant it lacks.
    const run = await admin(acme).runWf({ wfSpecName: `only-${acme}` });
    await page.goto(`${server.url}/#/wf-runs/${run.id}`);
    const remove = page.getByRole('button', { name: 'Delete' });
    await remove.waitFor();
    await page.getByTestId('denied').first().waitFor();
    expect(await remove.isDisabled()).toBe(true);
    expect(await remove.getAttribute('title')).toBe(`Your principal may not deleteWfRun in tenant '${acme}': it needs RUN on WF_RUN.`);
    expect(await page.getByTestId('denied').allInnerTexts()).toContain(`Your principal may not stopWfRun in tenant '${acme}': it needs RUN on WF_RUN.`);

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

  it("signs in through the OIDC issuer's own page, as the principal its token names, in the tenant chosen", async () => {
    const person = `ada-${suffix}`;
    await admin().request('mutation($input: PutPrincipalInput!) { putPrincipal(input: $input) { __typename } }', {
      input: { id: person, perTenantAcls: [{ tenant: globex, acls: [{ resources: ['WF_SPEC', 'WF_RUN'], actions: ['READ'] }] }] },
    });
    const { page } = browser;
    const form = page.getByRole('form', { name: 'Sign in' });
    /** Through the issuer's own pages: any password signs in as the login given; then the consent to give Gallop the token. */
    const signInAs = async (login: string) => {
      await page.goto(`${server.url}/#/sign-in`);
      await form.getByRole('textbox', { name: 'Tenant' }).fill(globex);
      await form.getByRole('button', { name: `Sign in with ${new URL(issuer.url).host}` }).click();
      await page.waitForURL(`${issuer.url}/**`);
      await page.locator('input[name="login"]').fill(login);
      await page.locator('input[name="password"]').fill('any password');
      await page.getByRole('button', { name: 'Sign-in' }).click();
      await page.getByRole('button', { name: 'Continue' }).click();
    };

    // Someone the issuer knows but Gallop has no principal for: back on the sign-in page, told why, nothing kept.
    await signInAs(`stranger-${suffix}`);
    await page.getByRole('alert').getByText(`The token names principal 'stranger-${suffix}', which does not exist`, { exact: false }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('gallop.apiKey'))).toBeNull();
    await page.context().clearCookies(); // the issuer's session, so that the next sign-in asks for a login again

    await signInAs(person);

    await page.waitForURL(`${server.url}/#/`);
    await page.getByTestId('signed-in').getByText(person).waitFor();
    await page.goto(`${server.url}/#/wf-specs`);
    await page.getByTestId('wf-specs-table').waitFor();
    const names = await page.getByTestId('wf-specs-table').locator('tbody tr a.name').allInnerTexts();
    expect(names.sort()).toEqual([`only-${globex}`, `shared-${suffix}`]);
    expect(page.url()).not.toContain('code=');
    // The navigation offers only what it may read.
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts()).toEqual(['WfSpecs', 'WfRuns', 'NodeRuns', 'Editor']);
    expect(await page.evaluate(() => sessionStorage.getItem('gallop.oidc'))).toBeNull();
    await page.screenshot({ path: `${screenshots}signed-in-oidc.png`, fullPage: true });

    // Once the ID token has run out, the page gets another with the refresh token and carries on signed in.
    const first = await page.evaluate(() => localStorage.getItem('gallop.apiKey'));
    const expiresAt = (JSON.parse(Buffer.from(String(first).split('.')[1] ?? '', 'base64url').toString()) as { exp: number }).exp * 1000;
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(ID_TOKEN_SECONDS * 1000);
    await page.waitForTimeout(expiresAt - Date.now() + 500);
    await page.reload();
    await page.getByTestId('wf-specs-table').locator('tbody tr a.name').first().waitFor();
    expect((await page.getByTestId('wf-specs-table').locator('tbody tr a.name').allInnerTexts()).sort()).toEqual([`only-${globex}`, `shared-${suffix}`]);
    await page.getByTestId('signed-in').getByText(person).waitFor();
    const renewed = await page.evaluate(() => localStorage.getItem('gallop.apiKey'));
    expect(renewed).not.toBe(first);
    // The WebSocket opened with that token outlives it: a subscription made on it once the token has run out is
    // refused, and the page renews the token and subscribes again on a new socket. The filtered list (a new
    // subscription, the same page) then shows a WfRun started afterwards as it comes.
    await page.goto(`${server.url}/#/wf-runs`);
    await page.getByText('No WfRuns yet').waitFor();
    const renewedExpiry = (JSON.parse(Buffer.from(String(renewed).split('.')[1] ?? '', 'base64url').toString()) as { exp: number }).exp * 1000;
    await page.waitForTimeout(renewedExpiry - Date.now() + 500);
    await page.evaluate((name) => (location.hash = `#/wf-runs?wfSpecName=${name}`), `only-${globex}`);
    await page.getByText('No WfRuns match this filter').waitFor();
    const wfRunId = `renewed-${suffix}`;
    await admin(globex).runWf({ wfSpecName: `only-${globex}`, id: wfRunId });
    await page.getByTestId('wf-runs-table').getByText(wfRunId).waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => localStorage.getItem('gallop.apiKey'))).not.toBe(renewed);

    // Sign out asks the issuer to revoke the refresh token: a copy of it gets no new token afterwards.
    const { refreshToken } = JSON.parse(String(await page.evaluate(() => localStorage.getItem('gallop.oidcRenewal')))) as { refreshToken: string };
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();
    const reuse = await fetch(`${issuer.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'gallop-ui' }),
    });
    expect(reuse.status).toBe(400);
    expect(((await reuse.json()) as { error: string }).error).toBe('invalid_grant');
    expect(await page.evaluate(() => localStorage.getItem('gallop.oidcRenewal'))).toBeNull();
    expect(browser.pageErrors).toEqual([]);
  });
});
