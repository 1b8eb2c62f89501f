import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GallopClient, TaskWorker, Workflow } from '@gallop/sdk';
import { createApp, createLogger } from '@gallop/server';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { freshDatabase } from './fresh-database.ts';
import { fixed, median, medianOf, percentile } from './stats.ts';

// Issue 7's UI benchmark, measured in Chromium: a list of WF_RUNS (10,000) WfRuns and a WfRun of about LOOPS × 2
// (1,000) NodeRuns, each opened ROUNDS (3) times in a fresh page. Prints medians with min–max. With DATABASE_URL
// a fresh PostgreSQL database beside the one named, else in-memory PGlite.
//   npm run bench:ui      DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:ui
const WF_RUNS = Number(process.env.WF_RUNS ?? 10_000);
const LOOPS = Number(process.env.LOOPS ?? 500);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SCROLL_STEPS = 120;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const root = fileURLToPath(new URL('../../', import.meta.url));
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  say('Building the UI…');
  await promisify(execFile)(process.execPath, [`${root}node_modules/vite/bin/vite.js`, 'build', '--logLevel', 'error'], { cwd: `${root}ui` });

  const database = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL, 'gallop_bench_ui') : undefined;
  const app = await createApp({ databaseUrl: database?.url, dataDir: 'memory://', uiDir: `${root}ui/dist`, log: createLogger({ level: 'warn' }) });
  const http = createServer((req, res) => app.handle(req, res));
  app.attach(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const client = new GallopClient({ url: `${url}/graphql`, webSocketImpl: WebSocket });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

  try {
    say(`Database: ${database ? `PostgreSQL ${database.version}` : 'PGlite (in memory)'}; ${ROUNDS} rounds, each in a fresh page (1280×900).`);
    const list = await seedList(client);
    const long = await seedLongRun(client);

    const listRounds: ListRound[] = [];
    const runRounds: RunRound[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      listRounds.push(await measureList(await context.newPage(), `${url}/#/wf-runs?wfSpecName=${list}`));
      runRounds.push(await measureRun(await context.newPage(), `${url}/#/wf-runs/${long.id}`));
      await context.close();
    }

    say('');
    say(`WfRuns list, ${fixed(WF_RUNS)} WfRuns of one WfSpec (pages of 100, loaded as the reader scrolls):`);
    say(`  first rows drawn after navigation     ${medianOf(listRounds.map((r) => r.firstRows))} ms`);
    say(`  all ${fixed(WF_RUNS)} loaded by scrolling to the end ${medianOf(listRounds.map((r) => r.loadAll / 1000), 1)} s`);
    printScroll(listRounds.map((r) => r.scroll));
    say(`  a jump to the middle of the list drawn in ${medianOf(listRounds.map((r) => r.jump), 1)} ms`);
    say('');
    say(`WfRun page, ${fixed(long.nodeRuns)} NodeRuns and ${fixed(long.events)} events:`);
    say(`  graph and first NodeRuns drawn after navigation ${medianOf(runRounds.map((r) => r.firstRows))} ms`);
    printScroll(runRounds.map((r) => r.scroll));
    say(`  time travel to the middle of the log (fold and draw) ${medianOf(runRounds.map((r) => r.travel), 1)} ms`);
    say(`  back to now                                      ${medianOf(runRounds.map((r) => r.back), 1)} ms`);
  } finally {
    await browser.close();
    await client.close();
    http.closeAllConnections();
    http.close();
    await app.close();
    await database?.drop();
  }
}

/** Registers a WfSpec that completes at once and starts WF_RUNS WfRuns of it, 32 calls in flight. */
async function seedList(client: GallopClient): Promise<string> {
  const name = `bench-ui-list-${Date.now().toString(36)}`;
  await new Workflow(name, (wf) => void wf.declareInt('i')).register(client);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < WF_RUNS) {
        const i = next++;
        await client.runWf({ wfSpecName: name, variables: { i } });
      }
    }),
  );
  say(`Started ${fixed(WF_RUNS)} WfRuns in ${fixed((performance.now() - started) / 1000, 1)} s.`);
  return name;
}

/** One WfRun that loops LOOPS times over a task, answered by a worker in this process. */
async function seedLongRun(client: GallopClient): Promise<{ id: string; nodeRuns: number; events: number }> {
  const suffix = Date.now().toString(36);
  const taskDefName = `bench-ui-step-${suffix}`;
  await client.putTaskDef({ name: taskDefName, inputVars: [{ name: 'n', type: 'INT' }], returnType: 'INT' });
  const name = `bench-ui-long-${suffix}`;
  await new Workflow(name, (wf) => {
    const n = wf.declareInt('n');
    n.assign(0);
    wf.doWhile(wf.condition(n, 'LESS_THAN', LOOPS), (body) => {
      body.execute(taskDefName, n);
      body.mutate(n, 'ADD', 1);
    });
  }).register(client);
  const worker = new TaskWorker({ client, taskDefName, concurrency: 1, fn: (input) => Number(input.n) });
  void worker.start();
  const run = await client.runWf({ wfSpecName: name });
  const deadline = Date.now() + 300_000;
  let info = await client.wfRun(run.id);
  while (info?.status !== 'COMPLETED' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    info = await client.wfRun(run.id);
  }
  await worker.stop();
  if (info?.status !== 'COMPLETED') throw new Error(`The long WfRun ${run.id} did not complete: ${info?.status}`);
  const { wfRun } = await client.request<{ wfRun: { lastSeq: number } }>('query($id: ID!) { wfRun(id: $id) { lastSeq } }', { id: run.id });
  say(`Ran one WfRun of ${fixed(info.nodeRuns.length)} NodeRuns (${fixed(wfRun.lastSeq)} events).`);
  return { id: run.id, nodeRuns: info.nodeRuns.length, events: wfRun.lastSeq };
}

interface Scroll {
  /** Milliseconds between frames while the page scrolls by 300 px a frame. */
  readonly frames: number[];
  /** Table rows in the DOM while scrolling (the most seen). */
  readonly rows: number;
}

interface ListRound {
  readonly firstRows: number;
  readonly loadAll: number;
  readonly scroll: Scroll;
  readonly jump: number;
}

interface RunRound {
  readonly firstRows: number;
  readonly scroll: Scroll;
  readonly travel: number;
  readonly back: number;
}

// In-page scripts go as text: tsx would wrap named functions in a helper the page does not have.
const FRAME = 'const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));';

/** Milliseconds since navigation when `selector` first matches, polled each animation frame. */
async function drawnAt(page: Page, selector: string): Promise<number> {
  await page.waitForFunction((s) => document.querySelector(s) !== null, selector, { polling: 'raf', timeout: 60_000 });
  return page.evaluate(() => performance.now());
}

async function measureList(page: Page, url: string): Promise<ListRound> {
  await page.goto(url);
  const firstRows = await drawnAt(page, '[data-testid="wf-runs-table"] tbody tr[data-index]');
  const started = performance.now();
  const total = `${WF_RUNS} WfRuns`;
  await page.waitForFunction(
    (text) => {
      window.scrollTo(0, document.body.scrollHeight);
      return document.querySelector('footer.more')?.textContent?.trim() === text;
    },
    total,
    { polling: 50, timeout: 600_000 },
  );
  const loadAll = performance.now() - started;
  const scroll = await scrollFrames(page);
  const jump = await page.evaluate<number>(`(async () => {
    ${FRAME}
    await frame();
    const t = performance.now();
    window.scrollTo(0, document.body.scrollHeight / 2);
    await frame();
    await frame();
    return performance.now() - t;
  })()`);
  return { firstRows, loadAll, scroll, jump };
}

async function measureRun(page: Page, url: string): Promise<RunRound> {
  await page.goto(url);
  await drawnAt(page, '.svelte-flow__node');
  const firstRows = await drawnAt(page, '[data-testid="node-runs-table"] tbody tr[data-index]');
  const scroll = await scrollFrames(page);
  const [travel, back] = await page.evaluate<[number, number]>(`(async () => {
    ${FRAME}
    const slider = document.querySelector('#moment');
    if (!slider) throw new Error('No timeline on the WfRun page');
    const times = [];
    for (const value of [String(Math.floor(Number(slider.max) / 2)), slider.max]) {
      await frame();
      const t = performance.now();
      slider.value = value;
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      await frame();
      await frame();
      times.push(performance.now() - t);
    }
    return times;
  })()`);
  return { firstRows, scroll, travel, back };
}

/** Scrolls from the top by 300 px a frame, SCROLL_STEPS frames, timing each frame. */
function scrollFrames(page: Page): Promise<Scroll> {
  return page.evaluate<Scroll>(`(async () => {
    ${FRAME}
    window.scrollTo(0, 0);
    await frame();
    const frames = [];
    let rows = 0;
    let last = await frame();
    for (let i = 0; i < ${SCROLL_STEPS}; i++) {
      window.scrollBy(0, 300);
      const now = await frame();
      frames.push(now - last);
      last = now;
      rows = Math.max(rows, document.querySelectorAll('table tbody tr[data-index]').length);
    }
    return { frames, rows };
  })()`);
}

function printScroll(rounds: readonly Scroll[]): void {
  const medians = rounds.map((r) => median(r.frames));
  const p95s = rounds.map((r) => percentile(r.frames, 0.95));
  const worst = rounds.map((r) => Math.max(...r.frames));
  say(`  scrolling, 300 px a frame: frame time median ${medianOf(medians, 1)} ms, p95 ${medianOf(p95s, 1)} ms, worst ${medianOf(worst, 1)} ms`);
  say(`  rows in the DOM while scrolling: at most ${medianOf(rounds.map((r) => r.rows))}`);
}

await main();
