import { evaluate, isMaskedSource } from '../assignments.ts';
import { childrenSettled } from './threads.ts';
import type { ArriveHandler, CheckHandler } from './types.ts';

export const arriveAtExit: ArriveHandler<'EXIT'> = (s, thread, node) => {
  checkExit(s, s.thread(thread.number), node);
};

/**
 * With a failureDef, EXIT fails its thread with that business EXCEPTION at once, without waiting for children (the
 * failure halts them), as LittleHorse's does (it throws only non-reserved names; content that cannot be evaluated
 * becomes NULL rather than a second failure). Otherwise it waits until every child ThreadRun has ended or halted,
 * then completes, and the advance loop completes its thread; a child that failed fails it with CHILD_FAILURE. With
 * returnContent its value is the thread's output, carried on the EXIT NodeRun until the thread completes; a value
 * that cannot be evaluated fails the EXIT with VAR_ERROR (LittleHorse).
 */
export const checkExit: CheckHandler<'EXIT'> = (s, thread, node) => {
  const position = thread.currentNodeRun?.position ?? 0;
  const failureDef = node.failureDef;
  if (failureDef) {
    const content = failureDef.content ? evaluate(s, thread, failureDef.content) : undefined;
    // Thrown content made from a secret stays one, in this WfRun's failures and in a parent's that catches it.
    const secret = content?.ok === true && isMaskedSource(s, thread, failureDef.content);
    s.emit({
      type: 'NodeRunFailed',
      threadRunNumber: thread.number,
      position,
      status: 'EXCEPTION',
      failure: { name: failureDef.failureName, message: failureDef.message, content: content?.ok ? content.value : null, ...(secret ? { maskedContent: true } : {}) },
    });
    return true;
  }
  const children = childrenSettled(s, thread);
  if (!children.settled) return false;
  if (children.failure) {
    s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position, status: 'ERROR', failure: children.failure });
    return true;
  }
  const output = node.returnContent ? evaluate(s, thread, node.returnContent) : undefined;
  if (output && !output.ok) {
    s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position, status: 'ERROR', failure: { name: 'VAR_ERROR', message: output.failure.message } });
    return true;
  }
  // The value of a masked variable, or a masked node output, stays a secret as the thread's output: the API hides it
  // on this NodeRun, and the thread's and WfRun's completion take the flag from here (advance.ts).
  const secret = output && isMaskedSource(s, thread, node.returnContent);
  s.emit({ type: 'NodeRunCompleted', threadRunNumber: thread.number, position, ...(output ? { output: output.value } : {}), ...(secret ? { maskedOutput: true } : {}) });
  return true;
};
