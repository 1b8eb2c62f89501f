import { own } from '../spec/own.ts';
import type { NodeType } from '../spec/types.ts';
import type { JsonValue } from '../values/value.ts';
import { applyMutations, holds } from './assignments.ts';
import { statusOfFailure } from './failure.ts';
import type { Failure } from './failure.ts';
import { arriveAtEntrypoint } from './nodes/entrypoint.ts';
import { arriveAtExit, checkExit } from './nodes/exit.ts';
import { arriveAtExternalEvent, checkExternalEvent } from './nodes/external-event.ts';
import { arriveAtNop } from './nodes/nop.ts';
import { arriveAtSleep } from './nodes/sleep.ts';
import { arriveAtTask } from './nodes/task.ts';
import { arriveAtThrowEvent } from './nodes/throw-event.ts';
import { arriveAtStartMultipleThreads, arriveAtStartThread, arriveAtWaitForThreads, checkWaitForThreads } from './nodes/threads.ts';
import { arriveAtUserTask, cancelUserTaskOfHaltedThread, checkUserTask } from './nodes/user-task.ts';
import { arriveAtWaitForCondition, checkWaitForCondition } from './nodes/wait-for-condition.ts';
import type { ArriveHandler, CheckHandler } from './nodes/types.ts';
import type { Session } from './session.ts';
import { initialValues } from './variables.ts';
import { handlerFor } from './failure-handlers.ts';
import { finishHalting } from './halting.ts';
import { settleInterrupt } from './interrupts.ts';
import type { ThreadRunKind, ThreadRunState } from './state.ts';
import { isTerminal } from './state.ts';

const arrive: { [K in NodeType]: ArriveHandler<K> } = {
  ENTRYPOINT: arriveAtEntrypoint,
  TASK: arriveAtTask,
  EXIT: arriveAtExit,
  NOP: arriveAtNop,
  START_THREAD: arriveAtStartThread((s, name, variables, parent) => startThread(s, name, variables, parent)),
  START_MULTIPLE_THREADS: arriveAtStartMultipleThreads((s, name, variables, parent) => startThread(s, name, variables, parent)),
  WAIT_FOR_THREADS: arriveAtWaitForThreads,
  WAIT_FOR_CONDITION: arriveAtWaitForCondition,
  SLEEP: arriveAtSleep,
  EXTERNAL_EVENT: arriveAtExternalEvent,
  THROW_EVENT: arriveAtThrowEvent,
  USER_TASK: arriveAtUserTask,
};

/** Nodes that wait on the WfRun itself rather than on the world, checked again on every pass. */
const recheck: { [K in NodeType]?: CheckHandler<K> } = {
  EXIT: checkExit,
  WAIT_FOR_THREADS: checkWaitForThreads,
  WAIT_FOR_CONDITION: checkWaitForCondition,
  EXTERNAL_EVENT: checkExternalEvent,
  USER_TASK: checkUserTask,
};

/** LittleHorse gives up on a command after this many passes and fails thread 0 with INTERNAL_ERROR. */
const MAX_PASSES = 512;

/** Moves every thread as far as it can go without waiting on the world, then stops. */
export function advance(s: Session): void {
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let moved = false;
    for (const thread of s.state.threadRuns) {
      // Whatever halted the thread (a stop, an interrupt, a parent halting or failing), a person's task ends with it.
      if (thread.status !== 'RUNNING' && cancelUserTaskOfHaltedThread(s, thread.number)) moved = true;
      if (thread.status === 'RUNNING' && advanceThread(s, thread.number)) moved = true;
      else if (thread.status === 'HALTING' && finishHalting(s, thread)) moved = true;
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
  failThread(s, s.thread(0), { name: 'INTERNAL_ERROR', message: `The WfRun did not settle within ${MAX_PASSES} passes.` });
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
      const failure = nodeRun.failure ?? { name: 'INTERNAL_ERROR', message: 'The node failed without a failure.' };
      const handler = handlerFor(s.node(thread, nodeRun.nodeName).failureHandlers, failure);
      if (handler && own(s.ctx.wfSpec.threadSpecs, handler.handlerSpecName)) startFailureHandler(s, thread, handler.handlerSpecName, failure);
      else failThread(s, thread, failure);
      return true;
    }
    case 'RUNNING': {
      const check = recheck[nodeRun.nodeType] as CheckHandler<NodeType> | undefined;
      return check ? check(s, thread, s.node(thread, nodeRun.nodeName) as never) : false;
    }
    default:
      return false;
  }
}

/**
 * Takes the first outgoing edge whose condition holds, runs its mutations and arrives at its sink. LittleHorse: no
 * edge matching, or a condition or mutation that cannot be evaluated, fails the node with VAR_SUB_ERROR.
 */
function leaveNode(s: Session, thread: ThreadRunState, skipMutations = false): void {
  const nodeRun = thread.currentNodeRun;
  if (!nodeRun) return;
  const fail = (failure: Failure) =>
    s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position: nodeRun.position, status: statusOfFailure(failure), failure });
  const edges = s.node(thread, nodeRun.nodeName).outgoingEdges ?? [];
  for (const edge of edges) {
    const taken = holds(s, thread, edge.condition);
    if (!taken.ok) return fail(taken.failure);
    if (!taken.value) continue;
    const failure = skipMutations ? undefined : applyMutations(s, thread, edge.variableMutations ?? [], nodeRun.output);
    if (failure) return fail(failure);
    return arriveAt(s, s.thread(thread.number), edge.sinkNodeName);
  }
  fail({
    name: 'VAR_SUB_ERROR',
    message: edges.length === 0 ? `Node '${nodeRun.nodeName}' has no outgoing edge.` : `No outgoing edge of node '${nodeRun.nodeName}' matched.`,
  });
}

/** Starts a new NodeRun of `nodeName` in `thread` and runs the node kind's arrival. */
export function arriveAt(s: Session, thread: ThreadRunState, nodeName: string): void {
  const node = s.node(thread, nodeName);
  s.emit({ type: 'NodeRunStarted', threadRunNumber: thread.number, position: thread.nextPosition, nodeName, nodeType: node.type });
  const handler = arrive[node.type] as ArriveHandler<typeof node.type>;
  handler(s, s.thread(thread.number), node as never);
}

function completeThread(s: Session, thread: ThreadRunState): void {
  s.emit({ type: 'ThreadRunCompleted', threadRunNumber: thread.number });
  if (thread.number === 0) s.emit({ type: 'WfRunCompleted' });
}

/**
 * Halts a thread whose node failed and starts the handler thread as its child (LittleHorse: the handler sees the
 * failed thread's variables, and its INPUT variable, if it declares one, holds the failure's content).
 */
function startFailureHandler(s: Session, thread: ThreadRunState, handlerSpecName: string, failure: Failure): void {
  const defs = own(s.ctx.wfSpec.threadSpecs, handlerSpecName)?.variableDefs ?? [];
  const variables = initialValues(defs);
  if (defs.some((d) => d.name === 'INPUT')) variables.INPUT = failure.content ?? null;
  const handlerNumber = s.state.threadRuns.length;
  s.emit({ type: 'ThreadRunHalted', threadRunNumber: thread.number, reason: 'HANDLING_FAILURE', failureHandlerThreadRunNumber: handlerNumber });
  startThread(s, handlerSpecName, variables, thread.number, 'FAILURE_HANDLER');
}

/** Resumes a thread whose failure handler completed, or fails it with the handler's own failure. */
function settleFailureHandler(s: Session, thread: ThreadRunState): boolean {
  const handler = thread.failureHandlerThreadRunNumber === undefined ? undefined : s.state.threadRuns[thread.failureHandlerThreadRunNumber];
  if (!handler) return false;
  if (handler.status === 'COMPLETED') {
    // LittleHorse: a handler on WAIT_FOR_THREADS deals with every failed child, so EXIT no longer counts them.
    const handledFailedChildren =
      thread.currentNodeRun?.nodeType === 'WAIT_FOR_THREADS'
        ? s.state.threadRuns
            .filter((t) => t.parentThreadRunNumber === thread.number && t.kind !== 'FAILURE_HANDLER' && (t.status === 'ERROR' || t.status === 'EXCEPTION'))
            .map((t) => t.number)
        : [];
    s.emit({
      type: 'ThreadRunResumed',
      threadRunNumber: thread.number,
      reason: 'HANDLING_FAILURE',
      failureHandled: true,
      ...(handledFailedChildren.length > 0 ? { handledFailedChildren } : {}),
    });
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
  for (const child of s.state.threadRuns) {
    if (child.parentThreadRunNumber !== parent) continue;
    if (!isTerminal(child.status) && !child.haltReasons?.includes('PARENT_FAILED')) {
      s.emit({ type: 'ThreadRunHalted', threadRunNumber: child.number, reason: 'PARENT_FAILED' });
    }
    haltDescendants(s, child.number);
  }
}
