import { Workflow } from '@gallop/sdk';
import type { MetricsWindowLength } from '@gallop/sdk';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { MetricWindows } from '../src/runtime/metric-windows.ts';
import { isolatedStore, refusal, startTestServer, unique } from './harness.ts';

// A clock of the test's own, so each step lands in a known window; the server's data is its own too, so a
// scheduler running ahead fires no other file's timers.
let now = Date.parse('2026-12-01T09:00:00Z');
const store = await isolatedStore(inject('databaseUrl'));
const server = await startTestServer(store.databaseUrl, { dataDir: store.dataDir, clock: () => now });
afterAll(async () => {
  await server.close();
  await store.drop();
});
const { client } = server;
const metrics = server.app.services.metricWindows;

/** Claims what is there for `taskDefName` and reports each attempt: SUCCESS, or ERROR for the inputs `fail` names. */
async function work(taskDefName: string, { waitMs, tookMs, fail = [] }: { waitMs: number; tookMs: number; fail?: number[] }): Promise<void> {
  now += waitMs;
  const claimed = await client.claimTaskRuns({ taskDefName, workerId: 'w', max: 10, waitMs: 0 });
  now += tookMs;
  for (const task of claimed) {
    const n = task.input.n as number;
    await client.reportTaskRun({ taskRunId: task.taskRunId, attempt: task.attempt, outcome: fail.includes(n) ? { status: 'ERROR', message: 'no' } : { status: 'SUCCESS', output: n } });
  }
}

const at = (iso: string) => `2026-12-01T${iso}Z`;

/** Claims one TaskRun of the TaskDef as soon as there is one (the scheduler times attempts out on its own turn). */
async function waitForClaim(taskDefName: string) {
  for (let tries = 0; tries < 100; tries++) {
    const claimed = await client.claimTaskRuns({ taskDefName, workerId: 'w', waitMs: 100 });
    if (claimed.length > 0) return claimed;
  }
  throw new Error(`No TaskRun of ${taskDefName} came back`);
}

describe('metrics windows', () => {
  it('count WfRuns and TaskRuns per window, with their times, as LittleHorse does', async () => {
    const [taskDefName, wfSpecName] = [unique('metered'), unique('metered-wf')];
    await client.putTaskDef({ name: taskDefName, inputVars: [{ name: 'n', type: 'INT' }] });
    await client.putWfSpec(
      new Workflow(wfSpecName, (wf) => {
        const n = wf.declareInt('n');
        wf.execute(taskDefName, n);
      }).compile(),
    );
    for (const n of [1, 2, 3, 4]) await client.runWf({ wfSpecName, variables: { n } });
    // Workers come 2 s after the WfRuns start, take half a second, and one attempt fails (no retries: its WfRun too).
    await work(taskDefName, { waitMs: 2_000, tookMs: 500, fail: [4] });
    await metrics.flush();

    const window = await client.wfSpecMetricsWindow({ wfSpecName, windowLength: 'MINUTES_5', at: at('09:03:00') });
    expect(window).toEqual({
      wfSpecName,
      majorVersion: null,
      revision: null,
      windowLength: 'MINUTES_5',
      windowStart: at('09:00:00.000'),
      totalStarted: 4,
      totalCompleted: 3,
      totalErrored: 1,
      startToCompleteMaxMs: 2_500,
      startToCompleteAvgMs: 2_500,
    });
    expect(await client.taskDefMetricsWindow({ taskDefName, windowLength: 'HOURS_2', at: at('09:03:00') })).toEqual({
      taskDefName,
      windowLength: 'HOURS_2',
      windowStart: at('08:00:00.000'),
      totalScheduled: 4,
      totalStarted: 4,
      totalCompleted: 3,
      totalErrored: 1,
      scheduleToStartMaxMs: 2_000,
      scheduleToStartAvgMs: 2_000,
      startToCompleteCount: 4,
      startToCompleteMaxMs: 500,
      startToCompleteAvgMs: 500,
    });
    // A window where nothing happened answers zeros, without times.
    expect(await client.wfSpecMetricsWindow({ wfSpecName, windowLength: 'MINUTES_5', at: at('08:50:00') })).toMatchObject({
      windowStart: at('08:50:00.000'),
      totalStarted: 0,
      startToCompleteAvgMs: null,
    });

    // Eight minutes on (the next 5-minute window, the same 2-hour one), a WfRun that waits 10 s and takes 1 s, and a
    // version 1 of the WfSpec (another variable breaks the old one's inputs) with one WfRun.
    now = Date.parse(at('09:08:00'));
    await client.runWf({ wfSpecName, variables: { n: 5 } });
    await client.putWfSpec(
      new Workflow(wfSpecName, (wf) => {
        const n = wf.declareInt('n').required();
        wf.declareStr('label');
        wf.execute(taskDefName, n);
      }).compile(),
    );
    await client.runWf({ wfSpecName, variables: { n: 6 } });
    await work(taskDefName, { waitMs: 10_000, tookMs: 1_000 });
    await metrics.flush();

    const since = at('09:00:00');
    const fives = await client.wfSpecMetrics({ wfSpecName, windowLength: 'MINUTES_5', since });
    expect(fives.items.map((w) => [w.windowStart, w.totalStarted, w.totalCompleted, w.startToCompleteMaxMs])).toEqual([
      [at('09:00:00.000'), 4, 3, 2_500],
      [at('09:05:00.000'), 2, 2, 11_000],
    ]);
    // The 2-hour window holds both flushes' counts, added up; by version they split.
    const twoHours = (majorVersion?: number) => client.wfSpecMetrics({ wfSpecName, majorVersion, windowLength: 'HOURS_2', since });
    expect((await twoHours()).items).toMatchObject([{ totalStarted: 6, totalCompleted: 5, totalErrored: 1, startToCompleteMaxMs: 11_000 }]);
    expect((await twoHours(0)).items).toMatchObject([{ majorVersion: 0, totalStarted: 5, totalCompleted: 4 }]);
    expect((await twoHours(1)).items).toMatchObject([{ majorVersion: 1, totalStarted: 1, totalCompleted: 1, startToCompleteAvgMs: 11_000 }]);
    const task = await client.taskDefMetrics({ taskDefName, windowLength: 'DAYS_1', since: at('00:00:00') });
    expect(task.items).toMatchObject([
      { windowStart: at('00:00:00.000'), totalScheduled: 6, totalStarted: 6, totalCompleted: 5, totalErrored: 1, scheduleToStartMaxMs: 10_000, startToCompleteMaxMs: 1_000 },
    ]);
    expect(task.items[0]?.scheduleToStartAvgMs).toBeCloseTo((4 * 2_000 + 2 * 10_000) / 6);

    // Pages, oldest first; `until` ends the range.
    const first = await client.wfSpecMetrics({ wfSpecName, windowLength: 'MINUTES_5', since }, { first: 1 });
    expect(first.items.map((w) => w.windowStart)).toEqual([at('09:00:00.000')]);
    expect(first.hasNextPage).toBe(true);
    const next = await client.wfSpecMetrics({ wfSpecName, windowLength: 'MINUTES_5', since }, { first: 1, after: first.endCursor ?? '' });
    expect(next.items.map((w) => w.windowStart)).toEqual([at('09:05:00.000')]);
    const until = await client.wfSpecMetrics({ wfSpecName, windowLength: 'MINUTES_5', since, until: at('09:04:59') });
    expect(until.items.map((w) => w.windowStart)).toEqual([at('09:00:00.000')]);
  });

  it("count a timed-out attempt as errored without its lease as a duration, and its retry as started again", async () => {
    const [taskDefName, wfSpecName] = [unique('slow'), unique('slow-wf')];
    await client.putTaskDef({ name: taskDefName });
    await client.putWfSpec(new Workflow(wfSpecName, (wf) => void wf.execute(taskDefName).withRetries(1)).compile());
    now = Date.parse(at('10:00:00'));
    const run = await client.runWf({ wfSpecName });
    const [held] = await client.claimTaskRuns({ taskDefName, workerId: 'w', waitMs: 0, leaseMs: 1_000 });
    expect(held?.attempt).toBe(0);
    // The lease runs out: the scheduler times the attempt out, and the retry is claimed and succeeds.
    now += 5_000;
    const [retry] = await waitForClaim(taskDefName);
    expect(retry?.attempt).toBe(1);
    now += 300;
    await client.reportTaskRun({ taskRunId: retry?.taskRunId ?? '', attempt: 1, outcome: { status: 'SUCCESS' } });
    await expect.poll(async () => (await client.wfRun(run.id))?.status).toBe('COMPLETED');
    await metrics.flush();
    expect(await client.taskDefMetricsWindow({ taskDefName, windowLength: 'MINUTES_5', at: at('10:00:00') })).toMatchObject({
      totalScheduled: 1,
      totalStarted: 2,
      totalCompleted: 1,
      totalErrored: 1,
      startToCompleteCount: 1,
      startToCompleteMaxMs: 300,
    });
  });

  it('add up what several processes counted, and keep counts a failed flush could not write', async () => {
    const wfSpecName = unique('counted');
    const id = { name: wfSpecName, majorVersion: 0, revision: 0 };
    const started = (time: number) => [{ tenantId: 'default', wfRunId: 'x', seq: 1, event: { type: 'WfRunStarted' as const, time, wfRunId: 'x', wfSpecId: id } }];
    const state = { id: 'x', wfSpecId: id, status: 'RUNNING' as const, startTime: 0, threadRuns: [] };
    const { db, log } = server.app.services;
    // Another process's counter, on the same database, whose first write fails (as in a deadlock with a third).
    let failures = 1;
    const flaky = new Proxy(db, {
      get: (target, key, receiver) =>
        key === 'insert' && failures-- > 0
          ? () => {
              throw new Error('deadlock detected');
            }
          : Reflect.get(target, key, receiver),
    });
    const other = new MetricWindows(flaky, log);
    const at9 = Date.parse(at('09:00:00'));
    metrics.committed('default', started(at9), undefined, state);
    other.committed('default', started(at9), undefined, state);
    await Promise.all([metrics.flush(), other.flush()]);
    const window = () => client.wfSpecMetricsWindow({ wfSpecName, windowLength: 'HOURS_2', at: at('09:00:00') });
    expect((await window()).totalStarted).toBe(1);
    // Kept, and added with what came since at the next flush.
    other.committed('default', started(at9 + 1_000), undefined, state);
    await other.flush();
    expect((await window()).totalStarted).toBe(3);
  });

  it('refuses a revision without its major version, and a window length it does not know', async () => {
    const refused = await refusal(client.wfSpecMetricsWindow({ wfSpecName: 'any', revision: 1, windowLength: 'MINUTES_5', at: at('09:00:00') }));
    expect(refused.message).toContain('A revision needs its majorVersion');
    const unknown = await refusal(client.taskDefMetricsWindow({ taskDefName: 'any', windowLength: 'WEEKS_1' as MetricsWindowLength, at: at('09:00:00') }));
    expect(unknown.message).toContain('MetricsWindowLength');
    const forged = await refusal(client.wfSpecMetrics({ wfSpecName: 'any', windowLength: 'MINUTES_5', since: at('09:00:00') }, { after: Buffer.from('["soon"]').toString('base64url') }));
    expect(forged.message).toContain('not one this server made');
  });
});
