import { Workflow } from '@gallop/sdk';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { isolatedStore, startTestServer, unique } from './harness.ts';
import type { IsolatedStore } from './harness.ts';
import type { TestServer } from './harness.ts';

const databaseUrl = inject('databaseUrl');

/** One sample of the Prometheus text format. */
interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parses the Prometheus text exposition format strictly: every line is a comment, blank, or a valid sample. */
function parsePrometheus(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/.exec(line);
    if (!sample) throw new Error(`Not a Prometheus line: ${line}`);
    const labels: Record<string, string> = {};
    const labelText = sample[2] ?? '';
    const rest = labelText.replace(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g, (_, key: string, value: string) => {
      labels[key] = value.replace(/\\(.)/g, (__, c: string) => (c === 'n' ? '\n' : c));
      return '';
    });
    if (rest !== '') throw new Error(`Bad labels in: ${line}`);
    // Prometheus parses values with Go's ParseFloat, which takes NaN and Inf in any case (prom-client writes "Nan").
    const raw = sample[3]!;
    const value = /^[+-]?inf$/i.test(raw) ? (raw.startsWith('-') ? -Infinity : Infinity) : Number(raw);
    if (Number.isNaN(value) && !/^nan$/i.test(raw)) throw new Error(`Bad value in: ${line}`);
    samples.push({ name: sample[1]!, labels, value });
  }
  return { samples, types };
}

/** The value of the sample of `name` whose labels include `labels`; 0 when there is none (a counter not yet moved). */
function valueOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found.reduce((sum, s) => sum + s.value, 0);
}

async function scrape(server: TestServer): Promise<Sample[]> {
  const response = await fetch(`${server.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return parsePrometheus(await response.text()).samples;
}

describe('observability endpoints', () => {
  let server: TestServer;
  // Data of its own: on a shared database this server's scheduler also times out other files' expired leases,
  // which would move the command counts checked here.
  let store: IsolatedStore;
  const taskDefName = unique('obs-task');
  const wfSpecName = unique('obs-spec');

  beforeAll(async () => {
    store = await isolatedStore(databaseUrl);
    server = await startTestServer(store.databaseUrl, { logLevel: 'debug', dataDir: store.dataDir });
    await server.client.putTaskDef({ name: taskDefName, inputVars: [{ name: 'x', type: 'STR' }], returnType: 'STR' });
    await server.client.putWfSpec(
      new Workflow(wfSpecName, (wf) => {
        const x = wf.declareStr('x');
        x.assign(wf.execute(taskDefName, x));
      }).compile(),
    );
  });
  afterAll(async () => {
    await server?.close();
    await store?.drop();
  });

  it('answers /healthz with 200 while the process is up', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when the database answers', async () => {
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ status: 'ready' });
  });

  it('refuses methods other than GET and HEAD on the probes and the metrics', async () => {
    const response = await fetch(`${server.url}/metrics`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${server.url}/readyz`, { method: 'HEAD' })).status).toBe(200);
  });

  it('serves /metrics as Prometheus text with the default process metrics and its own metric families', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const { samples, types } = parsePrometheus(text);
    expect(samples.length).toBeGreaterThan(20);
    expect(types.get('process_cpu_user_seconds_total')).toBe('counter');
    expect(types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
    expect(types.get('gallop_commands_total')).toBe('counter');
    expect(types.get('gallop_events_appended_total')).toBe('counter');
    expect(types.get('gallop_command_duration_seconds')).toBe('histogram');
    expect(types.get('gallop_claim_latency_seconds')).toBe('histogram');
    expect(types.get('gallop_task_queue_depth')).toBe('gauge');
    // Registered TaskDefs show an empty queue rather than no series.
    expect(samples).toContainEqual({ name: 'gallop_task_queue_depth', labels: { tenant: 'default', task_def: taskDefName }, value: 0 });
  });

  it('counts the subscriptions following WfRuns, and lets go of one as soon as its client ends it, even on a quiet WfRun', async () => {
    const following = async () => valueOf(await scrape(server), 'gallop_subscriptions_following');
    const before = await following();
    const done = unique('done');
    await server.client.putWfSpec(new Workflow(done, (wf) => void wf.declareStr('x')).compile());
    const quiet = unique('quiet');
    await server.client.runWf({ wfSpecName: done, id: quiet });
    const seen: number[] = [];
    const stopEvents = server.client.wfRunEvents(quiet, { next: (e) => seen.push(e.seq) });
    const stopChanges = server.client.wfRunsChanged(done, { next: () => {} });
    // Every stored event came, and nothing more will: the WfRun has completed.
    await expect.poll(() => seen.length).toBeGreaterThan(0);
    await expect.poll(following).toBe(before + 2);
    stopEvents();
    stopChanges();
    await expect.poll(following).toBe(before);
  });

  it('moves the command, event and claim metrics and the queue depth through a runWf, a claim and a report', async () => {
    const queue = { tenant: 'default', task_def: taskDefName };
    const before = await scrape(server);

    const run = await server.client.runWf({ wfSpecName, variables: { x: 'hi' } });
    const afterRun = await scrape(server);
    expect(valueOf(afterRun, 'gallop_commands_total', { command: 'RunWf', outcome: 'accepted' }) - valueOf(before, 'gallop_commands_total', { command: 'RunWf', outcome: 'accepted' })).toBe(1);
    expect(valueOf(afterRun, 'gallop_events_appended_total')).toBeGreaterThan(valueOf(before, 'gallop_events_appended_total'));
    expect(valueOf(afterRun, 'gallop_command_duration_seconds_count', { command: 'RunWf' })).toBe(valueOf(before, 'gallop_command_duration_seconds_count', { command: 'RunWf' }) + 1);
    expect(valueOf(afterRun, 'gallop_task_queue_depth', queue)).toBe(1);

    const [claimed] = await server.client.claimTaskRuns({ taskDefName, workerId: 'obs', waitMs: 5_000 });
    expect(claimed?.wfRunId).toBe(run.id);
    const afterClaim = await scrape(server);
    expect(valueOf(afterClaim, 'gallop_task_queue_depth', queue)).toBe(0);
    expect(valueOf(afterClaim, 'gallop_claim_latency_seconds_count', { result: 'claimed' })).toBe(valueOf(before, 'gallop_claim_latency_seconds_count', { result: 'claimed' }) + 1);
    expect(valueOf(afterClaim, 'gallop_claim_latency_seconds_bucket', { result: 'claimed', le: '+Inf' })).toBe(valueOf(afterClaim, 'gallop_claim_latency_seconds_count', { result: 'claimed' }));

    const report = { taskRunId: claimed!.taskRunId, attempt: 0, outcome: { status: 'SUCCESS' as const, output: 'HI' } };
    await server.client.reportTaskRun(report);
    // A repeated report is refused by the engine: counted as rejected, appending nothing.
    await server.client.reportTaskRun(report);
    const afterReport = await scrape(server);
    expect(valueOf(afterReport, 'gallop_commands_total', { command: 'ReportTaskAttempt', outcome: 'accepted' })).toBe(valueOf(before, 'gallop_commands_total', { command: 'ReportTaskAttempt', outcome: 'accepted' }) + 1);
    expect(valueOf(afterReport, 'gallop_commands_total', { command: 'ReportTaskAttempt', outcome: 'rejected' })).toBe(valueOf(before, 'gallop_commands_total', { command: 'ReportTaskAttempt', outcome: 'rejected' }) + 1);
    expect(valueOf(afterReport, 'gallop_events_appended_total')).toBeGreaterThan(valueOf(afterClaim, 'gallop_events_appended_total'));
  });

  it('takes commands on one WfRun in turn within a process, and counts a race lost to another process as conflict-retried', async () => {
    const run = await server.client.runWf({ wfSpecName, variables: { x: 'race' } });
    const before = await scrape(server);
    const stop = { type: 'StopWfRun', threadRunNumber: 0 } as const;
    const counted = (after: Sample[], outcome: string, command = 'StopWfRun') =>
      valueOf(after, 'gallop_commands_total', { command, outcome }) - valueOf(before, 'gallop_commands_total', { command, outcome });
    // Sent together to one process, they are decided one after another, each on the state the last one wrote.
    const outcomes = await Promise.all([1, 2, 3].map(() => server.app.services.execute('default', run.id, stop)));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const afterTogether = await scrape(server);
    expect(counted(afterTogether, 'accepted')).toBe(3);
    expect(counted(afterTogether, 'conflict-retried')).toBe(0);
    // Only PostgreSQL can have a second process: one that writes the WfRun leaves this one's cached state stale, and
    // this one's next command loses the race on the (wf_run_id, seq) key, rereads and is decided again.
    if (store.databaseUrl) {
      const other = await startTestServer(store.databaseUrl);
      try {
        expect((await other.app.services.execute('default', run.id, { type: 'ResumeWfRun', threadRunNumber: 0 })).ok).toBe(true);
      } finally {
        await other.close();
      }
      // Decided on the cached (stopped) state, this resume writes, loses the race, and on fresh state changes nothing.
      const outcome = await server.app.services.execute('default', run.id, { type: 'ResumeWfRun', threadRunNumber: 0 });
      expect(outcome.ok && outcome.row.status).toBe('RUNNING');
      expect(counted(await scrape(server), 'conflict-retried', 'ResumeWfRun')).toBe(1);
    }
  });

  it('logs each GraphQL operation with its name and duration at debug', async () => {
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query ObservabilityProbe { wfSpec(name: "none") { name } }' }),
    });
    expect(response.status).toBe(200);
    const line = server.logs.find((l) => l.operation === 'ObservabilityProbe');
    expect(line).toMatchObject({ level: 20, msg: 'GraphQL operation', kind: 'query', errors: 0 });
    expect(line?.durationMs).toEqual(expect.any(Number));
  });

  it('answers a variable the GraphQL layer refuses with the reason, and logs no internal error', async () => {
    const before = server.logs.length;
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query BadDate($d: DateTime) { wfRuns(startedAfter: $d, first: 1) { edges { node { id } } } }', variables: { d: 'yesterday' } }),
    });
    const body = (await response.json()) as { errors?: { message: string }[] };
    expect(body.errors?.[0]?.message).toMatch(/got invalid value "yesterday"; Expected type DateTime/);
    expect(server.logs.slice(before).filter((l) => l.level >= 50)).toEqual([]);
  });

  it('logs an internal error in full at error level while the client sees only the masked message', async () => {
    const spy = vi.spyOn(server.app.services.dispatch, 'claim').mockRejectedValueOnce(new Error('the disk is on fire'));
    try {
      const response = await fetch(server.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: `mutation ClaimForObservability { claimTaskRuns(input: { taskDefName: "${taskDefName}", workerId: "obs" }) { __typename } }`,
        }),
      });
      const body = JSON.stringify(await response.json());
      expect(body).toContain('Unexpected error.');
      expect(body).not.toContain('disk');
    } finally {
      spy.mockRestore();
    }
    const line = server.logs.find((l) => l.level === 50 && l.err?.message === 'the disk is on fire');
    expect(line?.msg).toBe('Unexpected error in a GraphQL operation');
    expect(line?.err?.stack).toContain('observability.test.ts');
    expect(line?.path).toEqual(['claimTaskRuns']);
  });
});

describe('/readyz when the database is gone', () => {
  it('answers 503 with the reason, while /healthz still answers 200', async () => {
    const server = await startTestServer(databaseUrl);
    try {
      await server.app.services.store.close();
      const response = await fetch(`${server.url}/readyz`);
      expect(response.status).toBe(503);
      const body = (await response.json()) as { status: string; reason: string };
      expect(body.status).toBe('unavailable');
      // The driver's own words, not drizzle's wrapper naming the query.
      expect(body.reason).toMatch(/^The database is unavailable: (PGlite is closed|.*CONNECTION_ENDED)/);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect(server.logs).toContainEqual(expect.objectContaining({ level: 40, msg: 'Not ready', reason: body.reason }));
    } finally {
      await server.close();
    }
  });
});
