import { chromium } from 'playwright-core';
import type { Locator, Page } from 'playwright-core';

/** Debian's Chromium; Playwright's own download needs internet the test machines do not have. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserSession {
  readonly page: Page;
  /** Uncaught errors thrown by the page's scripts, so a test can assert there were none. */
  readonly pageErrors: readonly Error[];
  close(): Promise<void>;
}

export interface LaunchOptions {
  readonly viewport?: { readonly width: number; readonly height: number };
  readonly colorScheme?: 'light' | 'dark';
}

/**
 * Launches headless Chromium with one page. Playwright makes and removes a fresh profile for it, so sessions
 * share nothing. Call `close` in `afterAll`/`finally`.
 */
export async function launchBrowser(options: LaunchOptions = {}): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  const pageErrors: Error[] = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  return {
    page,
    pageErrors,
    close: async () => {
      await context.close();
      await browser.close();
    },
  };
}

/**
 * The controls on the page with no accessible name (graph nodes are `group`s), each as its role and the nearest
 * named element around it: `link in row "…"`. Read from one ARIA snapshot, taken in a single pass in the page, so a
 * list drawing rows meanwhile cannot make a count of all controls disagree with a count of the named ones; snapshots
 * are taken until two agree, for a control that is named a moment after it is drawn.
 */
export async function unnamedRoles(page: Page): Promise<string[]> {
  const roles = new Set(['button', 'link', 'searchbox', 'textbox', 'spinbutton', 'slider', 'checkbox', 'combobox', 'tab', 'group', 'figure', 'table']);
  const read = async () => {
    const unnamed: string[] = [];
    // Each line is `- role "name" [attributes]: text`, indented under its parent.
    const around: { depth: number; line: string }[] = [];
    for (const line of (await page.locator('body').ariaSnapshot()).split('\n')) {
      const match = /^(\s*)- ([\w-]+)( "(.*?)")?/.exec(line);
      if (!match) continue;
      const [, indent = '', role = '', named, name] = match;
      while (around.length > 0 && around.at(-1)!.depth >= indent.length) around.pop();
      if (roles.has(role) && !named) unnamed.push(`${role} in ${around.at(-1)?.line ?? 'the page'}`);
      if (named) around.push({ depth: indent.length, line: `${role} "${name}"` });
    }
    return unnamed;
  };
  let last = await read();
  for (let i = 0; i < 10; i++) {
    const again = await read();
    if (JSON.stringify(again) === JSON.stringify(last)) return again;
    last = again;
  }
  return last;
}

/**
 * Waits until the page's subscriptions socket is connected (the UI marks `<html data-socket>`), and a moment for
 * the subscriptions it carries to reach the server: news sent before a subscription exists is not replayed.
 */
export async function liveSocket(page: Page): Promise<void> {
  await page.locator('html[data-socket="connected"]').waitFor({ state: 'attached' });
  await new Promise((resolve) => setTimeout(resolve, 250));
}

/** The data rows of a list's table: its heading row and the virtual list's spacer rows left out. */
export const rows = (page: Page, testid: string): Locator => page.getByTestId(testid).locator('tbody tr:not(.spacer)');

/** The element's text on one line, however its cells and list items broke it. */
export const oneLine = async (locator: Locator): Promise<string> => (await locator.innerText()).replace(/\s+/g, ' ').trim();

/** Resolves once the WfRun page shows the WfRun in `status`. */
export const statusIs = (page: Page, status: string): Promise<void> => page.locator(`[data-testid="wf-run-status"][data-status="${status}"]`).waitFor();

/**
 * Waits until a navigation has shown `arrived`, answering the editor's "Leave the editor?" with Leave on the way if
 * it asks (a test before left a draft with changes open).
 */
export async function arriveLeavingEditor(page: Page, arrived: Locator): Promise<void> {
  const leave = page.getByRole('alertdialog', { name: 'Leave the editor?' }).getByRole('button', { name: 'Leave' });
  await arrived.or(leave).first().waitFor();
  if (await leave.isVisible()) await leave.click();
  await arrived.waitFor();
}
