import { performance } from 'node:perf_hooks';
import { isTerminal, step } from '@gallop/engine';
import type { Command, DecideContext, IdSource, Rejection, VersionedWfSpec, WfRunEvent, WfRunState } from '@gallop/engine';
import type { Metrics } from '../observability/metrics.ts';
import type { Db } from '../store/db.ts';
import type { WfRunRow } from '../store/queries/wf-runs.ts';
import { readWfRunState } from '../store/queries/wf-runs.ts';
import type { StoredEvent } from './event-bus.ts';
import type { Metadata } from './metadata.ts';
import { userTaskDefPins } from './metadata.ts';
import type { KeyedLock } from './keyed-lock.ts';
import { wfRunRowOf, writeSetOf } from './projections.ts';
import type { StateCache } from './state-cache.ts';
import type { Handoff } from './task-dispatch.ts';
import type { WriteQueue } from './write-queue.ts';
import type { TaskRunRow } from '../store/write-set.ts';

export type CommandOutcome =
  | { readonly ok: true; readonly row: WfRunRow; readonly events: readonly StoredEvent[] }
  | { readonly ok: false; readonly rejection: Rejection };

export interface CommandDeps {
  readonly db: Db;
  readonly metadata: Metadata;
  readonly cache: StateCache;
  readonly clock: () => number;
  readonly ids: IdSource;
  /** Counts each command, its outcome, its duration and the events it appended. */
  readonly metrics: Metrics;
  /** Group commit: where the command's write goes. */
  readonly writes: WriteQueue;
  /** One command per WfRun at a time in this process. */
  readonly locks: KeyedLock;
  /** The most bytes a value a variable mutation makes may take (the limit on values given to the server). */
  readonly maxValueBytes?: number | undefined;
  /** Leases new TaskRuns to claims waiting in this process, in the same write. */
  readonly handOff: (tenantId: string, rows: TaskRunRow[], now: number) => Handoff;
  /**
   * Runs once the command's writes are durable. `owesOthers`: the write put commands for other WfRuns in the outbox;
   * `queued`: by TaskDef, the TaskRuns it put on the queue (those handed to waiting claims are not); `before` and
   * `after`: the WfRun's state on either side of the events.
   */
  readonly afterCommit: AfterCommit;
}

/** What runs once a command's writes are durable; see CommandDeps.afterCommit. */
export type AfterCommit = (
  tenantId: string,
  wfRunId: string,
  events: readonly StoredEvent[],
  owesOthers: boolean,
  queued: ReadonlyMap<string, number>,
  before: WfRunState | undefined,
  after: WfRunState,
) => void;

const MAX_ATTEMPTS = 8;

/**
 * Runs one command against one WfRun: take its state (from the cache, else its snapshot), decide, then write the
 * events and every projection in one statement. The events go in at the next seq numbers, so a command that lost
 * a race with another (in this process or another) fails on the key, writes nothing, and is decided again on the
 * fresh state. A rejection decided on cached state is checked against fresh state before it is returned.
 * `wfSpec` is given for RunWf; other commands use the version the WfRun is pinned to. Each command is counted once
 * by its outcome, with its duration; each lost race once more as conflict-retried.
 */
export async function executeCommand(
  deps: CommandDeps,
  tenantId: string,
  wfRunId: string,
  command: Command,
  wfSpec?: VersionedWfSpec,
): Promise<CommandOutcome> {
  const started = performance.now();
  try {
    const outcome = await deps.locks.run(`${tenantId}\u0000${wfRunId}`, () => decideAndWrite(deps, tenantId, wfRunId, command, wfSpec));
    const seconds = (performance.now() - started) / 1000;
    deps.metrics.commandDone(command.type, outcome.ok ? 'accepted' : 'rejected', seconds, outcome.ok ? outcome.events.length : 0);
    return outcome;
  } catch (error) {
    deps.metrics.commandDone(command.type, 'failed', (performance.now() - started) / 1000, 0);
    throw error;
  }
}

async function decideAndWrite(
  deps: CommandDeps,
  tenantId: string,
  wfRunId: string,
  command: Command,
  wfSpec: VersionedWfSpec | undefined,
): Promise<CommandOutcome> {
  let fresh = false;
  for (let attempt = 1; ; attempt++) {
    let current = fresh ? undefined : deps.cache.get(tenantId, wfRunId);
    // RunWf usually makes a new WfRun: it writes without reading first, and an id that is taken fails on the key.
    if (!current && (fresh || command.type !== 'RunWf')) {
      current = await readWfRunState(deps.db, tenantId, wfRunId);
      fresh = true;
    }
    const spec = current ? await deps.metadata.wfSpec(deps.db, tenantId, current.state.wfSpecId) : wfSpec;
    if (!spec) return { ok: false, rejection: { code: 'WF_RUN_NOT_FOUND', message: `WfRun ${wfRunId} does not exist.` } };
    const catalog = await deps.metadata.catalogFor(deps.db, tenantId, spec, userTaskDefPins(current?.state, command));
    const prepared = deps.metadata.prepared(tenantId, spec);
    const ctx: DecideContext = { now: deps.clock(), ids: deps.ids, wfSpec: spec, catalog, maxValueBytes: deps.maxValueBytes, prepared };
    const result = step(current?.state, command, ctx);
    if (!result.ok) {
      if (fresh) return result;
      fresh = true;
      continue;
    }
    // A command that changes nothing (stopping a stopped WfRun) writes nothing.
    if (result.events.length === 0 && current) {
      return { ok: true, row: wfRunRowOf(tenantId, result.state, current.seq, ctx.now), events: [] };
    }
    const firstSeq = (current?.seq ?? 0) + 1;
    const lastSeq = firstSeq + result.events.length - 1;
    const snapshot = !current || takesSnapshot(result.state, current.snapshotSeq, lastSeq);
    // The rows follow the version the WfRun runs after the command (MigrateWfRun moves it to another).
    const set = writeSetOf(tenantId, wfRunId, firstSeq, result.events, result.state, current?.state, command.type === 'MigrateWfRun' ? command.wfSpec : spec, snapshot);
    const handoff = deps.handOff(tenantId, set.taskRuns, ctx.now);
    try {
      await deps.writes.write(set);
    } catch (error) {
      handoff.cancel();
      deps.cache.delete(tenantId, wfRunId);
      if ((isUniqueViolation(error) || isTransient(error)) && attempt < MAX_ATTEMPTS) {
        deps.metrics.commandConflict(command.type);
        fresh = true;
        continue;
      }
      throw error;
    }
    deps.cache.set(tenantId, wfRunId, { state: result.state, seq: lastSeq, snapshotSeq: snapshot || !current ? lastSeq : current.snapshotSeq });
    handoff.deliver();
    const events = stored(tenantId, wfRunId, firstSeq, result.events);
    deps.afterCommit(tenantId, wfRunId, events, set.outbox.length > 0, queuedTaskRuns(result.events, set.taskRuns), current?.state, result.state);
    return { ok: true, row: wfRunRowOf(tenantId, result.state, lastSeq, ctx.now), events };
  }
}

/**
 * Whether a command's write takes a new state snapshot. Writing it is the one cost of a command that grows with the
 * WfRun (a wide fan-out's state runs to megabytes), and skipping it costs a reader without the state cached the
 * events since, folded: so a snapshot is taken once the events since the last outnumber a few per ThreadRun, and
 * when the WfRun ends, so that readers of finished WfRuns fold nothing.
 */
export function takesSnapshot(state: WfRunState, snapshotSeq: number, lastSeq: number): boolean {
  if (isTerminal(state.status)) return true;
  return lastSeq - snapshotSeq >= SNAPSHOT_EVENTS + SNAPSHOT_EVENTS_PER_THREAD * state.threadRuns.length;
}

const SNAPSHOT_EVENTS = 64;
const SNAPSHOT_EVENTS_PER_THREAD = 2;

/** By TaskDef, the TaskRuns that `events` scheduled and that were not handed straight to a claim. */
function queuedTaskRuns(events: readonly WfRunEvent[], rows: readonly TaskRunRow[]): Map<string, number> {
  const queued = new Map<string, number>();
  // A set, not a search of the rows per event: a fan-out schedules thousands in one command.
  const handedOver = new Set(rows.filter((row) => row.status === 'TASK_RUNNING').map((row) => row.task_guid));
  for (const event of events) {
    if (event.type !== 'TaskRunScheduled') continue;
    if (event.attempt === 0 && handedOver.has(event.taskGuid)) continue;
    queued.set(event.taskDefName, (queued.get(event.taskDefName) ?? 0) + 1);
  }
  return queued;
}

function stored(tenantId: string, wfRunId: string, firstSeq: number, events: readonly WfRunEvent[]): StoredEvent[] {
  return events.map((event, i) => ({ tenantId, wfRunId, seq: firstSeq + i, event }));
}

/** PostgreSQL's unique_violation, as postgres.js and PGlite report it (drizzle may wrap it in `cause`). */
function isUniqueViolation(error: unknown): boolean {
  return hasCode(error, ['23505']);
}

/**
 * A deadlock or serialization failure: statements that share a commit lock several WfRuns' rows, so two processes
 * writing the same WfRuns at once can deadlock; PostgreSQL cancels one, which is decided and written again. Or a
 * foreign key violation: a CorrelatedEvent deleted while a write noted its taking; written again, the write finds
 * it gone and notes nothing.
 */
function isTransient(error: unknown): boolean {
  return hasCode(error, ['40P01', '40001', '23503']);
}

function hasCode(error: unknown, codes: readonly string[]): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && codes.includes(code)) return true;
  }
  return false;
}
