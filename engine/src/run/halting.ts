import type { Session } from './session.ts';
import type { HaltReason, ThreadRunState } from './state.ts';
import { isTerminal } from './state.ts';

/**
 * Whether a thread can stop where it stands. LittleHorse: a TASK halts only once its TaskRun (with every retry)
 * has ended; every other node halts at once (a USER_TASK by cancelling its UserTaskRun, which advance does).
 */
export function isQuiet(thread: ThreadRunState): boolean {
  const nodeRun = thread.currentNodeRun;
  const taskRun = nodeRun?.taskRun;
  if (!nodeRun || nodeRun.status !== 'RUNNING' || !taskRun) return true;
  return taskRun.status !== 'TASK_SCHEDULED' && taskRun.status !== 'TASK_RUNNING' && taskRun.status !== 'TASK_PENDING';
}

/** Halts a thread for `reason` (HALTING while its TaskRun runs), and its live children because their parent halted. */
export function haltThread(s: Session, number: number, reason: HaltReason): void {
  const thread = s.thread(number);
  if (isTerminal(thread.status)) return forHandlersOf(s, number, (handler) => haltThread(s, handler, 'PARENT_HALTED'));
  if (thread.haltReasons?.includes(reason)) return;
  s.emit({ type: isQuiet(thread) ? 'ThreadRunHalted' : 'ThreadRunHalting', threadRunNumber: number, reason });
  for (const child of s.children(number)) {
    // LittleHorse: an interrupt does not halt the interrupt handlers already running.
    if (reason === 'PENDING_INTERRUPT' && child.kind === 'INTERRUPT') continue;
    haltThread(s, child.number, 'PARENT_HALTED');
  }
}

/** Removes `reason` from a thread, and PARENT_HALTED from its children; each runs again once it has no reason left. */
export function resumeThread(s: Session, number: number, reason: HaltReason): void {
  const thread = s.thread(number);
  if (isTerminal(thread.status)) return forHandlersOf(s, number, (handler) => resumeThread(s, handler, 'PARENT_HALTED'));
  if (!thread.haltReasons?.includes(reason)) return;
  s.emit({ type: 'ThreadRunResumed', threadRunNumber: number, reason });
  // Children it halted go on only once it runs again itself.
  if (s.thread(number).status !== 'RUNNING') return;
  for (const child of s.children(number)) resumeThread(s, child.number, 'PARENT_HALTED');
}

/** A failed child's per-thread failure handler runs on after the child has ended, and halts and resumes with the rest. */
function forHandlersOf(s: Session, number: number, act: (handler: number) => void): void {
  for (const child of s.children(number)) if (child.kind === 'FAILURE_HANDLER') act(child.number);
}

/** A HALTING thread whose TaskRun has ended becomes HALTED; true if it did. */
export function finishHalting(s: Session, thread: ThreadRunState): boolean {
  if (thread.status !== 'HALTING' || !isQuiet(thread)) return false;
  s.emit({ type: 'ThreadRunHalted', threadRunNumber: thread.number });
  return true;
}
