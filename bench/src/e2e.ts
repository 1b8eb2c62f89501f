import { availableParallelism, loadavg } from 'node:os';
import { drainGallop, offerGallopLoad } from './gallop-phases.ts';
import type { GallopDrain, GallopLatency } from './gallop-phases.ts';
import { putNoopWorkflows, startGallop } from './gallop-server.ts';
import type { GallopServer } from './gallop-server.ts';
import { freshDatabase } from './fresh-database.ts';
import type { DrainResult } from './peers/drain.ts';
import { drainGraphileWorker } from './peers/graphile-worker.ts';
import { drainPgBoss, PG_BOSS_POLLING_SECONDS } from './peers/pg-boss.ts';
import type { CpuSample } from './cpu.ts';
import { fixed, median, medianOf } from './stats.ts';

// Issue 4's benchmark: the whole loop (runWf, claim, run, report, advance) through GraphQL over loopback HTTP, with
// the server, its workers and the load in one process on this machine's two cores, as reference/peers.md measured
// the peers. Per round: three drains of WF_RUNS 3-task WfRuns started up front, by one TaskWorker of concurrency 1,
// 4 and 16, and two by 4 and 16 TaskWorkers of concurrency BOSS_BATCH (pg-boss's shape); then a steady offered load
// of 1-task WfRuns for latency. With DATABASE_URL (a fresh database is made
// beside it and dropped at the end) it runs on PostgreSQL, counts commits, and drains as many no-op jobs with
// graphile-worker and pg-boss, each in its own schema of that database; without, on in-memory PGlite, Gallop only.
// Beside each drain, the CPU it took per TaskRun (per job): this process's, and PostgreSQL's when its processes run
// on this machine (all of them, whatever database they serve). Prints medians of ROUNDS rounds (min–max); asserts nothing.
//   node --import tsx bench/src/e2e.ts           (npm run bench:e2e)
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ROUNDS = env('ROUNDS', 3);
const WF_RUNS = env('WF_RUNS', 3000);
const TASKS = 3;
const CONCURRENCIES = [1, 4, 16] as const;
const PEER_CONCURRENCIES = [4, 16] as const;
const START_LANES = env('START_LANES', 16);
const RATE = env('RATE', 50);
const SECONDS = env('SECONDS', 10);
const WARMUP_SECONDS = 2;
const LATENCY_CONCURRENCY = 16;
const BOSS_BATCH = env('BOSS_BATCH', 100);
const JOBS = WF_RUNS * TASKS;

// The machine is shared: the load average beside the figures says how much of it the benchmark had.
const loadAtStart = loadavg()[0] ?? NaN;
const baseUrl = process.env.DATABASE_URL;
const db = baseUrl ? await freshDatabase(baseUrl, 'gallop_bench') : undefined;
const suffix = Date.now().toString(36);
// PGlite lives in this process: one server serves every phase. On PostgreSQL each phase gets its own server, so
// that its pool has closed (and its backends have reported their commits) when the phase's commits are read.
const shared = db ? undefined : await startGallop(undefined);
const names = await inGallop((gallop) => putNoopWorkflows(gallop.client, suffix, [1, TASKS]));

/** Runs a phase against the shared PGlite server, or against a server of its own on PostgreSQL. */
async function inGallop<T>(phase: (gallop: GallopServer) => Promise<T>): Promise<T> {
  if (shared) return phase(shared);
  const gallop = await startGallop(db?.url);
  try {
    return await phase(gallop);
  } finally {
    await gallop.close();
  }
}

/** Adds the commits made in this database while `run` ran (undefined on PGlite); `run` must close its pools. */
async function withCommits<T extends object>(run: () => Promise<T>): Promise<T & Commits> {
  const before = await db?.commits();
  const result = await run();
  const after = await db?.commits();
  return { ...result, commits: before === undefined || after === undefined ? undefined : after - before };
}

interface Commits {
  readonly commits: number | undefined;
}
type PeerRound = DrainResult & Commits & { readonly ratio: number };
const drains = new Map<number, (GallopDrain & Commits)[]>(CONCURRENCIES.map((c) => [c, []]));
/** By c: drains by c TaskWorkers of concurrency BOSS_BATCH each, pg-boss's shape (c loops of up to BOSS_BATCH jobs). */
const wideDrains = new Map<number, (GallopDrain & Commits)[]>(PEER_CONCURRENCIES.map((c) => [c, []]));
const latencies: (GallopLatency & Commits)[] = [];
const graphile = new Map<number, PeerRound[]>(PEER_CONCURRENCIES.map((c) => [c, []]));
const boss = new Map<number, PeerRound[]>(PEER_CONCURRENCIES.map((c) => [c, []]));
const where = db ? `PostgreSQL ${db.version}` : 'PGlite (in memory)';
console.log(`Gallop e2e on ${where}: median of ${ROUNDS === 1 ? '1 round' : `${ROUNDS} rounds`} (min–max)`);
for (let round = 0; round < ROUNDS; round++) {
  for (const concurrency of CONCURRENCIES) {
    const idPrefix = `drain-${suffix}-${round}-${concurrency}`;
    const options = { tasks: TASKS, wfRuns: WF_RUNS, concurrency, startLanes: START_LANES, idPrefix };
    drains.get(concurrency)?.push(await withCommits(() => inGallop((gallop) => drainGallop(gallop, names, options))));
  }
  for (const workers of PEER_CONCURRENCIES) {
    const options = { tasks: TASKS, wfRuns: WF_RUNS, concurrency: BOSS_BATCH, workers, startLanes: START_LANES, idPrefix: `wide-${suffix}-${round}-${workers}` };
    wideDrains.get(workers)?.push(await withCommits(() => inGallop((gallop) => drainGallop(gallop, names, options))));
  }
  const idPrefix = `load-${suffix}-${round}`;
  const load = { rate: RATE, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, concurrency: LATENCY_CONCURRENCY, idPrefix };
  latencies.push(await withCommits(() => inGallop((gallop) => offerGallopLoad(gallop, names, load))));
  if (!db) continue;
  for (const concurrency of PEER_CONCURRENCIES) {
    const gallopRate = drains.get(concurrency)?.at(-1)?.taskRunsPerSecond ?? NaN;
    const g = await withCommits(() => drainGraphileWorker(db.url, JOBS, concurrency));
    graphile.get(concurrency)?.push({ ...g, ratio: gallopRate / g.jobsPerSecond });
    const b = await withCommits(() => drainPgBoss(db.url, JOBS, concurrency, BOSS_BATCH, `noop_${round}_${concurrency}`));
    const wideRate = wideDrains.get(concurrency)?.at(-1)?.taskRunsPerSecond ?? NaN;
    boss.get(concurrency)?.push({ ...b, ratio: wideRate / b.jobsPerSecond });
  }
}

const commitsText = (commits: (number | undefined)[], units: number, unit: string) => {
  const known = commits.filter((x): x is number => x !== undefined).map((x) => x / units);
  return known.length ? `  ${medianOf(known, 2)} commits/${unit}` : '';
};
/** Median CPU ms per unit: this process (server, workers and load, or the peer's worker) and PostgreSQL's processes. */
const cpuText = (samples: CpuSample[], units: number) => {
  const node = median(samples.map((c) => c.node / units));
  const postgres = samples.map((c) => c.postgres).filter((x): x is number => x !== undefined);
  return `  CPU ${fixed(node, 2)}${postgres.length === samples.length ? ` + ${fixed(median(postgres) / units, 2)}` : ''} ms`;
};
const started = [...drains.values()].flat().map((d) => d.startedPerSecond);
console.log(`WfRuns started up front by runWf, ${START_LANES} calls in flight: ${medianOf(started)} WfRuns/s`);
console.log(`Drain ${fixed(WF_RUNS)} ${TASKS}-task WfRuns (${fixed(JOBS)} TaskRuns), one TaskWorker of concurrency c:`);
const drainLine = (label: string, rounds: (GallopDrain & Commits)[]) => {
  const taskRuns = medianOf(rounds.map((d) => d.taskRunsPerSecond));
  const wfRuns = medianOf(rounds.map((d) => d.wfRunsPerSecond));
  console.log(`  ${label.padEnd(7)} ${taskRuns.padStart(17)} TaskRuns/s ${wfRuns.padStart(15)} WfRuns/s${commitsText(rounds.map((d) => d.commits), JOBS, 'TaskRun')}${cpuText(rounds.map((d) => d.cpu), JOBS)}`);
};
for (const [c, rounds] of drains) drainLine(`c=${c}`, rounds);
console.log(`The same by c TaskWorkers of concurrency ${BOSS_BATCH} each (the shape of pg-boss's c loops of up to ${BOSS_BATCH} jobs):`);
for (const [c, rounds] of wideDrains) drainLine(`c=${c}`, rounds);
const done = median(latencies.map((l) => l.achievedPerSecond));
console.log(`1-task WfRuns offered at ${RATE}/s for ${SECONDS} s, TaskWorker concurrency ${LATENCY_CONCURRENCY}, first ${WARMUP_SECONDS} s left out (${fixed(done)} WfRuns/s done):`);
console.log(
  `  runWf → WfRunCompleted p50 ${medianOf(latencies.map((l) => l.p50), 1)} ms, p99 ${medianOf(latencies.map((l) => l.p99), 1)} ms` +
    commitsText(latencies.map((l) => l.commits), median(latencies.map((l) => l.wfRuns)), 'WfRun'),
);
if (db) {
  console.log(
    `Peers on the same database: ${fixed(JOBS)} no-op jobs added in bulk, then drained; ratio = Gallop TaskRuns/s ÷ peer jobs/s in the same round, ` +
      `against the drain of the same shape (graphile-worker: one TaskWorker of concurrency c; pg-boss: c TaskWorkers of concurrency ${BOSS_BATCH}):`,
  );
  // A drain of a few seconds says more of start-up and of where polls fall than of a steady rate: its length is shown.
  const peerLines = (label: string, results: Map<number, PeerRound[]>, ceiling?: (c: number) => number) => {
    for (const [c, rounds] of results) {
      const jobs = medianOf(rounds.map((r) => r.jobsPerSecond));
      const ratio = medianOf(rounds.map((r) => r.ratio), 2);
      const seconds = fixed(median(rounds.map((r) => JOBS / r.jobsPerSecond)), 1);
      const most = ceiling ? `; at most ${fixed(ceiling(c))} steady` : '';
      console.log(
        `  ${label.padEnd(40)} c=${String(c).padEnd(3)} ${jobs.padStart(21)} jobs/s (in ${seconds} s${most})  ratio ${ratio}` +
          `${commitsText(rounds.map((r) => r.commits), JOBS, 'job')}${cpuText(rounds.map((r) => r.cpu), JOBS)}`,
      );
      label = '';
    }
  };
  peerLines('graphile-worker 0.17.3, defaults', graphile);
  // Each loop takes at most a batch per polling interval; a drain of a few polls beats that, the first poll being free.
  peerLines(`pg-boss 10.4.2, c work() × batchSize ${BOSS_BATCH}`, boss, (c) => (c * BOSS_BATCH) / PG_BOSS_POLLING_SECONDS);
  const added = (results: Map<number, PeerRound[]>) => fixed(median([...results.values()].flat().map((r) => r.enqueuedPerSecond)));
  console.log(`  (bulk add: graphile-worker ${added(graphile)} jobs/s, pg-boss ${added(boss)} jobs/s; pg-boss polls every ${PG_BOSS_POLLING_SECONDS} s, its minimum)`);
}

console.log(`Load average ${fixed(loadAtStart, 1)} at start, ${fixed(loadavg()[0] ?? NaN, 1)} at end, on ${availableParallelism()} CPUs`);

await shared?.close();
await db?.drop();
