import { isValidName, MASKED_VALUE, NAME_RULE } from '@gallop/engine';
import { builder } from '../builder.ts';
import type { Context } from '../builder.ts';
import { GallopError } from '../errors.ts';
import { deleteNamedDef, findWorkflowEventDef, insertWorkflowEventDef, listWorkflowEventDefs } from '../../store/queries/metadata.ts';
import { workflowEventDefs } from '../../store/schema.ts';
import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import type { WorkflowEventDefRow } from '../../store/queries/metadata.ts';
import { findWorkflowEvent, firstWorkflowEventOf, listWorkflowEventsOf, searchWorkflowEvents } from '../../store/queries/workflow-events.ts';
import type { WorkflowEventRow } from '../../store/queries/workflow-events.ts';
import { findWfRun } from '../../store/queries/wf-runs.ts';
import { decodeCursor, encodeCursor, ErrorInterface, NotFoundError, checkedPageArgs, ValidationError, resolveCursorPage } from './common.ts';
import { WfRunRef } from './wf-run.ts';

/** Nothing arrived before the deadline. */
export class DeadlineExceededError extends GallopError {
  override readonly name = 'DeadlineExceededError';
}

builder.objectType(DeadlineExceededError, { name: 'DeadlineExceededError', interfaces: [ErrorInterface], fields: () => ({}) });

const WorkflowEventDefRef = builder.objectRef<WorkflowEventDefRow>('WorkflowEventDef').implement({
  description: 'A kind of event that WfRuns throw to the world.',
  fields: (t) => ({ name: t.exposeString('name'), createdAt: t.field({ type: 'DateTime', resolve: (row) => row.createdAt }) }),
});

const WorkflowEventRef = builder.objectRef<WorkflowEventRow>('WorkflowEvent').implement({
  description: 'An event a THROW_EVENT node threw; numbered per WfRun and def from 0.',
  fields: (t) => ({
    wfRunId: t.exposeID('wfRunId'),
    workflowEventDefName: t.exposeString('workflowEventDefName'),
    number: t.exposeInt('number'),
    content: t.field({
      type: 'JSON',
      nullable: true,
      description: `What the THROW_EVENT node sent; "${MASKED_VALUE}" when made from a masked variable or node output.`,
      resolve: (row) => (row.masked === true ? MASKED_VALUE : (row.content ?? null)),
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (row) => row.createdAt }),
    threadRunNumber: t.exposeInt('threadRunNumber', { nullable: true, description: 'The ThreadRun of the THROW_EVENT NodeRun that threw it (LittleHorse: node_run_id).' }),
    nodeRunPosition: t.exposeInt('nodeRunPosition', { nullable: true, description: 'That NodeRun\'s position in its ThreadRun. Null, with threadRunNumber, only for an event a server older than migration 0025 wrote after that migration ran (a rolling upgrade).' }),
  }),
});

builder.objectField(WfRunRef, 'workflowEvents', (t) =>
  t.field({
    type: [WorkflowEventRef],
    description: 'The WorkflowEvents it threw, by time; those of one moment by def, then number (LittleHorse: ListWorkflowEvents).',
    resolve: (run, _args, { services, tenantId }) => listWorkflowEventsOf(services.db, tenantId, run.id),
  }),
);

const AwaitWorkflowEventInput = builder.inputType('AwaitWorkflowEventInput', {
  fields: (t) => ({
    wfRunId: t.id({ required: true }),
    workflowEventDefNames: t.stringList({ required: true }),
    timeoutMs: t.int({ defaultValue: 30_000, description: 'At most 60000.' }),
  }),
});

builder.mutationFields((t) => ({
  putWorkflowEventDef: t.field({
    type: WorkflowEventDefRef,
    errors: { types: [ValidationError], directResult: true, union: { name: 'PutWorkflowEventDefResult' } },
    args: { input: t.arg({ type: builder.inputType('PutWorkflowEventDefInput', { fields: (f) => ({ name: f.string({ required: true }) }) }), required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      if (!isValidName(input.name)) {
        throw ValidationError.of(`WorkflowEventDef '${input.name}' is invalid`, [
          { path: ['input', 'name'], code: 'INVALID_NAME', message: `A name must be ${NAME_RULE}.` },
        ]);
      }
      return insertWorkflowEventDef(services.db, tenantId, { name: input.name });
    },
  }),
  deleteWorkflowEventDef: t.field({
    type: builder.objectRef<{ name: string }>('DeletedWorkflowEventDef').implement({ fields: (f) => ({ name: f.exposeString('name') }) }),
    description: 'Deletes a WorkflowEventDef: WfSpecs that throw it can no longer be registered. WorkflowEvents already thrown stay.',
    errors: { types: [NotFoundError], directResult: true, union: { name: 'DeleteWorkflowEventDefResult' } },
    args: { input: t.arg({ type: builder.inputType('DeleteWorkflowEventDefInput', { fields: (f) => ({ name: f.string({ required: true }) }) }), required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      if (!(await deleteNamedDef(services.db, workflowEventDefs, tenantId, input.name))) throw new NotFoundError('WorkflowEventDef', input.name);
      services.metadataDeleted(tenantId);
      return { name: input.name };
    },
  }),
}));

builder.queryFields((t) => ({
  workflowEventDef: t.field({
    type: WorkflowEventDefRef,
    nullable: true,
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_root, { name }, { services, tenantId }) => (await findWorkflowEventDef(services.db, tenantId, name)) ?? null,
  }),
  workflowEvent: t.field({
    type: WorkflowEventRef,
    nullable: true,
    description: 'One WorkflowEvent: the number-th of its def that the WfRun threw, from 0.',
    args: { wfRunId: t.arg.id({ required: true }), workflowEventDefName: t.arg.string({ required: true }), number: t.arg.int({ required: true }) },
    resolve: async (_root, args, { services, tenantId }) =>
      (await findWorkflowEvent(services.db, tenantId, String(args.wfRunId), args.workflowEventDefName, args.number)) ?? null,
  }),
  workflowEvents: t.connection(
    {
      type: WorkflowEventRef,
      description: 'WorkflowEvents of a def, newest first, optionally only those thrown within a time range (LittleHorse SearchWorkflowEvent).',
      args: {
        workflowEventDefName: t.arg.string({ required: true }),
        createdAfter: t.arg({ type: 'DateTime', description: 'Thrown at or after this time.' }),
        createdBefore: t.arg({ type: 'DateTime', description: 'Thrown before this time.' }),
      },
      resolve: (_root, args, { services, tenantId }) =>
        resolveCursorPage(
          { args: checkedPageArgs(args), toCursor: (row: WorkflowEventRow) => encodeCursor('workflowEvents', [row.createdAt.getTime(), row.wfRunId, row.number]), maxSize: 500 },
          ({ after, limit }: ResolveCursorConnectionArgs) => {
            const parts = after === undefined ? undefined : decodeCursor(after, 'workflowEvents', 'tsi');
            const cursor = parts && { createdAt: new Date(Number(parts[0])), wfRunId: String(parts[1]), number: Number(parts[2]) };
            return searchWorkflowEvents(services.db, tenantId, { workflowEventDefName: args.workflowEventDefName, after: args.createdAfter, before: args.createdBefore }, cursor, limit);
          },
        ),
    },
    { name: 'WorkflowEventConnection' },
    { name: 'WorkflowEventEdge' },
  ),
  workflowEventDefs: t.connection(
    {
      type: WorkflowEventDefRef,
      description: 'WorkflowEventDefs by name, all of them or those whose name starts with `prefix`.',
      args: { prefix: t.arg.string() },
      resolve: (_root, args, { services, tenantId }) =>
        resolveCursorPage({ args: checkedPageArgs(args), toCursor: (row: WorkflowEventDefRow) => encodeCursor('workflowEventDefs', [row.name]), maxSize: 500 }, ({ after, limit }: ResolveCursorConnectionArgs) => {
          return listWorkflowEventDefs(services.db, tenantId, after === undefined ? undefined : String(decodeCursor(after, 'workflowEventDefs', 's')[0]), limit, args.prefix);
        }),
    },
    { name: 'WorkflowEventDefConnection' },
    { name: 'WorkflowEventDefEdge' },
  ),
  awaitWorkflowEvent: t.field({
    type: WorkflowEventRef,
    description:
      'The first WorkflowEvent of the given defs that the WfRun threw, waiting up to timeoutMs for one (LittleHorse). A WfRun that does not exist is NotFoundError at once (LittleHorse waits out the deadline).',
    errors: { types: [ValidationError, NotFoundError, DeadlineExceededError], directResult: true, union: { name: 'AwaitWorkflowEventResult' } },
    args: { input: t.arg({ type: AwaitWorkflowEventInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const timeoutMs = input.timeoutMs ?? 30_000;
      if (timeoutMs < 0 || timeoutMs > 60_000 || input.workflowEventDefNames.length === 0) {
        throw ValidationError.of('awaitWorkflowEvent was called with bad input', [
          { path: ['input', timeoutMs < 0 || timeoutMs > 60_000 ? 'timeoutMs' : 'workflowEventDefNames'], code: 'OUT_OF_RANGE', message: 'timeoutMs must be 0 to 60000 and at least one def named.' },
        ]);
      }
      for (const name of input.workflowEventDefNames) {
        if (!(await findWorkflowEventDef(ctx.services.db, ctx.tenantId, name))) throw new NotFoundError('WorkflowEventDef', name);
      }
      return awaitEvent(ctx, String(input.wfRunId), input.workflowEventDefNames, timeoutMs);
    },
  }),
}));

async function awaitEvent(ctx: Context, wfRunId: string, names: string[], timeoutMs: number): Promise<WorkflowEventRow> {
  const { services, tenantId } = ctx;
  const first = () => firstWorkflowEventOf(services.db, tenantId, wfRunId, names);
  // News of the WfRun since the last look began: a look that saw nothing is taken again at once rather than waited
  // out, since the event may have been committed while it read (the wait would then last until the WfRun's next news).
  let news = false;
  let wake: () => void = () => {};
  // Listen before looking, so an event thrown in between is not missed.
  const unsubscribe = services.bus.subscribe(tenantId, wfRunId, () => {
    news = true;
    wake();
  });
  try {
    const deadline = services.clock() + timeoutMs;
    for (let looked = false; ; looked = true) {
      news = false;
      const found = await first();
      if (found) return found;
      // No event yet: the WfRun may not exist, and then none ever comes. Asked once, after the first look, so an
      // await answered at once costs no extra read.
      if (!looked && !(await findWfRun(services.db, tenantId, wfRunId))) throw new NotFoundError('WfRun', wfRunId);
      const remaining = deadline - services.clock();
      if (remaining <= 0 || ctx.signal?.aborted) throw new DeadlineExceededError(`No WorkflowEvent of ${names.join(', ')} from WfRun ${wfRunId} within ${timeoutMs} ms.`);
      if (news) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = () => {};
    }
  } finally {
    unsubscribe();
  }
}
