export { GallopClient } from './client/client.ts';
export type { GallopClientOptions, Sink } from './client/client.ts';
export { GallopClientError, isGallopClientError } from './client/errors.ts';
export type { GallopErrorCode, GallopProblem } from './client/errors.ts';
export type {
  NodeRunInfo,
  ScheduledTask,
  StoredWfRunEvent,
  TaskAttemptInfo,
  TaskDefInfo,
  TaskOutcome,
  TaskRunInfo,
  TaskRunReport,
  WfRunInfo,
  WfSpecInfo,
} from './client/types.ts';
