import type { NodeType, WfSpecId } from '../spec/types.ts';
import type { JsonValue, VariableType } from '../values/value.ts';
import type { Failure } from './failure.ts';

/** LittleHorse's LHStatus; COMPLETED, ERROR and EXCEPTION are terminal. */
export type LHStatus = (typeof LH_STATUSES)[number];

export function isTerminal(status: LHStatus): boolean {
  return status === 'COMPLETED' || status === 'ERROR' || status === 'EXCEPTION';
}

/** LittleHorse's TaskStatus, limited to what the engine decides so far. */
export const TASK_STATUSES = [
  'TASK_PENDING',
  'TASK_SCHEDULED',
  'TASK_RUNNING',
  'TASK_SUCCESS',
  'TASK_FAILED',
  'TASK_EXCEPTION',
  'TASK_TIMEOUT',
  'TASK_OUTPUT_SERDE_ERROR',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const LH_STATUSES = ['STARTING', 'RUNNING', 'HALTING', 'HALTED', 'COMPLETED', 'ERROR', 'EXCEPTION'] as const;

/** LittleHorse's timeout for a TASK node that sets none. */
export const DEFAULT_TASK_TIMEOUT_SECONDS = 60;

export interface TaskInput {
  readonly name: string;
  readonly value: JsonValue;
  /** The TaskDef's input or the variable it came from is masked: the API must not show the value. */
  readonly masked?: boolean | undefined;
}

/** The TaskRun of the TASK NodeRun a thread stands on. */
export interface TaskRunState {
  /** `{threadRunNumber}-{position}`, as in LittleHorse; unique within the WfRun. */
  readonly taskGuid: string;
  readonly taskDefName: string;
  readonly input: readonly TaskInput[];
  /** The attempt being waited on, from 0. */
  readonly attempt: number;
  readonly status: TaskStatus;
  /** Seconds from a claim to the attempt's TIMEOUT, when the node set them (else DEFAULT_TASK_TIMEOUT_SECONDS). */
  readonly timeoutSeconds?: number | undefined;
  /** The TaskDef's output contract when the TaskRun was made (TaskRunScheduled). */
  readonly returnType?: VariableType | undefined;
  readonly maskedOutput?: true | undefined;
}

/**
 * A TaskRun a user task action made (a reminder) that has not ended: it lives beside the threads, since it outlives
 * the USER_TASK NodeRun that made it, and its result moves nothing.
 */
export interface TriggeredTaskRunState extends TaskRunState {
  /** The USER_TASK NodeRun whose action made it. */
  readonly threadRunNumber: number;
  readonly position: number;
  readonly nodeName: string;
  readonly actionIndex: number;
  /** Who held the UserTaskRun when the action fired; its retries keep them, whoever holds it by then. */
  readonly userId?: string | undefined;
  readonly userGroup?: string | undefined;
}

/** LittleHorse's UserTaskRunStatus: ASSIGNED while a user holds the task; DONE and CANCELLED are final. */
export const USER_TASK_RUN_STATUSES = ['UNASSIGNED', 'ASSIGNED', 'DONE', 'CANCELLED'] as const;
export type UserTaskRunStatus = (typeof USER_TASK_RUN_STATUSES)[number];

/** The UserTaskRun of the USER_TASK NodeRun a thread stands on. */
export interface UserTaskRunState {
  /** `{threadRunNumber}-{position}`, as in LittleHorse; unique within the WfRun. */
  readonly userTaskGuid: string;
  readonly userTaskDefName: string;
  /** The version it was created with; completion checks results against its fields. */
  readonly userTaskDefVersion: number;
  readonly status: UserTaskRunStatus;
  readonly userId?: string | undefined;
  readonly userGroup?: string | undefined;
  readonly notes?: string | undefined;
  /** The notes are a secret (UserTaskRunCreated.maskedNotes). */
  readonly maskedNotes?: true | undefined;
  /** Counts assignments, creation included, so a deadline can tell whether the task changed hands since it was set. */
  readonly epoch: number;
  /** The id the last comment took (ids count from 1), and the ids of those not deleted: edits and deletes check them. */
  readonly lastCommentId?: number | undefined;
  readonly commentIds?: readonly number[] | undefined;
  /** The results last saved as progress: completion's results go over them, as in LittleHorse. */
  readonly savedResults?: { readonly [field: string]: JsonValue } | undefined;
}

/** The NodeRun a thread stands on. Finished NodeRuns leave the state; they live in the event log. */
export interface NodeRunState {
  readonly position: number;
  readonly nodeName: string;
  readonly nodeType: NodeType;
  readonly status: LHStatus;
  readonly arrivalTime: number;
  readonly endTime?: number | undefined;
  readonly output?: JsonValue | undefined;
  /** The output is a secret (NodeRunCompleted's maskedOutput): errors made from it say what it is, not its value. */
  readonly maskedOutput?: true | undefined;
  readonly failure?: Failure | undefined;
  /** Set once a failure handler thread has completed for this NodeRun's failure. */
  readonly failureHandled?: boolean | undefined;
  readonly taskRun?: TaskRunState | undefined;
  /** For a SLEEP until a timestamp: the time its timer is set for now. */
  readonly sleepUntil?: number | undefined;
  /** For WAIT_FOR_THREADS: the per-thread failure handlers it started, by failed child. */
  readonly childFailureHandlers?: readonly { readonly childThreadRunNumber: number; readonly handlerThreadRunNumber: number }[] | undefined;
  /** For a failed WAIT_FOR_THREADS: the children it waited for, which a handler of its failure deals with. */
  readonly waitedForThreads?: readonly number[] | undefined;
  /** For WAIT_FOR_CHILD_WF: the child WfRun it waits for. */
  readonly childWfRunId?: string | undefined;
  readonly userTaskRun?: UserTaskRunState | undefined;
}

/** Why a ThreadRun is HALTING or HALTED; it runs again once it has no reason left. */
export type HaltReason =
  /** Its parent failed; it never resumes. */
  | 'PARENT_FAILED'
  /** Its node failed and a handler will run once it and its descendants have halted (LittleHorse: pending failure). */
  | 'PENDING_FAILURE'
  /** A failure handler thread runs for its failed node; it resumes when the handler completes. */
  | 'HANDLING_FAILURE'
  /** Someone stopped it (StopWfRun); only ResumeWfRun removes this. */
  | 'MANUAL'
  /** Its parent was stopped; removed when the parent resumes. */
  | 'PARENT_HALTED'
  /** A WAIT_FOR_FIRST or WAIT_FOR_ANY no longer needs it; it never resumes. */
  | 'HALTED_BY_PARENT'
  /** An interrupt arrived; its handler starts once the thread has halted. */
  | 'PENDING_INTERRUPT'
  /** An interrupt handler thread runs for it; it resumes when the handler completes. */
  | 'INTERRUPTED';

/** How a ThreadRun came to be (LittleHorse's ThreadType). */
export type ThreadRunKind = 'ENTRYPOINT' | 'CHILD' | 'FAILURE_HANDLER' | 'INTERRUPT';

/** An interrupt waiting for its thread to halt. */
export interface PendingInterrupt {
  readonly guid: string;
  readonly handlerSpecName: string;
  readonly content: JsonValue;
}

export interface ThreadRunState {
  /** 0 is the entrypoint thread. */
  readonly number: number;
  readonly threadSpecName: string;
  readonly status: LHStatus;
  readonly parentThreadRunNumber?: number | undefined;
  readonly startTime: number;
  readonly endTime?: number | undefined;
  /** The variables this thread declares, by name. */
  readonly variables: Readonly<Record<string, JsonValue>>;
  /** The position the next NodeRun of this thread takes. */
  readonly nextPosition: number;
  readonly currentNodeRun?: NodeRunState | undefined;
  readonly failure?: Failure | undefined;
  readonly kind?: ThreadRunKind | undefined;
  /** Why it is HALTING or HALTED. */
  readonly haltReasons?: readonly HaltReason[] | undefined;
  /** For a HANDLING_FAILURE halt: the handler thread's number. */
  readonly failureHandlerThreadRunNumber?: number | undefined;
  /** Interrupts that arrived and wait for their handler to start, oldest first. */
  readonly pendingInterrupts?: readonly PendingInterrupt[] | undefined;
  /** For an INTERRUPTED halt: the newest handler thread's number (states written before `interruptHandlers` have only this). */
  readonly interruptHandlerThreadRunNumber?: number | undefined;
  /** For an INTERRUPTED halt: every handler thread started for it, oldest first; they run side by side (LittleHorse). */
  readonly interruptHandlers?: readonly number[] | undefined;
  /** Failed children whose failure a handler dealt with (at WAIT_FOR_THREADS); EXIT no longer counts them. */
  readonly handledFailedChildren?: readonly number[] | undefined;
  /** Once COMPLETED: what its EXIT's returnContent evaluated to (absent without one). */
  readonly output?: JsonValue | undefined;
  /**
   * Its child ThreadRuns of every kind, ascending (LittleHorse's childThreadIds); absent while it has none. Kept by
   * evolve beside `WfRunState.busyThreadRuns`: in a state without that (one written before either existed) it is
   * not kept, and the children are those whose parent is this thread.
   */
  readonly childThreadRunNumbers?: readonly number[] | undefined;
  /** How many of those children have COMPLETED; absent while none. Kept with them, so WAIT_FOR_THREADS need not look at each. */
  readonly completedChildren?: number | undefined;
  /** How many of those children have ended with an ERROR or EXCEPTION; absent while none. Kept with them. */
  readonly failedChildren?: number | undefined;
  /**
   * The output of the most recent NodeRun of each node of this thread that completed with one, by node name: what a
   * NODE_OUTPUT_REFERENCE reads (LittleHorse keeps the same, one NodeOutput per ThreadRun and node name). One entry
   * per node however often a loop runs it; absent while none; dropped when the thread completes, as nothing of it
   * reads them after. Folded by evolve from NodeRunCompleted, so a state written before it existed gains it as its
   * nodes complete.
   */
  readonly nodeOutputs?: Readonly<Record<string, NodeOutputState>> | undefined;
}

/** What a ThreadRun keeps of a node's most recent output. */
export interface NodeOutputState {
  readonly output: JsonValue;
  /** A masked TaskDef's output: a value made from it is as secret (a task input, a child's variable, a thread output). */
  readonly masked?: true | undefined;
}

/** A child WfRun as its parent knows it: started by a RUN_CHILD_WF node, and how it last said it stands. */
export interface ChildWfRunState {
  readonly wfSpecName: string;
  /** RUNNING until it reports an end, and again after a rescue. */
  readonly status: 'RUNNING' | 'COMPLETED' | 'ERROR' | 'EXCEPTION';
  readonly output?: JsonValue | undefined;
  /** The output is a secret in the child (see WfRunCompleted): it stays one here. */
  readonly maskedOutput?: true | undefined;
  readonly failure?: Failure | undefined;
}

/** What the next decision about a WfRun needs. Plain JSON, so it snapshots to jsonb and travels to the browser. */
export interface WfRunState {
  readonly id: string;
  readonly wfSpecId: WfSpecId;
  readonly status: LHStatus;
  readonly startTime: number;
  readonly endTime?: number | undefined;
  /** Indexed by thread run number. */
  readonly threadRuns: readonly ThreadRunState[];
  /**
   * The ThreadRuns that are not parked (isParked), ascending: the only ones advance must look at. Kept by evolve, so
   * that a step of a WfRun whose thousands of ThreadRuns wait on their TaskRuns looks at a handful of them, not at
   * all. Absent only in a state written before it existed; evolve adds it (and the ThreadRuns' children) at the next
   * event.
   */
  readonly busyThreadRuns?: readonly number[] | undefined;
  readonly failure?: Failure | undefined;
  /** How many WorkflowEvents of each def the WfRun has thrown. */
  readonly workflowEventCounts?: Readonly<Record<string, number>> | undefined;
  /** ExternalEvents that arrived and that no thread has taken yet, oldest first. */
  readonly pendingExternalEvents?: readonly PendingExternalEvent[] | undefined;
  /** The WfRun whose RUN_CHILD_WF node started this one. */
  readonly parentWfRunId?: string | undefined;
  /** Once COMPLETED: thread 0's output (absent when its EXIT has no returnContent). */
  readonly output?: JsonValue | undefined;
  /**
   * Every child WfRun this one started, by id: one small entry each, kept for good, so an end that arrives before a
   * thread waits (or after it stopped waiting) is never lost and a report about a stranger can be refused.
   */
  readonly childWfRuns?: Readonly<Record<string, ChildWfRunState>> | undefined;
  /**
   * Every UserTaskRun that has ended (DONE or CANCELLED), by guid: one small entry each, kept for good, so comments
   * can still be put, edited and deleted on it after its thread has moved on (LittleHorse takes them).
   */
  readonly endedUserTaskRuns?: Readonly<Record<string, EndedUserTaskRunState>> | undefined;
  /**
   * TaskRuns made by user task actions (reminders), by guid, while they may still be reported: a scheduled, running or
   * back-off one, and the last one that failed for good (each failure drops the others that had).
   */
  readonly triggeredTaskRuns?: Readonly<Record<string, TriggeredTaskRunState>> | undefined;
}

/** What a WfRun keeps of a UserTaskRun once it has ended: how, and the ids of its comments. */
export interface EndedUserTaskRunState {
  readonly status: 'DONE' | 'CANCELLED';
  /** As on UserTaskRunState: the id the last comment took, and the ids of those not deleted. */
  readonly lastCommentId?: number | undefined;
  readonly commentIds?: readonly number[] | undefined;
}

export interface PendingExternalEvent {
  readonly guid: string;
  readonly externalEventDefName: string;
  readonly content: JsonValue;
  readonly time: number;
  /** Pins: only this ThreadRun, and only its NodeRun at this position, takes it. */
  readonly threadRunNumber?: number | undefined;
  readonly nodeRunPosition?: number | undefined;
}

/** The interrupt handler threads an INTERRUPTED thread waits for, oldest first. */
export function interruptHandlersOf(thread: ThreadRunState): readonly number[] {
  if (thread.interruptHandlers) return thread.interruptHandlers;
  return thread.interruptHandlerThreadRunNumber === undefined ? [] : [thread.interruptHandlerThreadRunNumber];
}

/**
 * The node kinds whose NodeRun waits on the WfRun itself (its ThreadRuns, its variables, the ExternalEvents that
 * arrived, a child WfRun's end, a UserTaskRun's changes), so that advance checks it again on every pass.
 */
export const NODE_TYPES_CHECKED_AGAIN = ['EXIT', 'WAIT_FOR_THREADS', 'WAIT_FOR_CONDITION', 'EXTERNAL_EVENT', 'SLEEP', 'WAIT_FOR_CHILD_WF', 'USER_TASK'] as const satisfies readonly NodeType[];
export type NodeTypeCheckedAgain = (typeof NODE_TYPES_CHECKED_AGAIN)[number];
const CHECKED_AGAIN: { readonly [K in NodeType]?: true } = Object.fromEntries(NODE_TYPES_CHECKED_AGAIN.map((type) => [type, true]));

/**
 * Whether advance can pass the thread by, because looking at it would do nothing until an event changes it: a RUNNING
 * thread with no NodeRun or whose NodeRun waits on the world alone (a TASK for its TaskRun, say), or an ended thread
 * with no open UserTaskRun to cancel. Every other thread may move because of others (its children, its handlers, the
 * variables it sees, the WfRun's ExternalEvents), so advance looks at it on every pass.
 */
export function isParked(thread: ThreadRunState): boolean {
  const nodeRun = thread.currentNodeRun;
  if (thread.status === 'RUNNING') return !nodeRun || (nodeRun.status === 'RUNNING' && CHECKED_AGAIN[nodeRun.nodeType] !== true);
  const task = nodeRun?.status === 'RUNNING' ? nodeRun.userTaskRun : undefined;
  return isTerminal(thread.status) && !(task && (task.status === 'UNASSIGNED' || task.status === 'ASSIGNED'));
}

/**
 * `state` without the index evolve keeps for advance (`busyThreadRuns`, the ThreadRuns' children and their counts):
 * the state as it is stored. An engine of another version (a rolling upgrade, a roll-back) would copy the index
 * through without keeping it, so a stored one cannot be trusted; evolve builds it again, once, at the next event.
 */
export function withoutThreadIndex(state: WfRunState): WfRunState {
  const { busyThreadRuns: _busy, ...rest } = state;
  return { ...rest, threadRuns: state.threadRuns.map(({ childThreadRunNumbers: _c, completedChildren: _d, failedChildren: _f, ...thread }) => thread) };
}
