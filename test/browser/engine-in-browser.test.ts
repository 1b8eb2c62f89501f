import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import type { BrowserSession } from '../support/browser.ts';
import { ROOT } from '../support/server.ts';

// The engine's browser build (engine/vite.config.ts), loaded as an ES module into Chromium, runs a WfRun there.
describe('the engine in a browser', () => {
  let browser: BrowserSession;
  let bundle = '';
  const outDir = mkdtempSync(join(tmpdir(), 'gallop-engine-build-'));

  beforeAll(async () => {
    await build({ configFile: join(ROOT, 'engine/vite.config.ts'), root: join(ROOT, 'engine'), logLevel: 'silent', build: { outDir } });
    bundle = readFileSync(join(outDir, 'gallop-engine.js'), 'utf8');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('builds to one ES module that imports nothing', () => {
    expect(bundle).toMatch(/export \{/);
    expect(bundle).not.toMatch(/^import /m);
  });

  it('validates a WfSpec, runs a WfRun to completion and replays it, inside Chromium', async () => {
    const source = `data:text/javascript;base64,${Buffer.from(bundle).toString('base64')}`;
    // Sent as text: vitest rewrites import() in functions it compiles, and this one must run in the page as written.
    const script = `(async () => {
      const engine = await import(${JSON.stringify(source)});
      const catalog = { taskDefs: { greet: { name: 'greet', inputVars: [{ name: 'who', type: 'STR' }], returnType: 'STR' } } };
      const wfSpec = {
        name: 'in-browser', majorVersion: 0, revision: 0, entrypointThreadName: 'entrypoint',
        threadSpecs: { entrypoint: {
          variableDefs: [{ name: 'who', type: 'STR' }, { name: 'greeting', type: 'STR' }],
          nodes: {
            start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'greet' }] },
            greet: { type: 'TASK', taskDefName: 'greet', inputs: [{ type: 'VARIABLE', variableName: 'who' }],
              outgoingEdges: [{ sinkNodeName: 'end', variableMutations: [{ lhsName: 'greeting', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }] },
            end: { type: 'EXIT' },
          },
        } },
      };
      const ctx = (now) => ({ now, ids: { next: () => 'x' }, wfSpec, catalog });
      const started = engine.step(undefined, { type: 'RunWf', wfRunId: 'b', variables: { who: 'Chromium' } }, ctx(1));
      const done = engine.step(started.state, { type: 'ReportTaskAttempt', taskGuid: '0-1', attempt: 0, result: { status: 'SUCCESS', output: 'Hello, Chromium!' } }, ctx(2));
      const events = [...started.events, ...done.events];
      return {
        problems: engine.validateWfSpec(wfSpec, catalog).length,
        status: done.state.status,
        greeting: done.state.threadRuns[0].variables.greeting,
        replayed: JSON.stringify(engine.replay(events)) === JSON.stringify(done.state),
        userAgent: navigator.userAgent,
      };
    })()`;
    const result = (await browser.page.evaluate(script)) as { problems: number; status: string; greeting: string; replayed: boolean; userAgent: string };
    expect(result).toMatchObject({ problems: 0, status: 'COMPLETED', greeting: 'Hello, Chromium!', replayed: true });
    expect(result.userAgent).toMatch(/Chrom/);
  });
});
