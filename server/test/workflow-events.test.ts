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

    const none = (await client.awaitWorkflowEvent({ wfRunId: 'nobody', workflowEventDefNames: [def], timeoutMs: 100 }).catch((e: unknown) => e)) as GallopClientError;
    expect(none.code).toBe('DeadlineExceededError');
    const unknown = (await client.awaitWorkflowEvent({ wfRunId: run.id, workflowEventDefNames: ['no-such-def'] }).catch((e: unknown) => e)) as GallopClientError;
    expect(unknown.code).toBe('NotFoundError');
  });
});
