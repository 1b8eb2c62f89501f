import type { JsonValue } from '../values/value.ts';
import { describeSelector } from './select.ts';

/**
 * Picks one of several things of a kind that wait at once (two TaskRuns of one TaskDef, say). Without it a step
 * takes the oldest. Written by the recorder only when the oldest is not the one the user chose.
 */
export interface Selector {
  /** The name of the node it waits at (for a child WfRun: its RUN_CHILD_WF node). */
  readonly node?: string | undefined;
  /** The ThreadRun it waits in; needed only when threads of one ThreadSpec wait at the same node. */
  readonly threadRunNumber?: number | undefined;
}

/** How a TaskRun's current attempt ends: exactly one of the four fields. */
export type TaskOutcome =
  /** The task returned `output` (TASK_SUCCESS); `null` for a task that returns nothing. */
  | { readonly output: JsonValue; readonly error?: never; readonly exception?: never; readonly timeout?: never }
  /** The task failed technically (TASK_FAILED, the ERROR TASK_FAILURE), with this message; retried under the node's policy. */
  | { readonly error: string; readonly output?: never; readonly exception?: never; readonly timeout?: never }
  /** The task threw a business exception (TASK_EXCEPTION), caught by name by failure handlers; never retried. */
  | { readonly exception: ThrownException; readonly output?: never; readonly error?: never; readonly timeout?: never }
  /** The worker's lease ran out (TASK_TIMEOUT, the ERROR TIMEOUT); retried like an error. */
  | { readonly timeout: true; readonly output?: never; readonly error?: never; readonly exception?: never };

/** A business exception a task or a child WfRun ends with. */
export interface ThrownException {
  readonly name: string;
  /** Empty when not given. */
  readonly message?: string | undefined;
  readonly content?: JsonValue | undefined;
}

/** `{ "task": ... }`: the oldest waiting TaskRun of `taskDefName` (or the one `node` names) ends with the outcome. */
export type TaskStep = Selector & { readonly taskDefName: string } & TaskOutcome;

/** `{ "event": ... }`: an ExternalEvent arrives, whether or not a node waits for it (it may wait, or interrupt). */
export interface EventStep {
  readonly externalEventDefName: string;
  readonly content: JsonValue;
  /** Unique in the WfRun; the simulator numbers events that give none. */
  readonly guid?: string | undefined;
}

/** What a person does with an open UserTaskRun: exactly one of completing, cancelling or assigning it. */
export type UserTaskOutcome =
  /** Completes it with `results`, checked against the UserTaskDef's fields; `userId` is who did it. */
  | { readonly userId: string; readonly results: Readonly<Record<string, JsonValue>>; readonly cancel?: never; readonly assign?: never }
  /** Cancels it: the node fails with USER_TASK_CANCELLED (or the node's onCancellationExceptionName). */
  | { readonly cancel: true; readonly results?: never; readonly assign?: never }
  /** Hands it to a user, a group or both; a task a user holds changes hands only with `overrideClaim`. */
  | { readonly assign: UserTaskAssignment; readonly results?: never; readonly cancel?: never };

export interface UserTaskAssignment {
  readonly userId?: string | null | undefined;
  readonly userGroup?: string | null | undefined;
  readonly overrideClaim?: boolean | undefined;
}

/** `{ "userTask": ... }`: the oldest open UserTaskRun of `userTaskDefName` (or the one `node` names). */
export type UserTaskStep = Selector & { readonly userTaskDefName: string } & UserTaskOutcome;

/**
 * How a child WfRun ends, as its parent hears it: with `failure`, failed (an ERROR when the name is one of
 * LittleHorse's reserved ones, an EXCEPTION otherwise); without, COMPLETED with `output` (absent: the child's EXIT
 * returns nothing).
 */
export type ChildOutcome =
  | { readonly output?: JsonValue | undefined; readonly failure?: never }
  | { readonly failure: ThrownException; readonly output?: never };

/** `{ "child": ... }`: the oldest running child WfRun of `wfSpecName` (or the one whose RUN_CHILD_WF `node` names) ends. */
export type ChildStep = Selector & { readonly wfSpecName: string } & ChildOutcome;

/** `{ "stop": ... }` and `{ "resume": ... }`: StopWfRun and ResumeWfRun, of thread 0 unless told. */
export interface ThreadStep {
  readonly threadRunNumber?: number | undefined;
}

/** `{ "rescue": ... }`: RescueThreadRun of a thread that failed with an ERROR (thread 0 unless told). */
export interface RescueStep extends ThreadStep {
  /** Leave the failed node by its edges instead of running it again. */
  readonly skipCurrentNode?: boolean | undefined;
}

/**
 * One thing the user did in a simulation, as data: what a scenario file lists and replays. Each is an object with
 * exactly one key, naming the kind of action.
 */
export type ScenarioStep =
  | { readonly task: TaskStep }
  | { readonly event: EventStep }
  | { readonly userTask: UserTaskStep }
  | { readonly child: ChildStep }
  /** Moves the virtual clock forward this many milliseconds, firing every timer due by then, in time order. */
  | { readonly advance: number }
  | { readonly stop: ThreadStep }
  | { readonly resume: ThreadStep }
  | { readonly rescue: RescueStep };

/** The kinds of step, as their keys. */
export const SCENARIO_STEP_KINDS = ['task', 'event', 'userTask', 'child', 'advance', 'stop', 'resume', 'rescue'] as const;
export type ScenarioStepKind = (typeof SCENARIO_STEP_KINDS)[number];

/** A short description of a step for messages: `task charge (output 5)`, `advance 60000 ms`. */
export function describeStep(step: ScenarioStep): string {
  if ('task' in step) {
    const t = step.task;
    const outcome =
      'output' in t ? `output ${JSON.stringify(t.output)}` : 'error' in t ? `error "${t.error}"` : 'exception' in t ? `exception ${t.exception?.name}` : 'timeout';
    return `task ${t.taskDefName}${describeSelector(t)} (${outcome})`;
  }
  if ('event' in step) return `event ${step.event.externalEventDefName}`;
  if ('userTask' in step) {
    const u = step.userTask;
    const what = 'cancel' in u && u.cancel ? 'cancel' : 'assign' in u && u.assign ? 'assign' : `complete by ${u.userId}`;
    return `userTask ${u.userTaskDefName}${describeSelector(u)} (${what})`;
  }
  if ('child' in step) return `child ${step.child.wfSpecName}${describeSelector(step.child)} (${step.child.failure ? `failure ${step.child.failure.name}` : 'completed'})`;
  if ('advance' in step) return `advance ${step.advance} ms`;
  if ('stop' in step) return `stop thread ${step.stop.threadRunNumber ?? 0}`;
  if ('resume' in step) return `resume thread ${step.resume.threadRunNumber ?? 0}`;
  return `rescue thread ${step.rescue.threadRunNumber ?? 0}`;
}
