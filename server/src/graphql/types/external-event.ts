import { isValidName, isValidWfRunId } from '@gallop/engine';
import type { JsonValue } from '@gallop/engine';
import { randomUUID } from 'node:crypto';
import { builder } from '../builder.ts';
import { sizeProblem } from '../limits.ts';
import { deleteExternalEventDef, findExternalEventDef, insertExternalEventDef, listExternalEventDefs } from '../../store/queries/metadata.ts';
import type { ExternalEventDefRow } from '../../store/queries/metadata.ts';
import { findExternalEvent, insertEarlyExternalEvent } from '../../store/queries/external-events.ts';
import type { ExternalEventRow } from '../../store/queries/external-events.ts';
import { resolveCursorConnection } from '@pothos/plugin-relay';
import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { searchExternalEvents } from '../../store/queries/external-events.ts';
import { AlreadyExistsError, decodeCursor, encodeCursor, NotFoundError, pageSize, ValidationError } from './common.ts';

export const ExternalEventDefRef = builder.objectRef<ExternalEventDefRow>('ExternalEventDef').implement({
  description: 'A kind of event the world sends to WfRuns.',
  fields: (t) => ({
    name: t.exposeString('name'),
    createdAt: t.field({ type: 'DateTime', resolve: (row) => row.createdAt }),
  }),
});

export const ExternalEventRef = builder.objectRef<ExternalEventRow>('ExternalEvent').implement({
  description: 'An event sent to a WfRun; claimed once an EXTERNAL_EVENT node has taken it.',
  fields: (t) => ({
    wfRunId: t.exposeID('wfRunId'),
    guid: t.exposeString('guid'),
    externalEventDefName: t.exposeString('externalEventDefName'),
    content: t.field({ type: 'JSON', nullable: true, resolve: (row) => row.content ?? null }),
    createdAt: t.field({ type: 'DateTime', resolve: (row) => row.createdAt }),
    claimed: t.exposeBoolean('claimed'),
    threadRunNumber: t.int({ nullable: true, description: 'The ThreadRun that took it; while unclaimed, the one it was pinned to.', resolve: (row) => row.threadRunNumber }),
    nodeRunPosition: t.int({ nullable: true, description: 'The NodeRun that took it; while unclaimed, the one it was pinned to.', resolve: (row) => row.nodeRunPosition }),
  }),
});

const PutExternalEventDefInput = builder.inputType('PutExternalEventDefInput', {
  fields: (t) => ({ name: t.string({ required: true }) }),
});

const PutExternalEventInput = builder.inputType('PutExternalEventInput', {
  fields: (t) => ({
    wfRunId: t.id({ required: true }),
    externalEventDefName: t.string({ required: true }),
    content: t.field({ type: 'JSON' }),
    guid: t.string({ description: 'Makes the put idempotent; a random one when absent.' }),
    threadRunNumber: t.int({ description: 'Only this ThreadRun takes it: its EXTERNAL_EVENT nodes, or its interrupts (LittleHorse).' }),
    nodeRunPosition: t.int({ description: 'Only the EXTERNAL_EVENT NodeRun at this position takes it (of threadRunNumber when given).' }),
  }),
});

builder.queryFields((t) => ({
  externalEvents: t.connection(
    {
      type: ExternalEventRef,
      description: 'ExternalEvents of a def, newest first, optionally only claimed or unclaimed ones (LittleHorse SearchExternalEvent).',
      args: { externalEventDefName: t.arg.string({ required: true }), claimed: t.arg.boolean() },
      resolve: (_root, args, { services, tenantId }) =>
        resolveCursorConnection(
          { args, toCursor: (row: ExternalEventRow) => encodeCursor([row.createdAt.getTime(), row.wfRunId, row.guid]), maxSize: 500 },
          ({ after, limit }: ResolveCursorConnectionArgs) => {
            pageSize(args.first);
            const parts = after === undefined ? undefined : decodeCursor(after, 3);
            const cursor = parts && { createdAt: new Date(Number(parts[0])), wfRunId: String(parts[1]), guid: String(parts[2]) };
            return searchExternalEvents(services.db, tenantId, { externalEventDefName: args.externalEventDefName, claimed: args.claimed }, cursor, limit);
          },
        ),
    },
    { name: 'ExternalEventConnection' },
    { name: 'ExternalEventEdge' },
  ),
  externalEventDefs: t.connection(
    {
      type: ExternalEventDefRef,
      description: 'ExternalEventDefs by name, all of them or those whose name starts with `prefix`.',
      args: { prefix: t.arg.string() },
      resolve: (_root, args, { services, tenantId }) =>
        resolveCursorConnection({ args, toCursor: (row: ExternalEventDefRow) => encodeCursor([row.name]), maxSize: 500 }, ({ after, limit }: ResolveCursorConnectionArgs) => {
          pageSize(args.first);
          return listExternalEventDefs(services.db, tenantId, after === undefined ? undefined : String(decodeCursor(after, 1)[0]), limit, args.prefix);
        }),
    },
    { name: 'ExternalEventDefConnection' },
    { name: 'ExternalEventDefEdge' },
  ),
  externalEvent: t.field({
    type: ExternalEventRef,
    nullable: true,
    args: { wfRunId: t.arg.id({ required: true }), guid: t.arg.string({ required: true }) },
    resolve: async (_root, args, { services, tenantId }) => (await findExternalEvent(services.db, tenantId, String(args.wfRunId), args.guid)) ?? null,
  }),
  externalEventDef: t.field({
    type: ExternalEventDefRef,
    nullable: true,
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_root, { name }, { services, tenantId }) => (await findExternalEventDef(services.db, tenantId, name)) ?? null,
  }),
}));

builder.mutationFields((t) => ({
  putExternalEventDef: t.field({
    type: ExternalEventDefRef,
    description: 'Registers an ExternalEventDef; registering an existing name returns it.',
    errors: { types: [ValidationError], directResult: true, union: { name: 'PutExternalEventDefResult' } },
    args: { input: t.arg({ type: PutExternalEventDefInput, required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      if (!isValidName(input.name)) {
        throw ValidationError.of(`ExternalEventDef '${input.name}' is invalid`, [
          { path: ['input', 'name'], code: 'INVALID_NAME', message: 'A name must be letters, digits and inner dashes.' },
        ]);
      }
      return insertExternalEventDef(services.db, tenantId, { name: input.name });
    },
  }),
  deleteExternalEventDef: t.field({
    type: builder.objectRef<{ name: string }>('DeletedExternalEventDef').implement({ fields: (f) => ({ name: f.exposeString('name') }) }),
    description:
      'Deletes an ExternalEventDef: events of it can no longer be sent, nor WfSpecs that wait for it registered. ExternalEvents already sent stay, and nodes already waiting for one keep waiting.',
    errors: { types: [NotFoundError], directResult: true, union: { name: 'DeleteExternalEventDefResult' } },
    args: { input: t.arg({ type: builder.inputType('DeleteExternalEventDefInput', { fields: (f) => ({ name: f.string({ required: true }) }) }), required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      if (!(await deleteExternalEventDef(services.db, tenantId, input.name))) throw new NotFoundError('ExternalEventDef', input.name);
      services.metadataDeleted(tenantId);
      return { name: input.name };
    },
  }),
  putExternalEvent: t.field({
    type: ExternalEventRef,
    description:
      'Sends an ExternalEvent to a WfRun. A waiting EXTERNAL_EVENT node takes it at once; otherwise it waits, even for a WfRun that does not exist yet.',
    errors: { types: [ValidationError, NotFoundError, AlreadyExistsError], directResult: true, union: { name: 'PutExternalEventResult' } },
    args: { input: t.arg({ type: PutExternalEventInput, required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      const wfRunId = String(input.wfRunId);
      const guid = input.guid ?? randomUUID().replaceAll('-', '');
      const problems = [
        ...(isValidWfRunId(wfRunId) ? [] : [{ path: ['input', 'wfRunId'], code: 'INVALID_NAME' as const, message: 'A WfRun id is letters, digits and inner dashes.' }]),
        ...(isValidName(guid) ? [] : [{ path: ['input', 'guid'], code: 'INVALID_NAME' as const, message: 'A guid is letters, digits and inner dashes.' }]),
        ...(['threadRunNumber', 'nodeRunPosition'] as const)
          .filter((pin) => input[pin] != null && (input[pin] as number) < 0)
          .map((pin) => ({ path: ['input', pin], code: 'OUT_OF_RANGE' as const, message: `${pin} is a number from 0.` })),
      ];
      if (problems.length > 0) throw ValidationError.of('putExternalEvent was called with bad input', problems);
      if (!(await findExternalEventDef(services.db, tenantId, input.externalEventDefName))) {
        throw new NotFoundError('ExternalEventDef', input.externalEventDefName);
      }
      if (await findExternalEvent(services.db, tenantId, wfRunId, guid)) throw new AlreadyExistsError(`ExternalEvent ${guid} was already sent to WfRun ${wfRunId}.`);
      const content = (input.content ?? null) as JsonValue;
      const tooLarge = sizeProblem(['input', 'content'], content, services.limits, 'maxValueBytes');
      if (tooLarge) throw ValidationError.of('putExternalEvent was given a value too large', [tooLarge]);
      const pins = { ...(input.threadRunNumber == null ? {} : { threadRunNumber: input.threadRunNumber }), ...(input.nodeRunPosition == null ? {} : { nodeRunPosition: input.nodeRunPosition }) };
      const outcome = await services.execute(tenantId, wfRunId, { type: 'PutExternalEvent', guid, externalEventDefName: input.externalEventDefName, content, ...pins });
      if (!outcome.ok) {
        if (outcome.rejection.code === 'DUPLICATE_EXTERNAL_EVENT') throw new AlreadyExistsError(outcome.rejection.message);
        // LittleHorse keeps an event for a WfRun that does not exist yet; RunWf with that id delivers it.
        const kept = await insertEarlyExternalEvent(services.db, {
          tenantId,
          wfRunId,
          guid,
          externalEventDefName: input.externalEventDefName,
          content,
          createdAt: new Date(services.clock()),
          threadRunNumber: pins.threadRunNumber ?? null,
          nodeRunPosition: pins.nodeRunPosition ?? null,
        });
        if (!kept) throw new AlreadyExistsError(`ExternalEvent ${guid} was already sent to WfRun ${wfRunId}.`);
      }
      const row = await findExternalEvent(services.db, tenantId, wfRunId, guid);
      if (!row) throw new Error(`ExternalEvent ${guid} was not stored`);
      return row;
    },
  }),
}));
