import { Workflow } from '@gallop/sdk';
import type { GallopClient, WfRunInfo } from '@gallop/sdk';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { correlationMarkers, outbox } from '../src/store/schema.ts';
import { isolatedStore, refusal, startTestServer, unique } from './harness.ts';
import type { TestServer } from './harness.ts';

// LittleHorse's correlated events: sent by key, taken by every EXTERNAL_EVENT NodeRun of the def waiting with that
// key, whichever comes first, through the outbox the scheduler delivers.
const server = await startTestServer(inject('databaseUrl'));
afterAll(() => server.close());
const { client } = server;

/** A WfSpec whose one node waits for `def` with the correlation key in its `doc` variable, and keeps the content. */
async function signing(def: string, options: { masked?: boolean } = {}): Promise<string> {
  const name = unique('signing');
  // register() validates against the server's defs (their correlatedEventConfig included) before putting.
  await new Workflow(name, (wf) => {
    const doc = wf.declareStr('doc').required();
    wf.declareJsonObj('signed').assign(wf.waitForEvent(def, { correlationKey: doc, maskCorrelationKey: options.masked }));
  }).register(client);
  return name;
}

async function correlatedDef(config: { ttlSeconds?: number; deleteAfterFirstCorrelation?: boolean } = {}, on: GallopClient = client): Promise<string> {
  const def = unique('signed');
  await on.putExternalEventDef({ name: def, correlatedEventConfig: config });
  return def;
}

async function status(on: GallopClient, id: string): Promise<WfRunInfo | null> {
  return on.wfRun(id);
}

/** Waits until the scheduler has delivered (and deleted) every outbox row of a WfRun. */
async function delivered(wfRunId: string, on: TestServer = server): Promise<void> {
  await expect.poll(async () => (await on.app.services.db.select().from(outbox).where(eq(outbox.wfRunId, wfRunId))).length).toBe(0);
}

describe('CorrelatedEvents', () => {
  it('reach every NodeRun waiting with their key, sent before or after it started waiting, and no other', async () => {
    const def = await correlatedDef();
    const spec = await signing(def);
    // Sent first: a WfRun that starts waiting for the key later takes it.
    const early = await client.putCorrelatedEvent({ key: 'doc-1', externalEventDefName: def, content: { by: 'ada' } });
    expect(early).toMatchObject({ key: 'doc-1', externalEventDefName: def, content: { by: 'ada' }, expiresAt: null });
    const later = await client.runWf({ wfSpecName: spec, variables: { doc: 'doc-1' } });
    await expect.poll(async () => (await status(client, later.id))?.status).toBe('COMPLETED');
    expect((await status(client, later.id))?.variables.find((v) => v.name === 'signed')?.value).toEqual({ by: 'ada' });

    // Waiting first: two WfRuns on one key both take it; one on another key does not.
    const [a, b, other] = await Promise.all(['doc-2', 'doc-2', 'doc-3'].map((doc) => client.runWf({ wfSpecName: spec, variables: { doc } })));
    await client.putCorrelatedEvent({ key: 'doc-2', externalEventDefName: def, content: { by: 'bob' } });
    for (const run of [a, b]) await expect.poll(async () => (await status(client, run!.id))?.status).toBe('COMPLETED');
    const events = await client.request<{ wfRun: { externalEvents: { guid: string; threadRunNumber: number; nodeRunPosition: number; claimed: boolean }[] } }>(
      'query($id: ID!) { wfRun(id: $id) { externalEvents { guid threadRunNumber nodeRunPosition claimed } } }',
      { id: a!.id },
    );
    expect(events.wfRun.externalEvents).toEqual([{ guid: expect.stringMatching(/^correlated-/) as unknown, threadRunNumber: 0, nodeRunPosition: 1, claimed: true }]);
    expect((await status(client, other!.id))?.status).toBe('RUNNING');
    expect((await client.correlatedEvents(def)).items.map((e) => e.key)).toEqual(['doc-1', 'doc-2']);
    // A key is sent once until deleted; deleted, it reaches nothing that starts waiting afterwards.
    expect((await refusal(client.putCorrelatedEvent({ key: 'doc-2', externalEventDefName: def }))).code).toBe('AlreadyExistsError');
    await client.deleteCorrelatedEvent('doc-2', def);
    expect(await client.correlatedEvent('doc-2', def)).toBeNull();
    expect((await refusal(client.deleteCorrelatedEvent('doc-2', def))).code).toBe('NotFoundError');
  });

  it('reach NodeRuns that start waiting while their keys are being sent', async () => {
    const def = await correlatedDef();
    const spec = await signing(def);
    // Each key's send and wait race; whichever commits first, the other must see it (the key's lock, migration 0024).
    const keys = Array.from({ length: 40 }, (_, i) => `race-${i}`);
    const runs = await Promise.all(
      keys.map(async (key) => {
        const [run] = await Promise.all([client.runWf({ wfSpecName: spec, variables: { doc: key } }), client.putCorrelatedEvent({ key, externalEventDefName: def, content: { key } })]);
        return run;
      }),
    );
    for (const run of runs) {
      await expect.poll(async () => (await status(client, run.id))?.status, { timeout: 10_000 }).toBe('COMPLETED');
      await delivered(run.id);
    }
    expect((await client.correlatedEvents({ externalEventDefName: def, hasExternalEvents: true }, { first: 100 })).items).toHaveLength(keys.length);
  });

  it('with deleteAfterFirstCorrelation, go to the NodeRuns waiting when sent and then are gone for later ones', async () => {
    const def = await correlatedDef({ deleteAfterFirstCorrelation: true });
    const spec = await signing(def);
    const runs = await Promise.all([1, 2].map(() => client.runWf({ wfSpecName: spec, variables: { doc: 'once' } })));
    await client.putCorrelatedEvent({ key: 'once', externalEventDefName: def, content: { n: 1 } });
    for (const run of runs) await expect.poll(async () => (await status(client, run.id))?.status).toBe('COMPLETED');
    await expect.poll(() => client.correlatedEvent('once', def)).toBeNull();
    // One that starts waiting afterwards: its delivery finds nothing, and it waits on.
    const late = await client.runWf({ wfSpecName: spec, variables: { doc: 'once' } });
    await delivered(late.id);
    expect((await status(client, late.id))?.status).toBe('RUNNING');
    // Gone, the key may be sent again: it reaches the WfRun still waiting.
    await client.putCorrelatedEvent({ key: 'once', externalEventDefName: def, content: { n: 2 } });
    await expect.poll(async () => (await status(client, late.id))?.status).toBe('COMPLETED');
    expect((await status(client, late.id))?.variables.find((v) => v.name === 'signed')?.value).toEqual({ n: 2 });
  });

  it('reach each of two threads of one WfRun waiting on one key, each an ExternalEvent of its own', async () => {
    const def = await correlatedDef();
    const name = unique('two-threads');
    await client.putWfSpec(
      new Workflow(name, (wf) => {
        const a = wf.spawnThread('a', (t) => void t.waitForEvent(def, { correlationKey: 'shared', maskCorrelationKey: true }));
        const b = wf.spawnThread('b', (t) => void t.waitForEvent(def, { correlationKey: 'shared', maskCorrelationKey: true }));
        wf.waitForThreads(a, b);
      }).compile(),
    );
    const run = await client.runWf({ wfSpecName: name });
    await client.putCorrelatedEvent({ key: 'shared', externalEventDefName: def, content: { ok: true } });
    await expect.poll(async () => (await status(client, run.id))?.status).toBe('COMPLETED');
    const events = await client.request<{ wfRun: { externalEvents: { guid: string; threadRunNumber: number; claimed: boolean }[] } }>(
      'query($id: ID!) { wfRun(id: $id) { externalEvents { guid threadRunNumber claimed } } }',
      { id: run.id },
    );
    expect(events.wfRun.externalEvents.map((e) => [e.threadRunNumber, e.claimed]).sort()).toEqual([
      [1, true],
      [2, true],
    ]);
    // The guids name the sending, not the (masked) key.
    expect(JSON.stringify(events)).not.toContain('shared');
  });

  it('leave no marker behind once their WfRun completes, though a thread waiting with a key was only halted', async () => {
    const def = await correlatedDef();
    const name = unique('first-of');
    await new Workflow(name, (wf) => {
      const won = wf.spawnThread('won', (t) => void t.waitForEvent(def, { correlationKey: 'first' }));
      const lost = wf.spawnThread('lost', (t) => void t.waitForEvent(def, { correlationKey: 'never' }));
      wf.waitForFirstOf(won, lost);
    }).register(client);
    const run = await client.runWf({ wfSpecName: name });
    const markers = () => server.app.services.db.select().from(correlationMarkers).where(eq(correlationMarkers.wfRunId, run.id));
    expect((await markers()).map((m) => m.key).sort()).toEqual(['first', 'never']);
    await client.putCorrelatedEvent({ key: 'first', externalEventDefName: def });
    await expect.poll(async () => (await status(client, run.id))?.status).toBe('COMPLETED');
    // The losing thread halted for good without ending its node: the WfRun's completion takes its marker away.
    expect(await markers()).toEqual([]);
  });

  it('drop the marker of a NodeRun that took its event while the WfRun runs on, and no other', async () => {
    const def = await correlatedDef();
    const [name, task] = [unique('then-task'), unique('after-signing')];
    await client.putTaskDef({ name: task });
    await new Workflow(name, (wf) => {
      wf.waitForEvent(def, { correlationKey: 'taken' });
      wf.waitForEvent(def, { correlationKey: 'later' });
      wf.execute(task);
    }).register(client);
    const run = await client.runWf({ wfSpecName: name });
    const markers = () => server.app.services.db.select().from(correlationMarkers).where(eq(correlationMarkers.wfRunId, run.id));
    expect((await markers()).map((m) => m.key)).toEqual(['taken']);
    await client.putCorrelatedEvent({ key: 'taken', externalEventDefName: def });
    // The first wait ended: its marker goes, the second's comes.
    await expect.poll(async () => (await markers()).map((m) => [m.key, m.nodeRunPosition])).toEqual([['later', 2]]);
    await client.putCorrelatedEvent({ key: 'later', externalEventDefName: def });
    await expect.poll(async () => (await status(client, run.id))?.nodeRuns.find((n) => n.position === 3)?.nodeType).toBe('TASK');
    expect(await markers()).toEqual([]);
    expect((await status(client, run.id))?.status).toBe('RUNNING');
  });

  it('say which ExternalEvents they became, and are searched by whether they became any', async () => {
    const def = await correlatedDef();
    const name = await signing(def);
    const runs = await Promise.all([1, 2].map(() => client.runWf({ wfSpecName: name, variables: { doc: 'doc-a' } })));
    await client.putCorrelatedEvent({ key: 'doc-a', externalEventDefName: def, content: 1 });
    await client.putCorrelatedEvent({ key: 'doc-none', externalEventDefName: def, content: 2 });
    await expect.poll(async () => (await client.correlatedEvent('doc-a', def))?.externalEvents.length).toBe(2);
    const taken = (await client.correlatedEvent('doc-a', def))?.externalEvents ?? [];
    expect(taken.map((e) => e.wfRunId).sort()).toEqual(runs.map((r) => r.id).sort());
    expect(taken.map((e) => [e.threadRunNumber, e.nodeRunPosition])).toEqual([
      [0, 1],
      [0, 1],
    ]);
    expect((await client.correlatedEvent('doc-none', def))?.externalEvents).toEqual([]);
    const keys = async (hasExternalEvents?: boolean) => (await client.correlatedEvents({ externalEventDefName: def, hasExternalEvents })).items.map((e) => e.key);
    expect(await keys(true)).toEqual(['doc-a']);
    expect(await keys(false)).toEqual(['doc-none']);
    expect(await keys()).toEqual(['doc-a', 'doc-none']);
  });

  it('count a taking by a thread that was halted when the event came, and refuse guids kept for them', async () => {
    const def = await correlatedDef({ deleteAfterFirstCorrelation: true });
    const name = await signing(def);
    const run = await client.runWf({ wfSpecName: name, variables: { doc: 'doc-halted' } });
    await client.stopWfRun(run.id);
    await client.putCorrelatedEvent({ key: 'doc-halted', externalEventDefName: def, content: { by: 'Ada' } });
    await delivered(run.id);
    // Delivered, but the halted thread has not taken it: the event stays, taken by none.
    expect((await client.correlatedEvent('doc-halted', def))?.externalEvents).toEqual([]);
    await client.resumeWfRun(run.id);
    await expect.poll(async () => (await status(client, run.id))?.status).toBe('COMPLETED');
    // Taken on resuming: first-only, so used up.
    expect(await client.correlatedEvent('doc-halted', def)).toBeNull();

    const refused = await refusal(client.putExternalEvent({ wfRunId: run.id, externalEventDefName: def, guid: 'correlated-abc-0-1' }));
    expect(refused.message).toContain('kept for CorrelatedEvents');
  });

  it('refuses keys on a def without correlatedEventConfig, and masks a masked key in the API', async () => {
    const plain = unique('plain');
    await client.putExternalEventDef({ name: plain });
    const refused = await refusal(client.putCorrelatedEvent({ key: 'k', externalEventDefName: plain }));
    expect(refused.problems.map((p) => [p.at, p.code])).toEqual([['input.externalEventDefName', 'CORRELATION_NOT_ENABLED']]);
    const spec = await refusal(client.putWfSpec(new Workflow(unique('bad'), (wf) => void wf.waitForEvent(plain, { correlationKey: 'k' })).compile()));
    expect(spec.problems.map((p) => p.code)).toEqual(['CORRELATION_NOT_ENABLED']);
    expect((await refusal(client.putCorrelatedEvent({ key: 'k', externalEventDefName: unique('none') }))).code).toBe('NotFoundError');
    expect((await refusal(client.putCorrelatedEvent({ key: ' ', externalEventDefName: plain }))).code).toBe('ValidationError');
    // Another config under the same name is refused: the def says how its events behave.
    const def = await correlatedDef();
    expect((await refusal(client.putExternalEventDef({ name: def, correlatedEventConfig: { ttlSeconds: 5 } }))).code).toBe('AlreadyExistsError');

    const masked = await signing(def, { masked: true });
    const run = await client.runWf({ wfSpecName: masked, variables: { doc: 'secret-doc' } });
    const read = await client.request<{ wfRun: { events: { event: { type: string; correlationKey?: string } }[] } }>(
      'query($id: ID!) { wfRun(id: $id) { events { event } } }',
      { id: run.id },
    );
    expect(read.wfRun.events.find((e) => e.event.type === 'CorrelationKeySet')?.event.correlationKey).toBe('*****');
  });

  it('are gone past their ttl, for a NodeRun that starts waiting afterwards and for a new send', async () => {
    let now = Date.parse('2026-12-01T09:00:00Z');
    const store = await isolatedStore(inject('databaseUrl'));
    const clocked = await startTestServer(store.databaseUrl, { dataDir: store.dataDir, clock: () => now });
    try {
      const on = clocked.client;
      const def = await correlatedDef({ ttlSeconds: 60 }, on);
      const name = unique('ttl');
      await on.putWfSpec(new Workflow(name, (wf) => void wf.waitForEvent(def, { correlationKey: 'doc-ttl' })).compile());
      const sent = await on.putCorrelatedEvent({ key: 'doc-ttl', externalEventDefName: def, content: { v: 1 } });
      expect(sent.expiresAt).toBe('2026-12-01T09:01:00.000Z');
      now += 61_000;
      expect(await on.correlatedEvent('doc-ttl', def)).toBeNull();
      const run = await on.runWf({ wfSpecName: name });
      // Its outbox row is delivered and finds nothing: the WfRun waits on.
      await delivered(run.id, clocked);
      expect((await on.wfRun(run.id))?.status).toBe('RUNNING');
      await on.putCorrelatedEvent({ key: 'doc-ttl', externalEventDefName: def, content: { v: 2 } });
      await expect.poll(async () => (await on.wfRun(run.id))?.status).toBe('COMPLETED');
    } finally {
      await clocked.close();
      await store.drop();
    }
  });
});
