import { graphql } from './graphql.ts';

/**
 * The GraphQL documents the SDK sends, typed from the schema by gql.tada. Every refusable operation asks for
 * `__typename` and the Error fields, so that a typed error comes back as data the client turns into a throw.
 */

const ErrorFields = graphql(`
  fragment ErrorFields on Error {
    message
    ... on ValidationError { problems { path at code message } }
  }
`);

const PageFields = graphql(`
  fragment PageFields on PageInfo { hasNextPage endCursor }
`);

const TaskDefFields = graphql(`
  fragment TaskDefFields on TaskDef { name inputVars { name type masked } returnType maskedOutput description createdAt }
`);

const WfSpecFields = graphql(`
  fragment WfSpecFields on WfSpec { name majorVersion revision spec createdAt }
`);

const TaskRunFields = graphql(`
  fragment TaskRunFields on TaskRun {
    id wfRunId taskGuid taskDefName status input scheduledAt userTaskGuid userId userGroup
    attempts { attempt status scheduleTime workerId startTime endTime output errorMessage exceptionName logOutput }
  }
`);

const WfRunSummaryFields = graphql(`
  fragment WfRunSummaryFields on WfRun { id wfSpecName majorVersion revision status startTime endTime errorMessage lastSeq }
`);

const NodeRunFields = graphql(
  `
  fragment NodeRunFields on NodeRun {
    wfRunId threadRunNumber position nodeName nodeType status arrivalTime endTime errorMessage externalEventDefName taskRun { ...TaskRunFields }
    userTaskRun { userTaskGuid userTaskDefName status userId userGroup } sleepUntil childWfRunId threadRunNumbers workflowEventDefName
  }
`,
  [TaskRunFields],
);

const WfRunFields = graphql(
  `
  fragment WfRunFields on WfRun {
    ...WfRunSummaryFields
    threadRuns { number threadSpecName status errorMessage }
    nodeRuns { ...NodeRunFields }
    variables { threadRunNumber name value }
  }
`,
  [WfRunSummaryFields, NodeRunFields],
);

const ExternalEventFields = graphql(`
  fragment ExternalEventFields on ExternalEvent { wfRunId guid externalEventDefName content createdAt claimed threadRunNumber nodeRunPosition }
`);

const UserTaskDefFields = graphql(`
  fragment UserTaskDefFields on UserTaskDef { name version fields { name type displayName description required } description createdAt }
`);

const UserTaskRunFields = graphql(`
  fragment UserTaskRunFields on UserTaskRun {
    id wfRunId userTaskGuid userTaskDefName userTaskDefVersion threadRunNumber nodeRunPosition status userId userGroup
    notes results epoch events { type time userId userGroup epoch cause results userCommentId comment taskGuid }
    comments { id userId comment createdAt editedAt editedBy } createdAt updatedAt
  }
`);

/** What a refused user task command says beyond its message: which UserTaskRun, and its status or holder. */
const UserTaskRunRefusals = graphql(`
  fragment UserTaskRunRefusals on Error {
    ... on UserTaskRunEndedError { wfRunId userTaskGuid status }
    ... on UserTaskRunClaimedError { wfRunId userTaskGuid userId }
  }
`);

const WorkflowEventFields = graphql(`
  fragment WorkflowEventFields on WorkflowEvent { wfRunId workflowEventDefName number content createdAt threadRunNumber nodeRunPosition }
`);

const ScheduledWfRunFields = graphql(`
  fragment ScheduledWfRunFields on ScheduledWfRun { id wfSpecName majorVersion revision variables cronExpression nextFireAt createdAt lastWfRunId lastSkippedAt lastSkipReason }
`);

const ReportFields = graphql(`
  fragment ReportFields on BatchedTaskRunReport { taskRunId accepted reason error }
`);

// TaskDefs

export const PUT_TASK_DEF = graphql(
  `mutation PutTaskDef($input: PutTaskDefInput!) {
    result: putTaskDef(input: $input) { __typename ...TaskDefFields ...ErrorFields }
  }`,
  [TaskDefFields, ErrorFields],
);

export const TASK_DEF_QUERY = graphql(`query TaskDef($name: String!) { taskDef(name: $name) { ...TaskDefFields } }`, [TaskDefFields]);

export const TASK_DEFS = graphql(
  `query TaskDefs($first: Int, $after: String, $prefix: String) {
    page: taskDefs(first: $first, after: $after, prefix: $prefix) { edges { node { ...TaskDefFields } } pageInfo { ...PageFields } }
  }`,
  [TaskDefFields, PageFields],
);

export const TASK_WORKERS = graphql(`
  query TaskWorkers($name: String!, $seenWithinSeconds: Int) {
    taskDef(name: $name) { workers(seenWithinSeconds: $seenWithinSeconds) { workerId firstSeenAt lastSeenAt } }
  }
`);

export const DELETE_TASK_DEF = graphql(
  `mutation DeleteTaskDef($input: DeleteTaskDefInput!) {
    result: deleteTaskDef(input: $input) { __typename ... on DeletedTaskDef { name } ...ErrorFields }
  }`,
  [ErrorFields],
);

// WfSpecs

export const PUT_WF_SPEC = graphql(
  `mutation PutWfSpec($input: PutWfSpecInput!) {
    result: putWfSpec(input: $input) { __typename ...WfSpecFields ...ErrorFields }
  }`,
  [WfSpecFields, ErrorFields],
);

export const WF_SPEC_QUERY = graphql(
  `query WfSpec($name: String!, $majorVersion: Int, $revision: Int) {
    wfSpec(name: $name, majorVersion: $majorVersion, revision: $revision) { ...WfSpecFields }
  }`,
  [WfSpecFields],
);

export const WF_SPECS = graphql(
  `query WfSpecs($first: Int, $after: String, $prefix: String) {
    page: wfSpecs(first: $first, after: $after, prefix: $prefix) { edges { node { name majorVersion revision createdAt } } pageInfo { ...PageFields } }
  }`,
  [PageFields],
);

export const DELETE_WF_SPEC = graphql(
  `mutation DeleteWfSpec($input: DeleteWfSpecInput!) {
    result: deleteWfSpec(input: $input) { __typename ... on DeletedWfSpec { name majorVersion revision } ...ErrorFields }
  }`,
  [ErrorFields],
);

// WfRuns

export const RUN_WF = graphql(
  `mutation RunWf($input: RunWfInput!) {
    result: runWf(input: $input) { __typename ...WfRunSummaryFields ...ErrorFields }
  }`,
  [WfRunSummaryFields, ErrorFields],
);

export const WF_RUN_QUERY = graphql(`query WfRun($id: ID!) { wfRun(id: $id) { ...WfRunFields } }`, [WfRunFields]);

export const STOP_WF_RUN = graphql(
  `mutation StopWfRun($input: StopWfRunInput!) {
    result: stopWfRun(input: $input) { __typename ...WfRunSummaryFields ...ErrorFields }
  }`,
  [WfRunSummaryFields, ErrorFields],
);

export const RESUME_WF_RUN = graphql(
  `mutation ResumeWfRun($input: ResumeWfRunInput!) {
    result: resumeWfRun(input: $input) { __typename ...WfRunSummaryFields ...ErrorFields }
  }`,
  [WfRunSummaryFields, ErrorFields],
);

export const RESCUE_THREAD_RUN = graphql(
  `mutation RescueThreadRun($input: RescueThreadRunInput!) {
    result: rescueThreadRun(input: $input) { __typename ...WfRunSummaryFields ...ErrorFields }
  }`,
  [WfRunSummaryFields, ErrorFields],
);

export const MIGRATE_WF_SPEC = graphql(
  `mutation MigrateWfSpec($input: MigrateWfSpecInput!) {
    result: migrateWfSpec(input: $input) { __typename ...WfRunSummaryFields ...ErrorFields }
  }`,
  [WfRunSummaryFields, ErrorFields],
);

export const DELETE_WF_RUN = graphql(
  `mutation DeleteWfRun($input: DeleteWfRunInput!) {
    result: deleteWfRun(input: $input) { __typename ... on DeletedWfRun { id } ...ErrorFields }
  }`,
  [ErrorFields],
);

export const SEARCH_WF_RUNS = graphql(
  `query SearchWfRuns($first: Int, $after: String, $wfSpecName: String, $majorVersion: Int, $revision: Int, $status: LHStatus,
      $startedAfter: DateTime, $startedBefore: DateTime, $variable: VariableFilterInput) {
    page: wfRuns(first: $first, after: $after, wfSpecName: $wfSpecName, majorVersion: $majorVersion, revision: $revision, status: $status,
        startedAfter: $startedAfter, startedBefore: $startedBefore, variable: $variable) {
      edges { node { ...WfRunSummaryFields } }
      pageInfo { ...PageFields }
    }
  }`,
  [WfRunSummaryFields, PageFields],
);

export const WF_RUNS_CHANGED = graphql(
  `subscription WfRunsChanged($wfSpecName: String, $since: DateTime) { wfRunsChanged(wfSpecName: $wfSpecName, since: $since) { ...WfRunSummaryFields } }`,
  [WfRunSummaryFields],
);

export const WF_RUN_EVENTS = graphql(`
  subscription WfRunEvents($id: ID!, $afterSeq: Int) { wfRunEvents(id: $id, afterSeq: $afterSeq) { wfRunId seq type time event } }
`);

// ScheduledWfRuns

export const SCHEDULE_WF = graphql(
  `mutation ScheduleWf($input: ScheduleWfInput!) {
    result: scheduleWf(input: $input) { __typename ...ScheduledWfRunFields ...ErrorFields }
  }`,
  [ScheduledWfRunFields, ErrorFields],
);

export const SCHEDULED_WF_RUN_QUERY = graphql(`query ScheduledWfRun($id: ID!) { scheduledWfRun(id: $id) { ...ScheduledWfRunFields } }`, [
  ScheduledWfRunFields,
]);

export const SEARCH_SCHEDULED_WF_RUNS = graphql(
  `query ScheduledWfRuns($first: Int, $after: String, $wfSpecName: String) {
    page: scheduledWfRuns(first: $first, after: $after, wfSpecName: $wfSpecName) {
      edges { node { ...ScheduledWfRunFields } }
      pageInfo { ...PageFields }
    }
  }`,
  [ScheduledWfRunFields, PageFields],
);

export const DELETE_SCHEDULED_WF_RUN = graphql(
  `mutation DeleteScheduledWfRun($input: DeleteScheduledWfRunInput!) {
    result: deleteScheduledWfRun(input: $input) { __typename ... on DeletedScheduledWfRun { id } ...ErrorFields }
  }`,
  [ErrorFields],
);

// TaskRuns

export const CLAIM_TASK_RUNS = graphql(
  `mutation ClaimTaskRuns($input: ClaimTaskRunsInput!) {
    result: claimTaskRuns(input: $input) {
      __typename
      ... on ClaimedTaskRuns {
        taskRuns { taskRunId wfRunId taskGuid threadRunNumber nodePosition taskDefName attempt input idempotencyKey scheduledAt leaseExpiresAt userTaskGuid userId userGroup }
        reports { ...ReportFields }
      }
      ...ErrorFields
    }
  }`,
  [ReportFields, ErrorFields],
);

export const REPORT_TASK_RUN = graphql(
  `mutation ReportTaskRun($input: ReportTaskRunInput!) {
    result: reportTaskRun(input: $input) { __typename ... on TaskRunReport { accepted reason } ...ErrorFields }
  }`,
  [ErrorFields],
);

export const REPORT_TASK_RUNS = graphql(
  `mutation ReportTaskRuns($input: [ReportTaskRunInput!]!) {
    result: reportTaskRuns(input: $input) { __typename ... on BatchedTaskRunReports { reports { ...ReportFields } } ...ErrorFields }
  }`,
  [ReportFields, ErrorFields],
);

export const EXTEND_TASK_RUN_LEASE = graphql(
  `mutation ExtendTaskRunLease($input: ExtendTaskRunLeaseInput!) {
    result: extendTaskRunLease(input: $input) { __typename ... on TaskRunLease { extended leaseExpiresAt } ...ErrorFields }
  }`,
  [ErrorFields],
);

export const TASK_RUN_QUERY = graphql(`query TaskRun($id: ID!) { taskRun(id: $id) { ...TaskRunFields } }`, [TaskRunFields]);

export const SEARCH_NODE_RUNS = graphql(
  `query SearchNodeRuns($first: Int, $after: String, $status: LHStatus!, $arrivedAfter: DateTime, $arrivedBefore: DateTime, $externalEventDefName: String) {
    page: nodeRuns(first: $first, after: $after, status: $status, arrivedAfter: $arrivedAfter, arrivedBefore: $arrivedBefore, externalEventDefName: $externalEventDefName) {
      edges { node { ...NodeRunFields } }
      pageInfo { ...PageFields }
    }
  }`,
  [NodeRunFields, PageFields],
);

export const NODE_RUN = graphql(
  `query NodeRun($wfRunId: ID!, $threadRunNumber: Int!, $position: Int!) {
    nodeRun(wfRunId: $wfRunId, threadRunNumber: $threadRunNumber, position: $position) { ...NodeRunFields }
  }`,
  [NodeRunFields],
);

export const VARIABLE = graphql(`query Variable($wfRunId: ID!, $threadRunNumber: Int!, $name: String!) {
  variable(wfRunId: $wfRunId, threadRunNumber: $threadRunNumber, name: $name) { wfRunId threadRunNumber name value }
}`);

export const SEARCH_VARIABLES = graphql(
  `query SearchVariables($first: Int, $after: String, $wfSpecName: String!, $majorVersion: Int, $revision: Int, $name: String!, $value: JSON!,
      $status: LHStatus, $startedAfter: DateTime, $startedBefore: DateTime) {
    page: variables(first: $first, after: $after, wfSpecName: $wfSpecName, majorVersion: $majorVersion, revision: $revision, name: $name, value: $value,
        status: $status, startedAfter: $startedAfter, startedBefore: $startedBefore) {
      edges { node { wfRunId threadRunNumber name value wfRun { ...WfRunSummaryFields } } }
      pageInfo { ...PageFields }
    }
  }`,
  [WfRunSummaryFields, PageFields],
);

export const COUNT_NODE_RUNS = graphql(`query CountNodeRuns($wfSpecName: String, $majorVersion: Int, $revision: Int) {
  countNodeRuns(wfSpecName: $wfSpecName, majorVersion: $majorVersion, revision: $revision)
}`);

export const COUNT_TASK_RUNS = graphql(`query CountTaskRuns($taskDefName: String!, $status: TaskStatus!) {
  countTaskRuns(taskDefName: $taskDefName, status: $status)
}`);

export const SEARCH_TASK_RUNS = graphql(
  `query SearchTaskRuns($first: Int, $after: String, $taskDefName: String!, $status: TaskStatus) {
    page: taskRuns(first: $first, after: $after, taskDefName: $taskDefName, status: $status) {
      edges { node { ...TaskRunFields } }
      pageInfo { ...PageFields }
    }
  }`,
  [TaskRunFields, PageFields],
);

// External events

export const PUT_EXTERNAL_EVENT_DEF = graphql(
  `mutation PutExternalEventDef($input: PutExternalEventDefInput!) {
    result: putExternalEventDef(input: $input) {
      __typename
      ... on ExternalEventDef { name createdAt correlatedEventConfig { ttlSeconds deleteAfterFirstCorrelation } }
      ...ErrorFields
    }
  }`,
  [ErrorFields],
);

export const EXTERNAL_EVENT_DEF_QUERY = graphql(
  `query ExternalEventDef($name: String!) { externalEventDef(name: $name) { name createdAt correlatedEventConfig { ttlSeconds deleteAfterFirstCorrelation } } }`,
);

export const EXTERNAL_EVENT_DEFS = graphql(
  `query ExternalEventDefs($first: Int, $after: String, $prefix: String) {
    page: externalEventDefs(first: $first, after: $after, prefix: $prefix) {
      edges { node { name createdAt correlatedEventConfig { ttlSeconds deleteAfterFirstCorrelation } } }
      pageInfo { ...PageFields }
    }
  }`,
  [PageFields],
);

export const DELETE_EXTERNAL_EVENT_DEF = graphql(
  `mutation DeleteExternalEventDef($input: DeleteExternalEventDefInput!) {
    result: deleteExternalEventDef(input: $input) { __typename ... on DeletedExternalEventDef { name } ...ErrorFields }
  }`,
  [ErrorFields],
);

const CorrelatedEventFields = graphql(`
  fragment CorrelatedEventFields on CorrelatedEvent {
    key externalEventDefName content createdAt expiresAt externalEvents { wfRunId guid threadRunNumber nodeRunPosition createdAt }
  }
`);

export const PUT_CORRELATED_EVENT = graphql(
  `mutation PutCorrelatedEvent($input: PutCorrelatedEventInput!) {
    result: putCorrelatedEvent(input: $input) { __typename ...CorrelatedEventFields ...ErrorFields }
  }`,
  [CorrelatedEventFields, ErrorFields],
);

export const CORRELATED_EVENT_QUERY = graphql(
  `query CorrelatedEvent($key: String!, $externalEventDefName: String!) {
    correlatedEvent(key: $key, externalEventDefName: $externalEventDefName) { ...CorrelatedEventFields }
  }`,
  [CorrelatedEventFields],
);

export const CORRELATED_EVENTS = graphql(
  `query CorrelatedEvents($first: Int, $after: String, $externalEventDefName: String!, $hasExternalEvents: Boolean) {
    page: correlatedEvents(first: $first, after: $after, externalEventDefName: $externalEventDefName, hasExternalEvents: $hasExternalEvents) {
      edges { node { ...CorrelatedEventFields } }
      pageInfo { ...PageFields }
    }
  }`,
  [CorrelatedEventFields, PageFields],
);

export const DELETE_CORRELATED_EVENT = graphql(
  `mutation DeleteCorrelatedEvent($input: CorrelatedEventIdInput!) {
    result: deleteCorrelatedEvent(input: $input) { __typename ... on DeletedCorrelatedEvent { key externalEventDefName } ...ErrorFields }
  }`,
  [ErrorFields],
);

export const PUT_EXTERNAL_EVENT = graphql(
  `mutation PutExternalEvent($input: PutExternalEventInput!) {
    result: putExternalEvent(input: $input) { __typename ...ExternalEventFields ...ErrorFields }
  }`,
  [ExternalEventFields, ErrorFields],
);

export const EXTERNAL_EVENT_QUERY = graphql(
  `query ExternalEvent($wfRunId: ID!, $guid: String!) { externalEvent(wfRunId: $wfRunId, guid: $guid) { ...ExternalEventFields } }`,
  [ExternalEventFields],
);

export const SEARCH_EXTERNAL_EVENTS = graphql(
  `query SearchExternalEvents($first: Int, $after: String, $externalEventDefName: String!, $claimed: Boolean) {
    page: externalEvents(first: $first, after: $after, externalEventDefName: $externalEventDefName, claimed: $claimed) {
      edges { node { ...ExternalEventFields } }
      pageInfo { ...PageFields }
    }
  }`,
  [ExternalEventFields, PageFields],
);

// Workflow events

export const PUT_WORKFLOW_EVENT_DEF = graphql(
  `mutation PutWorkflowEventDef($input: PutWorkflowEventDefInput!) {
    result: putWorkflowEventDef(input: $input) { __typename ... on WorkflowEventDef { name createdAt } ...ErrorFields }
  }`,
  [ErrorFields],
);

export const WORKFLOW_EVENT_DEF_QUERY = graphql(`query WorkflowEventDef($name: String!) { workflowEventDef(name: $name) { name createdAt } }`);

export const WORKFLOW_EVENT_DEFS = graphql(
  `query WorkflowEventDefs($first: Int, $after: String, $prefix: String) {
    page: workflowEventDefs(first: $first, after: $after, prefix: $prefix) { edges { node { name createdAt } } pageInfo { ...PageFields } }
  }`,
  [PageFields],
);

export const DELETE_WORKFLOW_EVENT_DEF = graphql(
  `mutation DeleteWorkflowEventDef($input: DeleteWorkflowEventDefInput!) {
    result: deleteWorkflowEventDef(input: $input) { __typename ... on DeletedWorkflowEventDef { name } ...ErrorFields }
  }`,
  [ErrorFields],
);

export const AWAIT_WORKFLOW_EVENT = graphql(
  `query AwaitWorkflowEvent($input: AwaitWorkflowEventInput!) {
    result: awaitWorkflowEvent(input: $input) {
      __typename
      ...WorkflowEventFields
      ...ErrorFields
    }
  }`,
  [WorkflowEventFields, ErrorFields],
);

export const WORKFLOW_EVENT_QUERY = graphql(
  `query WorkflowEvent($wfRunId: ID!, $workflowEventDefName: String!, $number: Int!) {
    workflowEvent(wfRunId: $wfRunId, workflowEventDefName: $workflowEventDefName, number: $number) { ...WorkflowEventFields }
  }`,
  [WorkflowEventFields],
);

export const WORKFLOW_EVENTS_OF = graphql(
  `query WorkflowEventsOf($id: ID!) { wfRun(id: $id) { workflowEvents { ...WorkflowEventFields } } }`,
  [WorkflowEventFields],
);

export const SEARCH_WORKFLOW_EVENTS = graphql(
  `query SearchWorkflowEvents($first: Int, $after: String, $workflowEventDefName: String!, $createdAfter: DateTime, $createdBefore: DateTime) {
    page: workflowEvents(first: $first, after: $after, workflowEventDefName: $workflowEventDefName, createdAfter: $createdAfter, createdBefore: $createdBefore) {
      edges { node { ...WorkflowEventFields } }
      pageInfo { ...PageFields }
    }
  }`,
  [WorkflowEventFields, PageFields],
);

const WfSpecMetricsFields = graphql(`
  fragment WfSpecMetricsFields on WfSpecMetrics {
    wfSpecName majorVersion revision windowLength windowStart totalStarted totalCompleted totalErrored startToCompleteMaxMs startToCompleteAvgMs
  }
`);

const TaskDefMetricsFields = graphql(`
  fragment TaskDefMetricsFields on TaskDefMetrics {
    taskDefName windowLength windowStart totalScheduled totalStarted totalCompleted totalErrored
    scheduleToStartMaxMs scheduleToStartAvgMs startToCompleteCount startToCompleteMaxMs startToCompleteAvgMs
  }
`);

export const WF_SPEC_METRICS_WINDOW = graphql(
  `query WfSpecMetricsWindow($wfSpecName: String!, $majorVersion: Int, $revision: Int, $windowLength: MetricsWindowLength!, $at: DateTime!) {
    wfSpecMetricsWindow(wfSpecName: $wfSpecName, majorVersion: $majorVersion, revision: $revision, windowLength: $windowLength, at: $at) { ...WfSpecMetricsFields }
  }`,
  [WfSpecMetricsFields],
);

export const WF_SPEC_METRICS = graphql(
  `query WfSpecMetrics($first: Int, $after: String, $wfSpecName: String!, $majorVersion: Int, $revision: Int, $windowLength: MetricsWindowLength!, $since: DateTime!, $until: DateTime) {
    page: wfSpecMetrics(first: $first, after: $after, wfSpecName: $wfSpecName, majorVersion: $majorVersion, revision: $revision, windowLength: $windowLength, since: $since, until: $until) {
      edges { node { ...WfSpecMetricsFields } }
      pageInfo { ...PageFields }
    }
  }`,
  [WfSpecMetricsFields, PageFields],
);

export const TASK_DEF_METRICS_WINDOW = graphql(
  `query TaskDefMetricsWindow($taskDefName: String!, $windowLength: MetricsWindowLength!, $at: DateTime!) {
    taskDefMetricsWindow(taskDefName: $taskDefName, windowLength: $windowLength, at: $at) { ...TaskDefMetricsFields }
  }`,
  [TaskDefMetricsFields],
);

export const TASK_DEF_METRICS = graphql(
  `query TaskDefMetrics($first: Int, $after: String, $taskDefName: String!, $windowLength: MetricsWindowLength!, $since: DateTime!, $until: DateTime) {
    page: taskDefMetrics(first: $first, after: $after, taskDefName: $taskDefName, windowLength: $windowLength, since: $since, until: $until) {
      edges { node { ...TaskDefMetricsFields } }
      pageInfo { ...PageFields }
    }
  }`,
  [TaskDefMetricsFields, PageFields],
);

export const SERVER_VERSION = graphql(`query ServerVersion { serverVersion { version major minor patch prerelease } }`);

// User tasks

export const PUT_USER_TASK_DEF = graphql(
  `mutation PutUserTaskDef($input: PutUserTaskDefInput!) {
    result: putUserTaskDef(input: $input) { __typename ...UserTaskDefFields ...ErrorFields }
  }`,
  [UserTaskDefFields, ErrorFields],
);

export const USER_TASK_DEF_QUERY = graphql(
  `query UserTaskDef($name: String!, $version: Int) { userTaskDef(name: $name, version: $version) { ...UserTaskDefFields } }`,
  [UserTaskDefFields],
);

export const USER_TASK_DEFS = graphql(
  `query UserTaskDefs($first: Int, $after: String, $prefix: String) {
    page: userTaskDefs(first: $first, after: $after, prefix: $prefix) { edges { node { ...UserTaskDefFields } } pageInfo { ...PageFields } }
  }`,
  [UserTaskDefFields, PageFields],
);

export const DELETE_USER_TASK_DEF = graphql(
  `mutation DeleteUserTaskDef($input: DeleteUserTaskDefInput!) {
    result: deleteUserTaskDef(input: $input) { __typename ... on DeletedUserTaskDef { name version } ...ErrorFields }
  }`,
  [ErrorFields],
);

export const USER_TASK_RUN_QUERY = graphql(
  `query UserTaskRun($wfRunId: ID!, $userTaskGuid: String!) { userTaskRun(wfRunId: $wfRunId, userTaskGuid: $userTaskGuid) { ...UserTaskRunFields } }`,
  [UserTaskRunFields],
);

export const USER_TASK_RUNS = graphql(
  `query UserTaskRuns($first: Int, $after: String, $userId: String, $userGroup: String, $status: UserTaskRunStatus, $userTaskDefName: String) {
    page: userTaskRuns(first: $first, after: $after, userId: $userId, userGroup: $userGroup, status: $status, userTaskDefName: $userTaskDefName) {
      edges { node { ...UserTaskRunFields } }
      pageInfo { ...PageFields }
    }
  }`,
  [UserTaskRunFields, PageFields],
);

export const ASSIGN_USER_TASK_RUN = graphql(
  `mutation AssignUserTaskRun($input: AssignUserTaskRunInput!) {
    result: assignUserTaskRun(input: $input) { __typename ...UserTaskRunFields ...ErrorFields ...UserTaskRunRefusals }
  }`,
  [UserTaskRunFields, ErrorFields, UserTaskRunRefusals],
);

export const COMPLETE_USER_TASK_RUN = graphql(
  `mutation CompleteUserTaskRun($input: CompleteUserTaskRunInput!) {
    result: completeUserTaskRun(input: $input) { __typename ...UserTaskRunFields ...ErrorFields ...UserTaskRunRefusals }
  }`,
  [UserTaskRunFields, ErrorFields, UserTaskRunRefusals],
);

export const CANCEL_USER_TASK_RUN = graphql(
  `mutation CancelUserTaskRun($input: CancelUserTaskRunInput!) {
    result: cancelUserTaskRun(input: $input) { __typename ...UserTaskRunFields ...ErrorFields ...UserTaskRunRefusals }
  }`,
  [UserTaskRunFields, ErrorFields, UserTaskRunRefusals],
);

export const SAVE_USER_TASK_RUN_PROGRESS = graphql(
  `mutation SaveUserTaskRunProgress($input: SaveUserTaskRunProgressInput!) {
    result: saveUserTaskRunProgress(input: $input) { __typename ...UserTaskRunFields ...ErrorFields ...UserTaskRunRefusals }
  }`,
  [UserTaskRunFields, ErrorFields, UserTaskRunRefusals],
);

export const PUT_USER_TASK_RUN_COMMENT = graphql(
  `mutation PutUserTaskRunComment($input: PutUserTaskRunCommentInput!) {
    result: putUserTaskRunComment(input: $input) { __typename ...UserTaskRunFields ...ErrorFields ...UserTaskRunRefusals }
  }`,
  [UserTaskRunFields, ErrorFields, UserTaskRunRefusals],
);

export const EDIT_USER_TASK_RUN_COMMENT = graphql(
  `mutation EditUserTaskRunComment($input: EditUserTaskRunCommentInput!) {
    result: editUserTaskRunComment(input: $input) { __typename ...UserTaskRunFields ...ErrorFields ...UserTaskRunRefusals }
  }`,
  [UserTaskRunFields, ErrorFields, UserTaskRunRefusals],
);

export const DELETE_USER_TASK_RUN_COMMENT = graphql(
  `mutation DeleteUserTaskRunComment($input: DeleteUserTaskRunCommentInput!) {
    result: deleteUserTaskRunComment(input: $input) { __typename ...UserTaskRunFields ...ErrorFields ...UserTaskRunRefusals }
  }`,
  [UserTaskRunFields, ErrorFields, UserTaskRunRefusals],
);
