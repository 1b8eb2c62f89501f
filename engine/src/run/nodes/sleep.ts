import type { Rejection } from '../../errors.ts';
import { describeValue } from '../../values/value.ts';
import { evaluate } from '../assignments.ts';
import type { FireTimer } from '../commands.ts';
import type { Session } from '../session.ts';
import { isTerminal } from '../state.ts';
import type { ArriveHandler } from './types.ts';

/**
 * SLEEP sets a timer for `rawSeconds` from now, or for the `timestamp` (epoch milliseconds); a time already
 * passed completes the node at once. A value that is not an INT fails the node with VAR_SUB_ERROR.
 */
export const arriveAtSleep: ArriveHandler<'SLEEP'> = (s, thread, node) => {
  const position = s.thread(thread.number).currentNodeRun?.position ?? 0;
  const source = node.rawSeconds ?? node.timestamp;
  const value = source ? evaluate(s, s.thread(thread.number), source) : undefined;
  const fail = (message: string) =>
    s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position, status: 'ERROR', failure: { name: 'VAR_SUB_ERROR', message } });
  if (!value) return fail('SLEEP needs rawSeconds or timestamp.');
  if (!value.ok) return fail(value.failure.message);
  if (typeof value.value !== 'number' || !Number.isSafeInteger(value.value)) return fail(`SLEEP needs an INT; got ${describeValue(value.value)}.`);
  const fireAt = node.rawSeconds ? s.ctx.now + value.value * 1000 : value.value;
  if (fireAt <= s.ctx.now) {
    s.emit({ type: 'NodeRunCompleted', threadRunNumber: thread.number, position });
    return;
  }
  s.emit({ type: 'TimerSet', timerId: `${thread.number}-${position}/sleep`, fireAt, purpose: { type: 'SLEEP', threadRunNumber: thread.number, position } });
};

/** The sleep's timer came due: the NodeRun completes, unless the thread has moved on or stopped. */
export function wakeFromSleep(s: Session, command: FireTimer): Rejection | undefined {
  const { purpose } = command;
  if (purpose.type !== 'SLEEP') return { code: 'STALE_TIMER', message: `Timer ${command.timerId} is not a sleep.` };
  const thread = s.state.threadRuns[purpose.threadRunNumber];
  const nodeRun = thread?.currentNodeRun;
  // A stopped thread still wakes: the node completes, and the thread goes on when it resumes.
  if (!thread || isTerminal(thread.status) || nodeRun?.position !== purpose.position || nodeRun.status !== 'RUNNING' || nodeRun.nodeType !== 'SLEEP') {
    return { code: 'STALE_TIMER', message: `Timer ${command.timerId} has nothing left to do.` };
  }
  s.emit({ type: 'TimerFired', timerId: command.timerId });
  s.emit({ type: 'NodeRunCompleted', threadRunNumber: thread.number, position: nodeRun.position });
  return undefined;
}
