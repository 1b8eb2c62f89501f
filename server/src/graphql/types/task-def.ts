import { validateTaskDef } from '@gallop/engine';
import type { TaskDef } from '@gallop/engine';
import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { builder } from '../builder.ts';
import { perRequest } from '../per-request.ts';
import { deleteNamedDef, findTaskDef, insertTaskDef, listTaskDefs } from '../../store/queries/metadata.ts';
import { taskDefs } from '../../store/schema.ts';
import type { TaskDefRow } from '../../store/queries/metadata.ts';
import { taskLoads } from '../../store/queries/task-queue.ts';
import { forgetTaskWorkers, listTaskWorkers } from '../../runtime/task-workers.ts';
import type { TaskWorkerRow } from '../../runtime/task-workers.ts';
import type { TaskLoad } from '../../store/queries/task-queue.ts';
import type { Context } from '../builder.ts';
import { AlreadyExistsError, decodeCursor, encodeCursor, NotFoundError, checkedPageArgs, ValidationError, VariableTypeEnum, resolveCursorPage } from './common.ts';

export const VariableDefRef = builder.objectRef<TaskDef['inputVars'][number]>('VariableDef').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    type: t.field({ type: VariableTypeEnum, resolve: (v) => v.type }),
    masked: t.boolean({ description: "Marks its values as secrets (LittleHorse's masked); workers get them as they are.", resolve: (v) => v.masked === true }),
  }),
});

const TaskWorkerRef = builder.objectRef<TaskWorkerRow>('TaskWorker').implement({
  description: 'A worker that claims TaskRuns of a TaskDef (LittleHorse: TaskWorkerMetadata); a claim is its heartbeat.',
  fields: (t) => ({
    workerId: t.exposeString('workerId'),
    firstSeenAt: t.field({ type: 'DateTime', description: 'Its first claim of this TaskDef that was recorded.', resolve: (w) => w.firstSeenAt }),
    lastSeenAt: t.field({ type: 'DateTime', description: 'Its latest claim, recorded within seconds.', resolve: (w) => w.lastSeenAt }),
  }),
});

// A list of TaskDefs asks for its workers (by window) and its loads once per request, not once per TaskDef.
const workersPerRequest = new WeakMap<Context, Map<string, Promise<Map<string, TaskWorkerRow[]>>>>();
function workersOf(context: Context, name: string, seconds: number): Promise<TaskWorkerRow[]> {
  const all = perRequest(workersPerRequest, context, String(seconds), async () => {
    const byTaskDef = new Map<string, TaskWorkerRow[]>();
    for (const row of await listTaskWorkers(context.services.db, context.tenantId, new Date(context.services.clock() - seconds * 1000))) {
      byTaskDef.set(row.taskDefName, [...(byTaskDef.get(row.taskDefName) ?? []), row]);
    }
    return byTaskDef;
  });
  return all.then((byTaskDef) => byTaskDef.get(name) ?? []);
}

const loadsPerRequest = new WeakMap<Context, Map<string, Promise<Map<string, TaskLoad>>>>();
function loadOf(context: Context, name: string): Promise<TaskLoad> {
  const loads = perRequest(loadsPerRequest, context, '', () => taskLoads(context.services.db, context.tenantId));
  return loads.then((all) => all.get(name) ?? { scheduled: 0, running: 0 });
}

export const TaskDefRef = builder.objectRef<TaskDefRow>('TaskDef').implement({
  description: 'A typed unit of work that Task Workers execute.',
  fields: (t) => ({
    name: t.exposeString('name'),
    inputVars: t.field({ type: [VariableDefRef], resolve: (row) => row.def.inputVars }),
    returnType: t.field({ type: VariableTypeEnum, nullable: true, resolve: (row) => row.def.returnType ?? null }),
    maskedOutput: t.boolean({ description: 'What it returns is a secret, shown as ***** by the API.', resolve: (row) => row.def.maskedOutput === true }),
    description: t.string({ nullable: true, resolve: (row) => row.def.description ?? null }),
    createdAt: t.field({ type: 'DateTime', resolve: (row) => row.createdAt }),
    queueDepth: t.int({
      description: 'Its TaskRuns waiting for a worker (TASK_SCHEDULED), now.',
      resolve: async (row, _args, context) => (await loadOf(context, row.name)).scheduled,
    }),
    runningCount: t.int({
      description: 'Its TaskRuns a worker holds (TASK_RUNNING), now.',
      resolve: async (row, _args, context) => (await loadOf(context, row.name)).running,
    }),
    workers: t.field({
      type: [TaskWorkerRef],
      description:
        "The workers that claimed its TaskRuns, or extended a lease on one, within the last `seenWithinSeconds` (a worker waiting for work claims again at least once a minute; one busy with a long task is seen when it extends its lease), the latest first (LittleHorse's TaskWorkerGroup).",
      args: { seenWithinSeconds: t.arg.int({ defaultValue: 120 }) },
      resolve: (row, { seenWithinSeconds }, context) => {
        const seconds = seenWithinSeconds ?? 120;
        if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) {
          throw ValidationError.of('TaskDef.workers was asked with a bad window', [
            { path: ['seenWithinSeconds'], code: 'OUT_OF_RANGE', message: `seenWithinSeconds must be from 1 to 86400; got ${seconds}.` },
          ]);
        }
        return workersOf(context, row.name, seconds);
      },
    }),
  }),
});

const VariableDefInput = builder.inputType('VariableDefInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    type: t.field({ type: VariableTypeEnum, required: true }),
    masked: t.boolean({ required: false, description: 'Marks its values as secrets (default false).' }),
  }),
});

const PutTaskDefInput = builder.inputType('PutTaskDefInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    inputVars: t.field({ type: [VariableDefInput], required: true }),
    returnType: t.field({ type: VariableTypeEnum, required: false }),
    maskedOutput: t.boolean({ required: false, description: 'Marks what it returns as a secret (default false): workers and the WfRun use it, the API shows *****.' }),
    description: t.string({ required: false }),
  }),
});

builder.queryFields((t) => ({
  taskDef: t.field({
    type: TaskDefRef,
    nullable: true,
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_root, { name }, { services, tenantId }) => (await findTaskDef(services.db, tenantId, name)) ?? null,
  }),
  taskDefs: t.connection({
    type: TaskDefRef,
    description: 'TaskDefs by name, all of them or those whose name starts with `prefix`.',
    args: { prefix: t.arg.string() },
    resolve: (_root, args, { services, tenantId }) =>
      resolveCursorPage({ args: checkedPageArgs(args), toCursor: (row: TaskDefRow) => encodeCursor('taskDefs', [row.name]), maxSize: 500 }, ({ after, limit }: ResolveCursorConnectionArgs) => {
        const afterName = after === undefined ? undefined : String(decodeCursor(after, 'taskDefs', 's')[0]);
        return listTaskDefs(services.db, tenantId, afterName, limit, args.prefix);
      }),
  }, { name: 'TaskDefConnection' }, { name: 'TaskDefEdge' }),
}));

builder.mutationFields((t) => ({
  putTaskDef: t.field({
    type: TaskDefRef,
    description: 'Registers a TaskDef. Registering the same TaskDef again returns it; a different one of the same name is refused.',
    errors: { types: [ValidationError, AlreadyExistsError], directResult: true, union: { name: 'PutTaskDefResult' } },
    args: { input: t.arg({ type: PutTaskDefInput, required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      const def: TaskDef = {
        name: input.name,
        inputVars: input.inputVars.map((v) => ({ name: v.name, type: v.type, ...(v.masked ? { masked: true } : {}) })),
        ...(input.returnType ? { returnType: input.returnType } : {}),
        ...(input.maskedOutput ? { maskedOutput: true } : {}),
        ...(input.description ? { description: input.description } : {}),
      };
      const problems = validateTaskDef(def);
      if (problems.length > 0) throw ValidationError.of(`TaskDef '${input.name}' is invalid`, problems);
      const { row, created } = await insertTaskDef(services.db, tenantId, def);
      if (!created && JSON.stringify(normalise(row.def)) !== JSON.stringify(normalise(def))) {
        throw new AlreadyExistsError(`TaskDef '${def.name}' already exists with other inputs, return type or output masking.`);
      }
      return row;
    },
  }),
  deleteTaskDef: t.field({
    type: builder.objectRef<{ name: string }>('DeletedTaskDef').implement({ fields: (f) => ({ name: f.exposeString('name') }) }),
    description:
      'Deletes a TaskDef; its name can then be registered again, with other inputs. A TASK node that runs it afterwards fails with TASK_ERROR (LittleHorse); its TaskRuns already scheduled or running carry on.',
    errors: { types: [NotFoundError], directResult: true, union: { name: 'DeleteTaskDefResult' } },
    args: { input: t.arg({ type: builder.inputType('DeleteTaskDefInput', { fields: (f) => ({ name: f.string({ required: true }) }) }), required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      if (!(await deleteNamedDef(services.db, taskDefs, tenantId, input.name))) throw new NotFoundError('TaskDef', input.name);
      services.metadataDeleted(tenantId);
      await forgetTaskWorkers(services.db, tenantId, input.name);
      return { name: input.name };
    },
  }),
}));

function normalise(def: TaskDef) {
  return {
    name: def.name,
    inputVars: def.inputVars.map((v) => [v.name, v.type, v.masked === true]),
    returnType: def.returnType ?? null,
    maskedOutput: def.maskedOutput === true,
    description: def.description ?? null,
  };
}
