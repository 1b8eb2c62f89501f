import { LH_STATUSES, TASK_STATUSES, USER_TASK_RUN_STATUSES } from '@gallop/engine';
import type { JsonValue, LHStatus, TaskStatus, UserTaskRunStatus } from '@gallop/engine';
import type { SearchedValue, WfRunSearch } from '@gallop/sdk';
import { Option } from 'commander';
import type { Command } from 'commander';
import type { Act } from '../context.ts';
import { UsageError } from '../errors.ts';
import { pageOf, paged, printPage } from '../paging.ts';
import type { PageOptions } from '../paging.ts';
import { integer, oneOf, pointInTime, searchPair } from '../parse.ts';
import { correlatedEventsTable, externalEventsTable, nodeRunsTable, taskRunsTable, userTaskRunsTable, variablesTable, wfRunsTable, workflowEventsTable } from '../views.ts';

interface WfRunOptions extends PageOptions {
  readonly spec?: string;
  readonly major?: number;
  readonly revision?: number;
  readonly status?: LHStatus;
  readonly since?: string;
  readonly until?: string;
  readonly var?: readonly [string, SearchedValue];
}

export function addSearch(program: Command, act: Act): void {
  const search = program.command('search').description('search runs and events, newest first, a page at a time').usage('<kind> [options]');

  paged(search.command('wfRuns').description('WfRuns matching every filter given'))
    .option('--spec <wfSpec>', 'of this WfSpec')
    .option('--major <n>', 'of this major version (with --spec)', integer)
    .option('--revision <n>', 'of this revision (with --major)', integer)
    .option('--status <status>', `in this status: ${LH_STATUSES.join(', ')}`, oneOf(LH_STATUSES))
    .option('--since <time>', 'started at or after: an ISO date-time, or a duration ago such as 15m, 2h, 7d', (t) => pointInTime(t))
    .option('--until <time>', 'started before: an ISO date-time, or a duration ago', (t) => pointInTime(t))
    .option('--var <name=value>', 'whose searchable entrypoint variable holds exactly this value (JSON, else a string; with --spec)', searchPair)
    .action(
      act(async (ctx, opts: WfRunOptions) => {
        if (opts.var && opts.spec === undefined) throw new UsageError('--var needs --spec: variables are searched within one WfSpec.');
        const filter: WfRunSearch = {
          wfSpecName: opts.spec,
          majorVersion: opts.major,
          revision: opts.revision,
          status: opts.status,
          startedAfter: opts.since,
          startedBefore: opts.until,
          variable: opts.var && { name: opts.var[0], value: opts.var[1] },
        };
        printPage(ctx, await ctx.client().searchWfRuns(filter, pageOf(opts)), wfRunsTable);
      }),
    );

  paged(search.command('nodeRuns').description('NodeRuns in one status, by arrival: where WfRuns stand, fail or wait'))
    .requiredOption('--status <status>', `in this status: ${LH_STATUSES.join(', ')}`, oneOf(LH_STATUSES))
    .option('--since <time>', 'arrived at or after: an ISO date-time, or a duration ago such as 15m, 2h, 7d', (t) => pointInTime(t))
    .option('--until <time>', 'arrived before: an ISO date-time, or a duration ago', (t) => pointInTime(t))
    .option('--event <externalEventDef>', 'only EXTERNAL_EVENT NodeRuns for this ExternalEventDef')
    .action(
      act(async (ctx, opts: PageOptions & { status: LHStatus; since?: string; until?: string; event?: string }) =>
        printPage(
          ctx,
          await ctx.client().searchNodeRuns({ status: opts.status, arrivedAfter: opts.since, arrivedBefore: opts.until, externalEventDefName: opts.event }, pageOf(opts)),
          nodeRunsTable,
        ),
      ),
    );

  paged(search.command('variables').description('variables of any thread holding exactly a value, in WfRuns of a WfSpec'))
    .argument('<wfSpec>')
    .argument('<name=value>', 'a searchable variable and its value (JSON, else a string)', searchPair)
    .option('--major <n>', 'in WfRuns of this major version', integer)
    .option('--revision <n>', 'in WfRuns of this revision (with --major)', integer)
    .option('--status <status>', `in WfRuns in this status: ${LH_STATUSES.join(', ')}`, oneOf(LH_STATUSES))
    .option('--since <time>', 'in WfRuns started at or after: an ISO date-time, or a duration ago such as 15m, 2h, 7d', (t) => pointInTime(t))
    .option('--until <time>', 'in WfRuns started before: an ISO date-time, or a duration ago', (t) => pointInTime(t))
    .action(
      act(async (ctx, opts: Omit<WfRunOptions, 'spec' | 'var'>, wfSpecName: string, [name, value]: readonly [string, SearchedValue]) => {
        if (opts.revision !== undefined && opts.major === undefined) throw new UsageError('--revision needs --major.');
        const search = { wfSpecName, majorVersion: opts.major, revision: opts.revision, name, value, status: opts.status, startedAfter: opts.since, startedBefore: opts.until };
        printPage(ctx, await ctx.client().searchVariables(search, pageOf(opts)), variablesTable);
      }),
    );

  paged(search.command('taskRuns').description('TaskRuns of a TaskDef'))
    .argument('<taskDef>')
    .option('--status <status>', `in this status: ${TASK_STATUSES.join(', ')} (TASK_ may be left out)`, oneOf(TASK_STATUSES, 'TASK_'))
    .action(
      act(async (ctx, opts: PageOptions & { status?: TaskStatus }, taskDefName: string) =>
        printPage(ctx, await ctx.client().searchTaskRuns({ taskDefName, status: opts.status }, pageOf(opts)), taskRunsTable),
      ),
    );

  paged(search.command('userTaskRuns').description("UserTaskRuns matching every filter given: a person's or a group's task list"))
    .option('--user <userId>', 'held by this user')
    .option('--group <userGroup>', 'of this group')
    .option('--status <status>', `in this status: ${USER_TASK_RUN_STATUSES.join(', ')}`, oneOf(USER_TASK_RUN_STATUSES))
    .option('--def <userTaskDef>', 'of this UserTaskDef')
    .action(
      act(async (ctx, opts: PageOptions & { user?: string; group?: string; status?: UserTaskRunStatus; def?: string }) =>
        printPage(
          ctx,
          await ctx.client().searchUserTaskRuns({ userId: opts.user, userGroup: opts.group, status: opts.status, userTaskDefName: opts.def }, pageOf(opts)),
          userTaskRunsTable,
        ),
      ),
    );

  paged(search.command('externalEvents').description('ExternalEvents of an ExternalEventDef'))
    .argument('<externalEventDef>')
    .addOption(new Option('--claimed', 'only those a WfRun has taken').conflicts('unclaimed'))
    .addOption(new Option('--unclaimed', 'only those still waiting to be taken'))
    .action(
      act(async (ctx, opts: PageOptions & { claimed?: boolean; unclaimed?: boolean }, externalEventDefName: string) => {
        const claimed = opts.claimed ? true : opts.unclaimed ? false : undefined;
        printPage(ctx, await ctx.client().searchExternalEvents({ externalEventDefName, claimed }, pageOf(opts)), externalEventsTable);
      }),
    );

  paged(search.command('workflowEvents').description('WorkflowEvents WfRuns threw, of a WorkflowEventDef'))
    .argument('<workflowEventDef>')
    .option('--since <time>', 'thrown at or after: an ISO date-time, or a duration ago such as 15m, 2h, 7d', (t) => pointInTime(t))
    .option('--until <time>', 'thrown before: an ISO date-time, or a duration ago', (t) => pointInTime(t))
    .action(
      act(async (ctx, opts: PageOptions & { since?: string; until?: string }, workflowEventDefName: string) => {
        const search = { workflowEventDefName, createdAfter: opts.since, createdBefore: opts.until };
        printPage(ctx, await ctx.client().searchWorkflowEvents(search, pageOf(opts)), workflowEventsTable);
      }),
    );

  paged(search.command('correlatedEvents').description('CorrelatedEvents of an ExternalEventDef, by key'))
    .argument('<externalEventDef>')
    .addOption(new Option('--taken', 'only those a NodeRun has taken').conflicts('untaken'))
    .addOption(new Option('--untaken', 'only those no NodeRun has taken yet'))
    .action(
      act(async (ctx, opts: PageOptions & { taken?: boolean; untaken?: boolean }, externalEventDefName: string) => {
        const hasExternalEvents = opts.taken ? true : opts.untaken ? false : undefined;
        printPage(ctx, await ctx.client().correlatedEvents({ externalEventDefName, hasExternalEvents }, pageOf(opts)), correlatedEventsTable);
      }),
    );
}
