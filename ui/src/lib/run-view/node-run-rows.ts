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
  /** An EXTERNAL_EVENT NodeRun's event, once it took one. */
  readonly externalEvent?: ReceivedEvent | undefined;
  /** A USER_TASK NodeRun's UserTaskRun with its history. */
  readonly userTask?: UserTaskRow | undefined;
  /** The child WfRun a RUN_CHILD_WF NodeRun started or a WAIT_FOR_CHILD_WF NodeRun waits for. */
  readonly childWfRunId?: string | undefined;
  /** ThreadRuns this NodeRun started (START_THREAD, START_MULTIPLE_THREADS) or ran as failure handlers. */
  readonly threads?: readonly number[] | undefined;
  /** The timer of a SLEEP, or of an EXTERNAL_EVENT's timeout: epoch ms when it fires. */
  readonly wakeAt?: number | undefined;
  /** What a THROW_EVENT NodeRun threw. */
  readonly thrown?: { readonly workflowEventDefName: string; readonly content: JsonValue } | undefined;
}

/** An ExternalEvent as the WfRun received it. */
export interface ReceivedEvent {
  readonly guid: string;
  readonly externalEventDefName: string;
  readonly content: JsonValue;
  readonly time: number;
}

/** One change in a UserTaskRun's life, as its events tell it. */
export interface UserTaskChange {
  readonly type: 'CREATED' | 'ASSIGNED' | 'COMPLETED' | 'CANCELLED' | 'SAVED' | 'COMMENTED' | 'COMMENT_EDITED' | 'COMMENT_DELETED' | 'TASK_EXECUTED';
  readonly time: number;
  readonly userId?: string | undefined;
  readonly userGroup?: string | undefined;
  /** ASSIGN, ACTION or COMPLETE for ASSIGNED; CANCEL, ACTION, THREAD_HALTED or NODE_FAILED for CANCELLED. */
  readonly cause?: string | undefined;
  readonly results?: Readonly<Record<string, JsonValue>> | undefined;
  /** For the COMMENT ones: which comment, and its text. */
  readonly userCommentId?: number | undefined;
  readonly comment?: string | undefined;
  /** For TASK_EXECUTED: the TaskRun one of its actions scheduled (a reminder). */
  readonly taskGuid?: string | undefined;
}

export interface UserTaskRow {
  readonly userTaskGuid: string;
  readonly userTaskDefName: string;
  readonly userTaskDefVersion: number;
  readonly notes?: string | undefined;
  readonly history: readonly UserTaskChange[];
}

/** Every NodeRun in the order they started, with lookups the fold needs. */
export interface NodeRunRows {
  readonly rows: readonly NodeRunRow[];
  /** Row index by row key. */
  readonly index: Readonly<Record<string, number>>;
  /** Row key by taskGuid: attempt events name the TaskRun, not the NodeRun. */
  readonly taskRunAt: Readonly<Record<string, string>>;
  /** ExternalEvents received, by guid: a claim names only the guid. */
  readonly received: Readonly<Record<string, ReceivedEvent>>;
}

export const EMPTY_NODE_RUN_ROWS: NodeRunRows = { rows: [], index: {}, taskRunAt: {}, received: {} };

/**
 * The output of the latest NodeRun of each node of ThreadRun `thread` that completed with one, by node name: what a
 * NODE_OUTPUT_REFERENCE of that thread reads (the engine's ThreadRunState.nodeOutputs, which keeps only those its
 * thread reads). Read off the rows, which keep every NodeRun, because the state drops a thread's outputs when the
 * thread ends. An EXIT's output is its thread's, not a node output; a NodeRun that failed after completing (on a
 * mutation of its output) keeps the output it gave, as the engine does.
 */
export function nodeOutputsOf(history: NodeRunRows, thread: number): Readonly<Record<string, JsonValue>> {
  const outputs = new Map<string, JsonValue>();
  for (const row of history.rows) {
    if (row.threadRunNumber === thread && row.output !== undefined && row.nodeType !== 'EXIT') outputs.set(row.nodeName, row.output);
  }
  return Object.fromEntries(outputs);
}

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
      // A user task action's TaskRun (a reminder) is not its NodeRun's: the UserTaskRun's history names it.
      if (event.userTaskTrigger) {
        if (event.attempt > 0) return history;
        return addUserTaskChange(history, event, { type: 'TASK_EXECUTED', time: event.time, taskGuid: event.taskGuid, userId: event.userTaskTrigger.userId, userGroup: event.userTaskTrigger.userGroup });
      }
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
    case 'ExternalEventReceived':
      return {
        ...history,
        received: { ...history.received, [event.guid]: { guid: event.guid, externalEventDefName: event.externalEventDefName, content: event.content, time: event.time } },
      };
    case 'ExternalEventClaimed':
      return updateRow(history, `${event.threadRunNumber}/${event.position}`, (row) => ({ ...row, externalEvent: history.received[event.guid] }));
    case 'TimerSet': {
      const { purpose } = event;
      // A pending retry is scheduled for when its back-off timer fires.
      if (purpose.type === 'TASK_RETRY') return updateAttempt(history, purpose.taskGuid, purpose.attempt, (a) => ({ ...a, scheduledAt: event.fireAt }));
      if (purpose.type !== 'SLEEP' && purpose.type !== 'EXTERNAL_EVENT_TIMEOUT') return history;
      return updateRow(history, `${purpose.threadRunNumber}/${purpose.position}`, (row) => ({ ...row, wakeAt: event.fireAt }));
    }
    case 'WorkflowEventThrown':
      return updateRow(history, `${event.threadRunNumber}/${event.position}`, (row) => ({
        ...row,
        thrown: { workflowEventDefName: event.workflowEventDefName, content: event.content },
      }));
    case 'ChildWfRunRequested':
    case 'ChildWfRunAwaited':
      return updateRow(history, `${event.threadRunNumber}/${event.position}`, (row) => ({ ...row, childWfRunId: event.childWfRunId }));
    case 'ChildFailureHandlerStarted':
      return addThread(history, `${event.threadRunNumber}/${event.position}`, event.handlerThreadRunNumber);
    case 'ThreadRunStarted': {
      // A thread started by a running START_THREAD / START_MULTIPLE_THREADS NodeRun of its parent belongs to it.
      const kind = event.kind ?? (event.threadRunNumber === 0 ? 'ENTRYPOINT' : 'CHILD');
      if (kind !== 'CHILD' || event.parentThreadRunNumber === undefined) return history;
      const parent = event.parentThreadRunNumber;
      const spawner = history.rows.findLast(
        (r) => r.threadRunNumber === parent && r.status === 'RUNNING' && (r.nodeType === 'START_THREAD' || r.nodeType === 'START_MULTIPLE_THREADS'),
      );
      return spawner ? addThread(history, spawner.key, event.threadRunNumber) : history;
    }
    case 'UserTaskRunCreated':
      return updateRow(history, `${event.threadRunNumber}/${event.position}`, (row) => ({
        ...row,
        userTask: {
          userTaskGuid: event.userTaskGuid,
          userTaskDefName: event.userTaskDefName,
          userTaskDefVersion: event.userTaskDefVersion,
          notes: event.notes,
          history: [{ type: 'CREATED', time: event.time, userId: event.userId, userGroup: event.userGroup }],
        },
      }));
    case 'UserTaskRunAssigned':
      return addUserTaskChange(history, event, { type: 'ASSIGNED', time: event.time, userId: event.userId, userGroup: event.userGroup, cause: event.cause });
    case 'UserTaskRunCompleted':
      return addUserTaskChange(history, event, { type: 'COMPLETED', time: event.time, userId: event.userId, results: event.results });
    case 'UserTaskRunCancelled':
      return addUserTaskChange(history, event, { type: 'CANCELLED', time: event.time, cause: event.cause });
    case 'UserTaskRunProgressSaved':
      return addUserTaskChange(history, event, { type: 'SAVED', time: event.time, userId: event.userId, results: event.results });
    case 'UserTaskRunCommented':
    case 'UserTaskRunCommentEdited':
      return addUserTaskChange(history, event, {
        type: event.type === 'UserTaskRunCommented' ? 'COMMENTED' : 'COMMENT_EDITED',
        time: event.time,
        userId: event.userId,
        userCommentId: event.userCommentId,
        comment: event.comment,
      });
    case 'UserTaskRunCommentDeleted':
      return addUserTaskChange(history, event, { type: 'COMMENT_DELETED', time: event.time, userId: event.userId, userCommentId: event.userCommentId });
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

function addThread(history: NodeRunRows, key: string, threadRunNumber: number): NodeRunRows {
  return updateRow(history, key, (row) => ({ ...row, threads: [...(row.threads ?? []), threadRunNumber] }));
}

function addUserTaskChange(
  history: NodeRunRows,
  at: { readonly threadRunNumber: number; readonly position: number },
  change: UserTaskChange,
): NodeRunRows {
  return updateRow(history, `${at.threadRunNumber}/${at.position}`, (row) =>
    row.userTask ? { ...row, userTask: { ...row.userTask, history: [...row.userTask.history, change] } } : row,
  );
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
