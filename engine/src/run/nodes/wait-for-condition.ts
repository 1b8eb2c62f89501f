import { holds } from '../assignments.ts';
import type { ArriveHandler, CheckHandler } from './types.ts';

export const arriveAtWaitForCondition: ArriveHandler<'WAIT_FOR_CONDITION'> = (s, thread, node) => {
  checkWaitForCondition(s, s.thread(thread.number), node);
};

/** Completes once the condition holds; a condition that cannot be evaluated fails the node with VAR_SUB_ERROR. */
export const checkWaitForCondition: CheckHandler<'WAIT_FOR_CONDITION'> = (s, thread, node) => {
  const position = thread.currentNodeRun?.position ?? 0;
  const result = holds(s, thread, node.condition);
  if (!result.ok) {
    s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position, status: 'ERROR', failure: result.failure });
    return true;
  }
  if (!result.value) return false;
  s.emit({ type: 'NodeRunCompleted', threadRunNumber: thread.number, position });
  return true;
};
