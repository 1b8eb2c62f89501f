import { Workflow } from '@gallop/sdk';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { taskRuns, threadRuns, wfRunEvents, wfRuns } from '../src/store/schema.ts';
import { startTestServer, unique } from './harness.ts';

const server = await startTestServer(inject('databaseUrl'));
afterAll(() => server.close());
const db = server.app.services.db;

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? 0);
}

async function stateOf(id: string) {
  const [row] = await db.select({ state: wfRuns.state }).from(wfRuns).where(and(eq(wfRuns.tenantId, 'default'), eq(wfRuns.id, id)));
  return row?.state;
}

/** A TaskDef and a WfSpec that runs it `tasks` times in a row, each passing `n` on to the next. */
async function putTaskSpec(tasks = 1): Promise<{ task: string; spec: string }> {
  const task = unique('write-path-task');
  const spec = unique('write-path');
  await server.client.putTaskDef({ name: task, inputVars: [{ name: 'n', type: 'INT' }], returnType: 'INT' });
  await server.client.putWfSpec(
    new Workflow(spec, (wf) => {
      const n = wf.declareInt('n');
      for (let i = 0; i < tasks; i++) n.assign(wf.execute(task, n));
    }).compile(),
  );
  return { task, spec };
}

describe('handing TaskRuns to waiting claims', () => {
  it('gives a waiting claim the TaskRun its write schedules, already leased in the table', async () => {
    const { task, spec } = await putTaskSpec();
    const before = await metric('gallop_task_runs_handed_off_total');
    const claim = server.client.claimTaskRuns({ taskDefName: task, workerId: 'waiting-worker', max: 4, waitMs: 10_000, leaseMs: 30_000 });
    // The claim has looked at the empty queue and waits in memory before the WfRun starts.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const run = await server.client.runWf({ wfSpecName: spec, variables: { n: 20 } });
    const [claimed, ...more] = await claim;
    expect(more).toEqual([]);
    expect(claimed).toMatchObject({ wfRunId: run.id, attempt: 0, input: { n: 20 } });
    expect(await metric('gallop_task_runs_handed_off_total')).toBe(before + 1);

    const [row] = await db.select().from(taskRuns).where(and(eq(taskRuns.tenantId, 'default'), eq(taskRuns.wfRunId, run.id)));
    expect(row).toMatchObject({ status: 'TASK_RUNNING', workerId: 'waiting-worker' });
    expect(row?.leaseExpiresAt?.getTime()).toBeGreaterThan(Date.now() + 20_000);

    const report = await server.client.reportTaskRun({ taskRunId: claimed!.taskRunId, attempt: 0, outcome: { status: 'SUCCESS', output: 21 } });
    expect(report.accepted).toBe(true);
    expect((await server.client.wfRun(run.id))?.status).toBe('COMPLETED');
  });
});

describe('a claim waiting while many WfRuns start at once', () => {
  it('is handed TaskRuns from every write of the commit, up to its max, and the rest stay queued', async () => {
    const { task, spec } = await putTaskSpec();
    // One WfRun first, claimed away, so that every cache the commands read is warm and they decide in one turn.
    await server.client.runWf({ wfSpecName: spec, variables: { n: 0 } });
    expect(await server.client.claimTaskRuns({ taskDefName: task, workerId: 'burst-worker', waitMs: 2_000 })).toHaveLength(1);
    const before = await metric('gallop_task_runs_handed_off_total');
    const claim = server.client.claimTaskRuns({ taskDefName: task, workerId: 'burst-worker', max: 5, waitMs: 10_000, leaseMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const wfSpec = await server.app.services.metadata.wfSpec(db, 'default', { name: spec, majorVersion: 0, revision: 0 });
    const ids = Array.from({ length: 8 }, (_, i) => unique(`handed-${i}`));
    await Promise.all(ids.map((id, i) => server.app.services.execute('default', id, { type: 'RunWf', wfRunId: id, variables: { n: i }, externalEvents: [] }, wfSpec)));

    const claimed = await claim;
    expect(claimed).toHaveLength(5);
    expect(new Set(claimed.map((c) => c.wfRunId)).size).toBe(5);
    expect(claimed.every((c) => ids.includes(c.wfRunId))).toBe(true);
    expect(await metric('gallop_task_runs_handed_off_total')).toBe(before + 5);
    const rows = (await db.select({ wfRunId: taskRuns.wfRunId, status: taskRuns.status }).from(taskRuns).where(eq(taskRuns.taskDefName, task))).filter((r) => ids.includes(r.wfRunId));
    expect(rows.filter((r) => r.status === 'TASK_RUNNING').map((r) => r.wfRunId).sort()).toEqual(claimed.map((c) => c.wfRunId).sort());
    expect(rows.filter((r) => r.status === 'TASK_SCHEDULED')).toHaveLength(3);
    // The three left over are on the queue for the next claim.
    const rest = await server.client.claimTaskRuns({ taskDefName: task, workerId: 'burst-worker', max: 5, waitMs: 0 });
    expect(rest.map((c) => c.wfRunId).sort()).toEqual(ids.filter((id) => !claimed.some((c) => c.wfRunId === id)).sort());
  });
});

describe('the NodeRun of a claimed TaskRun', () => {
  const CLAIM = `mutation($input: ClaimTaskRunsInput!) {
    claimTaskRuns(input: $input) { ... on ClaimedTaskRuns { taskRuns { wfRunId threadRunNumber nodePosition } } }
  }`;
  type Claimed = { claimTaskRuns: { taskRuns: { wfRunId: string; threadRunNumber: number; nodePosition: number }[] } };

  it('comes with the claim, whether the TaskRun was handed over or taken from the queue', async () => {
    const { task, spec } = await putTaskSpec();
    const input = { taskDefName: task, workerId: 'node-run-worker', max: 1, waitMs: 10_000, leaseMs: 30_000 };
    const handed = server.client.request<Claimed>(CLAIM, { input });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const first = await server.client.runWf({ wfSpecName: spec, variables: { n: 1 } });
    const second = await server.client.runWf({ wfSpecName: spec, variables: { n: 2 } });
    const queued = await server.client.request<Claimed>(CLAIM, { input: { ...input, waitMs: 0 } });
    // The entrypoint thread's node 1 (0 is its ENTRYPOINT), as the WfRun's own NodeRuns say.
    const position = (await server.client.wfRun(first.id))?.nodeRuns.find((n) => n.nodeType === 'TASK')?.position;
    expect(position).toBe(1);
    expect([...(await handed).claimTaskRuns.taskRuns, ...queued.claimTaskRuns.taskRuns]).toEqual([
      { wfRunId: first.id, threadRunNumber: 0, nodePosition: position },
      { wfRunId: second.id, threadRunNumber: 0, nodePosition: position },
    ]);
  });
});

describe('a claim that carries reports', () => {
  it('applies them first and answers with the TaskRuns they schedule, each report answered on its own', async () => {
    const { task, spec } = await putTaskSpec(2);
    const run = await server.client.runWf({ wfSpecName: spec, variables: { n: 1 } });
    const [first] = await server.client.claimTaskRuns({ taskDefName: task, workerId: 'carrier', waitMs: 2_000 });
    expect(first?.wfRunId).toBe(run.id);
    const before = await metric('gallop_task_runs_handed_off_total');

    const answer = await server.client.reportAndClaimTaskRuns(
      [
        { taskRunId: first!.taskRunId, attempt: 0, outcome: { status: 'SUCCESS', output: 2 } },
        { taskRunId: `${run.id}/9-9`, attempt: 0, outcome: { status: 'SUCCESS', output: 0 } },
      ],
      { taskDefName: task, workerId: 'carrier', max: 3, waitMs: 2_000 },
    );
    expect(answer.reports.map((r) => [r.taskRunId, r.accepted, r.error])).toEqual([
      [first!.taskRunId, true, null],
      [`${run.id}/9-9`, false, 'NotFoundError'],
    ]);
    // The second task, scheduled by the first report, came back without a claim of its own.
    expect(answer.taskRuns.map((t) => [t.wfRunId, t.input])).toEqual([[run.id, { n: 2 }]]);
    expect(await metric('gallop_task_runs_handed_off_total')).toBe(before + 1);
  });

  it('answers at once, empty, when its reports schedule nothing and the queue is empty, rather than long-poll', async () => {
    const { task, spec } = await putTaskSpec();
    const run = await server.client.runWf({ wfSpecName: spec, variables: { n: 1 } });
    const [claimed] = await server.client.claimTaskRuns({ taskDefName: task, workerId: 'last-report', waitMs: 2_000 });
    // The report ends the WfRun: nothing comes of it, and the claim would wait 60 s; the test gives up after 10.
    const answer = await server.client.reportAndClaimTaskRuns([{ taskRunId: claimed!.taskRunId, attempt: 0, outcome: { status: 'SUCCESS', output: 2 } }], {
      taskDefName: task,
      workerId: 'last-report',
      max: 4,
      waitMs: 60_000,
    });
    expect(answer).toEqual({ reports: [{ taskRunId: claimed!.taskRunId, accepted: true, reason: null, error: null }], taskRuns: [] });
    expect((await server.client.wfRun(run.id))?.status).toBe('COMPLETED');
  }, 10_000);
});

describe('a claim whose reports schedule fewer TaskRuns than it asks for', () => {
  it('answers with what the reports scheduled and tops up from the queue, leasing each TaskRun once', async () => {
    const { task, spec } = await putTaskSpec(2);
    const first = await server.client.runWf({ wfSpecName: spec, variables: { n: 1 } });
    const [claimed] = await server.client.claimTaskRuns({ taskDefName: task, workerId: 'topper', waitMs: 2_000 });
    expect(claimed?.wfRunId).toBe(first.id);
    const others = [await server.client.runWf({ wfSpecName: spec, variables: { n: 10 } }), await server.client.runWf({ wfSpecName: spec, variables: { n: 20 } })];

    const answer = await server.client.reportAndClaimTaskRuns([{ taskRunId: claimed!.taskRunId, attempt: 0, outcome: { status: 'SUCCESS', output: 2 } }], {
      taskDefName: task,
      workerId: 'topper',
      max: 3,
      waitMs: 2_000,
    });
    expect(answer.reports.map((r) => r.accepted)).toEqual([true]);
    // The first WfRun's second task, handed over by the report's write, and both others' first tasks from the queue.
    expect(answer.taskRuns.map((t) => [t.wfRunId, t.input]).sort()).toEqual([[first.id, { n: 2 }], [others[0]!.id, { n: 10 }], [others[1]!.id, { n: 20 }]].sort());
    const leased = await db.select({ wfRunId: taskRuns.wfRunId }).from(taskRuns).where(and(eq(taskRuns.taskDefName, task), eq(taskRuns.status, 'TASK_RUNNING')));
    expect(leased).toHaveLength(3);
    expect(await server.client.claimTaskRuns({ taskDefName: task, workerId: 'topper', max: 3, waitMs: 0 })).toEqual([]);
  });
});

describe('group commit', () => {
  it('writes the reports of one request in one statement', async () => {
    const { task, spec } = await putTaskSpec();
    const runs = await Promise.all(Array.from({ length: 6 }, (_, i) => server.client.runWf({ wfSpecName: spec, variables: { n: i } })));
    const claimed = await server.client.claimTaskRuns({ taskDefName: task, workerId: 'one-statement', max: 6, waitMs: 2_000 });
    expect(claimed).toHaveLength(6);
    const batchSum = await metric('gallop_write_batch_commands_sum');
    const batchCount = await metric('gallop_write_batch_commands_count');

    const answers = await server.client.reportTaskRuns(claimed.map((c) => ({ taskRunId: c.taskRunId, attempt: 0, outcome: { status: 'SUCCESS' as const, output: 1 } })));
    expect(answers.map((a) => a.accepted)).toEqual(Array(6).fill(true));
    expect((await metric('gallop_write_batch_commands_count')) - batchCount).toBe(1);
    expect((await metric('gallop_write_batch_commands_sum')) - batchSum).toBe(6);
    for (const run of runs) expect((await server.client.wfRun(run.id))?.status).toBe('COMPLETED');
    // The log numbers each command's events on from its first seq, and takes each row's type and time from its event.
    for (const run of runs) {
      const rows = await db.select().from(wfRunEvents).where(and(eq(wfRunEvents.tenantId, 'default'), eq(wfRunEvents.wfRunId, run.id))).orderBy(asc(wfRunEvents.seq));
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, k) => k + 1));
      expect(rows.map((r) => r.type)).toEqual(rows.map((r) => r.event.type));
      expect(rows.map((r) => r.time.getTime())).toEqual(rows.map((r) => r.event.time));
      expect(rows.map((r) => r.type).slice(-2)).toEqual(['ThreadRunCompleted', 'WfRunCompleted']);
    }
  });

  it('writes many WfRuns started at once in shared statements, and fails only the one whose id is taken', async () => {
    const { spec } = await putTaskSpec();
    const taken = unique('taken');
    await server.client.runWf({ wfSpecName: spec, id: taken, variables: { n: 0 } });
    const batchSum = await metric('gallop_write_batch_commands_sum');
    const batchCount = await metric('gallop_write_batch_commands_count');

    // Straight to the command path, so that all 40 are queued before the first statements return.
    const wfSpec = await server.app.services.metadata.wfSpec(db, 'default', { name: spec, majorVersion: 0, revision: 0 });
    const ids = Array.from({ length: 40 }, (_, i) => (i === 17 ? taken : unique(`burst-${i}`)));
    const outcomes = await Promise.all(
      ids.map((id, i) => server.app.services.execute('default', id, { type: 'RunWf', wfRunId: id, variables: { n: i }, externalEvents: [] }, wfSpec)),
    );
    expect(outcomes.flatMap((o, i) => (o.ok ? [] : [[i, o.rejection.code]]))).toEqual([[17, 'WF_RUN_ALREADY_EXISTS']]);

    // More commands than statements: some statements carried several WfRuns.
    const statements = (await metric('gallop_write_batch_commands_count')) - batchCount;
    const commands = (await metric('gallop_write_batch_commands_sum')) - batchSum;
    expect(commands).toBeGreaterThan(statements);
    for (const [i, id] of ids.entries()) {
      if (i === 17) continue;
      const events = await db.select({ seq: wfRunEvents.seq }).from(wfRunEvents).where(and(eq(wfRunEvents.tenantId, 'default'), eq(wfRunEvents.wfRunId, id))).orderBy(asc(wfRunEvents.seq));
      expect(events.length).toBeGreaterThan(0);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, k) => k + 1));
      expect((await stateOf(id))?.threadRuns[0]?.variables).toEqual({ n: i });
    }
    // The taken WfRun was not touched.
    expect((await stateOf(taken))?.threadRuns[0]?.variables).toEqual({ n: 0 });
  });
});

describe('thread_runs', () => {
  it('holds a row per ThreadRun as it stands, and loses them with the WfRun', async () => {
    const spec = unique('threads');
    await server.client.putWfSpec(
      new Workflow(spec, (wf) => {
        const child = wf.spawnThread('child', (thread) => thread.sleepSeconds(0));
        wf.waitForThreads(child);
        wf.fail('GAVE_UP', 'the parent gives up after its child');
      }).compile(),
    );
    const run = await server.client.runWf({ wfSpecName: spec });
    const deadline = Date.now() + 10_000;
    while ((await server.client.wfRun(run.id))?.status === 'RUNNING' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    const rows = await db.select().from(threadRuns).where(and(eq(threadRuns.tenantId, 'default'), eq(threadRuns.wfRunId, run.id))).orderBy(asc(threadRuns.number));
    expect(rows.map((r) => [r.number, r.threadSpecName, r.kind, r.status, r.parentThreadRunNumber])).toEqual([
      [0, 'entrypoint', 'ENTRYPOINT', 'EXCEPTION', null],
      [1, 'child', 'CHILD', 'COMPLETED', 0],
    ]);
    expect(rows[0]?.failure).toMatchObject({ name: 'GAVE_UP' });
    expect(rows.every((r) => r.endTime !== null)).toBe(true);

    await server.client.deleteWfRun(run.id);
    expect(await db.select().from(threadRuns).where(and(eq(threadRuns.tenantId, 'default'), eq(threadRuns.wfRunId, run.id)))).toEqual([]);
  });
});
