import type { Command, VersionedWfSpec } from '@gallop/engine';
import type { Logger } from '../observability/logger.ts';
import type { Queryable } from '../store/db.ts';
import { findWfSpec } from '../store/queries/metadata.ts';
import { advanceScheduledWfRun, deleteScheduledWfRun } from '../store/queries/scheduled-wf-runs.ts';
import type { ScheduledWfRunRow } from '../store/queries/scheduled-wf-runs.ts';
import { CronSchedule } from './cron.ts';
import type { CommandOutcome } from './execute-command.ts';

export interface FiringDeps {
  readonly db: Queryable;
  readonly clock: () => number;
  readonly execute: (tenantId: string, wfRunId: string, command: Command, wfSpec?: VersionedWfSpec) => Promise<CommandOutcome>;
  readonly log: Logger;
}

/** The WfRun a schedule starts for one of its times: the same id each time that firing is tried. */
export function scheduledWfRunId(scheduleId: string, fireAt: number): string {
  return `${scheduleId}-${fireAt}`;
}

/**
 * Fires a claimed, due schedule: starts one WfRun for the latest of its times that has come, on the WfSpec version
 * that is newest (within what the schedule pins) now, then moves it to its next time after now.
 *
 * After downtime the times missed before the latest are skipped, not run in a burst: a schedule says how often the
 * work should happen, and ten reports at once after a ten-hour outage help nobody. The WfRun id is
 * `{scheduleId}-{fire time in epoch ms}`, so a firing delivered twice (a crash between the two steps, a lease that
 * ran out) is refused as WF_RUN_ALREADY_EXISTS and counts as done. A firing that cannot start (its WfSpec is gone,
 * its variables no longer fit) is logged and skipped, so that the schedule goes on.
 */
export async function fireScheduledWfRun(deps: FiringDeps, row: ScheduledWfRunRow): Promise<void> {
  const { db, log } = deps;
  const context = { scheduledWfRunId: row.id, tenantId: row.tenantId };
  const parsed = CronSchedule.parse(row.cronExpression, ['cronExpression']);
  if (!parsed.ok) {
    // It parsed when it was stored; only a change of cron library could bring this. Its lease retries it later.
    log.error({ ...context, cronExpression: row.cronExpression, problems: parsed.problems }, 'A ScheduledWfRun has a cron expression that no longer parses');
    return;
  }
  const { schedule } = parsed;
  const now = deps.clock();
  const fireAt = Math.max(row.nextFireAt.getTime(), schedule.latestAtOrBefore(now) ?? 0);
  if (fireAt > row.nextFireAt.getTime()) {
    log.info({ ...context, dueSince: row.nextFireAt.toISOString(), firesFor: new Date(fireAt).toISOString() }, 'A ScheduledWfRun missed times while no scheduler ran; it runs once, for the latest');
  }

  let lastWfRunId = row.lastWfRunId;
  // A skip is kept on the row as well as logged: whoever looks at the schedule sees why it started nothing.
  let skipReason: string | null = null;
  const wfRunId = scheduledWfRunId(row.id, fireAt);
  const spec = await findWfSpec(db, row.tenantId, row.wfSpecName, row.majorVersion, row.revision);
  if (!spec) {
    log.warn({ ...context, wfSpecName: row.wfSpecName, majorVersion: row.majorVersion, revision: row.revision }, 'A ScheduledWfRun skips a time: its WfSpec does not exist');
    skipReason = `WfSpec ${row.wfSpecName}${row.majorVersion === null ? '' : ` version ${row.majorVersion}${row.revision === null ? '' : `.${row.revision}`}`} does not exist.`;
  } else {
    const outcome = await deps.execute(row.tenantId, wfRunId, { type: 'RunWf', wfRunId, variables: row.variables }, spec.spec);
    if (outcome.ok || outcome.rejection.code === 'WF_RUN_ALREADY_EXISTS') lastWfRunId = wfRunId;
    else {
      log.warn({ ...context, wfRunId, rejection: outcome.rejection }, 'A ScheduledWfRun skips a time: its WfRun could not start');
      const { majorVersion, revision } = spec.spec;
      skipReason = `Its WfRun could not start on ${row.wfSpecName} ${majorVersion}.${revision}: ${outcome.rejection.message}`;
    }
  }

  const next = schedule.nextAfter(Math.max(fireAt, now));
  if (next === undefined) {
    log.warn(context, 'A ScheduledWfRun has no time left to fire at; deleting it');
    await deleteScheduledWfRun(db, row.tenantId, row.id);
    return;
  }
  await advanceScheduledWfRun(db, row, {
    nextFireAt: new Date(next),
    lastWfRunId,
    lastSkippedAt: skipReason === null ? null : new Date(fireAt),
    lastSkipReason: skipReason,
  });
}
