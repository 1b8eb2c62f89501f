import type { DecideContext } from '../context.ts';
import type { Rejection } from '../errors.ts';
import type { Command } from './commands.ts';
import { decide } from './decide.ts';
import type { TaskRunScheduled, TimerSet, WfRunEvent } from './events.ts';
import type { WfRunState } from './state.ts';

/** Work outside the engine that events ask for; the server carries it out after it commits them. */
export type Effect =
  /** Put a TaskRun attempt on its TaskDef's queue. */
  | { readonly type: 'ScheduleTask'; readonly event: TaskRunScheduled }
  /** Fire a FireTimer command at `event.fireAt`. */
  | { readonly type: 'SetTimer'; readonly event: TimerSet };

/** The effects a list of events asks for, in order. */
export function effectsOf(events: readonly WfRunEvent[]): Effect[] {
  return events.flatMap((event): Effect[] => {
    if (event.type === 'TaskRunScheduled') return [{ type: 'ScheduleTask', event }];
    if (event.type === 'TimerSet') return [{ type: 'SetTimer', event }];
    return [];
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
  return { ok: true, state: decision.state, events: decision.events, effects: effectsOf(decision.events) };
}
