import { performance } from 'node:perf_hooks';
import { Logger, makeWorkerUtils, run } from 'graphile-worker';
import type { DrainResult } from './drain.ts';
import { drainTracker, untilEmpty } from './drain.ts';

/** Its own schema, so that it shares the database with Gallop and pg-boss without collisions. */
const SCHEMA = 'bench_graphile_worker';

// Warnings and errors only, each once: the default logger prints a line per completed job, which no one
// benchmarks with, and every run() repeats its warning that the pool (10) is smaller than concurrency 16.
const said = new Set<string>();
const logger = new Logger(() => (level, message) => {
  if ((String(level) === 'error' || String(level) === 'warning') && !said.has(message)) {
    said.add(message);
    console.error(`graphile-worker: ${message}`);
  }
});

/**
 * graphile-worker with its defaults (one runner with `concurrency` workers, no local queue, no batched completions;
 * each job costs a get_job and a complete_job transaction): adds `jobs` no-op jobs in one `addJobs` call, then
 * starts a runner and times the drain, from the first handler start until the jobs table is empty.
 */
export async function drainGraphileWorker(url: string, jobs: number, concurrency: number): Promise<DrainResult> {
  const utils = await makeWorkerUtils({ connectionString: url, schema: SCHEMA, logger });
  try {
    await utils.migrate();
    const specs = Array.from({ length: jobs }, (_, n) => ({ identifier: 'noop', payload: { n } }));
    const added = performance.now();
    await utils.addJobs(specs);
    const enqueuedPerSecond = jobs / ((performance.now() - added) / 1000);

    const tracker = drainTracker(jobs);
    const runner = await run({
      connectionString: url,
      schema: SCHEMA,
      concurrency,
      noHandleSignals: true,
      logger,
      taskList: { noop: async () => tracker.handling() },
    });
    await tracker.allHandled;
    // Completions are sent after the handler returns; the drain ends when the last one has committed.
    await untilEmpty(() =>
      utils.withPgClient(async (client) => {
        const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from ${SCHEMA}._private_jobs`);
        return rows[0]?.n ?? 0;
      }),
    );
    const seconds = tracker.seconds();
    const cpu = tracker.cpu();
    await runner.stop();
    return { enqueuedPerSecond, jobsPerSecond: jobs / seconds, cpu };
  } finally {
    await utils.release();
  }
}
