import type { UserTaskActionTask, VariableAssignment, VersionedWfSpec } from '../spec/types.ts';
import type { JsonValue } from '../values/value.ts';
import type { Failure } from './failure.ts';

/** An event the world sent to a WfRun. */
export interface ExternalEventInput {
  /** Unique per WfRun; the same event sent twice is kept once. */
  readonly guid: string;
  readonly externalEventDefName: string;
  readonly content: JsonValue;
  /** Only this ThreadRun's nodes (or interrupts) take it (LittleHorse's pins). */
  readonly threadRunNumber?: number | undefined;
  /** Only the EXTERNAL_EVENT NodeRun at this position takes it (of the pinned thread, or any). */
  readonly nodeRunPosition?: number | undefined;
}

/** Start a WfRun of the WfSpec in the context. */
export interface RunWf {
  readonly type: 'RunWf';
  readonly wfRunId: string;
  /** Values for the entrypoint thread's variables, by name. */
  readonly variables?: Readonly<Record<string, JsonValue>> | undefined;
  /** Events sent to this id before the WfRun existed, oldest first (LittleHorse keeps and delivers them). */
  readonly externalEvents?: readonly ExternalEventInput[] | undefined;
  /** The WfRun whose RUN_CHILD_WF node started this one; it hears when this one ends. */
  readonly parentWfRunId?: string | undefined;
  /**
   * Set when the parent's RUN_CHILD_WF starts this WfRun (the server carrying out RunChildWf), never by the API: the
   * variables are then taken as they are, unchecked, as LittleHorse's RunChildWfNodeRunModel.arrive starts the
   * child's thread without RunWf's checks (it checks the inputs at PutWfSpec only).
   */
  readonly fromRunChildWf?: boolean | undefined;
}

/** An ExternalEvent arrives for the WfRun. */
export interface PutExternalEvent extends ExternalEventInput {
  readonly type: 'PutExternalEvent';
}

/** What a Task Worker says of one attempt. */
export type TaskAttemptResult =
  /** The task returned `output`. */
  | { readonly status: 'SUCCESS'; readonly output?: JsonValue | undefined }
  /** The task failed technically (LittleHorse TASK_FAILED); retried under the node's policy. */
  | { readonly status: 'ERROR'; readonly message: string }
  /** The task raised a business exception, caught by name by failure handlers; never retried. */
  | { readonly status: 'EXCEPTION'; readonly name: string; readonly message: string; readonly content?: JsonValue | undefined }
  /** The worker's lease ran out before it reported (LittleHorse TASK_TIMEOUT); retried like an error. */
  | { readonly status: 'TIMEOUT' }
  /**
   * The task returned an output the server cannot take (over its size limit): LittleHorse's
   * TASK_OUTPUT_SERDE_ERROR, which no retry can fix.
   */
  | { readonly status: 'OUTPUT_ERROR'; readonly message: string };

/** A Task Worker reports an attempt of a TaskRun. */
export interface ReportTaskAttempt {
  readonly type: 'ReportTaskAttempt';
  readonly taskGuid: string;
  readonly attempt: number;
  readonly result: TaskAttemptResult;
  readonly workerId?: string | undefined;
  /** What the task logged during the attempt, kept with it. */
  readonly logOutput?: string | undefined;
}

/** A timer the WfRun set has come due. */
export interface FireTimer {
  readonly type: 'FireTimer';
  readonly timerId: string;
  /** What the timer was set for, as its TimerSet event said. */
  readonly purpose: TimerPurpose;
}

/** What a timer is for. */
export type TimerPurpose =
  /** Dispatch attempt `attempt` of a TaskRun after its back-off. */
  | { readonly type: 'TASK_RETRY'; readonly taskGuid: string; readonly attempt: number }
  /**
   * End the SLEEP NodeRun at this place. `until` is set for a sleep until a timestamp, which is evaluated again as
   * the WfRun moves: a timer whose `until` is no longer the node's target has nothing left to do.
   */
  | { readonly type: 'SLEEP'; readonly threadRunNumber: number; readonly position: number; readonly until?: number | undefined }
  /** Fail the EXTERNAL_EVENT NodeRun at this place with TIMEOUT if it still waits. */
  | { readonly type: 'EXTERNAL_EVENT_TIMEOUT'; readonly threadRunNumber: number; readonly position: number }
  /** Carry out a user task action on the UserTaskRun of the USER_TASK NodeRun at this place. */
  | {
      readonly type: 'USER_TASK_ACTION';
      readonly threadRunNumber: number;
      readonly position: number;
      /** The UserTaskRun's epoch when the delay started: a reassignment acts only if no assignment came since. */
      readonly epoch: number;
      /** Which of the node's `actions` set it, for people reading the log. */
      readonly actionIndex: number;
      readonly action: ScheduledUserTaskAction;
    };

/** What a user task action's timer does when it fires. */
export type ScheduledUserTaskAction = DeadlineReassign | EvaluatedReassign | { readonly type: 'CANCEL' } | TriggeredTask;

/**
 * Run the TaskRun `task` describes, its inputs evaluated when the timer fires (LittleHorse's TriggeredTaskRun carries
 * the TaskNode and assigns its inputs then). The TASK action as the WfSpec wrote it.
 */
export interface TriggeredTask {
  readonly type: 'TASK';
  readonly task: UserTaskActionTask;
}

/**
 * Reassign to the user and group that `newUserId` and `newUserGroup` evaluate to when the timer fires, not when the
 * delay starts (LittleHorse's DeadlineReassignUserTask carries the VariableAssignments and deadlineReassign
 * evaluates them). The REASSIGN action's `userId` and `userGroup` as the WfSpec wrote them.
 */
export interface DeadlineReassign {
  readonly type: 'REASSIGN';
  readonly newUserId?: VariableAssignment | undefined;
  readonly newUserGroup?: VariableAssignment | undefined;
}

/**
 * A reassignment to the user and group evaluated when the delay started, as timers set by earlier versions of the
 * engine carry it (always both keys, each a STR or null). Still fired as written, so those timers keep working.
 */
export interface EvaluatedReassign {
  readonly type: 'REASSIGN';
  readonly userId: string | null;
  readonly userGroup: string | null;
}

/** Stop a ThreadRun (thread 0, the whole WfRun, by default) and its children where they stand. */
export interface StopWfRun {
  readonly type: 'StopWfRun';
  readonly threadRunNumber?: number | undefined;
}

/** Let a stopped ThreadRun (thread 0 by default) and the children it stopped run again. */
export interface ResumeWfRun {
  readonly type: 'ResumeWfRun';
  readonly threadRunNumber?: number | undefined;
}

/**
 * Run a ThreadRun that failed with an ERROR again: its failed node afresh, or, with `skipCurrentNode`, onward by the
 * node's edges (mutations skipped). Its ancestors that failed with CHILD_FAILURE because of it are rescued too.
 */
export interface RescueThreadRun {
  readonly type: 'RescueThreadRun';
  readonly threadRunNumber?: number | undefined;
  readonly skipCurrentNode?: boolean | undefined;
}

/** Move the WfRun to a later revision of its WfSpec, where that is safe (see planMigration); refused with reasons otherwise. */
export interface MigrateWfRun {
  readonly type: 'MigrateWfRun';
  /** The revision to move to; the context's WfSpec is the one the WfRun runs on now. */
  readonly wfSpec: VersionedWfSpec;
}

/** How a child WfRun ended, as its parent hears it. */
export type ChildWfRunEndStatus = 'COMPLETED' | 'ERROR' | 'EXCEPTION';

/**
 * A child WfRun this WfRun started has ended (the server sends it for a NotifyParentWfRun effect), or could not be
 * started at all (an ERROR with CHILD_FAILURE, say for an unknown WfSpec). In the past tense, unlike the other
 * commands, because it is news from another WfRun rather than an order.
 */
export interface ChildWfRunEnded {
  readonly type: 'ChildWfRunEnded';
  readonly childWfRunId: string;
  readonly status: ChildWfRunEndStatus;
  /** The child's output (its thread 0's) when it COMPLETED. */
  readonly output?: JsonValue | undefined;
  /** The output is a secret in the child (its WfRunCompleted's maskedOutput): the parent hides it too. */
  readonly maskedOutput?: true | undefined;
  /** Why it failed, for ERROR and EXCEPTION. */
  readonly failure?: Failure | undefined;
}

/**
 * A child WfRun that ended with an ERROR was rescued and runs again (the server sends it for a RescueParentWfRun
 * effect): the threads that failed waiting for it are rescued and wait again (LittleHorse).
 */
export interface ChildWfRunRescued {
  readonly type: 'ChildWfRunRescued';
  readonly childWfRunId: string;
}

/**
 * Give an open UserTaskRun to a user, a group, or a user within a group (at least one). A task a user already holds
 * changes hands only with `overrideClaim` (LittleHorse).
 */
export interface AssignUserTaskRun {
  readonly type: 'AssignUserTaskRun';
  readonly userTaskGuid: string;
  readonly userId?: string | null | undefined;
  readonly userGroup?: string | null | undefined;
  readonly overrideClaim?: boolean | undefined;
}

/**
 * A person completes an open UserTaskRun: `results` are checked against the UserTaskDef's fields and become the
 * node's output. A user other than the assigned one takes the task over first (its group kept).
 */
export interface CompleteUserTaskRun {
  readonly type: 'CompleteUserTaskRun';
  readonly userTaskGuid: string;
  readonly userId: string;
  readonly results: Readonly<Record<string, JsonValue>>;
}

/**
 * Keep what a person has filled in so far on an open UserTaskRun (LittleHorse's SaveUserTaskRunProgress): `results`
 * may leave fields out, but each given must be a field of the UserTaskDef, of its type. A task another user holds
 * is refused unless `policy` is IGNORE_CLAIM. Nothing advances.
 */
export interface SaveUserTaskRunProgress {
  readonly type: 'SaveUserTaskRunProgress';
  readonly userTaskGuid: string;
  readonly userId: string;
  readonly results: Readonly<Record<string, JsonValue>>;
  readonly policy?: 'FAIL_IF_CLAIMED_BY_OTHER' | 'IGNORE_CLAIM' | undefined;
}

/** A comment on a UserTaskRun, open or ended, numbered from 1 within it (LittleHorse's PutUserTaskRunComment). */
export interface PutUserTaskRunComment {
  readonly type: 'PutUserTaskRunComment';
  readonly userTaskGuid: string;
  readonly userId: string;
  readonly comment: string;
}

/** New text for a comment of a UserTaskRun, open or ended, by whoever edits it. */
export interface EditUserTaskRunComment {
  readonly type: 'EditUserTaskRunComment';
  readonly userTaskGuid: string;
  readonly userCommentId: number;
  readonly userId: string;
  readonly comment: string;
}

/** Takes a comment of a UserTaskRun, open or ended, back; the history keeps that it was made and deleted. */
export interface DeleteUserTaskRunComment {
  readonly type: 'DeleteUserTaskRunComment';
  readonly userTaskGuid: string;
  readonly userCommentId: number;
  readonly userId: string;
}

/** Cancel an open UserTaskRun: its node fails (onCancellationExceptionName, else USER_TASK_CANCELLED). */
export interface CancelUserTaskRun {
  readonly type: 'CancelUserTaskRun';
  readonly userTaskGuid: string;
}

/** The commands on one UserTaskRun, named by its guid. */
export type UserTaskCommand =
  | AssignUserTaskRun
  | CompleteUserTaskRun
  | CancelUserTaskRun
  | SaveUserTaskRunProgress
  | PutUserTaskRunComment
  | EditUserTaskRunComment
  | DeleteUserTaskRunComment;

/** The inputs of the world that a WfRun reacts to. */
export type Command =
  | RunWf
  | ReportTaskAttempt
  | FireTimer
  | PutExternalEvent
  | StopWfRun
  | ResumeWfRun
  | RescueThreadRun
  | MigrateWfRun
  | ChildWfRunEnded
  | ChildWfRunRescued
  | AssignUserTaskRun
  | CompleteUserTaskRun
  | CancelUserTaskRun
  | SaveUserTaskRunProgress
  | PutUserTaskRunComment
  | EditUserTaskRunComment
  | DeleteUserTaskRunComment;
