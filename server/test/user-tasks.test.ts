import { Workflow } from '@gallop/sdk';
import type { UserTaskRunInfo } from '@gallop/sdk';
import type { WfSpec } from '@gallop/engine';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { refusal, startTestServer, unique } from './harness.ts';

const server = await startTestServer(inject('databaseUrl'));
afterAll(() => server.close());
const { client } = server;

const expense = unique('expense');
const approval = unique('approval');
const deadline = unique('approval-deadline');
const finance = unique('finance');

const fields = [
  { name: 'approved', type: 'BOOL' as const, required: true },
  { name: 'amount', type: 'DOUBLE' as const },
  { name: 'comment', type: 'STR' as const, displayName: 'Comment' },
];

/** A WfSpec that asks `group` to review an expense and keeps the results in `decision`. */
function reviewSpec(name: string, group: string, build: (wf: Parameters<ConstructorParameters<typeof Workflow>[1]>[0]) => void = () => {}): WfSpec {
  return new Workflow(name, (wf) => {
    const decision = wf.declareJsonObj('decision');
    const review = wf.assignUserTask(expense, { userGroup: group }).withNotes('Check the receipt');
    decision.assign(review);
    build(wf);
  }).compile();
}

beforeAll(async () => {
  await client.putUserTaskDef({ name: expense, fields, description: 'Approve an expense' });
  await client.putWfSpec(reviewSpec(approval, finance));
  await client.putWfSpec(
    new Workflow(deadline, (wf) => {
      const review = wf.assignUserTask(expense, { userGroup: finance });
      wf.cancelUserTaskRunAfter(review, 1);
    }).compile(),
  );
});

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${what} never happened`);
}

/** Starts a WfRun of `spec` and returns it with the UserTaskRun it waits on. */
async function startReview(spec = approval): Promise<{ wfRunId: string; task: UserTaskRunInfo }> {
  const run = await client.runWf({ wfSpecName: spec });
  expect(run.status).toBe('RUNNING');
  const task = await client.userTaskRun(run.id, '0-1');
  if (!task) throw new Error(`WfRun ${run.id} has no UserTaskRun 0-1`);
  return { wfRunId: run.id, task };
}

describe('putUserTaskDef', () => {
  it('starts at version 0, keeps the version of an identical def and gives a changed one the next', async () => {
    const name = unique('form');
    const v0 = await client.putUserTaskDef({ name, fields: [{ name: 'ok', type: 'BOOL' }] });
    expect(v0).toMatchObject({ name, version: 0, fields: [{ name: 'ok', type: 'BOOL', required: false, displayName: null, description: null }] });
    expect(await client.putUserTaskDef({ name, fields: [{ name: 'ok', type: 'BOOL', required: false }] })).toEqual(v0);
    const v1 = await client.putUserTaskDef({ name, fields: [{ name: 'ok', type: 'BOOL', required: true }] });
    expect(v1.version).toBe(1);
    expect((await client.userTaskDef(name))?.version).toBe(1);
    expect(await client.userTaskDef(name, 0)).toEqual(v0);
    expect(await client.userTaskDef(name, 7)).toBeNull();
    const listed = await client.userTaskDefs({ first: 500 });
    expect(listed.items.filter((d) => d.name === name).map((d) => d.version)).toEqual([0, 1]);
  });

  it('refuses fields a form cannot hold, with their paths', async () => {
    const error = await refusal(
      client.putUserTaskDef({ name: 'bad_name', fields: [{ name: 'data', type: 'JSON_OBJ' }, { name: 'data', type: 'STR' }] }),
    );
    expect(error.code).toBe('ValidationError');
    expect(error.problems.map((p) => [p.at, p.code])).toEqual([
      ['name', 'INVALID_NAME'],
      ['fields[0].type', 'INVALID_TYPE'],
      ['fields[1].name', 'DUPLICATE_VARIABLE'],
    ]);
  });
});

describe('putWfSpec with USER_TASK nodes', () => {
  it('reports a UserTaskDef that is not registered, and a pinned version that does not exist', async () => {
    const missing = new Workflow(unique('missing'), (wf) => void wf.assignUserTask('no-such-form', { userId: 'ada' })).compile();
    const error = await refusal(client.putWfSpec(missing));
    expect(error.problems).toMatchObject([{ at: 'threadSpecs.entrypoint.nodes["1-no-such-form-USER_TASK"].userTaskDefName', code: 'UNKNOWN_USER_TASK_DEF' }]);
    const pinned = new Workflow(unique('pinned'), (wf) => void wf.assignUserTask(expense, { userId: 'ada', version: 9 })).compile();
    expect((await refusal(client.putWfSpec(pinned))).problems.map((p) => p.code)).toEqual(['UNKNOWN_USER_TASK_DEF']);
  });

  it('pins the newest UserTaskDef version, as LittleHorse does, so a later version reaches the WfSpec only when it is registered again', async () => {
    const form = unique('form');
    const name = unique('pinning');
    const spec = new Workflow(name, (wf) => void wf.assignUserTask(form, { userGroup: finance })).compile();
    const pins = async () => {
      const stored = (await client.wfSpec(name))?.spec as unknown as WfSpec;
      return Object.values(stored.threadSpecs.entrypoint?.nodes ?? {}).flatMap((n) => (n.type === 'USER_TASK' ? [n.userTaskDefVersion] : []));
    };
    await client.putUserTaskDef({ name: form, fields: [{ name: 'ok', type: 'BOOL', required: true }] });
    expect(await client.putWfSpec(spec)).toMatchObject({ majorVersion: 0, revision: 0 });
    expect(await pins()).toEqual([0]);
    // Unchanged, with the same newest version: the same WfSpec version.
    expect(await client.putWfSpec(spec)).toMatchObject({ majorVersion: 0, revision: 0 });

    await client.putUserTaskDef({ name: form, fields: [{ name: 'score', type: 'INT', required: true }] });
    expect((await startReview(name)).task.userTaskDefVersion).toBe(0);
    expect(await client.putWfSpec(spec)).toMatchObject({ majorVersion: 0, revision: 1 });
    expect(await pins()).toEqual([1]);
    expect((await startReview(name)).task.userTaskDefVersion).toBe(1);
  });
});

describe('UserTaskRuns on the server', () => {
  it('is found by its group, assigned, and completed with results that become the WfRun variable', async () => {
    const { wfRunId, task } = await startReview();
    expect(task).toMatchObject({ status: 'UNASSIGNED', userGroup: finance, userId: null, notes: 'Check the receipt', userTaskDefName: expense, userTaskDefVersion: 0, epoch: 1 });

    const inbox = await client.searchUserTaskRuns({ userGroup: finance, status: 'UNASSIGNED' }, { first: 500 });
    expect(inbox.items.map((t) => t.id)).toContain(`${wfRunId}/0-1`);

    const assigned = await client.assignUserTaskRun({ wfRunId, userTaskGuid: '0-1', userId: 'ada', userGroup: finance });
    expect(assigned).toMatchObject({ status: 'ASSIGNED', userId: 'ada', userGroup: finance, epoch: 2 });
    const mine = await client.searchUserTaskRuns({ userId: 'ada', status: 'ASSIGNED' }, { first: 500 });
    expect(mine.items.map((t) => t.id)).toContain(`${wfRunId}/0-1`);

    const results = { approved: true, amount: 42.5, comment: 'fine' };
    const done = await client.completeUserTaskRun({ wfRunId, userTaskGuid: '0-1', userId: 'ada', results });
    expect(done).toMatchObject({ status: 'DONE', userId: 'ada', results });
    expect(done.events.map((e) => [e.type, e.userId, e.cause])).toEqual([
      ['CREATED', null, null],
      ['ASSIGNED', 'ada', 'ASSIGN'],
      ['COMPLETED', 'ada', null],
    ]);

    const run = await client.wfRun(wfRunId);
    expect(run?.status).toBe('COMPLETED');
    expect(run?.variables.find((v) => v.name === 'decision')?.value).toEqual(results);
    const listed = await client.request<{ wfRun: { userTaskRuns: { userTaskGuid: string; status: string }[] } }>(
      'query($id: ID!) { wfRun(id: $id) { userTaskRuns { userTaskGuid status } } }',
      { id: wfRunId },
    );
    expect(listed.wfRun.userTaskRuns).toEqual([{ userTaskGuid: '0-1', status: 'DONE' }]);
  });

  it('refuses results that do not fit the UserTaskDef, naming each field, and keeps the task open', async () => {
    const { wfRunId } = await startReview();
    const error = await refusal(
      client.completeUserTaskRun({ wfRunId, userTaskGuid: '0-1', userId: 'ada', results: { amount: 'lots', colour: 'red' } }),
    );
    expect(error.code).toBe('ValidationError');
    expect(error.problems.map((p) => [p.at, p.code])).toEqual([
      ['input.results.amount', 'TYPE_MISMATCH'],
      ['input.results.colour', 'UNKNOWN_VARIABLE'],
      ['input.results.approved', 'MISSING_REQUIRED_VARIABLE'],
    ]);
    expect((await client.userTaskRun(wfRunId, '0-1'))?.status).toBe('UNASSIGNED');
  });

  it('saves progress as the results of the open task, refusing another holder\'s task unless told to ignore the claim', async () => {
    const { wfRunId } = await startReview();
    await client.assignUserTaskRun({ wfRunId, userTaskGuid: '0-1', userId: 'ada' });
    const saved = await client.saveUserTaskRunProgress({ wfRunId, userTaskGuid: '0-1', userId: 'ada', results: { amount: 12.5 } });
    expect(saved).toMatchObject({ status: 'ASSIGNED', userId: 'ada', results: { amount: 12.5 } });
    expect(saved.events.at(-1)).toMatchObject({ type: 'SAVED', userId: 'ada', results: { amount: 12.5 } });

    const claimed = await refusal(client.saveUserTaskRunProgress({ wfRunId, userTaskGuid: '0-1', userId: 'bob', results: { comment: 'mine' } }));
    expect(claimed.code).toBe('UserTaskRunClaimedError');
    const anyway = await client.saveUserTaskRunProgress({ wfRunId, userTaskGuid: '0-1', userId: 'bob', results: { comment: 'mine' }, policy: 'IGNORE_CLAIM' });
    expect(anyway.results).toEqual({ comment: 'mine' });
    const invalid = await refusal(client.saveUserTaskRunProgress({ wfRunId, userTaskGuid: '0-1', userId: 'ada', results: { amount: 'lots' } }));
    expect(invalid.problems.map((p) => [p.at, p.code])).toEqual([['input.results.amount', 'TYPE_MISMATCH']]);
    // Saving moves nothing on: the WfRun waits for the completion, whose results go over the saved ones.
    expect((await client.wfRun(wfRunId))?.status).toBe('RUNNING');
    const done = await client.completeUserTaskRun({ wfRunId, userTaskGuid: '0-1', userId: 'ada', results: { approved: false } });
    expect(done.results).toEqual({ comment: 'mine', approved: false });
    const late = await refusal(client.saveUserTaskRunProgress({ wfRunId, userTaskGuid: '0-1', userId: 'ada', results: {} }));
    expect(late.code).toBe('UserTaskRunEndedError');
  });

  it('keeps comments by id, edited and deleted, with their history, and refuses blank ones and unknown ids', async () => {
    const { wfRunId } = await startReview();
    const at = { wfRunId, userTaskGuid: '0-1' };
    await client.putUserTaskRunComment({ ...at, userId: 'ada', comment: 'Receipt missing' });
    const second = await client.putUserTaskRunComment({ ...at, userId: 'bob', comment: 'Asked for it' });
    expect(second.comments.map((c) => [c.id, c.userId, c.comment])).toEqual([
      [1, 'ada', 'Receipt missing'],
      [2, 'bob', 'Asked for it'],
    ]);
    const edited = await client.editUserTaskRunComment({ ...at, userCommentId: 1, userId: 'ada', comment: 'Receipt attached' });
    expect(edited.comments[0]).toMatchObject({ id: 1, comment: 'Receipt attached', editedBy: 'ada', editedAt: expect.any(String) as unknown });
    const deleted = await client.deleteUserTaskRunComment({ ...at, userCommentId: 2, userId: 'bob' });
    expect(deleted.comments.map((c) => c.id)).toEqual([1]);
    expect(deleted.events.slice(1).map((e) => [e.type, e.userCommentId, e.comment])).toEqual([
      ['COMMENTED', 1, 'Receipt missing'],
      ['COMMENTED', 2, 'Asked for it'],
      ['COMMENT_EDITED', 1, 'Receipt attached'],
      ['COMMENT_DELETED', 2, null],
    ]);

    const blank = await refusal(client.putUserTaskRunComment({ ...at, userId: 'ada', comment: ' ' }));
    expect(blank.code).toBe('ValidationError');
    expect(blank.problems.map((p) => p.at)).toEqual(['input.comment']);
    expect((await refusal(client.editUserTaskRunComment({ ...at, userCommentId: 2, userId: 'ada', comment: 'again' }))).message).toContain('(deleted)');
    expect((await refusal(client.deleteUserTaskRunComment({ ...at, userCommentId: 9, userId: 'ada' }))).code).toBe('NotFoundError');
    // Comments ride on the WfRun's own log, so the WfRun's events carry them too.
    const log = await client.request<{ wfRun: { events: { type: string }[] } }>('query($id: ID!) { wfRun(id: $id) { events { type } } }', { id: wfRunId });
    expect(log.wfRun.events.map((e) => e.type).filter((t) => t.startsWith('UserTaskRunComment'))).toEqual([
      'UserTaskRunCommented',
      'UserTaskRunCommented',
      'UserTaskRunCommentEdited',
      'UserTaskRunCommentDeleted',
    ]);
  });

  it('takes comments, edits and deletes on a task that is done, after its WfRun has completed, as LittleHorse does', async () => {
    const { wfRunId } = await startReview();
    const at = { wfRunId, userTaskGuid: '0-1' };
    await client.completeUserTaskRun({ ...at, userId: 'ada', results: { approved: true } });
    expect((await client.wfRun(wfRunId))?.status).toBe('COMPLETED');
    const commented = await client.putUserTaskRunComment({ ...at, userId: 'bob', comment: 'Paid on 3 May' });
    expect(commented).toMatchObject({ status: 'DONE', userId: 'ada' });
    expect(commented.comments.map((c) => [c.id, c.userId, c.comment])).toEqual([[1, 'bob', 'Paid on 3 May']]);
    const edited = await client.editUserTaskRunComment({ ...at, userCommentId: 1, userId: 'bob', comment: 'Paid on 4 May' });
    expect(edited.comments.map((c) => c.comment)).toEqual(['Paid on 4 May']);
    expect((await client.deleteUserTaskRunComment({ ...at, userCommentId: 1, userId: 'bob' })).comments).toEqual([]);
    expect((await client.wfRun(wfRunId))?.status).toBe('COMPLETED');
    // A comment changes nothing else: the task stays done.
    expect((await refusal(client.cancelUserTaskRun(at))).code).toBe('UserTaskRunEndedError');
  });

  it('refuses to take a task from the user who holds it unless the claim is overridden', async () => {
    const { wfRunId } = await startReview();
    await client.assignUserTaskRun({ wfRunId, userTaskGuid: '0-1', userId: 'ada' });
    const error = await refusal(client.assignUserTaskRun({ wfRunId, userTaskGuid: '0-1', userId: 'bob' }));
    expect(error.code).toBe('UserTaskRunClaimedError');
    expect(error.details).toEqual({ wfRunId, userTaskGuid: '0-1', userId: 'ada' });
    const taken = await client.assignUserTaskRun({ wfRunId, userTaskGuid: '0-1', userId: 'bob', overrideClaim: true });
    expect(taken).toMatchObject({ userId: 'bob', userGroup: null, status: 'ASSIGNED' });
  });

  it('hands the task to whoever completes it when someone else held it', async () => {
    const { wfRunId } = await startReview();
    await client.assignUserTaskRun({ wfRunId, userTaskGuid: '0-1', userId: 'ada', userGroup: finance });
    const done = await client.completeUserTaskRun({ wfRunId, userTaskGuid: '0-1', userId: 'cy', results: { approved: false } });
    expect(done).toMatchObject({ userId: 'cy', userGroup: finance, status: 'DONE' });
    expect(done.events.map((e) => e.cause)).toEqual([null, 'ASSIGN', 'COMPLETE', null]);
  });

  it('refuses an assignment with neither a user nor a group, and a blank user', async () => {
    const { wfRunId } = await startReview();
    expect((await refusal(client.assignUserTaskRun({ wfRunId, userTaskGuid: '0-1' }))).problems.map((p) => p.at)).toEqual(['input']);
    expect((await refusal(client.assignUserTaskRun({ wfRunId, userTaskGuid: '0-1', userId: ' ' }))).problems.map((p) => p.at)).toEqual(['input.userId']);
  });

  it('fails the WfRun with USER_TASK_CANCELLED when the task is cancelled, and refuses commands on it after', async () => {
    const { wfRunId } = await startReview();
    const cancelled = await client.cancelUserTaskRun({ wfRunId, userTaskGuid: '0-1' });
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.events.at(-1)).toMatchObject({ type: 'CANCELLED', cause: 'CANCEL' });
    const run = await client.wfRun(wfRunId);
    expect(run?.status).toBe('ERROR');
    expect(run?.errorMessage).toMatch(/^USER_TASK_CANCELLED: /);

    const again = await refusal(client.completeUserTaskRun({ wfRunId, userTaskGuid: '0-1', userId: 'ada', results: { approved: true } }));
    expect(again.code).toBe('UserTaskRunEndedError');
    expect(again.details).toEqual({ wfRunId, userTaskGuid: '0-1', status: 'CANCELLED' });
    expect((await refusal(client.cancelUserTaskRun({ wfRunId, userTaskGuid: '0-1' }))).code).toBe('UserTaskRunEndedError');
    // Comments are the exception: LittleHorse takes them on an ended task.
    const commented = await client.putUserTaskRunComment({ wfRunId, userTaskGuid: '0-1', userId: 'ada', comment: 'Withdrawn by the employee' });
    expect(commented).toMatchObject({ status: 'CANCELLED', comments: [{ id: 1, comment: 'Withdrawn by the employee' }] });
  });

  it('says which UserTaskRun or WfRun does not exist', async () => {
    const { wfRunId } = await startReview();
    const guid = await refusal(client.cancelUserTaskRun({ wfRunId, userTaskGuid: '0-9' }));
    expect([guid.code, guid.message]).toEqual(['NotFoundError', `UserTaskRun ${wfRunId}/0-9 does not exist.`]);
    // 0-0 is the ENTRYPOINT NodeRun: a place the thread has passed, but never a UserTaskRun.
    expect((await refusal(client.cancelUserTaskRun({ wfRunId, userTaskGuid: '0-0' }))).code).toBe('NotFoundError');
    const run = await refusal(client.assignUserTaskRun({ wfRunId: 'no-such-run', userTaskGuid: '0-1', userId: 'ada' }));
    expect([run.code, run.message]).toEqual(['NotFoundError', 'WfRun no-such-run does not exist.']);
    expect(await client.userTaskRun(wfRunId, '0-9')).toBeNull();
  });

  it('cancels the task at its deadline through the scheduler, failing the WfRun', async () => {
    const { wfRunId } = await startReview(deadline);
    const run = await waitFor('the deadline', () => client.wfRun(wfRunId), (r) => r?.status === 'ERROR');
    expect(run?.errorMessage).toMatch(/^USER_TASK_CANCELLED: /);
    const task = await client.userTaskRun(wfRunId, '0-1');
    expect(task?.status).toBe('CANCELLED');
    expect(task?.events.at(-1)).toMatchObject({ type: 'CANCELLED', cause: 'ACTION' });
  });

  it('pages through a search newest first', async () => {
    const group = unique('pager');
    const spec = unique('paged');
    await client.putWfSpec(reviewSpec(spec, group));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await startReview(spec)).wfRunId);
    const first = await client.searchUserTaskRuns({ userGroup: group }, { first: 2 });
    expect(first.hasNextPage).toBe(true);
    const rest = await client.searchUserTaskRuns({ userGroup: group }, { first: 2, after: first.endCursor ?? undefined });
    expect(rest.hasNextPage).toBe(false);
    const found = [...first.items, ...rest.items].map((t) => t.wfRunId);
    expect(new Set(found)).toEqual(new Set(ids));
    expect(found).toHaveLength(3);
    const times = [...first.items, ...rest.items].map((t) => Date.parse(t.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});

describe('UserTaskDef versions while WfRuns wait', () => {
  it('checks a completion against the version its task was created with, and starts new tasks on the version pinned', async () => {
    const form = unique('form');
    const group = unique('group');
    const spec = unique('versioned');
    const pinned = unique('pinned');
    const versioned = new Workflow(spec, (wf) => void wf.assignUserTask(form, { userGroup: group })).compile();
    await client.putUserTaskDef({ name: form, fields: [{ name: 'ok', type: 'BOOL', required: true }] });
    await client.putWfSpec(versioned);
    const { wfRunId: old } = await startReview(spec);

    await client.putUserTaskDef({ name: form, fields: [{ name: 'score', type: 'INT', required: true }] });
    // Registered again, the WfSpec pins the new version in a new revision; the old WfRun stays on revision 0.
    await client.putWfSpec(versioned);
    await client.putWfSpec(new Workflow(pinned, (wf) => void wf.assignUserTask(form, { userGroup: group, version: 0 })).compile());
    const { task: fresh } = await startReview(spec);
    expect(fresh.userTaskDefVersion).toBe(1);
    const { task: kept } = await startReview(pinned);
    expect(kept.userTaskDefVersion).toBe(0);

    const done = await client.completeUserTaskRun({ wfRunId: old, userTaskGuid: '0-1', userId: 'ada', results: { ok: true } });
    expect(done).toMatchObject({ status: 'DONE', userTaskDefVersion: 0 });
    expect((await client.wfRun(old))?.status).toBe('COMPLETED');
    const form0 = await client.request<{ userTaskRun: { userTaskDef: { version: number; fields: { name: string }[] } } }>(
      'query($w: ID!) { userTaskRun(wfRunId: $w, userTaskGuid: "0-1") { userTaskDef { version fields { name } } } }',
      { w: old },
    );
    expect(form0.userTaskRun.userTaskDef).toEqual({ version: 0, fields: [{ name: 'ok' }] });
  });
});
