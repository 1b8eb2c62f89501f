import { InvariantError } from '../errors.ts';
import { own } from '../spec/own.ts';
import type { WfRunEvent } from './events.ts';
import type { ChildWfRunState, EndedUserTaskRunState, HaltReason, NodeOutputState, NodeRunState, TaskRunState, TaskStatus, ThreadRunState, TriggeredTaskRunState, UserTaskRunState, WfRunState } from './state.ts';
import { interruptHandlersOf, isParked, isTerminal } from './state.ts';

/**
 * Folds one event into the state of its WfRun and returns the new state; the old one is left untouched.
 * Pure and total over well-formed histories: replaying a WfRun's events gives the same state everywhere.
 */
export function evolve(state: WfRunState | undefined, event: WfRunEvent): WfRunState {
  if (event.type === 'WfRunStarted') {
    return {
      id: event.wfRunId,
      wfSpecId: event.wfSpecId,
      status: 'RUNNING',
      startTime: event.time,
      threadRuns: [],
      busyThreadRuns: [],
      ...(event.parentWfRunId === undefined ? {} : { parentWfRunId: event.parentWfRunId }),
    };
  }
  if (!state) throw new InvariantError(`${event.type} before WfRunStarted`);
  return fold(state.busyThreadRuns ? state : withThreadIndex(state), event);
}

function fold(state: WfRunState, event: Exclude<WfRunEvent, { type: 'WfRunStarted' }>): WfRunState {
  switch (event.type) {
    case 'ThreadRunStarted': {
      const thread: ThreadRunState = {
        number: event.threadRunNumber,
        threadSpecName: event.threadSpecName,
        status: 'RUNNING',
        parentThreadRunNumber: event.parentThreadRunNumber,
        startTime: event.time,
        variables: event.variables,
        nextPosition: 0,
        kind: event.kind ?? (event.threadRunNumber === 0 ? 'ENTRYPOINT' : 'CHILD'),
      };
      const threadRuns = [...state.threadRuns, thread];
      const parent = event.parentThreadRunNumber === undefined ? undefined : threadRuns[event.parentThreadRunNumber];
      if (parent) threadRuns[parent.number] = { ...parent, childThreadRunNumbers: [...(parent.childThreadRunNumbers ?? []), thread.number] };
      // A thread starts with no NodeRun, parked; its parent's children do not change whether the parent is.
      return { ...state, threadRuns };
    }
    case 'NodeRunStarted':
      return updateThread(state, event.threadRunNumber, (t) => ({
        ...t,
        nextPosition: event.position + 1,
        currentNodeRun: {
          position: event.position,
          nodeName: event.nodeName,
          nodeType: event.nodeType,
          status: 'RUNNING',
          arrivalTime: event.time,
        },
      }));
    case 'TaskRunScheduled':
      if (event.userTaskTrigger) return scheduleTriggered(state, event);
      return updateNodeRun(state, event.threadRunNumber, (n) => ({
        ...n,
        taskRun: scheduledTaskRun(event),
      }));
    case 'TaskRetryPending':
      if (own(state.triggeredTaskRuns, event.taskGuid)) return updateTriggered(state, event.taskGuid, (r) => ({ ...r, attempt: event.attempt, status: 'TASK_PENDING' }));
      return updateNodeRun(state, event.threadRunNumber, (n) => ({
        ...n,
        taskRun: n.taskRun && { ...n.taskRun, attempt: event.attempt, status: 'TASK_PENDING' },
      }));
    case 'ExternalEventReceived':
      return {
        ...state,
        pendingExternalEvents: [
          ...(state.pendingExternalEvents ?? []),
          { guid: event.guid, externalEventDefName: event.externalEventDefName, content: event.content, time: event.time, ...pinsOf(event) },
        ],
      };
    case 'InterruptTriggered':
      return updateThread(state, event.threadRunNumber, (t) => ({
        ...t,
        pendingInterrupts: [...(t.pendingInterrupts ?? []), { guid: event.guid, handlerSpecName: event.handlerSpecName, content: event.content }],
      }));
    case 'InterruptHandlerStarted':
      return updateThread(state, event.threadRunNumber, (t) => {
        const pendingInterrupts = (t.pendingInterrupts ?? []).slice(1);
        const haltReasons = [...(t.haltReasons ?? []).filter((r) => r !== 'PENDING_INTERRUPT' || pendingInterrupts.length > 0), 'INTERRUPTED' as const];
        return {
          ...t,
          status: 'HALTED',
          pendingInterrupts: pendingInterrupts.length > 0 ? pendingInterrupts : undefined,
          haltReasons: [...new Set(haltReasons)],
          interruptHandlerThreadRunNumber: event.handlerThreadRunNumber,
          interruptHandlers: [...interruptHandlersOf(t), event.handlerThreadRunNumber],
        };
      });
    case 'ChildFailureHandlerStarted':
      return updateNodeRun(state, event.threadRunNumber, (n) => ({
        ...n,
        childFailureHandlers: [...(n.childFailureHandlers ?? []), { childThreadRunNumber: event.childThreadRunNumber, handlerThreadRunNumber: event.handlerThreadRunNumber }],
      }));
    case 'WorkflowEventThrown':
      return {
        ...state,
        workflowEventCounts: { ...state.workflowEventCounts, [event.workflowEventDefName]: event.number + 1 },
      };
    case 'ExternalEventClaimed': {
      const pending = (state.pendingExternalEvents ?? []).filter((e) => e.guid !== event.guid);
      return { ...state, pendingExternalEvents: pending.length > 0 ? pending : undefined };
    }
    case 'UserTaskRunCreated':
      return updateNodeRun(state, event.threadRunNumber, (n) => ({
        ...n,
        userTaskRun: {
          userTaskGuid: event.userTaskGuid,
          userTaskDefName: event.userTaskDefName,
          userTaskDefVersion: event.userTaskDefVersion,
          status: event.userId === undefined ? 'UNASSIGNED' : 'ASSIGNED',
          ...(event.userId === undefined ? {} : { userId: event.userId }),
          ...(event.userGroup === undefined ? {} : { userGroup: event.userGroup }),
          ...(event.notes === undefined ? {} : { notes: event.notes }),
          ...(event.maskedNotes ? { maskedNotes: true } : {}),
          epoch: event.epoch,
        },
      }));
    case 'UserTaskRunAssigned':
      return updateUserTaskRun(state, event.threadRunNumber, ({ userId: _, userGroup: __, ...u }) => ({
        ...u,
        status: event.userId === undefined ? 'UNASSIGNED' : 'ASSIGNED',
        ...(event.userId === undefined ? {} : { userId: event.userId }),
        ...(event.userGroup === undefined ? {} : { userGroup: event.userGroup }),
        epoch: event.epoch,
      }));
    case 'UserTaskRunCompleted':
    case 'UserTaskRunCancelled': {
      const status = event.type === 'UserTaskRunCompleted' ? 'DONE' : 'CANCELLED';
      const next = updateUserTaskRun(state, event.threadRunNumber, (u) => ({ ...u, status }));
      const { lastCommentId, commentIds } = next.threadRuns[event.threadRunNumber]?.currentNodeRun?.userTaskRun ?? {};
      const ended: EndedUserTaskRunState = {
        status,
        ...(lastCommentId === undefined ? {} : { lastCommentId }),
        ...(commentIds === undefined ? {} : { commentIds }),
      };
      return { ...next, endedUserTaskRuns: { ...next.endedUserTaskRuns, [event.userTaskGuid]: ended } };
    }
    case 'UserTaskRunCommented':
      return updateComments(state, event.threadRunNumber, event.userTaskGuid, (c) => ({
        lastCommentId: event.userCommentId,
        commentIds: [...(c.commentIds ?? []), event.userCommentId],
      }));
    case 'UserTaskRunCommentDeleted':
      return updateComments(state, event.threadRunNumber, event.userTaskGuid, (c) => ({ commentIds: (c.commentIds ?? []).filter((id) => id !== event.userCommentId) }));
    case 'UserTaskRunProgressSaved':
      return updateUserTaskRun(state, event.threadRunNumber, (u) => ({ ...u, savedResults: event.results }));
    case 'CorrelationKeySet':
    case 'UserTaskRunCommentEdited':
      // History only: the projections keep correlation keys and comment texts; no decision reads them.
      return state;
    case 'TimerSet': {
      // Timers live in the server's timer table; the state keeps only a timestamp sleep's target, to see it change.
      const { purpose } = event;
      if (purpose.type !== 'SLEEP' || purpose.until === undefined) return state;
      return updateNodeRun(state, purpose.threadRunNumber, (n) => ({ ...n, sleepUntil: purpose.until }));
    }
    case 'TimerFired':
      return state;
    case 'TaskAttemptSucceeded':
      if (own(state.triggeredTaskRuns, event.taskGuid)) return updateTriggered(state, event.taskGuid, () => undefined);
      return updateNodeRun(state, event.threadRunNumber, (n) => ({
        ...n,
        taskRun: n.taskRun && { ...n.taskRun, status: 'TASK_SUCCESS' },
      }));
    case 'TaskAttemptFailed':
      if (own(state.triggeredTaskRuns, event.taskGuid)) return failTriggered(state, event.taskGuid, event.status);
      return updateNodeRun(state, event.threadRunNumber, (n) => ({
        ...n,
        taskRun: n.taskRun && { ...n.taskRun, status: event.status },
      }));
    case 'NodeRunCompleted': {
      const next = updateThread(state, event.threadRunNumber, (t) => {
        const n = t.currentNodeRun;
        if (!n) throw new InvariantError(`ThreadRun ${event.threadRunNumber} has no current NodeRun`);
        const currentNodeRun: NodeRunState = { ...n, status: 'COMPLETED', endTime: event.time, output: event.output, ...(event.maskedOutput ? { maskedOutput: true } : {}) };
        // Kept only when its thread reads it by name (`referenced`). An EXIT's output is the thread's, not a node output
        // (LittleHorse's ExitRun has none); one without an output leaves the one an earlier NodeRun of the node had
        // (LittleHorse's storeNodeOutput).
        if (event.output === undefined || event.referenced !== true || n.nodeType === 'EXIT') return { ...t, currentNodeRun };
        const kept: NodeOutputState = event.maskedOutput ? { output: event.output, masked: true } : { output: event.output };
        return { ...t, currentNodeRun, nodeOutputs: { ...t.nodeOutputs, [n.nodeName]: kept } };
      });
      if (!event.handledFailedChildren?.length) return next;
      const handled = event.handledFailedChildren;
      return updateThread(next, event.threadRunNumber, (t) => ({ ...t, handledFailedChildren: [...(t.handledFailedChildren ?? []), ...handled] }));
    }
    case 'NodeRunFailed':
      return updateNodeRun(state, event.threadRunNumber, (n) => ({
        ...n,
        status: event.status,
        endTime: event.time,
        failure: event.failure,
        ...(event.waitedForThreads ? { waitedForThreads: event.waitedForThreads } : {}),
      }));
    case 'VariableAssigned':
      return updateThread(state, event.threadRunNumber, (t) => ({ ...t, variables: { ...t.variables, [event.name]: event.value } }));
    case 'ThreadRunCompleted':
      return updateThread(state, event.threadRunNumber, ({ nodeOutputs: _, ...t }) => ({
        ...t,
        status: 'COMPLETED',
        endTime: event.time,
        currentNodeRun: undefined,
        ...(event.output === undefined ? {} : { output: event.output }),
      }));
    case 'ThreadRunFailed':
      return updateThread(state, event.threadRunNumber, (t) => ({
        ...t,
        status: event.status,
        endTime: event.time,
        failure: event.failure,
      }));
    case 'ThreadRunRescued': {
      const next = updateThread(state, event.threadRunNumber, (t) => ({
        ...t,
        status: 'RUNNING',
        endTime: undefined,
        failure: undefined,
        currentNodeRun: t.currentNodeRun && (event.skipCurrentNode ? { ...t.currentNodeRun, failureHandled: true } : t.currentNodeRun),
      }));
      return event.threadRunNumber === 0 ? { ...next, status: 'RUNNING', endTime: undefined, failure: undefined } : next;
    }
    case 'ThreadRunHalting':
    case 'ThreadRunHalted': {
      const status = event.type === 'ThreadRunHalting' ? 'HALTING' : 'HALTED';
      const next = updateThread(state, event.threadRunNumber, (t) => ({
        ...t,
        status,
        haltReasons: addReason(t.haltReasons, event.reason),
        ...(event.type === 'ThreadRunHalted' && event.failureHandlerThreadRunNumber !== undefined
          ? { failureHandlerThreadRunNumber: event.failureHandlerThreadRunNumber }
          : {}),
      }));
      return mirrorThreadZero(next, event.threadRunNumber);
    }
    case 'ThreadRunResumed': {
      const next = updateThread(state, event.threadRunNumber, (t) => {
        const haltReasons = (t.haltReasons ?? []).filter((r) => r !== event.reason);
        return {
          ...t,
          status: haltReasons.length === 0 ? 'RUNNING' : t.status,
          haltReasons: haltReasons.length === 0 ? undefined : haltReasons,
          failureHandlerThreadRunNumber: event.reason === 'HANDLING_FAILURE' ? undefined : t.failureHandlerThreadRunNumber,
          interruptHandlerThreadRunNumber: event.reason === 'INTERRUPTED' ? undefined : t.interruptHandlerThreadRunNumber,
          interruptHandlers: event.reason === 'INTERRUPTED' ? undefined : t.interruptHandlers,
          currentNodeRun: t.currentNodeRun && (event.failureHandled ? { ...t.currentNodeRun, failureHandled: true } : t.currentNodeRun),
          ...(event.handledFailedChildren?.length
            ? { handledFailedChildren: [...(t.handledFailedChildren ?? []), ...event.handledFailedChildren] }
            : {}),
        };
      });
      return mirrorThreadZero(next, event.threadRunNumber);
    }
    case 'WfRunMigrated':
      return { ...state, wfSpecId: event.toWfSpecId };
    case 'WfRunCompleted':
      return { ...state, status: 'COMPLETED', endTime: event.time, ...(event.output === undefined ? {} : { output: event.output }) };
    case 'WfRunFailed':
      return { ...state, status: event.status, endTime: event.time, failure: event.failure };
    case 'ChildWfRunRequested':
      return { ...state, childWfRuns: { ...state.childWfRuns, [event.childWfRunId]: { wfSpecName: event.wfSpecName, status: 'RUNNING' } } };
    case 'ChildWfRunAwaited':
      return updateNodeRun(state, event.threadRunNumber, (n) => ({ ...n, childWfRunId: event.childWfRunId }));
    case 'ChildWfRunReported': {
      const child = own(state.childWfRuns, event.childWfRunId);
      if (!child) throw new InvariantError(`WfRun ${state.id} never started child WfRun ${event.childWfRunId}`);
      // A new report replaces the last one whole: a child rescued after an ERROR drops its failure.
      const next: ChildWfRunState = {
        wfSpecName: child.wfSpecName,
        status: event.status,
        ...(event.output === undefined ? {} : { output: event.output }),
        ...(event.maskedOutput ? { maskedOutput: true } : {}),
        ...(event.failure === undefined ? {} : { failure: event.failure }),
      };
      return { ...state, childWfRuns: { ...state.childWfRuns, [event.childWfRunId]: next } };
    }
    default:
      return assertNever(event);
  }
}

/**
 * A stopped entrypoint thread stops the WfRun (HALTING, then HALTED); handling a failure keeps it RUNNING
 * (LittleHorse).
 */
function mirrorThreadZero(state: WfRunState, threadRunNumber: number): WfRunState {
  const thread = state.threadRuns[0];
  if (threadRunNumber !== 0 || !thread || isTerminal(thread.status) || isTerminal(state.status)) return state;
  const status = thread.haltReasons?.includes('MANUAL') ? thread.status : 'RUNNING';
  return state.status === status ? state : { ...state, status };
}

/** A halt reason joins the list once; a failure handler starting replaces the pending failure it was waiting for. */
function addReason(reasons: readonly HaltReason[] | undefined, reason: HaltReason | undefined): readonly HaltReason[] | undefined {
  if (reason === undefined || reasons?.includes(reason)) return reasons;
  const kept = reason === 'HANDLING_FAILURE' ? (reasons ?? []).filter((r) => r !== 'PENDING_FAILURE') : (reasons ?? []);
  return [...kept, reason];
}

/** Rebuilds a WfRun's state from its whole history. */
export function replay(events: readonly WfRunEvent[]): WfRunState | undefined {
  return events.reduce<WfRunState | undefined>(evolve, undefined);
}

function updateThread(state: WfRunState, number: number, change: (t: ThreadRunState) => ThreadRunState): WfRunState {
  const thread = state.threadRuns[number];
  if (!thread) throw new InvariantError(`ThreadRun ${number} does not exist in WfRun ${state.id}`);
  const threadRuns = state.threadRuns.slice();
  const changed = change(thread);
  threadRuns[number] = changed;
  // Every change to a ThreadRun after it started comes through here (ThreadRunStarted adds it to its parent's
  // children itself), so its parent's counts of its children and busyThreadRuns (those not parked) stay exact.
  if (thread.status !== changed.status) {
    const was = outcomeOf(thread.status);
    const is = outcomeOf(changed.status);
    const parent = was === is || changed.parentThreadRunNumber === undefined ? undefined : threadRuns[changed.parentThreadRunNumber];
    if (parent) threadRuns[parent.number] = tally(tally(parent, was, -1), is, 1);
  }
  const busy = state.busyThreadRuns ?? [];
  const at = sortedIndex(busy, number);
  const wasBusy = busy[at] === number;
  if (wasBusy !== isParked(changed)) return { ...state, threadRuns };
  const busyThreadRuns = busy.slice();
  if (wasBusy) busyThreadRuns.splice(at, 1);
  else busyThreadRuns.splice(at, 0, number);
  return { ...state, threadRuns, busyThreadRuns };
}

/** Where `number` is or would go in the ascending `list` (binary search). */
function sortedIndex(list: readonly number[], number: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((list[mid] as number) < number) low = mid + 1;
    else high = mid;
  }
  return low;
}

type Outcome = 'completedChildren' | 'failedChildren' | undefined;

/** Which of its parent's counts a ThreadRun of this status is in. */
function outcomeOf(status: ThreadRunState['status']): Outcome {
  if (status === 'COMPLETED') return 'completedChildren';
  return status === 'ERROR' || status === 'EXCEPTION' ? 'failedChildren' : undefined;
}

/** `parent` with `delta` added to one of its children counts, the count left out at 0. */
function tally(parent: ThreadRunState, outcome: Outcome, delta: number): ThreadRunState {
  if (!outcome) return parent;
  const { [outcome]: count = 0, ...rest } = parent;
  return count + delta === 0 ? rest : { ...rest, [outcome]: count + delta };
}

/**
 * A state written before evolve kept `busyThreadRuns` and the ThreadRuns' children (`childThreadRunNumbers` and their
 * counts), with them added as replaying its whole history would have kept them: one walk over the ThreadRuns, once.
 */
function withThreadIndex(state: WfRunState): WfRunState {
  const children = new Map<number, number[]>();
  for (const thread of state.threadRuns) {
    if (thread.parentThreadRunNumber === undefined) continue;
    const siblings = children.get(thread.parentThreadRunNumber);
    if (siblings) siblings.push(thread.number);
    else children.set(thread.parentThreadRunNumber, [thread.number]);
  }
  const threadRuns = state.threadRuns.map((thread) => {
    const childThreadRunNumbers = children.get(thread.number);
    if (!childThreadRunNumbers) return thread;
    return childThreadRunNumbers.reduce<ThreadRunState>((t, child) => tally(t, outcomeOf(state.threadRuns[child]?.status ?? 'RUNNING'), 1), { ...thread, childThreadRunNumbers });
  });
  return { ...state, threadRuns, busyThreadRuns: threadRuns.filter((t) => !isParked(t)).map((t) => t.number) };
}

/** The TaskRun a TaskRunScheduled makes, a node's or a user task action's. */
function scheduledTaskRun(event: Extract<WfRunEvent, { type: 'TaskRunScheduled' }>): TaskRunState {
  return {
    taskGuid: event.taskGuid,
    taskDefName: event.taskDefName,
    input: event.input,
    attempt: event.attempt,
    status: 'TASK_SCHEDULED',
    ...(event.timeoutSeconds === undefined ? {} : { timeoutSeconds: event.timeoutSeconds }),
    ...(event.returnType === undefined ? {} : { returnType: event.returnType }),
    ...(event.maskedOutput ? { maskedOutput: true } : {}),
  };
}

/**
 * A user task action's TaskRun is scheduled: attempt 0 joins `triggeredTaskRuns`, with the node and action that made
 * it (for its retries to find), and a retry replaces it.
 */
function scheduleTriggered(state: WfRunState, event: Extract<WfRunEvent, { type: 'TaskRunScheduled' }>): WfRunState {
  const trigger = event.userTaskTrigger;
  if (!trigger) return state;
  // A retry recorded before retries named the user and group names neither: it keeps its first attempt's. Folded onto
  // a snapshot stored before the state kept them, it has none to keep and names no one in the state; workers are not
  // told otherwise, since task_runs keeps the first attempt's user and group.
  const earlier = own(state.triggeredTaskRuns, event.taskGuid);
  const userId = trigger.userId ?? earlier?.userId;
  const userGroup = trigger.userGroup ?? earlier?.userGroup;
  const run: TriggeredTaskRunState = {
    ...scheduledTaskRun(event),
    threadRunNumber: event.threadRunNumber,
    position: event.position,
    nodeName: trigger.nodeName,
    actionIndex: trigger.actionIndex,
    ...(userId === undefined ? {} : { userId }),
    ...(userGroup === undefined ? {} : { userGroup }),
  };
  return { ...state, triggeredTaskRuns: { ...state.triggeredTaskRuns, [event.taskGuid]: run } };
}

/** Changes a user task action's TaskRun, or drops it when `change` returns undefined (it ended). */
function updateTriggered(state: WfRunState, guid: string, change: (r: TriggeredTaskRunState) => TriggeredTaskRunState | undefined): WfRunState {
  const { [guid]: run, ...others } = state.triggeredTaskRuns ?? {};
  if (!run) return state;
  const next = change(run);
  const runs = next ? { ...others, [guid]: next } : others;
  return { ...state, triggeredTaskRuns: Object.keys(runs).length > 0 ? runs : undefined };
}

/**
 * An attempt of a user task action's TaskRun failed. A retry may follow (a TaskRunScheduled or TaskRetryPending in
 * the same decision), which evolve cannot tell, so the TaskRun stays, with the failed status; the ones that had
 * failed before it go, since a failure's retry always comes right after it.
 */
function failTriggered(state: WfRunState, guid: string, status: TaskStatus): WfRunState {
  const runs = Object.fromEntries(
    Object.entries(state.triggeredTaskRuns ?? {})
      .filter(([key, r]) => key === guid || isLive(r.status))
      .map(([key, r]): [string, TriggeredTaskRunState] => [key, key === guid ? { ...r, status } : r]),
  );
  return { ...state, triggeredTaskRuns: runs };
}

function isLive(status: TaskStatus): boolean {
  return status === 'TASK_SCHEDULED' || status === 'TASK_RUNNING' || status === 'TASK_PENDING';
}

function updateNodeRun(state: WfRunState, number: number, change: (n: NodeRunState) => NodeRunState): WfRunState {
  return updateThread(state, number, (t) => {
    if (!t.currentNodeRun) throw new InvariantError(`ThreadRun ${number} has no current NodeRun`);
    return { ...t, currentNodeRun: change(t.currentNodeRun) };
  });
}

function updateUserTaskRun(state: WfRunState, number: number, change: (u: UserTaskRunState) => UserTaskRunState): WfRunState {
  return updateNodeRun(state, number, (n) => {
    if (!n.userTaskRun) throw new InvariantError(`ThreadRun ${number} has no UserTaskRun`);
    return { ...n, userTaskRun: change(n.userTaskRun) };
  });
}

type CommentIds = Pick<UserTaskRunState, 'lastCommentId' | 'commentIds'>;

/**
 * Changes the comment ids of a UserTaskRun wherever the state keeps them: on the NodeRun its thread stands on, while
 * it does, and among the ended ones, once it has ended (both while an ended one's failed node is still current).
 */
function updateComments(state: WfRunState, number: number, guid: string, change: (c: CommentIds) => CommentIds): WfRunState {
  const ended = own(state.endedUserTaskRuns, guid);
  const current = state.threadRuns[number]?.currentNodeRun?.userTaskRun?.userTaskGuid === guid;
  if (!ended && !current) throw new InvariantError(`WfRun ${state.id} has no UserTaskRun ${guid} to comment on`);
  const next = current ? updateUserTaskRun(state, number, (u) => ({ ...u, ...change(u) })) : state;
  return ended ? { ...next, endedUserTaskRuns: { ...next.endedUserTaskRuns, [guid]: { ...ended, ...change(ended) } } } : next;
}

export function assertNever(value: never): never {
  throw new InvariantError(`Unexpected value ${JSON.stringify(value)}`);
}

/** An event's pins, those it has. */
export function pinsOf(event: { readonly threadRunNumber?: number | undefined; readonly nodeRunPosition?: number | undefined }): {
  threadRunNumber?: number;
  nodeRunPosition?: number;
} {
  return {
    ...(event.threadRunNumber === undefined ? {} : { threadRunNumber: event.threadRunNumber }),
    ...(event.nodeRunPosition === undefined ? {} : { nodeRunPosition: event.nodeRunPosition }),
  };
}
