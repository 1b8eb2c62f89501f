import type { JsonValue } from '@gallop/engine';
import type { Command } from 'commander';
import type { Act } from '../context.ts';
import { UsageError } from '../errors.ts';
import { integer, jsonObject, pairs } from '../parse.ts';
import { scheduledWfRunView, wfRunSummaryView } from '../views.ts';

interface VariableOptions {
  readonly var?: readonly (readonly [string, JsonValue])[];
  readonly varsJson?: Record<string, JsonValue>;
}

interface VersionOptions {
  readonly major?: number;
  readonly revision?: number;
}

/** --vars-json first, then each --var over it. */
function variablesOf(opts: VariableOptions): Record<string, JsonValue> | undefined {
  if (!opts.var && !opts.varsJson) return undefined;
  return { ...opts.varsJson, ...Object.fromEntries(opts.var ?? []) };
}

function versionOf(opts: VersionOptions): { majorVersion?: number; revision?: number } {
  if (opts.revision !== undefined && opts.major === undefined) throw new UsageError('--revision needs --major.');
  return { majorVersion: opts.major, revision: opts.revision };
}

function withVariables(command: Command): Command {
  return command
    .option('--var <name=value>', 'an entrypoint variable; the value is JSON when it parses, else a string (repeatable)', pairs)
    .option('--vars-json <json>', 'entrypoint variables as one JSON object (--var entries win)', jsonObject)
    .option('--major <n>', 'the major version (newest by default)', integer)
    .option('--revision <n>', 'the revision of --major (newest by default)', integer);
}

export function addWfRunCommands(program: Command, act: Act): void {
  withVariables(program.command('run').description('start a WfRun of a WfSpec').argument('<wfSpec>'))
    .option('--id <id>', 'the WfRun id (random by default)')
    .action(
      act(async (ctx, opts: VariableOptions & VersionOptions & { id?: string }, wfSpecName: string) => {
        const run = await ctx.client().runWf({ wfSpecName, ...versionOf(opts), id: opts.id, variables: variablesOf(opts) });
        ctx.emit(run, () => wfRunSummaryView(run));
      }),
    );

  program
    .command('stop')
    .description('stop a WfRun (or one ThreadRun) and its children where they stand')
    .argument('<wfRunId>')
    .option('--thread <n>', 'the ThreadRun to stop (0, the WfRun, by default)', integer, 0)
    .action(
      act(async (ctx, opts: { thread: number }, id: string) => {
        const run = await ctx.client().stopWfRun(id, opts.thread);
        ctx.emit(run, () => wfRunSummaryView(run));
      }),
    );

  program
    .command('resume')
    .description('let a stopped WfRun (or ThreadRun) run again')
    .argument('<wfRunId>')
    .option('--thread <n>', 'the ThreadRun to resume (0 by default)', integer, 0)
    .action(
      act(async (ctx, opts: { thread: number }, id: string) => {
        const run = await ctx.client().resumeWfRun(id, opts.thread);
        ctx.emit(run, () => wfRunSummaryView(run));
      }),
    );

  program
    .command('rescue')
    .description('run a ThreadRun that failed with an ERROR again from its failed node')
    .argument('<wfRunId>')
    .option('--thread <n>', 'the failed ThreadRun (0 by default)', integer, 0)
    .option('--skip-current-node', 'leave the failed node by its edges instead of running it again')
    .action(
      act(async (ctx, opts: { thread: number; skipCurrentNode?: boolean }, id: string) => {
        const run = await ctx.client().rescueThreadRun(id, { threadRunNumber: opts.thread, skipCurrentNode: opts.skipCurrentNode ?? false });
        ctx.emit(run, () => wfRunSummaryView(run));
      }),
    );

  program
    .command('migrate')
    .description('move a WfRun to a later revision of its WfSpec version, where that is safe')
    .argument('<wfRunId>')
    .option('--revision <n>', 'the revision to move to (the newest by default)', integer)
    .action(
      act(async (ctx, opts: { revision?: number }, id: string) => {
        const run = await ctx.client().migrateWfSpec(id, opts.revision);
        ctx.emit(run, () => wfRunSummaryView(run));
      }),
    );

  const del = program.command('delete').description('delete a WfRun, a ScheduledWfRun, or metadata').usage('<kind> <id>');
  del
    .command('wfRun')
    .description('delete a WfRun with everything it owns; its child WfRuns stay')
    .argument('<id>')
    .action(
      act(async (ctx, _opts, id: string) => {
        const deleted = await ctx.client().deleteWfRun(id);
        ctx.emit(deleted, () => [`deleted WfRun ${deleted.id}`]);
      }),
    );
  del
    .command('scheduledWfRun')
    .description('delete a ScheduledWfRun: it starts no more WfRuns; those it started stay')
    .argument('<id>')
    .action(
      act(async (ctx, _opts, id: string) => {
        const deleted = await ctx.client().deleteScheduledWfRun(id);
        ctx.emit(deleted, () => [`deleted ScheduledWfRun ${deleted.id}`]);
      }),
    );
  del
    .command('wfSpec')
    .description('delete one version of a WfSpec: no WfRun starts on it any more; those running on it finish on it')
    .argument('<name>')
    .requiredOption('--major <n>', 'major version', integer)
    .requiredOption('--revision <n>', 'revision of the major version', integer)
    .action(
      act(async (ctx, opts: { major: number; revision: number }, name: string) => {
        const deleted = await ctx.client().deleteWfSpec({ name, majorVersion: opts.major, revision: opts.revision });
        ctx.emit(deleted, () => [`deleted WfSpec ${deleted.name} version ${deleted.majorVersion}.${deleted.revision}`]);
      }),
    );
  del
    .command('taskDef')
    .description('delete a TaskDef: TASK nodes that run it afterwards fail with TASK_ERROR; its name is free again')
    .argument('<name>')
    .action(
      act(async (ctx, _opts, name: string) => {
        const deleted = await ctx.client().deleteTaskDef(name);
        ctx.emit(deleted, () => [`deleted TaskDef ${deleted.name}`]);
      }),
    );
  del
    .command('userTaskDef')
    .description('delete one version of a UserTaskDef: no new UserTaskRun uses it; those made with it can be completed')
    .argument('<name>')
    .requiredOption('--version <n>', 'version', integer)
    .action(
      act(async (ctx, opts: { version: number }, name: string) => {
        const deleted = await ctx.client().deleteUserTaskDef(name, opts.version);
        ctx.emit(deleted, () => [`deleted UserTaskDef ${deleted.name} version ${deleted.version}`]);
      }),
    );
  del
    .command('externalEventDef')
    .description('delete an ExternalEventDef: events of it can no longer be sent; those sent stay')
    .argument('<name>')
    .action(
      act(async (ctx, _opts, name: string) => {
        const deleted = await ctx.client().deleteExternalEventDef(name);
        ctx.emit(deleted, () => [`deleted ExternalEventDef ${deleted.name}`]);
      }),
    );
  del
    .command('workflowEventDef')
    .description('delete a WorkflowEventDef; WorkflowEvents thrown stay')
    .argument('<name>')
    .action(
      act(async (ctx, _opts, name: string) => {
        const deleted = await ctx.client().deleteWorkflowEventDef(name);
        ctx.emit(deleted, () => [`deleted WorkflowEventDef ${deleted.name}`]);
      }),
    );

  withVariables(
    program
      .command('schedule')
      .description('run a WfSpec at each time of a five-field cron expression, in UTC (the first run is at the next such time)')
      .argument('<wfSpec>')
      .argument('<cron>', "minute hour dayOfMonth month dayOfWeek, e.g. '0 9 * * MON-FRI' (quote it)"),
  )
    .option('--id <id>', 'the schedule id (random by default)')
    .action(
      act(async (ctx, opts: VariableOptions & VersionOptions & { id?: string }, wfSpecName: string, cronExpression: string) => {
        const scheduled = await ctx.client().scheduleWf({ wfSpecName, cronExpression, ...versionOf(opts), id: opts.id, variables: variablesOf(opts) });
        ctx.emit(scheduled, () => scheduledWfRunView(scheduled));
      }),
    );
}
