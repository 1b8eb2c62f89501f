import { evaluate } from '../assignments.ts';
import type { ArriveHandler } from './types.ts';

/**
 * EXIT completes at once and the advance loop then completes its thread. With a failureDef it fails the thread
 * instead, with that business EXCEPTION (LittleHorse: EXIT throws only non-reserved names; content that cannot be
 * evaluated becomes NULL rather than a second failure).
 */
export const arriveAtExit: ArriveHandler<'EXIT'> = (s, thread, node) => {
  const position = s.thread(thread.number).currentNodeRun?.position ?? 0;
  const failureDef = node.failureDef;
  if (!failureDef) {
    s.emit({ type: 'NodeRunCompleted', threadRunNumber: thread.number, position });
    return;
  }
  const content = failureDef.content ? evaluate(s, s.thread(thread.number), failureDef.content) : undefined;
  s.emit({
    type: 'NodeRunFailed',
    threadRunNumber: thread.number,
    position,
    status: 'EXCEPTION',
    failure: { name: failureDef.failureName, message: failureDef.message, content: content?.ok ? content.value : null },
  });
};
