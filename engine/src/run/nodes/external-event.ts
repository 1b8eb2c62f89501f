import type { Rejection } from '../../errors.ts';
import { describeValue, widen } from '../../values/value.ts';
import { describeRead, evaluate, isMaskedSource } from '../assignments.ts';
import type { FireTimer } from '../commands.ts';
import type { Session } from '../session.ts';
import type { ThreadRunState } from '../state.ts';
import { isTerminal } from '../state.ts';
import type { ArriveHandler, CheckHandler } from './types.ts';

/**
 * EXTERNAL_EVENT takes the oldest ExternalEvent of its def that is waiting in the WfRun, or waits for one, with a
 * timer when it has a timeout. A timeout that is not an INT fails the node with VAR_ERROR (LittleHorse).
 */
export const arriveAtExternalEvent: ArriveHandler<'EXTERNAL_EVENT'> = (s, thread, node) => {
  const current = s.thread(thread.number);
  if (checkExternalEvent(s, current, node)) return;
  const position = current.currentNodeRun?.position ?? 0;
  if (node.correlationKey) {
    // LittleHorse: a key that is not a STR is a VAR_ERROR; a blank one (our choice) could match nothing sent on purpose.
    // A number or BOOL is taken as its text, as validation (like every STR it checks) lets it through.
    const evaluated = evaluate(s, current, node.correlationKey);
    if (!evaluated.ok) {
      s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position, status: 'ERROR', failure: evaluated.failure });
      return;
    }
    const key = widen(evaluated.value, 'STR');
    // A key made from a masked variable or node output is as secret as one the node says to mask (our choice).
    const masked = node.maskCorrelationKey === true || isMaskedSource(s, current, node.correlationKey);
    if (typeof key !== 'string' || key.trim() === '') {
      const message = `The correlation key of an EXTERNAL_EVENT must be a non-blank STR; got ${masked ? 'a masked value' : describeValue(key)}.`;
      s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position, status: 'ERROR', failure: { name: 'VAR_ERROR', message } });
      return;
    }
    s.emit({
      type: 'CorrelationKeySet',
      threadRunNumber: thread.number,
      position,
      externalEventDefName: node.externalEventDefName,
      correlationKey: key,
      ...(masked ? { maskedCorrelationKey: true } : {}),
    });
  }
  if (!node.timeoutSeconds) return;
  const timeout = evaluate(s, current, node.timeoutSeconds);
  if (!timeout.ok || typeof timeout.value !== 'number' || !Number.isSafeInteger(timeout.value)) {
    const message = timeout.ok ? `The timeout of an EXTERNAL_EVENT must be an INT; got ${describeRead(s, current, node.timeoutSeconds, timeout.value)}.` : timeout.failure.message;
    // LittleHorse names this one VAR_ERROR (a handler on VAR_ERROR catches it; one on VAR_SUB_ERROR alone does not).
    s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position, status: 'ERROR', failure: { name: 'VAR_ERROR', message } });
    return;
  }
  s.emit({
    type: 'TimerSet',
    timerId: `${thread.number}-${position}/event-timeout`,
    fireAt: s.ctx.now + timeout.value * 1000,
    purpose: { type: 'EXTERNAL_EVENT_TIMEOUT', threadRunNumber: thread.number, position },
  });
};

/**
 * Takes the oldest waiting event of the node's def that is not pinned elsewhere, if there is one; LittleHorse's lower
 * thread numbers go first.
 */
export const checkExternalEvent: CheckHandler<'EXTERNAL_EVENT'> = (s, thread, node) => {
  const position = thread.currentNodeRun?.position;
  const event = s.state.pendingExternalEvents?.find(
    (e) =>
      e.externalEventDefName === node.externalEventDefName &&
      (e.threadRunNumber === undefined || e.threadRunNumber === thread.number) &&
      (e.nodeRunPosition === undefined || e.nodeRunPosition === position),
  );
  if (!event || position === undefined) return false;
  s.emit({ type: 'ExternalEventClaimed', guid: event.guid, threadRunNumber: thread.number, position });
  s.emit({ type: 'NodeRunCompleted', threadRunNumber: thread.number, position, output: event.content });
  return true;
};

/** The timeout of a waiting EXTERNAL_EVENT came due: it fails with TIMEOUT, unless it has taken an event since. */
export function timeOutExternalEvent(s: Session, command: FireTimer): Rejection | undefined {
  const { purpose } = command;
  if (purpose.type !== 'EXTERNAL_EVENT_TIMEOUT') return { code: 'STALE_TIMER', message: `Timer ${command.timerId} is not an event timeout.` };
  const thread: ThreadRunState | undefined = s.state.threadRuns[purpose.threadRunNumber];
  const nodeRun = thread?.currentNodeRun;
  if (!thread || isTerminal(thread.status) || nodeRun?.position !== purpose.position || nodeRun.status !== 'RUNNING' || nodeRun.nodeType !== 'EXTERNAL_EVENT') {
    return { code: 'STALE_TIMER', message: `Timer ${command.timerId} has nothing left to do.` };
  }
  const node = s.node(thread, nodeRun.nodeName);
  const defName = node.type === 'EXTERNAL_EVENT' ? node.externalEventDefName : '';
  s.emit({ type: 'TimerFired', timerId: command.timerId });
  s.emit({
    type: 'NodeRunFailed',
    threadRunNumber: thread.number,
    position: nodeRun.position,
    status: 'ERROR',
    failure: { name: 'TIMEOUT', message: `No ExternalEvent '${defName}' arrived in time.` },
  });
  return undefined;
}
