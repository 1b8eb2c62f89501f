import type { NodeType, WfSpecId } from '../spec/types.ts';
import type { JsonValue, VariableType } from '../values/value.ts';
import type { ChildWfRunEndStatus, TimerPurpose } from './commands.ts';
import type { Failure } from './failure.ts';
import type { HaltReason, TaskInput, ThreadRunKind } from './state.ts';

interface At {
  /** Epoch milliseconds, from the context of the decision that made the event. */
  readonly time: number;
}

export interface WfRunStarted extends At {
  readonly type: 'WfRunStarted';
  readonly wfRunId: string;
  readonly wfSpecId: WfSpecId;
  /** Set when a RUN_CHILD_WF node of that WfRun started this one. */
  readonly parentWfRunId?: string | undefined;
}

export interface ThreadRunStarted extends At {
  readonly type: 'ThreadRunStarted';
  readonly threadRunNumber: number;
  readonly threadSpecName: string;
  readonly parentThreadRunNumber?: number | undefined;
  /** Absent on events written before kinds existed: thread 0 is ENTRYPOINT, others CHILD. */
  readonly kind?: ThreadRunKind | undefined;
  /** Every variable the thread declares, with its first value. */
  readonly variables: Readonly<Record<string, JsonValue>>;
}

export interface NodeRunStarted extends At {
  readonly type: 'NodeRunStarted';
  readonly threadRunNumber: number;
  readonly position: number;
  readonly nodeName: string;
  readonly nodeType: NodeType;
}

export interface TaskRunScheduled extends At {
  readonly type: 'TaskRunScheduled';
  readonly threadRunNumber: number;
  readonly position: number;
  readonly taskGuid: string;
  readonly taskDefName: string;
  readonly attempt: number;
  readonly input: readonly TaskInput[];
  /** Seconds from a claim to the attempt's TIMEOUT, when the node set them (else DEFAULT_TASK_TIMEOUT_SECONDS). */
  readonly timeoutSeconds?: number | undefined;
  /**
   * The TaskDef's output contract when the TaskRun was made: its report is checked against it and masked by it even
   * if the TaskDef is deleted, or registered again otherwise, meanwhile.
   */
  readonly returnType?: VariableType | undefined;
  readonly maskedOutput?: true | undefined;
  /**
   * Set when a user task action made the TaskRun (a reminder), not a TASK node: `threadRunNumber` and `position` are
   * then the USER_TASK NodeRun's, and the TaskRun's result moves nothing (LittleHorse's UserTaskTriggerReference).
   */
  readonly userTaskTrigger?: UserTaskTriggerReference | undefined;
}

/** The UserTaskRun whose action made a TaskRun, and who held it then (LittleHorse's UserTaskTriggerReference). */
export interface UserTaskTriggerReference {
  readonly userTaskGuid: string;
  /** The USER_TASK node, and which of its `actions` it was. */
  readonly nodeName: string;
  readonly actionIndex: number;
  /** The UserTaskRun's user and group when the action fired, as LittleHorse records them for the worker. */
  readonly userId?: string | undefined;
  readonly userGroup?: string | undefined;
}

export interface TaskAttemptSucceeded extends At {
  readonly type: 'TaskAttemptSucceeded';
  readonly threadRunNumber: number;
  readonly taskGuid: string;
  readonly attempt: number;
  readonly output: JsonValue;
  /** The TaskDef's output is masked: the API shows it as `*****`. */
  readonly maskedOutput?: true | undefined;
  readonly workerId?: string | undefined;
  readonly logOutput?: string | undefined;
}

export interface TaskAttemptFailed extends At {
  readonly type: 'TaskAttemptFailed';
  readonly threadRunNumber: number;
  readonly taskGuid: string;
  readonly attempt: number;
  /** TASK_FAILURE for an error, the exception's own name for a business exception. */
  readonly failure: Failure;
  readonly status: 'TASK_FAILED' | 'TASK_EXCEPTION' | 'TASK_TIMEOUT' | 'TASK_OUTPUT_SERDE_ERROR';
  readonly workerId?: string | undefined;
  readonly logOutput?: string | undefined;
}

/** A retry waits for its back-off; the server fires a FireTimer command at `fireAt`. */
export interface TimerSet extends At {
  readonly type: 'TimerSet';
  readonly timerId: string;
  /** Epoch milliseconds. */
  readonly fireAt: number;
  readonly purpose: TimerPurpose;
}

/** A timer came due and did what it was set for. */
export interface TimerFired extends At {
  readonly type: 'TimerFired';
  readonly timerId: string;
  /**
   * Set when what it was set for could not be done and nothing fails of it: a user task's TASK action whose TaskDef
   * or inputs could not be resolved (LittleHorse logs the LHVarSubError and the WfRun goes on).
   */
  readonly failure?: Failure | undefined;
}

/** A failed attempt will be retried after a back-off: the TaskRun waits, TASK_PENDING, for its timer. */
export interface TaskRetryPending extends At {
  readonly type: 'TaskRetryPending';
  readonly threadRunNumber: number;
  readonly taskGuid: string;
  /** The attempt that will run when the timer fires. */
  readonly attempt: number;
}

/** An ExternalEvent reached the WfRun; it waits in the state until a thread takes it. */
export interface ExternalEventReceived extends At {
  readonly type: 'ExternalEventReceived';
  readonly guid: string;
  readonly externalEventDefName: string;
  readonly content: JsonValue;
  /** Pins: only this ThreadRun, and only its NodeRun at this position, takes it. */
  readonly threadRunNumber?: number | undefined;
  readonly nodeRunPosition?: number | undefined;
}

/**
 * A waiting EXTERNAL_EVENT NodeRun takes the CorrelatedEvent of its def with this key too (LittleHorse's correlation
 * marker): the server delivers it as an ExternalEvent pinned to the NodeRun, whichever comes first.
 */
export interface CorrelationKeySet extends At {
  readonly type: 'CorrelationKeySet';
  readonly threadRunNumber: number;
  readonly position: number;
  readonly externalEventDefName: string;
  readonly correlationKey: string;
  /** The key is a secret: the API shows it as `*****`. */
  readonly maskedCorrelationKey?: true | undefined;
}

/** An ExternalEvent interrupts a ThreadRun; its handler starts once the thread has halted. */
export interface InterruptTriggered extends At {
  readonly type: 'InterruptTriggered';
  readonly threadRunNumber: number;
  readonly guid: string;
  readonly handlerSpecName: string;
  readonly content: JsonValue;
}

/** The oldest pending interrupt of a halted ThreadRun starts its handler thread (the next ThreadRunStarted). */
export interface InterruptHandlerStarted extends At {
  readonly type: 'InterruptHandlerStarted';
  readonly threadRunNumber: number;
  readonly handlerThreadRunNumber: number;
}

/** A THROW_EVENT node threw a WorkflowEvent; `number` counts the WfRun's events of that def from 0. */
export interface WorkflowEventThrown extends At {
  readonly type: 'WorkflowEventThrown';
  readonly workflowEventDefName: string;
  readonly number: number;
  readonly content: JsonValue;
  /** The content is made from a masked variable or node output: the API shows it as `*****`. */
  readonly maskedContent?: true | undefined;
  readonly threadRunNumber: number;
  readonly position: number;
}

/** A WAIT_FOR_THREADS NodeRun runs a per-thread failure handler for a failed child (the next ThreadRunStarted). */
export interface ChildFailureHandlerStarted extends At {
  readonly type: 'ChildFailureHandlerStarted';
  readonly threadRunNumber: number;
  readonly position: number;
  readonly childThreadRunNumber: number;
  readonly handlerThreadRunNumber: number;
}

/** A waiting EXTERNAL_EVENT NodeRun took an ExternalEvent. */
export interface ExternalEventClaimed extends At {
  readonly type: 'ExternalEventClaimed';
  readonly guid: string;
  readonly threadRunNumber: number;
  readonly position: number;
}

/**
 * A USER_TASK NodeRun created its UserTaskRun: ASSIGNED when it has a user, UNASSIGNED (waiting in its group)
 * otherwise. Creation is the first assignment: epoch 1.
 */
export interface UserTaskRunCreated extends At {
  readonly type: 'UserTaskRunCreated';
  readonly threadRunNumber: number;
  readonly position: number;
  readonly userTaskGuid: string;
  readonly userTaskDefName: string;
  readonly userTaskDefVersion: number;
  readonly userId?: string | undefined;
  readonly userGroup?: string | undefined;
  readonly notes?: string | undefined;
  /** The notes are made from a secret (a masked variable, a masked node output): the API shows MASKED_VALUE. */
  readonly maskedNotes?: true | undefined;
  readonly epoch: number;
  /** The ON_TASK_ASSIGNED actions the new user did not start, because their delays could not be evaluated. */
  readonly unscheduledActions?: readonly UnscheduledUserTaskAction[] | undefined;
}

/**
 * An ON_TASK_ASSIGNED action an assignment did not start. LittleHorse's assignTo only logs the LHVarSubError and
 * goes on without the action; the engine has no log, so the assignment's event says which action and why.
 */
export interface UnscheduledUserTaskAction {
  /** Which of the USER_TASK node's `actions`. */
  readonly actionIndex: number;
  /** Why its delay could not be evaluated (VAR_SUB_ERROR); the node does not fail of it. */
  readonly failure: Failure;
}

/** What made a UserTaskRun change hands. */
export type UserTaskAssignmentCause =
  /** An AssignUserTaskRun command. */
  | 'ASSIGN'
  /** A REASSIGN action whose delay passed. */
  | 'ACTION'
  /** A user other than the assigned one completed it. */
  | 'COMPLETE';

/**
 * An open UserTaskRun has a new user and group (either may be cleared): ASSIGNED with a user, UNASSIGNED without.
 * `epoch` is the new count of assignments.
 */
export interface UserTaskRunAssigned extends At {
  readonly type: 'UserTaskRunAssigned';
  readonly threadRunNumber: number;
  readonly position: number;
  readonly userTaskGuid: string;
  readonly userId?: string | undefined;
  readonly userGroup?: string | undefined;
  readonly epoch: number;
  readonly cause: UserTaskAssignmentCause;
  /** The ON_TASK_ASSIGNED actions the new user did not start, because their delays could not be evaluated. */
  readonly unscheduledActions?: readonly UnscheduledUserTaskAction[] | undefined;
}

/** A person completed a UserTaskRun with `results` (DONE); the NodeRunCompleted after it outputs them. */
export interface UserTaskRunCompleted extends At {
  readonly type: 'UserTaskRunCompleted';
  readonly threadRunNumber: number;
  readonly position: number;
  readonly userTaskGuid: string;
  readonly userId: string;
  readonly results: Readonly<Record<string, JsonValue>>;
}

/** A person kept what they had filled in so far; the UserTaskRun stays open. */
export interface UserTaskRunProgressSaved extends At {
  readonly type: 'UserTaskRunProgressSaved';
  readonly threadRunNumber: number;
  readonly position: number;
  readonly userTaskGuid: string;
  readonly userId: string;
  readonly results: Readonly<Record<string, JsonValue>>;
}

/** A comment on a UserTaskRun, numbered from 1 within it. */
export interface UserTaskRunCommented extends At {
  readonly type: 'UserTaskRunCommented';
  readonly threadRunNumber: number;
  readonly position: number;
  readonly userTaskGuid: string;
  readonly userCommentId: number;
  readonly userId: string;
  readonly comment: string;
}

/** A comment's new text, and who changed it. */
export interface UserTaskRunCommentEdited extends At {
  readonly type: 'UserTaskRunCommentEdited';
  readonly threadRunNumber: number;
  readonly position: number;
  readonly userTaskGuid: string;
  readonly userCommentId: number;
  readonly userId: string;
  readonly comment: string;
}

/** A comment taken back, and by whom. */
export interface UserTaskRunCommentDeleted extends At {
  readonly type: 'UserTaskRunCommentDeleted';
  readonly threadRunNumber: number;
  readonly position: number;
  readonly userTaskGuid: string;
  readonly userCommentId: number;
  readonly userId: string;
}

/** Why a UserTaskRun was cancelled. */
export type UserTaskCancellationCause =
  /** A CancelUserTaskRun command. */
  | 'CANCEL'
  /** A CANCEL action whose delay passed. */
  | 'ACTION'
  /** Its thread halted (stopped, interrupted, its parent halted or failed): LittleHorse cancels, and the node fails on resume. */
  | 'THREAD_HALTED'
  /** Its node failed for another reason (a deadline's reassignment that could not be evaluated). */
  | 'NODE_FAILED';

/** A UserTaskRun will never be completed (CANCELLED); a running thread's node fails with it at once, a halted one's on resume. */
export interface UserTaskRunCancelled extends At {
  readonly type: 'UserTaskRunCancelled';
  readonly threadRunNumber: number;
  readonly position: number;
  readonly userTaskGuid: string;
  readonly cause: UserTaskCancellationCause;
}

export interface NodeRunCompleted extends At {
  readonly type: 'NodeRunCompleted';
  readonly threadRunNumber: number;
  readonly position: number;
  readonly output?: JsonValue | undefined;
  /**
   * The output is a secret: a masked TaskDef's, an EXIT's made from a masked variable or node output, or a child
   * WfRun's secret output (WAIT_FOR_CHILD_WF). The API shows it as `*****`.
   */
  readonly maskedOutput?: true | undefined;
  /**
   * An assignment of the node's ThreadSpec reads its output by name (NODE_OUTPUT_REFERENCE): the thread keeps it in
   * `nodeOutputs` (LittleHorse's storeNodeOutput keeps only the outputs its thread names, too).
   */
  readonly referenced?: true | undefined;
  /** A WAIT_FOR_ANY or WAIT_FOR_FIRST that succeeded despite failed children: EXIT no longer counts them. */
  readonly handledFailedChildren?: readonly number[] | undefined;
  /**
   * WAIT_FOR_THREADS: the children it waited for (LittleHorse's WaitForThreadsRun threads), as NodeRunFailed's. A
   * record only: a mutation on the way out may change the list, and no decision reads it. Absent in older histories.
   */
  readonly waitedForThreads?: readonly number[] | undefined;
}

export interface NodeRunFailed extends At {
  readonly type: 'NodeRunFailed';
  readonly threadRunNumber: number;
  readonly position: number;
  readonly status: 'ERROR' | 'EXCEPTION';
  readonly failure: Failure;
  /** WAIT_FOR_THREADS: the children it waited for (LittleHorse's WaitForThreadsRun threads). */
  readonly waitedForThreads?: readonly number[] | undefined;
}

export interface VariableAssigned extends At {
  readonly type: 'VariableAssigned';
  readonly threadRunNumber: number;
  readonly name: string;
  readonly value: JsonValue;
}

export interface ThreadRunCompleted extends At {
  readonly type: 'ThreadRunCompleted';
  readonly threadRunNumber: number;
  /** What its EXIT's returnContent evaluated to; absent when the EXIT has none. */
  readonly output?: JsonValue | undefined;
  /** The output is a secret, as its EXIT NodeRunCompleted's (maskedOutput there): the API shows it as `*****`. */
  readonly maskedOutput?: true | undefined;
}

/** A failed ThreadRun runs again (RescueThreadRun); the WfRun too when it is thread 0. */
export interface ThreadRunRescued extends At {
  readonly type: 'ThreadRunRescued';
  readonly threadRunNumber: number;
  /** The thread leaves its failed node by the node's edges instead of running it again. */
  readonly skipCurrentNode: boolean;
}

/** A ThreadRun must stop but still waits for its TaskRun to end (LittleHorse: a TASK halts only then). */
export interface ThreadRunHalting extends At {
  readonly type: 'ThreadRunHalting';
  readonly threadRunNumber: number;
  readonly reason: HaltReason;
}

/** A ThreadRun stops where it stands, for `reason` (absent when a HALTING thread has finished halting). */
export interface ThreadRunHalted extends At {
  readonly type: 'ThreadRunHalted';
  readonly threadRunNumber: number;
  readonly reason?: HaltReason | undefined;
  /** For HANDLING_FAILURE: the handler thread. */
  readonly failureHandlerThreadRunNumber?: number | undefined;
}

/** One reason to halt is gone; the ThreadRun runs again when none is left. */
export interface ThreadRunResumed extends At {
  readonly type: 'ThreadRunResumed';
  readonly threadRunNumber: number;
  readonly reason: HaltReason;
  /** Set when the handler of the current NodeRun's failure completed: the thread leaves the node by its edges. */
  readonly failureHandled?: boolean | undefined;
  /** When that node was a WAIT_FOR_THREADS: the failed children the handler dealt with (LittleHorse). */
  readonly handledFailedChildren?: readonly number[] | undefined;
}

export interface ThreadRunFailed extends At {
  readonly type: 'ThreadRunFailed';
  readonly threadRunNumber: number;
  readonly status: 'ERROR' | 'EXCEPTION';
  readonly failure: Failure;
}

/** The WfRun runs on another revision of its WfSpec from now on (MigrateWfRun); new variables follow as VariableAssigned. */
export interface WfRunMigrated extends At {
  readonly type: 'WfRunMigrated';
  readonly fromWfSpecId: WfSpecId;
  readonly toWfSpecId: WfSpecId;
}

export interface WfRunCompleted extends At {
  readonly type: 'WfRunCompleted';
  /** Thread 0's output, which is the WfRun's; absent when its EXIT has no returnContent. */
  readonly output?: JsonValue | undefined;
  /** As on ThreadRunCompleted: the output is a secret, shown as `*****`; a parent WfRun hides it too. */
  readonly maskedOutput?: true | undefined;
}

/**
 * A RUN_CHILD_WF NodeRun asks for a child WfRun; the server starts it (the RunChildWf effect). The id is derived
 * from the NodeRun: `{wfRunId}_{threadRunNumber}-{position}`.
 */
export interface ChildWfRunRequested extends At {
  readonly type: 'ChildWfRunRequested';
  readonly childWfRunId: string;
  readonly wfSpecName: string;
  readonly majorVersion?: number | undefined;
  /** The evaluated inputs, for the child's entrypoint variables. */
  readonly variables: Readonly<Record<string, JsonValue>>;
  /** The inputs taken from a masked variable: the API hides them, as it hides the variable. */
  readonly maskedVariables?: readonly string[] | undefined;
  readonly threadRunNumber: number;
  readonly position: number;
}

/** A WAIT_FOR_CHILD_WF NodeRun resolved which child WfRun it waits for (once, on arrival). */
export interface ChildWfRunAwaited extends At {
  readonly type: 'ChildWfRunAwaited';
  readonly threadRunNumber: number;
  readonly position: number;
  readonly childWfRunId: string;
}

/**
 * The WfRun heard how a child WfRun stands: an end (COMPLETED, ERROR, EXCEPTION) or RUNNING again after a rescue.
 * Kept in the state, so an end that arrives before a thread waits is not lost.
 */
export interface ChildWfRunReported extends At {
  readonly type: 'ChildWfRunReported';
  readonly childWfRunId: string;
  readonly status: ChildWfRunEndStatus | 'RUNNING';
  readonly output?: JsonValue | undefined;
  /** The output is a secret in the child: the API shows it as `*****` here too. */
  readonly maskedOutput?: true | undefined;
  readonly failure?: Failure | undefined;
}

export interface WfRunFailed extends At {
  readonly type: 'WfRunFailed';
  readonly status: 'ERROR' | 'EXCEPTION';
  readonly failure: Failure;
}

/** The facts of a WfRun, in the order they happened. Replaying them rebuilds its state. */
export type WfRunEvent =
  | WfRunStarted
  | ThreadRunStarted
  | NodeRunStarted
  | TaskRunScheduled
  | TaskAttemptSucceeded
  | TaskAttemptFailed
  | TaskRetryPending
  | TimerSet
  | TimerFired
  | ExternalEventReceived
  | ExternalEventClaimed
  | CorrelationKeySet
  | UserTaskRunCreated
  | UserTaskRunAssigned
  | UserTaskRunCompleted
  | UserTaskRunCancelled
  | UserTaskRunProgressSaved
  | UserTaskRunCommented
  | UserTaskRunCommentEdited
  | UserTaskRunCommentDeleted
  | WorkflowEventThrown
  | InterruptTriggered
  | InterruptHandlerStarted
  | ChildFailureHandlerStarted
  | NodeRunCompleted
  | NodeRunFailed
  | VariableAssigned
  | ThreadRunCompleted
  | ThreadRunFailed
  | ThreadRunRescued
  | ThreadRunHalting
  | ThreadRunHalted
  | ThreadRunResumed
  | WfRunMigrated
  | WfRunCompleted
  | WfRunFailed
  | ChildWfRunRequested
  | ChildWfRunAwaited
  | ChildWfRunReported;

export type WfRunEventType = WfRunEvent['type'];
