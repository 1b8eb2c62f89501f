export { GallopClient } from './client/client.ts';
export type { BatchedTaskRunReport, ClaimInput, GallopClientOptions, Sink, TaskRunReportInput } from './client/client.ts';
export { GallopClientError, isGallopClientError } from './client/errors.ts';
export type { GallopErrorCode, GallopProblem } from './client/errors.ts';
export type {
  ExternalEventDefInfo,
  ExternalEventInfo,
  NodeRunInfo,
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
  UserTaskFieldInfo,
  UserTaskRunFilter,
  UserTaskRunInfo,
  WfRunInfo,
  WfRunSearch,
  WfRunSummary,
  WfSpecInfo,
  WorkflowEventInfo,
} from './client/types.ts';
export { NodeOutput, SpawnedChildWf, SpawnedThread, TaskNodeOutput, UserTaskOutput, WfRunVariable, Workflow, WorkflowThread } from './builder/workflow.ts';
export { TaskContext } from './worker/task-context.ts';
export { isTaskException, TaskException } from './worker/task-exception.ts';
export { TaskWorker } from './worker/task-worker.ts';
export type { TaskFunction, TaskWorkerOptions } from './worker/task-worker.ts';
