import type { JsonValue } from '@gallop/engine';
import type { Command } from 'commander';
import type { Act } from '../context.ts';
import { UsageError } from '../errors.ts';
import { pairs } from '../parse.ts';
import { userTaskRunView } from '../views.ts';
import { userTaskRef } from './get.ts';

const TASK_ARGS = '<wfRunId> [userTaskGuid]';
const TASK_HELP = 'the UserTaskRun: <wfRunId> <userTaskGuid>, or its id <wfRunId>/<userTaskGuid>';

export function addUserTask(program: Command, act: Act): void {
  const userTask = program.command('userTask').description('assign, complete or cancel a UserTaskRun').usage('assign|complete|cancel <wfRunId> [userTaskGuid] [options]');

  userTask
    .command('assign')
    .description(`give an open UserTaskRun to a user, a group, or a user within a group; ${TASK_HELP}`)
    .usage(`${TASK_ARGS} [options]`)
    .argument('<wfRunId>')
    .argument('[userTaskGuid]')
    .option('--user <userId>', 'the user to give it to')
    .option('--group <userGroup>', 'the group to give it to')
    .option('--override-claim', 'take it from the user who holds it')
    .action(
      act(async (ctx, opts: { user?: string; group?: string; overrideClaim?: boolean }, first: string, second: string | undefined) => {
        if (opts.user === undefined && opts.group === undefined) throw new UsageError('userTask assign needs --user, --group or both.');
        const run = await ctx.client().assignUserTaskRun({ ...userTaskRef(first, second), userId: opts.user, userGroup: opts.group, overrideClaim: opts.overrideClaim });
        ctx.emit(run, () => userTaskRunView(run));
      }),
    );

  userTask
    .command('complete')
    .description(`complete an open UserTaskRun as --user with --result values; ${TASK_HELP}`)
    .usage(`${TASK_ARGS} --user <userId> [--result field=value ...]`)
    .argument('<wfRunId>')
    .argument('[userTaskGuid]')
    .requiredOption('--user <userId>', 'who did it')
    .option('--result <field=value>', "a field's value: JSON when it parses, else a string (repeatable)", pairs)
    .action(
      act(async (ctx, opts: { user: string; result?: readonly (readonly [string, JsonValue])[] }, first: string, second: string | undefined) => {
        const run = await ctx.client().completeUserTaskRun({ ...userTaskRef(first, second), userId: opts.user, results: Object.fromEntries(opts.result ?? []) });
        ctx.emit(run, () => userTaskRunView(run));
      }),
    );

  userTask
    .command('cancel')
    .description(`cancel an open UserTaskRun: its node fails with USER_TASK_CANCELLED; ${TASK_HELP}`)
    .usage(TASK_ARGS)
    .argument('<wfRunId>')
    .argument('[userTaskGuid]')
    .action(
      act(async (ctx, _opts, first: string, second: string | undefined) => {
        const run = await ctx.client().cancelUserTaskRun(userTaskRef(first, second));
        ctx.emit(run, () => userTaskRunView(run));
      }),
    );
}
