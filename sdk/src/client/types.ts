import type { JsonValue, LHStatus, TaskStatus, UserTaskRunStatus, VariableType, WfRunEvent } from '@gallop/engine';

/** Shapes of the objects the GraphQL API returns, as the SDK's operations select them. */
export interface TaskDefInfo {
  readonly name: string;
  readonly inputVars: readonly { readonly name: string; readonly type: VariableType }[];
  readonly returnType: VariableType | null;
  /** What it returns is a secret: the API shows it as `*****`. */
  readonly maskedOutput: boolean;
  readonly description: string | null;
  readonly createdAt: string;
}

export interface WfSpecInfo {
  readonly name: string;
  readonly majorVersion: number;
  readonly revision: number;
  readonly spec: JsonValue;
  readonly createdAt: string;
}

/** A WfSpec version without its spec JSON, as the list of WfSpecs selects it. */
export type WfSpecVersionInfo = Omit<WfSpecInfo, 'spec'>;

export interface TaskAttemptInfo {
  readonly attempt: number;
  readonly status: TaskStatus;
  /** For the attempt waiting out a retry back-off (TASK_PENDING): when it goes on the queue; null for the others. */
  readonly scheduleTime: string | null;
  readonly workerId: string | null;
  readonly startTime: string | null;
  readonly endTime: string | null;
  readonly output: JsonValue;
  readonly errorMessage: string | null;
  readonly exceptionName: string | null;
  readonly logOutput: string | null;
}

export interface TaskRunInfo {
  readonly id: string;
  readonly wfRunId: string;
  readonly taskGuid: string;
  readonly taskDefName: string;
  readonly status: TaskStatus;
  readonly input: JsonValue;
  readonly scheduledAt: string;
  readonly attempts: readonly TaskAttemptInfo[];
  /** Set when an action of a USER_TASK (a reminder) scheduled it: the UserTaskRun's guid (see ScheduledTask). */
  readonly userTaskGuid: string | null;
  /** A reminder's: who held its UserTaskRun when the action fired (LittleHorse's UserTaskTriggerReference). */
  readonly userId: string | null;
  readonly userGroup: string | null;
}

export interface NodeRunInfo {
  readonly wfRunId: string;
  readonly threadRunNumber: number;
  readonly position: number;
  readonly nodeName: string;
  readonly nodeType: string;
  readonly status: LHStatus;
  readonly arrivalTime: string;
  readonly endTime: string | null;
  readonly errorMessage: string | null;
  /** For an EXTERNAL_EVENT NodeRun, the ExternalEventDef it waits (or waited) for. */
  readonly externalEventDefName: string | null;
  readonly taskRun: TaskRunInfo | null;
  /** For a USER_TASK NodeRun, its UserTaskRun: which UserTaskDef, and who holds it now. */
  readonly userTaskRun: NodeRunUserTask | null;
  /** For a SLEEP NodeRun, when its timer fires. */
  readonly sleepUntil: string | null;
  /** For RUN_CHILD_WF, the child WfRun it started; for WAIT_FOR_CHILD_WF, the one it waits for. */
  readonly childWfRunId: string | null;
  /** For WAIT_FOR_THREADS, the ThreadRuns it waits for; for START_THREAD and START_MULTIPLE_THREADS, those it started. */
  readonly threadRunNumbers: readonly number[] | null;
  /** For a THROW_EVENT NodeRun, the WorkflowEventDef its node throws. */
  readonly workflowEventDefName: string | null;
}

/** The UserTaskRun of a USER_TASK NodeRun, as a NodeRun gives it. */
export interface NodeRunUserTask {
  readonly userTaskGuid: string;
  readonly userTaskDefName: string;
  readonly status: UserTaskRunStatus;
  readonly userId: string | null;
  readonly userGroup: string | null;
}

/** A WfRun's row: what runWf answers without reading anything more. */
export interface WfRunSummary {
  readonly id: string;
  readonly wfSpecName: string;
  readonly majorVersion: number;
  readonly revision: number;
  readonly status: LHStatus;
  readonly startTime: string;
  readonly endTime: string | null;
  readonly errorMessage: string | null;
  /** The seq of its newest event: subscribe with afterSeq set to it to follow what happens next. */
  readonly lastSeq: number;
}

/** What searchWfRuns can filter on; all given must hold. */
export interface WfRunSearch {
  readonly wfSpecName?: string;
  readonly majorVersion?: number;
  readonly revision?: number;
  readonly status?: LHStatus;
  /** ISO-8601: started at or after. */
  readonly startedAfter?: string;
  /** ISO-8601: started before. */
  readonly startedBefore?: string;
  /** An entrypoint-thread variable holding exactly this value (not null: the API searches for a value); needs wfSpecName. */
  readonly variable?: { readonly name: string; readonly value: SearchedValue };
}

/** A value searched for: any JSON value but null. */
export type SearchedValue = Exclude<JsonValue, null>;

/** What `searchVariables` looks for: a searchable variable's value in the WfRuns of a WfSpec. */
export interface VariableSearch {
  readonly wfSpecName: string;
  readonly majorVersion?: number;
  /** Needs majorVersion. */
  readonly revision?: number;
  readonly name: string;
  readonly value: SearchedValue;
  /** Only in WfRuns in this status. */
  readonly status?: LHStatus;
  /** ISO-8601: only in WfRuns started at or after. */
  readonly startedAfter?: string;
  /** ISO-8601: only in WfRuns started before. */
  readonly startedBefore?: string;
}

/** A variable a search found, in thread `threadRunNumber` of its WfRun. */
export interface FoundVariable {
  readonly wfRunId: string;
  readonly threadRunNumber: number;
  readonly name: string;
  readonly value: JsonValue;
  readonly wfRun: WfRunSummary;
}

/** A page of a def list (WfSpecs, TaskDefs, ExternalEventDefs, WorkflowEventDefs, UserTaskDefs). */
export interface DefListPage {
  readonly first?: number;
  readonly after?: string;
  /** Only the defs whose name starts with it, as written (`%` and `_` are plain characters). */
  readonly prefix?: string;
}

export interface NodeRunSearch {
  readonly status: LHStatus;
  /** ISO-8601: arrived at or after. */
  readonly arrivedAfter?: string;
  /** ISO-8601: arrived before. */
  readonly arrivedBefore?: string;
  /** Only EXTERNAL_EVENT NodeRuns for this ExternalEventDef. */
  readonly externalEventDefName?: string;
}

/** A WfRun with its threads, NodeRuns (and their TaskRuns) and variables. */
export interface WfRunInfo extends WfRunSummary {
  readonly threadRuns: readonly {
    readonly number: number;
    readonly threadSpecName: string;
    readonly status: LHStatus;
    readonly errorMessage: string | null;
  }[];
  readonly nodeRuns: readonly NodeRunInfo[];
  readonly variables: readonly { readonly threadRunNumber: number; readonly name: string; readonly value: JsonValue }[];
}

/** A WfRun event as stored by the server: the engine's event with its place in the log. */
export interface StoredWfRunEvent {
  readonly wfRunId: string;
  readonly seq: number;
  readonly type: WfRunEvent['type'];
  readonly time: string;
  readonly event: WfRunEvent;
}

/** A TaskRun attempt handed to a worker by claimTaskRuns. */
export interface ScheduledTask {
  readonly taskRunId: string;
  readonly wfRunId: string;
  readonly taskGuid: string;
  /** Where its TASK NodeRun is; null only for TaskRuns scheduled before the server recorded it. */
  readonly threadRunNumber: number | null;
  readonly nodePosition: number | null;
  readonly taskDefName: string;
  readonly attempt: number;
  /** Input values by the TaskDef's input names. */
  readonly input: Readonly<Record<string, JsonValue>>;
  readonly idempotencyKey: string;
  readonly scheduledAt: string;
  readonly leaseExpiresAt: string;
  /**
   * Set when an action of a USER_TASK (a reminder) scheduled it: the UserTaskRun's guid; threadRunNumber and
   * nodePosition are then its USER_TASK NodeRun's (LittleHorse's UserTaskTriggerReference).
   */
  readonly userTaskGuid?: string | null | undefined;
  /** A reminder's: the user its UserTaskRun was assigned to when the action fired, for every attempt; null if none. */
  readonly userId?: string | null | undefined;
  /** A reminder's: its UserTaskRun's group when the action fired; null if none. */
  readonly userGroup?: string | null | undefined;
}

export interface TaskRunReport {
  /** False when the report came late or twice: it changed nothing. */
  readonly accepted: boolean;
  readonly reason: string | null;
}

export type TaskOutcome =
  | { readonly status: 'SUCCESS'; readonly output?: JsonValue }
  | { readonly status: 'ERROR'; readonly message: string }
  | { readonly status: 'EXCEPTION'; readonly name: string; readonly message: string; readonly content?: JsonValue };

export interface ExternalEventDefInfo {
  readonly name: string;
  readonly createdAt: string;
  /** Set when CorrelatedEvents of it may be sent. */
  readonly correlatedEventConfig: { readonly ttlSeconds: number | null; readonly deleteAfterFirstCorrelation: boolean } | null;
}

/** An event sent by correlation key instead of WfRun id. */
export interface CorrelatedEventInfo {
  readonly key: string;
  readonly externalEventDefName: string;
  readonly content: JsonValue;
  readonly createdAt: string;
  /** When its def's ttlSeconds delete it. */
  readonly expiresAt: string | null;
  /** The ExternalEvents it became, one per NodeRun that took it (where each went: WfRun, ThreadRun, NodeRun). */
  readonly externalEvents: readonly { readonly wfRunId: string; readonly guid: string; readonly threadRunNumber: number | null; readonly nodeRunPosition: number | null; readonly createdAt: string }[];
}

/** A kind of event that WfRuns throw (THROW_EVENT). */
export interface WorkflowEventDefInfo {
  readonly name: string;
  readonly createdAt: string;
}

/** An event sent to a WfRun; `claimed` once an EXTERNAL_EVENT node took it. */
export interface ExternalEventInfo {
  readonly wfRunId: string;
  readonly guid: string;
  readonly externalEventDefName: string;
  readonly content: JsonValue;
  readonly createdAt: string;
  readonly claimed: boolean;
  readonly threadRunNumber: number | null;
  readonly nodeRunPosition: number | null;
}

/** An event a WfRun threw (THROW_EVENT), numbered per WfRun and def from 0. */
export interface WorkflowEventInfo {
  readonly wfRunId: string;
  readonly workflowEventDefName: string;
  readonly number: number;
  readonly content: JsonValue;
  readonly createdAt: string;
  /** The THROW_EVENT NodeRun that threw it; null only for one an older server wrote during a rolling upgrade. */
  readonly threadRunNumber: number | null;
  readonly nodeRunPosition: number | null;
}

/** How long a metrics window is (LittleHorse's MetricsWindowLength); windows start on multiples of it, UTC. */
export type MetricsWindowLength = 'MINUTES_5' | 'HOURS_2' | 'DAYS_1';

/** What a WfSpec's WfRuns did in one window; ms figures are null where nothing was measured. */
export interface WfSpecMetrics {
  readonly wfSpecName: string;
  /** The version counted; null when every one was. */
  readonly majorVersion: number | null;
  readonly revision: number | null;
  readonly windowLength: MetricsWindowLength;
  readonly windowStart: string;
  readonly totalStarted: number;
  readonly totalCompleted: number;
  /** Reached ERROR or EXCEPTION. */
  readonly totalErrored: number;
  readonly startToCompleteMaxMs: number | null;
  readonly startToCompleteAvgMs: number | null;
}

/** What a TaskDef's TaskRuns did in one window; ms figures are null where nothing was measured. */
export interface TaskDefMetrics {
  readonly taskDefName: string;
  readonly windowLength: MetricsWindowLength;
  readonly windowStart: string;
  readonly totalScheduled: number;
  /** Attempts claimed by workers. */
  readonly totalStarted: number;
  readonly totalCompleted: number;
  readonly totalErrored: number;
  readonly scheduleToStartMaxMs: number | null;
  readonly scheduleToStartAvgMs: number | null;
  /** Attempts whose claim-to-report time is known (claimed and reported through one server process). */
  readonly startToCompleteCount: number;
  readonly startToCompleteMaxMs: number | null;
  readonly startToCompleteAvgMs: number | null;
}

/** One page of a list, and where the next one starts. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly hasNextPage: boolean;
  /** Pass as `after` for the next page. */
  readonly endCursor: string | null;
}

export interface UserTaskFieldInfo {
  readonly name: string;
  /** STR, INT, DOUBLE or BOOL. */
  readonly type: VariableType;
  readonly displayName: string | null;
  readonly description: string | null;
  readonly required: boolean;
}

/** One version of the form of a task a person does. */
export interface UserTaskDefInfo {
  readonly name: string;
  readonly version: number;
  readonly fields: readonly UserTaskFieldInfo[];
  readonly description: string | null;
  readonly createdAt: string;
}

/** One change in a UserTaskRun's history. */
export interface UserTaskEventInfo {
  readonly type: 'CREATED' | 'ASSIGNED' | 'COMPLETED' | 'CANCELLED' | 'SAVED' | 'COMMENTED' | 'COMMENT_EDITED' | 'COMMENT_DELETED' | 'TASK_EXECUTED';
  readonly time: string;
  readonly userId: string | null;
  readonly userGroup: string | null;
  readonly epoch: number | null;
  /** ASSIGN, ACTION or COMPLETE for ASSIGNED; CANCEL, ACTION, THREAD_HALTED or NODE_FAILED for CANCELLED. */
  readonly cause: string | null;
  /** For SAVED: the results kept. */
  readonly results: JsonValue | null;
  /** For the COMMENT ones: which comment, and (COMMENTED, COMMENT_EDITED) its text. */
  readonly userCommentId: number | null;
  readonly comment: string | null;
  /** For TASK_EXECUTED: the TaskRun one of its actions scheduled (a reminder). */
  readonly taskGuid: string | null;
}

/** A comment on a UserTaskRun, as it reads now. */
export interface UserTaskRunCommentInfo {
  /** From 1 within the UserTaskRun. */
  readonly id: number;
  /** Who wrote it. */
  readonly userId: string;
  readonly comment: string;
  readonly createdAt: string;
  readonly editedAt: string | null;
  readonly editedBy: string | null;
}

/** A task of a USER_TASK node that a person does. */
export interface UserTaskRunInfo {
  /** `{wfRunId}/{userTaskGuid}`. */
  readonly id: string;
  readonly wfRunId: string;
  readonly userTaskGuid: string;
  readonly userTaskDefName: string;
  readonly userTaskDefVersion: number;
  readonly threadRunNumber: number;
  readonly nodeRunPosition: number;
  readonly status: UserTaskRunStatus;
  readonly userId: string | null;
  readonly userGroup: string | null;
  readonly notes: string | null;
  /** What the person entered, by field: the progress last saved while open, what completed it once DONE. */
  readonly results: Readonly<Record<string, JsonValue>> | null;
  readonly epoch: number;
  readonly events: readonly UserTaskEventInfo[];
  /** Its comments that were not deleted, oldest first. */
  readonly comments: readonly UserTaskRunCommentInfo[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What searchUserTaskRuns matches; every filter given must hold. */
export interface UserTaskRunFilter {
  readonly userId?: string;
  readonly userGroup?: string;
  readonly status?: UserTaskRunStatus;
  readonly userTaskDefName?: string;
}

/** A schedule that starts a WfRun at each time of a cron expression (UTC); see scheduleWf. */
export interface ScheduledWfRunInfo {
  readonly id: string;
  readonly wfSpecName: string;
  /** null: the newest major version when it fires. */
  readonly majorVersion: number | null;
  /** null: the newest revision (of the major version) when it fires. */
  readonly revision: number | null;
  readonly variables: Readonly<Record<string, JsonValue>>;
  readonly cronExpression: string;
  /** ISO-8601: when it starts its next WfRun. */
  readonly nextFireAt: string;
  readonly createdAt: string;
  /** The WfRun of its latest firing: `{id}-{fire time in epoch ms}`. */
  readonly lastWfRunId: string | null;
  /** ISO-8601: the time of its latest firing when that started no WfRun; null once one starts a WfRun again. */
  readonly lastSkippedAt: string | null;
  /** Why that firing started no WfRun (its WfSpec gone, its variables not fitting the newest version). */
  readonly lastSkipReason: string | null;
}
