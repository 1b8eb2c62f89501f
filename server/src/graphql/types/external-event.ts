import { isValidName, isValidWfRunId, NAME_RULE } from '@gallop/engine';
import type { CorrelatedEventConfig, ExternalEventDef, JsonValue } from '@gallop/engine';
import { randomUUID } from 'node:crypto';
import { builder } from '../builder.ts';
import type { Context } from '../builder.ts';
import { sizeProblem } from '../limits.ts';
import { deleteNamedDef, findExternalEventDef, insertExternalEventDef, listExternalEventDefs } from '../../store/queries/metadata.ts';
import { externalEventDefs } from '../../store/schema.ts';
import type { ExternalEventDefRow } from '../../store/queries/metadata.ts';
import { findExternalEvent, insertEarlyExternalEvent } from '../../store/queries/external-events.ts';
import { correlatedEventIdOf, deleteCorrelatedEvent, externalEventsOfCorrelated, findCorrelatedEvent, insertCorrelatedEvent, listCorrelatedEvents } from '../../store/queries/correlated-events.ts';
import type { CorrelatedEventRow } from '../../store/queries/correlated-events.ts';
import type { ExternalEventRow } from '../../store/queries/external-events.ts';
import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { searchExternalEvents } from '../../store/queries/external-events.ts';
import { AlreadyExistsError, decodeCursor, encodeCursor, NotFoundError, checkedPageArgs, ValidationError, resolveCursorPage } from './common.ts';

const CorrelatedEventConfigRef = builder.objectRef<CorrelatedEventConfig>('CorrelatedEventConfig').implement({
  description: "How an ExternalEventDef's CorrelatedEvents behave (LittleHorse).",
  fields: (t) => ({
    ttlSeconds: t.int({ nullable: true, description: 'Seconds after which a CorrelatedEvent is deleted, taken or not.', resolve: (c) => c.ttlSeconds ?? null }),
    deleteAfterFirstCorrelation: t.boolean({ description: 'Deleted once one WfRun has taken it.', resolve: (c) => c.deleteAfterFirstCorrelation === true }),
  }),
});

export const ExternalEventDefRef = builder.objectRef<ExternalEventDefRow>('ExternalEventDef').implement({
  description: 'A kind of event the world sends to WfRuns.',
  fields: (t) => ({
    name: t.exposeString('name'),
    createdAt: t.field({ type: 'DateTime', resolve: (row) => row.createdAt }),
    correlatedEventConfig: t.field({
      type: CorrelatedEventConfigRef,
      nullable: true,
      description: 'Set when CorrelatedEvents of this def may be sent.',
      resolve: (row) => row.def.correlatedEventConfig ?? null,
    }),
  }),
});

const CorrelatedEventRef = builder.objectRef<CorrelatedEventRow>('CorrelatedEvent').implement({
  description:
    'An event sent by key instead of WfRun id (LittleHorse): every EXTERNAL_EVENT NodeRun of its def waiting with that correlation key takes it, as an ExternalEvent pinned there, whether it waits before or after the event is sent.',
  fields: (t) => ({
    key: t.exposeString('key'),
    externalEventDefName: t.exposeString('externalEventDefName'),
    content: t.field({ type: 'JSON', nullable: true, resolve: (row) => row.content ?? null }),
    createdAt: t.field({ type: 'DateTime', resolve: (row) => row.createdAt }),
    expiresAt: t.field({ type: 'DateTime', nullable: true, description: "When its def's ttlSeconds delete it.", resolve: (row) => row.expiresAt }),
    externalEvents: t.field({
      type: [ExternalEventRef],
      description: 'The ExternalEvents it became, one per NodeRun that took it, in the order they did.',
      resolve: (row, _args, ctx) => externalEventsOf(ctx, row.id),
    }),
  }),
});

const pendingLookups = new WeakMap<Context, { ids: string[]; found: Promise<Map<string, ExternalEventRow[]>> }>();

/** What a CorrelatedEvent became; the rows of one list ask in one query (their resolvers run in one turn). */
function externalEventsOf(ctx: Context, eventId: string): Promise<ExternalEventRow[]> {
  let lookup = pendingLookups.get(ctx);
  if (!lookup) {
    const ids: string[] = [];
    const found = Promise.resolve().then(() => {
      pendingLookups.delete(ctx);
      return externalEventsOfCorrelated(ctx.services.db, ctx.tenantId, ids);
    });
    lookup = { ids, found };
    pendingLookups.set(ctx, lookup);
  }
  lookup.ids.push(eventId);
  return lookup.found.then((byEvent) => byEvent.get(eventId) ?? []);
}

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

const CorrelatedEventConfigInput = builder.inputType('CorrelatedEventConfigInput', {
  fields: (t) => ({
    ttlSeconds: t.int({ description: 'Seconds after which a CorrelatedEvent is deleted, taken or not; kept until deleted when absent.' }),
    deleteAfterFirstCorrelation: t.boolean({ description: 'Deleted once one WfRun has taken it (default false).' }),
  }),
});

const PutExternalEventDefInput = builder.inputType('PutExternalEventDefInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    correlatedEventConfig: t.field({ type: CorrelatedEventConfigInput, description: 'Lets CorrelatedEvents of this def be sent (putCorrelatedEvent).' }),
  }),
});

const PutCorrelatedEventInput = builder.inputType('PutCorrelatedEventInput', {
  fields: (t) => ({
    key: t.string({ required: true, description: "The correlation key that EXTERNAL_EVENT nodes' correlationKey names." }),
    externalEventDefName: t.string({ required: true }),
    content: t.field({ type: 'JSON' }),
  }),
});

const CorrelatedEventIdInput = builder.inputType('CorrelatedEventIdInput', {
  fields: (t) => ({ key: t.string({ required: true }), externalEventDefName: t.string({ required: true }) }),
});

/** The most characters a correlation key may have. */
const MAX_KEY = 1_000;

const PutExternalEventInput = builder.inputType('PutExternalEventInput', {
  fields: (t) => ({
    wfRunId: t.id({ required: true }),
    externalEventDefName: t.string({ required: true }),
    content: t.field({ type: 'JSON' }),
    guid: t.string({ description: 'Makes the put idempotent; a random one when absent.' }),
    threadRunNumber: t.int({
      description: 'Only this ThreadRun takes it: its EXTERNAL_EVENT nodes, or its interrupts (LittleHorse). One the WfRun does not have is refused (ValidationError at input.threadRunNumber); a WfRun not started yet is not checked.',
    }),
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
        resolveCursorPage(
          { args: checkedPageArgs(args), toCursor: (row: ExternalEventRow) => encodeCursor('externalEvents', [row.createdAt.getTime(), row.wfRunId, row.guid]), maxSize: 500 },
          ({ after, limit }: ResolveCursorConnectionArgs) => {
            const parts = after === undefined ? undefined : decodeCursor(after, 'externalEvents', 'tss');
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
        resolveCursorPage({ args: checkedPageArgs(args), toCursor: (row: ExternalEventDefRow) => encodeCursor('externalEventDefs', [row.name]), maxSize: 500 }, ({ after, limit }: ResolveCursorConnectionArgs) => {
          return listExternalEventDefs(services.db, tenantId, after === undefined ? undefined : String(decodeCursor(after, 'externalEventDefs', 's')[0]), limit, args.prefix);
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
  correlatedEvent: t.field({
    type: CorrelatedEventRef,
    nullable: true,
    args: { key: t.arg.string({ required: true }), externalEventDefName: t.arg.string({ required: true }) },
    resolve: async (_root, args, { services, tenantId }) =>
      (await findCorrelatedEvent(services.db, tenantId, args.externalEventDefName, args.key, new Date(services.clock()))) ?? null,
  }),
  correlatedEvents: t.connection(
    {
      type: CorrelatedEventRef,
      description: 'CorrelatedEvents of a def, by key (LittleHorse SearchCorrelatedEvent).',
      args: {
        externalEventDefName: t.arg.string({ required: true }),
        hasExternalEvents: t.arg.boolean({ description: 'true: only those a NodeRun has taken; false: only those none has yet.' }),
      },
      resolve: (_root, args, { services, tenantId }) =>
        resolveCursorPage({ args: checkedPageArgs(args), toCursor: (row: CorrelatedEventRow) => encodeCursor('correlatedEvents', [row.key]), maxSize: 500 }, ({ after, limit }: ResolveCursorConnectionArgs) => {
          const afterKey = after === undefined ? undefined : String(decodeCursor(after, 'correlatedEvents', 's')[0]);
          return listCorrelatedEvents(services.db, tenantId, args, afterKey, limit, new Date(services.clock()));
        }),
    },
    { name: 'CorrelatedEventConnection' },
    { name: 'CorrelatedEventEdge' },
  ),
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
          { path: ['input', 'name'], code: 'INVALID_NAME', message: `A name must be ${NAME_RULE}.` },
        ]);
      }
      const config = input.correlatedEventConfig;
      if (config?.ttlSeconds != null && !(Number.isInteger(config.ttlSeconds) && config.ttlSeconds > 0)) {
        throw ValidationError.of(`ExternalEventDef '${input.name}' is invalid`, [
          { path: ['input', 'correlatedEventConfig', 'ttlSeconds'], code: 'OUT_OF_RANGE', message: `ttlSeconds must be a whole number of seconds from 1; got ${config.ttlSeconds}.` },
        ]);
      }
      const def: ExternalEventDef = {
        name: input.name,
        ...(config
          ? { correlatedEventConfig: { ...(config.ttlSeconds == null ? {} : { ttlSeconds: config.ttlSeconds }), ...(config.deleteAfterFirstCorrelation ? { deleteAfterFirstCorrelation: true } : {}) } }
          : {}),
      };
      const row = await insertExternalEventDef(services.db, tenantId, def);
      if (JSON.stringify(row.def.correlatedEventConfig ?? null) !== JSON.stringify(def.correlatedEventConfig ?? null)) {
        throw new AlreadyExistsError(`ExternalEventDef '${def.name}' already exists with another correlatedEventConfig; delete it first to change it.`);
      }
      return row;
    },
  }),
  putCorrelatedEvent: t.field({
    type: CorrelatedEventRef,
    description:
      'Sends an event by correlation key (LittleHorse): every EXTERNAL_EVENT NodeRun of the def waiting with that key, now or later, takes it as an ExternalEvent pinned there. The def must have a correlatedEventConfig; a key already sent is refused until deleted or past its ttl.',
    errors: { types: [ValidationError, NotFoundError, AlreadyExistsError], directResult: true, union: { name: 'PutCorrelatedEventResult' } },
    args: { input: t.arg({ type: PutCorrelatedEventInput, required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      const { key, externalEventDefName } = input;
      if (key.trim() === '' || key.length > MAX_KEY) {
        throw ValidationError.of('putCorrelatedEvent was called with bad input', [
          { path: ['input', 'key'], code: 'OUT_OF_RANGE', message: `A correlation key is 1 to ${MAX_KEY} characters, not all blank.` },
        ]);
      }
      const def = await findExternalEventDef(services.db, tenantId, externalEventDefName);
      if (!def) throw new NotFoundError('ExternalEventDef', externalEventDefName);
      const config = def.def.correlatedEventConfig;
      if (!config) {
        throw ValidationError.of('putCorrelatedEvent was called with bad input', [
          { path: ['input', 'externalEventDefName'], code: 'CORRELATION_NOT_ENABLED', message: `ExternalEventDef '${externalEventDefName}' has no correlatedEventConfig, so events of it cannot be sent by key.` },
        ]);
      }
      const content = (input.content ?? null) as JsonValue;
      const tooLarge = sizeProblem(['input', 'content'], content, services.limits, 'maxValueBytes');
      if (tooLarge) throw ValidationError.of('putCorrelatedEvent was given a value too large', [tooLarge]);
      const now = services.clock();
      const stored = await insertCorrelatedEvent(services.db, {
        tenantId,
        externalEventDefName,
        key,
        id: randomUUID().replaceAll('-', ''),
        content,
        createdAt: new Date(now),
        expiresAt: config.ttlSeconds === undefined ? null : new Date(now + config.ttlSeconds * 1000),
      });
      if (!stored) throw new AlreadyExistsError(`A CorrelatedEvent of '${externalEventDefName}' with key '${key}' was already sent.`);
      // The scheduler delivers what the outbox now holds for the waiting NodeRuns, here or in another process.
      if (stored.waiting > 0) services.wake(now);
      return stored.event;
    },
  }),
  deleteCorrelatedEvent: t.field({
    type: builder.objectRef<{ key: string; externalEventDefName: string }>('DeletedCorrelatedEvent').implement({
      fields: (f) => ({ key: f.exposeString('key'), externalEventDefName: f.exposeString('externalEventDefName') }),
    }),
    description: 'Deletes a CorrelatedEvent: NodeRuns that start waiting for its key later do not get it; those that took it keep their ExternalEvent.',
    errors: { types: [NotFoundError], directResult: true, union: { name: 'DeleteCorrelatedEventResult' } },
    args: { input: t.arg({ type: CorrelatedEventIdInput, required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      if (!(await deleteCorrelatedEvent(services.db, tenantId, input.externalEventDefName, input.key))) {
        throw new NotFoundError('CorrelatedEvent', `${input.externalEventDefName}/${input.key}`);
      }
      return { key: input.key, externalEventDefName: input.externalEventDefName };
    },
  }),
  deleteExternalEventDef: t.field({
    type: builder.objectRef<{ name: string }>('DeletedExternalEventDef').implement({ fields: (f) => ({ name: f.exposeString('name') }) }),
    description:
      'Deletes an ExternalEventDef: events of it can no longer be sent, nor WfSpecs that wait for it registered. ExternalEvents already sent stay, and nodes already waiting for one keep waiting.',
    errors: { types: [NotFoundError], directResult: true, union: { name: 'DeleteExternalEventDefResult' } },
    args: { input: t.arg({ type: builder.inputType('DeleteExternalEventDefInput', { fields: (f) => ({ name: f.string({ required: true }) }) }), required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      if (!(await deleteNamedDef(services.db, externalEventDefs, tenantId, input.name))) throw new NotFoundError('ExternalEventDef', input.name);
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
        // Those name the deliveries of CorrelatedEvents, which are noted (or used up) when a NodeRun takes them.
        ...(correlatedEventIdOf(guid) === undefined ? [] : [{ path: ['input', 'guid'], code: 'INVALID_NAME' as const, message: "Guids like 'correlated-…-N-N' are kept for CorrelatedEvents." }]),
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
        if (outcome.rejection.code === 'PINNED_NODE_RUN_ENDED' || outcome.rejection.code === 'UNKNOWN_THREAD_RUN') {
          const pin = outcome.rejection.code === 'UNKNOWN_THREAD_RUN' ? 'threadRunNumber' : 'nodeRunPosition';
          throw ValidationError.of('putExternalEvent was called with bad input', [{ path: ['input', pin], code: 'OUT_OF_RANGE', message: outcome.rejection.message }]);
        }
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
