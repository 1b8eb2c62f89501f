export { GallopClient } from './client/client.ts';
export { graphql } from './client/graphql.ts';
export type { ResultOf, VariablesOf } from './client/graphql.ts';
export type { BatchedTaskRunReport, ClaimInput, CredentialSource, GallopClientOptions, Sink, SocketState, TaskRunReportInput } from './client/client.ts';
export { GallopClientError, isGallopClientError } from './client/errors.ts';
export type { GallopErrorCode, GallopProblem } from './client/errors.ts';
export type {
  CorrelatedEventInfo,
  ExternalEventDefInfo,
  ExternalEventInfo,
  NodeRunInfo,
  NodeRunUserTask,
  Page,
  ScheduledTask,
  ScheduledWfRunInfo,
  StoredWfRunEvent,
  TaskAttemptInfo,
  TaskDefInfo,
  TaskOutcome,
  TaskRunInfo,
  TaskRunReport,
  UserTaskDefInfo,
  UserTaskEventInfo,
  UserTaskRunCommentInfo,
  UserTaskFieldInfo,
  UserTaskRunFilter,
  UserTaskRunInfo,
  WfRunInfo,
  WfRunSearch,
  VariableSearch,
  FoundVariable,
  SearchedValue,
  NodeRunSearch,
  DefListPage,
  WfRunSummary,
  WfSpecInfo,
  WfSpecVersionInfo,
  WorkflowEventDefInfo,
  WorkflowEventInfo,
  MetricsWindowLength,
  TaskDefMetrics,
  WfSpecMetrics,
} from './client/types.ts';
export { ReminderTask, TaskNodeOutput, UserTaskOutput, WaitForThreadsOutput } from './builder/outputs.ts';
export { IfStatement, WorkflowThread } from './builder/thread.ts';
export type { TaskArgs } from './builder/thread.ts';
export { formatProblem, isWfSpecBuildError, WfSpecBuildError, Workflow } from './builder/workflow.ts';
export type { BuilderProblem } from './builder/workflow.ts';
export { catalogFor } from './builder/catalog.ts';
export { Expression, NodeOutput, SpawnedChildWf, SpawnedThread, SpawnedThreads, VariablePath, WfRunVariable } from './builder/variable.ts';
export type { ExpressionFor, Operand, SourceFor, VariableOf } from './builder/variable.ts';
export type { AssignableTo, ComparableWith, MutationOf, ValueOf, ValueTypes } from './builder/values.ts';
export { defineTask } from './task.ts';
export type { AnyTypedTask, TaskInputDef, TaskInputs, TaskResult, TypedTask } from './task.ts';
export { TaskContext } from './worker/task-context.ts';
export type { NodeRunId } from './worker/task-context.ts';
export { isTaskException, TaskException } from './worker/task-exception.ts';
export { stopOnSignals } from './worker/signals.ts';
export { TaskWorker } from './worker/task-worker.ts';
export type { TaskFunction, TaskWorkerOptions } from './worker/task-worker.ts';
