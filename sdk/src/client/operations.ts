/** The GraphQL documents the SDK sends. Field selections match ./types.ts. */

const ERRORS = `
  ... on Error { message }
  ... on ValidationError { problems { path at code message } }
`;

const TASK_DEF = `name inputVars { name type } returnType description createdAt`;
const WF_SPEC = `name majorVersion revision spec createdAt`;
const TASK_RUN = `id wfRunId taskGuid taskDefName status input scheduledAt
  attempts { attempt status workerId startTime endTime output errorMessage exceptionName logOutput }`;
const WF_RUN_SUMMARY = `id wfSpecName majorVersion revision status startTime endTime errorMessage lastSeq`;
export const WF_RUN = `${WF_RUN_SUMMARY}
  threadRuns { number threadSpecName status errorMessage }
  nodeRuns { threadRunNumber position nodeName nodeType status arrivalTime endTime errorMessage taskRun { ${TASK_RUN} } }
  variables { threadRunNumber name value }`;

export const PUT_TASK_DEF = `mutation PutTaskDef($input: PutTaskDefInput!) {
  result: putTaskDef(input: $input) { __typename ... on TaskDef { ${TASK_DEF} } ${ERRORS} }
}`;

export const TASK_DEF_QUERY = `query TaskDef($name: String!) { taskDef(name: $name) { ${TASK_DEF} } }`;

export const PUT_WF_SPEC = `mutation PutWfSpec($input: PutWfSpecInput!) {
  result: putWfSpec(input: $input) { __typename ... on WfSpec { ${WF_SPEC} } ${ERRORS} }
}`;

export const WF_SPEC_QUERY = `query WfSpec($name: String!, $majorVersion: Int, $revision: Int) {
  wfSpec(name: $name, majorVersion: $majorVersion, revision: $revision) { ${WF_SPEC} }
}`;

export const RUN_WF = `mutation RunWf($input: RunWfInput!) {
  result: runWf(input: $input) { __typename ... on WfRun { ${WF_RUN_SUMMARY} } ${ERRORS} }
}`;

export const WF_RUN_QUERY = `query WfRun($id: ID!) { wfRun(id: $id) { ${WF_RUN} } }`;

export const CLAIM_TASK_RUNS = `mutation ClaimTaskRuns($input: ClaimTaskRunsInput!) {
  result: claimTaskRuns(input: $input) {
    __typename
    ... on ClaimedTaskRuns {
      taskRuns { taskRunId wfRunId taskGuid threadRunNumber nodePosition taskDefName attempt input idempotencyKey scheduledAt leaseExpiresAt }
      reports { taskRunId accepted reason error }
    }
    ${ERRORS}
  }
}`;

export const REPORT_TASK_RUN = `mutation ReportTaskRun($input: ReportTaskRunInput!) {
  result: reportTaskRun(input: $input) { __typename ... on TaskRunReport { accepted reason } ${ERRORS} }
}`;

export const WF_RUN_EVENTS = `subscription WfRunEvents($id: ID!, $afterSeq: Int) {
  wfRunEvents(id: $id, afterSeq: $afterSeq) { wfRunId seq type time event }
}`;

export const PUT_EXTERNAL_EVENT_DEF = `mutation PutExternalEventDef($input: PutExternalEventDefInput!) {
  result: putExternalEventDef(input: $input) { __typename ... on ExternalEventDef { name createdAt } ${ERRORS} }
}`;

export const PUT_EXTERNAL_EVENT = `mutation PutExternalEvent($input: PutExternalEventInput!) {
  result: putExternalEvent(input: $input) {
    __typename
    ... on ExternalEvent { wfRunId guid externalEventDefName content createdAt claimed threadRunNumber nodeRunPosition }
    ${ERRORS}
  }
}`;

export const STOP_WF_RUN = `mutation StopWfRun($input: StopWfRunInput!) {
  result: stopWfRun(input: $input) { __typename ... on WfRun { ${WF_RUN_SUMMARY} } ${ERRORS} }
}`;

export const RESUME_WF_RUN = `mutation ResumeWfRun($input: ResumeWfRunInput!) {
  result: resumeWfRun(input: $input) { __typename ... on WfRun { ${WF_RUN_SUMMARY} } ${ERRORS} }
}`;

export const RESCUE_THREAD_RUN = `mutation RescueThreadRun($input: RescueThreadRunInput!) {
  result: rescueThreadRun(input: $input) { __typename ... on WfRun { ${WF_RUN_SUMMARY} } ${ERRORS} }
}`;

export const SEARCH_WF_RUNS = `query SearchWfRuns($first: Int, $after: String, $wfSpecName: String, $majorVersion: Int, $revision: Int, $status: LHStatus, $startedAfter: DateTime, $startedBefore: DateTime, $variable: VariableFilterInput) {
  page: wfRuns(first: $first, after: $after, wfSpecName: $wfSpecName, majorVersion: $majorVersion, revision: $revision, status: $status, startedAfter: $startedAfter, startedBefore: $startedBefore, variable: $variable) {
    edges { node { ${WF_RUN_SUMMARY} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const WF_RUNS_CHANGED = `subscription WfRunsChanged($wfSpecName: String) {
  wfRunsChanged(wfSpecName: $wfSpecName) { ${WF_RUN_SUMMARY} }
}`;

export const SEARCH_TASK_RUNS = `query SearchTaskRuns($first: Int, $after: String, $taskDefName: String!, $status: TaskStatus) {
  page: taskRuns(first: $first, after: $after, taskDefName: $taskDefName, status: $status) {
    edges { node { ${TASK_RUN} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const SEARCH_EXTERNAL_EVENTS = `query SearchExternalEvents($first: Int, $after: String, $externalEventDefName: String!, $claimed: Boolean) {
  page: externalEvents(first: $first, after: $after, externalEventDefName: $externalEventDefName, claimed: $claimed) {
    edges { node { wfRunId guid externalEventDefName content createdAt claimed threadRunNumber nodeRunPosition } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const REPORT_TASK_RUNS = `mutation ReportTaskRuns($input: [ReportTaskRunInput!]!) {
  result: reportTaskRuns(input: $input) { __typename ... on BatchedTaskRunReports { reports { taskRunId accepted reason error } } ${ERRORS} }
}`;

export const EXTERNAL_EVENT_DEFS = `query ExternalEventDefs($first: Int, $after: String) {
  page: externalEventDefs(first: $first, after: $after) { edges { node { name createdAt } } pageInfo { hasNextPage endCursor } }
}`;

export const WORKFLOW_EVENT_DEFS = `query WorkflowEventDefs($first: Int, $after: String) {
  page: workflowEventDefs(first: $first, after: $after) { edges { node { name createdAt } } pageInfo { hasNextPage endCursor } }
}`;

export const TASK_RUN_QUERY = `query TaskRun($id: ID!) { taskRun(id: $id) { ${TASK_RUN} } }`;

export const EXTERNAL_EVENT_QUERY = `query ExternalEvent($wfRunId: ID!, $guid: String!) {
  externalEvent(wfRunId: $wfRunId, guid: $guid) { wfRunId guid externalEventDefName content createdAt claimed threadRunNumber nodeRunPosition }
}`;

export const DELETE_WF_RUN = `mutation DeleteWfRun($input: DeleteWfRunInput!) {
  result: deleteWfRun(input: $input) { __typename ... on DeletedWfRun { id } ${ERRORS} }
}`;

export const MIGRATE_WF_SPEC = `mutation MigrateWfSpec($input: MigrateWfSpecInput!) {
  result: migrateWfSpec(input: $input) { __typename ... on WfRun { ${WF_RUN_SUMMARY} } ${ERRORS} }
}`;

export const EXTEND_TASK_RUN_LEASE = `mutation ExtendTaskRunLease($input: ExtendTaskRunLeaseInput!) {
  result: extendTaskRunLease(input: $input) { __typename ... on TaskRunLease { extended leaseExpiresAt } ${ERRORS} }
}`;

export const PUT_WORKFLOW_EVENT_DEF = `mutation PutWorkflowEventDef($input: PutWorkflowEventDefInput!) {
  result: putWorkflowEventDef(input: $input) { __typename ... on WorkflowEventDef { name createdAt } ${ERRORS} }
}`;

export const AWAIT_WORKFLOW_EVENT = `query AwaitWorkflowEvent($input: AwaitWorkflowEventInput!) {
  result: awaitWorkflowEvent(input: $input) {
    __typename
    ... on WorkflowEvent { wfRunId workflowEventDefName number content createdAt }
    ${ERRORS}
  }
}`;

const USER_TASK_DEF = `name version fields { name type displayName description required } description createdAt`;
const USER_TASK_RUN = `id wfRunId userTaskGuid userTaskDefName userTaskDefVersion threadRunNumber nodeRunPosition status userId userGroup
  notes results epoch events { type time userId userGroup epoch cause } createdAt updatedAt`;
const PAGE_INFO = `pageInfo { hasNextPage endCursor }`;
/** What a refused user task command says beyond its message: which UserTaskRun, and its status or holder. */
const USER_TASK_RUN_ENDED = `... on UserTaskRunEndedError { wfRunId userTaskGuid status }`;

export const PUT_USER_TASK_DEF = `mutation PutUserTaskDef($input: PutUserTaskDefInput!) {
  result: putUserTaskDef(input: $input) { __typename ... on UserTaskDef { ${USER_TASK_DEF} } ${ERRORS} }
}`;

export const USER_TASK_DEF_QUERY = `query UserTaskDef($name: String!, $version: Int) {
  userTaskDef(name: $name, version: $version) { ${USER_TASK_DEF} }
}`;

export const USER_TASK_DEFS = `query UserTaskDefs($first: Int, $after: String) {
  page: userTaskDefs(first: $first, after: $after) { edges { node { ${USER_TASK_DEF} } } ${PAGE_INFO} }
}`;

export const USER_TASK_RUN_QUERY = `query UserTaskRun($wfRunId: ID!, $userTaskGuid: String!) {
  userTaskRun(wfRunId: $wfRunId, userTaskGuid: $userTaskGuid) { ${USER_TASK_RUN} }
}`;

export const USER_TASK_RUNS = `query UserTaskRuns($first: Int, $after: String, $userId: String, $userGroup: String, $status: UserTaskRunStatus, $userTaskDefName: String) {
  page: userTaskRuns(first: $first, after: $after, userId: $userId, userGroup: $userGroup, status: $status, userTaskDefName: $userTaskDefName) {
    edges { node { ${USER_TASK_RUN} } }
    ${PAGE_INFO}
  }
}`;

export const ASSIGN_USER_TASK_RUN = `mutation AssignUserTaskRun($input: AssignUserTaskRunInput!) {
  result: assignUserTaskRun(input: $input) {
    __typename
    ... on UserTaskRun { ${USER_TASK_RUN} }
    ${ERRORS}
    ${USER_TASK_RUN_ENDED}
    ... on UserTaskRunClaimedError { wfRunId userTaskGuid userId }
  }
}`;

export const COMPLETE_USER_TASK_RUN = `mutation CompleteUserTaskRun($input: CompleteUserTaskRunInput!) {
  result: completeUserTaskRun(input: $input) { __typename ... on UserTaskRun { ${USER_TASK_RUN} } ${ERRORS} ${USER_TASK_RUN_ENDED} }
}`;

export const CANCEL_USER_TASK_RUN = `mutation CancelUserTaskRun($input: CancelUserTaskRunInput!) {
  result: cancelUserTaskRun(input: $input) { __typename ... on UserTaskRun { ${USER_TASK_RUN} } ... on Error { message } ${USER_TASK_RUN_ENDED} }
}`;

const SCHEDULED_WF_RUN = `id wfSpecName majorVersion revision variables cronExpression nextFireAt createdAt lastWfRunId`;

export const SCHEDULE_WF = `mutation ScheduleWf($input: ScheduleWfInput!) {
  result: scheduleWf(input: $input) { __typename ... on ScheduledWfRun { ${SCHEDULED_WF_RUN} } ${ERRORS} }
}`;

export const SCHEDULED_WF_RUN_QUERY = `query ScheduledWfRun($id: ID!) { scheduledWfRun(id: $id) { ${SCHEDULED_WF_RUN} } }`;

export const SEARCH_SCHEDULED_WF_RUNS = `query ScheduledWfRuns($first: Int, $after: String, $wfSpecName: String) {
  page: scheduledWfRuns(first: $first, after: $after, wfSpecName: $wfSpecName) {
    edges { node { ${SCHEDULED_WF_RUN} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const DELETE_SCHEDULED_WF_RUN = `mutation DeleteScheduledWfRun($input: DeleteScheduledWfRunInput!) {
  result: deleteScheduledWfRun(input: $input) { __typename ... on DeletedScheduledWfRun { id } ${ERRORS} }
}`;

export const WF_SPECS = `query WfSpecs($first: Int, $after: String) {
  page: wfSpecs(first: $first, after: $after) { edges { node { name majorVersion revision createdAt } } ${PAGE_INFO} }
}`;

export const TASK_DEFS = `query TaskDefs($first: Int, $after: String) {
  page: taskDefs(first: $first, after: $after) { edges { node { ${TASK_DEF} } } ${PAGE_INFO} }
}`;

export const EXTERNAL_EVENT_DEF_QUERY = `query ExternalEventDef($name: String!) { externalEventDef(name: $name) { name createdAt } }`;

export const WORKFLOW_EVENT_DEF_QUERY = `query WorkflowEventDef($name: String!) { workflowEventDef(name: $name) { name createdAt } }`;
