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

/** The roles on the page whose elements have no accessible name; graph nodes are `group`s. */
export async function unnamedRoles(page: Page): Promise<string[]> {
  const roles = ['button', 'link', 'searchbox', 'textbox', 'spinbutton', 'slider', 'checkbox', 'combobox', 'tab', 'group', 'figure', 'table'] as const;
  const count = async () => {
    const unnamed: string[] = [];
    for (const role of roles) {
      const all = await page.getByRole(role).count();
      const named = await page.getByRole(role, { name: /\S/ }).count();
      if (named !== all) unnamed.push(`${all - named} ${role}(s)`);
    }
    return unnamed;
  };
  // Each role is counted twice: a page still drawing (a live view adding a control) can change between the two.
  // Read until two readings agree.
  let last = await count();
  for (let i = 0; i < 10; i++) {
    const again = await count();
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
