import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startTestServer } from './harness.ts';

// The server serves the built UI beside the API. A UI rebuilt under a running server (its files gone for a moment)
// once crashed it; a missing file is now a 404 and the server goes on.
// Installed under a folder named `assets`: only the UI's own assets folder is cached for good.
const root = mkdtempSync(join(tmpdir(), 'gallop-ui-'));
const uiDir = join(root, 'assets', 'ui');
mkdirSync(join(uiDir, 'assets'), { recursive: true });
writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>Gallop</title>');
writeFileSync(join(uiDir, 'assets', 'app-1a2b.js'), 'console.log(1)');
const server = await startTestServer(inject('databaseUrl'), { uiDir });
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the UI files', () => {
  it('are served with index.html at /, assets cached for good, and a 404 for the rest', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Gallop</title>');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const asset = await fetch(`${server.url}/assets/app-1a2b.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${server.url}/nowhere.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/../package.json`)).status).toBe(404);
  });

  it('answer 404 for a file removed while the server runs, and the server goes on', async () => {
    rmSync(join(uiDir, 'index.html'));
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>Gallop again</title>');
    expect(await (await fetch(`${server.url}/`)).text()).toContain('Gallop again');
  });
});
