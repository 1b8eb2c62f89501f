import { performance } from 'node:perf_hooks';
import { TaskWorker } from '@gallop/sdk';
import { sql } from 'drizzle-orm';
import { putNoopWorkflows, startGallop } from './gallop-server.ts';
import { median, percentile, range } from './stats.ts';

// The full loop through GraphQL over HTTP: runWf -> claimTaskRuns (long-poll) -> task -> reportTaskRun -> advance,
// with the server, the worker and the load in one process on this machine's two cores (as reference/peers.md
// measured the peers).
// Prints medians of 3 rounds. DATABASE_URL selects PostgreSQL (and adds commits per task); PGlite otherwise.
//   node --import tsx bench/src/task-loop.ts           (npm run bench)
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const LATENCY_RUNS = Number(process.env.LATENCY_RUNS ?? 100);
const THROUGHPUT_RUNS = Number(process.env.THROUGHPUT_RUNS ?? 600);
const IN_FLIGHT = 64;

const gallop = await startGallop(process.env.DATABASE_URL);
const { app, client } = gallop;
const suffix = Date.now().toString(36);
const names = await putNoopWorkflows(client, suffix, [1, 3]);
const worker = new TaskWorker({ client, taskDefName: names.taskDefName, fn: ({ n }) => (n as number) + 1, concurrency: IN_FLIGHT, pollWaitMs: 10_000 });
worker.start();

async function latencyRound(round: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < LATENCY_RUNS; i++) {
    const id = `lat-${suffix}-${round}-${i}`;
    const start = performance.now();
    const done = gallop.waitCompleted(id);
    await client.runWf({ wfSpecName: names.wfSpecName(1), id, variables: { n: i } });
    await done;
    times.push(performance.now() - start);
  }
  return times.slice(Math.min(10, times.length / 10)); // the first runs warm the JIT and caches
}

async function commits(): Promise<number | undefined> {
  if (!process.env.DATABASE_URL) return undefined;
  const rows = (await app.services.db.execute(sql`select xact_commit::int as n from pg_stat_database where datname = current_database()`)) as unknown as { n: number }[];
  return rows[0]?.n;
}

async function throughputRound(round: number): Promise<{ tasksPerSecond: number; commitsPerTask: number | undefined }> {
  const before = await commits();
  const start = performance.now();
  let next = 0;
  const lanes = Array.from({ length: IN_FLIGHT }, async () => {
    while (next < THROUGHPUT_RUNS) {
      const i = next++;
      const id = `tp-${suffix}-${round}-${i}`;
      const done = gallop.waitCompleted(id);
      await client.runWf({ wfSpecName: names.wfSpecName(3), id, variables: { n: i } });
      await done;
    }
  });
  await Promise.all(lanes);
  const seconds = (performance.now() - start) / 1000;
  const after = await commits();
  const tasks = THROUGHPUT_RUNS * 3;
  return { tasksPerSecond: tasks / seconds, commitsPerTask: before === undefined || after === undefined ? undefined : (after - before) / tasks };
}

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite (in memory)';
console.log(`Gallop task loop on ${db}: ${ROUNDS} rounds; latency over ${LATENCY_RUNS} sequential 1-task WfRuns, throughput over ${THROUGHPUT_RUNS} 3-task WfRuns with ${IN_FLIGHT} in flight`);
const p50s: number[] = [];
const p99s: number[] = [];
const rates: number[] = [];
const commitRates: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const times = await latencyRound(round);
  const { tasksPerSecond, commitsPerTask } = await throughputRound(round);
  p50s.push(percentile(times, 0.5));
  p99s.push(percentile(times, 0.99));
  rates.push(tasksPerSecond);
  if (commitsPerTask !== undefined) commitRates.push(commitsPerTask);
  console.log(
    `round ${round + 1}: 1-task WfRun p50 ${p50s.at(-1)?.toFixed(1)} ms, p99 ${p99s.at(-1)?.toFixed(1)} ms; ` +
      `${tasksPerSecond.toFixed(0)} tasks/s${commitsPerTask === undefined ? '' : `, ${commitsPerTask.toFixed(2)} commits/task`}`,
  );
}
console.log(`median: 1-task WfRun end to end p50 ${median(p50s).toFixed(1)} ms (${range(p50s, 1)}), p99 ${median(p99s).toFixed(1)} ms (${range(p99s, 1)})`);
console.log(`median: ${median(rates).toFixed(0)} tasks/s (${range(rates, 0)})${commitRates.length ? `, ${median(commitRates).toFixed(2)} commits/task (${range(commitRates, 2)})` : ''}`);

await worker.stop();
await gallop.close();
