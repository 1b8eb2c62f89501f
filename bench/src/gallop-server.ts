import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, createLogger } from '@gallop/server';
import type { App } from '@gallop/server';
import { GallopClient, Workflow } from '@gallop/sdk';
import WebSocket from 'ws';

/** A Gallop server in this process, listening on a loopback port, with a client for it. */
export interface GallopServer {
  readonly app: App;
  readonly client: GallopClient;
  /**
   * Resolves when the server's in-process event bus carries WfRunCompleted for the WfRun, rejects on WfRunFailed.
   * Subscribe before starting the WfRun. This is instrumentation: the figures then measure the task loop, not a
   * GraphQL subscription per WfRun.
   */
  waitCompleted(wfRunId: string): Promise<void>;
  /** Closes the client, the HTTP server and the app (its database pool with it). */
  close(): Promise<void>;
}

/**
 * Starts the server (createApp) on PostgreSQL when `databaseUrl` is set, else on in-memory PGlite, behind a
 * node:http server on 127.0.0.1 port 0: the workers reach it over real HTTP, as they would in production.
 * Logs warnings and errors only: the figures are the output.
 */
export async function startGallop(databaseUrl: string | undefined): Promise<GallopServer> {
  const app = await createApp({ databaseUrl, dataDir: 'memory://', log: createLogger({ level: 'warn' }) });
  const server = createServer((req, res) => app.handle(req, res));
  app.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new GallopClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, webSocketImpl: WebSocket });
  return {
    app,
    client,
    waitCompleted(wfRunId) {
      return new Promise<void>((resolve, reject) => {
        const stop = app.services.bus.subscribe('default', wfRunId, (message) => {
          for (const { event } of 'events' in message ? message.events : []) {
            if (event.type === 'WfRunCompleted' || event.type === 'WfRunFailed') {
              stop();
              if (event.type === 'WfRunCompleted') resolve();
              else reject(new Error(`WfRun ${wfRunId} failed`));
            }
          }
        });
      });
    },
    async close() {
      await client.close();
      server.closeAllConnections();
      server.close();
      await app.close();
    },
  };
}

/** The names registered by `putNoopWorkflows`. */
export interface NoopWorkflows {
  /** The TaskDef: input `n` (INT), returns an INT. */
  readonly taskDefName: string;
  /** The WfSpec of `tasks` noop tasks in a row, each passing `n` on to the next; throws if none was registered. */
  wfSpecName(tasks: number): string;
}

/**
 * Registers a `noop-<suffix>` TaskDef and, for each count in `taskCounts`, a WfSpec `bench-<count>-<suffix>` that
 * runs that many noop tasks in sequence (each feeds its output to the next).
 */
export async function putNoopWorkflows(client: GallopClient, suffix: string, taskCounts: readonly number[]): Promise<NoopWorkflows> {
  const taskDefName = `noop-${suffix}`;
  await client.putTaskDef({ name: taskDefName, inputVars: [{ name: 'n', type: 'INT' }], returnType: 'INT' });
  const wfSpecNames = new Map<number, string>();
  for (const tasks of taskCounts) {
    const name = `bench-${tasks}-${suffix}`;
    await client.putWfSpec(
      new Workflow(name, (wf) => {
        const n = wf.declareInt('n');
        for (let i = 0; i < tasks; i++) n.assign(wf.execute(taskDefName, n));
      }).compile(),
    );
    wfSpecNames.set(tasks, name);
  }
  return {
    taskDefName,
    wfSpecName(tasks) {
      const name = wfSpecNames.get(tasks);
      if (name === undefined) throw new RangeError(`No WfSpec of ${tasks} tasks was registered; there are ${[...wfSpecNames.keys()].join(', ')}.`);
      return name;
    },
  };
}
