import type { NodeType } from '../spec/types.ts';
import type { JsonValue } from '../values/value.ts';
import { applyMutations, holds } from './assignments.ts';
import { statusOfFailure } from './failure.ts';
import type { Failure } from './failure.ts';
import { arriveAtEntrypoint } from './nodes/entrypoint.ts';
import { arriveAtExit, checkExit } from './nodes/exit.ts';
import { arriveAtNop } from './nodes/nop.ts';
import { arriveAtTask } from './nodes/task.ts';
import { arriveAtStartThread, arriveAtWaitForThreads, checkWaitForThreads } from './nodes/threads.ts';
import type { ArriveHandler, CheckHandler } from './nodes/types.ts';
import type { Session } from './session.ts';
import type { ThreadRunState } from './state.ts';
import { isTerminal } from './state.ts';

const arrive: { [K in NodeType]: ArriveHandler<K> } = {
  ENTRYPOINT: arriveAtEntrypoint,
  TASK: arriveAtTask,
  EXIT: arriveAtExit,
  NOP: arriveAtNop,
  START_THREAD: arriveAtStartThread((s, name, variables, parent) => startThread(s, name, variables, parent)),
  WAIT_FOR_THREADS: arriveAtWaitForThreads,
};

/** Nodes that wait on the WfRun itself rather than on the world, checked again on every pass. */
const recheck: { [K in NodeType]?: CheckHandler<K> } = {
  EXIT: checkExit,
  WAIT_FOR_THREADS: checkWaitForThreads,
};

/** LittleHorse gives up on a command after this many passes and fails thread 0 with INTERNAL_ERROR. */
const MAX_PASSES = 512;

/** Moves every thread as far as it can go without waiting on the world, then stops. */
export function advance(s: Session): void {
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let moved = false;
    for (const thread of s.state.threadRuns) {
      if (thread.status === 'RUNNING' && advanceThread(s, thread.number)) moved = true;
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
): void {
  const threadRunNumber = s.state.threadRuns.length;
  s.emit({ type: 'ThreadRunStarted', threadRunNumber, threadSpecName, parentThreadRunNumber, variables });
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
    case 'EXCEPTION':
      // TODO(#3): failure handlers; until then a failed node fails its thread.
      failThread(s, thread, nodeRun.failure ?? { name: 'INTERNAL_ERROR', message: 'The node failed without a failure.' });
      return true;
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
function leaveNode(s: Session, thread: ThreadRunState): void {
  const nodeRun = thread.currentNodeRun;
  if (!nodeRun) return;
  const fail = (failure: Failure) =>
    s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position: nodeRun.position, status: statusOfFailure(failure), failure });
  const edges = s.node(thread, nodeRun.nodeName).outgoingEdges ?? [];
  for (const edge of edges) {
    const taken = holds(s, thread, edge.condition);
    if (!taken.ok) return fail(taken.failure);
    if (!taken.value) continue;
    const failure = applyMutations(s, thread, edge.variableMutations ?? [], nodeRun.output);
    if (failure) return fail(failure);
    return arriveAt(s, s.thread(thread.number), edge.sinkNodeName);
  }
  fail({
    name: 'VAR_SUB_ERROR',
    message: edges.length === 0 ? `Node '${nodeRun.nodeName}' has no outgoing edge.` : `No outgoing edge of node '${nodeRun.nodeName}' matched.`,
  });
}

function arriveAt(s: Session, thread: ThreadRunState, nodeName: string): void {
  const node = s.node(thread, nodeName);
  s.emit({ type: 'NodeRunStarted', threadRunNumber: thread.number, position: thread.nextPosition, nodeName, nodeType: node.type });
  const handler = arrive[node.type] as ArriveHandler<typeof node.type>;
  handler(s, s.thread(thread.number), node as never);
}

function completeThread(s: Session, thread: ThreadRunState): void {
  s.emit({ type: 'ThreadRunCompleted', threadRunNumber: thread.number });
  if (thread.number === 0) s.emit({ type: 'WfRunCompleted' });
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
    if (!isTerminal(child.status) && child.status !== 'HALTED') s.emit({ type: 'ThreadRunHalted', threadRunNumber: child.number });
    haltDescendants(s, child.number);
  }
}
