import type { JsonValue, TaskAttemptResult } from '@gallop/engine';
import { isValidFailureName, isValidWfRunId, MASKED_VALUE, maskTaskInput, parseTaskGuid, userTaskOfTriggeredTaskGuid } from '@gallop/engine';
import { builder } from '../builder.ts';
import { LIMIT_VARIABLES, sizeProblem } from '../limits.ts';
import type { Limits } from '../limits.ts';
import type { Context } from '../builder.ts';
import { GallopError } from '../errors.ts';
import type { TaskAttemptRecord } from '../../store/schema.ts';
import type { TaskRunRow } from '../../store/queries/wf-runs.ts';
import type { ClaimedTaskRun } from '../../runtime/task-dispatch.ts';
import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { countTaskRuns, findTaskRun, searchTaskRuns } from '../../store/queries/wf-runs.ts';
import { decodeCursor, encodeCursor, NotFoundError, checkedPageArgs, TaskStatusEnum, ValidationError, resolveCursorPage } from './common.ts';

export const MAX_CLAIM = 100;

const USER_TASK_TRIGGER =
  'Set when an action of a USER_TASK (a reminder) scheduled this TaskRun, not a TASK node: the guid of its UserTaskRun, whose USER_TASK NodeRun threadRunNumber and the position then name (LittleHorse UserTaskTriggerReference). Its result moves nothing.';
const TRIGGER_USER_ID = "For a reminder (see userTaskGuid): the user its UserTaskRun was assigned to when the action fired, kept for every attempt whoever holds the task later; null if it had none (LittleHorse UserTaskTriggerReference.user_id).";
const TRIGGER_USER_GROUP = "For a reminder (see userTaskGuid): its UserTaskRun's group when the action fired; null if it had none (LittleHorse UserTaskTriggerReference.user_group).";
export const MAX_WAIT_MS = 60_000;
const MIN_LEASE_MS = 1_000;

builder.queryFields((t) => ({
  taskRun: t.field({
    type: TaskRunRef,
    nullable: true,
    description: 'A TaskRun by its id, `{wfRunId}/{taskGuid}`.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, { services, tenantId }) => {
      const parts = splitTaskRunId(String(args.id));
      return parts ? ((await findTaskRun(services.db, tenantId, parts.wfRunId, parts.taskGuid)) ?? null) : null;
    },
  }),
  taskRuns: t.connection(
    {
      type: TaskRunRef,
      description: 'TaskRuns of a TaskDef, newest first, optionally in one status (LittleHorse SearchTaskRun).',
      args: { taskDefName: t.arg.string({ required: true }), status: t.arg({ type: TaskStatusEnum }) },
      resolve: (_root, args, { services, tenantId }) =>
        resolveCursorPage(
          { args: checkedPageArgs(args), toCursor: (row: TaskRunRow) => encodeCursor('taskRuns', [row.scheduledAt.getTime(), row.wfRunId, row.taskGuid]), maxSize: 500 },
          ({ after, limit }: ResolveCursorConnectionArgs) => {
            const parts = after === undefined ? undefined : decodeCursor(after, 'taskRuns', 'tss');
            const cursor = parts && { scheduledAt: new Date(Number(parts[0])), wfRunId: String(parts[1]), taskGuid: String(parts[2]) };
            return searchTaskRuns(services.db, tenantId, { taskDefName: args.taskDefName, status: args.status }, cursor, limit);
          },
        ),
    },
    { name: 'TaskRunConnection' },
    { name: 'TaskRunEdge' },
  ),
  countTaskRuns: t.float({
    description: 'How many TaskRuns of a TaskDef are in one status: with TASK_SCHEDULED, the queue waiting for workers (LittleHorse CountTaskRun).',
    args: { taskDefName: t.arg.string({ required: true }), status: t.arg({ type: TaskStatusEnum, required: true }) },
    resolve: (_root, args, { services, tenantId }) => countTaskRuns(services.db, tenantId, args.taskDefName, args.status),
  }),
}));
const MAX_LEASE_MS = 24 * 3_600_000;

/** A TaskRun's id joins its WfRun's id and its guid, which neither contains a slash. */
export function taskRunId(wfRunId: string, taskGuid: string): string {
  return `${wfRunId}/${taskGuid}`;
}

/** A finished attempt's record, or the attempt waiting out a retry back-off, which has none yet. */
type TaskAttemptView = Omit<TaskAttemptRecord, 'endTime'> & { readonly endTime: string | null; readonly scheduleTime?: Date };

/**
 * A TaskRun's attempts: the finished ones, then the next while it waits out a retry back-off (LittleHorse lists that
 * TaskAttempt as TASK_PENDING), scheduled for when the back-off ends.
 */
function attemptsOf(run: TaskRunRow): TaskAttemptView[] {
  if (run.status !== 'TASK_PENDING') return run.attempts;
  return [...run.attempts, { attempt: run.attempt, status: 'TASK_PENDING', workerId: null, startTime: null, endTime: null, scheduleTime: run.scheduledAt }];
}

const TaskAttemptRef = builder.objectRef<TaskAttemptView>('TaskAttempt').implement({
  fields: (t) => ({
    attempt: t.exposeInt('attempt'),
    scheduleTime: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'For the attempt waiting out a retry back-off (TASK_PENDING): when it goes on the queue. Null for the others.',
      resolve: (a) => a.scheduleTime ?? null,
    }),
    status: t.field({ type: TaskStatusEnum, resolve: (a) => a.status as typeof TaskStatusEnum.$inferType }),
    workerId: t.string({ nullable: true, resolve: (a) => a.workerId ?? null }),
    startTime: t.field({ type: 'DateTime', nullable: true, resolve: (a) => a.startTime ?? null }),
    endTime: t.field({ type: 'DateTime', nullable: true, resolve: (a) => a.endTime ?? null }),
    output: t.field({ type: 'JSON', nullable: true, resolve: (a) => (a.maskedOutput ? MASKED_VALUE : (a.output ?? null)) }),
    errorMessage: t.string({ nullable: true, resolve: (a) => a.errorMessage ?? null }),
    exceptionName: t.string({ nullable: true, resolve: (a) => a.exceptionName ?? null }),
    logOutput: t.string({ nullable: true, resolve: (a) => a.logOutput ?? null }),
  }),
});

export const TaskRunRef = builder.objectRef<TaskRunRow>('TaskRun').implement({
  description: 'The execution of a TASK node by Task Workers, with one record per finished attempt and the one waiting to retry.',
  fields: (t) => ({
    id: t.id({ resolve: (r) => taskRunId(r.wfRunId, r.taskGuid) }),
    wfRunId: t.exposeID('wfRunId'),
    taskGuid: t.exposeString('taskGuid'),
    taskDefName: t.exposeString('taskDefName'),
    status: t.field({ type: TaskStatusEnum, resolve: (r) => r.status as typeof TaskStatusEnum.$inferType }),
    input: t.field({
      type: 'JSON',
      description: `Input values by name; a masked input shows as "${MASKED_VALUE}" (workers claim the real value).`,
      resolve: (r) => Object.fromEntries(maskTaskInput(r.input).map((i) => [i.name, i.value])),
    }),
    scheduledAt: t.field({
      type: 'DateTime',
      description: 'When its current attempt went on the queue; while it waits out a retry back-off (TASK_PENDING), when that attempt will.',
      resolve: (r) => r.scheduledAt,
    }),
    workerId: t.string({ nullable: true, description: 'The worker holding the current attempt.', resolve: (r) => r.workerId }),
    leaseExpiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.leaseExpiresAt }),
    attempts: t.field({
      type: [TaskAttemptRef],
      description: 'The finished attempts in order, then, while it waits out a retry back-off, the next (TASK_PENDING).',
      resolve: attemptsOf,
    }),
    threadRunNumber: t.int({ nullable: true, description: 'The ThreadRun of its TASK NodeRun.', resolve: (r) => r.threadRunNumber }),
    nodeRunPosition: t.int({ nullable: true, description: 'The position of its TASK NodeRun in that ThreadRun.', resolve: (r) => r.nodePosition }),
    userTaskGuid: t.string({ nullable: true, description: USER_TASK_TRIGGER, resolve: (r) => userTaskOfTriggeredTaskGuid(r.taskGuid)?.userTaskGuid ?? null }),
    userId: t.string({ nullable: true, description: TRIGGER_USER_ID, resolve: (r) => r.userId }),
    userGroup: t.string({ nullable: true, description: TRIGGER_USER_GROUP, resolve: (r) => r.userGroup }),
  }),
});

const ScheduledTaskRef = builder.objectRef<ClaimedTaskRun>('ScheduledTask').implement({
  description: 'A TaskRun attempt claimed by a worker, with everything needed to run it.',
  fields: (t) => ({
    taskRunId: t.id({ resolve: (c) => taskRunId(c.wfRunId, c.taskGuid) }),
    wfRunId: t.exposeID('wfRunId'),
    taskGuid: t.exposeString('taskGuid'),
    threadRunNumber: t.int({ nullable: true, description: 'The ThreadRun of its TASK NodeRun (LittleHorse NodeRunId).', resolve: (c) => c.threadRunNumber }),
    nodePosition: t.int({ nullable: true, description: 'The position of its TASK NodeRun in that ThreadRun.', resolve: (c) => c.nodePosition }),
    taskDefName: t.exposeString('taskDefName'),
    attempt: t.exposeInt('attempt'),
    input: t.field({ type: 'JSON', description: "Input values by the TaskDef's input names.", resolve: (c) => c.input }),
    idempotencyKey: t.string({
      description: 'The same for every attempt of this TaskRun (LittleHorse: wfRunId/taskGuid).',
      resolve: (c) => taskRunId(c.wfRunId, c.taskGuid),
    }),
    scheduledAt: t.field({ type: 'DateTime', resolve: (c) => c.scheduledAt }),
    leaseExpiresAt: t.field({ type: 'DateTime', resolve: (c) => c.leaseExpiresAt }),
    userTaskGuid: t.string({ nullable: true, description: USER_TASK_TRIGGER, resolve: (c) => userTaskOfTriggeredTaskGuid(c.taskGuid)?.userTaskGuid ?? null }),
    userId: t.string({ nullable: true, description: TRIGGER_USER_ID, resolve: (c) => c.userId }),
    userGroup: t.string({ nullable: true, description: TRIGGER_USER_GROUP, resolve: (c) => c.userGroup }),
  }),
});

const BatchedReportRef = builder
  .objectRef<{ taskRunId: string; accepted: boolean; reason: string | null; error: string | null }>('BatchedTaskRunReport')
  .implement({
    description: 'What one report of a reportTaskRuns batch did.',
    fields: (t) => ({
      taskRunId: t.exposeID('taskRunId'),
      accepted: t.exposeBoolean('accepted', { description: 'False when the report was late, a repeat, malformed or for an unknown TaskRun: it changed nothing.' }),
      reason: t.string({ nullable: true, resolve: (r) => r.reason }),
      error: t.string({ nullable: true, description: 'ValidationError or NotFoundError when the report itself was wrong.', resolve: (r) => r.error }),
    }),
  });

type ReportAnswer = { taskRunId: string; accepted: boolean; reason: string | null; error: string | null };

const ClaimedTaskRunsRef = builder.objectRef<{ taskRuns: ClaimedTaskRun[]; reports: ReportAnswer[] }>('ClaimedTaskRuns').implement({
  fields: (t) => ({
    taskRuns: t.field({ type: [ScheduledTaskRef], resolve: (c) => c.taskRuns }),
    reports: t.field({ type: [BatchedReportRef], description: 'What each report sent with the claim did, in order (empty without any).', resolve: (c) => c.reports }),
  }),
});

const TaskRunReportRef = builder.objectRef<{ accepted: boolean; reason: string | null }>('TaskRunReport').implement({
  fields: (t) => ({
    accepted: t.exposeBoolean('accepted', { description: 'False when the report was late or a repeat: it changed nothing.' }),
    reason: t.string({ nullable: true, resolve: (r) => r.reason }),
  }),
});

const BatchedReportsRef = builder.objectRef<{ reports: { taskRunId: string; accepted: boolean; reason: string | null; error: string | null }[] }>('BatchedTaskRunReports').implement({
  fields: (t) => ({ reports: t.field({ type: [BatchedReportRef], description: 'One per report sent, in order.', resolve: (b) => b.reports }) }),
});

const TaskAttemptOutcome = builder.enumType('TaskAttemptOutcome', { values: ['SUCCESS', 'ERROR', 'EXCEPTION'] as const });

const ClaimTaskRunsInput = builder.inputType('ClaimTaskRunsInput', {
  fields: (t) => ({
    taskDefName: t.string({ required: true }),
    workerId: t.string({ required: true }),
    max: t.int({ defaultValue: 1, description: `How many TaskRuns to claim at most (1 to ${MAX_CLAIM}).` }),
    waitMs: t.int({ defaultValue: 0, description: `How long to wait for one when none is ready (at most ${MAX_WAIT_MS}).` }),
    leaseMs: t.int({ defaultValue: 60_000, description: 'How long the worker holds each claimed attempt.' }),
    reports: t.field({
      type: [ReportTaskRunInput],
      description: `Attempts the worker finished, reported as reportTaskRuns would (at most ${MAX_CLAIM}) before the claim: the TaskRuns they schedule can come straight back in this answer. A claim with reports does not wait: it answers as soon as the reports are applied, with no TaskRuns when none was there.`,
    }),
  }),
});

const ReportTaskRunInput = builder.inputType('ReportTaskRunInput', {
  fields: (t) => ({
    taskRunId: t.id({ required: true }),
    attempt: t.int({ required: true }),
    status: t.field({ type: TaskAttemptOutcome, required: true }),
    output: t.field({ type: 'JSON', description: 'What the task returned, for SUCCESS.' }),
    message: t.string({ description: 'What went wrong, for ERROR and EXCEPTION.' }),
    exceptionName: t.string({ description: 'The business exception, for EXCEPTION.' }),
    content: t.field({ type: 'JSON', description: 'Data carried by the exception.' }),
    logOutput: t.string(),
    workerId: t.string(),
  }),
});

builder.mutationFields((t) => ({
  claimTaskRuns: t.field({
    type: ClaimedTaskRunsRef,
    description: 'Claims up to max scheduled TaskRuns of a TaskDef with a lease, waiting up to waitMs for one to appear.',
    errors: { types: [ValidationError], directResult: true, union: { name: 'ClaimTaskRunsResult' } },
    args: { input: t.arg({ type: ClaimTaskRunsInput, required: true }) },
    resolve: async (_root, { input }, { services, tenantId, signal }) => {
      const max = input.max ?? 1;
      const waitMs = input.waitMs ?? 0;
      const leaseMs = input.leaseMs ?? 60_000;
      const problems = [
        ...(Number.isInteger(max) && max >= 1 && max <= MAX_CLAIM ? [] : [problem(['input', 'max'], `max must be from 1 to ${MAX_CLAIM}; got ${max}.`)]),
        ...(waitMs >= 0 && waitMs <= MAX_WAIT_MS ? [] : [problem(['input', 'waitMs'], `waitMs must be from 0 to ${MAX_WAIT_MS}; got ${waitMs}.`)]),
        ...(leaseMs >= MIN_LEASE_MS && leaseMs <= MAX_LEASE_MS ? [] : [problem(['input', 'leaseMs'], `leaseMs must be from ${MIN_LEASE_MS} to ${MAX_LEASE_MS}; got ${leaseMs}.`)]),
        ...(input.workerId.length > 0 && input.workerId.length <= 200 ? [] : [problem(['input', 'workerId'], 'workerId must be 1 to 200 characters.')]),
        ...((input.reports?.length ?? 0) <= MAX_CLAIM ? [] : [problem(['input', 'reports'], `At most ${MAX_CLAIM} reports at once; got ${input.reports?.length}.`)]),
      ];
      if (problems.length > 0) throw ValidationError.of('claimTaskRuns was called with bad input', problems);
      services.taskWorkers.seen(tenantId, input.taskDefName, input.workerId);
      const sent = input.reports ?? [];
      let reports: ReportAnswer[] = [];
      const first = sent.length > 0 ? async () => void (reports = await reportAll(services, tenantId, sent)) : undefined;
      const taskRuns = await services.dispatch.claim(tenantId, { taskDefName: input.taskDefName, workerId: input.workerId, max, waitMs, leaseMs, signal }, first);
      services.metricWindows.claimed(tenantId, taskRuns);
      return { taskRuns, reports };
    },
  }),
  reportTaskRun: t.field({
    type: TaskRunReportRef,
    description: 'Reports how an attempt ended and advances its WfRun. Idempotent: a late or repeated report changes nothing and says so.',
    errors: { types: [ValidationError, NotFoundError], directResult: true, union: { name: 'ReportTaskRunResult' } },
    args: { input: t.arg({ type: ReportTaskRunInput, required: true }) },
    resolve: (_root, { input }, { services, tenantId }) => report(services, tenantId, input),
  }),
  reportTaskRuns: t.field({
    type: BatchedReportsRef,
    description: `Reports up to ${MAX_CLAIM} attempts at once, each as reportTaskRun would, in one request; the WfRuns advance concurrently, so their commits share fsyncs. Answers one item per report, in order.`,
    errors: { types: [ValidationError], directResult: true, union: { name: 'ReportTaskRunsResult' } },
    args: { input: t.arg({ type: [ReportTaskRunInput], required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      if (input.length > MAX_CLAIM) throw ValidationError.of('reportTaskRuns was called with bad input', [problem(['input'], `At most ${MAX_CLAIM} reports at once; got ${input.length}.`)]);
      return { reports: await reportAll(services, tenantId, input) };
    },
  }),
  extendTaskRunLease: t.field({
    type: TaskRunLeaseRef,
    description:
      'Gives the worker running an attempt leaseMs more from now. extended: false means the attempt is no longer running (it timed out, was reported, or its WfRun is gone): the worker should stop it.',
    errors: { types: [ValidationError], directResult: true, union: { name: 'ExtendTaskRunLeaseResult' } },
    args: { input: t.arg({ type: ExtendLeaseInput, required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      const { wfRunId, taskGuid } = parseTaskRunId(String(input.taskRunId), 'extendTaskRunLease');
      const leaseMs = input.leaseMs ?? 60_000;
      if (!(leaseMs >= MIN_LEASE_MS && leaseMs <= MAX_LEASE_MS)) {
        throw ValidationError.of('extendTaskRunLease was called with bad input', [problem(['input', 'leaseMs'], `leaseMs must be from ${MIN_LEASE_MS} to ${MAX_LEASE_MS}; got ${leaseMs}.`)]);
      }
      const extended = await services.dispatch.extendLease(tenantId, { wfRunId, taskGuid, attempt: input.attempt, leaseMs });
      // A worker busy with a long task claims nothing meanwhile: its extensions say it is there.
      if (extended?.workerId) services.taskWorkers.seen(tenantId, extended.taskDefName, extended.workerId);
      return { extended: extended !== undefined, leaseExpiresAt: extended?.leaseExpiresAt ?? null };
    },
  }),
}));


const ExtendLeaseInput = builder.inputType('ExtendTaskRunLeaseInput', {
  fields: (t) => ({
    taskRunId: t.id({ required: true }),
    attempt: t.int({ required: true }),
    leaseMs: t.int({ defaultValue: 60_000, description: 'How long from now the worker holds the attempt.' }),
  }),
});

const TaskRunLeaseRef = builder.objectRef<{ extended: boolean; leaseExpiresAt: Date | null }>('TaskRunLease').implement({
  fields: (t) => ({
    extended: t.exposeBoolean('extended', { description: 'False when the attempt is no longer the worker\'s to run.' }),
    leaseExpiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (l) => l.leaseExpiresAt }),
  }),
});

type ReportInput = {
  taskRunId: string | number;
  attempt: number;
  status: 'SUCCESS' | 'ERROR' | 'EXCEPTION';
  output?: unknown;
  message?: string | null;
  exceptionName?: string | null;
  content?: unknown;
  logOutput?: string | null;
  workerId?: string | null;
};

/**
 * Several reports, their WfRuns advancing concurrently. Each failure is that item's answer and the others still
 * count: a malformed or unknown report says what was wrong; an error of ours is logged and answered
 * `InternalError`, so that one bad report never fails the claim it came with.
 */
function reportAll(services: Context['services'], tenantId: string, inputs: readonly ReportInput[]): Promise<ReportAnswer[]> {
  return Promise.all(
    inputs.map(async (one) => {
      const taskRunId = String(one.taskRunId);
      try {
        return { taskRunId, ...(await report(services, tenantId, one)), error: null };
      } catch (error) {
        if (error instanceof GallopError) return { taskRunId, accepted: false, reason: error.message, error: error.name };
        services.log.error({ err: error, taskRunId }, 'Unexpected error applying a task report');
        return { taskRunId, accepted: false, reason: 'Unexpected error.', error: 'InternalError' };
      }
    }),
  );
}

/** One report: the engine's ReportTaskAttempt on the attempt's WfRun. A late or repeated one is accepted: false. */
async function report(services: Context['services'], tenantId: string, input: ReportInput): Promise<{ accepted: boolean; reason: string | null }> {
  const id = String(input.taskRunId);
  const { wfRunId, taskGuid } = parseTaskRunId(id, 'reportTaskRun');
  const result = withinSizeLimit(attemptResult(input), services.limits);
  const outcome = await services.execute(tenantId, wfRunId, {
    type: 'ReportTaskAttempt',
    taskGuid,
    attempt: input.attempt,
    result,
    workerId: input.workerId ?? undefined,
    logOutput: cut(input.logOutput ?? undefined, services.limits),
  });
  if (outcome.ok) return { accepted: true, reason: null };
  const { rejection } = outcome;
  if (rejection.code === 'STALE_TASK_ATTEMPT') return { accepted: false, reason: rejection.message };
  throw new NotFoundError('TaskRun', id);
}

/** `{wfRunId}/{taskGuid}`, as claimTaskRuns hands it out. */
function parseTaskRunId(id: string, operation: string): { wfRunId: string; taskGuid: string } {
  const parts = splitTaskRunId(id);
  if (!parts) throw ValidationError.of(`${operation} was called with bad input`, [problem(['input', 'taskRunId'], `'${id}' is not a TaskRun id (wfRunId/taskGuid).`)]);
  return parts;
}

/** The WfRun id and guid of a TaskRun id, or undefined when it is not one. */
function splitTaskRunId(id: string): { wfRunId: string; taskGuid: string } | undefined {
  const slash = id.lastIndexOf('/');
  const wfRunId = id.slice(0, slash);
  const taskGuid = id.slice(slash + 1);
  return slash >= 0 && isValidWfRunId(wfRunId) && parseTaskGuid(taskGuid) !== undefined ? { wfRunId, taskGuid } : undefined;
}

function attemptResult(input: {
  status: 'SUCCESS' | 'ERROR' | 'EXCEPTION';
  output?: unknown;
  message?: string | null;
  exceptionName?: string | null;
  content?: unknown;
}): TaskAttemptResult {
  switch (input.status) {
    case 'SUCCESS':
      return { status: 'SUCCESS', output: (input.output ?? null) as JsonValue };
    case 'ERROR':
      return { status: 'ERROR', message: input.message ?? 'The task failed without a message.' };
    case 'EXCEPTION':
      if (!input.exceptionName || !isValidFailureName(input.exceptionName)) {
        throw ValidationError.of('reportTaskRun was called with bad input', [
          problem(['input', 'exceptionName'], 'An EXCEPTION needs an exceptionName of letters, digits, _ and -.'),
        ]);
      }
      return { status: 'EXCEPTION', name: input.exceptionName, message: input.message ?? '', content: (input.content ?? null) as JsonValue };
  }
}

/**
 * Holds a report to the value size limit. An output over it fails the attempt as LittleHorse's output serde error
 * (never retried: the same task would return the same); an exception keeps its name, so its handlers still catch
 * it, but not its content; an error's message is cut, with a note of what was cut.
 */
function withinSizeLimit(result: TaskAttemptResult, limits: Limits): TaskAttemptResult {
  if (result.status === 'SUCCESS') {
    const tooLarge = sizeProblem(['output'], result.output, limits, 'maxValueBytes');
    const what = tooLarge?.code === 'DEPTH_LIMIT' ? 'is nested too deeply' : 'is too large';
    return tooLarge ? { status: 'OUTPUT_ERROR', message: `The task's output ${what}: ${tooLarge.message}` } : result;
  }
  if (result.status === 'EXCEPTION') {
    const tooLarge = sizeProblem(['content'], result.content, limits, 'maxValueBytes');
    return tooLarge ? { ...result, message: cut(result.message, limits), content: null } : { ...result, message: cut(result.message, limits) };
  }
  return result.status === 'ERROR' ? { ...result, message: cut(result.message, limits) } : result;
}

/** Text held to the value size limit, saying how much was cut. */
function cut(text: string, limits: Limits): string;
function cut(text: string | undefined, limits: Limits): string | undefined;
function cut(text: string | undefined, limits: Limits): string | undefined {
  const bytes = text === undefined ? 0 : Buffer.byteLength(text);
  if (text === undefined || bytes <= limits.maxValueBytes) return text;
  const kept = Buffer.from(text).subarray(0, limits.maxValueBytes).toString().replace(/\uFFFD$/, '');
  return `${kept}… (${bytes - Buffer.byteLength(kept)} more bytes cut: ${LIMIT_VARIABLES.maxValueBytes})`;
}

function problem(path: (string | number)[], message: string) {
  return { path, code: 'OUT_OF_RANGE' as const, message };
}
