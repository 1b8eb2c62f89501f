import { describeName, isValidName, MASKED_VALUE, maskFailure, NAME_RULE, widen } from '@gallop/engine';
import type { JsonValue, ThreadRunState, VersionedWfSpec, WfRunEvent } from '@gallop/engine';
import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { randomUUID } from 'node:crypto';
import { builder } from '../builder.ts';
import { depthProblem, valueSizeProblems } from '../limits.ts';
import type { Context } from '../builder.ts';
import { queueReader } from '../../runtime/event-bus.ts';
import type { AsyncQueue, BusMessage } from '../../runtime/event-bus.ts';
import { findWfSpec } from '../../store/queries/metadata.ts';
import { isSearchableEntrypointVariable, searchableNamesOf } from '../../runtime/projections.ts';
import { changedSince, countNodeRuns, EVENT_PAGE, findNodeRun, findTaskRuns, findThreadRunSpecs, findVariable, findWfRun, listEvents, listNodeRuns, listTaskRuns, listVariables, listWfRuns, readWfRunState, searchNodeRuns, searchVariables } from '../../store/queries/wf-runs.ts';
import type { FoundVariable, NodeRunRow, TaskRunRow, ThreadRunSpecRow, WfRunRow, WfRunSummaryRow } from '../../store/queries/wf-runs.ts';
import { AlreadyExistsError, decodeCursor, encodeCursor, LHStatusEnum, NotFoundError, checkedPageArgs, refuseRevisionWithoutMajor, ValidationError, resolveCursorPage } from './common.ts';
import { listExternalEvents, newestVersionAndEarlyEvents } from '../../store/queries/external-events.ts';
import { findThrowingNodeRuns } from '../../store/queries/workflow-events.ts';
import { findUserTaskRuns } from '../../store/queries/user-tasks.ts';
import type { UserTaskRunRow } from '../../store/queries/user-tasks.ts';
import type { EarlyExternalEvent } from '../../store/queries/external-events.ts';
import { ExternalEventRef } from './external-event.ts';
import { TaskRunRef } from './task-run.ts';
import { WfSpecRef } from './wf-spec.ts';
import { WfRunMasker, wfSpecVersionsOf } from '../masking.ts';

/** An event of a WfRun with its place in the log. */
export interface WfRunEventView {
  readonly wfRunId: string;
  readonly seq: number;
  readonly event: WfRunEvent;
}

/**
 * A NodeRun with the TaskRun (TASK) or UserTaskRun (USER_TASK) it runs, read with it. What THROW_EVENTs throw is read
 * only when asked for, once for the NodeRuns resolved with it: `thrown` is shared by them.
 */
export type NodeRunView = NodeRunRow & {
  readonly taskRun: TaskRunRow | null;
  readonly userTaskRun: UserTaskRunRow | null;
  readonly thrown: () => Promise<ReadonlyMap<string, string>>;
};

const ThreadRunRef = builder.objectRef<ThreadRunState>('ThreadRun').implement({
  fields: (t) => ({
    number: t.exposeInt('number'),
    threadSpecName: t.exposeString('threadSpecName'),
    status: t.field({ type: LHStatusEnum, resolve: (r) => r.status }),
    parentThreadRunNumber: t.int({ nullable: true, resolve: (r) => r.parentThreadRunNumber ?? null }),
    startTime: t.field({ type: 'DateTime', resolve: (r) => new Date(r.startTime) }),
    endTime: t.field({ type: 'DateTime', nullable: true, resolve: (r) => (r.endTime === undefined ? null : new Date(r.endTime)) }),
    errorMessage: t.string({ nullable: true, resolve: (r) => (r.failure ? `${r.failure.name}: ${r.failure.message}` : null) }),
    currentNodePosition: t.int({
      nullable: true,
      description: 'The position of its current NodeRun (LittleHorse: current_node_position): where it stands, failed or halted; null once it has completed.',
      resolve: (r) => r.currentNodeRun?.position ?? null,
    }),
  }),
});

export const NodeRunRef = builder.objectRef<NodeRunView>('NodeRun').implement({
  description: 'One arrival of a thread at a node.',
  fields: (t) => ({
    wfRunId: t.exposeID('wfRunId'),
    threadRunNumber: t.exposeInt('threadRunNumber'),
    position: t.exposeInt('position'),
    nodeName: t.exposeString('nodeName'),
    nodeType: t.exposeString('nodeType'),
    status: t.field({ type: LHStatusEnum, resolve: (r) => r.status as typeof LHStatusEnum.$inferType }),
    arrivalTime: t.field({ type: 'DateTime', resolve: (r) => r.arrivalTime }),
    endTime: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.endTime }),
    errorMessage: t.string({ nullable: true, resolve: (r) => (r.failure ? `${r.failure.name}: ${r.failure.message}` : null) }),
    failure: t.field({ type: 'JSON', nullable: true, description: `Why it failed; content that is a secret shows as "${MASKED_VALUE}".`, resolve: (r) => (r.failure ? maskFailure(r.failure) : null) }),
    taskRun: t.field({ type: TaskRunRef, nullable: true, resolve: (r) => r.taskRun }),
    externalEventDefName: t.string({ nullable: true, description: 'For an EXTERNAL_EVENT NodeRun, the ExternalEventDef it waits (or waited) for.', resolve: (r) => r.externalEventDefName }),
    workflowEventDefName: t.string({
      nullable: true,
      description: 'For a THROW_EVENT NodeRun, the WorkflowEventDef it threw; for one that failed before throwing, the one its node names in the WfSpec version its WfRun runs on.',
      resolve: async (r) => (r.nodeType === 'THROW_EVENT' ? ((await r.thrown()).get(nodeRunKey(r)) ?? null) : null),
    }),
    sleepUntil: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'For a SLEEP NodeRun, when its timer fires (LittleHorse: maturation time); it moves when a time it sleeps until changes.',
      resolve: (r) => r.sleepUntil,
    }),
    childWfRunId: t.id({
      nullable: true,
      description: 'For RUN_CHILD_WF, the child WfRun it started; for WAIT_FOR_CHILD_WF, the child WfRun it waits (or waited) for.',
      resolve: (r) => r.childWfRunId,
    }),
    threadRunNumbers: t.intList({
      nullable: true,
      description: 'For WAIT_FOR_THREADS, the ThreadRuns it waits (or waited) for; for START_THREAD and START_MULTIPLE_THREADS, those it started.',
      resolve: (r) => r.threadRunNumbers,
    }),
  }),
});

const nodeRunKey = (row: Pick<NodeRunRow, 'wfRunId' | 'threadRunNumber' | 'position'>): string => `${row.wfRunId}/${row.threadRunNumber}/${row.position}`;

/**
 * Each NodeRun with its TaskRun and its UserTaskRun, if `tasks` and `userTasks` hold them. What the THROW_EVENTs
 * among them threw is read on the first ask, for all of them at once: never when no one asks.
 */
function joinRuns(ctx: Context, rows: readonly NodeRunRow[], tasks: readonly TaskRunRow[], userTasks: readonly UserTaskRunRow[]): NodeRunView[] {
  const byKey = new Map(tasks.map((task) => [`${task.wfRunId}/${task.taskGuid}`, task]));
  const userTaskByKey = new Map(userTasks.map((task) => [`${task.wfRunId}/${task.userTaskGuid}`, task]));
  let reading: Promise<ReadonlyMap<string, string>> | undefined;
  const thrown = () => (reading ??= thrownDefsOf(ctx, rows));
  return rows.map((row) => ({
    ...row,
    taskRun: (row.taskGuid && byKey.get(`${row.wfRunId}/${row.taskGuid}`)) || null,
    userTaskRun: (row.userTaskGuid && userTaskByKey.get(`${row.wfRunId}/${row.userTaskGuid}`)) || null,
    thrown,
  }));
}

/**
 * The WorkflowEventDef each THROW_EVENT NodeRun of `rows` threw, by NodeRun key, from the WorkflowEvents it threw:
 * one query (none when no row is a THROW_EVENT). One that failed before throwing threw nothing; its node names the
 * def in the WfSpec version its WfRun runs on (no column keeps the version a NodeRun ran on), read at most once per
 * version through the Metadata cache after one query for the ThreadRuns' ThreadSpecs. A WfRun migrated to a version
 * without the node leaves such a NodeRun without one.
 */
async function thrownDefsOf(ctx: Context, rows: readonly NodeRunRow[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const throwing = rows.filter((row) => row.nodeType === 'THROW_EVENT');
  if (throwing.length === 0) return found;
  const events = await findThrowingNodeRuns(ctx.services.db, ctx.tenantId, throwing);
  // The query matched their NodeRun columns, so neither is null.
  for (const event of events) found.set(`${event.wfRunId}/${event.threadRunNumber}/${event.position}`, event.workflowEventDefName);
  const unthrown = throwing.filter((row) => !found.has(nodeRunKey(row)));
  if (unthrown.length === 0) return found;
  const keys = new Map(unthrown.map((row) => [`${row.wfRunId}/${row.threadRunNumber}`, { wfRunId: row.wfRunId, threadRunNumber: row.threadRunNumber }]));
  const threads = await findThreadRunSpecs(ctx.services.db, ctx.tenantId, [...keys.values()]);
  const threadByKey = new Map(threads.map((thread) => [`${thread.wfRunId}/${thread.number}`, thread]));
  const specs = new Map<string, Promise<VersionedWfSpec | undefined>>();
  const specOf = (thread: ThreadRunSpecRow): Promise<VersionedWfSpec | undefined> => {
    const id = { name: thread.wfSpecName, majorVersion: thread.majorVersion, revision: thread.revision };
    const key = `${id.name}/${id.majorVersion}.${id.revision}`;
    let spec = specs.get(key);
    if (!spec) specs.set(key, (spec = ctx.services.metadata.version(ctx.services.db, ctx.tenantId, id)));
    return spec;
  };
  await Promise.all(
    unthrown.map(async (row) => {
      const thread = threadByKey.get(`${row.wfRunId}/${row.threadRunNumber}`);
      const nodes = thread && (await specOf(thread))?.threadSpecs[thread.threadSpecName]?.nodes;
      const node = nodes && Object.hasOwn(nodes, row.nodeName) ? nodes[row.nodeName] : undefined;
      if (node?.type === 'THROW_EVENT') found.set(nodeRunKey(row), node.workflowEventDefName);
    }),
  );
  return found;
}

/** The UserTaskRuns `rows` name, in one query (none when they name none). */
function userTaskRunsOf(ctx: Context, rows: readonly NodeRunRow[]): Promise<UserTaskRunRow[]> {
  return findUserTaskRuns(ctx.services.db, ctx.tenantId, rows.flatMap((row) => (row.userTaskGuid ? [{ wfRunId: row.wfRunId, userTaskGuid: row.userTaskGuid }] : [])));
}

/**
 * NodeRuns of any WfRuns with their TaskRuns and UserTaskRuns: a query for each kind, however many rows the page has
 * (and one for thrown WorkflowEventDefs when asked for).
 */
async function withTaskRuns(ctx: Context, rows: NodeRunRow[]): Promise<NodeRunView[]> {
  const [tasks, userTasks] = await Promise.all([
    findTaskRuns(ctx.services.db, ctx.tenantId, rows.flatMap((row) => (row.taskGuid ? [{ wfRunId: row.wfRunId, taskGuid: row.taskGuid }] : []))),
    userTaskRunsOf(ctx, rows),
  ]);
  return joinRuns(ctx, rows, tasks, userTasks);
}

/** A variable as the API gives it; a search gives its WfRun along, read in the same query. */
interface VariableView {
  wfRunId: string;
  threadRunNumber: number;
  name: string;
  value: JsonValue | null;
  wfRun?: WfRunView;
}

/** A WfRun as the API gives it: lists and searches read it without its state, which only threadRuns needs. */
type WfRunView = WfRunSummaryRow & { readonly state?: WfRunRow['state'] };

// Declared apart from its fields, which name WfRunRef: both types' inference would otherwise go round in a circle.
const VariableRef = builder.objectRef<VariableView>('Variable');
VariableRef.implement({
  fields: (t) => ({
    wfRunId: t.exposeID('wfRunId'),
    threadRunNumber: t.exposeInt('threadRunNumber'),
    name: t.exposeString('name'),
    value: t.field({ type: 'JSON', nullable: true, resolve: (v) => v.value }),
    wfRun: t.field({
      type: WfRunRef,
      description: 'The WfRun the variable belongs to.',
      resolve: async (v, _args, { services, tenantId }) => {
        const run = v.wfRun ?? (await findWfRun(services.db, tenantId, v.wfRunId));
        if (!run) throw new Error(`Variable ${v.name} of thread ${v.threadRunNumber} belongs to WfRun ${v.wfRunId}, which is gone`);
        return run;
      },
    }),
  }),
});

export const WfRunEventRef = builder.objectRef<WfRunEventView>('WfRunEvent').implement({
  description: "A fact of a WfRun's history; `event` is the engine's event object.",
  fields: (t) => ({
    wfRunId: t.exposeID('wfRunId'),
    seq: t.exposeInt('seq'),
    type: t.string({ resolve: (e) => e.event.type }),
    time: t.field({ type: 'DateTime', resolve: (e) => new Date(e.event.time) }),
    event: t.field({ type: 'JSON', resolve: (e) => e.event }),
  }),
});

export const WfRunRef = builder.objectRef<WfRunView>('WfRun').implement({
  description: 'A running or finished instance of a WfSpec.',
  fields: (t) => ({
    id: t.exposeID('id'),
    wfSpecName: t.exposeString('wfSpecName'),
    majorVersion: t.exposeInt('majorVersion'),
    revision: t.exposeInt('revision'),
    wfSpec: t.field({
      type: WfSpecRef,
      resolve: async (run, _args, { services, tenantId }) => {
        // A deleted version stays for the WfRuns that run on it.
        const spec = await findWfSpec(services.db, tenantId, run.wfSpecName, run.majorVersion, run.revision, { includeDeleted: true });
        if (!spec) throw new Error(`WfRun ${run.id} is pinned to a WfSpec that is gone`);
        return spec;
      },
    }),
    status: t.field({ type: LHStatusEnum, resolve: (r) => r.status as typeof LHStatusEnum.$inferType }),
    startTime: t.field({ type: 'DateTime', resolve: (r) => r.startTime }),
    endTime: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.endTime }),
    errorMessage: t.string({ nullable: true, resolve: (r) => r.errorMessage }),
    lastSeq: t.int({ description: 'The seq of its newest event.', resolve: (r) => r.seq }),
    threadRuns: t.field({
      type: [ThreadRunRef],
      resolve: async (run, _args, { services, tenantId }) => (run.state ?? (await readWfRunState(services.db, tenantId, run.id))?.state)?.threadRuns ?? [],
    }),
    nodeRuns: t.field({
      type: [NodeRunRef],
      resolve: async (run, _args, ctx) => {
        const [nodes, tasks] = await Promise.all([listNodeRuns(ctx.services.db, ctx.tenantId, run.id), listTaskRuns(ctx.services.db, ctx.tenantId, run.id)]);
        return joinRuns(ctx, nodes, tasks, await userTaskRunsOf(ctx, nodes));
      },
    }),
    taskRuns: t.field({ type: [TaskRunRef], resolve: (run, _args, { services, tenantId }) => listTaskRuns(services.db, tenantId, run.id) }),
    variables: t.field({
      type: [VariableRef],
      resolve: async (run, _args, ctx) => {
        const [rows, masker] = await Promise.all([listVariables(ctx.services.db, ctx.tenantId, run.id), WfRunMasker.of(ctx, run.wfSpecName)]);
        return rows.map((v) => ({ wfRunId: run.id, threadRunNumber: v.threadRunNumber, name: v.name, value: masker.value(v.name, v.value ?? null), wfRun: run }));
      },
    }),
    externalEvents: t.field({
      type: [ExternalEventRef],
      description: 'Every ExternalEvent sent to it, oldest first.',
      resolve: (run, _args, { services, tenantId }) => listExternalEvents(services.db, tenantId, run.id),
    }),
    events: t.field({
      type: [WfRunEventRef],
      description: `Its events after afterSeq, oldest first, at most \`first\`: while the last one's seq is below lastSeq, ask again after it for the rest (the wfRunEvents subscription streams them all).`,
      args: {
        afterSeq: t.arg.int({ description: 'Only events after this seq; 0 (the default) from the first.' }),
        first: t.arg.int({ description: `How many at most, 1 to ${EVENT_PAGE} (the default).` }),
      },
      resolve: async (run, args, ctx) => {
        if (args.first != null && (args.first < 1 || args.first > EVENT_PAGE)) {
          throw new ValidationError(`first must be between 1 and ${EVENT_PAGE}.`, [
            { path: ['first'], code: 'OUT_OF_RANGE', message: `first must be an integer from 1 to ${EVENT_PAGE}; got ${args.first}.` },
          ]);
        }
        const page = listEvents(ctx.services.db, ctx.tenantId, run.id, args.afterSeq ?? 0, args.first ?? EVENT_PAGE);
        const [rows, masker] = await Promise.all([page, WfRunMasker.of(ctx, run.wfSpecName)]);
        return rows.map((row) => ({ wfRunId: row.wfRunId, seq: row.seq, event: masker.event(row.event) }));
      },
    }),
  }),
});

const VariableFilterInput = builder.inputType('VariableFilterInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    value: t.field({ type: 'JSON', required: true, description: 'The exact value, compared as JSON.' }),
  }),
});

const RunWfInput = builder.inputType('RunWfInput', {
  fields: (t) => ({
    wfSpecName: t.string({ required: true }),
    majorVersion: t.int(),
    revision: t.int(),
    id: t.id({ description: 'The new WfRun id; a random one when absent.' }),
    variables: t.field({ type: 'JSON', description: "Values of the entrypoint thread's variables, by name." }),
  }),
});

/** A revision names a revision of one major version: without the major version it names nothing. */

builder.queryFields((t) => ({
  nodeRuns: t.connection(
    {
      type: NodeRunRef,
      description: 'NodeRuns in one status, newest arrival first, optionally arrived within a time range or waiting for one ExternalEventDef (LittleHorse SearchNodeRun).',
      args: {
        status: t.arg({ type: LHStatusEnum, required: true }),
        arrivedAfter: t.arg({ type: 'DateTime', description: 'Arrived at or after this time.' }),
        arrivedBefore: t.arg({ type: 'DateTime', description: 'Arrived before this time.' }),
        externalEventDefName: t.arg.string({ description: 'Only EXTERNAL_EVENT NodeRuns for this ExternalEventDef.' }),
      },
      resolve: (_root, args, ctx) =>
        resolveCursorPage(
          { args: checkedPageArgs(args), toCursor: (row: NodeRunView) => encodeCursor('nodeRuns', [row.arrivalTime.getTime(), row.wfRunId, row.threadRunNumber, row.position]), maxSize: 500 },
          async ({ after, limit }: ResolveCursorConnectionArgs) => {
            const parts = after === undefined ? undefined : decodeCursor(after, 'nodeRuns', 'tsii');
            const cursor = parts && { arrivalTime: new Date(Number(parts[0])), wfRunId: String(parts[1]), threadRunNumber: Number(parts[2]), position: Number(parts[3]) };
            return withTaskRuns(ctx, await searchNodeRuns(ctx.services.db, ctx.tenantId, args, cursor, limit));
          },
        ),
    },
    { name: 'NodeRunConnection' },
    { name: 'NodeRunEdge' },
  ),
  nodeRun: t.field({
    type: NodeRunRef,
    nullable: true,
    description: "One NodeRun: the position-th node its ThreadRun reached, from 0 (LittleHorse GetNodeRun; a WfRun's all are WfRun.nodeRuns).",
    args: { wfRunId: t.arg.id({ required: true }), threadRunNumber: t.arg.int({ required: true }), position: t.arg.int({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const row = await findNodeRun(ctx.services.db, ctx.tenantId, String(args.wfRunId), args.threadRunNumber, args.position);
      return row ? ((await withTaskRuns(ctx, [row]))[0] ?? null) : null;
    },
  }),
  variable: t.field({
    type: VariableRef,
    nullable: true,
    description: "One variable of a ThreadRun, masked as its WfSpec says (LittleHorse GetVariable; a WfRun's all are WfRun.variables).",
    args: { wfRunId: t.arg.id({ required: true }), threadRunNumber: t.arg.int({ required: true }), name: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const wfRunId = String(args.wfRunId);
      const [run, row] = await Promise.all([findWfRun(ctx.services.db, ctx.tenantId, wfRunId), findVariable(ctx.services.db, ctx.tenantId, wfRunId, args.threadRunNumber, args.name)]);
      if (!run || !row) return null;
      const masker = await WfRunMasker.of(ctx, run.wfSpecName);
      return { wfRunId, threadRunNumber: row.threadRunNumber, name: row.name, value: masker.value(row.name, row.value ?? null), wfRun: run };
    },
  }),
  variables: t.connection(
    {
      type: VariableRef,
      description:
        'Variables holding exactly a value, in any ThreadRun of the WfRuns of a WfSpec (version), newest WfRun first (LittleHorse SearchVariable), optionally only in WfRuns of a status or start-time range. Only variables the WfSpec declares searchable are indexed, and only they can be searched by; masked ones cannot.',
      args: {
        wfSpecName: t.arg.string({ required: true }),
        majorVersion: t.arg.int(),
        revision: t.arg.int({ description: 'Needs majorVersion.' }),
        name: t.arg.string({ required: true }),
        value: t.arg({ type: 'JSON', required: true, description: 'The exact value, compared as JSON.' }),
        status: t.arg({ type: LHStatusEnum, description: 'Of WfRuns in this status.' }),
        startedAfter: t.arg({ type: 'DateTime', description: 'Of WfRuns started at or after this time.' }),
        startedBefore: t.arg({ type: 'DateTime', description: 'Of WfRuns started before this time.' }),
      },
      resolve: async (_root, args, ctx) => {
        refuseRevisionWithoutMajor('variables', args);
        refuseDeepValue(['value'], args.value);
        const versions = await wfSpecVersionsOf(ctx, args.wfSpecName);
        if (versions.length === 0) {
          throw new ValidationError(`No WfSpec is named '${args.wfSpecName}'.`, [{ path: ['wfSpecName'], code: 'UNKNOWN_WF_SPEC', message: 'Name a registered WfSpec.' }]);
        }
        // A search by a masked variable's value would let a reader guess the secret and watch for a match.
        if ((await WfRunMasker.of(ctx, args.wfSpecName)).masks(args.name)) {
          throw new ValidationError(`Variable '${args.name}' is masked: it cannot be searched by its value.`, [{ path: ['name'], code: 'UNKNOWN_VARIABLE', message: 'A masked variable cannot be searched by.' }]);
        }
        if (!versions.some((spec) => searchableNamesOf(spec).has(args.name))) {
          const message = `Variable '${args.name}' is not searchable in WfSpec '${args.wfSpecName}': declare it searchable (the SDK's .searchable()) to find it by its value.`;
          throw new ValidationError(message, [{ path: ['name'], code: 'UNKNOWN_VARIABLE', message: 'No thread of any version of the WfSpec declares this variable searchable.' }]);
        }
        const search = { ...args, value: searchedValue(versions, args.name, args.value as JsonValue) };
        return resolveCursorPage(
          { args: checkedPageArgs(args), toCursor: (row: FoundVariable) => encodeCursor('variables', [row.wfRun.startTime.getTime(), row.wfRunId, row.threadRunNumber]), maxSize: 500 },
          async ({ after, limit }: ResolveCursorConnectionArgs) => {
            const parts = after === undefined ? undefined : decodeCursor(after, 'variables', 'tsi');
            const cursor = parts && { startTime: new Date(Number(parts[0])), wfRunId: String(parts[1]), threadRunNumber: Number(parts[2]) };
            return searchVariables(ctx.services.db, ctx.tenantId, search, cursor, limit);
          },
        );
      },
    },
    { name: 'VariableConnection' },
    { name: 'VariableEdge' },
  ),
  countNodeRuns: t.float({
    description: "How many NodeRuns the tenant's WfRuns have had: all, or those of a WfSpec, or of one major version or revision of it (LittleHorse CountNodeRun).",
    args: { wfSpecName: t.arg.string(), majorVersion: t.arg.int(), revision: t.arg.int() },
    resolve: (_root, args, { services, tenantId }) => {
      if (args.majorVersion != null && args.wfSpecName == null) {
        throw new ValidationError('countNodeRuns was given a majorVersion without a wfSpecName.', [{ path: ['wfSpecName'], code: 'MISSING_FIELD', message: 'A version belongs to a WfSpec: name it.' }]);
      }
      refuseRevisionWithoutMajor('countNodeRuns', args);
      return countNodeRuns(services.db, tenantId, args);
    },
  }),
  wfRun: t.field({
    type: WfRunRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, { services, tenantId }) => (await findWfRun(services.db, tenantId, String(id))) ?? null,
  }),
  wfRuns: t.connection({
    type: WfRunRef,
    description: 'WfRuns, newest first: all of them, or those of a WfSpec (version), status, start-time range, or entrypoint variable value.',
    args: {
      wfSpecName: t.arg.string(),
      majorVersion: t.arg.int(),
      revision: t.arg.int(),
      status: t.arg({ type: LHStatusEnum }),
      startedAfter: t.arg({ type: 'DateTime', description: 'Started at or after this time.' }),
      startedBefore: t.arg({ type: 'DateTime', description: 'Started before this time.' }),
      variable: t.arg({ type: VariableFilterInput, description: 'An entrypoint-thread variable holding exactly this value; needs wfSpecName, and the variable declared searchable (only those are indexed), as in LittleHorse.' }),
    },
    resolve: async (_root, args, ctx) => {
      const { services, tenantId } = ctx;
      refuseRevisionWithoutMajor('wfRuns', args);
      if (args.variable) refuseDeepValue(['variable', 'value'], args.variable.value);
      // A search by a masked variable's value would let a reader guess the secret and watch for a match.
      if (args.variable && args.wfSpecName && (await WfRunMasker.of(ctx, args.wfSpecName)).masks(args.variable.name)) {
        throw new ValidationError(`Variable '${args.variable.name}' is masked: WfRuns cannot be searched by its value.`, [
          { path: ['variable', 'name'], code: 'UNKNOWN_VARIABLE', message: 'A masked variable cannot be searched by.' },
        ]);
      }
      // As in LittleHorse, only the values of variables declared searchable are indexed.
      const variableName = args.variable?.name;
      const versions = variableName !== undefined && args.wfSpecName ? await wfSpecVersionsOf(ctx, args.wfSpecName) : [];
      if (variableName !== undefined && args.wfSpecName && !versions.some((spec) => isSearchableEntrypointVariable(spec, variableName))) {
        const message = versions.some((spec) => searchableNamesOf(spec).has(variableName))
          ? `Variable '${variableName}' is searchable in WfSpec '${args.wfSpecName}' but not an entrypoint variable: the variables query finds it in any thread.`
          : `Variable '${variableName}' is not searchable in WfSpec '${args.wfSpecName}': declare it searchable (the SDK's .searchable()) to find WfRuns by its value.`;
        throw new ValidationError(message, [{ path: ['variable', 'name'], code: 'UNKNOWN_VARIABLE', message: 'No version of the WfSpec declares this entrypoint variable searchable.' }]);
      }
      return resolveCursorPage(
        { args: checkedPageArgs(args), toCursor: (row: WfRunSummaryRow) => encodeCursor('wfRuns', [row.startTime.getTime(), row.id]), maxSize: 500 },
        ({ after, limit }: ResolveCursorConnectionArgs) => {
          const parts = after === undefined ? undefined : decodeCursor(after, 'wfRuns', 'ts');
          const cursor = parts && { startTime: new Date(Number(parts[0])), id: String(parts[1]) };
          if (args.variable && !args.wfSpecName) {
            throw new ValidationError('Searching WfRuns by a variable needs wfSpecName.', [{ path: ['wfSpecName'], code: 'MISSING_FIELD', message: 'Name the WfSpec whose variable is searched.' }]);
          }
          const variable = args.variable && { name: args.variable.name, value: searchedValue(versions, args.variable.name, (args.variable.value ?? null) as JsonValue, true) };
          return listWfRuns(services.db, tenantId, { ...args, variable }, cursor, limit);
        },
      );
    },
  }, { name: 'WfRunConnection' }, { name: 'WfRunEdge' }),
}));

builder.mutationFields((t) => ({
  runWf: t.field({
    type: WfRunRef,
    description: 'Starts a WfRun; it has advanced to its first wait when this returns.',
    errors: { types: [ValidationError, NotFoundError, AlreadyExistsError], directResult: true, union: { name: 'RunWfResult' } },
    args: { input: t.arg({ type: RunWfInput, required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      refuseRevisionWithoutMajor('runWf', input, ['input']);
      const id = input.id == null ? randomUUID().replaceAll('-', '') : String(input.id);
      const { spec, externalEvents } = await readsBeforeRunWf(services, tenantId, input, id);
      if (!spec) {
        const version = input.majorVersion == null ? '' : ` version ${input.majorVersion}${input.revision == null ? '' : `.${input.revision}`}`;
        throw new NotFoundError('WfSpec', `${input.wfSpecName}${version}`);
      }
      if (!isValidName(id)) {
        throw new ValidationError(`WfRun id ${describeName(id)} is invalid.`, [
          { path: ['input', 'id'], code: 'INVALID_NAME', message: `A WfRun id must be ${NAME_RULE}.` },
        ]);
      }
      const variables = (input.variables ?? {}) as Record<string, JsonValue>;
      const tooLarge = valueSizeProblems(services.limits, ['input', 'variables'], variables);
      if (tooLarge.length > 0) throw ValidationError.of('runWf was given a value too large', tooLarge);
      const outcome = await services.execute(tenantId, id, { type: 'RunWf', wfRunId: id, variables, externalEvents }, spec);
      if (!outcome.ok) {
        const { rejection } = outcome;
        if (rejection.code === 'WF_RUN_ALREADY_EXISTS') throw new AlreadyExistsError(rejection.message);
        throw new ValidationError(rejection.message, rejection.problems ?? []);
      }
      return outcome.row;
    },
  }),
}));

const ThreadRunInput = builder.inputType('StopWfRunInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    threadRunNumber: t.int({ defaultValue: 0, description: 'The thread to stop with its children; 0, the default, stops the WfRun.' }),
  }),
});

const ResumeInput = builder.inputType('ResumeWfRunInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    threadRunNumber: t.int({ defaultValue: 0, description: 'The thread to resume with the children it stopped; 0 by default.' }),
  }),
});

/** stopWfRun and resumeWfRun: a command on one thread, answered with the WfRun. */
async function haltCommand(
  services: Context['services'],
  tenantId: string,
  input: { id: string | number; threadRunNumber?: number | null },
  type: 'StopWfRun' | 'ResumeWfRun',
): Promise<WfRunRow> {
  const id = String(input.id);
  const outcome = await services.execute(tenantId, id, { type, threadRunNumber: input.threadRunNumber ?? 0 });
  if (outcome.ok) return outcome.row;
  const { rejection } = outcome;
  if (rejection.code === 'WF_RUN_NOT_FOUND') throw new NotFoundError('WfRun', id);
  throw new ValidationError(rejection.message, [{ path: ['input', rejection.code === 'UNKNOWN_THREAD_RUN' ? 'threadRunNumber' : 'id'], code: 'OUT_OF_RANGE', message: rejection.message }]);
}

const RescueInput = builder.inputType('RescueThreadRunInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    threadRunNumber: t.int({ defaultValue: 0 }),
    skipCurrentNode: t.boolean({ defaultValue: false, description: 'Leave the failed node by its edges instead of running it again.' }),
  }),
});

builder.mutationFields((t) => ({
  rescueThreadRun: t.field({
    type: WfRunRef,
    description: 'Runs a ThreadRun that failed with an ERROR again from its failed node (or past it), and the ancestors it failed.',
    errors: { types: [ValidationError, NotFoundError], directResult: true, union: { name: 'RescueThreadRunResult' } },
    args: { input: t.arg({ type: RescueInput, required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      const id = String(input.id);
      const outcome = await services.execute(tenantId, id, {
        type: 'RescueThreadRun',
        threadRunNumber: input.threadRunNumber ?? 0,
        skipCurrentNode: input.skipCurrentNode ?? false,
      });
      if (outcome.ok) return outcome.row;
      if (outcome.rejection.code === 'WF_RUN_NOT_FOUND') throw new NotFoundError('WfRun', id);
      const field = outcome.rejection.code === 'UNKNOWN_THREAD_RUN' || outcome.rejection.code === 'NOT_RESCUABLE' ? 'threadRunNumber' : 'id';
      throw new ValidationError(outcome.rejection.message, [{ path: ['input', field], code: 'OUT_OF_RANGE', message: outcome.rejection.message }]);
    },
  }),
  stopWfRun: t.field({
    type: WfRunRef,
    description: 'Stops a WfRun (or one ThreadRun) and its child ThreadRuns where they stand; a running TaskRun is let finish first (HALTING). Child WfRuns it started run on, as in LittleHorse. Stopping what has ended changes nothing.',
    errors: { types: [ValidationError, NotFoundError], directResult: true, union: { name: 'StopWfRunResult' } },
    args: { input: t.arg({ type: ThreadRunInput, required: true }) },
    resolve: (_root, { input }, { services, tenantId }) => haltCommand(services, tenantId, input, 'StopWfRun'),
  }),
  resumeWfRun: t.field({
    type: WfRunRef,
    description: 'Lets a stopped WfRun (or ThreadRun) and the children it stopped run again.',
    errors: { types: [ValidationError, NotFoundError], directResult: true, union: { name: 'ResumeWfRunResult' } },
    args: { input: t.arg({ type: ResumeInput, required: true }) },
    resolve: (_root, { input }, { services, tenantId }) => haltCommand(services, tenantId, input, 'ResumeWfRun'),
  }),
}));

const DeleteWfRunInput = builder.inputType('DeleteWfRunInput', { fields: (t) => ({ id: t.id({ required: true }) }) });

const DeletedWfRunRef = builder.objectRef<{ id: string }>('DeletedWfRun').implement({
  description: 'The WfRun that was deleted, with everything it owned.',
  fields: (t) => ({ id: t.exposeID('id') }),
});

const MigrateWfSpecInput = builder.inputType('MigrateWfSpecInput', {
  fields: (t) => ({
    wfRunId: t.id({ required: true }),
    revision: t.int({ description: 'The revision of its major version to move to; the newest when left out.' }),
  }),
});

builder.mutationFields((t) => ({
  deleteWfRun: t.field({
    type: DeletedWfRunRef,
    description:
      'Deletes a WfRun, running or not, with its events, NodeRuns, variables, TaskRuns, timers and events. Its child WfRuns stay. Workers holding its TaskRuns get accepted: false when they report.',
    errors: { types: [ValidationError, NotFoundError], directResult: true, union: { name: 'DeleteWfRunResult' } },
    args: { input: t.arg({ type: DeleteWfRunInput, required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      const id = String(input.id);
      const deleted = await services.deleteWfRun(tenantId, id);
      if (!deleted) throw new NotFoundError('WfRun', id);
      return { id };
    },
  }),
  migrateWfSpec: t.field({
    type: WfRunRef,
    description:
      'Moves a WfRun to a later revision of the WfSpec version it runs on, where that is safe: every thread finds its node, of the same type, and every variable keeps its type. Refused with a problem for each place that does not fit.',
    errors: { types: [ValidationError, NotFoundError], directResult: true, union: { name: 'MigrateWfSpecResult' } },
    args: { input: t.arg({ type: MigrateWfSpecInput, required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      const id = String(input.wfRunId);
      const run = await findWfRun(services.db, tenantId, id);
      if (!run) throw new NotFoundError('WfRun', id);
      const target = await findWfSpec(services.db, tenantId, run.wfSpecName, run.majorVersion, input.revision);
      if (!target) throw new NotFoundError('WfSpec', `${run.wfSpecName} ${run.majorVersion}.${input.revision ?? 'newest'}`);
      const outcome = await services.execute(tenantId, id, { type: 'MigrateWfRun', wfSpec: target.spec });
      if (outcome.ok) return outcome.row;
      const { rejection } = outcome;
      if (rejection.code === 'WF_RUN_NOT_FOUND') throw new NotFoundError('WfRun', id);
      throw new ValidationError(rejection.message, rejection.problems?.length ? rejection.problems : [{ path: ['input', 'revision'], code: 'OUT_OF_RANGE', message: rejection.message }]);
    },
  }),
}));

builder.subscriptionFields((t) => ({
  wfRunsChanged: t.field({
    type: WfRunRef,
    description:
      'Each WfRun (of one WfSpec, or any) whose summary changed, as it is now, from the moment of subscribing (or, with since, first those changed since then: a client subscribing again resumes); a WfRun that changes several times in a burst comes once, as it ended up.',
    args: { wfSpecName: t.arg.string(), since: t.arg({ type: 'DateTime', description: 'Also deliver, first, the WfRuns changed since this time (a few seconds before it too, for clocks that differ).' }) },
    subscribe: (_root, args, ctx) => queueReader((queue: AsyncQueue<string>) => followWfRuns(ctx, queue, args.wfSpecName ?? undefined, args.since ?? undefined)),
    resolve: (row) => row,
  }),
  wfRunEvents: t.field({
    type: WfRunEventRef,
    description:
      'Every event of a WfRun after afterSeq (all by default): the stored ones first, then each as it is committed, in seq order. A WfRun that does not exist ends it at once with an error coded NotFoundError.',
    args: { id: t.arg.id({ required: true }), afterSeq: t.arg.int() },
    subscribe: async (_root, args, ctx) => {
      const id = String(args.id);
      // Refused before anything is followed: a WfRun that does not exist sends no events, and would be waited on for
      // ever. Thrown here, it is the answer's only error (a GallopError, so coded NotFoundError; app.ts) and the
      // subscription completes; a union result would change the type every client of this subscription selects on.
      if (!(await findWfRun(ctx.services.db, ctx.tenantId, id))) throw new NotFoundError('WfRun', id);
      return queueReader((queue: AsyncQueue<BusMessage>) => followEvents(ctx, followLog(ctx, queue, id, args.afterSeq ?? 0), id));
    },
    resolve: (event) => event,
  }),
}));

/** Clocks of server processes differ a little: look back this much further than the last time news was heard. */
const RESYNC_MARGIN_MS = 5_000;

/** Reads each changed WfRun's row once per burst of changes, in the order they came, and yields the matching ones. */
async function* followWfRuns(ctx: Context, queue: AsyncQueue<string>, wfSpecName: string | undefined, since: Date | undefined): AsyncGenerator<WfRunView> {
  const { services, tenantId } = ctx;
  const pending = new Set<string>();
  const changed = (wfRunId: string) => {
    if (pending.has(wfRunId)) return;
    pending.add(wfRunId);
    queue.push(wfRunId);
  };
  const unsubscribe = services.bus.subscribeAll(
    (tenant, wfRunId) => {
      if (tenant === tenantId) changed(wfRunId);
    },
    // News may have been lost: the WfRuns changed since then, read from the table, go through the same way.
    (lost) => changedAfter(lost),
  );
  function changedAfter(time: number): void {
    changedSince(services.db, tenantId, new Date(time - RESYNC_MARGIN_MS), wfSpecName).then(
      (ids) =>
        ids.forEach((id) => {
          // Its shared row may predate what was missed: read it afresh.
          services.wfRunRows.forget(tenantId, id);
          changed(id);
        }),
      (error: unknown) => services.log.error({ err: error }, 'Could not look for WfRuns changed while news was lost'),
    );
  }
  // Subscribed again after a gap: what changed in it comes first, the same way (listening already, so nothing falls between).
  if (since) changedAfter(since.getTime());
  try {
    for await (const wfRunId of queue) {
      pending.delete(wfRunId);
      const row = await services.wfRunRows.get(tenantId, wfRunId);
      if (row && (wfSpecName === undefined || row.wfSpecName === wfSpecName)) yield row;
    }
  } finally {
    unsubscribe();
    queue.close();
    // Changes are noted only while something follows every WfRun: what is kept would go stale.
    if (!services.bus.followsAll) services.wfRunRows.clear();
  }
}

/**
 * followLog's events as readers may see them. The masker is made at the first event, when the WfRun is sure to
 * exist, and again after a migration, whose WfSpec version may have been registered since.
 */
async function* followEvents(ctx: Context, log: AsyncGenerator<WfRunEventView>, wfRunId: string): AsyncGenerator<WfRunEventView> {
  let masker: WfRunMasker | undefined;
  for await (const view of log) {
    if (!masker || view.event.type === 'WfRunMigrated') {
      const run = await findWfRun(ctx.services.db, ctx.tenantId, wfRunId);
      masker = run ? await WfRunMasker.read(ctx, run.wfSpecName) : WfRunMasker.everything();
    }
    yield { ...view, event: masker.event(view.event) };
  }
}

/** Reads the log from `afterSeq`, then follows live events, reading the log again to fill any gap. */
async function* followLog(ctx: Context, queue: AsyncQueue<BusMessage>, wfRunId: string, afterSeq: number): AsyncGenerator<WfRunEventView> {
  const { services, tenantId } = ctx;
  // Subscribe before reading the log, so nothing committed in between is missed.
  const unsubscribe = services.bus.subscribe(tenantId, wfRunId, (message) => queue.push(message));
  let last = afterSeq;
  // Page by page: a WfRun's log can be far longer than one read should hold (a wide fan-out makes tens of thousands).
  const readLog = async function* () {
    for (;;) {
      const rows = await listEvents(services.db, tenantId, wfRunId, last, EVENT_PAGE);
      for (const row of rows) {
        last = row.seq;
        yield { wfRunId, seq: row.seq, event: row.event };
      }
      if (rows.length < EVENT_PAGE) return;
    }
  };
  try {
    yield* readLog();
    for await (const message of queue) {
      if ('upToSeq' in message) {
        if (message.upToSeq > last) yield* readLog();
        continue;
      }
      for (const stored of message.events) {
        if (stored.seq <= last) continue;
        if (stored.seq > last + 1) yield* readLog();
        if (stored.seq !== last + 1) continue;
        last = stored.seq;
        yield { wfRunId, seq: stored.seq, event: stored.event };
      }
    }
  } finally {
    unsubscribe();
    queue.close();
  }
}

/**
 * The WfSpec a runWf names and the events sent to its WfRun id before the WfRun existed, which wait for it
 * (LittleHorse). With an id, both come from one statement: runWf's latency is the WfRun's.
 */
async function readsBeforeRunWf(
  services: Context['services'],
  tenantId: string,
  input: { wfSpecName: string; majorVersion?: number | null; revision?: number | null; id?: string | number | null },
  id: string,
): Promise<{ spec: VersionedWfSpec | undefined; externalEvents: EarlyExternalEvent[] }> {
  const { wfSpecName: name, majorVersion, revision } = input;
  if (input.id == null || !isValidName(id)) return { spec: await services.metadata.findWfSpec(services.store, tenantId, name, majorVersion, revision), externalEvents: [] };
  const { newest, early } = await newestVersionAndEarlyEvents(services.store, tenantId, name, majorVersion ?? null, id);
  const version = majorVersion != null && revision != null ? { majorVersion, revision } : newest;
  return { spec: version && (await services.metadata.runnable(services.db, tenantId, { name, ...version })), externalEvents: early };
}

/** A search by a value nested past the limit would only overflow the stack of whatever reads it. */
function refuseDeepValue(path: readonly (string | number)[], value: unknown): void {
  const problem = depthProblem(path, value);
  if (problem) throw ValidationError.of('The value searched by is nested too deeply', [problem]);
}

/**
 * The value to look for: a number or BOOL searched in a STR variable as its text, as RunWf and ASSIGN store it
 * (so `--var customer=12345` finds what `gallop run … --var customer=12345` started).
 */
function searchedValue(versions: readonly VersionedWfSpec[], name: string, value: JsonValue, entrypointOnly = false): JsonValue {
  for (const spec of versions) {
    // A WfRun search looks at the entrypoint's variable; a variable search at any thread's of that name.
    const threads = entrypointOnly ? [spec.threadSpecs[spec.entrypointThreadName]].filter((t) => t !== undefined) : Object.values(spec.threadSpecs);
    for (const thread of threads) {
      const def = thread.variableDefs?.find((d) => d.name === name);
      if (def) return widen(value, def.type);
    }
  }
  return value;
}
