import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestServer } from '../../server/test/harness.ts';
import type { TestServer } from '../../server/test/harness.ts';
import { launchBrowser } from '../support/browser.ts';
import type { BrowserSession } from '../support/browser.ts';

// GraphiQL at /graphql on a machine without internet: every request to anything but the server is refused, as it
// would fail there, and the page must still draw a working editor from what the server sends.
describe('GraphiQL', () => {
  let server: TestServer;
  let browser: BrowserSession;
  const refused: string[] = [];

  beforeAll(async () => {
    server = await startTestServer(inject('databaseUrl'));
    browser = await launchBrowser();
    await browser.page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${server.url}/`)) return route.continue();
      refused.push(url);
      return route.abort('internetdisconnected');
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('draws its editor and runs a query with nothing but the server to reach', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/graphql`);
    const editor = page.locator('.graphiql-query-editor .monaco-editor');
    await editor.waitFor();
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    // The editor closes the brace itself, as it does for a person typing.
    await page.keyboard.type('{ __typename');
    // Typing opens the editor's suggestions, which cover the Run button: closed first.
    await page.locator('.suggest-widget.visible').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: /^Execute query/ }).click();
    // The response editor draws its spaces as no-break spaces.
    const response = async () => (await page.locator('.graphiql-response').innerText()).replace(/\s+/g, ' ');
    await expect.poll(response).toContain('"__typename": "Query"');
    expect(refused).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
