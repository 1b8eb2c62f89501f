import { TASK_STATUSES } from '@gallop/engine';
import type { TaskStatus } from '@gallop/engine';
import type { Command } from 'commander';
import type { Act } from '../context.ts';
import { integer, oneOf } from '../parse.ts';

export function addCount(program: Command, act: Act): void {
  const count = program.command('count').description('count NodeRuns of a WfSpec or TaskRuns of a TaskDef').usage('<kind> [options]');

  count
    .command('nodeRuns')
    .description("NodeRuns the tenant's WfRuns have had: all, or those of a WfSpec")
    .argument('[wfSpec]')
    .option('--major <n>', 'of this major version', integer)
    .option('--revision <n>', 'of this revision (with --major)', integer)
    .action(
      act(async (ctx, opts: { major?: number; revision?: number }, wfSpecName: string | undefined) => {
        const n = await ctx.client().countNodeRuns({ wfSpecName, majorVersion: opts.major, revision: opts.revision });
        ctx.emit({ count: n }, () => [String(n)]);
      }),
    );

  count
    .command('taskRuns')
    .description('TaskRuns of a TaskDef in one status: by default those queued for workers')
    .argument('<taskDef>')
    .option('--status <status>', `in this status: ${TASK_STATUSES.join(', ')} (TASK_ may be left out)`, oneOf(TASK_STATUSES, 'TASK_'), 'TASK_SCHEDULED')
    .action(
      act(async (ctx, opts: { status: TaskStatus }, taskDefName: string) => {
        const n = await ctx.client().countTaskRuns(taskDefName, opts.status);
        ctx.emit({ count: n }, () => [String(n)]);
      }),
    );
}
