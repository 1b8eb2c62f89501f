import { own } from '../spec/own.ts';
import type { PutExternalEvent } from './commands.ts';
import { haltThread, resumeThread } from './halting.ts';
import type { Session } from './session.ts';
import type { ThreadRunState } from './state.ts';
import { interruptHandlersOf, isTerminal } from './state.ts';
import { handlerVariables } from './variables.ts';
import type { JsonValue } from '../values/value.ts';
import type { Failure } from './failure.ts';

/**
 * LittleHorse: an ExternalEvent whose def a live thread's spec lists among its interrupts interrupts every such
 * thread: the event is claimed and each thread halts (with its children, not its running interrupt handlers) until
 * its handler can start. Returns whether the event was taken as an interrupt.
 */
export function triggerInterrupts(s: Session, command: PutExternalEvent): boolean {
  // One pinned to a thread interrupts only it (LittleHorse looks at the thread pin only).
  const targets = s.state.threadRuns.filter((thread) => {
    if (isTerminal(thread.status)) return false;
    if (command.threadRunNumber !== undefined && thread.number !== command.threadRunNumber) return false;
    return (s.threadSpec(thread).interruptDefs ?? []).some((d) => d.externalEventDefName === command.externalEventDefName);
  });
  const first = targets[0];
  if (!first) return false;
  s.emit({ type: 'ExternalEventClaimed', guid: command.guid, threadRunNumber: first.number, position: first.currentNodeRun?.position ?? 0 });
  for (const thread of targets) {
    const def = (s.threadSpec(thread).interruptDefs ?? []).find((d) => d.externalEventDefName === command.externalEventDefName);
    if (!def) continue;
    s.emit({ type: 'InterruptTriggered', threadRunNumber: thread.number, guid: command.guid, handlerSpecName: def.handlerSpecName, content: command.content });
    haltThread(s, thread.number, 'PENDING_INTERRUPT');
  }
  return true;
}

/**
 * Moves an interrupted thread on: starts the handler of its oldest pending interrupt once it and its children have
 * halted, beside handlers already running (LittleHorse runs them side by side, one started per pass); resumes it when
 * every handler has completed; fails it when one fails. True if anything happened.
 */
export function settleInterrupt(
  s: Session,
  thread: ThreadRunState,
  startThread: (s: Session, name: string, variables: Record<string, JsonValue>, parent: number) => void,
  failThread: (s: Session, thread: ThreadRunState, failure: Failure) => void,
): boolean {
  const handlers = interruptHandlersOf(thread).flatMap((number) => s.state.threadRuns[number] ?? []);
  const failed = handlers.find((handler) => handler.status === 'ERROR' || handler.status === 'EXCEPTION');
  if (failed) {
    const failure = failed.failure ?? { name: 'INTERNAL_ERROR', message: '' };
    const masked = failure.maskedContent ? { maskedContent: true as const } : {};
    failThread(s, thread, { name: failure.name, message: `Interrupt thread with id ${failed.number} failed!`, content: failure.content, ...masked });
    return true;
  }
  if (handlers.length > 0 && handlers.every((handler) => handler.status === 'COMPLETED')) {
    resumeThread(s, thread.number, 'INTERRUPTED');
    return true;
  }
  const next = thread.pendingInterrupts?.[0];
  if (!next || thread.status !== 'HALTED') return false;
  const children = s.children(thread.number).filter((t) => t.kind !== 'INTERRUPT');
  if (children.some((child) => child.status === 'RUNNING' || child.status === 'HALTING')) return false;
  const variables = handlerVariables(own(s.ctx.wfSpec.threadSpecs, next.handlerSpecName)?.variableDefs ?? [], next.content);
  s.emit({ type: 'InterruptHandlerStarted', threadRunNumber: thread.number, handlerThreadRunNumber: s.state.threadRuns.length });
  startThread(s, next.handlerSpecName, variables, thread.number);
  return true;
}
