import { GallopClient, TaskWorker } from '@gallop/sdk';
import type { TaskFunction } from '@gallop/sdk';
import WebSocket from 'ws';

// A Task Worker in its own process, as users run them, for tests that kill it: started by startWorkerProcess
// (worker.ts) as `node --import tsx test/support/worker-process.ts`, configured by the environment:
//   GALLOP_URL   the server's base URL               TASKS        comma-separated TaskDef names to serve
//   WORKER_ID    names the worker on its attempts     LEASE_MS     the lease each claim asks for
//   CONCURRENCY  attempts held at once per TaskDef    HOLD         '1': claim and never finish (to be SIGKILLed)
// Each task returns its input values joined by '|', then ':' and its TaskDef name, so a WfRun's final variables
// show which tasks ran on what. It runs until SIGTERM, then stops its TaskWorkers gracefully.
const env = process.env;
const url = env.GALLOP_URL;
const names = (env.TASKS ?? '').split(',').filter(Boolean);
if (!url || names.length === 0) throw new Error('worker-process needs GALLOP_URL and TASKS.');
const hold = env.HOLD === '1';

const run =
  (taskDefName: string): TaskFunction =>
  (input) =>
    `${Object.values(input).map(String).join('|')}:${taskDefName}`;
const never: TaskFunction = () => new Promise<never>(() => {});

const client = new GallopClient({ url: `${url}/graphql`, webSocketImpl: WebSocket });
const workers = names.map(
  (taskDefName) =>
    new TaskWorker({
      client,
      taskDefName,
      fn: hold ? never : run(taskDefName),
      workerId: env.WORKER_ID || undefined,
      concurrency: Number(env.CONCURRENCY ?? 10),
      leaseMs: Number(env.LEASE_MS ?? 60_000),
      // The server it talks to may be killed on purpose: a dropped claim is expected, not news.
      onError: (error) => console.error(`${taskDefName}: ${error instanceof Error ? error.message : String(error)}`),
    }),
);
for (const worker of workers) worker.start();
// startWorkerProcess waits for this line.
console.log(`worker ready: ${workers.map((w) => w.workerId).join(', ')}`);

process.on('SIGTERM', () => {
  // A holding worker never finishes what it holds, so it leaves without waiting.
  if (hold) process.exit(0);
  void Promise.all(workers.map((w) => w.stop())).then(() => process.exit(0));
});
