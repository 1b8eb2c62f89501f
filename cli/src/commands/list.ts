import type { Command } from 'commander';
import type { Act } from '../context.ts';
import { pageOf, paged, printPage } from '../paging.ts';
import type { PageOptions } from '../paging.ts';
import { eventDefsTable, scheduledWfRunsTable, taskDefsTable, userTaskDefsTable, wfSpecsTable } from '../views.ts';

/** The options of a def list: a page, and only the names that start with --prefix. */
type DefListOptions = PageOptions & { readonly prefix?: string };

/** Adds --prefix to a def list, as LittleHorse searches metadata by name prefix. */
function byName(command: Command): Command {
  return command.option('--prefix <text>', 'only those whose name starts with it');
}

/** The client's page arguments for a def list. */
function defPage(opts: DefListOptions): { first: number; after?: string; prefix?: string } {
  return opts.prefix === undefined ? pageOf(opts) : { ...pageOf(opts), prefix: opts.prefix };
}

export function addList(program: Command, act: Act): void {
  const list = program.command('list').description('list metadata and schedules, a page at a time').usage('<kind> [options]');

  byName(paged(list.command('wfSpecs').description('every version of every WfSpec, by name, then version'))).action(
    act(async (ctx, opts: DefListOptions) => printPage(ctx, await ctx.client().wfSpecs(defPage(opts)), wfSpecsTable)),
  );

  byName(paged(list.command('taskDefs').description('TaskDefs by name'))).action(
    act(async (ctx, opts: DefListOptions) => printPage(ctx, await ctx.client().taskDefs(defPage(opts)), taskDefsTable)),
  );

  byName(paged(list.command('externalEventDefs').description('ExternalEventDefs by name'))).action(
    act(async (ctx, opts: DefListOptions) => printPage(ctx, await ctx.client().externalEventDefs(defPage(opts)), eventDefsTable)),
  );

  byName(paged(list.command('workflowEventDefs').description('WorkflowEventDefs by name'))).action(
    act(async (ctx, opts: DefListOptions) => printPage(ctx, await ctx.client().workflowEventDefs(defPage(opts)), eventDefsTable)),
  );

  byName(paged(list.command('userTaskDefs').description('every version of every UserTaskDef, by name, then version'))).action(
    act(async (ctx, opts: DefListOptions) => printPage(ctx, await ctx.client().userTaskDefs(defPage(opts)), userTaskDefsTable)),
  );

  paged(list.command('scheduledWfRuns').description('ScheduledWfRuns by id, all or those of one WfSpec'))
    .option('--spec <wfSpec>', 'only those of this WfSpec')
    .action(
      act(async (ctx, opts: PageOptions & { spec?: string }) =>
        printPage(ctx, await ctx.client().scheduledWfRuns(opts.spec === undefined ? {} : { wfSpecName: opts.spec }, pageOf(opts)), scheduledWfRunsTable),
      ),
    );
}
