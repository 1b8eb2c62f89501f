import { pathToFileURL } from 'node:url';
import { GallopClient, TaskWorker } from '@gallop/sdk';
import type { AnyTypedTask, WfRunInfo } from '@gallop/sdk';
import type { JsonValue } from '@gallop/engine';
import WebSocket from 'ws';

/** What an example did: the WfRuns it ran, as they ended, for the reader and for the examples' tests. */
export interface ExampleResult {
  readonly wfRuns: readonly EndedWfRun[];
  /** What the example received besides its WfRuns' variables (a WorkflowEvent, say). */
  readonly extra?: JsonValue;
}

export interface EndedWfRun {
  readonly id: string;
  readonly status: WfRunInfo['status'];
  /** The entrypoint thread's variables, by name. */
  readonly variables: Readonly<Record<string, JsonValue>>;
}

export type Example = (client: GallopClient) => Promise<ExampleResult>;

/** A client for the server at GALLOP_URL (default: the one `npm start` runs). */
export function connect(): GallopClient {
  const url = process.env.GALLOP_URL ?? 'http://localhost:8080/graphql';
  return new GallopClient({ url, webSocketImpl: WebSocket });
}

/**
 * Starts a TaskWorker for each typed task and waits until each has registered its TaskDef, so that a WfSpec
 * using them can be registered next. Returns a function that stops them all.
 */
export async function startWorkers(client: GallopClient, tasks: readonly AnyTypedTask[]): Promise<() => Promise<void>> {
  const workers = tasks.map((task) => new TaskWorker({ client, task, pollWaitMs: 1_000 }));
  await Promise.all(workers.map((w) => w.start()));
  return async () => void (await Promise.all(workers.map((w) => w.stop())));
}

/** Waits until a WfRun has ended (COMPLETED, ERROR or EXCEPTION) and returns it with its entrypoint variables. */
export async function waitForEnd(client: GallopClient, wfRunId: string, timeoutMs = 30_000): Promise<EndedWfRun> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await client.wfRun(wfRunId);
    if (!run) throw new Error(`WfRun ${wfRunId} does not exist.`);
    if (run.status === 'COMPLETED' || run.status === 'ERROR' || run.status === 'EXCEPTION') return ended(run);
    if (Date.now() > deadline) throw new Error(`WfRun ${wfRunId} is still ${run.status} after ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until `check` says yes about a WfRun: a node reached, a task created. */
export async function waitUntil(client: GallopClient, wfRunId: string, check: (run: WfRunInfo) => boolean, timeoutMs = 30_000): Promise<WfRunInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await client.wfRun(wfRunId);
    if (run && check(run)) return run;
    if (Date.now() > deadline) throw new Error(`WfRun ${wfRunId} did not get where it was awaited within ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function ended(run: WfRunInfo): EndedWfRun {
  const variables = Object.fromEntries(run.variables.filter((v) => v.threadRunNumber === 0).map((v) => [v.name, v.value]));
  return { id: run.id, status: run.status, variables };
}

/** Runs the example when its file is the script node was started with, printing what it did. */
export function runWhenMain(moduleUrl: string, example: Example): void {
  const script = process.argv[1];
  if (!script || pathToFileURL(script).href !== moduleUrl) return;
  const client = connect();
  example(client)
    .then((result) => console.log(JSON.stringify(result, null, 2)))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    })
    .finally(() => void client.close());
}
