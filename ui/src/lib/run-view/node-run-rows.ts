import type { Failure, JsonValue, LHStatus, NodeType, TaskInput, TaskStatus, WfRunEvent } from '@gallop/engine';

/** One attempt of a TaskRun, as its events tell it. */
export interface TaskAttemptRow {
  /** From 0, as in LittleHorse. */
  readonly attempt: number;
  readonly status: TaskStatus;
  readonly scheduledAt: number;
  readonly endTime?: number | undefined;
  readonly output?: JsonValue | undefined;
  readonly failure?: Failure | undefined;
  readonly workerId?: string | undefined;
  readonly logOutput?: string | undefined;
}

/** The TaskRun of a TASK NodeRun. */
export interface TaskRunRow {
  readonly taskGuid: string;
  readonly taskDefName: string;
  readonly input: readonly TaskInput[];
  readonly attempts: readonly TaskAttemptRow[];
}

/** One NodeRun of the WfRun, finished or not. */
export interface NodeRunRow {
  /** `thread/position`: unique within the WfRun. */
  readonly key: string;
  readonly threadRunNumber: number;
  readonly position: number;
  readonly nodeName: string;
  readonly nodeType: NodeType;
  readonly status: LHStatus;
  readonly arrivalTime: number;
  readonly endTime?: number | undefined;
  readonly output?: JsonValue | undefined;
  readonly failure?: Failure | undefined;
  readonly taskRun?: TaskRunRow | undefined;
}

/** Every NodeRun in the order they started, with lookups the fold needs. */
export interface NodeRunRows {
  readonly rows: readonly NodeRunRow[];
  /** Row index by row key. */
  readonly index: Readonly<Record<string, number>>;
  /** Row key by taskGuid: attempt events name the TaskRun, not the NodeRun. */
  readonly taskRunAt: Readonly<Record<string, string>>;
}

export const EMPTY_NODE_RUN_ROWS: NodeRunRows = { rows: [], index: {}, taskRunAt: {} };

/**
 * Folds one WfRun event into the NodeRun history and returns the new value; the old one is left untouched.
 * Pure. The engine's own state drops finished NodeRuns, so the table keeps them here.
 */
export function foldNodeRunRows(history: NodeRunRows, event: WfRunEvent): NodeRunRows {
  switch (event.type) {
    case 'NodeRunStarted': {
      const key = `${event.threadRunNumber}/${event.position}`;
      const row: NodeRunRow = {
        key,
        threadRunNumber: event.threadRunNumber,
        position: event.position,
        nodeName: event.nodeName,
        nodeType: event.nodeType,
        status: 'RUNNING',
        arrivalTime: event.time,
      };
      const at = history.index[key];
      if (at !== undefined) return replaceRow(history, at, row);
      return { ...history, rows: [...history.rows, row], index: { ...history.index, [key]: history.rows.length } };
    }
    case 'TaskRunScheduled': {
      const key = `${event.threadRunNumber}/${event.position}`;
      const attempt: TaskAttemptRow = { attempt: event.attempt, status: 'TASK_SCHEDULED', scheduledAt: event.time };
      const next = updateRow(history, key, (row) => ({
        ...row,
        taskRun: {
          taskGuid: event.taskGuid,
          taskDefName: event.taskDefName,
          input: event.input,
          attempts: [...(row.taskRun?.attempts ?? []).filter((a) => a.attempt !== event.attempt), attempt],
        },
      }));
      return next === history ? history : { ...next, taskRunAt: { ...history.taskRunAt, [event.taskGuid]: key } };
    }
    case 'TaskRetryPending': {
      // The retry shows as a pending attempt until its back-off ends and TaskRunScheduled replaces it.
      const key = history.taskRunAt[event.taskGuid];
      if (key === undefined) return history;
      return updateRow(history, key, (row) =>
        row.taskRun ? { ...row, taskRun: { ...row.taskRun, attempts: [...row.taskRun.attempts, { attempt: event.attempt, status: 'TASK_PENDING', scheduledAt: event.time }] } } : row,
      );
    }
    case 'TaskAttemptSucceeded':
      return updateAttempt(history, event.taskGuid, event.attempt, (a) => ({
        ...a,
        status: 'TASK_SUCCESS',
        endTime: event.time,
        output: event.output,
        workerId: event.workerId,
        logOutput: event.logOutput,
      }));
    case 'TaskAttemptFailed':
      return updateAttempt(history, event.taskGuid, event.attempt, (a) => ({
        ...a,
        status: event.status,
        endTime: event.time,
        failure: event.failure,
        workerId: event.workerId,
        logOutput: event.logOutput,
      }));
    case 'NodeRunCompleted':
      return updateRow(history, `${event.threadRunNumber}/${event.position}`, (row) => ({
        ...row,
        status: 'COMPLETED',
        endTime: event.time,
        output: event.output,
      }));
    case 'NodeRunFailed':
      return updateRow(history, `${event.threadRunNumber}/${event.position}`, (row) => ({
        ...row,
        status: event.status,
        endTime: event.time,
        failure: event.failure,
      }));
    default:
      return history;
  }
}

function updateRow(history: NodeRunRows, key: string, change: (row: NodeRunRow) => NodeRunRow): NodeRunRows {
  const at = history.index[key];
  const row = at === undefined ? undefined : history.rows[at];
  if (at === undefined || !row) return history;
  return replaceRow(history, at, change(row));
}

function replaceRow(history: NodeRunRows, at: number, row: NodeRunRow): NodeRunRows {
  const rows = history.rows.slice();
  rows[at] = row;
  return { ...history, rows };
}

function updateAttempt(
  history: NodeRunRows,
  taskGuid: string,
  attempt: number,
  change: (attempt: TaskAttemptRow) => TaskAttemptRow,
): NodeRunRows {
  const key = history.taskRunAt[taskGuid];
  if (key === undefined) return history;
  return updateRow(history, key, (row) =>
    row.taskRun
      ? { ...row, taskRun: { ...row.taskRun, attempts: row.taskRun.attempts.map((a) => (a.attempt === attempt ? change(a) : a)) } }
      : row,
  );
}
