import { replay } from '@gallop/engine';
import type { WfRunEvent } from '@gallop/engine';
import { GallopClientError, Workflow } from '@gallop/sdk';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { listEvents } from '../src/store/queries/wf-runs.ts';
import { wfRunEvents, wfRuns } from '../src/store/schema.ts';
import { startTestServer, unique } from './harness.ts';

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
    expect(replay(events.map((e) => e.event as WfRunEvent))).toEqual(row?.state);
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
