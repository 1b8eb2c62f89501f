import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { formatPath, isValidName } from '@gallop/engine';
import type { Command, VersionedWfSpec } from '@gallop/engine';
import { Tenants } from './runtime/tenants.ts';
import { Authenticator } from './auth/authenticator.ts';
import type { AuthOptions } from './auth/authenticator.ts';
import { useAuthorization } from './auth/authorize.ts';
import type { SubscriptionRecheck } from './auth/authorize.ts';
import { auditRefusal, AuditWriter, useAudit } from './auth/audit.ts';
import { bodyTooLarge, DEFAULT_LIMITS, lengthRequired, limitPlugins } from './graphql/limits.ts';
import type { Limits } from './graphql/limits.ts';
import type { ExecutionArgs } from 'graphql';
import { getOperationAST, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, maskError } from 'graphql-yoga';
import { relative, sep } from 'node:path';
import serveStatic from 'serve-static';
import { WebSocketServer } from 'ws';
import type { Context } from './graphql/builder.ts';
import { GallopError, NotFoundError, ValidationError } from './graphql/errors.ts';
import { createGraphiQLRenderer } from './graphql/graphiql.ts';
import { schema } from './graphql/schema.ts';
import { useStorableText } from './graphql/use-storable-text.ts';
import { useOperationLog } from './graphql/use-operation-log.ts';
import { jsonReply, serveEndpoint } from './observability/endpoint.ts';
import type { Endpoint } from './observability/endpoint.ts';
import { checkReadiness } from './observability/health.ts';
import { createLogger } from './observability/logger.ts';
import type { Logger } from './observability/logger.ts';
import { Metrics } from './observability/metrics.ts';
import { Cluster } from './runtime/cluster.ts';
import { EventBus } from './runtime/event-bus.ts';
import { wfRunRowOf } from './runtime/projections.ts';
import { WfRunRows } from './runtime/wf-run-rows.ts';
import { executeCommand } from './runtime/execute-command.ts';
import type { AfterCommit } from './runtime/execute-command.ts';
import { KeyedLock } from './runtime/keyed-lock.ts';
import { Metadata } from './runtime/metadata.ts';
import { Housekeeping } from './runtime/housekeeping.ts';
import { TaskWorkers } from './runtime/task-workers.ts';
import { MetricWindows } from './runtime/metric-windows.ts';
import { pruneCorrelatedEvents } from './store/queries/correlated-events.ts';
import { Scheduler } from './runtime/scheduler.ts';
import { StateCache } from './runtime/state-cache.ts';
import { TaskDispatch } from './runtime/task-dispatch.ts';
import { WriteQueue } from './runtime/write-queue.ts';
import type { Services } from './services.ts';
import { openStore } from './store/db.ts';
import { taskQueueDepths } from './store/queries/task-queue.ts';
import { deleteWfRun, findWfRun } from './store/queries/wf-runs.ts';

/** A body refused for its size is still read (and dropped) when it is at most this many times the limit. */
const DRAIN_LIMIT_TIMES = 4;

export interface AppOptions {
  readonly databaseUrl?: string | undefined;
  /** Where PGlite keeps its files when there is no databaseUrl; `memory://` for none. */
  readonly dataDir: string;
  /** The built UI to serve at `/`. */
  readonly uiDir?: string | undefined;
  /** Whether requests need credentials; off (every request holds every grant) by default. */
  readonly auth?: AuthOptions | undefined;
  /** What one request may cost; DEFAULT_LIMITS by default. */
  readonly limits?: Partial<Limits> | undefined;
  /** How many days audit entries are kept: 90 by default, 0 for ever. */
  readonly auditRetentionDays?: number | undefined;
  readonly clock?: () => number;
  /** The server's one logger; a new one at level info on stdout when absent. */
  readonly log?: Logger;
}

export interface App {
  readonly services: Services;
  /** Serves GraphQL at /graphql, /healthz, /readyz and /metrics, and the UI everywhere else. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Serves graphql-ws subscriptions on the server's /graphql path. */
  attach(server: Server): void;
  /**
   * The first half of a shutdown: /readyz says so, waiting claims answer, subscriptions end and timers stop firing,
   * while requests in flight go on with the database. close() does it too.
   */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export { createLogger } from './observability/logger.ts';
export type { Logger } from './observability/logger.ts';

export const GRAPHQL_PATH = '/graphql';
/** The HTTP header that names a request's tenant. */
export const TENANT_HEADER = 'gallop-tenant';
/** The tenant every object belonged to before tenants, and a request's when it names none. */
export const DEFAULT_TENANT = 'default';
/** Write statements on their way at once; commands beyond share the next one (group commit). The pool holds 10. */
const WRITES_IN_FLIGHT = 2;
/** The most commands one write statement carries. */
const MAX_WRITE_BATCH = 64;
/** How often PGlite's tables are looked at for vacuum and analyze: often enough that plans follow tables growing. */
const AUTOVACUUM_MS = 10_000;
/** 200 while the process runs: a liveness probe. */
export const HEALTHZ_PATH = '/healthz';
/** 200 when this process can serve (its database answers), else 503 with the reason: a readiness probe. */
export const READYZ_PATH = '/readyz';
/** Prometheus metrics in the text format. */
export const METRICS_PATH = '/metrics';

/**
 * graphql-jit 0.8 hands a subscription's subscribe the operation's variables as its arguments, so
 * `wfRunEvents(id: "x")` or `wfRunsChanged(wfSpecName: $name)` would get the wrong ones: subscriptions run on graphql-js.
 */
function notASubscription(args: ExecutionArgs): boolean {
  return getOperationAST(args.document, args.operationName)?.operation !== 'subscription';
}

/** Opens the store, applies migrations and wires the runtime; binds no port (main.ts does). */
export async function createApp(options: AppOptions): Promise<App> {
  const log = options.log ?? createLogger();
  const clock = options.clock ?? Date.now;
  const store = await openStore({ databaseUrl: options.databaseUrl, dataDir: options.dataDir, log });
  const bus = new EventBus();
  const wfRunRows = new WfRunRows((tenantId, wfRunId) => findWfRun(store.db, tenantId, wfRunId));
  const metrics = new Metrics({ queueDepths: () => taskQueueDepths(store.db), followers: () => bus.followers, log });
  let scheduler: Scheduler | undefined;
  const cache = new StateCache();
  const metadata = new Metadata();
  const dispatch = new TaskDispatch(store, clock, metrics, (expiresAt) => scheduler?.timerSet(expiresAt));
  const cluster = new Cluster(
    store,
    randomUUID(),
    {
      events: (tenantId, wfRunId, seq) => {
        if (bus.followsAll) wfRunRows.changed(tenantId, wfRunId, seq);
        bus.publish(tenantId, wfRunId, { upToSeq: seq });
      },
      tasks: (tenantId, taskDefName, count) => dispatch.wake(tenantId, taskDefName, count),
      // News can arrive before the scheduler below exists; it looks at the database when it starts anyway.
      wake: (at) => scheduler?.timerSet(at),
      deleted: (tenantId, wfRunId) => {
        cache.delete(tenantId, wfRunId);
        wfRunRows.forget(tenantId, wfRunId);
      },
      metadataDeleted: (tenantId) => metadata.forget(tenantId),
      resync: (since) => {
        log.info('Listening again after a lost connection: subscribers, claims and the scheduler look at the database again');
        // A WfRun or metadata deleted elsewhere meanwhile may be kept here.
        cache.clear();
        metadata.forgetAll();
        wfRunRows.clear();
        bus.resync(since);
        dispatch.wakeAll();
        scheduler?.timerSet(clock());
      },
    },
    (message, error) => log.error({ err: error }, message),
  );
  await cluster.start();

  const metricWindows = new MetricWindows(store.db, log);
  const afterCommit: AfterCommit = (tenantId, wfRunId, events, owesOthers, queued, before, after) => {
    const last = events.at(-1);
    // Followers of every WfRun get its row from the state just committed, without reading it back.
    if (bus.followsAll && last) wfRunRows.changed(tenantId, wfRunId, last.seq, wfRunRowOf(tenantId, after, last.seq, last.event.time));
    bus.publish(tenantId, wfRunId, { events });
    metricWindows.committed(tenantId, events, before, after);
    for (const [name, count] of queued) dispatch.wake(tenantId, name, count);
    let wake: number | undefined;
    for (const { event } of events) {
      if (event.type === 'TimerSet') wake = Math.min(wake ?? Number.POSITIVE_INFINITY, event.fireAt);
    }
    // The outbox rows this command wrote are due now (only WfRuns with a parent or children write any).
    if (owesOthers) wake = Math.min(wake ?? Number.POSITIVE_INFINITY, clock());
    if (wake !== undefined) scheduler?.timerSet(wake);
    cluster.announce({
      events: last ? [[tenantId, wfRunId, last.seq]] : [],
      tasks: [...queued].map(([name, count]) => [tenantId, name, count] as const),
      wake,
    });
  };

  const ids = { next: () => randomUUID() };
  // PGlite runs one statement at a time: a second in flight would only wait.
  const writes = new WriteQueue(store, store.kind === 'pglite' ? 1 : WRITES_IN_FLIGHT, MAX_WRITE_BATCH, (commands) => metrics.writeBatch(commands));
  const locks = new KeyedLock();
  const handOff = dispatch.handOff.bind(dispatch);
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const tenants = new Tenants(store.db);
  const auth = new Authenticator(store.db, options.auth ?? { required: false }, log);
  const audit = new AuditWriter(store.db, log, options.auditRetentionDays ?? 90, clock);
  const taskWorkers = new TaskWorkers(store.db, log, clock);
  const housekeeping = new Housekeeping(log);
  audit.pruneWith(housekeeping);
  taskWorkers.pruneWith(housekeeping);
  metricWindows.pruneWith(housekeeping, clock);
  // PGlite has no autovacuum: without it, plans of the prepared statements stay those made while tables were empty.
  const { autovacuum } = store;
  if (autovacuum) {
    housekeeping.every('vacuum and analyze PGlite tables', AUTOVACUUM_MS, AUTOVACUUM_MS, async () => {
      const round = await autovacuum();
      if (round.vacuumed.length > 0 || round.analyzed.length > 0) log.debug(round, 'PGlite tables vacuumed and analyzed');
    });
  }
  // CorrelatedEvents past their def's ttl are ignored at once, and deleted hourly.
  housekeeping.every('delete CorrelatedEvents past their ttl', 3_600_000, 3_600_000, () => pruneCorrelatedEvents(store.db, new Date(clock())));
  /** The tenant a request names, once it is known to exist; `default` when it names none. */
  async function tenantOf(named: string | undefined): Promise<string> {
    const id = named?.trim() || DEFAULT_TENANT;
    if (!isValidName(id)) {
      throw new GraphQLError(`'${String(id).slice(0, 100)}' is not a tenant id: letters, digits and inner dashes.`, { extensions: { code: 'INVALID_TENANT', http: { status: 400 } } });
    }
    if (!(await tenants.exists(id))) {
      throw new GraphQLError(`Tenant '${id}' does not exist; an admin creates it with putTenant.`, { extensions: { code: 'TENANT_NOT_FOUND', tenant: id, http: { status: 400 } } });
    }
    return id;
  }

  const services: Services = {
    store,
    db: store.db,
    metadata,
    dispatch,
    bus,
    wfRunRows,
    cluster,
    clock,
    ids,
    log,
    tenants,
    auth,
    audit,
    taskWorkers,
    metricWindows,
    limits,
    deleteWfRun: (tenantId: string, wfRunId: string) =>
      locks.run(`${tenantId}\u0000${wfRunId}`, async () => {
        const deleted = await deleteWfRun(store.db, tenantId, wfRunId);
        cache.delete(tenantId, wfRunId);
        wfRunRows.forget(tenantId, wfRunId);
        cluster.announce({ events: [], tasks: [], deleted: [[tenantId, wfRunId]] });
        return deleted;
      }),
    metadataDeleted: (tenantId: string) => {
      metadata.forget(tenantId);
      cluster.announce({ events: [], tasks: [], metadataDeleted: [tenantId] });
    },
    wake: (at: number) => {
      scheduler?.timerSet(at);
      cluster.announce({ events: [], tasks: [], wake: at });
    },
    execute: (tenantId: string, wfRunId: string, command: Command, wfSpec?: VersionedWfSpec) =>
      executeCommand({ db: store.db, metadata, cache, clock, ids, metrics, writes, locks, handOff, afterCommit, maxValueBytes: limits.maxValueBytes }, tenantId, wfRunId, command, wfSpec),
  };

  scheduler = new Scheduler({ db: store.db, clock, execute: services.execute, log });
  scheduler.start();

  const subscriptionRecheck: SubscriptionRecheck = {
    principalOf: (context) => auth.principalOf(context.authorization, clock()),
    everyMs: auth.subscriptionRecheckMs,
    onLapse: (context, refusal, fields) =>
      log.info(
        { principal: context.principal?.id, tenant: context.tenantId, subscription: fields.join(','), code: refusal.extensions.code, reason: refusal.message },
        'Ended a running subscription: what allowed it has lapsed',
      ),
  };
  const yoga = createYoga<{ req?: IncomingMessage; res?: ServerResponse }, Context>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    renderGraphiQL: createGraphiQLRenderer(),
    // handle() below refuses a body without a Content-Length or over the limit before it is read, and node:http
    // reads no more than that length: yoga's own check, a stream piped through on every request, adds nothing.
    maxRequestBodySize: false,
    context: async (initial) => {
      const { request } = initial;
      // HTTP names the tenant in a header, a graphql-ws connection in its connection params (LittleHorse: `tenantid`).
      const params = (initial as { connectionParams?: Readonly<Record<string, unknown>> }).connectionParams;
      const named = request?.headers.get(TENANT_HEADER) ?? (typeof params?.tenant === 'string' ? params.tenant : undefined);
      // Credentials first: a stranger learns nothing, not even which tenants exist.
      const authorization = request?.headers.get('authorization') ?? (typeof params?.authorization === 'string' ? params.authorization : undefined);
      const principal = await auth.principalOf(authorization ?? undefined, clock());
      return { services, principal, authorization: authorization ?? undefined, tenantId: await tenantOf(named), signal: request?.signal, typedErrors: [] };
    },
    maskedErrors: {
      // A GallopError is the user's mistake, worth showing; anything else is ours, logged in full and masked.
      maskError(error, message, isDev) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        if (original instanceof GallopError) {
          // Thrown where no typed result is declared (a list's arguments): the problems still say where.
          const problems = original instanceof ValidationError ? original.problems.map(({ path, code, message }) => ({ path, at: formatPath(path), code, message })) : undefined;
          // A NotFoundError says what it did not find, as its typed result does (`kind`, `id`).
          const named = original instanceof NotFoundError ? { kind: original.kind, id: original.id } : undefined;
          return new GraphQLError(original.message, { extensions: { code: original.name, ...(problems && { problems }), ...named } });
        }
        // An error with no path came before execution (a scalar refusing a variable, say "yesterday" as a
        // DateTime): the client's mistake, shown as it is. One raised while resolving or serializing a field is ours.
        const clients = error instanceof GraphQLError && error.path === undefined && error.originalError instanceof GraphQLError;
        if (!clients && (!(error instanceof GraphQLError) || error.originalError)) {
          log.error({ err: original ?? error, path: error instanceof GraphQLError ? error.path : undefined }, 'Unexpected error in a GraphQL operation');
        }
        return maskError(error, message, isDev);
      },
    },
    logging: false,
    // The audit wraps execution after graphql-jit has replaced it, so that it sees the compiled resolvers run.
    plugins: [...limitPlugins(limits), useAuthorization(auditRefusal(audit, clock), auth.required ? subscriptionRecheck : undefined), useGraphQlJit({}, { enableIf: notASubscription }), useAudit(audit, clock), useStorableText(), useOperationLog(log)],
  });

  // Vite names each asset by its content, so an asset never changes under its name; index.html is revalidated.
  const uiDir = options.uiDir;
  const serveUi = uiDir
    ? serveStatic(uiDir, {
        setHeaders: (res, file) => {
          const immutable = relative(uiDir, file).split(sep)[0] === 'assets';
          res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      })
    : undefined;
  let wss: WebSocketServer | undefined;
  let wsServer: ReturnType<typeof useServer> | undefined;
  let stopping = false;
  let draining: Promise<void> | undefined;
  const drain = () =>
    (draining ??= (async () => {
      stopping = true;
      dispatch.releaseAll();
      await scheduler?.close();
      await wsServer?.dispose();
      await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
    })());

  // Readiness is logged when it changes, not on every probe.
  let wasReady = true;
  const endpoints = new Map<string | undefined, Endpoint>([
    [HEALTHZ_PATH, async () => jsonReply(200, { status: 'ok' })],
    [
      READYZ_PATH,
      async () => {
        const readiness = await checkReadiness(store, stopping);
        if (readiness.ready !== wasReady) {
          if (readiness.ready) log.info('Ready again: the database answers');
          else log.warn({ reason: readiness.reason }, 'Not ready');
          wasReady = readiness.ready;
        }
        return readiness.ready ? jsonReply(200, { status: 'ready' }) : jsonReply(503, { status: 'unavailable', reason: readiness.reason });
      },
    ],
    [METRICS_PATH, async () => ({ status: 200, ...(await metrics.scrape()) })],
  ]);

  return {
    services,
    handle(req, res) {
      // Shutting down: each answer closes its connection, so keep-alive clients (workers polling) come back on a new
      // one, which the closed listener refuses, rather than keep this process busy to the end of its grace.
      if (stopping) res.setHeader('connection', 'close');
      const path = (req.url ?? '/').split('?')[0];
      const endpoint = endpoints.get(path);
      if (endpoint) {
        serveEndpoint(endpoint, req, res, log);
        return;
      }
      if (path === GRAPHQL_PATH || path?.startsWith(`${GRAPHQL_PATH}/`) || !serveUi) {
        // Refused before it is read: a body must say its length (a chunked one could be endless), within the limit.
        if (req.method === 'POST' && req.headers['content-length'] === undefined) {
          res.writeHead(411, { 'content-type': 'application/json', connection: 'close' }).end(lengthRequired());
          req.resume();
          return;
        }
        const length = Number(req.headers['content-length'] ?? 0);
        if (length > limits.maxBodyBytes) {
          // A body up to a few times the limit is read and dropped, and the connection kept: closed under a client
          // still writing, the refusal would reach it as a broken pipe, not as this answer. A larger one is not read.
          const drain = length <= DRAIN_LIMIT_TIMES * limits.maxBodyBytes;
          res.writeHead(413, { 'content-type': 'application/json', ...(drain ? {} : { connection: 'close' }) }).end(bodyTooLarge(limits));
          req.resume();
          return;
        }
        void yoga(req, res);
        return;
      }
      // A file that goes away while it is read (the UI rebuilt under a running server) ends this answer, not the server.
      serveUi(req, res, (error?: unknown) => {
        if (error) log.warn({ err: error, path }, 'Could not serve a UI file');
        if (res.headersSent) res.destroy();
        else res.writeHead(error ? 500 : 404, { 'content-type': 'text/plain' }).end(error ? 'Could not read this file' : 'Not found');
      });
    },
    attach(server) {
      wss = new WebSocketServer({ server, path: GRAPHQL_PATH });
      wsServer = useServer(
        {
          execute: (args: ExecutionArgs) => (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
          subscribe: (args: ExecutionArgs) => (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
          onSubscribe: async (ctx, _id, params) => {
            // graphql-ws keeps a connection's subscriptions by id; one over the limit is refused, not queued.
            // The one being subscribed is already in the map (as null).
            if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerConnection) {
              return [new GraphQLError(`A connection may hold ${limits.maxSubscriptionsPerConnection} subscriptions at once.`, { extensions: { code: 'SUBSCRIPTION_LIMIT', limit: limits.maxSubscriptionsPerConnection } })];
            }
            const { schema: enveloped, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
              ...ctx,
              req: ctx.extra.request,
              socket: ctx.extra.socket,
              params,
            });
            let document: ExecutionArgs['document'];
            let contextValue: unknown;
            try {
              document = parse(params.query);
              contextValue = await contextFactory();
            } catch (error) {
              // A syntax error or a refused credential is the client's to read, not graphql-ws's internal error (4500).
              if (error instanceof GraphQLError) return [error];
              throw error;
            }
            const args: ExecutionArgs = {
              schema: enveloped,
              operationName: params.operationName,
              document,
              variableValues: params.variables,
              contextValue,
              rootValue: { execute, subscribe },
            };
            const errors = validate(args.schema, args.document);
            return errors.length > 0 ? errors : args;
          },
        },
        wss,
      );
    },
    drain,
    async close() {
      await drain();
      await cluster.close();
      housekeeping.stop();
      await audit.close();
      await taskWorkers.close();
      await metricWindows.close();
      await store.close();
    },
  };
}
