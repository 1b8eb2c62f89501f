import { GallopClientError, Workflow } from '@gallop/sdk';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startTestServer, unique } from './harness.ts';

const server = await startTestServer(inject('databaseUrl'));
afterAll(() => server.close());
const { client } = server;

describe('WorkflowEvents', () => {
  it('awaitWorkflowEvent waits for a THROW_EVENT and returns its content', async () => {
    const def = unique('ready');
    const approval = unique('go');
    const spec = unique('thrower');
    await client.putWorkflowEventDef({ name: def });
    await client.putExternalEventDef({ name: approval });
    await client.putWfSpec(
      new Workflow(spec, (wf) => {
        const order = wf.declareStr('order').withDefault('o-7');
        wf.waitForEvent(approval);
        wf.throwEvent(def, order);
      }).compile(),
    );
    const run = await client.runWf({ wfSpecName: spec });
    const awaited = client.awaitWorkflowEvent({ wfRunId: run.id, workflowEventDefNames: [def], timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await client.putExternalEvent({ wfRunId: run.id, externalEventDefName: approval });
    expect(await awaited).toMatchObject({ wfRunId: run.id, workflowEventDefName: def, number: 0, content: 'o-7' });
    // A later await gets the event already thrown at once.
    expect((await client.awaitWorkflowEvent({ wfRunId: run.id, workflowEventDefNames: [def], timeoutMs: 0 })).number).toBe(0);

    // A WfRun that has thrown nothing (yet) is waited on until the deadline.
    const quiet = await client.runWf({ wfSpecName: spec });
    const none = (await client.awaitWorkflowEvent({ wfRunId: quiet.id, workflowEventDefNames: [def], timeoutMs: 100 }).catch((e: unknown) => e)) as GallopClientError;
    expect(none.code).toBe('DeadlineExceededError');
    const unknown = (await client.awaitWorkflowEvent({ wfRunId: run.id, workflowEventDefNames: ['no-such-def'] }).catch((e: unknown) => e)) as GallopClientError;
    expect(unknown.code).toBe('NotFoundError');
  });

  it('awaitWorkflowEvent answers NotFoundError at once for a WfRun that does not exist', async () => {
    const def = unique('ready');
    await client.putWorkflowEventDef({ name: def });
    // Had it waited, the deadline would have answered DeadlineExceededError.
    const missing = (await client.awaitWorkflowEvent({ wfRunId: 'nobody', workflowEventDefNames: [def], timeoutMs: 20_000 }).catch((e: unknown) => e)) as GallopClientError;
    expect(missing).toBeInstanceOf(GallopClientError);
    expect(missing).toMatchObject({ code: 'NotFoundError', message: 'WfRun nobody does not exist.' });
  });

  it('gets one, lists a WfRun\'s by time, and searches a def\'s newest first within a time range, a page at a time', async () => {
    const [started, finished] = [unique('started'), unique('finished')];
    await client.putWorkflowEventDef({ name: started });
    await client.putWorkflowEventDef({ name: finished });
    const spec = unique('thrower');
    await client.putWfSpec(
      new Workflow(spec, (wf) => {
        const n = wf.declareInt('n');
        wf.throwEvent(started, n);
        wf.throwEvent(started, 'again');
        wf.throwEvent(finished, n);
      }).compile(),
    );
    const runs = [];
    for (let n = 0; n < 3; n++) runs.push(await client.runWf({ wfSpecName: spec, variables: { n } }));
    const [first, , last] = runs;
    if (!first || !last) throw new Error('three WfRuns were started');

    // The NodeRun that threw it, as LittleHorse's node_run_id: the second THROW_EVENT, after the entrypoint.
    expect(await client.workflowEvent(first.id, started, 1)).toMatchObject({ wfRunId: first.id, workflowEventDefName: started, number: 1, content: 'again', threadRunNumber: 0, nodeRunPosition: 2 });
    expect(await client.workflowEvent(first.id, started, 2)).toBeNull();
    // All three were thrown in one step, at one time: then by def, then number.
    expect((await client.workflowEventsOf(first.id))?.map((e) => [e.workflowEventDefName, e.number, e.content, e.nodeRunPosition])).toEqual([
      [finished, 0, 0, 3],
      [started, 0, 0, 1],
      [started, 1, 'again', 2],
    ]);
    expect(await client.workflowEventsOf('nobody')).toBeNull();

    const page1 = await client.searchWorkflowEvents({ workflowEventDefName: finished }, { first: 2 });
    expect(page1.items.map((e) => e.content)).toEqual([2, 1]);
    expect(page1.hasNextPage).toBe(true);
    const page2 = await client.searchWorkflowEvents({ workflowEventDefName: finished }, { first: 2, after: page1.endCursor ?? undefined });
    expect(page2.items.map((e) => e.content)).toEqual([0]);
    expect(page2.hasNextPage).toBe(false);
    // Thrown at or after the last WfRun's start: only its events.
    const recent = await client.searchWorkflowEvents({ workflowEventDefName: started, createdAfter: last.startTime });
    expect(recent.items.map((e) => [e.wfRunId, e.number])).toEqual([
      [last.id, 1],
      [last.id, 0],
    ]);
    expect((await client.searchWorkflowEvents({ workflowEventDefName: started, createdBefore: first.startTime })).items).toEqual([]);
  });

  it('says which release the server is', async () => {
    const version = await client.serverVersion();
    expect(version.version).toBe(`${version.major}.${version.minor}.${version.patch}`);
    expect(version.prerelease).toBeNull();
  });
});
