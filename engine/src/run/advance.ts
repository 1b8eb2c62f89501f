import { own } from '../spec/own.ts';
import type { Edge, NodeType } from '../spec/types.ts';
import type { JsonValue } from '../values/value.ts';
import { applyMutations, holds } from './assignments.ts';
import { statusOfFailure } from './failure.ts';
import type { Failure } from './failure.ts';
import { arriveAtRunChildWf, arriveAtWaitForChildWf, checkWaitForChildWf } from './nodes/child-wf.ts';
import { arriveAtEntrypoint } from './nodes/entrypoint.ts';
import { arriveAtExit, checkExit } from './nodes/exit.ts';
import { arriveAtExternalEvent, checkExternalEvent } from './nodes/external-event.ts';
import { arriveAtNop } from './nodes/nop.ts';
import { arriveAtSleep, checkSleep } from './nodes/sleep.ts';
import { arriveAtTask } from './nodes/task.ts';
import { arriveAtThrowEvent } from './nodes/throw-event.ts';
import { arriveAtStartMultipleThreads, arriveAtStartThread, arriveAtWaitForThreads, checkWaitForThreads } from './nodes/threads.ts';
import { arriveAtUserTask, cancelUserTaskOfHaltedThread, checkUserTask } from './nodes/user-task.ts';
import { arriveAtWaitForCondition, checkWaitForCondition } from './nodes/wait-for-condition.ts';
import type { ArriveHandler, CheckHandler } from './nodes/types.ts';
import type { Session } from './session.ts';
import { handlerVariables } from './variables.ts';
import { handlerFor } from './failure-handlers.ts';
import { finishHalting, haltThread, resumeThread } from './halting.ts';
import { settleInterrupt } from './interrupts.ts';
import type { NodeRunState, NodeTypeCheckedAgain, ThreadRunKind, ThreadRunState } from './state.ts';
import { isParked, isTerminal } from './state.ts';

const arrive: { [K in NodeType]: ArriveHandler<K> } = {
  ENTRYPOINT: arriveAtEntrypoint,
  TASK: arriveAtTask,
  EXIT: arriveAtExit,
  NOP: arriveAtNop,
  START_THREAD: arriveAtStartThread((s, name, variables, parent) => startThread(s, name, variables, parent)),
  START_MULTIPLE_THREADS: arriveAtStartMultipleThreads((s, name, variables, parent) => startThread(s, name, variables, parent)),
  WAIT_FOR_THREADS: arriveAtWaitForThreads((s, name, variables, parent, kind) => startThread(s, name, variables, parent, kind)),
  WAIT_FOR_CONDITION: arriveAtWaitForCondition,
  SLEEP: arriveAtSleep,
  EXTERNAL_EVENT: arriveAtExternalEvent,
  THROW_EVENT: arriveAtThrowEvent,
  RUN_CHILD_WF: arriveAtRunChildWf,
  WAIT_FOR_CHILD_WF: arriveAtWaitForChildWf,
  USER_TASK: arriveAtUserTask,
};

/** Nodes that wait on the WfRun itself rather than on the world, checked again on every pass. */
const recheck: { [K in NodeTypeCheckedAgain]: CheckHandler<K> } = {
  EXIT: checkExit,
  WAIT_FOR_THREADS: checkWaitForThreads((s, name, variables, parent, kind) => startThread(s, name, variables, parent, kind)),
  WAIT_FOR_CONDITION: checkWaitForCondition,
  EXTERNAL_EVENT: checkExternalEvent,
  SLEEP: checkSleep,
  WAIT_FOR_CHILD_WF: checkWaitForChildWf,
  USER_TASK: checkUserTask,
};

/** LittleHorse gives up on a command after this many passes and fails thread 0 with INTERNAL_ERROR. */
const MAX_PASSES = 512;

/**
 * Moves every thread as far as it can go without waiting on the world, then stops. Each pass looks at the threads in
 * order of their numbers, as the state stood when the pass began, but only at the busy ones (`busyThreadRuns`):
 * a parked thread does nothing when looked at (isParked), so a step of a WfRun with thousands of threads waiting on
 * their TaskRuns looks at a handful, not at all of them on every pass.
 */
export function advance(s: Session): void {
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let moved = false;
    const threads = s.state.threadRuns;
    // A state written before busyThreadRuns existed gets it at its first event; until then, every thread.
    for (const number of s.state.busyThreadRuns ?? threads.map((t) => t.number)) {
      const thread = threads[number];
      if (!thread || isParked(thread)) continue;
      // Whatever halted the thread (a stop, an interrupt, a parent halting or failing), a person's task ends with it.
      if (thread.status !== 'RUNNING' && cancelUserTaskOfHaltedThread(s, thread.number)) moved = true;
      if (thread.status === 'RUNNING' && advanceThread(s, thread.number)) moved = true;
      else if (thread.status === 'HALTING' && finishHalting(s, thread)) moved = true;
      else if (thread.status === 'HALTED' && thread.haltReasons?.includes('PENDING_FAILURE') && startPendingFailureHandler(s, thread)) moved = true;
      else if (thread.status === 'HALTED' && thread.haltReasons?.includes('HANDLING_FAILURE') && settleFailureHandler(s, thread)) moved = true;
      else if (
        (thread.status === 'HALTED' || thread.status === 'HALTING') &&
        (thread.haltReasons?.includes('PENDING_INTERRUPT') || thread.haltReasons?.includes('INTERRUPTED')) &&
        settleInterrupt(s, thread, (s2, name, variables, parent) => startThread(s2, name, variables, parent, 'INTERRUPT'), failThread)
      ) {
        moved = true;
      }
    }
    if (!moved) return;
  }
  // Where it went round: a loop of nodes that never wait and never leave, most likely.
  const moving = s.state.threadRuns.filter((t) => t.status === 'RUNNING' && t.currentNodeRun).slice(0, 3);
  const where = moving.map((t) => `ThreadRun ${t.number} at '${t.currentNodeRun?.nodeName}'`).join(', ');
  failThread(s, s.thread(0), {
    name: 'INTERNAL_ERROR',
    message: `The WfRun did not settle within ${MAX_PASSES} passes${where ? ` (${where})` : ''}: a loop of nodes that never wait must have a way out.`,
  });
}

/** Starts a thread at its ENTRYPOINT with its variables' first values. */
export function startThread(
  s: Session,
  threadSpecName: string,
  variables: Readonly<Record<string, JsonValue>>,
  parentThreadRunNumber?: number,
  kind: ThreadRunKind = parentThreadRunNumber === undefined ? 'ENTRYPOINT' : 'CHILD',
): void {
  const threadRunNumber = s.state.threadRuns.length;
  s.emit({ type: 'ThreadRunStarted', threadRunNumber, threadSpecName, parentThreadRunNumber, kind, variables });
  const thread = s.thread(threadRunNumber);
  const entry = Object.entries(s.threadSpec(thread).nodes).find(([, node]) => node.type === 'ENTRYPOINT');
  if (!entry) return failThread(s, thread, { name: 'INTERNAL_ERROR', message: `ThreadSpec ${threadSpecName} has no ENTRYPOINT.` });
  arriveAt(s, thread, entry[0]);
}

/** One step of one thread; returns whether it changed anything. */
function advanceThread(s: Session, number: number): boolean {
  const thread = s.thread(number);
  const nodeRun = thread.currentNodeRun;
  if (!nodeRun) return false;
  switch (nodeRun.status) {
    case 'COMPLETED': {
      if (nodeRun.nodeType === 'EXIT') {
        completeThread(s, thread);
        return true;
      }
      leaveNode(s, thread);
      return true;
    }
    case 'ERROR':
    case 'EXCEPTION': {
      // LittleHorse: after its handler completes, the thread leaves the failed node by its edges, mutations skipped.
      if (nodeRun.failureHandled) {
        leaveNode(s, thread, true);
        return true;
      }
      const failure = failureOf(nodeRun);
      // LittleHorse: with a handler, the thread and its descendants halt first; the handler starts once they have.
      if (handlerSpecFor(s, thread)) haltThread(s, thread.number, 'PENDING_FAILURE');
      else failThread(s, thread, failure);
      return true;
    }
    case 'RUNNING': {
      const check = (recheck as { [K in NodeType]?: CheckHandler<K> })[nodeRun.nodeType] as CheckHandler<NodeType> | undefined;
      return check ? check(s, thread, s.node(thread, nodeRun.nodeName) as never) : false;
    }
    default:
      return false;
  }
}

/**
 * The first outgoing edge of the thread's current node whose condition holds. LittleHorse: no edge matching, or a
 * condition that cannot be evaluated, is a VAR_SUB_ERROR.
 */
export function takenEdge(s: Session, thread: ThreadRunState): { ok: true; edge: Edge } | { ok: false; failure: Failure } {
  const nodeName = thread.currentNodeRun?.nodeName ?? '';
  const edges = s.node(thread, nodeName).outgoingEdges ?? [];
  for (const edge of edges) {
    const taken = holds(s, thread, edge.condition);
    if (!taken.ok) return taken;
    if (taken.value) return { ok: true, edge };
  }
  return {
    ok: false,
    failure: { name: 'VAR_SUB_ERROR', message: edges.length === 0 ? `Node '${nodeName}' has no outgoing edge.` : `No outgoing edge of node '${nodeName}' matched.` },
  };
}

/**
 * Takes the edge `takenEdge` picks, runs its mutations and arrives at its sink; a failure there fails the node. A
 * thread leaving a failure its handler dealt with (or a rescue skipped) skips the mutations, and if it cannot leave,
 * fails at once with no handler asked again (LittleHorse's maybeAdvanceFromFailedNodeRun, failWithoutGrace).
 */
function leaveNode(s: Session, thread: ThreadRunState, afterFailure = false): void {
  const nodeRun = thread.currentNodeRun;
  if (!nodeRun) return;
  const fail = (failure: Failure) =>
    afterFailure
      ? failThread(s, thread, failure)
      : s.emit({
          type: 'NodeRunFailed',
          threadRunNumber: thread.number,
          position: nodeRun.position,
          status: statusOfFailure(failure),
          failure,
          // A WAIT_FOR_THREADS that fails leaving has settled its children already: a handler settles no more.
          ...(nodeRun.nodeType === 'WAIT_FOR_THREADS' ? { waitedForThreads: [] } : {}),
        });
  const taken = takenEdge(s, thread);
  if (!taken.ok) return fail(taken.failure);
  const failure = afterFailure ? undefined : applyMutations(s, thread, taken.edge.variableMutations ?? [], nodeRun.output);
  if (failure) return fail(failure);
  return arriveAt(s, s.thread(thread.number), taken.edge.sinkNodeName);
}

/** Starts a new NodeRun of `nodeName` in `thread` and runs the node kind's arrival. */
export function arriveAt(s: Session, thread: ThreadRunState, nodeName: string): void {
  const node = s.node(thread, nodeName);
  s.emit({ type: 'NodeRunStarted', threadRunNumber: thread.number, position: thread.nextPosition, nodeName, nodeType: node.type });
  const handler = arrive[node.type] as ArriveHandler<typeof node.type>;
  handler(s, s.thread(thread.number), node as never);
}

/**
 * The EXIT's output (its returnContent) becomes the thread's, and thread 0's the WfRun's, a secret if the EXIT's was
 * (exit.ts): the flag on WfRunCompleted is what a parent WfRun learns it by.
 */
function completeThread(s: Session, thread: ThreadRunState): void {
  const nodeRun = thread.currentNodeRun;
  const output = nodeRun?.output;
  const carried = output === undefined ? {} : nodeRun?.maskedOutput ? { output, maskedOutput: true as const } : { output };
  s.emit({ type: 'ThreadRunCompleted', threadRunNumber: thread.number, ...carried });
  if (thread.number === 0) s.emit({ type: 'WfRunCompleted', ...carried });
}

/** The handler ThreadSpec for the failure of `thread`'s current NodeRun, if one of the node's handlers catches it. */
function handlerSpecFor(s: Session, thread: ThreadRunState): string | undefined {
  const nodeRun = thread.currentNodeRun;
  if (!nodeRun) return undefined;
  const handler = handlerFor(s.node(thread, nodeRun.nodeName).failureHandlers, failureOf(nodeRun));
  return handler && own(s.ctx.wfSpec.threadSpecs, handler.handlerSpecName) ? handler.handlerSpecName : undefined;
}

function failureOf(nodeRun: NodeRunState): Failure {
  return nodeRun.failure ?? { name: 'INTERNAL_ERROR', message: 'The node failed without a failure.' };
}

/**
 * Starts the handler of a failed thread once it and all its descendants have halted, as the failed thread's child
 * (LittleHorse: the handler sees its variables, and its INPUT variable, if it declares one, holds the failure's
 * content). A thread also stopped by hand waits for its resume.
 */
function startPendingFailureHandler(s: Session, thread: ThreadRunState): boolean {
  if (thread.haltReasons?.some((r) => r === 'MANUAL' || r === 'PARENT_HALTED' || r === 'PARENT_FAILED')) return false;
  if (!descendantsStill(s, thread.number)) return false;
  const handlerSpecName = handlerSpecFor(s, thread);
  const nodeRun = thread.currentNodeRun;
  if (!handlerSpecName || !nodeRun) return false;
  const failure = failureOf(nodeRun);
  const variables = handlerVariables(own(s.ctx.wfSpec.threadSpecs, handlerSpecName)?.variableDefs ?? [], failure.content ?? null);
  const handlerNumber = s.state.threadRuns.length;
  s.emit({ type: 'ThreadRunHalted', threadRunNumber: thread.number, reason: 'HANDLING_FAILURE', failureHandlerThreadRunNumber: handlerNumber });
  startThread(s, handlerSpecName, variables, thread.number, 'FAILURE_HANDLER');
  return true;
}

/** Whether every descendant of thread `parent` has halted or ended. */
function descendantsStill(s: Session, parent: number): boolean {
  return s.children(parent).every((t) => (t.status === 'HALTED' || isTerminal(t.status)) && descendantsStill(s, t.number));
}

/** Resumes a thread whose failure handler completed, or fails it with the handler's own failure. */
function settleFailureHandler(s: Session, thread: ThreadRunState): boolean {
  const handler = thread.failureHandlerThreadRunNumber === undefined ? undefined : s.state.threadRuns[thread.failureHandlerThreadRunNumber];
  if (!handler) return false;
  if (handler.status === 'COMPLETED') {
    // LittleHorse (HandlingFailureHaltReasonModel.isResolved): a handler on WAIT_FOR_THREADS deals with the failed
    // children that node waited for, so EXIT no longer counts them; a NodeRun failed before it recorded them, every
    // failed child.
    const nodeRun = thread.currentNodeRun;
    const waitedFor = nodeRun?.waitedForThreads;
    const handledFailedChildren =
      nodeRun?.nodeType === 'WAIT_FOR_THREADS'
        ? s.children(thread.number)
            .filter((t) => t.kind !== 'FAILURE_HANDLER' && (t.status === 'ERROR' || t.status === 'EXCEPTION'))
            .filter((t) => !waitedFor || waitedFor.includes(t.number))
            .map((t) => t.number)
        : [];
    s.emit({
      type: 'ThreadRunResumed',
      threadRunNumber: thread.number,
      reason: 'HANDLING_FAILURE',
      failureHandled: true,
      ...(handledFailedChildren.length > 0 ? { handledFailedChildren } : {}),
    });
    // The children it halted for the handler go on with it.
    if (s.thread(thread.number).status === 'RUNNING') {
      for (const child of s.children(thread.number)) resumeThread(s, child.number, 'PARENT_HALTED');
    }
    return true;
  }
  if (handler.status === 'ERROR' || handler.status === 'EXCEPTION') {
    failThread(s, thread, handler.failure ?? { name: 'INTERNAL_ERROR', message: 'The failure handler failed without a failure.' });
    return true;
  }
  return false;
}

/** Fails a thread; its live descendants halt where they stand (LittleHorse: halted by parent, never resumed). */
function failThread(s: Session, thread: ThreadRunState, failure: Failure): void {
  const status = statusOfFailure(failure);
  s.emit({ type: 'ThreadRunFailed', threadRunNumber: thread.number, status, failure });
  haltDescendants(s, thread.number);
  if (thread.number === 0) s.emit({ type: 'WfRunFailed', status, failure });
}

function haltDescendants(s: Session, parent: number): void {
  for (const child of s.children(parent)) {
    if (!isTerminal(child.status) && !child.haltReasons?.includes('PARENT_FAILED')) {
      s.emit({ type: 'ThreadRunHalted', threadRunNumber: child.number, reason: 'PARENT_FAILED' });
    }
    haltDescendants(s, child.number);
  }
}
