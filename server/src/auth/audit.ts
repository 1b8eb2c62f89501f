import { errorTypeMap } from '@pothos/plugin-errors';
import { and, desc, eq, inArray, lt, or } from 'drizzle-orm';
import { getOperationAST, Kind } from 'graphql';
import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../graphql/builder.ts';
import { perOperation } from '../graphql/per-operation.ts';
import type { Logger } from '../observability/logger.ts';
import type { Housekeeping } from '../runtime/housekeeping.ts';
import type { Db } from '../store/db.ts';
import { auditLog } from '../store/schema.ts';

export type AuditRow = typeof auditLog.$inferSelect;
type NewAuditRow = typeof auditLog.$inferInsert;

/**
 * Wraps each mutation's resolver so that a typed error it returns (a union result, which the answer names only when
 * the client asks for __typename) is noted on the operation's context for the audit. Resolvers, not an
 * AsyncLocalStorage: on Node 20 one ALS turns on promise hooks for the whole process, which cost every request.
 */
export function noteTypedErrors(schema: GraphQLSchema): GraphQLSchema {
  // The errors plugin hands a typed error on as a proxy of it, which it keeps in errorTypeMap.
  const note = (value: unknown, context: Context) => {
    if (typeof value === 'object' && value !== null && errorTypeMap.has(value)) context.typedErrors.push(String((value as Error).name));
    return value;
  };
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve;
    if (!resolve) continue;
    field.resolve = (source, args, context: Context, info) => {
      const value: unknown = resolve(source, args, context, info);
      return value instanceof Promise ? value.then((v: unknown) => note(v, context)) : note(value, context);
    };
  }
  return schema;
}

/**
 * Programs' routine calls: a busy worker makes hundreds a second and an idle one a long poll every few seconds, and
 * a busy client starts WfRuns and sends events as fast, which would bury every other entry (a row names no
 * argument, so one per call says no more than a count). Those that succeed are counted instead, one row per
 * principal, tenant and operation for up to `COUNT_MS`, at the time of the last; a refused or failed one still gets
 * a row of its own.
 */
const COUNTED = new Set(['claimTaskRuns', 'reportTaskRun', 'reportTaskRuns', 'extendTaskRunLease', 'runWf', 'putExternalEvent']);
const COUNT_MS = 60_000;
const DAY_MS = 86_400_000;
/** Entries past their retention are deleted this often, starting this long after the server starts. */
const PRUNE_EVERY_MS = 3_600_000;
const FIRST_PRUNE_MS = 60_000;
/** Deleted per statement, so that a first pruning of a large backlog holds no lock for long. */
const PRUNE_BATCH = 5_000;

/**
 * Writes the audit log in batches, off the request's path: a mutation never waits for its own audit row, and one
 * insert carries many rows. A batch that cannot be written is logged (without arguments, which are never kept)
 * and dropped rather than held without bound. Entries older than `retentionDays` (0: none) are deleted hourly (pruneWith).
 */
export class AuditWriter {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #retentionDays: number;
  readonly #clock: () => number;
  #pending: NewAuditRow[] = [];
  /** Rows of counted calls still counting, by principal, tenant and operation. */
  readonly #counting = new Map<string, NewAuditRow & { count: number }>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #countTimer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(db: Db, log: Logger, retentionDays = 0, clock: () => number = Date.now) {
    this.#db = db;
    this.#log = log;
    this.#retentionDays = retentionDays;
    this.#clock = clock;
  }

  /** Has `housekeeping` delete the entries past their retention hourly, the first time a minute from now. */
  pruneWith(housekeeping: Housekeeping): void {
    if (this.#retentionDays <= 0) return;
    housekeeping.every('delete old audit entries', PRUNE_EVERY_MS, FIRST_PRUNE_MS, async () => {
      const deleted = await this.prune();
      if (deleted > 0) this.#log.info({ deleted, retentionDays: this.#retentionDays }, 'Deleted audit entries past their retention');
    });
  }

  /** Deletes the entries older than the retention, in batches; resolves with how many went. */
  async prune(): Promise<number> {
    if (this.#retentionDays <= 0) return 0;
    const before = new Date(this.#clock() - this.#retentionDays * DAY_MS);
    let deleted = 0;
    for (;;) {
      const old = this.#db.select({ id: auditLog.id }).from(auditLog).where(lt(auditLog.at, before)).limit(PRUNE_BATCH);
      const gone = await this.#db.delete(auditLog).where(inArray(auditLog.id, old)).returning({ id: auditLog.id });
      deleted += gone.length;
      if (gone.length < PRUNE_BATCH) return deleted;
    }
  }

  /** Writes what is pending. */
  async close(): Promise<void> {
    await this.flush();
  }

  add(row: NewAuditRow): void {
    if (row.outcome === 'OK' && COUNTED.has(row.operation)) {
      const key = `${row.tenantId}\u0000${row.principalId}\u0000${row.operation}`;
      const counting = this.#counting.get(key);
      // Stamped with the last call's time, by which the log is listed.
      if (counting) {
        counting.count++;
        counting.at = row.at;
      } else this.#counting.set(key, { ...row, count: 1 });
      // Every COUNT_MS the rows counting go out: each stands for the calls since it began, a minute at most.
      if (!this.#countTimer) {
        this.#countTimer = setTimeout(() => void this.flush(), COUNT_MS);
        // Counted rows are written when the process stops (close() flushes); they must not keep it running.
        this.#countTimer.unref?.();
      }
      return;
    }
    this.#pending.push(row);
    if (this.#pending.length >= 200) void this.#write();
    else this.#timer ??= setTimeout(() => void this.#write(), 100);
  }

  /** Writes what is pending, and the rows still counting as they stand; resolves when it is written. */
  flush(): Promise<void> {
    this.#stopCounting();
    return this.#write();
  }

  #write(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending;
    this.#pending = [];
    this.#flushing = this.#flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.#db.insert(auditLog).values(batch);
      } catch (error) {
        this.#log.error({ err: error, rows: batch.length }, 'Could not write audit rows');
      }
    });
    return this.#flushing;
  }

  #stopCounting(): void {
    clearTimeout(this.#countTimer);
    this.#countTimer = undefined;
    for (const row of this.#counting.values()) this.#pending.push(row);
    this.#counting.clear();
  }
}

/** The root fields of a mutation, comma-separated; undefined for a query or subscription, which are not audited. */
const mutationOf = perOperation((document: DocumentNode, operationName: string | null | undefined): string | undefined => {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== 'mutation') return undefined;
  const fields = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD && s.name.value !== '__typename' ? [s.name.value] : []));
  return fields.join(',') || '(none)';
});

function rowOf(clock: () => number, { tenantId, principal }: Context, operation: string, outcome: string): NewAuditRow {
  return { at: new Date(clock()), tenantId, principalId: principal?.id ?? '(none)', operation, outcome };
}

/** Records a mutation refused before it ran (authorization stops it before the audit's own hook). */
export function auditRefusal(writer: AuditWriter, clock: () => number) {
  return (args: { contextValue: Context; document: DocumentNode; operationName?: string | null | undefined }, refusal: GraphQLError): void => {
    const operation = mutationOf(args.document, args.operationName);
    if (!operation) return;
    const code = refusal.extensions.code;
    writer.add(rowOf(clock, args.contextValue, operation, typeof code === 'string' ? code : 'ERROR'));
  };
}

/** Records every mutation that runs with who sent it, in which tenant, and how it ended. */
export function useAudit(writer: AuditWriter, clock: () => number): Plugin<Context> {
  return {
    onExecute({ args }) {
      const operation = mutationOf(args.document, args.operationName);
      if (!operation) return undefined;
      return {
        onExecuteDone({ result }) {
          const answer = result as { errors?: readonly { extensions?: { code?: unknown } }[] };
          const code = answer.errors?.[0]?.extensions?.code;
          const outcome = typeof code === 'string' ? code : answer.errors?.length ? 'ERROR' : (args.contextValue.typedErrors[0] ?? 'OK');
          writer.add(rowOf(clock, args.contextValue, operation, outcome));
        },
      };
    },
  };
}

/**
 * Audit rows newest first by their time (a counted row goes in after calls made meanwhile, so ids alone would not
 * keep the order), optionally of one tenant and one principal, after the row `before` in that order.
 */
export async function searchAudit(
  db: Db,
  filter: { tenantId?: string | null; principalId?: string | null },
  before: { at: Date; id: number } | undefined,
  limit: number,
): Promise<AuditRow[]> {
  return db
    .select()
    .from(auditLog)
    .where(
      and(
        filter.tenantId ? eq(auditLog.tenantId, filter.tenantId) : undefined,
        filter.principalId ? eq(auditLog.principalId, filter.principalId) : undefined,
        before === undefined ? undefined : or(lt(auditLog.at, before.at), and(eq(auditLog.at, before.at), lt(auditLog.id, before.id))),
      ),
    )
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit);
}
