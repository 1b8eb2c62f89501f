import type { GallopClient } from '@gallop/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as basic from '../../examples/src/basic.ts';
import * as childWorkflow from '../../examples/src/child-workflow.ts';
import * as conditionals from '../../examples/src/conditionals.ts';
import * as exceptionHandler from '../../examples/src/exception-handler.ts';
import * as externalEvent from '../../examples/src/external-event.ts';
import * as interrupt from '../../examples/src/interrupt.ts';
import * as loop from '../../examples/src/loop.ts';
import * as spawnThreads from '../../examples/src/spawn-threads.ts';
import * as userTask from '../../examples/src/user-task.ts';
import * as workflowEvent from '../../examples/src/workflow-event.ts';
import { startServer } from '../support/server.ts';
import type { ServerProcess } from '../support/server.ts';

// Each example in examples/ run end to end against a real server process, on both databases: what it printed for
// a reader is what is checked here.
let server: ServerProcess;
let client: GallopClient;
beforeAll(async () => {
  server = await startServer({ databaseUrl: inject('databaseUrl') });
  client = server.client();
});
afterAll(async () => {
  await server?.stop();
});

describe('examples', () => {
  it('basic: two tasks, the second given the first output', async () => {
    const { wfRuns } = await basic.main(client);
    expect(wfRuns.map((r) => [r.status, r.variables])).toEqual([['COMPLETED', { name: 'Ada', greeting: 'Hello, Ada!', loud: 'HELLO, ADA!' }]]);
  });

  it('conditionals: each amount takes its branch', async () => {
    const { wfRuns } = await conditionals.main(client);
    expect(wfRuns.map((r) => r.variables.decision)).toEqual(['manager approved 5000', 'rules approved 500', 'approved without review']);
  });

  it('loop: ships every item of the JSON_ARR once', async () => {
    const { wfRuns } = await loop.main(client);
    expect(wfRuns.map((r) => [r.status, r.variables.shipped, r.variables.rounds, r.variables.items])).toEqual([['COMPLETED', 17, 3, []]]);
  });

  it('spawn threads: one child per order beside an audit thread, all waited for', async () => {
    const { wfRuns } = await spawnThreads.main(client);
    expect(wfRuns.map((r) => [r.status, r.variables.total, r.variables.report])).toEqual([['COMPLETED', 142, '3 orders audited']]);
  });

  it('external event: one WfRun paid, the other expired by its timeout', async () => {
    const { wfRuns } = await externalEvent.main(client);
    expect(wfRuns.map((r) => [r.status, r.variables.status, r.variables.payment ?? null])).toEqual([
      ['COMPLETED', 'paid', { amount: 42, currency: 'EUR' }],
      ['COMPLETED', 'expired', null],
    ]);
  });

  it('exception handler: a declined card is caught by name and handled, never retried', async () => {
    const { wfRuns } = await exceptionHandler.main(client);
    expect(wfRuns.map((r) => [r.status, r.variables.outcome])).toEqual([
      ['COMPLETED', 'charged 4242 4242'],
      ['COMPLETED', 'asked the owner of 4000 0002 for another card'],
    ]);
    const declined = await client.wfRun(wfRuns[1]!.id);
    const attempts = declined?.nodeRuns.find((n) => n.taskRun?.taskDefName === 'qs-charge-card')?.taskRun?.attempts ?? [];
    expect(attempts.map((a) => [a.status, a.exceptionName])).toEqual([['TASK_EXCEPTION', 'card-declined']]);
  });

  it('interrupt: the handler changes the address while the order waits, and the order ships there', async () => {
    const { wfRuns } = await interrupt.main(client);
    expect(wfRuns.map((r) => [r.status, r.variables.address, r.variables.changes, r.variables.shipment])).toEqual([
      ['COMPLETED', '2 New Street', 1, 'shipped to 2 New Street'],
    ]);
  });

  it('user task: completed from the group inbox, its results drive the WfRun', async () => {
    const { wfRuns } = await userTask.main(client);
    expect(wfRuns.map((r) => [r.status, r.variables.review, r.variables.payment])).toEqual([
      ['COMPLETED', { approved: true, comment: 'Fine.' }, 'paid 120'],
    ]);
  });

  it('child workflow: the parent waits for the child and takes its output', async () => {
    const { wfRuns } = await childWorkflow.main(client);
    expect(wfRuns.map((r) => [r.status, r.variables.receipt])).toEqual([
      ['COMPLETED', 'receipt-99'],
      ['COMPLETED', 'receipt-99'],
    ]);
  });

  it('workflow event: the caller gets the event while the WfRun still runs', async () => {
    const { wfRuns, extra } = await workflowEvent.main(client);
    expect(extra).toEqual({ event: { item: 'saddle', inStock: true }, statusWhenAccepted: 'RUNNING' });
    expect(wfRuns.map((r) => r.status)).toEqual(['COMPLETED']);
  });
});
