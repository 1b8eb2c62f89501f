import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GallopClient, isGallopClientError, Workflow } from '@gallop/sdk';
import type { StoredWfRunEvent } from '@gallop/sdk';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { startServer } from '../support/server.ts';
import type { ServerProcess } from '../support/server.ts';
import { waitFor } from '../support/wait.ts';
import { startWorkerProcess } from '../support/worker.ts';
import type { WorkerProcess } from '../support/worker.ts';

// Issue 4's acceptance on PostgreSQL: two server processes on one database, four worker processes, a WfSpec of
// three tasks, a sleep and an external event; then a server SIGKILLed and restarted, a worker SIGKILLed while it
// holds attempts, and the servers' connections terminated, each in the middle of a load. Everything is checked in
// the database afterwards: no timed assertions (speed is for bench/).
const databaseUrl = inject('databaseUrl');
const suffix = Date.now().toString(36);
// Names the servers' connections, so pg_terminate_backend hits them and nothing else a parallel test file uses.
const APP_NAME = `gallop-load-${suffix}`;
const EVENT = `go-${suffix}`;
// Short enough that attempts lost with a crashed server come back soon, long enough never to expire under load.
const LEASE_MS = 5_000;
// Generous: other work on a shared two-core machine can halve the pace.
const TEST_TIMEOUT = 300_000;
// A load that has not ended by then is described (where each WfRun waits) instead of left to the test timeout.
const LOAD_DEADLINE_MS = 270_000;

type Via = 0 | 1;

interface Watcher {
  readonly id: string;
  readonly events: StoredWfRunEvent[];
  /** How many times its subscription ended early and was taken up again. */
  resubscribed: number;
  stop(): void;
}

interface LoadSpec {
  readonly name: string;
  /** The TaskDefs a, b and c, in the order the WfSpec runs them. */
  readonly tasks: readonly [string, string, string];
}

// PostgreSQL only: several processes cannot share one PGlite database, so on PGlite there is nothing to run.
if (databaseUrl) describe('two server processes and four worker processes on one PostgreSQL, under load', () => {
  const servers: ServerProcess[] = [];
  const clients: GallopClient[] = [];
  const workers: WorkerProcess[] = [];
  let sql: postgres.Sql;
  let main: LoadSpec;

  const startOne = (port?: string) => startServer({ databaseUrl, env: { PGAPPNAME: APP_NAME, ...(port ? { PORT: port } : {}) } });

  beforeAll(async () => {
    sql = postgres(databaseUrl!, { max: 4, onnotice: () => {} });
    servers.push(...(await Promise.all([startOne(), startOne()])));
    // One client per server URL: a restarted server comes back on the same port, so these stay valid.
    clients.push(...servers.map((s) => new GallopClient({ url: s.graphqlUrl, webSocketImpl: WebSocket })));
    await clients[0]!.putExternalEventDef({ name: EVENT });
    main = await registerLoadSpec('load');
    const started = await Promise.all(
      ([0, 1, 0, 1] as const).map((i) => startWorkerProcess({ url: servers[i]!.url, taskDefNames: main.tasks, leaseMs: LEASE_MS })),
    );
    workers.push(...started);
  });

  afterAll(async () => {
    // Workers first: stopping, they report what they hold to servers still up.
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(servers.map((s) => s.stop()));
    await sql?.end({ timeout: 5 });
  });

  it('completes 1,000 WfRuns spread over both servers, each step applied once, and streams them across servers', { timeout: TEST_TIMEOUT }, async () => {
    const prefix = `main-${suffix}-`;
    const count = 1_000;
    const load = await driveLoad({ spec: main, prefix, count, watched: 4 });
    await expectEachStepOnce(main, prefix, count);
    await expectWatchersSawAll(load.watchers);
    // Nothing went wrong on the way: no call needed a second try, no subscription ended early, no worker complained.
    expect(load.errors).toEqual([]);
    expect(load.watchers.map((w) => w.resubscribed)).toEqual([0, 0, 0, 0]);
    expect(workers.flatMap((w) => w.output().split('\n').filter((line) => line && !line.startsWith('worker ready')))).toEqual([]);
    console.log(`load: ${count} WfRuns (3 tasks, a 1 s sleep, an event) in ${load.seconds.toFixed(1)} s, ${(count / load.seconds).toFixed(1)} WfRuns/s, on 2 servers and 4 workers`);
  });

  // The crash scenarios run 200 WfRuns (the worker one 20), not 1,000, to keep the file near three minutes on two
  // cores; the crash lands among attempts, timers and reports in flight all the same.
  it('loses nothing and applies nothing twice when a server is SIGKILLed mid-load and restarted', { timeout: TEST_TIMEOUT }, async () => {
    const prefix = `crash-${suffix}-`;
    const count = 200;
    await driveLoad({
      spec: main,
      prefix,
      count,
      steps: [
        {
          at: 0.2,
          act: async () => {
            const port = new URL(servers[1]!.url).port;
            await servers[1]!.kill();
            // The same port, so the workers and clients pointed at it find it again.
            servers[1] = await startOne(port);
          },
        },
      ],
    });
    await expectEachStepOnce(main, prefix, count);
  });

  it('times out the attempts a SIGKILLed worker held, and the retries succeed', { timeout: TEST_TIMEOUT }, async () => {
    const spec = await registerLoadSpec('hold');
    const prefix = `hold-${suffix}-`;
    const count = 20;
    const holderId = `holder-${suffix}`;
    const errors: string[] = [];
    // Every first task waits on the queue before the holder starts, so its first claim fills its five slots at once.
    await startWfRuns(spec, prefix, count, (_id, n) => (n % 2) as Via, errors);
    await waitFor(async () => (await sql`select 1 from task_runs where starts_with(wf_run_id, ${prefix}) and status = 'TASK_SCHEDULED'`).length === count, {
      what: 'every first TaskRun on the queue',
    });
    const holder = await startWorkerProcess({ url: servers[0]!.url, taskDefNames: [spec.tasks[0]], workerId: holderId, leaseMs: 2_000, concurrency: 5, hold: true });
    // Held now or already timed out (the lease is short): the holder never frees a slot, so it takes no more.
    const heldOrTimedOut = () => sql`select wf_run_id, task_guid from task_runs
      where starts_with(wf_run_id, ${prefix}) and ((worker_id = ${holderId} and status = 'TASK_RUNNING') or attempts @> ${sql.json([{ workerId: holderId }])})`;
    await waitFor(async () => (await heldOrTimedOut()).length === 5, { timeoutMs: 60_000, what: 'the holder to hold five attempts' });
    await holder.kill();

    const worker = await startWorkerProcess({ url: servers[1]!.url, taskDefNames: spec.tasks, leaseMs: LEASE_MS });
    try {
      const sender = sendEvents(prefix, errors);
      await awaitEnd(prefix, count, []);
      await sender.stop();
    } finally {
      await worker.stop();
    }
    await expectEachStepOnce(spec, prefix, count);
    const attempts = await sql<{ attempts: { attempt: number; status: string; workerId: string | null }[] }[]>`
      select attempts from task_runs where starts_with(wf_run_id, ${prefix}) and attempts @> ${sql.json([{ workerId: holderId }])}`;
    expect(attempts.map((r) => r.attempts.map((a) => [a.attempt, a.status, a.workerId === holderId]))).toEqual(
      Array.from({ length: 5 }, () => [
        [0, 'TASK_TIMEOUT', true],
        [1, 'TASK_SUCCESS', false],
      ]),
    );
    expect(errors).toEqual([]);
  });

  it('recovers by itself when PostgreSQL terminates every server connection mid-load', { timeout: TEST_TIMEOUT }, async () => {
    const prefix = `terminate-${suffix}-`;
    const count = 200;
    const terminated: number[] = [];
    const terminate = async () => {
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from (
        select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and application_name = ${APP_NAME}) as t`;
      terminated.push(row!.n);
    };
    const load = await driveLoad({ spec: main, prefix, count, watched: 4, steps: [{ at: 0.2, act: terminate }, { at: 0.6, act: terminate }] });
    await expectEachStepOnce(main, prefix, count);
    // Each server had at least its LISTEN connection and one from its pool open both times.
    expect(terminated.every((n) => n >= 4)).toBe(true);
    // Both listened again, and caught up on the news sent meanwhile: the watchers on A saw every event from B.
    for (const server of servers) expect(server.output()).toContain('Listening again after a lost connection');
    await expectWatchersSawAll(load.watchers);
  });

  /** TaskDefs `{tag}-a/b/c` and a WfSpec running a → sleep 1 s → b → wait for EVENT → c, each task with retries. */
  async function registerLoadSpec(tag: string): Promise<LoadSpec> {
    const client = clients[0]!;
    const [a, b, c] = ['a', 'b', 'c'].map((t) => `${tag}-${t}-${suffix}`) as [string, string, string];
    await client.putTaskDef({ name: a, inputVars: [{ name: 'x', type: 'STR' }], returnType: 'STR' });
    await client.putTaskDef({ name: b, inputVars: [{ name: 'x', type: 'STR' }], returnType: 'STR' });
    await client.putTaskDef({ name: c, inputVars: [{ name: 'x', type: 'STR' }, { name: 'ev', type: 'STR' }], returnType: 'STR' });
    const name = `${tag}-${suffix}`;
    await client.putWfSpec(
      new Workflow(name, (wf) => {
        const x = wf.declareStr('x').required();
        const ev = wf.declareStr('ev');
        // Retries take back what a crash loses: an attempt claimed by a dying server times out and runs again.
        x.assign(wf.execute(a, x).withRetries(3));
        wf.sleepSeconds(1);
        x.assign(wf.execute(b, x).withRetries(3));
        ev.assign(wf.waitForEvent(EVENT));
        x.assign(wf.execute(c, x, ev).withRetries(3));
      }).compile(),
    );
    return { name, tasks: [a, b, c] };
  }

  /** What `x` holds at the end when a, b and c each ran once, in order, and the event arrived (worker-process.ts). */
  function expectedX(spec: LoadSpec, id: string): string {
    const [a, b, c] = spec.tasks;
    return `${id}:${a}:${b}|ev-${id}:${c}`;
  }

  /**
   * Starts `count` WfRuns, sends each its event once it waits, runs each step's action once that share of the WfRuns
   * has ended, and resolves when all have ended.
   */
  async function driveLoad(options: {
    spec: LoadSpec;
    prefix: string;
    count: number;
    /** How many WfRuns (the last started, so still running when the steps act) to drive through B only, watched from A. */
    watched?: number;
    steps?: { at: number; act: () => Promise<void> }[];
  }): Promise<{ seconds: number; errors: string[]; watchers: Watcher[] }> {
    const { spec, prefix, count, watched = 0, steps = [] } = options;
    const errors: string[] = [];
    const watchedIds = Array.from({ length: watched }, (_, i) => `${prefix}${count - 1 - i}`);
    const via = (id: string, n: number): Via => (watchedIds.includes(id) ? 1 : ((n % 2) as Via));
    const subscriber = servers[0]!.client();
    const watchers = watchedIds.map((id) => watch(subscriber, id));
    const started = performance.now();
    const sender = sendEvents(prefix, errors, via);
    try {
      const starting = startWfRuns(spec, prefix, count, via, errors);
      await awaitEnd(prefix, count, steps);
      await starting;
    } finally {
      await sender.stop();
    }
    return { seconds: (performance.now() - started) / 1000, errors, watchers };
  }

  /**
   * Follows a WfRun's events from A as a client would: when the subscription ends before WfRunCompleted (its
   * server's database query failed), it subscribes again after the last event it has. Watching begins before the
   * WfRun is started, which the server answers with NotFoundError: that is asked again, and is no resubscription.
   */
  function watch(client: GallopClient, id: string): Watcher {
    const watcher = { id, events: [] as StoredWfRunEvent[], resubscribed: 0, stop: () => {} };
    const again = () => {
      if (watcher.events.some((e) => e.type === 'WfRunCompleted')) return;
      watcher.resubscribed++;
      setTimeout(subscribe, 200);
    };
    const failed = (error: unknown) => {
      if (isGallopClientError(error) && error.code === 'NotFoundError' && watcher.events.length === 0) setTimeout(subscribe, 100);
      else again();
    };
    const subscribe = () => {
      watcher.stop = client.wfRunEvents(id, { next: (e) => watcher.events.push(e), error: failed, complete: again }, watcher.events.at(-1)?.seq ?? 0);
    };
    subscribe();
    return watcher;
  }

  /** Each watcher saw its WfRun's whole log, in order, once. */
  async function expectWatchersSawAll(watchers: readonly Watcher[]): Promise<void> {
    for (const watcher of watchers) {
      await waitFor(() => watcher.events.some((e) => e.type === 'WfRunCompleted'), { timeoutMs: 60_000, what: `WfRunCompleted of ${watcher.id} on server A` });
      watcher.stop();
      const stored = await sql<{ seq: number; type: string }[]>`select seq, type from wf_run_events where wf_run_id = ${watcher.id} order by seq`;
      expect(watcher.events.map((e) => [e.seq, e.type])).toEqual(stored.map((e) => [e.seq, e.type]));
    }
  }

  /** Runs WfRuns `{prefix}0` … with x = their id, 16 calls at a time, each through the server `via` picks. */
  async function startWfRuns(spec: LoadSpec, prefix: string, count: number, via: (id: string, n: number) => Via, errors: string[]): Promise<void> {
    const ids = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
    await pool(ids, 16, (id, n) => call(via(id, n), (c) => c.runWf({ wfSpecName: spec.name, id, variables: { x: id } }), errors));
  }

  /** Sends EVENT once to each WfRun of `prefix` that waits for it, through the servers in turn. */
  function sendEvents(prefix: string, errors: string[], via: (id: string, n: number) => Via = (_id, n) => (n % 2) as Via): { stop(): Promise<void> } {
    const sent = new Set<string>();
    let stopped = false;
    let n = 0;
    const loop = (async () => {
      while (!stopped) {
        const waiting = await sql<{ id: string }[]>`select wf_run_id as id from node_runs
          where starts_with(wf_run_id, ${prefix}) and node_type = 'EXTERNAL_EVENT' and status = 'RUNNING'`;
        const fresh = waiting.map((r) => r.id).filter((id) => !sent.has(id));
        for (const id of fresh) sent.add(id);
        await pool(fresh, 16, (id) =>
          call(via(id, n++), (c) => c.putExternalEvent({ wfRunId: id, externalEventDefName: EVENT, content: `ev-${id}`, guid: `go-${id}` }), errors),
        );
        await sleep(200);
      }
    })();
    return {
      async stop() {
        stopped = true;
        await loop;
      },
    };
  }

  /**
   * Calls one server, then the other in turn until one answers, noting each failure. A call cut off by a crash may
   * have been applied all the same: a retry that finds its WfRun or event already there is then done.
   */
  async function call(first: Via, op: (client: GallopClient) => Promise<unknown>, errors: string[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await op(clients[(first + attempt) % 2]!);
        return;
      } catch (error) {
        if (attempt > 0 && isGallopClientError(error) && error.code === 'AlreadyExistsError') return;
        errors.push(error instanceof Error ? error.message : String(error));
        if (attempt >= 20) throw error;
        await sleep(Math.min(100 * 2 ** attempt, 1_000));
      }
    }
  }

  /** Waits until `count` WfRuns of `prefix` have ended, acting out each step when its share has; says where each waits if they don't. */
  async function awaitEnd(prefix: string, count: number, steps: { at: number; act: () => Promise<void> }[]): Promise<void> {
    const deadline = Date.now() + LOAD_DEADLINE_MS;
    const pending = [...steps].sort((x, y) => x.at - y.at);
    for (;;) {
      const rows = await sql<{ status: string; n: number }[]>`select status, count(*)::int as n from wf_runs where starts_with(id, ${prefix}) group by status`;
      const ended = rows.filter((r) => r.status !== 'RUNNING' && r.status !== 'HALTING').reduce((sum, r) => sum + r.n, 0);
      const step = pending[0];
      if (step && ended >= step.at * count) {
        pending.shift();
        await step.act();
        continue;
      }
      if (ended === count && pending.length === 0) return;
      if (Date.now() > deadline) {
        const stuck = await sql`select r.id, r.status, n.node_name, t.status as task_status, t.attempt, t.worker_id, t.lease_expires_at
          from wf_runs r
          left join node_runs n on n.wf_run_id = r.id and n.status = 'RUNNING'
          left join task_runs t on t.wf_run_id = r.id and t.task_guid = n.task_guid
          where starts_with(r.id, ${prefix}) and r.status <> 'COMPLETED' order by r.id limit 10`;
        throw new Error(`${ended} of ${count} WfRuns ended (${JSON.stringify(rows)}); some of the others:\n${stuck.map((s) => JSON.stringify(s)).join('\n')}`);
      }
      await sleep(250);
    }
  }

  /**
   * The database says every WfRun of `prefix` COMPLETED with the value that proves each step ran; each one's event
   * seqs run 1..n with no gap, matching its row; no TaskRun attempt has two results; each WfRun has exactly three
   * successful attempts; and every TaskRun ended TASK_SUCCESS.
   */
  async function expectEachStepOnce(spec: LoadSpec, prefix: string, count: number): Promise<void> {
    const runs = await sql<{ id: string; status: string; error_message: string | null }[]>`
      select id, status, error_message from wf_runs where starts_with(id, ${prefix})`;
    expect(runs).toHaveLength(count);
    // A WfRun that did not complete shows its TaskRuns' attempts (who held each, when), to say where it went wrong.
    const unfinished = await Promise.all(
      runs
        .filter((r) => r.status !== 'COMPLETED')
        .map(async (r) => ({ ...r, taskRuns: await sql`select task_guid, status, attempts from task_runs where wf_run_id = ${r.id}` })),
    );
    expect(unfinished).toEqual([]);

    const gaps = await sql`select e.wf_run_id, count(*)::int as n, min(e.seq) as first, max(e.seq) as last, r.seq as row_seq
      from wf_run_events e join wf_runs r on r.tenant_id = e.tenant_id and r.id = e.wf_run_id
      where starts_with(e.wf_run_id, ${prefix}) group by e.wf_run_id, r.seq
      having min(e.seq) <> 1 or max(e.seq) <> count(*) or r.seq <> count(*)`;
    expect(gaps).toEqual([]);

    const twice = await sql`select wf_run_id, event->>'taskGuid' as task_guid, event->>'attempt' as attempt, count(*)::int as n
      from wf_run_events where starts_with(wf_run_id, ${prefix}) and type in ('TaskAttemptSucceeded', 'TaskAttemptFailed')
      group by 1, 2, 3 having count(*) > 1`;
    expect(twice).toEqual([]);

    const notThree = await sql`select r.id, count(e.seq)::int as n from wf_runs r
      left join wf_run_events e on e.tenant_id = r.tenant_id and e.wf_run_id = r.id and e.type = 'TaskAttemptSucceeded'
      where starts_with(r.id, ${prefix}) group by r.id having count(e.seq) <> 3`;
    expect(notThree).toEqual([]);

    const taskRuns = await sql<{ status: string; n: number }[]>`select status, count(*)::int as n from task_runs
      where starts_with(wf_run_id, ${prefix}) group by status`;
    expect(taskRuns).toEqual([{ status: 'TASK_SUCCESS', n: 3 * count }]);

    const xs = await sql<{ id: string; value: string }[]>`select wf_run_id as id, value from variables
      where starts_with(wf_run_id, ${prefix}) and thread_run_number = 0 and name = 'x'`;
    expect(xs).toHaveLength(count);
    expect(xs.filter((x) => x.value !== expectedX(spec, x.id))).toEqual([]);
  }
});

/** Runs `fn` over `items`, at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// On PGlite one process holds the data directory; what it must survive is its own crash.
if (!databaseUrl) {
  describe('a server on PGlite killed mid-load', () => {
    it('keeps every WfRun and finishes them after a restart on the same directory, each step applied once', { timeout: 180_000 }, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'gallop-crash-'));
      let server = await startServer({ dataDir });
      try {
        const task = `crash-task-${Date.now().toString(36)}`;
        const spec = `crash-${Date.now().toString(36)}`;
        let client = server.client();
        await client.putTaskDef({ name: task, inputVars: [{ name: 'x', type: 'STR' }], returnType: 'STR' });
        await client.putWfSpec(
          new Workflow(spec, (wf) => {
            const x = wf.declareStr('x');
            x.assign(wf.execute(task, x).withRetries(1));
            x.assign(wf.execute(task, x).withRetries(1));
          }).compile(),
        );
        const ids = Array.from({ length: 30 }, (_, i) => `crash-${i}-${Date.now().toString(36)}`);
        for (const id of ids) await client.runWf({ wfSpecName: spec, id, variables: { x: id } });
        // Half of the first tasks are done when the process dies without a chance to flush anything.
        const first = await client.claimTaskRuns({ taskDefName: task, workerId: 'w', max: 30, waitMs: 5_000, leaseMs: 1_000 });
        await client.reportTaskRuns(first.slice(0, 15).map((t) => ({ taskRunId: t.taskRunId, attempt: t.attempt, outcome: { status: 'SUCCESS' as const, output: `${t.input.x}+` } })));
        await server.kill();

        // The dead process's directory lock goes stale after a few seconds; until then a new server refuses it.
        server = await waitFor(() => startServer({ dataDir }).catch(() => undefined), { timeoutMs: 60_000, intervalMs: 1_000, what: 'a restart on the same directory' });
        client = server.client();
        for (let done = 0; done < 45; ) {
          const claimed = await client.claimTaskRuns({ taskDefName: task, workerId: 'w2', max: 50, waitMs: 2_000, leaseMs: 60_000 });
          // The 15 attempts claimed but never reported before the crash time out with their 1 s lease and are retried.
          const answers = await client.reportTaskRuns(claimed.map((t) => ({ taskRunId: t.taskRunId, attempt: t.attempt, outcome: { status: 'SUCCESS' as const, output: `${t.input.x}+` } })));
          done += answers.filter((a) => a.accepted).length;
        }
        for (const id of ids) {
          const run = await client.wfRun(id);
          expect(run?.status).toBe('COMPLETED');
          expect(run?.variables.find((v) => v.name === 'x')?.value).toBe(`${id}++`);
          expect(run?.nodeRuns.filter((n) => n.taskRun).map((n) => n.taskRun?.attempts.filter((a) => a.status === 'TASK_SUCCESS').length)).toEqual([1, 1]);
        }
      } finally {
        await server.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
