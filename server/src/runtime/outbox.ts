import type { Command, VersionedWfSpec } from '@gallop/engine';
import type { Logger } from '../observability/logger.ts';
import type { Queryable } from '../store/db.ts';
import { correlatedGuid, lockedCorrelatedEvent } from '../store/queries/correlated-events.ts';
import { findWfSpec } from '../store/queries/metadata.ts';
import type { OutboxEffect } from '../store/schema.ts';
import type { CommandOutcome } from './execute-command.ts';

export interface DeliveryDeps {
  readonly db: Queryable;
  readonly clock: () => number;
  readonly execute: (tenantId: string, wfRunId: string, command: Command, wfSpec?: VersionedWfSpec) => Promise<CommandOutcome>;
  readonly log: Logger;
}

/**
 * Carries out one command a WfRun owes another. A rejection is an answer too (the command was delivered before, or
 * its WfRun is gone), so only a thrown error leaves the row for another try.
 */
export async function deliver(deps: DeliveryDeps, tenantId: string, effect: OutboxEffect, wfRunId: string): Promise<void> {
  switch (effect.type) {
    case 'DeliverCorrelatedEvent': {
      const { externalEventDefName, key, threadRunNumber, position } = effect;
      const event = effect.sent ?? (await lockedCorrelatedEvent(deps.db, tenantId, externalEventDefName, key, new Date(deps.clock())));
      if (!event) return;
      // Pinned to the NodeRun that waits with the key; a second delivery to it is refused (it has ended, or holds it).
      const guid = correlatedGuid(event.id, threadRunNumber, position);
      const outcome = await deps.execute(tenantId, wfRunId, {
        type: 'PutExternalEvent',
        guid,
        externalEventDefName,
        content: event.content ?? null,
        threadRunNumber,
        nodeRunPosition: position,
      });
      // The command that takes it notes it on the CorrelatedEvent (or deletes a first-only one): projections.ts.
      if (!outcome.ok) deps.log.debug({ wfRunId, rejection: outcome.rejection.code }, 'A CorrelatedEvent was not delivered');
      return;
    }
    case 'RunChildWf': {
      const { event, parentWfRunId } = effect;
      const couldNotStart = (message: string) =>
        answer(deps, tenantId, parentWfRunId, {
          type: 'ChildWfRunEnded',
          childWfRunId: event.childWfRunId,
          status: 'ERROR',
          failure: { name: 'CHILD_FAILURE', message },
        });
      const row = await findWfSpec(deps.db, tenantId, event.wfSpecName, event.majorVersion);
      if (!row) {
        const version = event.majorVersion === undefined ? '' : ` version ${event.majorVersion}`;
        return couldNotStart(`Couldn't find WfSpec ${event.wfSpecName}${version}.`);
      }
      const started = await deps.execute(
        tenantId,
        event.childWfRunId,
        // Unchecked, as LittleHorse starts a child: its inputs were checked when the parent's WfSpec was registered.
        { type: 'RunWf', wfRunId: event.childWfRunId, variables: event.variables, parentWfRunId, fromRunChildWf: true },
        row.spec,
      );
      // Already there: an earlier delivery started it.
      if (!started.ok && started.rejection.code !== 'WF_RUN_ALREADY_EXISTS') return couldNotStart(`Child WfRun ${event.childWfRunId} could not start: ${started.rejection.message}`);
      return;
    }
    case 'NotifyParentWfRun': {
      const { parentWfRunId, childWfRunId, status, output, maskedOutput, failure } = effect;
      return answer(deps, tenantId, parentWfRunId, { type: 'ChildWfRunEnded', childWfRunId, status, output, maskedOutput, failure });
    }
    case 'RescueParentWfRun':
      return answer(deps, tenantId, effect.parentWfRunId, { type: 'ChildWfRunRescued', childWfRunId: effect.childWfRunId });
  }
}

async function answer(deps: DeliveryDeps, tenantId: string, wfRunId: string, command: Command): Promise<void> {
  const outcome = await deps.execute(tenantId, wfRunId, command);
  if (!outcome.ok) deps.log.debug({ wfRunId, command: command.type, rejection: outcome.rejection.code }, "A delivered command changed nothing");
}
