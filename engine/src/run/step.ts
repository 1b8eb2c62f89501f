import type { DecideContext } from '../context.ts';
import type { Rejection } from '../errors.ts';
import type { JsonValue } from '../values/value.ts';
import type { ChildWfRunEndStatus, Command } from './commands.ts';
import { decide } from './decide.ts';
import type { ChildWfRunRequested, TaskRunScheduled, TimerSet, WfRunEvent } from './events.ts';
import type { Failure } from './failure.ts';
import type { WfRunState } from './state.ts';

/** Work outside the engine that events ask for; the server carries it out after it commits them. */
export type Effect =
  /** Put a TaskRun attempt on its TaskDef's queue. */
  | { readonly type: 'ScheduleTask'; readonly event: TaskRunScheduled }
  /** Fire a FireTimer command at `event.fireAt`. */
  | { readonly type: 'SetTimer'; readonly event: TimerSet }
  /**
   * Start WfRun `event.childWfRunId` of WfSpec `event.wfSpecName` (newest revision of `event.majorVersion`, else the
   * newest version) with RunWf { variables: event.variables, parentWfRunId }. If it cannot start (unknown WfSpec,
   * refused variables), send the parent ChildWfRunEnded with an ERROR (CHILD_FAILURE); if it already exists, the
   * effect was carried out before and there is nothing to do.
   */
  | { readonly type: 'RunChildWf'; readonly parentWfRunId: string; readonly event: ChildWfRunRequested }
  /** Send the parent ChildWfRunEnded with these fields; DUPLICATE_CHILD_WF_RUN_REPORT means it already has it. */
  | {
      readonly type: 'NotifyParentWfRun';
      readonly parentWfRunId: string;
      readonly childWfRunId: string;
      readonly status: ChildWfRunEndStatus;
      readonly output?: JsonValue | undefined;
      /** The output is a secret (WfRunCompleted's maskedOutput). */
      readonly maskedOutput?: true | undefined;
      readonly failure?: Failure | undefined;
    }
  /** Send the parent ChildWfRunRescued for this child: its threads that failed waiting for it wait again. */
  | { readonly type: 'RescueParentWfRun'; readonly parentWfRunId: string; readonly childWfRunId: string };

/**
 * The effects a list of events asks for, in order. `state` is the WfRun's state after them: work that crosses
 * WfRuns needs its id and its parent's.
 */
export function effectsOf(events: readonly WfRunEvent[], state: WfRunState): Effect[] {
  const parentWfRunId = state.parentWfRunId;
  const toParent = parentWfRunId === undefined ? undefined : { parentWfRunId, childWfRunId: state.id };
  return events.flatMap((event): Effect[] => {
    switch (event.type) {
      case 'TaskRunScheduled':
        return [{ type: 'ScheduleTask', event }];
      case 'TimerSet':
        return [{ type: 'SetTimer', event }];
      case 'ChildWfRunRequested':
        return [{ type: 'RunChildWf', parentWfRunId: state.id, event }];
      case 'WfRunCompleted':
        if (!toParent) return [];
        if (event.output === undefined) return [{ type: 'NotifyParentWfRun', ...toParent, status: 'COMPLETED' }];
        return [{ type: 'NotifyParentWfRun', ...toParent, status: 'COMPLETED', output: event.output, ...(event.maskedOutput ? { maskedOutput: true } : {}) }];
      case 'WfRunFailed':
        return toParent ? [{ type: 'NotifyParentWfRun', ...toParent, status: event.status, failure: event.failure }] : [];
      case 'ThreadRunRescued':
        // Rescuing thread 0 is what runs a failed WfRun again (a rescue of a deeper thread reaches it by CHILD_FAILURE).
        return toParent && event.threadRunNumber === 0 ? [{ type: 'RescueParentWfRun', ...toParent }] : [];
      default:
        return [];
    }
  });
}

/** `decide` and `evolve` in one call: the new state, the events that made it, and the effects they ask for. */
export function step(
  state: WfRunState | undefined,
  command: Command,
  ctx: DecideContext,
): { ok: true; state: WfRunState; events: readonly WfRunEvent[]; effects: Effect[] } | { ok: false; rejection: Rejection } {
  const decision = decide(state, command, ctx);
  if (!decision.ok) return decision;
  return { ok: true, state: decision.state, events: decision.events, effects: effectsOf(decision.events, decision.state) };
}
