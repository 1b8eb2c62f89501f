import { GallopClient } from '@gallop/sdk';
import type { WfSpec } from '@gallop/engine';
import WebSocket from 'ws';
import { chromium } from 'playwright-core';

const url = process.env.URL ?? 'http://127.0.0.1:8099';
const client = new GallopClient({ url: `${url}/graphql`, webSocketImpl: WebSocket });

await client.putTaskDef({ name: 'greet', inputVars: [{ name: 'name', type: 'STR' }], returnType: 'STR' });
await client.putTaskDef({ name: 'send-email', inputVars: [{ name: 'to', type: 'STR' }, { name: 'body', type: 'STR' }], returnType: 'BOOL' });
const spec: WfSpec = {
  name: 'greeting',
  entrypointThreadName: 'entrypoint',
  threadSpecs: {
    entrypoint: {
      variableDefs: [{ name: 'name', type: 'STR', required: true }, { name: 'greeting', type: 'STR' }, { name: 'sent', type: 'BOOL' }],
      nodes: {
        '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: '1-greet-TASK' }] },
        '1-greet-TASK': {
          type: 'TASK', taskDefName: 'greet', inputs: [{ type: 'VARIABLE', variableName: 'name' }],
          outgoingEdges: [{ sinkNodeName: '2-send-email-TASK', variableMutations: [{ lhsName: 'greeting', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
        },
        '2-send-email-TASK': {
          type: 'TASK', taskDefName: 'send-email', inputs: [{ type: 'VARIABLE', variableName: 'name' }, { type: 'VARIABLE', variableName: 'greeting' }],
          outgoingEdges: [{ sinkNodeName: '3-exit-EXIT', variableMutations: [{ lhsName: 'sent', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
        },
        '3-exit-EXIT': { type: 'EXIT' },
      },
    },
  },
};
await client.putWfSpec(spec);

async function work(taskDefName: string, fn: (input: any) => any) {
  const [t] = await client.claimTaskRuns({ taskDefName, workerId: 'worker-1', waitMs: 2000 });
  if (!t) throw new Error('nothing claimed ' + taskDefName);
  try {
    await client.reportTaskRun({ taskRunId: t.taskRunId, attempt: t.attempt, outcome: { status: 'SUCCESS', output: fn(t.input) }, workerId: 'worker-1' });
  } catch (e) {
    throw e;
  }
  return t;
}
async function fail(taskDefName: string, message: string) {
  const [t] = await client.claimTaskRuns({ taskDefName, workerId: 'worker-2', waitMs: 2000 });
  if (!t) throw new Error('nothing claimed');
  await client.reportTaskRun({ taskRunId: t.taskRunId, attempt: t.attempt, outcome: { status: 'ERROR', message }, workerId: 'worker-2' });
}

const done = await client.runWf({ wfSpecName: 'greeting', variables: { name: 'Ada' } });
await work('greet', (i) => `Hello, ${i.name}!`);
await work('send-email', () => true);
const failed = await client.runWf({ wfSpecName: 'greeting', variables: { name: 'Grace' } });
await work('greet', (i) => `Hello, ${i.name}!`);
await fail('send-email', 'SMTP server refused the connection: 421 too many connections');
const running = await client.runWf({ wfSpecName: 'greeting', variables: { name: 'Linus' } });
await work('greet', (i) => `Hello, ${i.name}!`);
console.log({ done: done.id, failed: failed.id, running: running.id });

console.log('launch');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
for (const scheme of ['light', 'dark'] as const) {
  console.log('page', scheme);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
  page.on('console', (m) => console.log('console', m.type(), m.text()));
  page.on('pageerror', (e) => console.log('pageerror', e));
  for (const [name, id] of [['running', running.id], ['failed', failed.id], ['done', done.id]] as const) {
    await page.goto(`${url}/#/wf-runs/${id}`);
    await page.getByTestId('wf-run-status').waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `test/browser/screenshots/_scratch-${scheme}-run-${name}.png`, fullPage: true });
  }
  await page.goto(`${url}/#/wf-runs`);
  await page.getByTestId('wf-runs-table').waitFor();
  await page.screenshot({ path: `test/browser/screenshots/_scratch-${scheme}-runs.png`, fullPage: true });
  await page.goto(`${url}/#/wf-specs`);
  await page.getByTestId('wf-specs-table').waitFor();
  await page.screenshot({ path: `test/browser/screenshots/_scratch-${scheme}-specs.png`, fullPage: true });
  await page.close();
}
await browser.close();
await client.close();
