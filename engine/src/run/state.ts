import type { NodeType, WfSpecId } from '../spec/types.ts';
import type { JsonValue } from '../values/value.ts';
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

export interface TaskInput {
  readonly name: string;
  readonly value: JsonValue;
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
  /** Counts assignments, creation included, so a deadline can tell whether the task changed hands since it was set. */
  readonly epoch: number;
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
  readonly failure?: Failure | undefined;
  /** Set once a failure handler thread has completed for this NodeRun's failure. */
  readonly failureHandled?: boolean | undefined;
  readonly taskRun?: TaskRunState | undefined;
  readonly userTaskRun?: UserTaskRunState | undefined;
}

/** Why a ThreadRun is HALTING or HALTED; it runs again once it has no reason left. */
export type HaltReason =
  /** Its parent failed; it never resumes. */
  | 'PARENT_FAILED'
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
  /** For an INTERRUPTED halt: the handler thread's number. */
  readonly interruptHandlerThreadRunNumber?: number | undefined;
  /** Failed children whose failure a handler dealt with (at WAIT_FOR_THREADS); EXIT no longer counts them. */
  readonly handledFailedChildren?: readonly number[] | undefined;
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
  readonly failure?: Failure | undefined;
  /** How many WorkflowEvents of each def the WfRun has thrown. */
  readonly workflowEventCounts?: Readonly<Record<string, number>> | undefined;
  /** ExternalEvents that arrived and that no thread has taken yet, oldest first. */
  readonly pendingExternalEvents?: readonly PendingExternalEvent[] | undefined;
}

export interface PendingExternalEvent {
  readonly guid: string;
  readonly externalEventDefName: string;
  readonly content: JsonValue;
  readonly time: number;
}
