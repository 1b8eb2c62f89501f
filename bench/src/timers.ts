import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, createLogger } from '@gallop/server';
import { GallopClient, Workflow } from '@gallop/sdk';
import WebSocket from 'ws';

// How late the server fires timers: WfRuns that sleep, started at staggered moments so their timers interleave
// (a later timer set while an earlier one is pending must still fire on time). Lateness is the time from when a
// sleep was due to when the server's scheduler completed its NodeRun. DATABASE_URL selects PostgreSQL.
//   node --import tsx bench/src/timers.ts           (npm run bench:timers)
const RUNS = Number(process.env.RUNS ?? 60);

const app = await createApp({ databaseUrl: process.env.DATABASE_URL, dataDir: 'memory://', log: createLogger({ level: 'warn' }) });
const server = createServer((req, res) => app.handle(req, res));
app.attach(server);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const client = new GallopClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, webSocketImpl: WebSocket });
const name = `sleepy-${Date.now().toString(36)}`;
await client.putWfSpec(
  new Workflow(name, (wf) => {
    const seconds = wf.declareInt('seconds').required();
    wf.sleepSeconds(seconds);
  }).compile(),
);

const lateness: number[] = [];
const done: Promise<void>[] = [];
for (let i = 0; i < RUNS; i++) {
  // Sleeps of 1 to 3 s, started 37 ms apart: due times interleave with the order they were set in.
  const seconds = 1 + (i % 3);
  const started = Date.now();
  const run = await client.runWf({ wfSpecName: name, variables: { seconds } });
  const due = started + seconds * 1000;
  done.push(
    new Promise<void>((resolve) => {
      const stop = app.services.bus.subscribe('default', run.id, (message) => {
        for (const { event } of 'events' in message ? message.events : []) {
          if (event.type === 'WfRunCompleted') {
            lateness.push(Math.max(0, event.time - due));
            stop();
            resolve();
          }
        }
      });
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 37));
}
await Promise.all(done);
const sorted = [...lateness].sort((a, b) => a - b);
const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))] ?? NaN;
console.log(`${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}: ${RUNS} sleeps of 1-3 s fired late by p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${sorted.at(-1)} ms`);
await app.close();
server.close();
