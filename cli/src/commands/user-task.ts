import type { JsonValue } from '@gallop/engine';
import type { Command } from 'commander';
import type { Act } from '../context.ts';
import { UsageError } from '../errors.ts';
import { integer, pairs } from '../parse.ts';
import { userTaskRunView } from '../views.ts';
import { userTaskRef } from './get.ts';

const TASK_ARGS = '<wfRunId> [userTaskGuid]';
const TASK_HELP = 'the UserTaskRun: <wfRunId> <userTaskGuid>, or its id <wfRunId>/<userTaskGuid>';

export function addUserTask(program: Command, act: Act): void {
  const userTask = program
    .command('userTask')
    .description('assign, save, complete, cancel or comment on a UserTaskRun')
    .usage('assign|save|complete|cancel|comment <wfRunId> [userTaskGuid] [options]');

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
    .command('save')
    .description(`keep what --user has filled in so far on an open UserTaskRun, without completing it; ${TASK_HELP}`)
    .usage(`${TASK_ARGS} --user <userId> [--result field=value ...] [--ignore-claim]`)
    .argument('<wfRunId>')
    .argument('[userTaskGuid]')
    .requiredOption('--user <userId>', 'who saves it')
    .option('--result <field=value>', "a field's value: JSON when it parses, else a string (repeatable)", pairs)
    .option('--ignore-claim', 'save even though another user holds it')
    .action(
      act(async (ctx, opts: { user: string; result?: readonly (readonly [string, JsonValue])[]; ignoreClaim?: boolean }, first: string, second: string | undefined) => {
        const run = await ctx.client().saveUserTaskRunProgress({
          ...userTaskRef(first, second),
          userId: opts.user,
          results: Object.fromEntries(opts.result ?? []),
          policy: opts.ignoreClaim ? 'IGNORE_CLAIM' : 'FAIL_IF_CLAIMED_BY_OTHER',
        });
        ctx.emit(run, () => userTaskRunView(run));
      }),
    );

  userTask
    .command('comment')
    .description(`comment on a UserTaskRun, open or ended, as --user; with --edit N, change comment N; with --delete N, delete it; ${TASK_HELP}`)
    .usage(`${TASK_ARGS} --user <userId> [<text> | --edit N <text> | --delete N]`)
    .argument('<wfRunId>')
    .argument('[userTaskGuid]')
    .argument('[text]')
    .requiredOption('--user <userId>', 'who writes, edits or deletes it')
    .option('--edit <id>', 'the comment to change', integer)
    .option('--delete <id>', 'the comment to delete', integer)
    .action(
      act(async (ctx, opts: { user: string; edit?: number; delete?: number }, first: string, second: string | undefined, third: string | undefined) => {
        // With an id of the form <wfRunId>/<userTaskGuid>, the text is the second argument.
        const [ref, text] = first.includes('/') ? [userTaskRef(first, undefined), second] : [userTaskRef(first, second), third];
        if (opts.edit !== undefined && opts.delete !== undefined) throw new UsageError('userTask comment takes --edit or --delete, not both.');
        if (opts.delete === undefined && text === undefined) throw new UsageError('userTask comment needs the text of the comment.');
        const client = ctx.client();
        const run =
          opts.delete !== undefined
            ? await client.deleteUserTaskRunComment({ ...ref, userCommentId: opts.delete, userId: opts.user })
            : opts.edit !== undefined
              ? await client.editUserTaskRunComment({ ...ref, userCommentId: opts.edit, userId: opts.user, comment: text ?? '' })
              : await client.putUserTaskRunComment({ ...ref, userId: opts.user, comment: text ?? '' });
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
