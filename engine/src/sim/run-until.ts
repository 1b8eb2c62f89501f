import type { LHStatus } from '../run/state.ts';
import { isTerminal } from '../run/state.ts';
import type { JsonValue } from '../values/value.ts';
import type { NodeRef, PendingAction } from './pending.ts';
import type { ChildOutcome, TaskOutcome } from './scenario-step.ts';
import type { Simulation, SimulationRejection, SimulationResult, SimulationStep } from './simulation.ts';

/** A node to stop at: a node name (in any ThreadSpec), or a node of one ThreadSpec. */
export type Breakpoint = string | { readonly threadSpecName?: string | undefined; readonly nodeName: string };

/** An ExternalEvent a mock sends when a node waits for its def. */
export interface EventMock {
  readonly content: JsonValue;
}

/** What a person does with an open UserTaskRun in a mock. */
export type UserTaskMock =
  /** Completes it; by `userId`, else by the user it is assigned to, else by `simulator`. */
  | { readonly userId?: string | undefined; readonly results: Readonly<Record<string, JsonValue>>; readonly cancel?: never }
  /** Cancels it. */
  | { readonly cancel: true; readonly results?: never };

/**
 * Answers for what a WfRun waits for. Each entry is one answer, given every time, or a list of answers, taken in
 * order and then exhausted (a list of one answers once).
 */
export interface Mocks {
  /** By TaskDef name: how each attempt of its TaskRuns ends. */
  readonly tasks?: Readonly<Record<string, TaskOutcome | readonly TaskOutcome[]>> | undefined;
  /** By ExternalEventDef name: the event sent when a node waits for one (interrupts are never sent by mocks). */
  readonly events?: Readonly<Record<string, EventMock | readonly EventMock[]>> | undefined;
  /** By UserTaskDef name. */
  readonly userTasks?: Readonly<Record<string, UserTaskMock | readonly UserTaskMock[]>> | undefined;
  /** By the child's WfSpec name: how each child WfRun ends. */
  readonly children?: Readonly<Record<string, ChildOutcome | readonly ChildOutcome[]>> | undefined;
}

export interface RunUntilOptions {
  /** Stop after the step in which a NodeRun arrives at one of these nodes. */
  readonly breakpoints?: Iterable<Breakpoint> | undefined;
  readonly mocks?: Mocks | undefined;
  /** When nothing but timers is waiting, move the clock to the soonest one and go on. */
  readonly advanceTimers?: boolean | undefined;
  /** The most actions to take before stopping with LIMIT; 1000 by default. */
  readonly maxActions?: number | undefined;
}

/** Why runUntil stopped. */
export type StopReason =
  /** The WfRun ended with this status. */
  | { readonly kind: 'ENDED'; readonly status: LHStatus }
  /** A NodeRun arrived at a breakpoint; `stateAt(eventIndex)` shows the WfRun as it arrived. */
  | { readonly kind: 'BREAKPOINT'; readonly node: NodeRef; readonly eventIndex: number }
  /** No mock answers anything that waits (and no timer is to be advanced to). */
  | { readonly kind: 'WAITING'; readonly pending: readonly PendingAction[] }
  /** A mock's answer was refused (say, user task results that do not fit the form). */
  | { readonly kind: 'REFUSED'; readonly answering: PendingAction; readonly rejection: SimulationRejection }
  /** `maxActions` actions were taken; the WfRun may loop. */
  | { readonly kind: 'LIMIT'; readonly actions: number };

export interface RunUntilResult {
  /** The simulation where it stopped, with every action it took kept in `actions`. */
  readonly simulation: Simulation;
  readonly stop: StopReason;
  /** The mocks left: lists without the answers taken. Pass them to the next runUntil to go on where this one stopped. */
  readonly mocks: Mocks;
  readonly actionsTaken: number;
}

const DEFAULT_MAX_ACTIONS = 1000;

/**
 * Answers what the WfRun waits for from `mocks`, one action at a time, oldest TaskRun first (see pendingActions
 * for the order), until the WfRun ends, nothing can be answered, or a NodeRun arrives at a breakpoint. Arrivals
 * before the call (at the simulation's start, say) do not count. Pure: returns a new simulation.
 */
export function runUntil(start: Simulation, options: RunUntilOptions): RunUntilResult {
  const breakpoints = [...(options.breakpoints ?? [])];
  const maxActions = options.maxActions ?? DEFAULT_MAX_ACTIONS;
  let simulation = start;
  let mocks: Mocks = options.mocks ?? {};
  const done = (stop: StopReason, actionsTaken: number): RunUntilResult => ({ simulation, stop, mocks, actionsTaken });

  for (let taken = 0; ; taken++) {
    if (isTerminal(simulation.state.status)) return done({ kind: 'ENDED', status: simulation.state.status }, taken);
    if (taken >= maxActions) return done({ kind: 'LIMIT', actions: taken }, taken);
    const pending = simulation.pending();
    const answer = answerOne(simulation, pending, mocks);
    let result: SimulationResult;
    if (answer) {
      mocks = answer.mocks;
      result = answer.result;
      if (!result.ok) return done({ kind: 'REFUSED', answering: answer.answering, rejection: result.rejection }, taken);
    } else {
      const timer = pending[0];
      if (!options.advanceTimers || timer?.kind !== 'TIMER') return done({ kind: 'WAITING', pending }, taken);
      // Timers come last in pending, soonest first: the first is a timer only when nothing else waits.
      result = simulation.advanceClock(Math.max(0, timer.fireAt - simulation.now));
      if (!result.ok) return done({ kind: 'REFUSED', answering: timer, rejection: result.rejection }, taken);
    }
    simulation = result.simulation;
    const hit = arrivalAt(result.steps, breakpoints);
    if (hit) return done({ kind: 'BREAKPOINT', ...hit }, taken + 1);
  }
}

/** The first pending action a mock answers, answered, with the mocks left; undefined when none is answered. */
function answerOne(
  simulation: Simulation,
  pending: readonly PendingAction[],
  mocks: Mocks,
): { answering: PendingAction; result: SimulationResult; mocks: Mocks } | undefined {
  for (const p of pending) {
    switch (p.kind) {
      case 'TASK_RUN': {
        const taken = take(mocks.tasks, p.taskDefName);
        if (!taken) continue;
        return { answering: p, result: simulation.reportTask(p.taskGuid, taken.answer), mocks: { ...mocks, tasks: taken.rest } };
      }
      case 'EXTERNAL_EVENT': {
        const taken = take(mocks.events, p.externalEventDefName);
        if (!taken) continue;
        return { answering: p, result: simulation.sendEvent(p.externalEventDefName, taken.answer.content), mocks: { ...mocks, events: taken.rest } };
      }
      case 'USER_TASK_RUN': {
        const taken = take(mocks.userTasks, p.userTaskDefName);
        if (!taken) continue;
        const mock = taken.answer;
        const result = mock.results
          ? simulation.completeUserTask(p.userTaskGuid, mock.userId ?? p.userId ?? 'simulator', mock.results)
          : simulation.cancelUserTask(p.userTaskGuid);
        return { answering: p, result, mocks: { ...mocks, userTasks: taken.rest } };
      }
      case 'CHILD_WF_RUN': {
        const taken = take(mocks.children, p.wfSpecName);
        if (!taken) continue;
        const mock = taken.answer;
        const result = mock.failure ? simulation.failChild(p.childWfRunId, mock.failure) : simulation.completeChild(p.childWfRunId, mock.output);
        return { answering: p, result, mocks: { ...mocks, children: taken.rest } };
      }
      case 'TIMER':
        continue;
    }
  }
  return undefined;
}

/** The answer for `key`, and the mocks of its kind without it when it came from a list. */
function take<T extends object>(
  byKey: Readonly<Record<string, T | readonly T[]>> | undefined,
  key: string,
): { answer: T; rest: Readonly<Record<string, T | readonly T[]>> } | undefined {
  if (!byKey || !Object.hasOwn(byKey, key)) return undefined;
  const entry = byKey[key];
  if (entry === undefined) return undefined;
  if (!isList(entry)) return { answer: entry, rest: byKey };
  const [answer, ...later] = entry;
  return answer === undefined ? undefined : { answer, rest: { ...byKey, [key]: later } };
}

function isList<T>(entry: T | readonly T[]): entry is readonly T[] {
  return Array.isArray(entry);
}

/** The first arrival at a breakpoint among the steps' events. */
function arrivalAt(steps: readonly SimulationStep[], breakpoints: readonly Breakpoint[]): { node: NodeRef; eventIndex: number } | undefined {
  if (breakpoints.length === 0) return undefined;
  for (const step of steps) {
    for (const [i, event] of step.events.entries()) {
      if (event.type !== 'NodeRunStarted') continue;
      const threadSpecName = step.state.threadRuns[event.threadRunNumber]?.threadSpecName ?? '';
      const matches = breakpoints.some((b) =>
        typeof b === 'string' ? b === event.nodeName : b.nodeName === event.nodeName && (b.threadSpecName === undefined || b.threadSpecName === threadSpecName),
      );
      if (matches) {
        return {
          node: { threadRunNumber: event.threadRunNumber, position: event.position, nodeName: event.nodeName, threadSpecName },
          eventIndex: step.firstEventIndex + i,
        };
      }
    }
  }
  return undefined;
}
