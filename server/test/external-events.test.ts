import { GallopClientError, Workflow } from '@gallop/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestServer, unique } from './harness.ts';

const server = await startTestServer(inject('databaseUrl'));
afterAll(() => server.close());
const { client } = server;
const def = unique('approved');
const spec = unique('approval');
const timed = unique('approval-timed');

beforeAll(async () => {
  await client.putExternalEventDef({ name: def });
  await client.putWfSpec(
    new Workflow(spec, (wf) => {
      const approval = wf.declareJsonObj('approval');
      approval.assign(wf.waitForEvent(def));
    }).compile(),
  );
  await client.putWfSpec(
    new Workflow(timed, (wf) => {
      wf.waitForEvent(def, { timeoutSeconds: 1 });
    }).compile(),
  );
});

async function waitForStatus(id: string, status: string) {
  for (let i = 0; i < 200; i++) {
    const run = await client.wfRun(id);
    if (run?.status === status) return run;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`WfRun ${id} never became ${status}`);
}

describe('ExternalEvents on the server', () => {
  it('completes the waiting node with the content of the event sent to it', async () => {
    const run = await client.runWf({ wfSpecName: spec });
    expect(run.status).toBe('RUNNING');
    const event = await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: def, content: { by: 'ada' } });
    expect(event).toMatchObject({ claimed: true, threadRunNumber: 0, nodeRunPosition: 1 });
    const done = await waitForStatus(run.id, 'COMPLETED');
    expect(done.variables.find((v) => v.name === 'approval')?.value).toEqual({ by: 'ada' });
  });

  it('keeps an event sent before its WfRun exists and delivers it when the WfRun starts', async () => {
    const id = unique('early');
    const early = await client.putExternalEvent({ wfRunId: id, externalEventDefName: def, content: { by: 'early' }, guid: 'g1' });
    expect(early.claimed).toBe(false);
    const run = await client.runWf({ wfSpecName: spec, id });
    expect(run.status).toBe('COMPLETED');
    const data = await client.request<{ wfRun: { externalEvents: { guid: string; claimed: boolean }[] } }>(
      'query($id: ID!) { wfRun(id: $id) { externalEvents { guid claimed } } }',
      { id },
    );
    expect(data.wfRun.externalEvents).toEqual([{ guid: 'g1', claimed: true }]);
  });

  it('gives an event pinned to a NodeRun only to that one, early or not, and keeps one pinned elsewhere waiting', async () => {
    const id = unique('pinned');
    // Early and pinned to a position the WfRun's node will not have: kept, with its pins, and not taken.
    const elsewhere = await client.putExternalEvent({ wfRunId: id, externalEventDefName: def, content: { by: 'elsewhere' }, guid: 'p0', nodeRunPosition: 5 });
    expect(elsewhere).toMatchObject({ claimed: false, threadRunNumber: null, nodeRunPosition: 5 });
    const run = await client.runWf({ wfSpecName: spec, id });
    expect(run.status).toBe('RUNNING');
    const taken = await client.putExternalEvent({ wfRunId: id, externalEventDefName: def, content: { by: 'this one' }, guid: 'p2', threadRunNumber: 0, nodeRunPosition: 1 });
    expect(taken).toMatchObject({ claimed: true, threadRunNumber: 0, nodeRunPosition: 1 });
    const done = await waitForStatus(id, 'COMPLETED');
    expect(done.variables.find((v) => v.name === 'approval')?.value).toEqual({ by: 'this one' });
    const negative = (await client.putExternalEvent({ wfRunId: id, externalEventDefName: def, nodeRunPosition: -1 }).catch((e: unknown) => e)) as GallopClientError;
    expect(negative.problems.map((p) => p.at)).toEqual(['input.nodeRunPosition']);
    // Pinned to the NodeRun that has ended: nothing could take it, so it is refused rather than kept.
    const ended = (await client.putExternalEvent({ wfRunId: id, externalEventDefName: def, threadRunNumber: 0, nodeRunPosition: 1 }).catch((e: unknown) => e)) as GallopClientError;
    expect(ended.problems.map((p) => [p.at, p.message])).toEqual([['input.nodeRunPosition', expect.stringContaining('which has ended') as unknown]]);
  });

  it('refuses an event pinned to a ThreadRun the WfRun does not have, naming threadRunNumber, and stores nothing', async () => {
    const run = await client.runWf({ wfSpecName: spec });
    for (const pins of [{ threadRunNumber: 2 }, { threadRunNumber: 1, nodeRunPosition: 1 }]) {
      const refused = (await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: def, content: { by: 'nobody' }, guid: 'stray', ...pins }).catch((e: unknown) => e)) as GallopClientError;
      expect(refused).toBeInstanceOf(GallopClientError);
      expect(refused.code).toBe('ValidationError');
      expect(refused.problems).toEqual([
        expect.objectContaining({ at: 'input.threadRunNumber', code: 'OUT_OF_RANGE', message: `ExternalEvent stray is pinned to ThreadRun ${pins.threadRunNumber}, which WfRun ${run.id} does not have.` }),
      ]);
    }
    const data = await client.request<{ wfRun: { externalEvents: unknown[]; lastSeq: number } }>('query($id: ID!) { wfRun(id: $id) { externalEvents { guid } lastSeq } }', { id: run.id });
    expect(data.wfRun).toEqual({ externalEvents: [], lastSeq: run.lastSeq });
    expect(await client.externalEvent(run.id, 'stray')).toBeNull();
    // The WfRun still takes the event it waits for; thread 0 exists.
    expect(await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: def, content: { by: 'ada' }, guid: 'stray', threadRunNumber: 0 })).toMatchObject({ claimed: true, threadRunNumber: 0 });
  });

  it('delivers the oldest of several early events, named by version or not, whatever their content', async () => {
    for (const version of [{}, { majorVersion: 0 }, { majorVersion: 0, revision: 0 }]) {
      const id = unique('early-many');
      await client.putExternalEvent({ wfRunId: id, externalEventDefName: def, content: null, guid: 'first' });
      await client.putExternalEvent({ wfRunId: id, externalEventDefName: def, content: { by: 'second' }, guid: 'second' });
      const run = await client.runWf({ wfSpecName: spec, id, ...version });
      expect(run.status).toBe('COMPLETED');
      const done = await client.wfRun(id);
      expect(done?.variables.find((v) => v.name === 'approval')?.value ?? null).toBeNull();
      const data = await client.request<{ wfRun: { externalEvents: { guid: string; claimed: boolean }[] } }>(
        'query($id: ID!) { wfRun(id: $id) { externalEvents { guid claimed } } }',
        { id },
      );
      expect(data.wfRun.externalEvents).toEqual([
        { guid: 'first', claimed: true },
        { guid: 'second', claimed: false },
      ]);
    }
    const missing = (await client.runWf({ wfSpecName: unique('no-such-spec'), id: unique('early-none') }).catch((e: unknown) => e)) as GallopClientError;
    expect(missing.code).toBe('NotFoundError');
  });

  it('refuses a repeated guid and an unknown ExternalEventDef', async () => {
    const run = await client.runWf({ wfSpecName: spec });
    await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: def, content: {}, guid: 'once' });
    const again = (await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: def, content: {}, guid: 'once' }).catch((e: unknown) => e)) as GallopClientError;
    expect(again.code).toBe('AlreadyExistsError');
    const unknown = (await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: 'no-such-def' }).catch((e: unknown) => e)) as GallopClientError;
    expect(unknown.code).toBe('NotFoundError');
    expect(unknown.message).toBe('ExternalEventDef no-such-def does not exist.');
  });

  it('fails the WfRun with TIMEOUT when no event comes in time', async () => {
    const run = await client.runWf({ wfSpecName: timed });
    const failed = await waitForStatus(run.id, 'ERROR');
    expect(failed.errorMessage).toBe(`TIMEOUT: No ExternalEvent '${def}' arrived in time.`);
  });
});
