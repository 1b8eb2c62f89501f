import { GallopClient, stopOnSignals, TaskWorker } from '@gallop/sdk';
import type { TaskFunction } from '@gallop/sdk';
import WebSocket from 'ws';

// A Task Worker in its own process, as users run them, for tests that kill it: started by startWorkerProcess
// (worker.ts) as `node --import tsx test/support/worker-process.ts`, configured by the environment:
//   GALLOP_URL   the server's base URL               TASKS        comma-separated TaskDef names to serve
//   WORKER_ID    names the worker on its attempts     LEASE_MS     the lease each claim asks for
//   CONCURRENCY  attempts held at once per TaskDef    HOLD         '1': claim and never finish (to be SIGKILLed)
//   TASK_MS      how long each attempt takes (default 0); each such attempt prints 'started <taskRunId>' first
// Each task returns its input values joined by '|', then ':' and its TaskDef name, so a WfRun's final variables
// show which tasks ran on what. It runs until SIGTERM, then stops its TaskWorkers gracefully (stopOnSignals) and
// prints 'worker stopped' before it exits.
const env = process.env;
const url = env.GALLOP_URL;
const names = (env.TASKS ?? '').split(',').filter(Boolean);
if (!url || names.length === 0) throw new Error('worker-process needs GALLOP_URL and TASKS.');
const hold = env.HOLD === '1';

const taskMs = Number(env.TASK_MS ?? 0);
const run =
  (taskDefName: string): TaskFunction =>
  async (input, ctx) => {
    if (taskMs > 0) {
      console.log(`started ${ctx.taskRunId}`);
      await new Promise((resolve) => setTimeout(resolve, taskMs));
    }
    return `${Object.values(input).map(String).join('|')}:${taskDefName}`;
  };
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
for (const worker of workers) void worker.start();
// startWorkerProcess waits for this line.
console.log(`worker ready: ${workers.map((w) => w.workerId).join(', ')}`);

// A holding worker never finishes what it holds, so it leaves without waiting.
if (hold) process.once('SIGTERM', () => process.exit(0));
else {
  stopOnSignals(workers, {
    then: async () => {
      await client.close();
      console.log('worker stopped');
      process.exit(0);
    },
  });
}
