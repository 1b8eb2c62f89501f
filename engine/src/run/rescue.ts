import type { Rejection } from '../errors.ts';
import { arriveAt, takenEdge } from './advance.ts';
import type { ChildWfRunRescued, RescueThreadRun } from './commands.ts';
import { resumeThread } from './halting.ts';
import { childOf } from './nodes/child-wf.ts';
import { handledChildFailure } from './nodes/threads.ts';
import type { Session } from './session.ts';

/**
 * LittleHorse's RescueThreadRun: a thread in ERROR (never EXCEPTION: a business failure is the WfSpec's to handle)
 * runs its failed node again as a new NodeRun, or leaves it by its edges when `skipCurrentNode`. Children halted by
 * its failure resume, and an ancestor that failed with CHILD_FAILURE at WAIT_FOR_THREADS or EXIT because of it is
 * rescued too, waiting at that node again.
 */
export function rescueThreadRun(s: Session, command: RescueThreadRun): Rejection | undefined {
  const number = command.threadRunNumber ?? 0;
  const thread = s.state.threadRuns[number];
  if (!thread) return { code: 'UNKNOWN_THREAD_RUN', message: `WfRun ${s.state.id} has no ThreadRun ${number}.` };
  if (thread.status !== 'ERROR' || !thread.currentNodeRun) {
    return { code: 'NOT_RESCUABLE', message: `ThreadRun ${number} is ${thread.status}; only a ThreadRun that failed with an ERROR can be rescued.` };
  }
  // LittleHorse: a failure an ancestor has dealt with (a WAIT_FOR_THREADS handler, or WAIT_FOR_ANY going on without
  // it) is settled; running the thread again would make its parent wait for it once more.
  for (let child = thread; child.parentThreadRunNumber !== undefined; ) {
    const parent = s.thread(child.parentThreadRunNumber);
    if (handledChildFailure(s, parent, child.number)) {
      return { code: 'NOT_RESCUABLE', message: `ThreadRun ${child.number}'s failure was already handled by its parent, ThreadRun ${parent.number}.` };
    }
    child = parent;
  }
  // LittleHorse: a rescue that skips the failed node but cannot leave it by its edges is refused, nothing changed.
  if (command.skipCurrentNode) {
    const taken = takenEdge(s, thread);
    if (!taken.ok) return { code: 'NOT_RESCUABLE', message: `ThreadRun ${number} cannot skip node '${thread.currentNodeRun.nodeName}': ${taken.failure.message}` };
  }
  rescue(s, number, command.skipCurrentNode ?? false);
  return undefined;
}

function rescue(s: Session, number: number, skipCurrentNode: boolean): void {
  const failedNode = s.thread(number).currentNodeRun?.nodeName;
  s.emit({ type: 'ThreadRunRescued', threadRunNumber: number, skipCurrentNode });
  resumeHaltedByFailure(s, number);
  if (!skipCurrentNode && failedNode) arriveAt(s, s.thread(number), failedNode);

  const parentNumber = s.thread(number).parentThreadRunNumber;
  const parent = parentNumber === undefined ? undefined : s.state.threadRuns[parentNumber];
  const waiting = parent?.currentNodeRun?.nodeType;
  if (parent && parent.status === 'ERROR' && parent.failure?.name === 'CHILD_FAILURE' && (waiting === 'WAIT_FOR_THREADS' || waiting === 'EXIT')) {
    rescue(s, parent.number, false);
  }
}

/** A failure halts every live descendant PARENT_FAILED (advance.ts haltDescendants); a rescue lifts it from all. */
function resumeHaltedByFailure(s: Session, parent: number): void {
  for (const child of s.children(parent)) {
    resumeThread(s, child.number, 'PARENT_FAILED');
    resumeHaltedByFailure(s, child.number);
  }
}

/**
 * A child WfRun that ended with an ERROR was rescued. LittleHorse rescues the parent's waiting thread with it; here
 * that takes a notice from the child (the RescueParentWfRun effect, sent back as ChildWfRunRescued): the child
 * counts as RUNNING again, and every thread that failed with CHILD_FAILURE waiting for it (unless a handler above it
 * dealt with that) is rescued like RescueThreadRun would, waiting at its WAIT_FOR_CHILD_WF again. A notice that
 * changes nothing is refused as a duplicate.
 */
export function rescueChildWfRunWaiters(s: Session, command: ChildWfRunRescued): Rejection | undefined {
  const child = childOf(s.state, command.childWfRunId);
  if (!child) return { code: 'UNKNOWN_CHILD_WF_RUN', message: `WfRun ${s.state.id} never started a child WfRun ${command.childWfRunId}.` };
  const waiters =
    s.state.status === 'COMPLETED'
      ? []
      : s.state.threadRuns.filter((thread) => {
          const nodeRun = thread.currentNodeRun;
          const parent = thread.parentThreadRunNumber === undefined ? undefined : s.state.threadRuns[thread.parentThreadRunNumber];
          return (
            thread.status === 'ERROR' &&
            thread.failure?.name === 'CHILD_FAILURE' &&
            nodeRun?.nodeType === 'WAIT_FOR_CHILD_WF' &&
            nodeRun.childWfRunId === command.childWfRunId &&
            !parent?.handledFailedChildren?.includes(thread.number)
          );
        });
  if (child.status !== 'ERROR' && waiters.length === 0) {
    return { code: 'DUPLICATE_CHILD_WF_RUN_REPORT', message: `Child WfRun ${command.childWfRunId} is ${child.status} and no thread failed waiting for it; the notice changes nothing.` };
  }
  if (child.status === 'ERROR') s.emit({ type: 'ChildWfRunReported', childWfRunId: command.childWfRunId, status: 'RUNNING' });
  for (const { number } of waiters) {
    // An earlier rescue in this loop may have reached it already, through an ancestor.
    if (s.thread(number).status === 'ERROR') rescue(s, number, false);
  }
  return undefined;
}
