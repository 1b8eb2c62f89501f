import type { Command } from 'commander';
import type { Act } from '../context.ts';
import { pageOf, paged, printPage } from '../paging.ts';
import type { PageOptions } from '../paging.ts';
import { eventDefsTable, scheduledWfRunsTable, taskDefsTable, userTaskDefsTable, wfSpecsTable } from '../views.ts';

export function addList(program: Command, act: Act): void {
  const list = program.command('list').description('list metadata and schedules, a page at a time').usage('<kind> [options]');

  paged(list.command('wfSpecs').description('every version of every WfSpec, by name, then version')).action(
    act(async (ctx, opts: PageOptions) => printPage(ctx, await ctx.client().wfSpecs(pageOf(opts)), wfSpecsTable)),
  );

  paged(list.command('taskDefs').description('TaskDefs by name')).action(
    act(async (ctx, opts: PageOptions) => printPage(ctx, await ctx.client().taskDefs(pageOf(opts)), taskDefsTable)),
  );

  paged(list.command('externalEventDefs').description('ExternalEventDefs by name')).action(
    act(async (ctx, opts: PageOptions) => printPage(ctx, await ctx.client().externalEventDefs(pageOf(opts)), eventDefsTable)),
  );

  paged(list.command('workflowEventDefs').description('WorkflowEventDefs by name')).action(
    act(async (ctx, opts: PageOptions) => printPage(ctx, await ctx.client().workflowEventDefs(pageOf(opts)), eventDefsTable)),
  );

  paged(list.command('userTaskDefs').description('every version of every UserTaskDef, by name, then version')).action(
    act(async (ctx, opts: PageOptions) => printPage(ctx, await ctx.client().userTaskDefs(pageOf(opts)), userTaskDefsTable)),
  );

  paged(list.command('scheduledWfRuns').description('ScheduledWfRuns by id, all or those of one WfSpec'))
    .option('--spec <wfSpec>', 'only those of this WfSpec')
    .action(
      act(async (ctx, opts: PageOptions & { spec?: string }) =>
        printPage(ctx, await ctx.client().scheduledWfRuns(opts.spec === undefined ? {} : { wfSpecName: opts.spec }, pageOf(opts)), scheduledWfRunsTable),
      ),
    );
}
