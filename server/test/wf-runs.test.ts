import { replay, withoutThreadIndex } from '@gallop/engine';
import type { WfRunEvent } from '@gallop/engine';
import { GallopClient, GallopClientError, Workflow } from '@gallop/sdk';
import { and, asc, eq } from 'drizzle-orm';
import { createClient } from 'graphql-ws';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { listEvents, readWfRunState } from '../src/store/queries/wf-runs.ts';
import { wfRunEvents, wfRuns } from '../src/store/schema.ts';
import { refusal, startTestServer, unique } from './harness.ts';

const server = await startTestServer(inject('databaseUrl'));
afterAll(() => server.close());

// Each test gets its own TaskDef, so TaskRuns another test left scheduled never reach its claims.
let task = '';
let spec = '';
beforeEach(async () => {
  task = unique('double');
  spec = unique('doubler');
  await server.client.putTaskDef({ name: task, inputVars: [{ name: 'n', type: 'INT' }], returnType: 'INT' });
  await server.client.putWfSpec(
    new Workflow(spec, (wf) => {
      const n = wf.declareInt('n').required();
      const twice = wf.declareInt('twice');
      const four = wf.declareInt('four');
      twice.assign(wf.execute(task, n));
      four.assign(wf.execute(task, twice));
    }).compile(),
  );
});

async function claimAndReport(output: (n: number) => unknown) {
  const [claimed] = await server.client.claimTaskRuns({ taskDefName: task, workerId: 'test', waitMs: 2_000 });
  if (!claimed) throw new Error('nothing to claim');
  const n = claimed.input.n as number;
  const report = await server.client.reportTaskRun({ taskRunId: claimed.taskRunId, attempt: claimed.attempt, outcome: { status: 'SUCCESS', output: output(n) as never } });
  return { claimed, report };
}

describe('the server state of a WfRun', () => {
  it('equals the replay of its stored events by the engine', async () => {
    const run = await server.client.runWf({ wfSpecName: spec, variables: { n: 3 } });
    await claimAndReport((n) => n * 2);
    await claimAndReport((n) => n * 2);
    const db = server.app.services.db;
    const [row] = await db.select().from(wfRuns).where(and(eq(wfRuns.tenantId, 'default'), eq(wfRuns.id, run.id)));
    const events = await db.select().from(wfRunEvents).where(eq(wfRunEvents.wfRunId, run.id)).orderBy(asc(wfRunEvents.seq));
    expect(row?.status).toBe('COMPLETED');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    // The snapshot is the replay without the index evolve keeps for advance (built again after each read).
    expect(withoutThreadIndex(replay(events.map((e) => e.event as WfRunEvent))!)).toEqual(row?.state);
    expect(row?.state.threadRuns[0]?.variables).toEqual({ n: 3, twice: 6, four: 12 });
    // Read from any seq on, inside a command's row or at its start: exactly the events after it.
    for (let after = 0; after <= events.length; after++) {
      const read = await listEvents(db, 'default', run.id, after);
      expect(read.map((e) => e.seq), `after ${after}`).toEqual(events.slice(after).map((e) => e.seq));
    }
  });
});

describe('reportTaskRun', () => {
  it('accepts the first report of an attempt and says a repeat changed nothing', async () => {
    const run = await server.client.runWf({ wfSpecName: spec, variables: { n: 1 } });
    const { claimed, report } = await claimAndReport((n) => n + 1);
    expect(report).toEqual({ accepted: true, reason: null });
    const again = await server.client.reportTaskRun({ taskRunId: claimed.taskRunId, attempt: claimed.attempt, outcome: { status: 'SUCCESS', output: 99 } });
    expect(again.accepted).toBe(false);
    expect(again.reason).toMatch(/already ended/);
    const after = await server.client.wfRun(run.id);
    expect(after?.variables.find((v) => v.name === 'twice')?.value).toBe(2);
  });

  it('names a TaskRun that does not exist', async () => {
    const error = await server.client
      .reportTaskRun({ taskRunId: 'no-such-run/0-1', attempt: 0, outcome: { status: 'SUCCESS' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GallopClientError);
    expect((error as GallopClientError).code).toBe('NotFoundError');
  });

  it('refuses a malformed TaskRun id with the path of the field', async () => {
    const error = (await server.client
      .reportTaskRun({ taskRunId: 'not a task run', attempt: 0, outcome: { status: 'SUCCESS' } })
      .catch((e: unknown) => e)) as GallopClientError;
    expect(error.code).toBe('ValidationError');
    expect(error.problems[0]?.path).toEqual(['input', 'taskRunId']);
  });

  it('fails the WfRun when a task output does not fit its TaskDef return type', async () => {
    const run = await server.client.runWf({ wfSpecName: spec, variables: { n: 1 } });
    await claimAndReport(() => 'not a number');
    const after = await server.client.wfRun(run.id);
    expect(after?.status).toBe('ERROR');
    expect(after?.errorMessage).toBe(`VAR_MUTATION_ERROR: TaskDef '${task}' returns an INT; the task returned "not a number" (STR).`);
    expect(after?.nodeRuns[1]?.taskRun?.attempts[0]?.status).toBe('TASK_OUTPUT_SERDE_ERROR');
  });
});

describe('claimTaskRuns', () => {
  it('waits for a TaskRun to be scheduled instead of returning empty at once', async () => {
    const started = Date.now();
    const claim = server.client.claimTaskRuns({ taskDefName: task, workerId: 'waiter', waitMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const run = await server.client.runWf({ wfSpecName: spec, variables: { n: 5 } });
    const claimed = await claim;
    expect(claimed.map((c) => c.wfRunId)).toEqual([run.id]);
    expect(Date.now() - started).toBeLessThan(9_000);
  });

  it('returns empty when nothing is scheduled within waitMs', async () => {
    const claimed = await server.client.claimTaskRuns({ taskDefName: unique('idle'), workerId: 'idle', waitMs: 50 });
    expect(claimed).toEqual([]);
  });

  it('never hands the same attempt to two workers', async () => {
    const runs = await Promise.all(Array.from({ length: 12 }, (_, i) => server.client.runWf({ wfSpecName: spec, variables: { n: i } })));
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, i) => server.client.claimTaskRuns({ taskDefName: task, workerId: `w${i}`, max: 4, waitMs: 500 })),
    );
    const ids = claims.flat().map((c) => c.taskRunId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const run of runs) expect(ids).toContain(`${run.id}/0-1`);
  });

  it('refuses out-of-range arguments, naming each', async () => {
    const error = (await server.client
      .claimTaskRuns({ taskDefName: task, workerId: 'w', max: 0, waitMs: 999_999 })
      .catch((e: unknown) => e)) as GallopClientError;
    expect(error.code).toBe('ValidationError');
    expect(error.problems.map((p) => p.at)).toEqual(['input.max', 'input.waitMs']);
  });
});

describe('runWf', () => {
  it('refuses variables that do not fit the WfSpec, naming each', async () => {
    const error = (await server.client.runWf({ wfSpecName: spec, variables: { n: 'three', extra: 1 } }).catch((e: unknown) => e)) as GallopClientError;
    expect(error.code).toBe('ValidationError');
    expect(error.problems.map((p) => p.at).sort()).toEqual(['variables.extra', 'variables.n']);
  });

  it('says which WfSpec does not exist', async () => {
    const error = (await server.client.runWf({ wfSpecName: 'no-such-spec' }).catch((e: unknown) => e)) as GallopClientError;
    expect(error.code).toBe('NotFoundError');
    expect(error.message).toBe('WfSpec no-such-spec does not exist.');
  });

  it('refuses a second WfRun with the same id', async () => {
    const id = unique('twice');
    await server.client.runWf({ wfSpecName: spec, id, variables: { n: 1 } });
    const error = (await server.client.runWf({ wfSpecName: spec, id, variables: { n: 1 } }).catch((e: unknown) => e)) as GallopClientError;
    expect(error.code).toBe('AlreadyExistsError');
  });
});

describe('wfRunEvents', () => {
  it('ends at once with NotFoundError for a WfRun that does not exist, and streams one that does', async () => {
    const outcome = await new Promise<{ error?: unknown; completed?: boolean }>((resolve) => {
      const stop = server.client.wfRunEvents('no-such-wf-run', {
        next: () => resolve({}),
        error: (error) => resolve({ error }),
        complete: () => resolve({ completed: true }),
      });
      setTimeout(() => {
        stop();
        resolve({});
      }, 10_000);
    });
    expect(outcome.error).toBeInstanceOf(GallopClientError);
    expect(outcome.error).toMatchObject({ code: 'NotFoundError', message: 'WfRun no-such-wf-run does not exist.', details: { kind: 'WfRun', id: 'no-such-wf-run' } });

    // Over a bare WebSocket: the answer's one error, coded, then the end.
    const socket = createClient({ url: server.graphqlUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket });
    const raw: unknown[] = [];
    await new Promise<void>((resolve) => {
      socket.subscribe({ query: 'subscription { wfRunEvents(id: "no-such-wf-run") { seq } }' }, { next: (message) => raw.push(message), error: (error) => raw.push(error), complete: resolve });
    });
    await socket.dispose();
    expect(raw).toEqual([{ errors: [expect.objectContaining({ message: 'WfRun no-such-wf-run does not exist.', extensions: { code: 'NotFoundError', kind: 'WfRun', id: 'no-such-wf-run' } })] }]);

    const run = await server.client.runWf({ wfSpecName: spec, variables: { n: 1 } });
    const first = await new Promise<number>((resolve, reject) => {
      const stop = server.client.wfRunEvents(run.id, {
        next: (e) => {
          stop();
          resolve(e.seq);
        },
        error: reject,
      });
    });
    expect(first).toBe(1);
  });
});

describe('a WfRun whose log is longer than one read', () => {
  it('streams every event to a subscriber and pages the events field', async () => {
    // 1,700 children that start and end at once: over 10,000 events (one read's most) from one runWf.
    const wide = unique('wide');
    await server.client.putWfSpec(
      new Workflow(wide, (wf) => {
        const items = wf.declareJsonArr('items').required();
        wf.waitForThreads(wf.spawnThreadForEach(items, 'child', () => {}, { inputType: 'INT' }));
      }).compile(),
    );
    const run = await server.client.runWf({ wfSpecName: wide, variables: { items: Array.from({ length: 1_700 }, (_, i) => i) } });
    expect(run.status).toBe('COMPLETED');
    expect(run.lastSeq).toBeGreaterThan(10_000);

    const seqs: number[] = [];
    let completed = false;
    const stop = server.client.wfRunEvents(run.id, {
      next: (e) => {
        seqs.push(e.seq);
        if (e.event.type === 'WfRunCompleted') completed = true;
      },
    });
    try {
      await expect.poll(() => completed, { timeout: 20_000 }).toBe(true);
    } finally {
      stop();
    }
    expect(seqs).toEqual(Array.from({ length: run.lastSeq }, (_, i) => i + 1));

    const page = `query($id: ID!, $after: Int, $first: Int) { wfRun(id: $id) { events(afterSeq: $after, first: $first) { seq } } }`;
    const read = (after: number, first?: number) =>
      server.client.request<{ wfRun: { events: { seq: number }[] } }>(page, { id: run.id, after, first }).then((r) => r.wfRun.events.map((e) => e.seq));
    const first = await read(0);
    expect(first).toHaveLength(10_000);
    const rest = await read(first.at(-1) ?? 0);
    expect([...first, ...rest]).toEqual(seqs);
    expect(await read(5, 3)).toEqual([6, 7, 8]);
    const refused = await refusal(read(0, 10_001));
    expect(refused.problems).toEqual([expect.objectContaining({ path: ['first'], code: 'OUT_OF_RANGE' })]);
  }, 60_000);
});

describe('the state snapshot', () => {
  it('is written now and then, and the state read back folds the events written since', async () => {
    const long = unique('long');
    await server.client.putWfSpec(
      new Workflow(long, (wf) => {
        const n = wf.declareInt('n').required();
        for (let i = 0; i < 16; i++) n.assign(wf.execute(task, n));
      }).compile(),
    );
    const run = await server.client.runWf({ wfSpecName: long, variables: { n: 1 } });
    const db = server.app.services.db;
    const row = async () => (await db.select({ seq: wfRuns.seq, snapshotSeq: wfRuns.snapshotSeq }).from(wfRuns).where(and(eq(wfRuns.tenantId, 'default'), eq(wfRuns.id, run.id))))[0];
    const allEvents = async () => (await listEvents(db, 'default', run.id, 0)).map((e) => e.event as WfRunEvent);
    const snapshots = new Set<number>();
    for (let i = 1; i <= 16; i++) {
      await claimAndReport((n) => n + 1);
      const { seq, snapshotSeq } = (await row())!;
      if (i < 16) {
        // The first reports write no snapshot: the row keeps the one runWf wrote, as of an older seq.
        if (i <= 2) expect(snapshotSeq).not.toBeNull();
        if (snapshotSeq !== null) {
          expect(snapshotSeq).toBeLessThan(seq);
          snapshots.add(snapshotSeq);
        }
        const read = await readWfRunState(db, 'default', run.id);
        expect(read?.seq).toBe(seq);
        // The index evolve keeps for advance is built again after a read, never taken from the snapshot.
        expect(withoutThreadIndex(read!.state)).toEqual(withoutThreadIndex(replay(await allEvents())!));
        expect(read?.state.threadRuns[0]?.variables.n).toBe(1 + i);
        // The API's ThreadRuns come from the same read: thread 0 stands at the next task's NodeRun.
        const threads = await server.client.request<{ wfRun: { threadRuns: { currentNodePosition: number | null }[] } }>(`query($id: ID!) { wfRun(id: $id) { threadRuns { currentNodePosition } } }`, { id: run.id });
        expect(threads.wfRun.threadRuns[0]?.currentNodePosition).toBe(read?.state.threadRuns[0]?.currentNodeRun?.position);
        expect(threads.wfRun.threadRuns[0]?.currentNodePosition).toBe(1 + i);
      } else {
        // The WfRun ended: the snapshot is its final state.
        expect(snapshotSeq).toBeNull();
      }
    }
    // Sixteen steps of a few events each: at least one snapshot besides runWf's was taken on the way.
    expect(snapshots.size).toBeGreaterThan(1);
    const [final] = await db.select({ state: wfRuns.state, status: wfRuns.status }).from(wfRuns).where(and(eq(wfRuns.tenantId, 'default'), eq(wfRuns.id, run.id)));
    expect(final?.status).toBe('COMPLETED');
    expect(final?.state).toEqual(withoutThreadIndex(replay(await allEvents())!));
  });

  it('never carries the fan-out index, which a server of another version would leave stale', async () => {
    const run = await server.client.runWf({ wfSpecName: spec, variables: { n: 1 } });
    const db = server.app.services.db;
    const where = and(eq(wfRuns.tenantId, 'default'), eq(wfRuns.id, run.id));
    const [stored] = await db.select({ state: wfRuns.state }).from(wfRuns).where(where);
    expect(stored?.state.busyThreadRuns).toBeUndefined();
    // As an older server writes it back: the index copied through from a newer one's state, stale since.
    const stale = { ...stored!.state, busyThreadRuns: [], threadRuns: stored!.state.threadRuns.map((t) => ({ ...t, childThreadRunNumbers: [7], completedChildren: 3 })) };
    await db.update(wfRuns).set({ state: stale }).where(where);
    const read = await readWfRunState(db, 'default', run.id);
    expect(read?.state.busyThreadRuns).toBeUndefined();
    expect(read?.state.threadRuns.map((t) => [t.childThreadRunNumbers, t.completedChildren])).toEqual(read?.state.threadRuns.map(() => [undefined, undefined]));
  });
});

describe('a client given the bare server address', () => {
  it('talks to its /graphql endpoint', async () => {
    const bare = new GallopClient({ url: server.url });
    expect(bare.url).toBe(`${server.url}/graphql`);
    expect(await bare.wfRun(unique('no-such-run'))).toBeNull();
    expect(new GallopClient({ url: server.graphqlUrl }).url).toBe(server.graphqlUrl);
  });
});
