import { createServer, connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { GallopClient, Workflow } from '@gallop/sdk';
import type { SocketState, WfRunSummary } from '@gallop/sdk';
import { and, eq } from 'drizzle-orm';
import WebSocket from 'ws';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { wfRuns } from '../src/store/schema.ts';
import { startTestServer, unique } from './harness.ts';

const server = await startTestServer(inject('databaseUrl'));
afterAll(() => server.close());
const { client } = server;

/** A WfSpec that completes at once with its `customer` and `tier` as given, or waits on a task when `wait` is set. */
async function spec() {
  const name = unique('searchable');
  const task = unique('wait');
  await client.putTaskDef({ name: task, returnType: 'STR' });
  await client.putWfSpec(
    new Workflow(name, (wf) => {
      wf.declareStr('customer').searchable();
      wf.declareInt('tier').searchable();
      const wait = wf.declareBool('wait');
      wf.doIf(wf.condition(wait, 'EQUALS', true), (then) => void then.execute(task));
    }).compile(),
  );
  return name;
}

const ids = (page: { items: readonly WfRunSummary[] }) => page.items.map((n) => n.id).sort();

describe('searching WfRuns', () => {
  it('finds WfRuns by an entrypoint variable value, status, version and start time', async () => {
    const name = await spec();
    const ada = await client.runWf({ wfSpecName: name, variables: { customer: 'ada', tier: 1, wait: false } });
    const bob = await client.runWf({ wfSpecName: name, variables: { customer: 'bob', tier: 1, wait: true } });
    const ada2 = await client.runWf({ wfSpecName: name, variables: { customer: 'ada', tier: 2, wait: true } });
    expect(ids(await client.searchWfRuns({ wfSpecName: name, variable: { name: 'customer', value: 'ada' } }))).toEqual([ada.id, ada2.id].sort());
    expect(ids(await client.searchWfRuns({ wfSpecName: name, variable: { name: 'tier', value: 1 } }))).toEqual([ada.id, bob.id].sort());
    expect(ids(await client.searchWfRuns({ wfSpecName: name, status: 'RUNNING' }))).toEqual([bob.id, ada2.id].sort());
    expect(ids(await client.searchWfRuns({ wfSpecName: name, variable: { name: 'customer', value: 'ada' }, status: 'COMPLETED' }))).toEqual([ada.id]);
    expect(ids(await client.searchWfRuns({ wfSpecName: name, majorVersion: 0, revision: 0 }))).toHaveLength(3);
    expect(ids(await client.searchWfRuns({ wfSpecName: name, majorVersion: 7 }))).toEqual([]);
    const later = new Date(Date.parse(ada2.startTime) + 1).toISOString();
    expect(ids(await client.searchWfRuns({ wfSpecName: name, startedAfter: later }))).toEqual([]);
    expect(ids(await client.searchWfRuns({ wfSpecName: name, startedBefore: later }))).toHaveLength(3);
  });

  it('pages through results with cursors, newest first', async () => {
    const name = await spec();
    for (let i = 0; i < 5; i++) await client.runWf({ wfSpecName: name, variables: { customer: `c${i}`, tier: i, wait: false } });
    const first = await client.searchWfRuns({ wfSpecName: name }, { first: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.hasNextPage).toBe(true);
    const rest = await client.searchWfRuns({ wfSpecName: name }, { first: 10, after: first.endCursor ?? undefined });
    expect(rest.items).toHaveLength(3);
    expect(new Set([...first.items, ...rest.items].map((n) => n.id)).size).toBe(5);
  });

  it('searches only by variables declared searchable, as LittleHorse indexes only those', async () => {
    const name = unique('plain');
    await client.putWfSpec(
      new Workflow(name, (wf) => {
        wf.declareStr('customer');
        wf.declareStr('region').searchable();
      }).compile(),
    );
    const run = await client.runWf({ wfSpecName: name, variables: { customer: 'ada', region: 'eu' } });
    expect(ids(await client.searchWfRuns({ wfSpecName: name, variable: { name: 'region', value: 'eu' } }))).toEqual([run.id]);
    await expect(client.searchWfRuns({ wfSpecName: name, variable: { name: 'customer', value: 'ada' } })).rejects.toThrow(/'customer' is not searchable in WfSpec/);
    // A later revision that declares it searchable: its WfRuns are found by it, those of the version before are not.
    await client.putWfSpec(
      new Workflow(name, (wf) => {
        wf.declareStr('customer').searchable();
        wf.declareStr('region').searchable();
      }).compile(),
    );
    const later = await client.runWf({ wfSpecName: name, variables: { customer: 'ada', region: 'eu' } });
    expect(ids(await client.searchWfRuns({ wfSpecName: name, variable: { name: 'customer', value: 'ada' } }))).toEqual([later.id]);
  });

  it('finds a WfRun migrated to a revision that declares its variable searchable', async () => {
    const name = unique('migrated');
    const event = unique('go');
    await client.putExternalEventDef({ name: event });
    const version = (searchable: boolean) =>
      new Workflow(name, (wf) => {
        const customer = wf.declareStr('customer');
        if (searchable) customer.searchable();
        wf.waitForEvent(event);
      }).compile();
    await client.putWfSpec(version(false));
    const run = await client.runWf({ wfSpecName: name, variables: { customer: 'ada' } });
    await client.putWfSpec(version(true));
    await client.migrateWfSpec(run.id, 1);
    expect(ids(await client.searchWfRuns({ wfSpecName: name, variable: { name: 'customer', value: 'ada' } }))).toEqual([run.id]);
  });

  it('refuses a variable search without a WfSpec name', async () => {
    await expect(client.searchWfRuns({ variable: { name: 'customer', value: 'ada' } })).rejects.toThrow(/needs wfSpecName/);
  });
});

describe('searching variables (LittleHorse SearchVariable)', () => {
  it('keeps a STR that reads like JSON as text, in the variables read back and the values searched', async () => {
    const name = unique('json-like');
    const event = unique('given');
    await client.putExternalEventDef({ name: event });
    await client.putWfSpec(
      new Workflow(name, (wf) => {
        wf.declareStr('customer').searchable();
        wf.declareStr('note').assign(wf.waitForEvent(event));
      }).compile(),
    );
    // RunWf takes the INT 12345 for a STR as its text, as LittleHorse does.
    const run = await client.runWf({ wfSpecName: name, variables: { customer: 12345 } });
    const sent = await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: event, content: '{"a":1}' });
    const values = Object.fromEntries((await client.wfRun(run.id))!.variables.map((v) => [v.name, v.value]));
    expect(values).toEqual({ customer: '12345', note: '{"a":1}' });
    expect((await client.externalEvent(run.id, sent.guid))?.content).toBe('{"a":1}');
    const found = await client.searchVariables({ wfSpecName: name, name: 'customer', value: '12345' });
    expect(found.items.map((v) => [v.wfRunId, v.value])).toEqual([[run.id, '12345']]);
    expect((await client.searchWfRuns({ wfSpecName: name, variable: { name: 'customer', value: '12345' } })).items.map((r) => r.id)).toEqual([run.id]);
    // Searched as the number it was given as, it is found too: the value is read as the variable's type.
    expect((await client.searchVariables({ wfSpecName: name, name: 'customer', value: 12345 })).items.map((v) => v.wfRunId)).toEqual([run.id]);
    expect((await client.searchWfRuns({ wfSpecName: name, variable: { name: 'customer', value: 12345 } })).items.map((r) => r.id)).toEqual([run.id]);
  });

  /** A WfSpec whose entrypoint holds a searchable `customer` and whose child thread a searchable `shipTo`. */
  async function shipping() {
    const name = unique('shipping');
    await client.putWfSpec(
      new Workflow(name, (wf) => {
        wf.declareStr('customer').searchable();
        const region = wf.declareStr('region');
        wf.declareStr('secret').masked();
        wf.waitForThreads(
          wf.spawnThread(
            'ship',
            (t) => {
              t.declareStr('shipTo').searchable();
              t.declareStr('code').masked();
            },
            { shipTo: region },
          ),
        );
      }).compile(),
    );
    return name;
  }
  const found = (page: { items: readonly { wfRunId: string; threadRunNumber: number; name: string; value: unknown }[] }) => page.items.map((v) => [v.wfRunId, v.threadRunNumber, v.name, v.value]);

  it("finds a child thread's variables as well as the entrypoint's, newest WfRun first, a page at a time", async () => {
    const name = await shipping();
    const a = await client.runWf({ wfSpecName: name, id: unique('a'), variables: { customer: 'ada', region: 'eu' } });
    // Apart by a few milliseconds, for the start-time bounds below.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const b = await client.runWf({ wfSpecName: name, id: unique('b'), variables: { customer: 'bob', region: 'eu' } });
    const c = await client.runWf({ wfSpecName: name, id: unique('c'), variables: { customer: 'ada', region: 'us' } });
    expect(a.status).toBe('COMPLETED');
    expect(found(await client.searchVariables({ wfSpecName: name, name: 'shipTo', value: 'eu' }))).toEqual([
      [b.id, 1, 'shipTo', 'eu'],
      [a.id, 1, 'shipTo', 'eu'],
    ]);
    expect(found(await client.searchVariables({ wfSpecName: name, name: 'customer', value: 'ada' }))).toEqual([
      [c.id, 0, 'customer', 'ada'],
      [a.id, 0, 'customer', 'ada'],
    ]);
    const first = await client.searchVariables({ wfSpecName: name, name: 'shipTo', value: 'eu' }, { first: 1 });
    expect(found(first)).toEqual([[b.id, 1, 'shipTo', 'eu']]);
    expect(first.hasNextPage).toBe(true);
    const second = await client.searchVariables({ wfSpecName: name, name: 'shipTo', value: 'eu' }, { first: 1, after: first.endCursor ?? undefined });
    expect(found(second)).toEqual([[a.id, 1, 'shipTo', 'eu']]);
    expect(second.hasNextPage).toBe(false);
    expect(found(await client.searchVariables({ wfSpecName: name, majorVersion: 0, revision: 0, name: 'shipTo', value: 'us' }))).toEqual([[c.id, 1, 'shipTo', 'us']]);
    expect(found(await client.searchVariables({ wfSpecName: name, majorVersion: 1, name: 'shipTo', value: 'us' }))).toEqual([]);
    expect(found(await client.searchVariables({ wfSpecName: name, name: 'shipTo', value: 'asia' }))).toEqual([]);
    // Each comes with its WfRun, and the WfRun's status and start time narrow the search.
    const withRuns = await client.searchVariables({ wfSpecName: name, name: 'shipTo', value: 'eu' });
    expect(withRuns.items.map((v) => [v.wfRun.id, v.wfRun.wfSpecName, v.wfRun.status, v.wfRun.startTime])).toEqual([
      [b.id, name, 'COMPLETED', b.startTime],
      [a.id, name, 'COMPLETED', a.startTime],
    ]);
    expect(found(await client.searchVariables({ wfSpecName: name, name: 'shipTo', value: 'eu', status: 'COMPLETED' }))).toHaveLength(2);
    expect(found(await client.searchVariables({ wfSpecName: name, name: 'shipTo', value: 'eu', status: 'RUNNING' }))).toEqual([]);
    expect(found(await client.searchVariables({ wfSpecName: name, name: 'shipTo', value: 'eu', startedAfter: b.startTime }))).toEqual([[b.id, 1, 'shipTo', 'eu']]);
    expect(found(await client.searchVariables({ wfSpecName: name, name: 'shipTo', value: 'eu', startedBefore: b.startTime }))).toEqual([[a.id, 1, 'shipTo', 'eu']]);
    // A list reads its WfRuns without their states; a WfRun's threads are read when asked for.
    type Threads = { edges: { node: { id: string; threadRuns: { number: number; threadSpecName: string }[] } }[] };
    const listed = await client.request<{ wfRuns: Threads }>(`query($name: String) { wfRuns(wfSpecName: $name, first: 1) { edges { node { id threadRuns { number threadSpecName } } } } }`, { name });
    expect(listed.wfRuns.edges.map((e) => [e.node.id, e.node.threadRuns.map((t) => t.number)])).toEqual([[c.id, [0, 1]]]);
    // The WfRun search stays with entrypoint variables, as LittleHorse's variable filters do.
    await expect(client.searchWfRuns({ wfSpecName: name, variable: { name: 'shipTo', value: 'eu' } })).rejects.toThrow(/'shipTo' is searchable .* but not an entrypoint variable: the variables query finds it/);
  });

  it("finds a child thread's variable once its WfRun is migrated to a revision that declares it searchable", async () => {
    const name = unique('migrated-child');
    const event = unique('packed');
    await client.putExternalEventDef({ name: event });
    const version = (searchable: boolean) =>
      new Workflow(name, (wf) => {
        const region = wf.declareStr('region');
        const child = wf.spawnThread(
          'ship',
          (t) => {
            const shipTo = t.declareStr('shipTo');
            if (searchable) shipTo.searchable();
            t.waitForEvent(event);
          },
          { shipTo: region },
        );
        wf.waitForThreads(child);
      }).compile();
    await client.putWfSpec(version(false));
    const run = await client.runWf({ wfSpecName: name, variables: { region: 'eu' } });
    await client.putWfSpec(version(true));
    expect(found(await client.searchVariables({ wfSpecName: name, name: 'shipTo', value: 'eu' }))).toEqual([]);
    await client.migrateWfSpec(run.id, 1);
    expect(found(await client.searchVariables({ wfSpecName: name, name: 'shipTo', value: 'eu' }))).toEqual([[run.id, 1, 'shipTo', 'eu']]);
  });

  it('refuses what it cannot search by, naming what is wrong', async () => {
    const name = await shipping();
    const problem = (search: Parameters<typeof client.searchVariables>[0]) =>
      client.searchVariables(search).then(
        () => undefined,
        (error: { problems?: { path: string[] }[]; message: string }) => ({ message: error.message, path: error.problems?.[0]?.path }),
      );
    expect(await problem({ wfSpecName: name, name: 'region', value: 'eu' })).toEqual({ message: expect.stringMatching(/'region' is not searchable in WfSpec/), path: ['name'] });
    expect(await problem({ wfSpecName: name, name: 'secret', value: 'x' })).toEqual({ message: expect.stringMatching(/'secret' is masked/), path: ['name'] });
    expect(await problem({ wfSpecName: name, name: 'code', value: 'x' })).toEqual({ message: expect.stringMatching(/'code' is masked/), path: ['name'] });
    // A variable cannot be both: putWfSpec refuses the WfSpec, naming the flag.
    // The SDK refuses this too; the server must refuse a spec sent without it.
    const both = new Workflow(unique('both'), (wf) => void wf.declareStr('pin').masked()).compile();
    Object.assign(both.threadSpecs.entrypoint!.variableDefs![0]!, { searchable: true });
    await expect(client.putWfSpec(both)).rejects.toMatchObject({ message: expect.stringMatching(/'pin' is masked, so it cannot be searchable/), problems: [{ code: 'CONFLICTING_FIELDS' }] });
    expect(await problem({ wfSpecName: unique('nothing'), name: 'shipTo', value: 'eu' })).toEqual({ message: expect.stringMatching(/No WfSpec is named/), path: ['wfSpecName'] });
    expect(await problem({ wfSpecName: name, revision: 0, name: 'shipTo', value: 'eu' })).toEqual({ message: expect.stringMatching(/revision without a majorVersion/), path: ['majorVersion'] });
    // The WfRuns search, the WfSpec read and runWf refuse it the same way rather than drop the revision.
    await expect(client.searchWfRuns({ wfSpecName: name, revision: 0 })).rejects.toThrow(/wfRuns was given a revision without a majorVersion/);
    await expect(client.wfSpec(name, { revision: 0 })).rejects.toThrow(/wfSpec was given a revision without a majorVersion/);
    await expect(client.runWf({ wfSpecName: name, revision: 0 })).rejects.toMatchObject({ code: 'ValidationError', problems: [{ path: ['input', 'majorVersion'], code: 'MISSING_FIELD' }] });
  });
});

/**
 * A client that reaches the server through a TCP proxy, whose connections can be cut (a network failure) or frozen
 * (both ends open, nothing carried: a path that died without a close).
 */
async function proxied(options: { keepAliveMs?: number; onSocket?: (state: SocketState) => void } = {}) {
  const pairs: [Socket, Socket][] = [];
  const proxy = createServer((near) => {
    const far = connect(Number(new URL(server.url).port), '127.0.0.1');
    for (const s of [near, far]) s.on('error', () => {});
    near.pipe(far).pipe(near);
    pairs.push([near, far]);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const watcher = new GallopClient({ url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql`, webSocketImpl: WebSocket, ...options });
  const cut = () => {
    for (const pair of pairs) for (const s of pair) s.destroy();
  };
  return {
    watcher,
    cut,
    freeze: () => {
      for (const [near, far] of pairs) {
        near.unpipe(far);
        far.unpipe(near);
        near.pause();
        far.pause();
      }
    },
    close: async () => {
      await watcher.close();
      cut();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

/** A new WfSpec that `watcher` follows with wfRunsChanged, once the first WfRun of it has reached the watcher. */
async function following(watcher: GallopClient): Promise<{ name: string; seen: string[]; stop: () => void }> {
  const name = await spec();
  const seen: string[] = [];
  const stop = watcher.wfRunsChanged(name, { next: (r) => seen.push(r.id) });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const first = await client.runWf({ wfSpecName: name, variables: { customer: 'before', tier: 1, wait: false } });
  await expect.poll(() => seen).toEqual([first.id]);
  return { name, seen, stop };
}

describe('wfRunsChanged', () => {
  it("delivers each WfRun of a WfSpec as it changes, and none of another WfSpec's", async () => {
    const name = await spec();
    const other = await spec();
    const seen: WfRunSummary[] = [];
    const stop = client.wfRunsChanged(name, { next: (run) => seen.push(run) });
    // Give the subscription a moment to be set up on the server before causing changes.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.runWf({ wfSpecName: other, variables: { customer: 'x', tier: 0, wait: false } });
    const run = await client.runWf({ wfSpecName: name, variables: { customer: 'ada', tier: 1, wait: false } });
    for (let i = 0; i < 200 && !seen.some((r) => r.id === run.id); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    stop();
    expect(seen.map((r) => [r.id, r.wfSpecName, r.status])).toEqual([[run.id, name, 'COMPLETED']]);
  });

  it('tells a subscriber its client let go of nothing more: no end, though graphql-ws completes it after', async () => {
    const told: string[] = [];
    const stop = client.wfRunsChanged(undefined, { next: () => told.push('next'), error: () => told.push('error'), complete: () => told.push('complete') });
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop();
    // Changes after the release, and time for the server's answer to it.
    await client.runWf({ wfSpecName: await spec(), variables: { customer: 'x', tier: 0, wait: false } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(told.filter((t) => t !== 'next')).toEqual([]);
  });

  it('delivers first the WfRuns changed since the time a subscriber gives, as one subscribing again after a gap does', async () => {
    const name = await spec();
    const before = new Date().toISOString();
    const missed = await client.runWf({ wfSpecName: name, variables: { customer: 'gap', tier: 4, wait: false } });
    const seen: string[] = [];
    const since = client.subscribe<{ wfRunsChanged: { id: string } }>('subscription($n: String, $s: DateTime) { wfRunsChanged(wfSpecName: $n, since: $s) { id } }', { n: name, s: before }, {
      next: (data) => seen.push(data.wfRunsChanged.id),
    });
    await expect.poll(() => seen).toEqual([missed.id]);
    since();
  });

  it('carries on after a lost connection with the WfRuns that changed while it was down (the SDK)', async () => {
    const { watcher, cut, close } = await proxied();
    try {
      const { name, seen, stop } = await following(watcher);
      cut();
      // Changed and done while the client is cut off (graphql-ws waits a second or more before it reconnects).
      const during = await client.runWf({ wfSpecName: name, variables: { customer: 'during', tier: 2, wait: false } });
      await expect.poll(() => seen, { timeout: 15_000 }).toContain(during.id);
      stop();
    } finally {
      await close();
    }
  });

  it('takes a connection whose pings go unanswered for lost, and carries on with what changed meanwhile (the SDK)', async () => {
    const states: string[] = [];
    const { watcher, freeze, close } = await proxied({ keepAliveMs: 300, onSocket: (state) => states.push(state) });
    try {
      const { name, seen, stop } = await following(watcher);
      freeze();
      const during = await client.runWf({ wfSpecName: name, variables: { customer: 'during', tier: 2, wait: false } });
      await expect.poll(() => seen, { timeout: 15_000 }).toContain(during.id);
      expect(states).toContain('lost');
      stop();
    } finally {
      await close();
    }
  });

  it('gives every subscriber each WfRun as it ended up, from rows this process shares among them', async () => {
    const name = await spec();
    const watchers = Array.from({ length: 5 }, () => [] as WfRunSummary[]);
    const stops = watchers.map((seen) => client.wfRunsChanged(name, { next: (r) => seen.push(r) }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // One waits on its task, then completes when a worker reports it; the other completes at once.
    const waiting = await client.runWf({ wfSpecName: name, variables: { customer: 'slow', tier: 5, wait: true } });
    const quick = await client.runWf({ wfSpecName: name, variables: { customer: 'quick', tier: 6, wait: false } });
    const last = (seen: WfRunSummary[], id: string) => seen.filter((r) => r.id === id).at(-1);
    await expect.poll(() => watchers.map((seen) => last(seen, waiting.id)?.status)).toEqual(Array(5).fill('RUNNING'));
    const taskDefName = (await client.wfRun(waiting.id))!.nodeRuns.find((n) => n.taskRun)!.taskRun!.taskDefName;
    const [task] = await client.claimTaskRuns({ taskDefName, workerId: 'w', max: 1 });
    await client.reportTaskRun({ taskRunId: task!.taskRunId, attempt: task!.attempt, outcome: { status: 'SUCCESS', output: 'done' } });
    await expect.poll(() => watchers.map((seen) => last(seen, waiting.id)?.status)).toEqual(Array(5).fill('COMPLETED'));
    const final = await client.wfRun(waiting.id);
    for (const seen of watchers) {
      expect(last(seen, waiting.id)).toMatchObject({ status: 'COMPLETED', endTime: final!.endTime, lastSeq: final!.lastSeq });
      expect(last(seen, quick.id)?.status).toBe('COMPLETED');
    }
    for (const stop of stops) stop();
  });

  it('gives one subscribing again with since the WfRuns as they are now, though they changed while nobody followed', async () => {
    const name = await spec();
    const before = new Date().toISOString();
    const first: WfRunSummary[] = [];
    const stop = client.wfRunsChanged(name, { next: (r) => first.push(r) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const run = await client.runWf({ wfSpecName: name, variables: { customer: 'later', tier: 7, wait: true } });
    await expect.poll(() => first.at(-1)?.status).toBe('RUNNING');
    stop();
    // Nobody here follows any more while the WfRun completes.
    await expect.poll(() => server.app.services.bus.followsAll).toBe(false);
    const taskDefName = (await client.wfRun(run.id))!.nodeRuns.find((n) => n.taskRun)!.taskRun!.taskDefName;
    const [task] = await client.claimTaskRuns({ taskDefName, workerId: 'w', max: 1 });
    await client.reportTaskRun({ taskRunId: task!.taskRunId, attempt: task!.attempt, outcome: { status: 'SUCCESS', output: 'done' } });
    await expect.poll(async () => (await client.wfRun(run.id))?.status).toBe('COMPLETED');
    const again: string[] = [];
    const resumed = client.subscribe<{ wfRunsChanged: { id: string; status: string } }>(
      'subscription($n: String, $s: DateTime) { wfRunsChanged(wfSpecName: $n, since: $s) { id status } }',
      { n: name, s: before },
      { next: (data) => again.push(`${data.wfRunsChanged.id} ${data.wfRunsChanged.status}`) },
    );
    await expect.poll(() => again).toEqual([`${run.id} COMPLETED`]);
    resumed();
  });

  it('looks again at the WfRuns changed since news was last heard when news may have been lost', async () => {
    const name = await spec();
    const seen: WfRunSummary[] = [];
    const run = await client.runWf({ wfSpecName: name, variables: { customer: 'lost', tier: 2, wait: false } });
    const old = await client.runWf({ wfSpecName: name, variables: { customer: 'old', tier: 3, wait: false } });
    const stop = client.wfRunsChanged(name, { next: (r) => seen.push(r) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // As when another process changed `run` while this one's LISTEN connection was down: no news came, and
    // listening came back knowing it last worked before the change. `old` changed long before that.
    const { db } = server.app.services;
    await db.update(wfRuns).set({ updatedAt: new Date(Date.now() - 3_600_000) }).where(and(eq(wfRuns.tenantId, 'default'), eq(wfRuns.id, old.id)));
    server.app.services.bus.resync(Date.now() - 1_000);
    for (let i = 0; i < 200 && !seen.some((r) => r.id === run.id); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    stop();
    expect(seen.map((r) => r.id)).toEqual([run.id]);
  });
});

describe('searching TaskRuns and ExternalEvents', () => {
  it('finds TaskRuns of a TaskDef by status, newest first, a page at a time', async () => {
    const name = await spec();
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await client.runWf({ wfSpecName: name, variables: { customer: `c${i}`, tier: i, wait: true } }));
    const task = (await client.wfRun(runs[0]!.id))?.nodeRuns.find((n) => n.taskRun)?.taskRun?.taskDefName ?? '';
    const [claimed] = await client.claimTaskRuns({ taskDefName: task, workerId: 'w', waitMs: 5_000 });
    const scheduled = await client.searchTaskRuns({ taskDefName: task, status: 'TASK_SCHEDULED' });
    expect(scheduled.items).toHaveLength(2);
    expect(scheduled.items.map((n) => n.id)).not.toContain(claimed?.taskRunId);
    expect((await client.searchTaskRuns({ taskDefName: task, status: 'TASK_RUNNING' })).items.map((n) => n.id)).toEqual([claimed?.taskRunId]);
    const first = await client.searchTaskRuns({ taskDefName: task }, { first: 2 });
    const rest = await client.searchTaskRuns({ taskDefName: task }, { first: 2, after: first.endCursor ?? undefined });
    // Newest first; runs started within one millisecond may come in either order, so compare as sets.
    expect([...first.items, ...rest.items].map((n) => n.wfRunId).sort()).toEqual(runs.map((r) => r.id).sort());
    expect(Date.parse(first.items[0]?.scheduledAt ?? '')).toBeGreaterThanOrEqual(Date.parse(rest.items[0]?.scheduledAt ?? ''));
    expect(rest.hasNextPage).toBe(false);

    // The TaskDef's load, for one TaskDef and within a list of them (counted once per request).
    const load = `query($name: String!) { taskDef(name: $name) { queueDepth runningCount } taskDefs(first: 500) { edges { node { name queueDepth runningCount } } } }`;
    type Load = { queueDepth: number; runningCount: number };
    const answer = await client.request<{ taskDef: Load; taskDefs: { edges: { node: Load & { name: string } }[] } }>(load, { name: task });
    expect(answer.taskDef).toEqual({ queueDepth: 2, runningCount: 1 });
    // Each TaskRun names its NodeRun, so a list can link to it.
    const node = await client.request<{ taskRun: { threadRunNumber: number; nodeRunPosition: number } }>(
      'query($id: ID!) { taskRun(id: $id) { threadRunNumber nodeRunPosition } }',
      { id: claimed?.taskRunId },
    );
    const nodeRun = (await client.wfRun(claimed?.wfRunId ?? ''))?.nodeRuns.find((n) => n.taskRun?.id === claimed?.taskRunId);
    expect(node.taskRun).toEqual({ threadRunNumber: nodeRun?.threadRunNumber, nodeRunPosition: nodeRun?.position });
    expect(answer.taskDefs.edges.find((e) => e.node.name === task)?.node).toEqual({ name: task, queueDepth: 2, runningCount: 1 });
  });

  it('finds ExternalEvents of a def by whether a node has claimed them', async () => {
    const def = unique('approved');
    const name = unique('approval');
    await client.putExternalEventDef({ name: def });
    await client.putWfSpec(new Workflow(name, (wf) => void wf.waitForEvent(def)).compile());
    const run = await client.runWf({ wfSpecName: name });
    const taken = await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: def, content: 'yes' });
    const early = await client.putExternalEvent({ wfRunId: unique('not-yet'), externalEventDefName: def, content: 'later' });
    expect((await client.searchExternalEvents({ externalEventDefName: def, claimed: true })).items.map((e) => e.guid)).toEqual([taken.guid]);
    expect((await client.searchExternalEvents({ externalEventDefName: def, claimed: false })).items.map((e) => e.guid)).toEqual([early.guid]);
    expect((await client.searchExternalEvents({ externalEventDefName: def })).items).toHaveLength(2);
  });
});

describe('getters and lists of the other objects', () => {
  it('gets a TaskRun and an ExternalEvent by id, and lists ExternalEventDefs and WorkflowEventDefs by name', async () => {
    const name = await spec();
    const run = await client.runWf({ wfSpecName: name, variables: { customer: 'g', tier: 0, wait: true } });
    const taskRun = (await client.wfRun(run.id))?.nodeRuns.find((n) => n.taskRun)?.taskRun;
    expect(await client.taskRun(taskRun?.id ?? '')).toMatchObject({ id: taskRun?.id, status: 'TASK_SCHEDULED' });
    expect(await client.taskRun(`${run.id}/9-9`)).toBeNull();

    const def = unique('zz-event');
    await client.putExternalEventDef({ name: def });
    const sent = await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: def, content: { ok: 1 } });
    expect(await client.externalEvent(run.id, sent.guid)).toMatchObject({ guid: sent.guid, content: { ok: 1 }, claimed: false });
    const thrown = unique('zz-thrown');
    await client.putWorkflowEventDef({ name: thrown });

    const all = async <T extends { name: string }>(list: (page: { first?: number; after?: string }) => Promise<{ items: readonly T[]; hasNextPage: boolean; endCursor: string | null }>) => {
      const names: string[] = [];
      for (let page = await list({ first: 50 }); ; page = await list({ first: 50, after: page.endCursor ?? undefined })) {
        names.push(...page.items.map((d) => d.name));
        if (!page.hasNextPage) return names;
      }
    };
    const eventDefs = await all((p) => client.externalEventDefs(p));
    expect(eventDefs).toContain(def);
    // Names in the database's collation order: each page's cursor picks up after the last name.
    expect(new Set(eventDefs).size).toBe(eventDefs.length);
    expect(await all((p) => client.workflowEventDefs(p))).toContain(thrown);
  });
});
