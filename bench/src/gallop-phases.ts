import { performance } from 'node:perf_hooks';
import { TaskWorker } from '@gallop/sdk';
import type { CpuSample } from './cpu.ts';
import type { GallopServer, NoopWorkflows } from './gallop-server.ts';
import { drainTracker } from './peers/drain.ts';
import { percentile } from './stats.ts';

/** What draining pre-started WfRuns measured. */
export interface GallopDrain {
  /** WfRuns started per second by runWf calls, `startLanes` in flight, before any worker ran. */
  readonly startedPerSecond: number;
  /** TaskRuns per second from the first task function call to the last WfRunCompleted. */
  readonly taskRunsPerSecond: number;
  /** WfRuns per second over the same time. */
  readonly wfRunsPerSecond: number;
  /** CPU used over the same time. */
  readonly cpu: CpuSample;
}

/**
 * Starts `wfRuns` WfRuns of `tasks` noop tasks each (runWf over GraphQL, `startLanes` calls in flight), then starts
 * `workers` TaskWorkers (1 unless given) of `concurrency` each and times them from the first task to the last
 * WfRunCompleted on the server's bus: every TaskRun goes through claim, run, report and the engine's advance to the
 * next task.
 */
export async function drainGallop(
  gallop: GallopServer,
  names: NoopWorkflows,
  options: { readonly tasks: number; readonly wfRuns: number; readonly concurrency: number; readonly workers?: number; readonly startLanes: number; readonly idPrefix: string },
): Promise<GallopDrain> {
  const { tasks, wfRuns, concurrency, startLanes, idPrefix } = options;
  const wfSpecName = names.wfSpecName(tasks);
  const ids = Array.from({ length: wfRuns }, (_, i) => `${idPrefix}-${i}`);
  const done = Promise.all(ids.map((id) => gallop.waitCompleted(id)));

  const startedAt = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: startLanes }, async () => {
      for (let i = next++; i < wfRuns; i = next++) await gallop.client.runWf({ wfSpecName, id: ids[i], variables: { n: i } });
    }),
  );
  const startedPerSecond = wfRuns / ((performance.now() - startedAt) / 1000);

  // Times from the first task, as the peers' drains time from their first handler.
  const tracker = drainTracker(wfRuns * tasks);
  const workers = Array.from(
    { length: options.workers ?? 1 },
    () =>
      new TaskWorker({
        client: gallop.client,
        taskDefName: names.taskDefName,
        concurrency,
        pollWaitMs: 10_000,
        fn: ({ n }) => {
          tracker.handling();
          return (n as number) + 1;
        },
      }),
  );
  for (const worker of workers) void worker.start();
  await done;
  const seconds = tracker.seconds();
  const cpu = tracker.cpu();
  await Promise.all(workers.map((worker) => worker.stop()));
  return { startedPerSecond, taskRunsPerSecond: (wfRuns * tasks) / seconds, wfRunsPerSecond: wfRuns / seconds, cpu };
}

/** What a steady offered load of 1-task WfRuns measured. */
export interface GallopLatency {
  /** runWf call → WfRunCompleted on the server's bus, after the warm-up, in ms. */
  readonly p50: number;
  readonly p99: number;
  /** WfRuns completed per second over the whole stream (offered: `rate`). */
  readonly achievedPerSecond: number;
  /** WfRuns offered in all, warm-up included. */
  readonly wfRuns: number;
}

/**
 * Offers 1-task WfRuns at `rate` per second for `seconds` (open loop: a runWf call starts on schedule whether or not
 * earlier ones have finished), with one TaskWorker of `concurrency` serving them, and measures each from its runWf
 * call to its WfRunCompleted on the server's bus. Runs started in the first `warmupSeconds` are left out.
 */
export async function offerGallopLoad(
  gallop: GallopServer,
  names: NoopWorkflows,
  options: { readonly rate: number; readonly seconds: number; readonly warmupSeconds: number; readonly concurrency: number; readonly idPrefix: string },
): Promise<GallopLatency> {
  const { rate, seconds, warmupSeconds, concurrency, idPrefix } = options;
  const wfSpecName = names.wfSpecName(1);
  const worker = new TaskWorker({ client: gallop.client, taskDefName: names.taskDefName, concurrency, pollWaitMs: 10_000, fn: ({ n }) => (n as number) + 1 });
  worker.start();

  const times: number[] = [];
  const runs: Promise<void>[] = [];
  const total = Math.round(rate * seconds);
  const streamStart = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = streamStart + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    runs.push(
      (async () => {
        const id = `${idPrefix}-${i}`;
        const done = gallop.waitCompleted(id);
        const start = performance.now();
        await gallop.client.runWf({ wfSpecName, id, variables: { n: i } });
        await done;
        if (start - streamStart >= warmupSeconds * 1000) times.push(performance.now() - start);
      })(),
    );
  }
  await Promise.all(runs);
  const elapsed = (performance.now() - streamStart) / 1000;
  await worker.stop();
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), achievedPerSecond: total / elapsed, wfRuns: total };
}
