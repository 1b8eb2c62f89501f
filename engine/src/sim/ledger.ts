import type { ChildWfRunRequested, TimerSet, WfRunEvent } from '../run/events.ts';

/**
 * What a simulation reads off the events that the WfRun state does not keep: the timers that have been set and
 * not fired (the server keeps them in its timer table), and when each waiting thing began to wait, so that steps
 * can take the oldest. Plain JSON, rebuilt by folding events.
 */
export interface Ledger {
  /** Timers set and not fired yet, in the order they were set; some may have become stale. */
  readonly timers: readonly TimerSet[];
  /**
   * Index in the event list of the event that began each wait: `task:{taskGuid}` (its latest TaskRunScheduled),
   * `userTask:{guid}` (UserTaskRunCreated), `node:{thread}-{position}` (NodeRunStarted).
   */
  readonly since: Readonly<Record<string, number>>;
  /** Each child WfRun the WfRun asked for, by id, with the index of its ChildWfRunRequested. */
  readonly children: Readonly<Record<string, { readonly request: ChildWfRunRequested; readonly index: number }>>;
}

export const EMPTY_LEDGER: Ledger = { timers: [], since: {}, children: {} };

/** Folds `events`, the first of which has index `first` in the WfRun's event list. Returns a new ledger. */
export function recordEvents(ledger: Ledger, events: readonly WfRunEvent[], first: number): Ledger {
  let timers = ledger.timers;
  const since: Record<string, number> = { ...ledger.since };
  let children = ledger.children;
  events.forEach((event, i) => {
    const index = first + i;
    switch (event.type) {
      case 'TimerSet':
        // An id set again replaces the old timer (the engine derives ids from what they are for).
        timers = [...timers.filter((t) => t.timerId !== event.timerId), event];
        break;
      case 'TimerFired':
        timers = timers.filter((t) => t.timerId !== event.timerId);
        break;
      case 'TaskRunScheduled':
        since[`task:${event.taskGuid}`] = index;
        break;
      case 'UserTaskRunCreated':
        since[`userTask:${event.userTaskGuid}`] = index;
        break;
      case 'NodeRunStarted':
        since[`node:${event.threadRunNumber}-${event.position}`] = index;
        break;
      case 'ChildWfRunRequested':
        children = { ...children, [event.childWfRunId]: { request: event, index } };
        break;
      default:
        break;
    }
  });
  return { timers, since, children };
}

/** Drops a timer that fired into a rejection: it has nothing left to do, now or later. */
export function dropTimer(ledger: Ledger, timerId: string): Ledger {
  return { ...ledger, timers: ledger.timers.filter((t) => t.timerId !== timerId) };
}
