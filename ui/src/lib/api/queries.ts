import type { JsonValue, WfRunEvent, WfSpec } from '@gallop/engine';
import type { NodeRunInfo, WfRunSummary as SdkWfRunSummary, WfSpecInfo } from '@gallop/sdk';

/** The GraphQL documents the UI sends, with the shapes of what they select. */

/** A Relay connection page, as the server's connections return it. */
export interface Page<T> {
  readonly edges: readonly { readonly cursor: string; readonly node: T }[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}

/** What the WfSpecs list selects of the SDK's WfSpec shape. */
export type WfSpecSummary = Pick<WfSpecInfo, 'name' | 'majorVersion' | 'revision' | 'createdAt'>;

export const WF_SPECS = `query WfSpecs($first: Int, $after: String, $prefix: String) {
  page: wfSpecs(first: $first, after: $after, prefix: $prefix) {
    edges { cursor node { name majorVersion revision createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** The newest version of a WfSpec, for the variables its threads declare. */
export const WF_SPEC_NEWEST = `query WfSpecNewest($name: String!) { wfSpec(name: $name) { spec } }`;

/** What the WfRuns list selects of the SDK's WfRun summary. */
export type WfRunSummary = Pick<SdkWfRunSummary, 'id' | 'wfSpecName' | 'majorVersion' | 'revision' | 'status' | 'startTime' | 'endTime'>;

export const WF_RUNS = `query WfRuns($first: Int, $after: String, $wfSpecName: String, $status: LHStatus,
    $startedAfter: DateTime, $startedBefore: DateTime) {
  page: wfRuns(first: $first, after: $after, wfSpecName: $wfSpecName, status: $status,
      startedAfter: $startedAfter, startedBefore: $startedBefore) {
    edges { cursor node { id wfSpecName majorVersion revision status startTime endTime } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** A searchable variable's value found in one ThreadRun of a WfRun (any thread, not just the entrypoint's). */
export interface FoundVariable {
  readonly wfRunId: string;
  readonly threadRunNumber: number;
  readonly wfRun: WfRunSummary;
}

export const VARIABLES = `query Variables($first: Int, $after: String, $wfSpecName: String!, $name: String!, $value: JSON!,
    $status: LHStatus, $startedAfter: DateTime, $startedBefore: DateTime) {
  page: variables(first: $first, after: $after, wfSpecName: $wfSpecName, name: $name, value: $value,
      status: $status, startedAfter: $startedAfter, startedBefore: $startedBefore) {
    edges { cursor node { wfRunId threadRunNumber wfRun { id wfSpecName majorVersion revision status startTime endTime } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** A WfRun event as the server stores it: the engine's event with its place in the log. */
export interface StoredEvent {
  readonly seq: number;
  readonly event: WfRunEvent;
}

export interface WfRunDetail {
  readonly id: string;
  readonly wfSpecName: string;
  readonly majorVersion: number;
  readonly revision: number;
  readonly lastSeq: number;
  readonly wfSpec: { readonly spec: WfSpec; readonly deletedAt: string | null };
  readonly events: readonly StoredEvent[];
}

// The page rebuilds status, variables and NodeRuns by folding the log with the engine's own `evolve`, so the
// projections (status, nodeRuns, variables) are not selected: one source of truth, before and after going live.
export const WF_RUN = `query WfRun($id: ID!) {
  wfRun(id: $id) {
    id wfSpecName majorVersion revision lastSeq
    wfSpec { spec deletedAt }
    events { seq event }
  }
}`;

/** Where a WfRun's log stands: a follower that needs none of it subscribes after this. */
export const WF_RUN_LAST_SEQ = `query WfRunLastSeq($id: ID!) { wfRun(id: $id) { lastSeq } }`;

export const WF_RUN_EVENTS = `subscription WfRunEvents($id: ID!, $afterSeq: Int) {
  wfRunEvents(id: $id, afterSeq: $afterSeq) { seq event }
}`;

/** When workers claimed a TaskRun's finished attempts: the one thing about them the event log does not hold. */
export interface TaskRunTimes {
  readonly attempts: readonly { readonly attempt: number; readonly startTime: string | null }[];
}

export const TASK_RUN_TIMES = `query TaskRunTimes($id: ID!) {
  taskRun(id: $id) { attempts { attempt startTime } }
}`;

/**
 * When the TaskDef of a name was registered, or null when there is none: a WfRun's log keeps the names of the TaskDefs
 * it ran, and one may have been deleted (and its name registered again) since.
 */
export interface TaskDefSummary {
  readonly name: string;
  readonly inputVars: readonly { readonly name: string; readonly type: string; readonly masked: boolean | null }[];
  readonly returnType: string | null;
  readonly maskedOutput: boolean;
  readonly description: string | null;
  readonly createdAt: string;
  readonly queueDepth: number;
  readonly runningCount: number;
  /** Workers that claimed its TaskRuns in the last two minutes, the latest first. */
  readonly workers: readonly { readonly workerId: string; readonly lastSeenAt: string }[];
}

export const TASK_DEFS = `query TaskDefs($first: Int, $after: String, $prefix: String) {
  page: taskDefs(first: $first, after: $after, prefix: $prefix) {
    edges { cursor node { name inputVars { name type masked } returnType maskedOutput description createdAt queueDepth runningCount workers { workerId lastSeenAt } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export interface TaskRunSummary {
  readonly id: string;
  readonly wfRunId: string;
  readonly taskDefName: string;
  readonly status: string;
  readonly scheduledAt: string;
  readonly workerId: string | null;
  readonly input: Readonly<Record<string, JsonValue>>;
  readonly threadRunNumber: number | null;
  readonly nodeRunPosition: number | null;
  /** The finished attempts, then the one waiting out a retry back-off (TASK_PENDING, with its scheduleTime). */
  readonly attempts: readonly { readonly attempt: number; readonly status: string; readonly errorMessage: string | null; readonly endTime: string | null; readonly scheduleTime: string | null }[];
}

export const TASK_RUNS = `query TaskRuns($first: Int, $after: String, $taskDefName: String!, $status: TaskStatus) {
  page: taskRuns(first: $first, after: $after, taskDefName: $taskDefName, status: $status) {
    edges { cursor node { id wfRunId taskDefName status scheduledAt workerId input threadRunNumber nodeRunPosition attempts { attempt status errorMessage endTime scheduleTime } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/**
 * What the NodeRuns list selects of the SDK's NodeRun shape: what each runs or waits for, and of its TaskRun and
 * UserTaskRun only that.
 */
export type NodeRunSummary = Pick<
  NodeRunInfo,
  | 'wfRunId'
  | 'threadRunNumber'
  | 'position'
  | 'nodeName'
  | 'nodeType'
  | 'status'
  | 'arrivalTime'
  | 'errorMessage'
  | 'externalEventDefName'
  | 'sleepUntil'
  | 'childWfRunId'
  | 'threadRunNumbers'
  | 'workflowEventDefName'
> & {
  readonly taskRun: { readonly taskDefName: string } | null;
  readonly userTaskRun: Pick<NonNullable<NodeRunInfo['userTaskRun']>, 'userTaskDefName' | 'userId' | 'userGroup'> | null;
};

export const NODE_RUNS = `query NodeRuns($first: Int, $after: String, $status: LHStatus!, $arrivedAfter: DateTime, $arrivedBefore: DateTime,
    $externalEventDefName: String) {
  page: nodeRuns(first: $first, after: $after, status: $status, arrivedAfter: $arrivedAfter, arrivedBefore: $arrivedBefore,
      externalEventDefName: $externalEventDefName) {
    edges {
      cursor
      node {
        wfRunId threadRunNumber position nodeName nodeType status arrivalTime errorMessage
        externalEventDefName taskRun { taskDefName } userTaskRun { userTaskDefName userId userGroup } sleepUntil childWfRunId threadRunNumbers workflowEventDefName
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const EXTERNAL_EVENT_DEFS = `query ExternalEventDefs($first: Int, $after: String, $prefix: String) {
  page: externalEventDefs(first: $first, after: $after, prefix: $prefix) {
    edges { cursor node { name createdAt correlatedEventConfig { ttlSeconds deleteAfterFirstCorrelation } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const WORKFLOW_EVENT_DEFS = `query WorkflowEventDefs($first: Int, $after: String, $prefix: String) {
  page: workflowEventDefs(first: $first, after: $after, prefix: $prefix) {
    edges { cursor node { name createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export interface ExternalEventSummary {
  readonly guid: string;
  readonly wfRunId: string;
  readonly externalEventDefName: string;
  readonly content: JsonValue;
  readonly claimed: boolean;
  readonly createdAt: string;
  readonly threadRunNumber: number | null;
  readonly nodeRunPosition: number | null;
}

export const EXTERNAL_EVENTS = `query ExternalEvents($first: Int, $after: String, $externalEventDefName: String!, $claimed: Boolean) {
  page: externalEvents(first: $first, after: $after, externalEventDefName: $externalEventDefName, claimed: $claimed) {
    edges { cursor node { guid wfRunId externalEventDefName content claimed createdAt threadRunNumber nodeRunPosition } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export interface UserTaskRunSummary {
  readonly id: string;
  readonly wfRunId: string;
  readonly userTaskGuid: string;
  readonly userTaskDefName: string;
  readonly userTaskDefVersion: number;
  readonly status: string;
  readonly userId: string | null;
  readonly userGroup: string | null;
  readonly notes: string | null;
  readonly createdAt: string;
  readonly threadRunNumber: number;
  readonly nodeRunPosition: number;
}

export const USER_TASK_RUNS = `query UserTaskRuns($first: Int, $after: String, $userId: String, $userGroup: String, $status: UserTaskRunStatus, $userTaskDefName: String) {
  page: userTaskRuns(first: $first, after: $after, userId: $userId, userGroup: $userGroup, status: $status, userTaskDefName: $userTaskDefName) {
    edges { cursor node { id wfRunId userTaskGuid userTaskDefName userTaskDefVersion status userId userGroup notes createdAt threadRunNumber nodeRunPosition } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Selects all of the SDK's UserTaskDef shape. */
export const USER_TASK_DEFS = `query UserTaskDefs($first: Int, $after: String, $prefix: String) {
  page: userTaskDefs(first: $first, after: $after, prefix: $prefix) {
    edges { cursor node { name version fields { name type displayName description required } description createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;
