import type { Failure, JsonValue, WfRunEvent, WfRunEventType } from '@gallop/engine';
import { json } from './format.ts';

/** Node names by `thread:position`, learnt from NodeRunStarted, so later events can name their node. */
export type NodeNames = ReadonlyMap<string, string>;

export function nodeKey(threadRunNumber: number, position: number): string {
  return `${threadRunNumber}:${position}`;
}

function node(names: NodeNames, threadRunNumber: number, position: number): string {
  const name = names.get(nodeKey(threadRunNumber, position));
  return `thread ${threadRunNumber} node ${name ?? position}`;
}

function failure(f: Failure): string {
  return `${f.name}: ${f.message}`;
}

function output(value: JsonValue | undefined): string {
  return value === undefined ? '' : ` output ${json(value, 60)}`;
}

function holder(e: { readonly userId?: string | undefined; readonly userGroup?: string | undefined }): string {
  return [e.userId && `user ${e.userId}`, e.userGroup && `group ${e.userGroup}`].filter(Boolean).join(' ') || 'nobody';
}

type Summaries = { readonly [K in WfRunEventType]: (event: Extract<WfRunEvent, { type: K }>, names: NodeNames) => string };

// One entry per event type: a new type in the engine is a type error here until it has its line. Attempts are
// numbered from 1, as the console numbers them.
const SUMMARIES: Summaries = {
  WfRunStarted: (e) => `${e.wfSpecId.name} ${e.wfSpecId.majorVersion}.${e.wfSpecId.revision}${e.parentWfRunId ? `, child of ${e.parentWfRunId}` : ''}`,
  ThreadRunStarted: (e) =>
    `thread ${e.threadRunNumber} ${e.threadSpecName}${e.kind ? ` (${e.kind})` : ''}${e.parentThreadRunNumber === undefined ? '' : ` from thread ${e.parentThreadRunNumber}`}`,
  NodeRunStarted: (e) => `thread ${e.threadRunNumber} node ${e.nodeName}`,
  TaskRunScheduled: (e, n) => `${e.taskDefName} attempt ${e.attempt + 1} at ${node(n, e.threadRunNumber, e.position)}`,
  TaskAttemptSucceeded: (e) => `task ${e.taskGuid} attempt ${e.attempt + 1}${output(e.output)}${e.workerId ? ` by ${e.workerId}` : ''}`,
  TaskAttemptFailed: (e) => `task ${e.taskGuid} attempt ${e.attempt + 1} ${e.status} ${failure(e.failure)}`,
  TaskRetryPending: (e) => `task ${e.taskGuid} attempt ${e.attempt + 1} waits for its back-off`,
  TimerSet: (e) => `${e.purpose.type} timer ${e.timerId} fires at ${new Date(e.fireAt).toISOString()}`,
  TimerFired: (e) => `timer ${e.timerId}`,
  ExternalEventReceived: (e) => `${e.externalEventDefName} ${e.guid} content ${json(e.content, 60)}`,
  ExternalEventClaimed: (e, n) => `${e.guid} by ${node(n, e.threadRunNumber, e.position)}`,
  UserTaskRunCreated: (e, n) => `${e.userTaskDefName} v${e.userTaskDefVersion} ${e.userTaskGuid} for ${holder(e)} at ${node(n, e.threadRunNumber, e.position)}`,
  UserTaskRunAssigned: (e) => `${e.userTaskGuid} to ${holder(e)} (${e.cause})`,
  UserTaskRunCompleted: (e) => `${e.userTaskGuid} by ${e.userId} results ${json(e.results, 60)}`,
  UserTaskRunCancelled: (e) => `${e.userTaskGuid} (${e.cause})`,
  CorrelationKeySet: (e, n) => `${e.externalEventDefName} key ${json(e.correlationKey, 60)} at ${node(n, e.threadRunNumber, e.position)}`,
  UserTaskRunProgressSaved: (e) => `${e.userTaskGuid} by ${e.userId} results ${json(e.results, 60)}`,
  UserTaskRunCommented: (e) => `${e.userTaskGuid} comment ${e.userCommentId} by ${e.userId}: ${json(e.comment, 60)}`,
  UserTaskRunCommentEdited: (e) => `${e.userTaskGuid} comment ${e.userCommentId} by ${e.userId}: ${json(e.comment, 60)}`,
  UserTaskRunCommentDeleted: (e) => `${e.userTaskGuid} comment ${e.userCommentId} by ${e.userId}`,
  WorkflowEventThrown: (e) => `${e.workflowEventDefName} #${e.number} content ${json(e.content, 60)}`,
  InterruptTriggered: (e) => `thread ${e.threadRunNumber} by event ${e.guid}, handler ${e.handlerSpecName}`,
  InterruptHandlerStarted: (e) => `thread ${e.threadRunNumber} handled by thread ${e.handlerThreadRunNumber}`,
  ChildFailureHandlerStarted: (e, n) =>
    `${node(n, e.threadRunNumber, e.position)} handles failed thread ${e.childThreadRunNumber} in thread ${e.handlerThreadRunNumber}`,
  NodeRunCompleted: (e, n) => `${node(n, e.threadRunNumber, e.position)}${output(e.output)}`,
  NodeRunFailed: (e, n) => `${node(n, e.threadRunNumber, e.position)} ${e.status} ${failure(e.failure)}`,
  VariableAssigned: (e) => `thread ${e.threadRunNumber} ${e.name} = ${json(e.value, 60)}`,
  ThreadRunCompleted: (e) => `thread ${e.threadRunNumber}${output(e.output)}`,
  ThreadRunFailed: (e) => `thread ${e.threadRunNumber} ${e.status} ${failure(e.failure)}`,
  ThreadRunRescued: (e) => `thread ${e.threadRunNumber}${e.skipCurrentNode ? ', skipping its failed node' : ''}`,
  ThreadRunHalting: (e) => `thread ${e.threadRunNumber} (${e.reason})`,
  ThreadRunHalted: (e) => `thread ${e.threadRunNumber}${e.reason ? ` (${e.reason})` : ''}`,
  ThreadRunResumed: (e) => `thread ${e.threadRunNumber} (${e.reason} lifted)`,
  WfRunMigrated: (e) => `from ${e.fromWfSpecId.majorVersion}.${e.fromWfSpecId.revision} to ${e.toWfSpecId.majorVersion}.${e.toWfSpecId.revision}`,
  WfRunCompleted: (e) => output(e.output).trim(),
  WfRunFailed: (e) => `${e.status} ${failure(e.failure)}`,
  ChildWfRunRequested: (e) => `${e.childWfRunId} of ${e.wfSpecName}`,
  ChildWfRunAwaited: (e, n) => `${node(n, e.threadRunNumber, e.position)} waits for ${e.childWfRunId}`,
  ChildWfRunReported: (e) => `${e.childWfRunId} ${e.status}${e.failure ? ` ${failure(e.failure)}` : ''}`,
};

/** The width of the longest event type name, to align the column of types. */
export const TYPE_WIDTH = Math.max(...Object.keys(SUMMARIES).map((type) => type.length));

/** A short line saying what `event` did, naming nodes from `names` where it can. */
export function summarize(event: WfRunEvent, names: NodeNames = new Map()): string {
  const summary = SUMMARIES[event.type] as ((event: WfRunEvent, names: NodeNames) => string) | undefined;
  // A server newer than this CLI may send types it does not know; the type column still says what happened.
  return summary ? summary(event, names) : '';
}
