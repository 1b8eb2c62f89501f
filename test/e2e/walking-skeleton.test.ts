import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { GallopClientError, Workflow } from '@gallop/sdk';
import type { GallopClient, StoredWfRunEvent, WfRunInfo } from '@gallop/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT, startServer, stopProcess } from '../support/server.ts';
import type { ServerProcess } from '../support/server.ts';
import { waitFor } from '../support/wait.ts';

// The whole path through every package: SDK -> GraphQL -> engine -> store -> a worker in another process.
describe('a WfRun end to end', () => {
  let server: ServerProcess;
  let client: GallopClient;
  let worker: ChildProcess;

  beforeAll(async () => {
    server = await startServer({ databaseUrl: inject('databaseUrl') });
    client = server.client();
    await client.putTaskDef({ name: 'greet-e2e', inputVars: [{ name: 'name', type: 'STR' }], returnType: 'STR' });
    await client.putTaskDef({ name: 'shout-e2e', inputVars: [{ name: 'text', type: 'STR' }], returnType: 'STR' });
    await client.putTaskDef({ name: 'explode-e2e', inputVars: [{ name: 'reason', type: 'STR' }], returnType: 'STR' });
    await client.putWfSpec(
      new Workflow('greet-and-shout', (wf) => {
        const name = wf.declareStr('name').required();
        const greeting = wf.declareStr('greeting');
        const shouted = wf.declareStr('shouted');
        greeting.assign(wf.execute('greet-e2e', name));
        shouted.assign(wf.execute('shout-e2e', greeting));
      }).compile(),
    );
    await client.putWfSpec(
      new Workflow('explode', (wf) => {
        const reason = wf.declareStr('reason').withDefault('on purpose');
        wf.execute('explode-e2e', reason);
      }).compile(),
    );
    worker = spawn(process.execPath, ['--import', 'tsx', 'test/e2e/fixtures/worker-process.ts'], {
      cwd: ROOT,
      env: { ...process.env, GALLOP_URL: server.url, TASKS: 'greet-e2e,shout-e2e,explode-e2e' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  });

  afterAll(async () => {
    if (worker) await stopProcess(worker);
    await server?.stop();
  });

  it('completes 20 WfRuns with the values each task computed', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `Ada ${i}`);
    const runs = await Promise.all(names.map((name) => client.runWf({ wfSpecName: 'greet-and-shout', variables: { name } })));
    expect(runs.every((run) => run.status === 'RUNNING')).toBe(true);

    const finished = await Promise.all(
      runs.map((run) =>
        waitFor(async () => {
          const current = await client.wfRun(run.id);
          return current && current.status !== 'RUNNING' ? current : undefined;
        }, { what: `WfRun ${run.id} to finish`, timeoutMs: 45_000 }),
      ),
    );
    finished.forEach((run: WfRunInfo, i) => {
      expect(run.status).toBe('COMPLETED');
      const values = Object.fromEntries(run.variables.map((v) => [v.name, v.value]));
      expect(values).toEqual({ name: names[i], greeting: `Hello, ${names[i]}!`, shouted: `HELLO, ${names[i]?.toUpperCase()}!` });
      expect(run.nodeRuns.map((n) => [n.nodeName, n.status])).toEqual([
        ['0-entrypoint-ENTRYPOINT', 'COMPLETED'],
        ['1-greet-e2e-TASK', 'COMPLETED'],
        ['2-shout-e2e-TASK', 'COMPLETED'],
        ['3-exit-EXIT', 'COMPLETED'],
      ]);
    });
    const shoutAttempt = finished[0]?.nodeRuns[2]?.taskRun?.attempts[0];
    expect(shoutAttempt?.status).toBe('TASK_SUCCESS');
    expect(shoutAttempt?.logOutput).toBe('shouting Hello, Ada 0!');
    expect(shoutAttempt?.workerId).toMatch(/^worker-/);
  });

  it('streams every event of a WfRun over WebSocket, in order', async () => {
    const id = `stream-${Date.now()}`;
    const received: StoredWfRunEvent[] = [];
    let failed: unknown;
    // Subscribed once the WfRun exists (an id that has none is NotFoundError): the stored events come first, from the
    // first, then the live ones.
    await client.runWf({ wfSpecName: 'greet-and-shout', id, variables: { name: 'Grace' } });
    const stop = client.wfRunEvents(id, { next: (e) => received.push(e), error: (e) => (failed = e) });
    try {
      await waitFor(() => received.some((e) => e.type === 'WfRunCompleted'), { what: 'WfRunCompleted on the stream' });
      const stored = await client.request<{ wfRun: { events: { seq: number; type: string }[] } }>(
        'query($id: ID!) { wfRun(id: $id) { events { seq type } } }',
        { id },
      );
      expect(failed).toBeUndefined();
      expect(received.map((e) => e.seq)).toEqual(stored.wfRun.events.map((e) => e.seq));
      expect(received.map((e) => e.type)).toEqual(stored.wfRun.events.map((e) => e.type));
      expect(received.map((e) => e.seq)).toEqual(received.map((_, i) => i + 1));
      expect(received.every((e) => e.wfRunId === id && e.event.type === e.type)).toBe(true);
    } finally {
      stop();
    }
  });

  it('ends a WfRun in ERROR when its task throws, keeping the message on the attempt', async () => {
    const run = await client.runWf({ wfSpecName: 'explode' });
    const ended = await waitFor(async () => {
      const current = await client.wfRun(run.id);
      return current?.status === 'ERROR' ? current : undefined;
    }, { what: 'the WfRun to fail' });
    const task = ended.nodeRuns.find((n) => n.nodeType === 'TASK');
    expect(task?.status).toBe('ERROR');
    expect(task?.errorMessage).toBe('TASK_FAILURE: exploded: on purpose');
    expect(task?.taskRun?.status).toBe('TASK_FAILED');
    expect(task?.taskRun?.attempts).toHaveLength(1);
    expect(task?.taskRun?.attempts[0]?.errorMessage).toBe('exploded: on purpose');
    expect(ended.errorMessage).toBe('TASK_FAILURE: exploded: on purpose');
    expect(ended.threadRuns[0]?.status).toBe('ERROR');
  });

  it('refuses a broken WfSpec with a typed error naming each problem, and keeps serving', async () => {
    const broken = {
      name: 'broken',
      entrypointThreadName: 'entrypoint',
      threadSpecs: {
        entrypoint: {
          nodes: {
            '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: '1-missing-TASK' }] },
            '1-missing-TASK': { type: 'TASK', taskDefName: 'no-such-task', outgoingEdges: [{ sinkNodeName: '9-nowhere-EXIT' }] },
          },
        },
      },
    };
    const error = await client.putWfSpec(broken as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GallopClientError);
    const refused = error as GallopClientError;
    expect(refused.code).toBe('ValidationError');
    expect(refused.problems.map((p) => [p.at, p.code])).toEqual(
      expect.arrayContaining([
        ['threadSpecs.entrypoint.nodes["1-missing-TASK"].taskDefName', 'UNKNOWN_TASK_DEF'],
        ['threadSpecs.entrypoint.nodes["1-missing-TASK"].outgoingEdges[0].sinkNodeName', 'MISSING_NODE'],
      ]),
    );
    expect(await client.wfSpec('greet-and-shout')).toMatchObject({ name: 'greet-and-shout' });
  });
});
