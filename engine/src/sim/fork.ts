import type { WfRunEvent } from '../run/events.ts';
import { evolve } from '../run/evolve.ts';
import type { WfRunState } from '../run/state.ts';
import { isValidWfRunId } from '../spec/names.ts';
import type { Catalog, VersionedWfSpec, WfSpecId } from '../spec/types.ts';
import { isLaterCheck, validateWfSpec } from '../spec/validate.ts';
import { EMPTY_LEDGER, recordEvents } from './ledger.ts';
import { entrypointInputs, highestNumberedId, rebuildHistory } from './rebuild-history.ts';
import { invalidWfSpec } from './sandbox.ts';
import type { SimulationRejection, SimulationResult } from './simulation.ts';
import { Simulation } from './simulation.ts';

/** What a fork starts from: a real WfRun's events up to a point, and the WfSpec revision it runs there. */
export interface ForkOptions {
  /** The WfSpec revision the WfRun runs at the last of `events` (the one it started on, or the one it migrated to). */
  readonly wfSpec: VersionedWfSpec;
  /** The TaskDefs, ExternalEventDefs, UserTaskDefs and WfSpecs the WfSpec names. */
  readonly catalog: Catalog;
  /** The WfRun's id; it must be the one its WfRunStarted carries. Child WfRun ids derive from it. */
  readonly wfRunId: string;
  /** The WfRun's stored events from the first (its WfRunStarted) up to the point to fork at, in order. */
  readonly events: readonly WfRunEvent[];
  /** Epoch ms on the virtual clock; by default the time of the latest event, and never earlier. */
  readonly now?: number | undefined;
}

/**
 * Starts a simulation from a real WfRun's events: its state is what replaying them gives, its history the commands
 * that made them where they can be rebuilt (see rebuildHistory), and what it waits for (TaskRuns with their attempts,
 * ExternalEvents, UserTaskRuns, child WfRuns, timers at their real due times) is read off the events as the server
 * reads its tables. Every action a Simulation takes works on it from there. Pure; bad input is a refusal, never a
 * throw. Cut the log where a command's events end: a cut inside one forks a state the server never rested in.
 */
export function forkSimulation(options: ForkOptions): SimulationResult {
  const { wfSpec, catalog } = options;
  const checked = checkLog(options);
  if ('code' in checked) return { ok: false, rejection: checked };
  const { events, state, latest } = checked;
  const at = describeId(state.wfSpecId);
  if (!sameId(state.wfSpecId, wfSpec)) {
    const migrated = events.some((e) => e.type === 'WfRunMigrated') ? ' (after its migrations)' : '';
    return refuse('WF_SPEC_MISMATCH', `WfRun ${state.id} runs ${at} at the last event${migrated}; the WfSpec given is ${describeId(wfSpec)}.`);
  }
  // The WfRun ran on this spec: what validation learnt to refuse since does not stop its replay.
  const problems = validateWfSpec(wfSpec, catalog).filter((p) => !isLaterCheck(p));
  if (problems.length > 0) return { ok: false, rejection: invalidWfSpec(problems) };
  const now = options.now ?? latest;
  if (!Number.isSafeInteger(now) || now < latest) {
    return refuse('INVALID_TIME', `The clock of a fork must be a whole number of epoch milliseconds no earlier than the latest event (${latest}); got ${now}.`);
  }
  const simulation = Simulation.of({
    wfSpec,
    catalog,
    wfRunId: state.id,
    inputs: entrypointInputs(events),
    startTime: state.startTime,
    now,
    state,
    history: rebuildHistory(events, wfSpec, catalog),
    events,
    actions: [],
    ledger: recordEvents(EMPTY_LEDGER, events, 0),
    // Go on past every numbered id in the log, so that an ExternalEvent sent in the fork never takes a guid it has.
    idsDrawn: highestNumberedId(events),
    fork: { wfRunId: state.id, eventCount: events.length },
  });
  return { ok: true, simulation, steps: simulation.history };
}

/** The events with the state they fold to and their latest time, or why they are not the start of `wfRunId`'s log. */
function checkLog(options: ForkOptions): { events: readonly WfRunEvent[]; state: WfRunState; latest: number } | SimulationRejection {
  const given: unknown = options.events;
  if (!Array.isArray(given) || given.length === 0) {
    return rejection('INVALID_EVENT_LOG', 'There are no events to fork from; give the WfRun\'s events from its WfRunStarted on.');
  }
  const events = given as readonly WfRunEvent[];
  const first = events[0];
  if (first?.type !== 'WfRunStarted') {
    return rejection('INVALID_EVENT_LOG', `A WfRun's log begins with its WfRunStarted; events[0] is ${describeEvent(first)}.`);
  }
  if (first.wfRunId !== options.wfRunId) {
    return rejection('INVALID_EVENT_LOG', `The events are of WfRun ${JSON.stringify(first.wfRunId)}, not of ${JSON.stringify(options.wfRunId)}.`);
  }
  if (!isValidWfRunId(first.wfRunId)) return rejection('INVALID_WF_RUN_ID', `WfRun id ${JSON.stringify(first.wfRunId)} must be letters, digits and inner dashes.`);
  let state: WfRunState | undefined;
  let latest = 0;
  for (const [i, event] of events.entries()) {
    const time: unknown = (event as { time?: unknown } | null)?.time;
    if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < 0) {
      return rejection('INVALID_EVENT_LOG', `events[${i}] (${describeEvent(event)}) has no time in whole epoch milliseconds.`);
    }
    if (i > 0 && event.type === 'WfRunStarted') return rejection('INVALID_EVENT_LOG', `events[${i}] starts the WfRun again; a log has one WfRunStarted, the first.`);
    try {
      state = evolve(state, event);
    } catch (error) {
      // The engine throws only on events it could never have written in that order: a log from elsewhere, or cut badly.
      const why = error instanceof Error ? error.message : String(error);
      return rejection('INVALID_EVENT_LOG', `events[${i}] (${describeEvent(event)}) cannot follow the events before it: ${why}.`);
    }
    latest = Math.max(latest, time);
  }
  if (!state) return rejection('INVALID_EVENT_LOG', 'The events do not start a WfRun.');
  return { events: [...events], state, latest };
}

function describeEvent(event: unknown): string {
  const type: unknown = (event as { type?: unknown } | null | undefined)?.type;
  return typeof type === 'string' ? `a ${type}` : 'not an event';
}

function sameId(a: WfSpecId, b: WfSpecId): boolean {
  return a.name === b.name && a.majorVersion === b.majorVersion && a.revision === b.revision;
}

function describeId(id: WfSpecId): string {
  return `${id.name} ${id.majorVersion}.${id.revision}`;
}

function rejection(code: SimulationRejection['code'], message: string): SimulationRejection {
  return { code, message };
}

function refuse(code: SimulationRejection['code'], message: string): SimulationResult {
  return { ok: false, rejection: rejection(code, message) };
}
