import type { Rejection } from '../../errors.ts';
import { describeValue } from '../../values/value.ts';
import { evaluate } from '../assignments.ts';
import type { FireTimer } from '../commands.ts';
import type { Session } from '../session.ts';
import { isTerminal } from '../state.ts';
import type { ArriveHandler, CheckHandler } from './types.ts';
import type { SleepNode } from '../../spec/types.ts';
import type { ThreadRunState } from '../state.ts';

/**
 * SLEEP sets a timer for `rawSeconds` from now, or for the `timestamp` (epoch milliseconds); a time already
 * passed completes the node at once. A value that is not an INT fails the node with VAR_SUB_ERROR.
 */
export const arriveAtSleep: ArriveHandler<'SLEEP'> = (s, thread, node) => {
  const position = s.thread(thread.number).currentNodeRun?.position ?? 0;
  const target = targetOf(s, s.thread(thread.number), node);
  if (!target.ok) return failSleep(s, thread.number, position, target.message);
  const until = node.rawSeconds ? undefined : target.fireAt;
  sleepUntil(s, thread.number, position, target.fireAt, until);
};

/**
 * A sleep until a timestamp follows its value (LittleHorse re-evaluates it whenever the WfRun moves): a changed
 * time sets a new timer, one already passed wakes the node now, one that no longer evaluates fails it.
 */
export const checkSleep: CheckHandler<'SLEEP'> = (s, thread, node) => {
  const nodeRun = thread.currentNodeRun;
  if (!node.timestamp || !nodeRun || nodeRun.sleepUntil === undefined) return false;
  const target = targetOf(s, thread, node);
  if (!target.ok) {
    failSleep(s, thread.number, nodeRun.position, target.message);
    return true;
  }
  if (target.fireAt === nodeRun.sleepUntil) return false;
  sleepUntil(s, thread.number, nodeRun.position, target.fireAt, target.fireAt);
  return true;
};

function targetOf(s: Session, thread: ThreadRunState, node: SleepNode): { ok: true; fireAt: number } | { ok: false; message: string } {
  const source = node.rawSeconds ?? node.timestamp;
  const value = source ? evaluate(s, thread, source) : undefined;
  if (!value) return { ok: false, message: 'SLEEP needs rawSeconds or timestamp.' };
  if (!value.ok) return { ok: false, message: value.failure.message };
  if (typeof value.value !== 'number' || !Number.isSafeInteger(value.value)) return { ok: false, message: `SLEEP needs an INT; got ${describeValue(value.value)}.` };
  return { ok: true, fireAt: node.rawSeconds ? s.ctx.now + value.value * 1000 : value.value };
}

function sleepUntil(s: Session, threadRunNumber: number, position: number, fireAt: number, until: number | undefined): void {
  if (fireAt <= s.ctx.now) {
    s.emit({ type: 'NodeRunCompleted', threadRunNumber, position });
    return;
  }
  // A moved timestamp gets a timer of its own; the old one finds `until` changed and does nothing.
  const timerId = until === undefined ? `${threadRunNumber}-${position}/sleep` : `${threadRunNumber}-${position}/sleep@${until}`;
  s.emit({ type: 'TimerSet', timerId, fireAt, purpose: { type: 'SLEEP', threadRunNumber, position, ...(until === undefined ? {} : { until }) } });
}

function failSleep(s: Session, threadRunNumber: number, position: number, message: string): void {
  s.emit({ type: 'NodeRunFailed', threadRunNumber, position, status: 'ERROR', failure: { name: 'VAR_SUB_ERROR', message } });
}

/** The sleep's timer came due: the NodeRun completes, unless the thread has moved on or stopped. */
export function wakeFromSleep(s: Session, command: FireTimer): Rejection | undefined {
  const { purpose } = command;
  if (purpose.type !== 'SLEEP') return { code: 'STALE_TIMER', message: `Timer ${command.timerId} is not a sleep.` };
  const thread = s.state.threadRuns[purpose.threadRunNumber];
  const nodeRun = thread?.currentNodeRun;
  // A stopped thread still wakes: the node completes, and the thread goes on when it resumes.
  if (
    !thread ||
    isTerminal(thread.status) ||
    nodeRun?.position !== purpose.position ||
    nodeRun.status !== 'RUNNING' ||
    nodeRun.nodeType !== 'SLEEP' ||
    (purpose.until !== undefined && purpose.until !== nodeRun.sleepUntil)
  ) {
    return { code: 'STALE_TIMER', message: `Timer ${command.timerId} has nothing left to do.` };
  }
  s.emit({ type: 'TimerFired', timerId: command.timerId });
  s.emit({ type: 'NodeRunCompleted', threadRunNumber: thread.number, position: nodeRun.position });
  return undefined;
}
