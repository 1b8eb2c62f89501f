import { mkdirSync } from 'node:fs';
import type { GallopClient } from '@gallop/sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { launchBrowser } from './browser.ts';
import type { BrowserSession, LaunchOptions } from './browser.ts';
import { startServer } from './server.ts';
import type { ServerProcess } from './server.ts';

export interface BrowserTestOptions extends LaunchOptions {
  /** A folder to make before anything starts, for the file's screenshots. */
  readonly screenshots?: string;
  /** Also launch a second browser in the dark scheme, with the same viewport. */
  readonly dark?: boolean;
}

/** What a browser test works with; each member can be read once the `beforeAll` hooks have run. */
export interface BrowserTest {
  /** The server process, on the run's PostgreSQL or a fresh PGlite. */
  readonly server: ServerProcess;
  /** An SDK client of `server`, closed when it stops. */
  readonly client: GallopClient;
  /** The browser, in the scheme and viewport asked for. */
  readonly browser: BrowserSession;
  /** The browser's page, `browser.page`. */
  readonly page: Page;
  /** The second browser, in the dark scheme; only with `{ dark: true }`. */
  readonly dark: BrowserSession;
}

/**
 * Registers, in the `describe` it is called in, a `beforeAll` that starts a server and launches the browser (and
 * the dark one if asked), and an `afterAll` that closes them. Hooks the file registers after this call run after
 * the start and before the close, so a worker they start can use the server and is stopped while it still runs.
 */
export function setupBrowserTest(options: BrowserTestOptions = {}): BrowserTest {
  let server: ServerProcess | undefined;
  let client: GallopClient | undefined;
  let browser: BrowserSession | undefined;
  let dark: BrowserSession | undefined;

  // A server process and Chromium start here: slow when the machine is busy.
  beforeAll(async () => {
    if (options.screenshots) mkdirSync(options.screenshots, { recursive: true });
    server = await startServer({ databaseUrl: inject('databaseUrl') });
    client = server.client();
    [browser, dark] = await Promise.all([launchBrowser(options), options.dark ? launchBrowser({ ...options, colorScheme: 'dark' }) : undefined]);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([browser?.close(), dark?.close()]);
    await server?.stop();
  });

  // Read at describe level, before the hooks ran, a member would be undefined: say so instead.
  const ready = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`setupBrowserTest: ${name} is there only inside a test, or a hook registered after the call`);
    return value;
  };
  return {
    get server() {
      return ready(server, 'server');
    },
    get client() {
      return ready(client, 'client');
    },
    get browser() {
      return ready(browser, 'browser');
    },
    get page() {
      return ready(browser, 'browser').page;
    },
    get dark() {
      if (!options.dark) throw new Error('setupBrowserTest: a dark browser is launched only with { dark: true }');
      return ready(dark, 'dark');
    },
  };
}
