import type { JsonValue, VariableType, WfRunEvent, WfSpec } from '@gallop/engine';
import { createClient } from 'graphql-ws';
import type { Client as WsClient } from 'graphql-ws';
import { ConnectionLosses } from './connection-losses.ts';
import { GallopClientError, isGallopClientError } from './errors.ts';
import type { GallopProblem } from './errors.ts';
import { textOf } from './graphql.ts';
import type { TadaDocumentNode, VariablesOf } from './graphql.ts';
import * as ops from './operations.ts';
import { defaultPost } from '#post';
import { postWith } from './post/types.ts';
import type { Answer, Post } from './post/types.ts';
import type {
  CorrelatedEventInfo,
  ExternalEventDefInfo,
  ExternalEventInfo,
  Page,
  ScheduledTask,
  ScheduledWfRunInfo,
  StoredWfRunEvent,
  TaskDefInfo,
  TaskOutcome,
  TaskRunInfo,
  TaskRunReport,
  UserTaskDefInfo,
  UserTaskRunFilter,
  UserTaskRunInfo,
  WfRunInfo,
  WfRunSearch,
  WfRunSummary,
  VariableSearch,
  FoundVariable,
  WfSpecInfo,
  WfSpecVersionInfo,
  WorkflowEventDefInfo,
  WorkflowEventInfo,
  MetricsWindowLength,
  DefListPage,
  NodeRunInfo,
  NodeRunSearch,
  TaskDefMetrics,
  WfSpecMetrics,
} from './types.ts';

/** The endpoint a client's `url` names: a bare server address (no path) means the server's /graphql. */
function endpointOf(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.pathname !== '/' || parsed.search !== '') return url;
  parsed.pathname = '/graphql';
  return parsed.toString();
}

export interface GallopClientOptions {
  /**
   * The GraphQL endpoint, e.g. http://localhost:8080/graphql (a bare server address, http://localhost:8080, means its
   * /graphql); subscriptions use the same path over WebSocket.
   */
  readonly url: string;
  /**
   * How requests are sent. Default: in Node, node:http with keep-alive sockets (cheaper per request than Node's
   * fetch; it follows no redirects and ignores a global undici dispatcher, so pass `fetch` for a proxy set up that
   * way); elsewhere the global fetch.
   */
  readonly fetch?: typeof fetch;
  /** A WebSocket class for subscriptions; Node 20 has none built in, so pass `ws`'s there. */
  readonly webSocketImpl?: unknown;
  /** Extra HTTP headers sent with every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The tenant every request acts in (the `Gallop-Tenant` header, and the WebSocket's connection params); the
   * server's `default` when absent.
   */
  readonly tenant?: string | undefined;
  /**
   * The principal's credential, sent as `Authorization: Bearer <credential>` (and in the WebSocket's connection
   * params): an API key, or a function that gives one, asked before each request and each WebSocket connection,
   * for tokens that expire (an OIDC access token: the function keeps the token it got and fetches another before it
   * runs out). When the server refuses a request as UNAUTHENTICATED the function is asked again with
   * `refused: true` (the token it gave no longer works, whatever its expiry said) and the request is sent once more.
   * In Node, GALLOP_API_KEY when absent.
   */
  readonly apiKey?: string | CredentialSource | undefined;
  /**
   * How long a request waits for the server's whole answer before it fails with code TIMEOUT; a claim waits its
   * `waitMs` on top. Default 30 s. A server that lost its database, or a connection that died unnoticed, then
   * costs a caller this long, not forever.
   */
  readonly timeoutMs?: number;
  /**
   * How many times a request is sent again after the connection failed, waiting 100 ms, then twice as long each
   * time (default 3). A query is sent again whenever the connection failed; a mutation only when it could not have
   * reached the server (the connection was refused or the host not found), so nothing is done twice.
   */
  readonly retries?: number;
  /**
   * How many times a dropped WebSocket reconnects before its subscriptions fail (default 5). Each wait doubles from
   * 1 s up to 10 s, with jitter; `Infinity` keeps trying, as a console left open should. A subscription that comes
   * back starts again with the variables it was made with (wfRunEvents after the last event it passed on,
   * wfRunsChanged with what changed while it was down).
   */
  readonly subscriptionRetries?: number;
  /**
   * How often the WebSocket pings the server (default 10 000 ms; 0 sends none). A ping not answered before the next
   * one is due takes the connection for lost, as when a network path dies without closing it, and it reconnects.
   */
  readonly keepAliveMs?: number;
  /**
   * Told when the WebSocket for subscriptions connects, when it is lost (a reconnect follows while retries last),
   * and when it closes because nothing subscribes any more (`idle`).
   */
  readonly onSocket?: ((state: SocketState) => void) | undefined;
}

/** GALLOP_API_KEY in Node; nothing in a browser, which has no environment. */
function envApiKey(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.GALLOP_API_KEY || undefined;
}

/** A GraphQL error as the server sends it. */
interface GraphQLErrorBody {
  readonly message: string;
  readonly extensions?: { readonly code?: unknown } & Readonly<Record<string, unknown>>;
}

/**
 * The error for a GraphQL answer with errors: coded by the first error's `extensions.code` when the server gave
 * one (TENANT_NOT_FOUND, UNAUTHENTICATED, FORBIDDEN, a typed error's name), else GRAPHQL_ERROR, as for the
 * server's own masked failures, which may pass; with its `extensions.problems` (a list's refused arguments).
 */
function graphQLFailure(errors: readonly GraphQLErrorBody[]): GallopClientError {
  const code = errors[0]?.extensions?.code;
  const typed = typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR' ? code : 'GRAPHQL_ERROR';
  const { code: _code, problems, ...details } = errors[0]?.extensions ?? {};
  return new GallopClientError(typed, errors.map((e) => e.message).join('; '), {
    problems: Array.isArray(problems) ? (problems as GallopProblem[]) : [],
    details,
    cause: errors,
  });
}

/** How the WebSocket for subscriptions stands. */
export type SocketState = 'connected' | 'lost' | 'idle';

/** What a claim asks for; see claimTaskRuns. */
export interface ClaimInput {
  readonly taskDefName: string;
  readonly workerId: string;
  readonly max?: number;
  readonly waitMs?: number;
  readonly leaseMs?: number;
}

export interface Sink<T> {
  next(value: T): void;
  error?(error: unknown): void;
  complete?(): void;
}

/** What every list query answers: one page of a Relay connection. */
interface Connection {
  readonly page: { readonly edges: readonly { readonly node: unknown }[]; readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null } };
}

/** An operation's variables as the schema types them, taking readonly arrays and objects too. */
type Input<V> = JsonValue extends V ? V : V extends readonly (infer E)[] ? readonly Input<E>[] : V extends object ? { readonly [K in keyof V]: Input<V[K]> } : V;

/** A typed error result: the union members named `...Error`. */
type Refusal = { readonly __typename: `${string}Error` };

/** Gives the credential for the next request; `refused` when the server has just refused the last one it gave. */
export type CredentialSource = (context: { readonly refused: boolean }) => string | Promise<string>;

/**
 * A client for Gallop's GraphQL API, for Node and the browser. Typed methods cover the operations of the API;
 * `request` and `subscribe` send any document. A refused operation throws `GallopClientError` named after the
 * typed error the server returned.
 */
export class GallopClient {
  readonly url: string;
  /** The tenant the client acts in; undefined for the server's default. */
  readonly tenant: string | undefined;
  readonly #post: Post;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #webSocketImpl: unknown;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #subscriptionRetries: number;
  readonly #keepAliveMs: number;
  readonly #onSocket: ((state: SocketState) => void) | undefined;
  #ws: WsClient | undefined;
  readonly #connectionParams: Readonly<Record<string, string>> | (() => Promise<Record<string, string>>);
  /** Set when the credential comes from a function: asked for each request, never kept in #headers. */
  readonly #credential: CredentialSource | undefined;
  #subscriptions = 0;
  #socket: SocketState = 'idle';
  /** When each socket last lost its connection: a subscription it carried resumes from then. */
  readonly #losses = new ConnectionLosses<WsClient>();
  #renewing: Promise<void> | undefined;
  /** Sockets opened with a credential since renewed: they carry the subscriptions made on them until those end. */
  readonly #retired = new Set<WsClient>();
  /** Counts close() calls, so that a renewal under way does not open a socket after one. */
  #epoch = 0;

  constructor(options: GallopClientOptions) {
    this.url = endpointOf(options.url);
    this.#post = options.fetch ? postWith(options.fetch) : defaultPost;
    this.tenant = options.tenant;
    const given = options.apiKey ?? envApiKey();
    const credential = typeof given === 'function' ? given : undefined;
    const apiKey = typeof given === 'function' ? undefined : given;
    this.#credential = credential;
    const tenantParams: Record<string, string> = options.tenant ? { tenant: options.tenant } : {};
    this.#connectionParams = credential
      ? async () => ({ ...tenantParams, authorization: `Bearer ${await this.#credentialFor(false)}` })
      : { ...tenantParams, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
    this.#headers = {
      ...options.headers,
      ...(options.tenant ? { 'gallop-tenant': options.tenant } : {}),
      ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
    };
    this.#webSocketImpl = options.webSocketImpl;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#retries = options.retries ?? 3;
    this.#subscriptionRetries = options.subscriptionRetries ?? 5;
    this.#keepAliveMs = options.keepAliveMs ?? 10_000;
    this.#onSocket = options.onSocket;
  }

  /**
   * Sends one query or mutation and resolves its `data`; GraphQL errors and HTTP failures reject, and so does an
   * answer that takes longer than `timeoutMs` (plus `extraMs`, for operations that wait on the server on purpose).
   * A lost connection is tried again as `retries` says.
   */
  request<R, V>(document: TadaDocumentNode<R, V>, variables: NoInfer<Input<V>>, signal?: AbortSignal, extraMs?: number): Promise<R>;
  request<T>(query: string, variables?: Record<string, unknown>, signal?: AbortSignal, extraMs?: number): Promise<T>;
  async request<T>(document: TadaDocumentNode | string, variables?: unknown, signal?: AbortSignal, extraMs = 0): Promise<T> {
    const query = textOf(document);
    const isQuery = !/^\s*(?:mutation|subscription)\b/.test(query);
    let refused = false;
    for (let attempt = 0, delay = 100; ; ) {
      try {
        const authorization = this.#credential ? `Bearer ${await this.#credentialFor(refused)}` : undefined;
        return await this.#send<T>(query, variables, signal, extraMs, authorization);
      } catch (error) {
        // Refused before anything ran (the server checks credentials first): safe to send again, mutation or not.
        if (this.#credential && !refused && isGallopClientError(error) && error.code === 'UNAUTHENTICATED') {
          refused = true;
          continue;
        }
        const again = isGallopClientError(error) && error.code === 'NETWORK_ERROR' && (isQuery || neverSent(error));
        if (!again || attempt >= this.#retries || signal?.aborted) throw error;
        await pause(delay, signal);
        attempt++;
        delay *= 2;
      }
    }
  }

  /** The credential function's answer, its failure a GallopClientError that says where it came from. */
  async #credentialFor(refused: boolean): Promise<string> {
    try {
      return await (this.#credential as CredentialSource)({ refused });
    } catch (cause) {
      throw new GallopClientError('CREDENTIAL_ERROR', `The apiKey function gave no credential: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
  }

  async #send<T>(query: string, variables: unknown, signal: AbortSignal | undefined, extraMs: number, authorization?: string): Promise<T> {
    // Before anything is sent, so that variables JSON cannot carry (a cycle, a BigInt, nesting past the stack) are
    // named as such, not taken for a server that cannot be reached and sent again.
    let body: string;
    try {
      body = JSON.stringify({ query, variables });
    } catch (cause) {
      throw new GallopClientError('INVALID_VARIABLES', `The variables cannot be sent as JSON: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    const ms = this.#timeoutMs + extraMs;
    // One controller for both ends, unhooked after: a TaskWorker's signal lives as long as the worker, and
    // AbortSignal.any would tie every request's signal to it.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, ms);
    const forward = () => controller.abort(signal?.reason);
    if (signal?.aborted) forward();
    else signal?.addEventListener('abort', forward, { once: true });
    const failure = (cause: unknown, what: string): unknown => {
      if (signal?.aborted) return cause;
      if (timedOut) return new GallopClientError('TIMEOUT', `The Gallop server at ${this.url} did not answer within ${ms} ms.`, { cause });
      return new GallopClientError('NETWORK_ERROR', what, { cause });
    };
    let response: Answer;
    let text: string;
    try {
      try {
        response = await this.#post(this.url, {
          headers: {
            'content-type': 'application/json',
            accept: 'application/graphql-response+json, application/json',
            ...this.#headers,
            ...(authorization ? { authorization } : {}),
          },
          body,
          signal: controller.signal,
        });
      } catch (cause) {
        throw failure(cause, `Cannot reach the Gallop server at ${this.url}.`);
      }
      try {
        text = await response.text();
      } catch (cause) {
        throw failure(cause, `The connection to the Gallop server at ${this.url} broke during its answer.`);
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forward);
    }
    let answer: { data?: T; errors?: readonly GraphQLErrorBody[] };
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch (cause) {
      throw new GallopClientError('HTTP_ERROR', `The server answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`, { cause });
    }
    if (answer.errors?.length) throw graphQLFailure(answer.errors);
    if (answer.data === undefined) throw new GallopClientError('HTTP_ERROR', `The server answered ${response.status} with no data.`);
    return answer.data;
  }

  /**
   * Starts a subscription; returns a function that ends it. With a credential function, a subscription the server
   * refuses or ends as UNAUTHENTICATED (its token expired while it ran, say) starts again once, on a socket opened
   * with a fresh credential.
   */
  subscribe<R, V>(document: TadaDocumentNode<R, V>, variables: NoInfer<Input<V>>, sink: Sink<R>): () => void;
  subscribe<T>(query: string, variables: Record<string, unknown>, sink: Sink<T>): () => void;
  subscribe<T>(document: TadaDocumentNode | string, variables: unknown, sink: Sink<T>): () => void {
    return this.#subscribe<T, unknown>(textOf(document), () => variables, sink);
  }

  /**
   * `variables` is asked each time the subscription is sent, given when its socket last lost its connection (0 if
   * never): after a lost socket or a renewal, it may resume later. It is asked several times per send, so it must
   * answer alike each time. `moved` is told when the server ended it and it is about to be sent again on a renewed
   * socket.
   */
  #subscribe<T, V>(document: TadaDocumentNode<T, V> | string, variables: (lostAt: number) => Input<V>, sink: Sink<T>, moved?: () => void): () => void {
    let open = true;
    let renewed = false;
    let unsubscribe = () => {};
    let socket: WsClient | undefined;
    const end = () => {
      if (!open) return;
      open = false;
      // graphql-ws stops reconnecting once nothing subscribes, and says nothing: a lost socket is then idle.
      if (--this.#subscriptions === 0 && this.#socket === 'lost') this.#tell('idle');
    };
    this.#subscriptions++;
    // graphql-ws sends this object as it is on every (re)subscribe: the getter asks for the variables then.
    const lostAt = () => this.#losses.lostAt(socket);
    const payload = {
      query: textOf(document as TadaDocumentNode | string),
      get variables() {
        return variables(lostAt()) as Record<string, unknown>;
      },
    };
    const fail = (failure: unknown) => {
      end();
      sink.error?.(failure);
    };
    const start = () => {
      const current = this.#wsClient();
      socket = current;
      // Set once this subscription gave way to one on a renewed socket: what the old one still says is not heard.
      let superseded = false;
      /**
       * A socket keeps the credential it opened with, and once that expires the server refuses what is subscribed on
       * it, or ends what runs there: with a credential function, subscribe once more on a socket opened with a fresh one.
       * A refusal at the start is retried once; an end while running (`lapsed`) always, since the server had taken
       * the credential the function gave (a quiet subscription sees no data between two tokens' ends).
       */
      const renewing = (failure: unknown, lapsed: boolean) => {
        if (!open || !this.#credential || (renewed && !lapsed) || !isGallopClientError(failure) || failure.code !== 'UNAUTHENTICATED') return false;
        // Not released here: the server ends what it cut, and a release beside its complete would count the
        // subscription off the socket twice (graphql-ws), closing it under the others.
        superseded = true;
        moved?.();
        // Refused on a socket already renewed (by another subscription): the current one holds a fresh credential.
        if (current !== this.#ws && this.#ws && !this.#renewing) {
          start();
          return true;
        }
        renewed = true;
        const epoch = this.#epoch;
        this.#renewSocket().then(
          () => {
            if (!open) return;
            if (epoch === this.#epoch) start();
            else fail(failure);
          },
          fail,
        );
        return true;
      };
      // A subscription released (or ended) is over for the sink: graphql-ws still completes one the client let go
      // of, a moment later, which is no end the server chose.
      unsubscribe = current.subscribe<T>(payload, {
        next: (message) => {
          if (superseded || !open) return;
          if (message.errors?.length) {
            const failure = graphQLFailure(message.errors as readonly GraphQLErrorBody[]);
            if (renewing(failure, true)) return;
            // The server ended it (its credential or grant has lapsed, or what it follows does not exist): its
            // complete follows, and is not news.
            if (isGallopClientError(failure) && (failure.code === 'UNAUTHENTICATED' || failure.code === 'FORBIDDEN' || failure.code === 'NotFoundError')) {
              superseded = true;
              fail(failure);
              return;
            }
            sink.error?.(failure);
            return;
          }
          // Data came, so a later refusal (after a reconnect, say) may renew the credential again.
          renewed = false;
          if (message.data) sink.next(message.data as T);
        },
        error: (error) => {
          if (superseded || !open) return;
          // graphql-ws hands over the GraphQL errors of a refused subscription as they came: an array.
          const failure = Array.isArray(error) ? graphQLFailure(error as readonly GraphQLErrorBody[]) : error;
          if (!renewing(failure, false)) fail(failure);
        },
        complete: () => {
          if (superseded || !open) return;
          end();
          sink.complete?.();
        },
      });
    };
    start();
    return () => {
      end();
      unsubscribe();
    };
  }

  /**
   * Asks the credential function for a new credential (`refused`); subscriptions made from then on go on a new
   * socket, opened with it. The old socket keeps the subscriptions it carries until they end (the server ends them
   * within seconds once their credential has lapsed, and they move here too), then closes. Refusals that come
   * together share one renewal.
   */
  #renewSocket(): Promise<void> {
    this.#renewing ??= this.#credentialFor(true)
      .then(() => {
        if (this.#ws) this.#retired.add(this.#ws);
        this.#ws = undefined;
      })
      .finally(() => (this.#renewing = undefined));
    return this.#renewing;
  }

  #tell(state: SocketState): void {
    this.#socket = state;
    this.#onSocket?.(state);
  }

  async putTaskDef(input: {
    name: string;
    inputVars?: readonly { name: string; type: VariableType; masked?: boolean }[];
    returnType?: VariableType | null;
    /** What it returns is a secret: workers and WfRuns use it, the API shows `*****`. */
    maskedOutput?: boolean;
    description?: string;
  }): Promise<TaskDefInfo> {
    const data = await this.request(ops.PUT_TASK_DEF, { input: { inputVars: [], ...input } });
    return unwrap(data.result);
  }

  /**
   * The workers that claimed a TaskDef's TaskRuns, or extended a lease on one, within the last `seenWithinSeconds`
   * (120 by default; recorded within seconds), the latest first; null when there is no such TaskDef.
   */
  async taskWorkers(taskDefName: string, seenWithinSeconds?: number): Promise<{ workerId: string; firstSeenAt: string; lastSeenAt: string }[] | null> {
    return (await this.request(ops.TASK_WORKERS, { name: taskDefName, seenWithinSeconds })).taskDef?.workers ?? null;
  }

  /**
   * Deletes a TaskDef (NotFoundError when there is none); the name can then be registered again. TASK nodes that run
   * it afterwards fail with TASK_ERROR; its TaskRuns already scheduled or running carry on.
   */
  async deleteTaskDef(name: string): Promise<{ name: string }> {
    return unwrap((await this.request(ops.DELETE_TASK_DEF, { input: { name } })).result);
  }

  async externalEventDefs(page: DefListPage = {}): Promise<Page<ExternalEventDefInfo>> {
    return this.#page(ops.EXTERNAL_EVENT_DEFS, page);
  }

  async workflowEventDefs(page: DefListPage = {}): Promise<Page<{ name: string; createdAt: string }>> {
    return this.#page(ops.WORKFLOW_EVENT_DEFS, page);
  }

  async externalEventDef(name: string): Promise<ExternalEventDefInfo | null> {
    return (await this.request(ops.EXTERNAL_EVENT_DEF_QUERY, { name })).externalEventDef;
  }

  async workflowEventDef(name: string): Promise<WorkflowEventDefInfo | null> {
    return (await this.request(ops.WORKFLOW_EVENT_DEF_QUERY, { name })).workflowEventDef;
  }

  /** Every TaskDef, by name. */
  async taskDefs(page: DefListPage = {}): Promise<Page<TaskDefInfo>> {
    return this.#page(ops.TASK_DEFS, page);
  }

  /** A TaskRun by its id, `{wfRunId}/{taskGuid}`. */
  async taskRun(id: string): Promise<TaskRunInfo | null> {
    return (await this.request(ops.TASK_RUN_QUERY, { id })).taskRun;
  }

  async externalEvent(wfRunId: string, guid: string): Promise<ExternalEventInfo | null> {
    return (await this.request(ops.EXTERNAL_EVENT_QUERY, { wfRunId, guid })).externalEvent;
  }

  async taskDef(name: string): Promise<TaskDefInfo | null> {
    return (await this.request(ops.TASK_DEF_QUERY, { name })).taskDef;
  }

  /** Registers a WfSpec; the server validates it with the engine and answers with its version. */
  async putWfSpec(spec: WfSpec): Promise<WfSpecInfo> {
    // A WfSpec is JSON through and through; its interface just lacks JsonValue's index signature.
    const data = await this.request(ops.PUT_WF_SPEC, { input: { spec: spec as unknown as JsonValue } });
    return unwrap(data.result);
  }

  /**
   * Deletes one version of a WfSpec: no WfRun starts on it any more, while those already running on it finish on it.
   * Its number is not given to another version.
   */
  async deleteWfSpec(id: { name: string; majorVersion: number; revision: number }): Promise<{ name: string; majorVersion: number; revision: number }> {
    const { name, majorVersion, revision } = id;
    return unwrap((await this.request(ops.DELETE_WF_SPEC, { input: { name, majorVersion, revision } })).result);
  }

  async wfSpec(name: string, version: { majorVersion?: number; revision?: number } = {}): Promise<WfSpecInfo | null> {
    return (await this.request(ops.WF_SPEC_QUERY, { name, ...version })).wfSpec;
  }

  /** Every version of every WfSpec, by name, then version; `wfSpec()` reads one with its spec. */
  async wfSpecs(page: DefListPage = {}): Promise<Page<WfSpecVersionInfo>> {
    return this.#page(ops.WF_SPECS, page);
  }

  /** Starts a WfRun; it has already advanced to its first wait when this resolves. `wfRun(id)` reads the rest. */
  async runWf(input: {
    wfSpecName: string;
    majorVersion?: number;
    revision?: number;
    id?: string;
    variables?: Readonly<Record<string, JsonValue>>;
  }): Promise<WfRunSummary> {
    const data = await this.request(ops.RUN_WF, { input });
    return unwrap(data.result);
  }

  /**
   * Runs a WfSpec at each time of a five-field cron expression, in UTC; the first WfRun starts at the next such
   * time, never at once. Each WfRun's id is `{schedule id}-{fire time in epoch ms}`.
   */
  async scheduleWf(input: {
    wfSpecName: string;
    cronExpression: string;
    majorVersion?: number;
    revision?: number;
    id?: string;
    variables?: Readonly<Record<string, JsonValue>>;
  }): Promise<ScheduledWfRunInfo> {
    const data = await this.request(ops.SCHEDULE_WF, { input });
    return scheduledWfRunOf(unwrap(data.result));
  }

  async scheduledWfRun(id: string): Promise<ScheduledWfRunInfo | null> {
    const found = (await this.request(ops.SCHEDULED_WF_RUN_QUERY, { id })).scheduledWfRun;
    return found && scheduledWfRunOf(found);
  }

  /** ScheduledWfRuns by id, all or those of one WfSpec; pass `endCursor` back as `after` for the next page. */
  async scheduledWfRuns(search: { wfSpecName?: string } = {}, page: { first?: number; after?: string } = {}): Promise<Page<ScheduledWfRunInfo>> {
    const found = await this.#page(ops.SEARCH_SCHEDULED_WF_RUNS, { ...search, ...page });
    return { ...found, items: found.items.map(scheduledWfRunOf) };
  }

  /** Deletes a ScheduledWfRun: it starts no more WfRuns; those it started stay. */
  async deleteScheduledWfRun(id: string): Promise<{ id: string }> {
    const data = await this.request(ops.DELETE_SCHEDULED_WF_RUN, { input: { id } });
    return unwrap(data.result);
  }

  /** Stops a WfRun (or one of its ThreadRuns) and its children; HALTING until running TaskRuns end, then HALTED. */
  async stopWfRun(id: string, threadRunNumber = 0): Promise<WfRunSummary> {
    const data = await this.request(ops.STOP_WF_RUN, { input: { id, threadRunNumber } });
    return unwrap(data.result);
  }

  /** Lets a stopped WfRun (or ThreadRun) run again. */
  async resumeWfRun(id: string, threadRunNumber = 0): Promise<WfRunSummary> {
    const data = await this.request(ops.RESUME_WF_RUN, { input: { id, threadRunNumber } });
    return unwrap(data.result);
  }

  /** Runs a ThreadRun (thread 0 by default) that failed with an ERROR again from its failed node, or past it. */
  async rescueThreadRun(id: string, options: { threadRunNumber?: number; skipCurrentNode?: boolean } = {}): Promise<WfRunSummary> {
    const data = await this.request(ops.RESCUE_THREAD_RUN, { input: { id, ...options } });
    return unwrap(data.result);
  }

  /** WfRuns newest first that match `search`; pass `endCursor` back as `after` for the next page. */
  async searchWfRuns(search: WfRunSearch = {}, page: { first?: number; after?: string } = {}): Promise<Page<WfRunSummary>> {
    return this.#page(ops.SEARCH_WF_RUNS, { ...search, ...page });
  }

  /** TaskRuns of a TaskDef, newest first, optionally in one status. */
  async searchTaskRuns(search: { taskDefName: string; status?: TaskRunInfo['status'] }, page: { first?: number; after?: string } = {}): Promise<Page<TaskRunInfo>> {
    return this.#page(ops.SEARCH_TASK_RUNS, { ...search, ...page });
  }

  /** How many TaskRuns of a TaskDef are in one status: with TASK_SCHEDULED, the queue waiting for workers. */
  async countTaskRuns(taskDefName: string, status: TaskRunInfo['status']): Promise<number> {
    return (await this.request(ops.COUNT_TASK_RUNS, { taskDefName, status })).countTaskRuns;
  }

  /**
   * NodeRuns in one status, newest arrival first, optionally arrived within a time range or, for EXTERNAL_EVENT
   * NodeRuns, waiting for one ExternalEventDef (LittleHorse's SearchNodeRun).
   */
  async searchNodeRuns(search: NodeRunSearch, page: { first?: number; after?: string } = {}): Promise<Page<NodeRunInfo>> {
    return this.#page(ops.SEARCH_NODE_RUNS, { ...search, ...page });
  }

  /** One NodeRun: the position-th node its ThreadRun reached, from 0. */
  async nodeRun(wfRunId: string, threadRunNumber: number, position: number): Promise<NodeRunInfo | null> {
    return (await this.request(ops.NODE_RUN, { wfRunId, threadRunNumber, position })).nodeRun;
  }

  /** One variable of a ThreadRun (masked as its WfSpec says). */
  async variable(wfRunId: string, threadRunNumber: number, name: string): Promise<{ wfRunId: string; threadRunNumber: number; name: string; value: JsonValue } | null> {
    return (await this.request(ops.VARIABLE, { wfRunId, threadRunNumber, name })).variable;
  }

  /**
   * Variables holding exactly `value`, in any ThreadRun of the WfRuns of a WfSpec (version), newest WfRun first
   * (LittleHorse's SearchVariable), each with its WfRun; optionally only in WfRuns of a status or start-time range.
   * The variable must be declared searchable, and not masked.
   */
  async searchVariables(search: VariableSearch, page: { first?: number; after?: string } = {}): Promise<Page<FoundVariable>> {
    return this.#page(ops.SEARCH_VARIABLES, { ...search, ...page });
  }

  /** How many NodeRuns the tenant's WfRuns have had: all, or those of a WfSpec (one major version, one revision). */
  async countNodeRuns(wfSpec: { wfSpecName?: string; majorVersion?: number; revision?: number } = {}): Promise<number> {
    return (await this.request(ops.COUNT_NODE_RUNS, wfSpec)).countNodeRuns;
  }

  /** ExternalEvents of a def, newest first, optionally only claimed or unclaimed ones. */
  async searchExternalEvents(search: { externalEventDefName: string; claimed?: boolean }, page: { first?: number; after?: string } = {}): Promise<Page<ExternalEventInfo>> {
    return this.#page(ops.SEARCH_EXTERNAL_EVENTS, { ...search, ...page });
  }

  async #page<R extends Connection, V>(document: TadaDocumentNode<R, V>, variables: NoInfer<Input<V>>): Promise<Page<R['page']['edges'][number]['node']>> {
    const data = await this.request(document, variables);
    return { items: data.page.edges.map((e) => e.node), ...data.page.pageInfo };
  }

  /**
   * Each WfRun (of one WfSpec, or any) as it changes, from now on, or first those changed since `options.since` (to
   * carry on after a subscription the server ended). After a lost connection or a renewed credential it carries on
   * with the WfRuns that changed meanwhile (a WfRun may then come twice).
   */
  wfRunsChanged(
    wfSpecName: string | undefined,
    sink: { next(run: WfRunSummary): void; error?(error: unknown): void; complete?(): void },
    options: { since?: Date } = {},
  ): () => void {
    // Sent again, it asks for what changed since it was last cut: its socket lost, or moved to a renewed one (the
    // server looks a few seconds further back, for what was on its way).
    const startedAt = Date.now();
    let movedAt = 0;
    return this.#subscribe(
      ops.WF_RUNS_CHANGED,
      (lostAt) => {
        const cut = Math.max(movedAt, lostAt);
        return { wfSpecName, since: cut >= startedAt ? new Date(cut).toISOString() : options.since?.toISOString() };
      },
      {
        next: (data) => sink.next(data.wfRunsChanged),
        error: (error) => sink.error?.(error),
        complete: () => sink.complete?.(),
      },
      () => (movedAt = Date.now()),
    );
  }

  /** Deletes a WfRun with everything it owns; its child WfRuns stay. */
  async deleteWfRun(id: string): Promise<{ id: string }> {
    const data = await this.request(ops.DELETE_WF_RUN, { input: { id } });
    return unwrap(data.result);
  }

  /** Moves a WfRun to a later revision of its WfSpec version (the newest by default), where that is safe. */
  async migrateWfSpec(wfRunId: string, revision?: number): Promise<WfRunSummary> {
    const data = await this.request(ops.MIGRATE_WF_SPEC, { input: { wfRunId, revision } });
    return unwrap(data.result);
  }

  /** Holds a running attempt `leaseMs` longer from now; `extended: false` means it is not the worker's any more. */
  async extendTaskRunLease(input: { taskRunId: string; attempt: number; leaseMs?: number }): Promise<{ extended: boolean; leaseExpiresAt: string | null }> {
    const data = await this.request(ops.EXTEND_TASK_RUN_LEASE, { input });
    return unwrap(data.result);
  }

  async wfRun(id: string): Promise<WfRunInfo | null> {
    return (await this.request(ops.WF_RUN_QUERY, { id })).wfRun;
  }

  /** Claims up to `max` TaskRuns of a TaskDef, waiting up to `waitMs` for one to be scheduled. */
  async claimTaskRuns(input: ClaimInput, signal?: AbortSignal): Promise<ScheduledTask[]> {
    return (await this.reportAndClaimTaskRuns([], input, signal)).taskRuns;
  }

  /**
   * Reports finished attempts (at most 100), then claims, in one request: a TaskRun that one of the reports
   * schedules can come straight back as claimed. Each report's answer is as from reportTaskRuns.
   */
  async reportAndClaimTaskRuns(
    reports: readonly TaskRunReportInput[],
    input: ClaimInput,
    signal?: AbortSignal,
  ): Promise<{ reports: BatchedTaskRunReport[]; taskRuns: ScheduledTask[] }> {
    const variables = { input: reports.length > 0 ? { ...input, reports: reports.map(reportFields) } : input };
    const data = await this.request(ops.CLAIM_TASK_RUNS, variables, signal, input.waitMs ?? 0);
    const { taskRuns, reports: answers } = unwrap(data.result);
    return { taskRuns: taskRuns.map((t) => ({ ...t, input: objectOf(t.input) })), reports: answers };
  }

  /** Reports how an attempt ended. A late or repeated report resolves with `accepted: false`. */
  async reportTaskRun(input: TaskRunReportInput): Promise<TaskRunReport> {
    const data = await this.request(ops.REPORT_TASK_RUN, { input: reportFields(input) });
    return unwrap(data.result);
  }

  /**
   * Reports several attempts in one request (at most 100); the server advances their WfRuns concurrently. Each
   * answer says whether its report counted; a malformed or unknown one names its error instead of failing the rest.
   */
  async reportTaskRuns(inputs: readonly TaskRunReportInput[]): Promise<BatchedTaskRunReport[]> {
    const data = await this.request(ops.REPORT_TASK_RUNS, { input: inputs.map(reportFields) });
    return unwrap(data.result).reports;
  }

  async putExternalEventDef(input: {
    name: string;
    /** Lets CorrelatedEvents of it be sent: deleted after `ttlSeconds`, or once one WfRun took it. */
    correlatedEventConfig?: { ttlSeconds?: number; deleteAfterFirstCorrelation?: boolean };
  }): Promise<ExternalEventDefInfo> {
    const data = await this.request(ops.PUT_EXTERNAL_EVENT_DEF, { input });
    return unwrap(data.result);
  }

  /**
   * Sends an event by correlation key (LittleHorse): every EXTERNAL_EVENT NodeRun of the def waiting with that
   * `correlationKey`, now or later, takes it. AlreadyExistsError for a key already sent (until deleted or expired).
   */
  async putCorrelatedEvent(input: { key: string; externalEventDefName: string; content?: JsonValue }): Promise<CorrelatedEventInfo> {
    return unwrap((await this.request(ops.PUT_CORRELATED_EVENT, { input })).result);
  }

  async correlatedEvent(key: string, externalEventDefName: string): Promise<CorrelatedEventInfo | null> {
    return (await this.request(ops.CORRELATED_EVENT_QUERY, { key, externalEventDefName })).correlatedEvent;
  }

  /**
   * CorrelatedEvents of a def, by key; with `hasExternalEvents`, only those a NodeRun has taken (true) or none has
   * (false).
   */
  async correlatedEvents(
    search: string | { externalEventDefName: string; hasExternalEvents?: boolean },
    page: { first?: number; after?: string } = {},
  ): Promise<Page<CorrelatedEventInfo>> {
    return this.#page(ops.CORRELATED_EVENTS, { ...(typeof search === 'string' ? { externalEventDefName: search } : search), ...page });
  }

  async deleteCorrelatedEvent(key: string, externalEventDefName: string): Promise<{ key: string; externalEventDefName: string }> {
    return unwrap((await this.request(ops.DELETE_CORRELATED_EVENT, { input: { key, externalEventDefName } })).result);
  }

  /** Deletes an ExternalEventDef: events of it can no longer be sent; those already sent stay. */
  async deleteExternalEventDef(name: string): Promise<{ name: string }> {
    return unwrap((await this.request(ops.DELETE_EXTERNAL_EVENT_DEF, { input: { name } })).result);
  }

  /**
   * Sends an ExternalEvent to a WfRun (which may not exist yet). A `guid` names it: a second send with the same guid is
   * refused with AlreadyExistsError, so a caller that retries after a lost answer cannot deliver it twice.
   */
  async putExternalEvent(input: {
    wfRunId: string;
    externalEventDefName: string;
    content?: JsonValue;
    guid?: string;
    /** Only this ThreadRun takes it (its EXTERNAL_EVENT nodes, or its interrupts). */
    threadRunNumber?: number;
    /** Only the EXTERNAL_EVENT NodeRun at this position takes it. */
    nodeRunPosition?: number;
  }): Promise<ExternalEventInfo> {
    const data = await this.request(ops.PUT_EXTERNAL_EVENT, { input });
    return unwrap(data.result);
  }

  async putWorkflowEventDef(input: { name: string }): Promise<{ name: string; createdAt: string }> {
    const data = await this.request(ops.PUT_WORKFLOW_EVENT_DEF, { input });
    return unwrap(data.result);
  }

  /** Deletes a WorkflowEventDef; WorkflowEvents already thrown stay. */
  async deleteWorkflowEventDef(name: string): Promise<{ name: string }> {
    return unwrap((await this.request(ops.DELETE_WORKFLOW_EVENT_DEF, { input: { name } })).result);
  }

  /** The first WorkflowEvent of the given defs a WfRun threw, waiting up to `timeoutMs`; DeadlineExceededError after. */
  async awaitWorkflowEvent(input: { wfRunId: string; workflowEventDefNames: string[]; timeoutMs?: number }): Promise<WorkflowEventInfo> {
    // The server waits up to timeoutMs (30 s by default) on purpose: the request's own timeout comes on top.
    const data = await this.request(ops.AWAIT_WORKFLOW_EVENT, { input }, undefined, input.timeoutMs ?? 30_000);
    return unwrap(data.result);
  }
  /** The `number`-th WorkflowEvent of a def that a WfRun threw (from 0), or null. */
  async workflowEvent(wfRunId: string, workflowEventDefName: string, number: number): Promise<WorkflowEventInfo | null> {
    return (await this.request(ops.WORKFLOW_EVENT_QUERY, { wfRunId, workflowEventDefName, number })).workflowEvent;
  }

  /** Every WorkflowEvent a WfRun threw, by time (then def and number); null when there is no such WfRun. */
  async workflowEventsOf(wfRunId: string): Promise<WorkflowEventInfo[] | null> {
    return (await this.request(ops.WORKFLOW_EVENTS_OF, { id: wfRunId })).wfRun?.workflowEvents ?? null;
  }

  /** WorkflowEvents of a def, newest first, optionally thrown within [createdAfter, createdBefore) (ISO-8601). */
  async searchWorkflowEvents(
    search: { workflowEventDefName: string; createdAfter?: string; createdBefore?: string },
    page: { first?: number; after?: string } = {},
  ): Promise<Page<WorkflowEventInfo>> {
    return this.#page(ops.SEARCH_WORKFLOW_EVENTS, { ...search, ...page });
  }

  /**
   * What a WfSpec's WfRuns did in the window of `windowLength` that holds `at` (zeros where nothing happened): of one
   * version, of a major version's revisions, or of every version. Counts reach the server's tables within seconds.
   */
  async wfSpecMetricsWindow(query: { wfSpecName: string; majorVersion?: number; revision?: number; windowLength: MetricsWindowLength; at: string }): Promise<WfSpecMetrics> {
    return (await this.request(ops.WF_SPEC_METRICS_WINDOW, query)).wfSpecMetricsWindow;
  }

  /** A WfSpec's windows of one length from `since` to `until` (default now), oldest first; only those where something happened. */
  async wfSpecMetrics(
    query: { wfSpecName: string; majorVersion?: number; revision?: number; windowLength: MetricsWindowLength; since: string; until?: string },
    page: { first?: number; after?: string } = {},
  ): Promise<Page<WfSpecMetrics>> {
    return this.#page(ops.WF_SPEC_METRICS, { ...query, ...page });
  }

  /** What a TaskDef's TaskRuns did in the window of `windowLength` that holds `at` (zeros where nothing happened). */
  async taskDefMetricsWindow(query: { taskDefName: string; windowLength: MetricsWindowLength; at: string }): Promise<TaskDefMetrics> {
    return (await this.request(ops.TASK_DEF_METRICS_WINDOW, query)).taskDefMetricsWindow;
  }

  /** A TaskDef's windows of one length from `since` to `until` (default now), oldest first; only those where something happened. */
  async taskDefMetrics(
    query: { taskDefName: string; windowLength: MetricsWindowLength; since: string; until?: string },
    page: { first?: number; after?: string } = {},
  ): Promise<Page<TaskDefMetrics>> {
    return this.#page(ops.TASK_DEF_METRICS, { ...query, ...page });
  }

  /** The server's release. */
  async serverVersion(): Promise<{ version: string; major: number; minor: number; patch: number; prerelease: string | null }> {
    return (await this.request(ops.SERVER_VERSION, {})).serverVersion;
  }


  /**
   * Registers a UserTaskDef: version 0 the first time, the same version again for an identical def, the next
   * version for a changed one (LittleHorse).
   */
  async putUserTaskDef(input: {
    name: string;
    fields: readonly { name: string; type: VariableType; displayName?: string; description?: string; required?: boolean }[];
    description?: string;
  }): Promise<UserTaskDefInfo> {
    const data = await this.request(ops.PUT_USER_TASK_DEF, { input });
    return unwrap(data.result);
  }
  /**
   * Deletes one version of a UserTaskDef: USER_TASK nodes make no new UserTaskRun of it (one that pins no version
   * takes the newest left); those already made can still be completed.
   */
  async deleteUserTaskDef(name: string, version: number): Promise<{ name: string; version: number }> {
    return unwrap((await this.request(ops.DELETE_USER_TASK_DEF, { input: { name, version } })).result);
  }


  /** One version of a UserTaskDef, the newest by default. */
  async userTaskDef(name: string, version?: number): Promise<UserTaskDefInfo | null> {
    return (await this.request(ops.USER_TASK_DEF_QUERY, { name, version })).userTaskDef;
  }

  /** Every version of every UserTaskDef, by name, then version. */
  async userTaskDefs(page: DefListPage = {}): Promise<Page<UserTaskDefInfo>> {
    return this.#page(ops.USER_TASK_DEFS, page);
  }

  async userTaskRun(wfRunId: string, userTaskGuid: string): Promise<UserTaskRunInfo | null> {
    const found = (await this.request(ops.USER_TASK_RUN_QUERY, { wfRunId, userTaskGuid })).userTaskRun;
    return found && userTaskRunOf(found);
  }

  /** UserTaskRuns matching every filter given, newest first: a person's or a group's task list. */
  async searchUserTaskRuns(filter: UserTaskRunFilter = {}, page: { first?: number; after?: string } = {}): Promise<Page<UserTaskRunInfo>> {
    const found = await this.#page(ops.USER_TASK_RUNS, { ...filter, ...page });
    return { ...found, items: found.items.map(userTaskRunOf) };
  }

  /**
   * Gives an open UserTaskRun to a user, a group, or a user within a group (the one left out is cleared). A task a
   * user holds is refused with UserTaskRunClaimedError unless `overrideClaim` is set.
   */
  async assignUserTaskRun(input: { wfRunId: string; userTaskGuid: string; userId?: string; userGroup?: string; overrideClaim?: boolean }): Promise<UserTaskRunInfo> {
    const data = await this.request(ops.ASSIGN_USER_TASK_RUN, { input });
    return userTaskRunOf(unwrap(data.result));
  }

  /**
   * Completes an open UserTaskRun as `userId`; `results` are checked against the UserTaskDef's fields (a
   * ValidationError lists each that does not fit) and become the USER_TASK node's output.
   */
  async completeUserTaskRun(input: {
    wfRunId: string;
    userTaskGuid: string;
    userId: string;
    results: Readonly<Record<string, JsonValue>>;
  }): Promise<UserTaskRunInfo> {
    const data = await this.request(ops.COMPLETE_USER_TASK_RUN, { input });
    return userTaskRunOf(unwrap(data.result));
  }

  /** Cancels an open UserTaskRun: its node fails with USER_TASK_CANCELLED, or the exception the node names. */
  async cancelUserTaskRun(input: { wfRunId: string; userTaskGuid: string }): Promise<UserTaskRunInfo> {
    const data = await this.request(ops.CANCEL_USER_TASK_RUN, { input });
    return userTaskRunOf(unwrap(data.result));
  }

  /**
   * Keeps what a person has filled in so far on an open UserTaskRun, as its results, without completing it (each
   * value must fit its field; required ones may wait). A task another user holds is refused
   * (UserTaskRunClaimedError) unless `policy` is IGNORE_CLAIM.
   */
  async saveUserTaskRunProgress(input: {
    wfRunId: string;
    userTaskGuid: string;
    userId: string;
    results: Readonly<Record<string, JsonValue>>;
    policy?: 'FAIL_IF_CLAIMED_BY_OTHER' | 'IGNORE_CLAIM';
  }): Promise<UserTaskRunInfo> {
    const data = await this.request(ops.SAVE_USER_TASK_RUN_PROGRESS, { input });
    return userTaskRunOf(unwrap(data.result));
  }

  /** Comments on a UserTaskRun, open or ended (as LittleHorse); the comment is `comments.at(-1)` of the answer, its id counting from 1. */
  async putUserTaskRunComment(input: { wfRunId: string; userTaskGuid: string; userId: string; comment: string }): Promise<UserTaskRunInfo> {
    const data = await this.request(ops.PUT_USER_TASK_RUN_COMMENT, { input });
    return userTaskRunOf(unwrap(data.result));
  }

  async editUserTaskRunComment(input: { wfRunId: string; userTaskGuid: string; userCommentId: number; userId: string; comment: string }): Promise<UserTaskRunInfo> {
    const data = await this.request(ops.EDIT_USER_TASK_RUN_COMMENT, { input });
    return userTaskRunOf(unwrap(data.result));
  }

  async deleteUserTaskRunComment(input: { wfRunId: string; userTaskGuid: string; userCommentId: number; userId: string }): Promise<UserTaskRunInfo> {
    const data = await this.request(ops.DELETE_USER_TASK_RUN_COMMENT, { input });
    return userTaskRunOf(unwrap(data.result));
  }

  /**
   * Streams a WfRun's events after `afterSeq` (from the start by default): stored ones first, then live ones. A WfRun
   * that does not exist ends it with `sink.error` of a GallopClientError coded NotFoundError (no complete follows).
   */
  wfRunEvents(id: string, sink: Sink<StoredWfRunEvent>, afterSeq?: number): () => void {
    // Subscribed again (after a lost connection or a renewed credential), it resumes after the last event it passed on.
    let last = afterSeq;
    return this.#subscribe(ops.WF_RUN_EVENTS, () => ({ id, afterSeq: last }), {
      next: ({ wfRunEvents: e }) => {
        if (last !== undefined && e.seq <= last) return;
        last = e.seq;
        sink.next({ ...e, type: e.type as WfRunEvent['type'], event: e.event as unknown as WfRunEvent });
      },
      error: (error) => sink.error?.(error),
      complete: () => sink.complete?.(),
    });
  }

  /** Closes the WebSocket, if one was opened. */
  async close(): Promise<void> {
    this.#epoch++;
    const sockets = [this.#ws, ...this.#retired];
    this.#ws = undefined;
    this.#retired.clear();
    await Promise.all(sockets.map((socket) => socket?.dispose()));
  }

  #wsClient(): WsClient {
    if (this.#ws) return this.#ws;
    let socket: { readonly readyState: number; close(code: number, reason: string): void; terminate?(): void } | undefined;
    let unanswered: ReturnType<typeof setTimeout> | undefined;
    const client: WsClient = createClient({
      url: this.url.replace(/^http/, 'ws'),
      webSocketImpl: this.#webSocketImpl,
      lazy: true,
      connectionParams: this.#connectionParams,
      retryAttempts: this.#subscriptionRetries,
      // A socket that fails to open reports a bare error event (no close code) in browsers: try it again too.
      shouldRetry: () => true,
      // graphql-ws doubles its wait without bound; a server back after a minute should not wait minutes more.
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 1_000 * 2 ** retries) + Math.random() * 500)),
      keepAlive: this.#keepAliveMs,
      on: {
        // A ping the server leaves unanswered until the next is due: the path is dead though nothing closed it.
        // In Node (ws) the socket is dropped at once, since a close would wait for the server's answer that never
        // comes; a browser's closes with 4408 (not a fatal code). Either way graphql-ws reconnects.
        ping: (received) => {
          if (received) return;
          clearTimeout(unanswered);
          unanswered = setTimeout(() => {
            if (socket?.readyState !== 1) return;
            if (socket.terminate) socket.terminate();
            else socket.close(4408, 'The server did not answer a ping');
          }, this.#keepAliveMs);
        },
        pong: (received) => {
          if (received) clearTimeout(unanswered);
        },
        message: () => this.#losses.heard(client, Date.now()),
        // A socket replaced after a refusal carries on quietly: what the client reports is the current one.
        connected: (opened) => {
          socket = opened as typeof socket;
          this.#losses.connected(client, Date.now());
          if (client === this.#ws) this.#tell('connected');
        },
        closed: (event) => {
          // 1000 is graphql-ws closing an unused lazy socket; anything else is a connection lost.
          const normal = (event as { code?: number } | undefined)?.code === 1000;
          clearTimeout(unanswered);
          this.#losses.closed(client, normal);
          if (client === this.#ws) this.#tell(normal || this.#subscriptions === 0 ? 'idle' : 'lost');
          else if (normal) this.#retired.delete(client);
        },
      },
    });
    this.#ws = client;
    return client;
  }
}

/** A worker's report of one attempt. */
export interface TaskRunReportInput {
  readonly taskRunId: string;
  readonly attempt: number;
  readonly outcome: TaskOutcome;
  readonly logOutput?: string;
  readonly workerId?: string;
}

/** What one report of a batch did. */
export interface BatchedTaskRunReport {
  readonly taskRunId: string;
  readonly accepted: boolean;
  readonly reason: string | null;
  /** ValidationError or NotFoundError when the report itself was wrong. */
  readonly error: string | null;
}

/** System errors that mean the request never reached a server: sending it again cannot do anything twice. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function neverSent(error: Error): boolean {
  for (let cause: unknown = error.cause, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && NEVER_SENT.has(code)) return true;
  }
  return false;
}

/** Waits `ms` give or take a fifth, so that clients that lost one server do not all come back at once. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms * (0.8 + Math.random() * 0.4));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

// The schema types these as JSON; the server always puts an object there (or null, for results not given yet).
function objectOf(value: JsonValue): Readonly<Record<string, JsonValue>> {
  return value as Readonly<Record<string, JsonValue>>;
}

function scheduledWfRunOf<T extends { readonly variables: JsonValue }>(row: T): T & { readonly variables: Readonly<Record<string, JsonValue>> } {
  return { ...row, variables: objectOf(row.variables) };
}

function userTaskRunOf<T extends { readonly results: JsonValue }>(row: T): T & { readonly results: Readonly<Record<string, JsonValue>> | null } {
  return { ...row, results: row.results === null ? null : objectOf(row.results) };
}

function reportFields(input: TaskRunReportInput): VariablesOf<typeof ops.REPORT_TASK_RUN>['input'] {
  const { outcome, ...rest } = input;
  const fields =
    outcome.status === 'SUCCESS'
      ? ({ status: 'SUCCESS', output: outcome.output ?? null } as const)
      : outcome.status === 'ERROR'
        ? ({ status: 'ERROR', message: outcome.message } as const)
        : ({ status: 'EXCEPTION', exceptionName: outcome.name, message: outcome.message, content: outcome.content ?? null } as const);
  return { ...rest, ...fields };
}

/** The success member of a result union, or a GallopClientError named after the typed error the server returned. */
function unwrap<R extends { readonly __typename: string }>(result: R): Omit<Exclude<R, Refusal>, '__typename'> {
  if (result.__typename.endsWith('Error')) {
    const { __typename: code, message, problems, ...details } = result as unknown as { __typename: string; message: string; problems?: GallopProblem[] };
    throw new GallopClientError(code, message, { problems: problems ?? [], details });
  }
  const { __typename: _typename, ...value } = result;
  return value as Omit<Exclude<R, Refusal>, '__typename'>;
}

