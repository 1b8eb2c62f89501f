import type { Rejection } from '../errors.ts';
import { arriveAt } from './advance.ts';
import type { RescueThreadRun } from './commands.ts';
import { resumeThread } from './halting.ts';
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
  rescue(s, number, command.skipCurrentNode ?? false);
  return undefined;
}

function rescue(s: Session, number: number, skipCurrentNode: boolean): void {
  const failedNode = s.thread(number).currentNodeRun?.nodeName;
  s.emit({ type: 'ThreadRunRescued', threadRunNumber: number, skipCurrentNode });
  for (const child of s.state.threadRuns) {
    if (child.parentThreadRunNumber === number) resumeThread(s, child.number, 'PARENT_FAILED');
  }
  if (!skipCurrentNode && failedNode) arriveAt(s, s.thread(number), failedNode);

  const parentNumber = s.thread(number).parentThreadRunNumber;
  const parent = parentNumber === undefined ? undefined : s.state.threadRuns[parentNumber];
  const waiting = parent?.currentNodeRun?.nodeType;
  if (parent && parent.status === 'ERROR' && parent.failure?.name === 'CHILD_FAILURE' && (waiting === 'WAIT_FOR_THREADS' || waiting === 'EXIT')) {
    rescue(s, parent.number, false);
  }
}
