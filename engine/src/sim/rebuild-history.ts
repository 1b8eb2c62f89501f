import type { Command, RunWf } from '../run/commands.ts';
import type { WfRunEvent, WfRunStarted } from '../run/events.ts';
import { evolve, pinsOf } from '../run/evolve.ts';
import { prepareWfSpec } from '../run/prepared.ts';
import type { PreparedWfSpec } from '../run/prepared.ts';
import type { WfRunState } from '../run/state.ts';
import { effectsOf, step as engineStep } from '../run/step.ts';
import type { Catalog, VersionedWfSpec } from '../spec/types.ts';
import { deepEqual } from '../values/compare.ts';
import type { JsonValue } from '../values/value.ts';
import { isJsonObject } from '../values/value.ts';
import type { Ledger } from './ledger.ts';
import { EMPTY_LEDGER, recordEvents } from './ledger.ts';
import type { SimulationStep } from './simulation.ts';

/**
 * Splits a WfRun's events into the steps that made them, as a simulation's history: for each event that begins a
 * decision, the command that begins with it is guessed from the event and kept only if the engine, deciding it at the
 * event's time, gives exactly the events of the log. Events no command can be found for (a migration from a
 * revision not at hand, a decision the cut went through) make one CopyEvents step, up to where a command can be
 * found again within the same moment: a decision's events all carry its time, so a new time always starts a new
 * one. Every step keeps the state that folding the log up to its end gives, whatever its command, so `stateAt` is
 * exact. The events kept are the log's own.
 */
export function rebuildHistory(events: readonly WfRunEvent[], wfSpec: VersionedWfSpec, catalog: Catalog): SimulationStep[] {
  const steps: SimulationStep[] = [];
  let at: Moment = { state: undefined, ledger: EMPTY_LEDGER, idsDrawn: 0 };
  let i = 0;
  // Each guess is a decision on the same version: what decisions ask of it is worked out once.
  const prepared = prepareWfSpec(wfSpec);
  while (i < events.length) {
    const found = commandAt(events, i, at, wfSpec, catalog, prepared);
    let end = i + (found?.length ?? 1);
    let ahead = fold(at, events, i, end);
    if (!found) {
      // Copy on to where a command fits again, within the same moment.
      const time = events[i]?.time;
      for (; end < events.length && events[end]?.time === time && !commandAt(events, end, ahead, wfSpec, catalog, prepared); end++) {
        ahead = fold(ahead, events, end, end + 1);
      }
    }
    const taken = events.slice(i, end);
    const state = ahead.state;
    if (!state) break;
    const command = found?.command ?? { type: 'CopyEvents' };
    steps.push({ command, time: events[i]?.time ?? 0, events: taken, firstEventIndex: i, effects: effectsOf(taken, state), state });
    at = ahead;
    i = end;
  }
  return steps;
}

/** What the rebuild knows at an event index: the state, the ledger and the id counter folded up to it. */
interface Moment {
  readonly state: WfRunState | undefined;
  readonly ledger: Ledger;
  readonly idsDrawn: number;
}

/** `at` with events[from..to) folded in. */
function fold(at: Moment, events: readonly WfRunEvent[], from: number, to: number): Moment {
  const taken = events.slice(from, to);
  return {
    state: taken.reduce<WfRunState | undefined>(evolve, at.state),
    ledger: recordEvents(at.ledger, taken, from),
    idsDrawn: Math.max(at.idsDrawn, highestNumberedId(taken)),
  };
}

/** The command that, decided on `state`, gives exactly the events from `events[i]` on, and how many; undefined if none. */
function commandAt(
  events: readonly WfRunEvent[],
  i: number,
  at: Moment,
  wfSpec: VersionedWfSpec,
  catalog: Catalog,
  prepared: PreparedWfSpec,
): { command: Command; length: number } | undefined {
  const event = events[i];
  if (!event) return undefined;
  try {
    for (const command of guessCommands(events, i, at, wfSpec)) {
      // A migration is decided on the revision it leaves, which is not at hand: the revision it reaches stands in for
      // it under the old version numbers (planMigration reads the old one only to compare variable types).
      const from = command.type === 'MigrateWfRun' && event.type === 'WfRunMigrated' ? { ...wfSpec, ...event.fromWfSpecId } : wfSpec;
      let drawn = at.idsDrawn;
      const result = engineStep(at.state, command, { now: event.time, ids: { next: () => `id-${++drawn}` }, wfSpec: from, catalog, prepared });
      const length = result.ok ? result.events.length : 0;
      if (length > 0 && i + length <= events.length && sameJson(result.ok ? result.events : [], events.slice(i, i + length))) {
        return { command, length };
      }
    }
  } catch {
    // A log the engine would never have written (from an older engine, say, or malformed) can trip an invariant:
    // then no command explains it, and it is copied.
  }
  return undefined;
}

/** The commands that could have begun with `events[i]`, most likely first. */
function guessCommands(events: readonly WfRunEvent[], i: number, { state, ledger }: Moment, wfSpec: VersionedWfSpec): Command[] {
  const event = events[i];
  if (!event) return [];
  switch (event.type) {
    case 'WfRunStarted':
      return [runWfOf(event, events, i)];
    case 'ExternalEventReceived':
      return [{ type: 'PutExternalEvent', guid: event.guid, externalEventDefName: event.externalEventDefName, content: event.content, ...pinsOf(event) }];
    case 'TaskAttemptSucceeded':
    case 'TaskAttemptFailed': {
      const { taskGuid, attempt, workerId, logOutput } = event;
      const extra = { ...(workerId === undefined ? {} : { workerId }), ...(logOutput === undefined ? {} : { logOutput }) };
      if (event.type === 'TaskAttemptSucceeded') return [{ type: 'ReportTaskAttempt', taskGuid, attempt, result: { status: 'SUCCESS', output: event.output }, ...extra }];
      const { failure } = event;
      // TASK_OUTPUT_SERDE_ERROR keeps only a description of the output, so its report cannot be rebuilt.
      const result =
        event.status === 'TASK_FAILED'
          ? ({ status: 'ERROR', message: failure.message } as const)
          : event.status === 'TASK_TIMEOUT'
            ? ({ status: 'TIMEOUT' } as const)
            : event.status === 'TASK_EXCEPTION'
              ? ({ status: 'EXCEPTION', name: failure.name, message: failure.message, ...(failure.content === undefined ? {} : { content: failure.content }) } as const)
              : undefined;
      return result ? [{ type: 'ReportTaskAttempt', taskGuid, attempt, result, ...extra }] : [];
    }
    case 'TimerFired': {
      const timer = ledger.timers.find((t) => t.timerId === event.timerId);
      return timer ? [{ type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose }] : [];
    }
    case 'ChildWfRunReported': {
      if (event.status === 'RUNNING') return [{ type: 'ChildWfRunRescued', childWfRunId: event.childWfRunId }];
      const { childWfRunId, status, output, maskedOutput, failure } = event;
      return [{ type: 'ChildWfRunEnded', childWfRunId, status, ...(output === undefined ? {} : { output }), ...(maskedOutput ? { maskedOutput } : {}), ...(failure === undefined ? {} : { failure }) }];
    }
    case 'UserTaskRunAssigned': {
      const { userTaskGuid } = event;
      if (event.cause === 'COMPLETE') {
        const completed = events[i + 1];
        return completed?.type === 'UserTaskRunCompleted' ? [{ type: 'CompleteUserTaskRun', userTaskGuid, userId: completed.userId, results: completed.results }] : [];
      }
      if (event.cause !== 'ASSIGN') return [];
      // A task a user holds changes hands only with overrideClaim.
      const held = state?.threadRuns[event.threadRunNumber]?.currentNodeRun?.userTaskRun?.userId !== undefined;
      return [
        {
          type: 'AssignUserTaskRun',
          userTaskGuid,
          ...(event.userId === undefined ? {} : { userId: event.userId }),
          ...(event.userGroup === undefined ? {} : { userGroup: event.userGroup }),
          ...(held ? { overrideClaim: true } : {}),
        },
      ];
    }
    case 'UserTaskRunCompleted':
      return [{ type: 'CompleteUserTaskRun', userTaskGuid: event.userTaskGuid, userId: event.userId, results: event.results }];
    case 'UserTaskRunCancelled':
      return event.cause === 'CANCEL' ? [{ type: 'CancelUserTaskRun', userTaskGuid: event.userTaskGuid }] : [];
    case 'UserTaskRunProgressSaved':
      // The policy is not in the log; saving anyway reproduces the event whoever held the task.
      return [{ type: 'SaveUserTaskRunProgress', userTaskGuid: event.userTaskGuid, userId: event.userId, results: event.results, policy: 'IGNORE_CLAIM' }];
    case 'UserTaskRunCommented':
      return [{ type: 'PutUserTaskRunComment', userTaskGuid: event.userTaskGuid, userId: event.userId, comment: event.comment }];
    case 'UserTaskRunCommentEdited':
      return [{ type: 'EditUserTaskRunComment', userTaskGuid: event.userTaskGuid, userCommentId: event.userCommentId, userId: event.userId, comment: event.comment }];
    case 'UserTaskRunCommentDeleted':
      return [{ type: 'DeleteUserTaskRunComment', userTaskGuid: event.userTaskGuid, userCommentId: event.userCommentId, userId: event.userId }];
    case 'ThreadRunHalting':
    case 'ThreadRunHalted':
      return event.reason === 'MANUAL' ? [{ type: 'StopWfRun', ...onThread(event.threadRunNumber) }] : [];
    case 'ThreadRunResumed':
      return event.reason === 'MANUAL' ? [{ type: 'ResumeWfRun', ...onThread(event.threadRunNumber) }] : [];
    case 'ThreadRunRescued':
      return [{ type: 'RescueThreadRun', ...onThread(event.threadRunNumber), ...(event.skipCurrentNode ? { skipCurrentNode: true } : {}) }];
    case 'WfRunMigrated': {
      // Only the revision the WfRun runs at the cut is at hand: an earlier migration is copied.
      const to = event.toWfSpecId;
      const reached = to.name === wfSpec.name && to.majorVersion === wfSpec.majorVersion && to.revision === wfSpec.revision;
      return reached ? [{ type: 'MigrateWfRun', wfSpec }] : [];
    }
    default:
      // Every other event comes in the middle of a decision.
      return [];
  }
}

/**
 * The RunWf that began the log: the entrypoint's first variables (those not NULL: a NULL one was given none and has
 * no default), the events sent before the WfRun existed, and its parent. A WfRun with a parent is taken to be a
 * RUN_CHILD_WF's child, whose variables go unchecked: one that passed the checks gives the same events either way.
 */
function runWfOf(started: WfRunStarted, events: readonly WfRunEvent[], i: number): RunWf {
  const externalEvents = [];
  let at = i + 1;
  for (let e = events[at]; e?.type === 'ExternalEventReceived'; e = events[++at]) {
    externalEvents.push({ guid: e.guid, externalEventDefName: e.externalEventDefName, content: e.content, ...pinsOf(e) });
  }
  return {
    type: 'RunWf',
    wfRunId: started.wfRunId,
    variables: entrypointInputs(events),
    ...(externalEvents.length > 0 ? { externalEvents } : {}),
    ...(started.parentWfRunId === undefined ? {} : { parentWfRunId: started.parentWfRunId, fromRunChildWf: true }),
  };
}

/** The entrypoint thread's first variables that are not NULL: what its RunWf was given, or its defaults. */
export function entrypointInputs(events: readonly WfRunEvent[]): Record<string, JsonValue> {
  const started = events.find((e) => e.type === 'ThreadRunStarted' && e.threadRunNumber === 0);
  const variables: unknown = started?.type === 'ThreadRunStarted' ? started.variables : {};
  if (!isJsonObject(variables)) return {};
  return Object.fromEntries(Object.entries(variables).filter(([, value]) => value !== null));
}

/**
 * The highest n of the ids `{prefix}-{n}` that a simulation numbers (ExternalEvent guids, and any id the engine's
 * IdSource gave), so that a counter going on from it never hands out one of them again.
 */
export function highestNumberedId(events: readonly WfRunEvent[]): number {
  let highest = 0;
  for (const event of events) {
    for (const key of ['guid', 'taskGuid', 'userTaskGuid', 'childWfRunId', 'timerId'] as const) {
      const id: unknown = (event as Partial<Record<typeof key, unknown>>)[key];
      const n = typeof id === 'string' ? /^(?:event|id)-(\d{1,15})$/.exec(id)?.[1] : undefined;
      if (n !== undefined) highest = Math.max(highest, Number(n));
    }
  }
  return highest;
}

/** Thread 0 is every command's default thread, and commands made for it leave the number out. */
function onThread(threadRunNumber: number): { threadRunNumber?: number } {
  return threadRunNumber === 0 ? {} : { threadRunNumber };
}

/** Equal as JSON: a field the engine set to undefined is no field, as in a log that went through JSON. */
function sameJson(a: readonly WfRunEvent[], b: readonly WfRunEvent[]): boolean {
  const json = (events: readonly WfRunEvent[]) => JSON.parse(JSON.stringify(events.map(withoutLaterFields))) as JsonValue;
  return deepEqual(json(a), json(b));
}

/**
 * An event without the fields events came to carry later, beside what was decided (the ThreadRuns a completed
 * WAIT_FOR_THREADS waited for, that a user task's notes are a secret): as an engine before them wrote it, so that a
 * log written then still shows which command it was. The steps keep the log's own events either way.
 */
export function withoutLaterFields(event: WfRunEvent): WfRunEvent {
  if (event.type === 'NodeRunCompleted' && event.waitedForThreads !== undefined) {
    const { waitedForThreads: _, ...rest } = event;
    return rest;
  }
  if (event.type === 'UserTaskRunCreated' && event.maskedNotes !== undefined) {
    const { maskedNotes: _, ...rest } = event;
    return rest;
  }
  return event;
}
