import type { Rejection } from '../../errors.ts';
import { parseIsoDate } from '../../values/iso-date.ts';
import { coerce } from '../../values/mutate.ts';
import { widen } from '../../values/value.ts';
import { describeRead, evaluate } from '../assignments.ts';
import type { FireTimer } from '../commands.ts';
import type { Session } from '../session.ts';
import { isTerminal } from '../state.ts';
import type { ArriveHandler, CheckHandler } from './types.ts';
import type { SleepNode } from '../../spec/types.ts';
import type { ThreadRunState } from '../state.ts';

/**
 * SLEEP sets a timer for `rawSeconds` from now, for the `timestamp` (epoch milliseconds) or for the `isoDate`; a
 * time already passed sets one due now. A value that cannot be read as such fails the node with VAR_SUB_ERROR.
 */
export const arriveAtSleep: ArriveHandler<'SLEEP'> = (s, thread, node) => {
  const position = s.thread(thread.number).currentNodeRun?.position ?? 0;
  const target = targetOf(s, s.thread(thread.number), node);
  if (!target.ok) return failSleep(s, thread.number, position, target.message);
  // A timestamp or a date is read again as the WfRun moves; seconds count from the arrival only.
  const until = node.rawSeconds ? undefined : target.fireAt;
  sleepUntil(s, thread.number, position, target.fireAt, until);
};

/**
 * A sleep until a timestamp or a date follows its value (LittleHorse re-evaluates it whenever the WfRun moves): a
 * changed time sets a new timer (due now if the time has passed), one that no longer evaluates fails the node.
 */
export const checkSleep: CheckHandler<'SLEEP'> = (s, thread, node) => {
  const nodeRun = thread.currentNodeRun;
  if (node.rawSeconds || !nodeRun || nodeRun.sleepUntil === undefined) return false;
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
  const source = node.rawSeconds ?? node.timestamp ?? node.isoDate;
  const value = source ? evaluate(s, thread, source) : undefined;
  if (!value) return { ok: false, message: 'SLEEP needs rawSeconds, timestamp or isoDate.' };
  if (!value.ok) return { ok: false, message: value.failure.message };
  if (node.isoDate && !node.rawSeconds && !node.timestamp) {
    // As LittleHorse reads it: the value as text, then the instant it names.
    const text = value.value === null ? undefined : widen(value.value, 'STR');
    const fireAt = typeof text === 'string' ? parseIsoDate(text) : undefined;
    if (fireAt === undefined) return { ok: false, message: `SLEEP needs an ISO-8601 date and time with an offset, such as 2026-12-24T18:00:00Z; got ${describeRead(s, thread, source, value.value)}.` };
    return { ok: true, fireAt };
  }
  // As LittleHorse reads an INT: a DOUBLE truncated, a STR of digits parsed.
  const int = value.value === null ? undefined : coerce(value.value, 'INT');
  if (!int?.ok || typeof int.value !== 'number') return { ok: false, message: `SLEEP needs an INT; got ${describeRead(s, thread, source, value.value)}.` };
  return { ok: true, fireAt: node.rawSeconds ? s.ctx.now + int.value * 1000 : int.value };
}

function sleepUntil(s: Session, threadRunNumber: number, position: number, fireAt: number, until: number | undefined): void {
  // Even a sleep already over waits for its timer, as in LittleHorse: the command ends there, so a loop around a
  // zero sleep takes one pass per timer (not all of them in one command) and a stop or an interrupt can act between.
  // A moved timestamp gets a timer of its own; the old one finds `until` changed and does nothing.
  const timerId = until === undefined ? `${threadRunNumber}-${position}/sleep` : `${threadRunNumber}-${position}/sleep@${until}`;
  s.emit({ type: 'TimerSet', timerId, fireAt: Math.max(fireAt, s.ctx.now), purpose: { type: 'SLEEP', threadRunNumber, position, ...(until === undefined ? {} : { until }) } });
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
