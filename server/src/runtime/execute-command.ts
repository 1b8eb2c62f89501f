import { step } from '@gallop/engine';
import type { Command, DecideContext, IdSource, Rejection, VersionedWfSpec, WfRunEvent, WfRunState } from '@gallop/engine';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { wfRuns } from '../store/schema.ts';
import type { StoredEvent } from './event-bus.ts';
import type { Metadata } from './metadata.ts';
import { project } from './projections.ts';

export type CommandOutcome =
  | { readonly ok: true; readonly state: WfRunState; readonly events: readonly StoredEvent[] }
  | { readonly ok: false; readonly rejection: Rejection };

export interface CommandDeps {
  readonly db: Db;
  readonly metadata: Metadata;
  readonly clock: () => number;
  readonly ids: IdSource;
  /** Runs after the transaction commits, never inside it. */
  readonly afterCommit: (tenantId: string, wfRunId: string, events: readonly StoredEvent[]) => void;
}

const MAX_ATTEMPTS = 8;

/**
 * Runs one command against one WfRun in one transaction: load its state, decide, append the events with the
 * next seq numbers, update the projections. A concurrent command on the same WfRun makes the insert of the
 * same seq fail; the transaction then rolls back whole and the command is decided again on the new state.
 * `wfSpec` is given for RunWf; other commands use the version the WfRun is pinned to.
 */
export async function executeCommand(
  deps: CommandDeps,
  tenantId: string,
  wfRunId: string,
  command: Command,
  wfSpec?: VersionedWfSpec,
): Promise<CommandOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await deps.db.transaction(async (tx) => {
        const [row] = await tx
          .select({ state: wfRuns.state, seq: wfRuns.seq })
          .from(wfRuns)
          .where(and(eq(wfRuns.tenantId, tenantId), eq(wfRuns.id, wfRunId)));
        const spec = row ? await deps.metadata.wfSpec(tx, tenantId, row.state.wfSpecId) : wfSpec;
        if (!spec) return { ok: false, rejection: { code: 'WF_RUN_NOT_FOUND', message: `WfRun ${wfRunId} does not exist.` } } as const;
        const ctx: DecideContext = { now: deps.clock(), ids: deps.ids, wfSpec: spec, catalog: await deps.metadata.catalogFor(tx, tenantId, spec) };
        const result = step(row?.state, command, ctx);
        if (!result.ok) return result;
        const firstSeq = (row?.seq ?? 0) + 1;
        await project(tx, tenantId, wfRunId, firstSeq, result.events, result.state, !row);
        return { ok: true, state: result.state, events: stored(tenantId, wfRunId, firstSeq, result.events) } as const;
      });
      if (outcome.ok) deps.afterCommit(tenantId, wfRunId, outcome.events);
      return outcome;
    } catch (error) {
      if (isUniqueViolation(error) && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
  }
}

function stored(tenantId: string, wfRunId: string, firstSeq: number, events: readonly WfRunEvent[]): StoredEvent[] {
  return events.map((event, i) => ({ tenantId, wfRunId, seq: firstSeq + i, event }));
}

/** PostgreSQL's unique_violation, as postgres.js and PGlite report it (drizzle may wrap it in `cause`). */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
