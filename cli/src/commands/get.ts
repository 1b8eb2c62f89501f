import type { Command } from 'commander';
import type { Act, Context } from '../context.ts';
import { NotFoundError, UsageError } from '../errors.ts';
import { integer } from '../parse.ts';
import {
  eventDefView,
  externalEventView,
  nodeRunView,
  scheduledWfRunView,
  taskDefView,
  taskRunView,
  userTaskDefView,
  userTaskRunView,
  variableView,
  wfRunView,
  wfSpecView,
} from '../views.ts';

/**
 * Fetches each id in turn and prints what was found: with --json one object, or an array for several ids. Ids the
 * server does not have are named in one NotFoundError after the others are printed.
 */
async function show<T>(ctx: Context, kind: string, ids: readonly string[], fetch: (id: string) => Promise<T | null>, view: (value: T) => string[]): Promise<void> {
  const found: T[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const value = await fetch(id);
    if (value === null) missing.push(id);
    else found.push(value);
  }
  if (found.length > 0) {
    ctx.emit(ids.length === 1 ? found[0] : found, () => found.flatMap((value, i) => (i === 0 ? view(value) : ['', ...view(value)])));
  }
  if (missing.length > 0) throw new NotFoundError(kind, missing.join("', '"));
}

/** A UserTaskRun named as `<wfRunId> <userTaskGuid>` or by its id `<wfRunId>/<userTaskGuid>`. */
export function userTaskRef(first: string, second: string | undefined): { wfRunId: string; userTaskGuid: string } {
  if (second !== undefined) return { wfRunId: first, userTaskGuid: second };
  const at = first.lastIndexOf('/');
  if (at <= 0 || at === first.length - 1) throw new UsageError(`Expected <wfRunId> <userTaskGuid> or a UserTaskRun id <wfRunId>/<userTaskGuid>; got '${first}'.`);
  return { wfRunId: first.slice(0, at), userTaskGuid: first.slice(at + 1) };
}

export function addGet(program: Command, act: Act): void {
  const get = program.command('get').description('show objects by id').usage('<kind> <id...> [options]');

  get
    .command('wfSpec')
    .description('a WfSpec version: the newest, the newest of --major, or exactly --major and --revision')
    .argument('<name...>')
    .option('--major <n>', 'major version', integer)
    .option('--revision <n>', 'revision of the major version (needs --major)', integer)
    .action(
      act(async (ctx, opts: { major?: number; revision?: number }, names: string[]) => {
        if (opts.revision !== undefined && opts.major === undefined) throw new UsageError('--revision needs --major.');
        await show(ctx, 'WfSpec', names, (name) => ctx.client().wfSpec(name, { majorVersion: opts.major, revision: opts.revision }), wfSpecView);
      }),
    );

  get
    .command('taskDef')
    .description('a TaskDef by name')
    .argument('<name...>')
    .action(act(async (ctx, _opts, names: string[]) => show(ctx, 'TaskDef', names, (name) => ctx.client().taskDef(name), taskDefView)));

  get
    .command('externalEventDef')
    .description('an ExternalEventDef by name')
    .argument('<name...>')
    .action(act(async (ctx, _opts, names: string[]) => show(ctx, 'ExternalEventDef', names, (name) => ctx.client().externalEventDef(name), eventDefView)));

  get
    .command('workflowEventDef')
    .description('a WorkflowEventDef by name')
    .argument('<name...>')
    .action(act(async (ctx, _opts, names: string[]) => show(ctx, 'WorkflowEventDef', names, (name) => ctx.client().workflowEventDef(name), eventDefView)));

  get
    .command('userTaskDef')
    .description('a UserTaskDef: the newest version, or --version')
    .argument('<name...>')
    .option('--version <n>', 'version', integer)
    .action(
      act(async (ctx, opts: { version?: number }, names: string[]) =>
        show(ctx, 'UserTaskDef', names, (name) => ctx.client().userTaskDef(name, opts.version), userTaskDefView),
      ),
    );

  get
    .command('wfRun')
    .description('a WfRun with its threads, NodeRuns and variables')
    .argument('<id...>')
    .action(act(async (ctx, _opts, ids: string[]) => show(ctx, 'WfRun', ids, (id) => ctx.client().wfRun(id), wfRunView)));

  get
    .command('nodeRun')
    .description("a NodeRun of a WfRun, by its ThreadRun's number and its position there (LittleHorse NodeRunId)")
    .argument('<wfRunId>')
    .argument('<threadRunNumber>', 'the ThreadRun (0 is the entrypoint thread)', integer)
    .argument('<position>', 'the NodeRun position in that thread', integer)
    .action(
      act(async (ctx, _opts, wfRunId: string, thread: number, position: number) => {
        const id = `${wfRunId}/${thread}/${position}`;
        await show(ctx, 'NodeRun', [id], async () => (await ctx.client().wfRun(wfRunId))?.nodeRuns.find((n) => n.threadRunNumber === thread && n.position === position) ?? null, nodeRunView);
      }),
    );

  get
    .command('variable')
    .description("a WfRun's variable, as the entrypoint thread holds it, or --thread")
    .argument('<wfRunId>')
    .argument('<name>')
    .option('--thread <n>', 'the ThreadRun whose variable it is', integer, 0)
    .action(
      act(async (ctx, opts: { thread: number }, wfRunId: string, name: string) => {
        const id = `${wfRunId}/${opts.thread}/${name}`;
        await show(ctx, 'Variable', [id], async () => (await ctx.client().wfRun(wfRunId))?.variables.find((v) => v.threadRunNumber === opts.thread && v.name === name) ?? null, variableView);
      }),
    );

  get
    .command('taskRun')
    .description('a TaskRun with its attempts, by id <wfRunId>/<taskGuid>')
    .argument('<id...>')
    .action(act(async (ctx, _opts, ids: string[]) => show(ctx, 'TaskRun', ids, (id) => ctx.client().taskRun(id), taskRunView)));

  get
    .command('externalEvent')
    .description('an ExternalEvent sent to a WfRun')
    .argument('<wfRunId>')
    .argument('<guid>')
    .action(
      act(async (ctx, _opts, wfRunId: string, guid: string) =>
        show(ctx, 'ExternalEvent', [`${wfRunId}/${guid}`], () => ctx.client().externalEvent(wfRunId, guid), externalEventView),
      ),
    );

  get
    .command('userTaskRun')
    .description('a UserTaskRun with its history, by <wfRunId> <userTaskGuid> or <wfRunId>/<userTaskGuid>')
    .argument('<wfRunId>')
    .argument('[userTaskGuid]')
    .action(
      act(async (ctx, _opts, first: string, second: string | undefined) => {
        const ref = userTaskRef(first, second);
        await show(ctx, 'UserTaskRun', [`${ref.wfRunId}/${ref.userTaskGuid}`], () => ctx.client().userTaskRun(ref.wfRunId, ref.userTaskGuid), userTaskRunView);
      }),
    );

  get
    .command('scheduledWfRun')
    .description('a ScheduledWfRun by id')
    .argument('<id...>')
    .action(act(async (ctx, _opts, ids: string[]) => show(ctx, 'ScheduledWfRun', ids, (id) => ctx.client().scheduledWfRun(id), scheduledWfRunView)));
}
