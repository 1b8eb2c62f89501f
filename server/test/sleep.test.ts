import type { WfSpec } from '@gallop/engine';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startTestServer, unique } from './harness.ts';

const server = await startTestServer(inject('databaseUrl'));
afterAll(() => server.close());

describe('SLEEP on the server', () => {
  it('keeps the WfRun RUNNING until its timer fires, then completes it', async () => {
    const name = unique('sleeper');
    const spec: WfSpec = {
      name,
      entrypointThreadName: 'entrypoint',
      threadSpecs: {
        entrypoint: {
          nodes: {
            start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'nap' }] },
            nap: { type: 'SLEEP', rawSeconds: { type: 'LITERAL', value: 1 }, outgoingEdges: [{ sinkNodeName: 'end' }] },
            end: { type: 'EXIT' },
          },
        },
      },
    };
    await server.client.putWfSpec(spec);
    const started = Date.now();
    const run = await server.client.runWf({ wfSpecName: name });
    expect(run.status).toBe('RUNNING');
    let status = run.status;
    while (status === 'RUNNING' && Date.now() - started < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await server.client.wfRun(run.id))?.status ?? 'RUNNING';
    }
    expect(status).toBe('COMPLETED');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    const events = await server.client.request<{ wfRun: { events: { type: string }[] } }>('query($id: ID!) { wfRun(id: $id) { events { type } } }', { id: run.id });
    expect(events.wfRun.events.map((e) => e.type)).toContain('TimerFired');
  });
});
