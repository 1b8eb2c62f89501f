import { evaluate, isMaskedSource } from '../assignments.ts';
import type { ArriveHandler } from './types.ts';

/**
 * THROW_EVENT throws its WorkflowEvent and completes; content that cannot be evaluated is VAR_SUB_ERROR. Content made
 * from a masked variable or node output is a secret the API hides (LittleHorse shows it).
 */
export const arriveAtThrowEvent: ArriveHandler<'THROW_EVENT'> = (s, thread, node) => {
  const current = s.thread(thread.number);
  const position = current.currentNodeRun?.position ?? 0;
  const content = node.content ? evaluate(s, current, node.content) : { ok: true as const, value: null };
  if (!content.ok) {
    s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position, status: 'ERROR', failure: content.failure });
    return;
  }
  const number = s.state.workflowEventCounts?.[node.workflowEventDefName] ?? 0;
  const masked = node.content && isMaskedSource(s, current, node.content) ? { maskedContent: true as const } : {};
  s.emit({ type: 'WorkflowEventThrown', workflowEventDefName: node.workflowEventDefName, number, content: content.value, ...masked, threadRunNumber: thread.number, position });
  s.emit({ type: 'NodeRunCompleted', threadRunNumber: thread.number, position });
};
