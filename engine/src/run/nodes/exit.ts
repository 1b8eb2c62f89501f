import { own } from '../../spec/own.ts';
import { nodeOutputsRead, variablesRead } from '../../spec/reads.ts';
import { evaluate } from '../assignments.ts';
import { maskedVariableNames } from '../mask.ts';
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
    s.emit({
      type: 'NodeRunFailed',
      threadRunNumber: thread.number,
      position,
      status: 'EXCEPTION',
      failure: { name: failureDef.failureName, message: failureDef.message, content: content?.ok ? content.value : null },
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
  // The value of a masked variable, or a masked TaskDef's output, stays a secret as the thread's output: the API
  // hides it on this NodeRun too.
  const masked = maskedVariableNames(s.ctx.wfSpec);
  const secret =
    output &&
    (variablesRead(node.returnContent).some((read) => masked.has(read)) ||
      nodeOutputsRead(node.returnContent).some((name) => own(thread.nodeOutputs, name)?.masked === true));
  s.emit({ type: 'NodeRunCompleted', threadRunNumber: thread.number, position, ...(output ? { output: output.value } : {}), ...(secret ? { maskedOutput: true } : {}) });
  return true;
};
