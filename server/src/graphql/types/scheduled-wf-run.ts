import { checkRunVariables, isValidName } from '@gallop/engine';
import type { JsonValue, Problem } from '@gallop/engine';
import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { randomUUID } from 'node:crypto';
import { builder } from '../builder.ts';
import { valueSizeProblems } from '../limits.ts';
import { WfRunMasker } from '../masking.ts';
import { CronSchedule } from '../../runtime/cron.ts';
import { findWfSpec } from '../../store/queries/metadata.ts';
import { deleteScheduledWfRun, findScheduledWfRun, insertScheduledWfRun, listScheduledWfRuns } from '../../store/queries/scheduled-wf-runs.ts';
import type { ScheduledWfRunRow } from '../../store/queries/scheduled-wf-runs.ts';
import { findWfRun } from '../../store/queries/wf-runs.ts';
import { AlreadyExistsError, decodeCursor, encodeCursor, NotFoundError, checkedPageArgs, ValidationError, resolveCursorPage } from './common.ts';
import { WfRunRef } from './wf-run.ts';

/** A WfRun id is a name of at most 128 characters; this leaves room for `-{fire time in epoch ms}`. */
const MAX_ID_LENGTH = 100;

export const ScheduledWfRunRef = builder.objectRef<ScheduledWfRunRow>('ScheduledWfRun').implement({
  description:
    'Starts a WfRun at each time of a cron expression (five fields, UNIX style, in UTC), never at once on creation. Each WfRun has the id `{id}-{fire time in epoch ms}`. After time without a running server it runs once, for the latest time missed, not once for each.',
  fields: (t) => ({
    id: t.exposeID('id'),
    wfSpecName: t.exposeString('wfSpecName'),
    majorVersion: t.int({ nullable: true, description: 'Unset: the newest major version when it fires.', resolve: (row) => row.majorVersion }),
    revision: t.int({ nullable: true, description: 'Unset: the newest revision of the major version when it fires.', resolve: (row) => row.revision }),
    variables: t.field({
      type: 'JSON',
      description: "Values of the entrypoint thread's variables, by name, for every WfRun; masked ones hidden.",
      resolve: async (row, _args, ctx) => {
        const masker = await WfRunMasker.of(ctx, row.wfSpecName);
        return Object.fromEntries(Object.entries(row.variables).map(([name, value]) => [name, masker.value(name, value)]));
      },
    }),
    cronExpression: t.exposeString('cronExpression'),
    nextFireAt: t.field({ type: 'DateTime', description: 'When it starts its next WfRun.', resolve: (row) => row.nextFireAt }),
    createdAt: t.field({ type: 'DateTime', resolve: (row) => row.createdAt }),
    lastWfRunId: t.id({ nullable: true, description: 'The WfRun of its latest firing.', resolve: (row) => row.lastWfRunId }),
    lastWfRun: t.field({
      type: WfRunRef,
      nullable: true,
      description: 'The WfRun of its latest firing, unless it was deleted.',
      resolve: async (row, _args, { services, tenantId }) => (row.lastWfRunId ? ((await findWfRun(services.db, tenantId, row.lastWfRunId)) ?? null) : null),
    }),
    lastSkippedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'The time of its latest firing when that started no WfRun (its WfSpec gone, its variables no longer fitting the newest version); null once a firing starts one again.',
      resolve: (row) => row.lastSkippedAt,
    }),
    lastSkipReason: t.string({ nullable: true, description: 'Why the firing at lastSkippedAt started no WfRun.', resolve: (row) => row.lastSkipReason }),
  }),
});

const ScheduleWfInput = builder.inputType('ScheduleWfInput', {
  fields: (t) => ({
    id: t.id({ description: 'The schedule id (at most 100 characters); a random one when absent.' }),
    wfSpecName: t.string({ required: true }),
    majorVersion: t.int({ description: 'Pins the major version; the newest when each WfRun starts if absent.' }),
    revision: t.int({ description: 'Pins the revision too; needs majorVersion.' }),
    variables: t.field({ type: 'JSON', description: "Values of the entrypoint thread's variables, by name, for every WfRun." }),
    cronExpression: t.string({ required: true, description: 'Five fields, minute hour dayOfMonth month dayOfWeek, read in UTC: `0 9 * * MON-FRI`.' }),
  }),
});

const DeleteScheduledWfRunInput = builder.inputType('DeleteScheduledWfRunInput', { fields: (t) => ({ id: t.id({ required: true }) }) });

const DeletedScheduledWfRunRef = builder.objectRef<{ id: string }>('DeletedScheduledWfRun').implement({
  description: 'The ScheduledWfRun that was deleted; the WfRuns it started stay.',
  fields: (t) => ({ id: t.exposeID('id') }),
});

builder.queryFields((t) => ({
  scheduledWfRun: t.field({
    type: ScheduledWfRunRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, { services, tenantId }) => (await findScheduledWfRun(services.db, tenantId, String(id))) ?? null,
  }),
  scheduledWfRuns: t.connection(
    {
      type: ScheduledWfRunRef,
      description: 'ScheduledWfRuns by id, all of them or those of one WfSpec (LittleHorse SearchScheduledWfRun).',
      args: { wfSpecName: t.arg.string() },
      resolve: (_root, args, { services, tenantId }) =>
        resolveCursorPage(
          { args: checkedPageArgs(args), toCursor: (row: ScheduledWfRunRow) => encodeCursor('scheduledWfRuns', [row.id]), maxSize: 500 },
          ({ after, limit }: ResolveCursorConnectionArgs) => {
            const parts = after === undefined ? undefined : decodeCursor(after, 'scheduledWfRuns', 's');
            return listScheduledWfRuns(services.db, tenantId, { wfSpecName: args.wfSpecName }, parts && String(parts[0]), limit);
          },
        ),
    },
    { name: 'ScheduledWfRunConnection' },
    { name: 'ScheduledWfRunEdge' },
  ),
}));

builder.mutationFields((t) => ({
  scheduleWf: t.field({
    type: ScheduledWfRunRef,
    description:
      "Schedules a WfSpec to run at each time of a cron expression; the first WfRun starts at the next such time, never at once. The WfSpec must exist and the variables fit its entrypoint now; each firing runs the version that is newest then (within majorVersion and revision, if given).",
    errors: { types: [ValidationError, NotFoundError, AlreadyExistsError], directResult: true, union: { name: 'ScheduleWfResult' } },
    args: { input: t.arg({ type: ScheduleWfInput, required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      const id = input.id == null ? randomUUID().replaceAll('-', '') : String(input.id);
      const problems: Problem[] = [];
      if (!isValidName(id) || id.length > MAX_ID_LENGTH) {
        problems.push({ path: ['input', 'id'], code: 'INVALID_NAME', message: `A ScheduledWfRun id is letters, digits and inner dashes, at most ${MAX_ID_LENGTH} characters.` });
      }
      if (input.revision != null && input.majorVersion == null) {
        problems.push({ path: ['input', 'revision'], code: 'MISSING_FIELD', message: 'A revision needs its majorVersion.' });
      }
      const parsed = CronSchedule.parse(input.cronExpression, ['input', 'cronExpression']);
      if (!parsed.ok) problems.push(...parsed.problems);
      if (problems.length > 0 || !parsed.ok) throw ValidationError.of('scheduleWf was called with bad input', problems);

      const spec = await findWfSpec(services.db, tenantId, input.wfSpecName, input.majorVersion, input.revision);
      if (!spec) {
        const version = input.majorVersion == null ? '' : ` version ${input.majorVersion}${input.revision == null ? '' : `.${input.revision}`}`;
        throw new NotFoundError('WfSpec', `${input.wfSpecName}${version}`);
      }
      const variables = (input.variables ?? {}) as Record<string, JsonValue>;
      const entrypoint = spec.spec.threadSpecs[spec.spec.entrypointThreadName];
      const variableProblems = [
        ...checkRunVariables(entrypoint?.variableDefs ?? [], variables).map((p) => ({ ...p, path: ['input', ...p.path] })),
        ...valueSizeProblems(services.limits, ['input', 'variables'], variables),
      ];
      if (variableProblems.length > 0) throw ValidationError.of(`The variables do not fit WfSpec ${spec.name}`, variableProblems);

      const now = services.clock();
      const nextFireAt = parsed.schedule.nextAfter(now);
      if (nextFireAt === undefined) {
        throw ValidationError.of('scheduleWf was called with bad input', [
          { path: ['input', 'cronExpression'], code: 'OUT_OF_RANGE', message: `'${input.cronExpression}' never comes due.` },
        ]);
      }
      const row = await insertScheduledWfRun(services.db, {
        tenantId,
        id,
        wfSpecName: input.wfSpecName,
        majorVersion: input.majorVersion ?? null,
        revision: input.revision ?? null,
        variables,
        cronExpression: input.cronExpression.trim(),
        nextFireAt: new Date(nextFireAt),
        createdAt: new Date(now),
      });
      if (!row) throw new AlreadyExistsError(`ScheduledWfRun ${id} already exists.`);
      services.wake(nextFireAt);
      return row;
    },
  }),
  deleteScheduledWfRun: t.field({
    type: DeletedScheduledWfRunRef,
    description: 'Deletes a ScheduledWfRun so that it starts no more WfRuns; those it started stay.',
    errors: { types: [ValidationError, NotFoundError], directResult: true, union: { name: 'DeleteScheduledWfRunResult' } },
    args: { input: t.arg({ type: DeleteScheduledWfRunInput, required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      const id = String(input.id);
      if (!(await deleteScheduledWfRun(services.db, tenantId, id))) throw new NotFoundError('ScheduledWfRun', id);
      return { id };
    },
  }),
}));
