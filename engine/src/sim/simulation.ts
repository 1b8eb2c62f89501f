import type { RejectionCode } from '../errors.ts';
import type { Command } from '../run/commands.ts';
import type { WfRunEvent } from '../run/events.ts';
import { evolve } from '../run/evolve.ts';
import type { WfRunState } from '../run/state.ts';
import type { Effect } from '../run/step.ts';
import { isValidWfRunId } from '../spec/names.ts';
import { own } from '../spec/own.ts';
import type { Problem } from '../spec/problem.ts';
import type { Catalog, VersionedWfSpec, WfSpec } from '../spec/types.ts';
import { validateWfSpec } from '../spec/validate.ts';
import type { JsonValue } from '../values/value.ts';
import type { ForkOrigin, SimulationData } from './draft.ts';
import { Draft } from './draft.ts';
import { dropTimer, EMPTY_LEDGER } from './ledger.ts';
import { childEndCommand, taskAttemptResult, userTaskCommand } from './outcome-commands.ts';
import type { PendingAction, WaitingChildWfRun, WaitingTaskRun, WaitingUserTaskRun } from './pending.ts';
import { describePending, pendingActions } from './pending.ts';
import type { RunUntilOptions, RunUntilResult } from './run-until.ts';
import { runUntil } from './run-until.ts';
import type { SandboxCommand } from './sandbox.ts';
import { invalidWfSpec, migrate, setVariable } from './sandbox.ts';
import type { ChildOutcome, ScenarioStep, TaskOutcome, TaskStep, ThrownException, UserTaskAssignment, UserTaskOutcome } from './scenario-step.ts';
import { describeSelector, select, selectorFor } from './select.ts';

/** What a simulation starts from. */
export interface SimulationOptions {
  /** A WfSpec as the editor holds it; one without a version runs as version 0.0. */
  readonly wfSpec: WfSpec | VersionedWfSpec;
  /** The TaskDefs, ExternalEventDefs, UserTaskDefs and WfSpecs the WfSpec names. */
  readonly catalog: Catalog;
  /** Values for the entrypoint thread's variables, as RunWf takes them. */
  readonly variables?: Readonly<Record<string, JsonValue>> | undefined;
  /** Epoch ms on the virtual clock when the WfRun starts; 0 by default. */
  readonly startTime?: number | undefined;
  /** The WfRun's id; `simulation` by default. Child WfRun ids derive from it. */
  readonly wfRunId?: string | undefined;
}

/** Why the simulator itself refuses an action (the engine's own refusals are its `Rejection`s). */
export type SimulationRejectionCode =
  /** The WfSpec does not validate against the catalog; `problems` say where. */
  | 'INVALID_WF_SPEC'
  /** The WfRun id is not letters, digits and inner dashes. */
  | 'INVALID_WF_RUN_ID'
  /** The start time or a clock advance is not a whole, non-negative number of milliseconds. */
  | 'INVALID_TIME'
  /** An advance fired more timers than MAX_TIMERS_PER_ADVANCE: the WfRun sets timers in a loop. */
  | 'TIMER_LIMIT'
  /** No TaskRun, UserTaskRun or child WfRun that a step names is waiting. */
  | 'NOTHING_WAITING'
  /** An ExternalEvent of a def the catalog does not have (LittleHorse refuses it too). */
  | 'UNKNOWN_EXTERNAL_EVENT_DEF'
  /** A step in data form that is none of the known kinds, or gives none or several outcomes. */
  | 'INVALID_STEP'
  /** A fork's events are not the start of the WfRun's log: none, not from its WfRunStarted, of another WfRun, or out of order. */
  | 'INVALID_EVENT_LOG'
  /** A fork's WfSpec is not the name and version the WfRun runs at the end of its events. */
  | 'WF_SPEC_MISMATCH';

/** Why an action was not applied: the engine's Rejection, or the simulator's own. Nothing changed. */
export interface SimulationRejection {
  readonly code: RejectionCode | SimulationRejectionCode;
  readonly message: string;
  readonly problems?: readonly Problem[] | undefined;
}

/** One command the engine accepted (or a step the simulator took itself), with everything it produced. */
export interface SimulationStep {
  /** The engine's command; a SandboxCommand for a sandbox edit or for events a fork copied without one. */
  readonly command: Command | SandboxCommand;
  /** Epoch ms on the virtual clock when the command was decided. */
  readonly time: number;
  /** The events it produced; the first is `events[firstEventIndex]` of the simulation. */
  readonly events: readonly WfRunEvent[];
  readonly firstEventIndex: number;
  /** What a server would do after it (schedule TaskRuns, set timers, start child WfRuns). */
  readonly effects: readonly Effect[];
  /** The WfRun's state after it. */
  readonly state: WfRunState;
  /**
   * Index in `actions` of the user action that made it; absent where no scenario step did: the RunWf that started
   * the simulation, the steps a fork rebuilt from its log, a setVariable and a migrate.
   */
  readonly actionIndex?: number | undefined;
}

/** A new simulation with the steps the action added (none when a clock advance fired no timer), or why it was refused. */
export type SimulationResult =
  | { readonly ok: true; readonly simulation: Simulation; readonly steps: readonly SimulationStep[] }
  | { readonly ok: false; readonly rejection: SimulationRejection };

/** The most timers one clock advance fires before it refuses (a WfRun that sets zero-delay timers in a loop). */
export const MAX_TIMERS_PER_ADVANCE = 10_000;

/** The WfRun id a simulation takes when it is given none. */
export const DEFAULT_WF_RUN_ID = 'simulation';

/**
 * Starts a simulated WfRun of `options.wfSpec`: validates the spec, then runs RunWf at the start time. Pure and
 * deterministic: the clock is virtual and ids come from a counter, so the same options and actions always give the
 * same events.
 */
export function createSimulation(options: SimulationOptions): SimulationResult {
  const given: WfSpec & Partial<VersionedWfSpec> = options.wfSpec;
  const wfSpec: VersionedWfSpec = { ...given, majorVersion: given.majorVersion ?? 0, revision: given.revision ?? 0 };
  const problems = validateWfSpec(wfSpec, options.catalog);
  if (problems.length > 0) return { ok: false, rejection: invalidWfSpec(problems) };
  const wfRunId = options.wfRunId ?? DEFAULT_WF_RUN_ID;
  if (!isValidWfRunId(wfRunId)) return refuse('INVALID_WF_RUN_ID', `WfRun id ${JSON.stringify(wfRunId)} must be letters, digits and inner dashes.`);
  const startTime = options.startTime ?? 0;
  if (!isTime(startTime)) return refuse('INVALID_TIME', `The start time must be a whole number of epoch milliseconds, 0 or more; got ${startTime}.`);
  const inputs = options.variables ?? {};
  const draft = new Draft(
    { wfSpec, catalog: options.catalog, wfRunId, inputs, startTime, now: startTime, history: [], events: [], actions: [], ledger: EMPTY_LEDGER, idsDrawn: 0 },
    undefined,
  );
  const rejection = draft.send({ type: 'RunWf', wfRunId, variables: inputs });
  if (rejection) return { ok: false, rejection };
  return accepted(draft, undefined);
}

/**
 * One simulated WfRun at one moment: its state, the events and steps that led there, the actions the user took and
 * the virtual clock. Immutable: every action returns a new Simulation (or a refusal) and leaves this one as it was,
 * so keeping the old ones is undo.
 */
export class Simulation {
  readonly #data: SimulationData;

  /** Use createSimulation or forkSimulation. */
  private constructor(data: SimulationData) {
    this.#data = data;
  }

  /** @internal The way in for Draft and forkSimulation: builds the Simulation its data describes. */
  static of(data: SimulationData): Simulation {
    return new Simulation(data);
  }

  /** The WfSpec, with the version it runs as. */
  get wfSpec(): VersionedWfSpec {
    return this.#data.wfSpec;
  }
  get catalog(): Catalog {
    return this.#data.catalog;
  }
  get wfRunId(): string {
    return this.#data.wfRunId;
  }
  /** The entrypoint variables the WfRun was started with. */
  get inputs(): Readonly<Record<string, JsonValue>> {
    return this.#data.inputs;
  }
  /** Epoch ms when the WfRun started. */
  get startTime(): number {
    return this.#data.startTime;
  }
  /** The virtual clock, in epoch ms. */
  get now(): number {
    return this.#data.now;
  }
  /** The WfRun's state after the last step. */
  get state(): WfRunState {
    return this.#data.state;
  }
  /** Every command the engine accepted, in order, from the RunWf on. */
  get history(): readonly SimulationStep[] {
    return this.#data.history;
  }
  /** Every event, in order. */
  get events(): readonly WfRunEvent[] {
    return this.#data.events;
  }
  /** The actions the user took, as scenario steps, in order; a fork's are only those taken since it was forked. */
  get actions(): readonly ScenarioStep[] {
    return this.#data.actions;
  }
  /** Where a fork came from (forkSimulation); undefined for a simulation that began with RunWf. */
  get forkedFrom(): ForkOrigin | undefined {
    return this.#data.fork;
  }

  /** What the WfRun waits for now (see pendingActions). */
  pending(): PendingAction[] {
    const d = this.#data;
    return pendingActions({ state: d.state, events: d.events, ledger: d.ledger, now: d.now, wfSpec: d.wfSpec, catalog: d.catalog });
  }

  /** The state after events 0..`eventIndex`, exactly what replaying that prefix gives. Throws a RangeError outside the events. */
  stateAt(eventIndex: number): WfRunState {
    const { history, events } = this.#data;
    if (!Number.isInteger(eventIndex) || eventIndex < 0 || eventIndex >= events.length) {
      throw new RangeError(`Event index ${eventIndex} is outside the simulation's ${events.length} events.`);
    }
    // Start from the state before the step that holds the event, and fold the rest of the way.
    let i = history.length - 1;
    while (i > 0 && (history[i]?.firstEventIndex ?? 0) > eventIndex) i--;
    let state: WfRunState | undefined = i > 0 ? history[i - 1]?.state : undefined;
    for (let e = history[i]?.firstEventIndex ?? 0; e <= eventIndex; e++) {
      const event = events[e];
      if (event) state = evolve(state, event);
    }
    if (!state) throw new RangeError(`Event index ${eventIndex} comes before the WfRun started.`);
    return state;
  }

  /** The names of the nodes a ThreadRun (the entrypoint's by default) has arrived at, in order, repeats included. */
  visited(threadRunNumber = 0): string[] {
    return this.#data.events.flatMap((e) => (e.type === 'NodeRunStarted' && e.threadRunNumber === threadRunNumber ? [e.nodeName] : []));
  }

  /** The waiting TaskRun `taskGuid` returns `output` (null by default). */
  completeTask(taskGuid: string, output: JsonValue = null): SimulationResult {
    return this.reportTask(taskGuid, { output });
  }

  /** The waiting TaskRun `taskGuid` fails with an ERROR (TASK_FAILURE); retried under the node's policy. */
  failTask(taskGuid: string, message: string): SimulationResult {
    return this.reportTask(taskGuid, { error: message });
  }

  /** The waiting TaskRun `taskGuid` throws a business exception, which handlers catch by name. */
  throwTaskException(taskGuid: string, name: string, message: string, content?: JsonValue): SimulationResult {
    return this.reportTask(taskGuid, { exception: { name, message, ...(content === undefined ? {} : { content }) } });
  }

  /** The waiting TaskRun `taskGuid` times out (TIMEOUT); retried like an error. */
  timeOutTask(taskGuid: string): SimulationResult {
    return this.reportTask(taskGuid, { timeout: true });
  }

  /** The current attempt of the waiting TaskRun `taskGuid` ends with `outcome`. */
  reportTask(taskGuid: string, outcome: TaskOutcome): SimulationResult {
    const waiting = this.#waiting('TASK_RUN');
    const chosen = waiting.find((t) => t.taskGuid === taskGuid);
    if (!chosen) {
      const command: Command = { type: 'ReportTaskAttempt', taskGuid, attempt: this.#attemptOf(taskGuid), result: { status: 'SUCCESS' } };
      return this.#refusal(command, `TaskRun ${taskGuid} is not waiting for a report.`);
    }
    const same = waiting.filter((t) => t.taskDefName === chosen.taskDefName);
    const task: TaskStep = { taskDefName: chosen.taskDefName, ...selectorFor(same, chosen), ...outcome };
    return this.#reportTask(chosen, outcome, { task });
  }

  /**
   * An ExternalEvent of `externalEventDefName` arrives with `content`. A `guid` of its own is kept in the action; one
   * is numbered otherwise. The def must be in the catalog.
   */
  sendEvent(externalEventDefName: string, content: JsonValue, guid?: string): SimulationResult {
    if (!own(this.#data.catalog.externalEventDefs, externalEventDefName)) {
      return refuse('UNKNOWN_EXTERNAL_EVENT_DEF', `ExternalEventDef '${externalEventDefName}' is not in the catalog.`);
    }
    const step: ScenarioStep = { event: { externalEventDefName, content, ...(guid === undefined ? {} : { guid }) } };
    return this.#act(step, (draft) =>
      draft.send({ type: 'PutExternalEvent', guid: guid ?? draft.nextId('event'), externalEventDefName, content }),
    );
  }

  /** `userId` completes the open UserTaskRun `userTaskGuid` with `results`. */
  completeUserTask(userTaskGuid: string, userId: string, results: Readonly<Record<string, JsonValue>>): SimulationResult {
    return this.#userTaskByGuid(userTaskGuid, { userId, results });
  }

  /** Cancels the open UserTaskRun `userTaskGuid`: its node fails. */
  cancelUserTask(userTaskGuid: string): SimulationResult {
    return this.#userTaskByGuid(userTaskGuid, { cancel: true });
  }

  /** Hands the open UserTaskRun `userTaskGuid` to a user, a group or both. */
  assignUserTask(userTaskGuid: string, assignment: UserTaskAssignment): SimulationResult {
    return this.#userTaskByGuid(userTaskGuid, { assign: assignment });
  }

  /** The running child WfRun `childWfRunId` completes, with `output` when its EXIT returns one. */
  completeChild(childWfRunId: string, output?: JsonValue): SimulationResult {
    return this.#childById(childWfRunId, output === undefined ? {} : { output });
  }

  /** The running child WfRun `childWfRunId` fails: an ERROR for a reserved failure name, an EXCEPTION otherwise. */
  failChild(childWfRunId: string, failure: ThrownException): SimulationResult {
    return this.#childById(childWfRunId, { failure });
  }

  /**
   * Moves the virtual clock `ms` forward and fires every timer due by then, soonest first (ties in the order they
   * were set), each at its own time. A timer that has gone stale is dropped, as the server drops it.
   */
  advanceClock(ms: number): SimulationResult {
    if (!isTime(ms)) return refuse('INVALID_TIME', `The clock moves forward by a whole number of milliseconds, 0 or more; got ${ms}.`);
    const target = this.#data.now + ms;
    return this.#act({ advance: ms }, (draft) => {
      for (let fired = 0; ; fired++) {
        const due = draft.ledger.timers.filter((t) => t.fireAt <= target);
        const next = due.reduce<(typeof due)[number] | undefined>((soonest, t) => (soonest && soonest.fireAt <= t.fireAt ? soonest : t), undefined);
        if (!next) break;
        if (fired >= MAX_TIMERS_PER_ADVANCE) {
          return { code: 'TIMER_LIMIT', message: `Advancing ${ms} ms fired more than ${MAX_TIMERS_PER_ADVANCE} timers; the WfRun sets timers in a loop.` };
        }
        draft.now = Math.max(draft.now, next.fireAt);
        const rejection = draft.send({ type: 'FireTimer', timerId: next.timerId, purpose: next.purpose });
        if (rejection) draft.ledger = dropTimer(draft.ledger, next.timerId);
      }
      draft.now = target;
      return undefined;
    });
  }

  /**
   * Sandbox edit, only in the simulator (LittleHorse has no such command): sets variable `name` of ThreadRun
   * `threadRunNumber` to `value`, recorded as a VariableAssigned event, and lets the WfRun move on as it would after
   * any change (a WAIT_FOR_CONDITION may now hold). The variable must be the thread's own and the value of its type
   * (INVALID_VARIABLES otherwise, naming both). Not kept in `actions`: a scenario cannot replay it.
   */
  setVariable(threadRunNumber: number, name: string, value: JsonValue): SimulationResult {
    return this.#edit((draft) => setVariable(draft, threadRunNumber, name, value));
  }

  /**
   * Sandbox edit: moves the WfRun to another revision of its WfSpec with the engine's MigrateWfRun, exactly as the
   * server would (MIGRATION_REFUSED with problems where it cannot stand on `wfSpec`), and runs `wfSpec` from then on,
   * against `catalog` when one is given. A WfSpec that does not validate is INVALID_WF_SPEC. Not kept in `actions`.
   */
  migrate(wfSpec: VersionedWfSpec, catalog: Catalog = this.#data.catalog): SimulationResult {
    return this.#edit((draft) => migrate(draft, wfSpec, catalog));
  }

  /** Stops a ThreadRun (thread 0, the whole WfRun, by default) where it stands. */
  stop(threadRunNumber?: number): SimulationResult {
    const at = threadRunNumber === undefined ? {} : { threadRunNumber };
    return this.#act({ stop: at }, (draft) => draft.send({ type: 'StopWfRun', ...at }));
  }

  /** Resumes a stopped ThreadRun (thread 0 by default). */
  resume(threadRunNumber?: number): SimulationResult {
    const at = threadRunNumber === undefined ? {} : { threadRunNumber };
    return this.#act({ resume: at }, (draft) => draft.send({ type: 'ResumeWfRun', ...at }));
  }

  /** Rescues a ThreadRun that failed with an ERROR (thread 0 by default): its node runs again, or is skipped. */
  rescue(threadRunNumber?: number, skipCurrentNode?: boolean): SimulationResult {
    const at = { ...(threadRunNumber === undefined ? {} : { threadRunNumber }), ...(skipCurrentNode === undefined ? {} : { skipCurrentNode }) };
    return this.#act({ rescue: at }, (draft) => draft.send({ type: 'RescueThreadRun', ...at }));
  }

  /**
   * Applies a step in data form, as a scenario file holds it: a task, user task or child step acts on the oldest
   * waiting one of its def (or the one its selector names). The step is kept in `actions` as given.
   */
  apply(step: ScenarioStep): SimulationResult {
    if ('task' in step) {
      const { taskDefName, node, threadRunNumber } = step.task;
      const chosen = select(this.#waiting('TASK_RUN').filter((t) => t.taskDefName === taskDefName), { node, threadRunNumber });
      if (!chosen) return this.#nothingWaiting(`No TaskRun of TaskDef '${taskDefName}'${describeSelector({ node, threadRunNumber })} is waiting.`);
      return this.#reportTask(chosen, step.task, step);
    }
    if ('event' in step) {
      const { externalEventDefName, content, guid } = step.event;
      return this.#keep(this.sendEvent(externalEventDefName, content, guid), step);
    }
    if ('userTask' in step) {
      const { userTaskDefName, node, threadRunNumber } = step.userTask;
      const chosen = select(this.#waiting('USER_TASK_RUN').filter((u) => u.userTaskDefName === userTaskDefName), { node, threadRunNumber });
      if (!chosen) return this.#nothingWaiting(`No UserTaskRun of UserTaskDef '${userTaskDefName}'${describeSelector({ node, threadRunNumber })} is open.`);
      return this.#userTask(chosen, step.userTask, step);
    }
    if ('child' in step) {
      const { wfSpecName, node, threadRunNumber } = step.child;
      const chosen = select(this.#waiting('CHILD_WF_RUN').filter((c) => c.wfSpecName === wfSpecName), { node, threadRunNumber });
      if (!chosen) return this.#nothingWaiting(`No child WfRun of WfSpec '${wfSpecName}'${describeSelector({ node, threadRunNumber })} is running.`);
      return this.#child(chosen, step.child, step);
    }
    if ('advance' in step) return this.advanceClock(step.advance);
    if ('stop' in step) return this.#keep(this.stop(step.stop.threadRunNumber), step);
    if ('resume' in step) return this.#keep(this.resume(step.resume.threadRunNumber), step);
    if ('rescue' in step) return this.#keep(this.rescue(step.rescue.threadRunNumber, step.rescue.skipCurrentNode), step);
    return refuse('INVALID_STEP', `A step must have one of the keys task, event, userTask, child, advance, stop, resume or rescue; got ${keysOf(step)}.`);
  }

  /**
   * Answers what the WfRun waits for from `options.mocks` until it ends, nothing can be answered, or a NodeRun arrives
   * at a breakpoint (see runUntil).
   */
  runUntil(options: RunUntilOptions): RunUntilResult {
    return runUntil(this, options);
  }

  #waiting<K extends PendingAction['kind']>(kind: K): Extract<PendingAction, { kind: K }>[] {
    return this.pending().filter((p): p is Extract<PendingAction, { kind: K }> => p.kind === kind);
  }

  #attemptOf(taskGuid: string): number {
    const triggered = this.#data.state.triggeredTaskRuns?.[taskGuid];
    if (triggered) return triggered.attempt;
    return this.#data.state.threadRuns.find((t) => t.currentNodeRun?.taskRun?.taskGuid === taskGuid)?.currentNodeRun?.taskRun?.attempt ?? 0;
  }

  #reportTask(chosen: WaitingTaskRun, outcome: TaskOutcome, step: ScenarioStep): SimulationResult {
    const result = taskAttemptResult(outcome);
    if (!result) return refuse('INVALID_STEP', `A task step gives exactly one of output, error, exception or timeout; got ${keysOf(outcome, ['output', 'error', 'exception', 'timeout'])}.`);
    return this.#act(step, (draft) => draft.send({ type: 'ReportTaskAttempt', taskGuid: chosen.taskGuid, attempt: chosen.attempt, result }));
  }

  #userTaskByGuid(userTaskGuid: string, outcome: UserTaskOutcome): SimulationResult {
    const waiting = this.#waiting('USER_TASK_RUN');
    const chosen = waiting.find((u) => u.userTaskGuid === userTaskGuid);
    if (!chosen) return this.#refusal({ type: 'CancelUserTaskRun', userTaskGuid }, `UserTaskRun ${userTaskGuid} is not open.`);
    const same = waiting.filter((u) => u.userTaskDefName === chosen.userTaskDefName);
    return this.#userTask(chosen, outcome, { userTask: { userTaskDefName: chosen.userTaskDefName, ...selectorFor(same, chosen), ...outcome } });
  }

  #userTask(chosen: WaitingUserTaskRun, outcome: UserTaskOutcome, step: ScenarioStep): SimulationResult {
    const command = userTaskCommand(chosen.userTaskGuid, outcome);
    if (!command) return refuse('INVALID_STEP', `A user task step gives exactly one of results (with userId), cancel or assign; got ${keysOf(outcome, ['results', 'cancel', 'assign'])}.`);
    return this.#act(step, (draft) => draft.send(command));
  }

  #childById(childWfRunId: string, outcome: ChildOutcome): SimulationResult {
    const waiting = this.#waiting('CHILD_WF_RUN');
    const chosen = waiting.find((c) => c.childWfRunId === childWfRunId);
    if (!chosen) return this.#refusal({ type: 'ChildWfRunEnded', childWfRunId, status: 'COMPLETED' }, `Child WfRun ${childWfRunId} is not running.`);
    const same = waiting.filter((c) => c.wfSpecName === chosen.wfSpecName);
    return this.#child(chosen, outcome, { child: { wfSpecName: chosen.wfSpecName, ...selectorFor(same, chosen), ...outcome } });
  }

  #child(chosen: WaitingChildWfRun, outcome: ChildOutcome, step: ScenarioStep): SimulationResult {
    const command = childEndCommand(chosen.childWfRunId, outcome);
    return this.#act(step, (draft) => draft.send(command));
  }

  /** Runs `perform` on a draft; keeps `step` as the action when it succeeds, and changes nothing when it does not. */
  #act(step: ScenarioStep, perform: (draft: Draft) => SimulationRejection | undefined): SimulationResult {
    const draft = new Draft(this.#data, this.#data.actions.length);
    const rejection = perform(draft);
    if (rejection) return { ok: false, rejection };
    return accepted(draft, step);
  }

  /** Runs a sandbox edit on a draft: a step with no scenario action, or nothing when it is refused. */
  #edit(perform: (draft: Draft) => SimulationRejection | undefined): SimulationResult {
    const draft = new Draft(this.#data, undefined);
    const rejection = perform(draft);
    if (rejection) return { ok: false, rejection };
    return accepted(draft, undefined);
  }

  /** Replaces the action an accepted result kept with `step`, as the caller gave it. */
  #keep(result: SimulationResult, step: ScenarioStep): SimulationResult {
    if (!result.ok) return result;
    const data = result.simulation.#data;
    return { ...result, simulation: new Simulation({ ...data, actions: [...data.actions.slice(0, -1), step] }) };
  }

  /**
   * Why an action on something that is not waiting is refused: in the engine's words when it refuses `command` (an
   * unknown or ended TaskRun, say), else in `message` (the engine would take the news, as of a child of an ended WfRun).
   */
  #refusal(command: Command, message: string): SimulationResult {
    const draft = new Draft(this.#data, undefined);
    return { ok: false, rejection: draft.send(command) ?? { code: 'NOTHING_WAITING', message } };
  }

  #nothingWaiting(message: string): SimulationResult {
    const waiting = this.pending().filter((p) => p.kind !== 'TIMER');
    const list = waiting.map(describePending).join('; ');
    return refuse('NOTHING_WAITING', `${message} ${waiting.length === 0 ? 'Nothing else waits either.' : `Waiting: ${list}.`}`);
  }
}

/** The simulation a draft made, with the steps it added. */
function accepted(draft: Draft, action: ScenarioStep | undefined): SimulationResult {
  const data = draft.finish(action);
  if (!data) return refuse('NOTHING_WAITING', 'The WfRun never started.');
  return { ok: true, simulation: Simulation.of(data), steps: draft.steps };
}

function isTime(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms >= 0;
}

/** The keys `value` has (among `among`, when given), for messages. */
function keysOf(value: object, among?: readonly string[]): string {
  const keys = Object.keys(value).filter((k) => among === undefined || among.includes(k));
  return keys.length === 0 ? 'none' : keys.join(', ');
}

function refuse(code: SimulationRejectionCode, message: string): SimulationResult & { ok: false } {
  return { ok: false, rejection: { code, message } };
}
