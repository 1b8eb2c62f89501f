import { performance } from 'node:perf_hooks';
import PgBoss from 'pg-boss';
import type { DrainResult } from './drain.ts';
import { drainTracker, untilEmpty } from './drain.ts';

/** Its own schema, so that it shares the database with Gallop and graphile-worker without collisions. */
const SCHEMA = 'bench_pg_boss';
/** pg-boss 10's smallest polling interval: a work() loop sleeps out the rest of it after every fetch. */
export const PG_BOSS_POLLING_SECONDS = 0.5;

/**
 * pg-boss configured as a user after throughput would: `loops` work() loops on one queue, each fetching up to
 * `batchSize` jobs per poll (completed together in one statement) and polling every 0.5 s, otherwise defaults
 * (maintenance and scheduling on). Inserts `jobs` no-op jobs into a new queue in one `insert` call, then times the
 * drain, from the first handler start until no job of the queue is left unfinished.
 */
export async function drainPgBoss(url: string, jobs: number, loops: number, batchSize: number, queue: string): Promise<DrainResult> {
  const boss = new PgBoss({ connectionString: url, schema: SCHEMA });
  boss.on('error', (error: Error) => console.error(`pg-boss: ${error.message}`));
  await boss.start();
  try {
    // pg-boss 10 keeps each queue in its own partition; a new queue per drain starts empty.
    await boss.createQueue(queue);
    const added = performance.now();
    await boss.insert(Array.from({ length: jobs }, (_, n) => ({ name: queue, data: { n } })));
    const enqueuedPerSecond = jobs / ((performance.now() - added) / 1000);

    const tracker = drainTracker(jobs);
    for (let i = 0; i < loops; i++) {
      await boss.work(queue, { batchSize, pollingIntervalSeconds: PG_BOSS_POLLING_SECONDS }, async (batch) => tracker.handling(batch.length));
    }
    await tracker.allHandled;
    // work() completes a batch without waiting for it; the drain ends when the last completion has committed.
    await untilEmpty(() => boss.getQueueSize(queue, { before: 'completed' }));
    const seconds = tracker.seconds();
    const cpu = tracker.cpu();
    return { enqueuedPerSecond, jobsPerSecond: jobs / seconds, cpu };
  } finally {
    await boss.stop({ graceful: true, wait: true });
  }
}
