import { USER_TASK_RUN_STATUSES, validateUserTaskDef } from '@gallop/engine';
import type { Command, JsonValue, Problem, Rejection, UserTaskDef, UserTaskField } from '@gallop/engine';
import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { builder } from '../builder.ts';
import { sizeProblem, valueSizeProblems } from '../limits.ts';
import { taskRunId } from './task-run.ts';
import type { Context } from '../builder.ts';
import { GallopError } from '../errors.ts';
import { findWfRun } from '../../store/queries/wf-runs.ts';
import { deleteUserTaskDef, findUserTaskDef, findUserTaskRun, highestUserTaskDefVersion, insertUserTaskDef, listUserTaskDefs, listUserTaskRunsOf, searchUserTaskRuns } from '../../store/queries/user-tasks.ts';
import type { UserTaskDefRow, UserTaskRunRow } from '../../store/queries/user-tasks.ts';
import type { UserTaskRunHistoryEntry } from '../../store/schema.ts';
import { decodeCursor, encodeCursor, ErrorInterface, NotFoundError, checkedPageArgs, ValidationError, VariableTypeEnum, resolveCursorPage } from './common.ts';
import { NodeRunRef, WfRunRef } from './wf-run.ts';

/** The UserTaskRun is DONE or CANCELLED: nothing can change it any more. */
export class UserTaskRunEndedError extends GallopError {
  override readonly name = 'UserTaskRunEndedError';
  constructor(
    message: string,
    readonly wfRunId: string,
    readonly userTaskGuid: string,
    readonly status: string,
  ) {
    super(message);
  }
}

/** A user holds the UserTaskRun, and the assignment did not ask to override the claim (LittleHorse's FAILED_PRECONDITION). */
export class UserTaskRunClaimedError extends GallopError {
  override readonly name = 'UserTaskRunClaimedError';
  constructor(
    message: string,
    readonly wfRunId: string,
    readonly userTaskGuid: string,
    readonly userId: string | null,
  ) {
    super(message);
  }
}

const UserTaskRunStatusEnum = builder.enumType('UserTaskRunStatus', { values: USER_TASK_RUN_STATUSES });

builder.objectType(UserTaskRunEndedError, {
  name: 'UserTaskRunEndedError',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    wfRunId: t.exposeID('wfRunId'),
    userTaskGuid: t.exposeString('userTaskGuid'),
    status: t.field({ type: UserTaskRunStatusEnum, description: 'DONE or CANCELLED.', resolve: (e) => e.status as typeof UserTaskRunStatusEnum.$inferType }),
  }),
});

builder.objectType(UserTaskRunClaimedError, {
  name: 'UserTaskRunClaimedError',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    wfRunId: t.exposeID('wfRunId'),
    userTaskGuid: t.exposeString('userTaskGuid'),
    userId: t.string({ nullable: true, description: 'The user who holds the task.', resolve: (e) => e.userId }),
  }),
});

const UserTaskFieldRef = builder.objectRef<UserTaskField>('UserTaskField').implement({
  description: 'One field of the form a person fills in to complete a UserTaskRun.',
  fields: (t) => ({
    name: t.exposeString('name'),
    type: t.field({ type: VariableTypeEnum, resolve: (f) => f.type }),
    displayName: t.string({ nullable: true, resolve: (f) => f.displayName ?? null }),
    description: t.string({ nullable: true, resolve: (f) => f.description ?? null }),
    required: t.boolean({ resolve: (f) => f.required ?? false }),
  }),
});

export const UserTaskDefRef = builder.objectRef<UserTaskDefRow>('UserTaskDef').implement({
  description: 'The form of a task a person does; versioned from 0.',
  fields: (t) => ({
    name: t.exposeString('name'),
    version: t.exposeInt('version'),
    fields: t.field({ type: [UserTaskFieldRef], resolve: (row) => row.def.fields }),
    description: t.string({ nullable: true, resolve: (row) => row.def.description ?? null }),
    createdAt: t.field({ type: 'DateTime', resolve: (row) => row.createdAt }),
  }),
});

const UserTaskEventTypeEnum = builder.enumType('UserTaskEventType', {
  values: ['CREATED', 'ASSIGNED', 'COMPLETED', 'CANCELLED', 'SAVED', 'COMMENTED', 'COMMENT_EDITED', 'COMMENT_DELETED', 'TASK_EXECUTED'] as const,
});

const UserTaskEventRef = builder.objectRef<UserTaskRunHistoryEntry>('UserTaskEvent').implement({
  description: "One change in a UserTaskRun's history.",
  fields: (t) => ({
    type: t.field({ type: UserTaskEventTypeEnum, resolve: (e) => e.type }),
    time: t.field({ type: 'DateTime', resolve: (e) => e.time }),
    userId: t.string({
      nullable: true,
      description: 'Who holds the task after it; for COMPLETED, SAVED and the COMMENT ones, who did it.',
      resolve: (e) => e.userId ?? null,
    }),
    userGroup: t.string({ nullable: true, resolve: (e) => e.userGroup ?? null }),
    epoch: t.int({ nullable: true, description: 'The count of assignments after it, creation included.', resolve: (e) => e.epoch ?? null }),
    cause: t.string({
      nullable: true,
      description: 'ASSIGN, ACTION or COMPLETE for ASSIGNED; CANCEL, ACTION, THREAD_HALTED or NODE_FAILED for CANCELLED.',
      resolve: (e) => e.cause ?? null,
    }),
    results: t.field({ type: 'JSON', nullable: true, description: 'For SAVED: the results kept.', resolve: (e) => e.results ?? null }),
    userCommentId: t.int({ nullable: true, description: 'For the COMMENT ones: which comment.', resolve: (e) => e.userCommentId ?? null }),
    comment: t.string({ nullable: true, description: 'For COMMENTED and COMMENT_EDITED: its text.', resolve: (e) => e.comment ?? null }),
    taskGuid: t.string({
      nullable: true,
      description: 'For TASK_EXECUTED: the TaskRun an action of the task scheduled (a reminder), whose id is `{wfRunId}/{taskGuid}` (LittleHorse UTETaskExecuted).',
      resolve: (e) => e.taskGuid ?? null,
    }),
  }),
});

interface UserTaskRunComment {
  readonly id: number;
  readonly userId: string;
  readonly comment: string;
  readonly createdAt: string;
  readonly editedAt: string | null;
  readonly editedBy: string | null;
}

/** The comments of a history that were not deleted, each with its latest text, oldest first. */
function commentsOf(events: readonly UserTaskRunHistoryEntry[]): UserTaskRunComment[] {
  const comments = new Map<number, UserTaskRunComment>();
  for (const e of events) {
    if (e.userCommentId === undefined) continue;
    const before = comments.get(e.userCommentId);
    if (e.type === 'COMMENTED') {
      comments.set(e.userCommentId, { id: e.userCommentId, userId: e.userId ?? '', comment: e.comment ?? '', createdAt: e.time, editedAt: null, editedBy: null });
    } else if (e.type === 'COMMENT_EDITED' && before) {
      comments.set(e.userCommentId, { ...before, comment: e.comment ?? '', editedAt: e.time, editedBy: e.userId ?? null });
    } else if (e.type === 'COMMENT_DELETED') {
      comments.delete(e.userCommentId);
    }
  }
  return [...comments.values()];
}

const UserTaskRunCommentRef = builder.objectRef<UserTaskRunComment>('UserTaskRunComment').implement({
  description: 'A comment on a UserTaskRun, as it reads now.',
  fields: (t) => ({
    id: t.exposeInt('id', { description: 'Numbered from 1 within the UserTaskRun.' }),
    userId: t.exposeString('userId', { description: 'Who wrote it.' }),
    comment: t.exposeString('comment'),
    createdAt: t.field({ type: 'DateTime', resolve: (c) => c.createdAt }),
    editedAt: t.field({ type: 'DateTime', nullable: true, resolve: (c) => c.editedAt }),
    editedBy: t.string({ nullable: true, resolve: (c) => c.editedBy }),
  }),
});

/** A UserTaskRun's id joins its WfRun's id and its guid, as a TaskRun's does. */
function userTaskRunId(row: UserTaskRunRow): string {
  return taskRunId(row.wfRunId, row.userTaskGuid);
}

export const UserTaskRunRef = builder.objectRef<UserTaskRunRow>('UserTaskRun').implement({
  description: 'A task of a USER_TASK node that a person does: assigned to a user, a group, or a user within a group.',
  fields: (t) => ({
    id: t.id({ resolve: userTaskRunId }),
    wfRunId: t.exposeID('wfRunId'),
    userTaskGuid: t.exposeString('userTaskGuid'),
    userTaskDefName: t.exposeString('userTaskDefName'),
    userTaskDefVersion: t.exposeInt('userTaskDefVersion'),
    userTaskDef: t.field({
      type: UserTaskDefRef,
      description: 'The form to fill in: the version the task was created with.',
      resolve: async (run, _args, { services, tenantId }) => {
        const row = await findUserTaskDef(services.db, tenantId, run.userTaskDefName, run.userTaskDefVersion, { includeDeleted: true });
        if (!row) throw new Error(`UserTaskRun ${userTaskRunId(run)} names a UserTaskDef version that is gone`);
        return row;
      },
    }),
    threadRunNumber: t.exposeInt('threadRunNumber'),
    nodeRunPosition: t.exposeInt('nodeRunPosition'),
    status: t.field({ type: UserTaskRunStatusEnum, resolve: (r) => r.status as typeof UserTaskRunStatusEnum.$inferType }),
    userId: t.string({ nullable: true, resolve: (r) => r.userId }),
    userGroup: t.string({ nullable: true, resolve: (r) => r.userGroup }),
    notes: t.string({ nullable: true, resolve: (r) => r.notes }),
    results: t.field({
      type: 'JSON',
      nullable: true,
      description: 'What the person entered, by field: the progress last saved while open, what completed it once DONE.',
      resolve: (r) => r.results,
    }),
    comments: t.field({ type: [UserTaskRunCommentRef], description: 'Its comments that were not deleted, oldest first.', resolve: (r) => commentsOf(r.events) }),
    epoch: t.int({ description: 'How many times it was assigned, creation included.', resolve: (r) => r.epoch }),
    events: t.field({ type: [UserTaskEventRef], description: 'Its history, oldest first.', resolve: (r) => r.events }),
    createdAt: t.field({ type: 'DateTime', resolve: (r) => r.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (r) => r.updatedAt }),
    wfRun: t.field({ type: WfRunRef, nullable: true, resolve: async (r, _args, { services, tenantId }) => (await findWfRun(services.db, tenantId, r.wfRunId)) ?? null }),
  }),
});

builder.objectField(WfRunRef, 'userTaskRuns', (t) =>
  t.field({
    type: [UserTaskRunRef],
    description: 'Its UserTaskRuns, in the order they were created (LittleHorse: ListUserTaskRuns).',
    resolve: (run, _args, { services, tenantId }) => listUserTaskRunsOf(services.db, tenantId, run.id),
  }),
);

builder.objectField(NodeRunRef, 'userTaskRun', (t) =>
  t.field({
    type: UserTaskRunRef,
    nullable: true,
    description: 'For a USER_TASK NodeRun, its UserTaskRun: which UserTaskDef, and who holds it now.',
    // Read with the NodeRuns, a query for the whole page (wf-run.ts).
    resolve: (nodeRun) => nodeRun.userTaskRun,
  }),
);

const UserTaskFieldInput = builder.inputType('UserTaskFieldInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    type: t.field({ type: VariableTypeEnum, required: true, description: 'STR, INT, DOUBLE or BOOL.' }),
    displayName: t.string(),
    description: t.string(),
    required: t.boolean({ description: 'A completion must give a (non-null) value for it.' }),
  }),
});

const PutUserTaskDefInput = builder.inputType('PutUserTaskDefInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    fields: t.field({ type: [UserTaskFieldInput], required: true }),
    description: t.string(),
  }),
});

const AssignUserTaskRunInput = builder.inputType('AssignUserTaskRunInput', {
  fields: (t) => ({
    wfRunId: t.id({ required: true }),
    userTaskGuid: t.string({ required: true }),
    userId: t.string({ description: 'The user to give it to; left out, the task has no user (UNASSIGNED in its group).' }),
    userGroup: t.string({ description: 'The group to give it to; left out, the task has no group.' }),
    overrideClaim: t.boolean({ defaultValue: false, description: 'Take the task from a user who holds it.' }),
  }),
});

const CompleteUserTaskRunInput = builder.inputType('CompleteUserTaskRunInput', {
  fields: (t) => ({
    wfRunId: t.id({ required: true }),
    userTaskGuid: t.string({ required: true }),
    userId: t.string({ required: true, description: 'Who did it; someone other than the holder takes the task over first.' }),
    results: t.field({ type: 'JSON', required: true, description: "Values by the UserTaskDef's field names." }),
  }),
});

const CancelUserTaskRunInput = builder.inputType('CancelUserTaskRunInput', {
  fields: (t) => ({ wfRunId: t.id({ required: true }), userTaskGuid: t.string({ required: true }) }),
});

const SavePolicyEnum = builder.enumType('SaveUserTaskRunAssignmentPolicy', {
  description: 'What a save does with a UserTaskRun another user holds (LittleHorse).',
  values: {
    FAIL_IF_CLAIMED_BY_OTHER: { description: 'Refuse it (UserTaskRunClaimedError).' },
    IGNORE_CLAIM: { description: 'Save anyway.' },
  } as const,
});

const SaveUserTaskRunProgressInput = builder.inputType('SaveUserTaskRunProgressInput', {
  fields: (t) => ({
    wfRunId: t.id({ required: true }),
    userTaskGuid: t.string({ required: true }),
    userId: t.string({ required: true, description: 'Who saves it.' }),
    results: t.field({ type: 'JSON', required: true, description: "Values by the UserTaskDef's field names; required ones may wait for completion." }),
    policy: t.field({ type: SavePolicyEnum, defaultValue: 'FAIL_IF_CLAIMED_BY_OTHER' }),
  }),
});

const PutUserTaskRunCommentInput = builder.inputType('PutUserTaskRunCommentInput', {
  fields: (t) => ({
    wfRunId: t.id({ required: true }),
    userTaskGuid: t.string({ required: true }),
    userId: t.string({ required: true, description: 'Who writes it.' }),
    comment: t.string({ required: true }),
  }),
});

const EditUserTaskRunCommentInput = builder.inputType('EditUserTaskRunCommentInput', {
  fields: (t) => ({
    wfRunId: t.id({ required: true }),
    userTaskGuid: t.string({ required: true }),
    userCommentId: t.int({ required: true }),
    userId: t.string({ required: true, description: 'Who edits it.' }),
    comment: t.string({ required: true }),
  }),
});

const DeleteUserTaskRunCommentInput = builder.inputType('DeleteUserTaskRunCommentInput', {
  fields: (t) => ({
    wfRunId: t.id({ required: true }),
    userTaskGuid: t.string({ required: true }),
    userCommentId: t.int({ required: true }),
    userId: t.string({ required: true, description: 'Who deletes it.' }),
  }),
});

builder.queryFields((t) => ({
  userTaskDef: t.field({
    type: UserTaskDefRef,
    nullable: true,
    description: 'One version of a UserTaskDef; the newest when no version is given.',
    args: { name: t.arg.string({ required: true }), version: t.arg.int() },
    resolve: async (_root, args, { services, tenantId }) => (await findUserTaskDef(services.db, tenantId, args.name, args.version)) ?? null,
  }),
  userTaskDefs: t.connection(
    {
      type: UserTaskDefRef,
      description: 'Every version of every UserTaskDef, or of those whose name starts with `prefix`, by name, then version.',
      args: { prefix: t.arg.string() },
      resolve: (_root, args, { services, tenantId }) =>
        resolveCursorPage(
          { args: checkedPageArgs(args), toCursor: (row: UserTaskDefRow) => encodeCursor('userTaskDefs', [row.name, row.version]), maxSize: 500 },
          ({ after, limit }: ResolveCursorConnectionArgs) => {
            const parts = after === undefined ? undefined : decodeCursor(after, 'userTaskDefs', 'si');
            return listUserTaskDefs(services.db, tenantId, parts && { name: String(parts[0]), version: Number(parts[1]) }, limit, args.prefix);
          },
        ),
    },
    { name: 'UserTaskDefConnection' },
    { name: 'UserTaskDefEdge' },
  ),
  userTaskRun: t.field({
    type: UserTaskRunRef,
    nullable: true,
    args: { wfRunId: t.arg.id({ required: true }), userTaskGuid: t.arg.string({ required: true }) },
    resolve: async (_root, args, { services, tenantId }) => (await findUserTaskRun(services.db, tenantId, String(args.wfRunId), args.userTaskGuid)) ?? null,
  }),
  userTaskRuns: t.connection(
    {
      type: UserTaskRunRef,
      description: "UserTaskRuns, newest first, matching every filter given (LittleHorse's SearchUserTaskRun).",
      args: {
        userId: t.arg.string(),
        userGroup: t.arg.string(),
        status: t.arg({ type: UserTaskRunStatusEnum }),
        userTaskDefName: t.arg.string(),
      },
      resolve: (_root, args, { services, tenantId }) =>
        resolveCursorPage(
          { args: checkedPageArgs(args), toCursor: (row: UserTaskRunRow) => encodeCursor('userTaskRuns', [row.createdAt.getTime(), row.wfRunId, row.userTaskGuid]), maxSize: 500 },
          ({ after, limit }: ResolveCursorConnectionArgs) => {
            const parts = after === undefined ? undefined : decodeCursor(after, 'userTaskRuns', 'tss');
            const cursor = parts && { createdAt: new Date(Number(parts[0])), wfRunId: String(parts[1]), userTaskGuid: String(parts[2]) };
            return searchUserTaskRuns(services.db, tenantId, args, cursor, limit);
          },
        ),
    },
    { name: 'UserTaskRunConnection' },
    { name: 'UserTaskRunEdge' },
  ),
}));

builder.mutationFields((t) => ({
  putUserTaskDef: t.field({
    type: UserTaskDefRef,
    description: 'Registers a UserTaskDef: version 0 at first, the same version for an identical def, the next version for a changed one.',
    errors: { types: [ValidationError], directResult: true, union: { name: 'PutUserTaskDefResult' } },
    args: { input: t.arg({ type: PutUserTaskDefInput, required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      const def = userTaskDefOf(input);
      const problems = validateUserTaskDef({ ...def, version: 0 });
      if (problems.length > 0) throw ValidationError.of(`UserTaskDef '${input.name}' is invalid`, problems);
      // Two registrations racing for the same next version: the loser reads the winner's and tries again.
      for (let attempt = 0; attempt < 5; attempt++) {
        const latest = await findUserTaskDef(services.db, tenantId, def.name);
        if (latest && sameUserTaskDef(latest.def, def)) return latest;
        // Past deleted versions too: a version's number always means one def.
        const highest = await highestUserTaskDefVersion(services.db, tenantId, def.name);
        const row = await insertUserTaskDef(services.db, tenantId, { ...def, version: highest === undefined ? 0 : highest + 1 });
        if (row) return row;
      }
      throw new Error(`Could not register UserTaskDef ${def.name}: its versions keep changing`);
    },
  }),
  deleteUserTaskDef: t.field({
    type: builder.objectRef<{ name: string; version: number }>('DeletedUserTaskDef').implement({
      fields: (f) => ({ name: f.exposeString('name'), version: f.exposeInt('version') }),
    }),
    description:
      'Deletes one version of a UserTaskDef: a USER_TASK node that would make a UserTaskRun of it fails with TASK_ERROR (putWfSpec pins the newest version into each USER_TASK node, so deleting the newest fails the new tasks of those WfSpecs until they are registered again; a node stored without a pin takes the newest left). UserTaskRuns already made with it can still be completed; its number is not given to another version.',
    errors: { types: [NotFoundError], directResult: true, union: { name: 'DeleteUserTaskDefResult' } },
    args: {
      input: t.arg({
        type: builder.inputType('DeleteUserTaskDefInput', { fields: (f) => ({ name: f.string({ required: true }), version: f.int({ required: true }) }) }),
        required: true,
      }),
    },
    resolve: async (_root, { input }, { services, tenantId }) => {
      if (!(await deleteUserTaskDef(services.db, tenantId, input.name, input.version, new Date(services.clock())))) {
        throw new NotFoundError('UserTaskDef', `${input.name} version ${input.version}`);
      }
      services.metadataDeleted(tenantId);
      return { name: input.name, version: input.version };
    },
  }),
  assignUserTaskRun: t.field({
    type: UserTaskRunRef,
    description: 'Gives an open UserTaskRun to a user, a group, or a user within a group; a task a user holds moves only with overrideClaim.',
    errors: {
      types: [ValidationError, NotFoundError, UserTaskRunEndedError, UserTaskRunClaimedError],
      directResult: true,
      union: { name: 'AssignUserTaskRunResult' },
    },
    args: { input: t.arg({ type: AssignUserTaskRunInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      userTaskCommand(ctx, String(input.wfRunId), input.userTaskGuid, {
        type: 'AssignUserTaskRun',
        userTaskGuid: input.userTaskGuid,
        userId: input.userId ?? null,
        userGroup: input.userGroup ?? null,
        overrideClaim: input.overrideClaim ?? false,
      }),
  }),
  completeUserTaskRun: t.field({
    type: UserTaskRunRef,
    description: "Completes an open UserTaskRun with results checked against its UserTaskDef's fields; they become the USER_TASK node's output.",
    errors: { types: [ValidationError, NotFoundError, UserTaskRunEndedError], directResult: true, union: { name: 'CompleteUserTaskRunResult' } },
    args: { input: t.arg({ type: CompleteUserTaskRunInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const tooLarge = valueSizeProblems(ctx.services.limits, ['input', 'results'], input.results as Readonly<Record<string, JsonValue>>);
      if (tooLarge.length > 0) throw ValidationError.of('completeUserTaskRun was given a value too large', tooLarge);
      return userTaskCommand(ctx, String(input.wfRunId), input.userTaskGuid, {
        type: 'CompleteUserTaskRun',
        userTaskGuid: input.userTaskGuid,
        userId: input.userId,
        results: input.results as Readonly<Record<string, JsonValue>>,
      });
    },
  }),
  cancelUserTaskRun: t.field({
    type: UserTaskRunRef,
    description: 'Cancels an open UserTaskRun; its node fails with USER_TASK_CANCELLED (or the exception the node names).',
    errors: { types: [NotFoundError, UserTaskRunEndedError], directResult: true, union: { name: 'CancelUserTaskRunResult' } },
    args: { input: t.arg({ type: CancelUserTaskRunInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      userTaskCommand(ctx, String(input.wfRunId), input.userTaskGuid, { type: 'CancelUserTaskRun', userTaskGuid: input.userTaskGuid }),
  }),
  saveUserTaskRunProgress: t.field({
    type: UserTaskRunRef,
    description:
      "Keeps what a person has filled in so far on an open UserTaskRun, as its results, without completing it: each value must fit its field's type, required fields may wait (LittleHorse).",
    errors: {
      types: [ValidationError, NotFoundError, UserTaskRunEndedError, UserTaskRunClaimedError],
      directResult: true,
      union: { name: 'SaveUserTaskRunProgressResult' },
    },
    args: { input: t.arg({ type: SaveUserTaskRunProgressInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const tooLarge = valueSizeProblems(ctx.services.limits, ['input', 'results'], input.results as Readonly<Record<string, JsonValue>>);
      if (tooLarge.length > 0) throw ValidationError.of('saveUserTaskRunProgress was given a value too large', tooLarge);
      return userTaskCommand(ctx, String(input.wfRunId), input.userTaskGuid, {
        type: 'SaveUserTaskRunProgress',
        userTaskGuid: input.userTaskGuid,
        userId: input.userId,
        results: input.results as Readonly<Record<string, JsonValue>>,
        policy: input.policy ?? 'FAIL_IF_CLAIMED_BY_OTHER',
      });
    },
  }),
  putUserTaskRunComment: t.field({
    type: UserTaskRunRef,
    description: 'Comments on a UserTaskRun, open or ended (as LittleHorse takes them); the comment takes the next id, from 1.',
    errors: { types: [ValidationError, NotFoundError, UserTaskRunEndedError], directResult: true, union: { name: 'PutUserTaskRunCommentResult' } },
    args: { input: t.arg({ type: PutUserTaskRunCommentInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const tooLarge = sizeProblem(['input', 'comment'], input.comment, ctx.services.limits, 'maxValueBytes');
      if (tooLarge) throw ValidationError.of('putUserTaskRunComment was given a comment too large', [tooLarge]);
      const { userTaskGuid, userId, comment } = input;
      return userTaskCommand(ctx, String(input.wfRunId), userTaskGuid, { type: 'PutUserTaskRunComment', userTaskGuid, userId, comment });
    },
  }),
  editUserTaskRunComment: t.field({
    type: UserTaskRunRef,
    description: 'Gives a comment of a UserTaskRun, open or ended, new text; its history keeps the old.',
    errors: { types: [ValidationError, NotFoundError, UserTaskRunEndedError], directResult: true, union: { name: 'EditUserTaskRunCommentResult' } },
    args: { input: t.arg({ type: EditUserTaskRunCommentInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const tooLarge = sizeProblem(['input', 'comment'], input.comment, ctx.services.limits, 'maxValueBytes');
      if (tooLarge) throw ValidationError.of('editUserTaskRunComment was given a comment too large', [tooLarge]);
      const { userTaskGuid, userCommentId, userId, comment } = input;
      return userTaskCommand(ctx, String(input.wfRunId), userTaskGuid, { type: 'EditUserTaskRunComment', userTaskGuid, userCommentId, userId, comment });
    },
  }),
  deleteUserTaskRunComment: t.field({
    type: UserTaskRunRef,
    description: 'Takes a comment of a UserTaskRun, open or ended, back; its history keeps that it was made and deleted.',
    errors: { types: [ValidationError, NotFoundError, UserTaskRunEndedError], directResult: true, union: { name: 'DeleteUserTaskRunCommentResult' } },
    args: { input: t.arg({ type: DeleteUserTaskRunCommentInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const { userTaskGuid, userCommentId, userId } = input;
      return userTaskCommand(ctx, String(input.wfRunId), userTaskGuid, { type: 'DeleteUserTaskRunComment', userTaskGuid, userCommentId, userId });
    },
  }),
}));

/** Runs a user task command against its WfRun and answers with the UserTaskRun as the command left it. */
async function userTaskCommand(ctx: Context, wfRunId: string, userTaskGuid: string, command: Command): Promise<UserTaskRunRow> {
  const { services, tenantId } = ctx;
  const outcome = await services.execute(tenantId, wfRunId, command);
  if (!outcome.ok) throw await refusal(ctx, wfRunId, userTaskGuid, command, outcome.rejection);
  const row = await findUserTaskRun(services.db, tenantId, wfRunId, userTaskGuid);
  if (!row) throw new Error(`UserTaskRun ${wfRunId}/${userTaskGuid} was changed but is not stored`);
  return row;
}

/** The typed error for an engine rejection, naming the UserTaskRun and, where it helps, the input field at fault. */
async function refusal(ctx: Context, wfRunId: string, userTaskGuid: string, command: Command, rejection: Rejection): Promise<GallopError> {
  const row = await findUserTaskRun(ctx.services.db, ctx.tenantId, wfRunId, userTaskGuid);
  switch (rejection.code) {
    case 'WF_RUN_NOT_FOUND':
      return new NotFoundError('WfRun', wfRunId);
    case 'UNKNOWN_USER_TASK_RUN':
      return new NotFoundError('UserTaskRun', `${wfRunId}/${userTaskGuid}`);
    case 'USER_TASK_RUN_ENDED':
      // The engine calls every guid of a NodeRun its thread has passed ended; only a stored one was a UserTaskRun.
      return row ? new UserTaskRunEndedError(rejection.message, wfRunId, userTaskGuid, row.status) : new NotFoundError('UserTaskRun', `${wfRunId}/${userTaskGuid}`);
    case 'USER_TASK_RUN_CLAIMED':
      return new UserTaskRunClaimedError(rejection.message, wfRunId, userTaskGuid, row?.userId ?? null);
    case 'UNKNOWN_USER_TASK_DEF':
      return new NotFoundError('UserTaskDef', row ? `${row.userTaskDefName} version ${row.userTaskDefVersion}` : userTaskGuid);
    case 'UNKNOWN_USER_TASK_COMMENT':
    case 'USER_TASK_COMMENT_DELETED': {
      const id = 'userCommentId' in command ? command.userCommentId : '?';
      return new NotFoundError('UserTaskRunComment', `${wfRunId}/${userTaskGuid} #${id}${rejection.code === 'USER_TASK_COMMENT_DELETED' ? ' (deleted)' : ''}`);
    }
    case 'INVALID_USER_TASK_RESULTS': {
      const problems = (rejection.problems ?? []).map((p) => ({ ...p, path: ['input', ...p.path] }));
      return ValidationError.of(`The results do not fit UserTaskDef '${row?.userTaskDefName ?? '?'}' of UserTaskRun ${wfRunId}/${userTaskGuid}`, problems);
    }
    default:
      return new ValidationError(rejection.message, [{ path: ['input', ...blamedField(command)], code: 'MISSING_FIELD', message: rejection.message }]);
  }
}

/** The input field an INVALID_USER_TASK_ASSIGNMENT is about: a blank one given, else the input as a whole. */
function blamedField(command: Command): Problem['path'] {
  const blank = (value: string | null | undefined) => typeof value === 'string' && value.trim() === '';
  if (command.type === 'AssignUserTaskRun') {
    if (blank(command.userId)) return ['userId'];
    if (blank(command.userGroup)) return ['userGroup'];
  }
  if (command.type === 'CompleteUserTaskRun' || command.type === 'SaveUserTaskRunProgress') return ['userId'];
  if (command.type === 'PutUserTaskRunComment' || command.type === 'EditUserTaskRunComment') return blank(command.userId) ? ['userId'] : ['comment'];
  if (command.type === 'DeleteUserTaskRunComment') return ['userId'];
  return [];
}

function userTaskDefOf(input: {
  name: string;
  description?: string | null;
  fields: readonly { name: string; type: UserTaskField['type']; displayName?: string | null; description?: string | null; required?: boolean | null }[];
}): Omit<UserTaskDef, 'version'> {
  return {
    name: input.name,
    fields: input.fields.map((f) => ({
      name: f.name,
      type: f.type,
      ...(f.displayName == null ? {} : { displayName: f.displayName }),
      ...(f.description == null ? {} : { description: f.description }),
      ...(f.required ? { required: true } : {}),
    })),
    ...(input.description == null ? {} : { description: input.description }),
  };
}

/** Whether a stored version says the same as a def being registered: same fields in the same order, same description. */
function sameUserTaskDef(stored: UserTaskDef, def: Omit<UserTaskDef, 'version'>): boolean {
  const fields = (d: Omit<UserTaskDef, 'version'>) =>
    d.fields.map((f) => [f.name, f.type, f.displayName ?? null, f.description ?? null, f.required ?? false]);
  return JSON.stringify([fields(stored), stored.description ?? null]) === JSON.stringify([fields(def), def.description ?? null]);
}
