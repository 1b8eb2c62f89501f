import type { LHStatus, WfRunEvent } from '@gallop/engine';

/** What a graph node shows: the status of its latest NodeRun, or PENDING while it has none. */
export type NodeStatus = LHStatus | 'PENDING';

/**
 * The latest NodeRun status of every node that has run, per ThreadRun. The engine's state keeps only each
 * thread's current NodeRun, so the graph needs this fold of its own to remember the nodes a thread has left.
 */
export interface NodeStatuses {
  /** Latest status by thread run number, then node name. */
  readonly byThread: Readonly<Record<number, Readonly<Record<string, LHStatus>>>>;
  /** The node each unfinished NodeRun (`thread/position`) stands on: completions name only the position. */
  readonly open: Readonly<Record<string, string>>;
}

export const EMPTY_NODE_STATUSES: NodeStatuses = { byThread: {}, open: {} };

/**
 * Folds one WfRun event into the per-node statuses and returns the new value; the old one is left untouched.
 * Pure. Events other than NodeRunStarted, NodeRunCompleted and NodeRunFailed return the same object.
 */
export function foldNodeStatuses(statuses: NodeStatuses, event: WfRunEvent): NodeStatuses {
  switch (event.type) {
    case 'NodeRunStarted': {
      const key = runKey(event.threadRunNumber, event.position);
      return {
        byThread: withStatus(statuses.byThread, event.threadRunNumber, event.nodeName, 'RUNNING'),
        open: { ...statuses.open, [key]: event.nodeName },
      };
    }
    case 'NodeRunCompleted':
    case 'NodeRunFailed': {
      const key = runKey(event.threadRunNumber, event.position);
      const nodeName = statuses.open[key];
      if (nodeName === undefined) return statuses;
      const { [key]: _finished, ...open } = statuses.open;
      const status = event.type === 'NodeRunCompleted' ? 'COMPLETED' : event.status;
      return { byThread: withStatus(statuses.byThread, event.threadRunNumber, nodeName, status), open };
    }
    default:
      return statuses;
  }
}

/** The status the graph shows for a node of a ThreadRun: PENDING until its first NodeRun starts. */
export function nodeStatusOf(statuses: NodeStatuses, threadRunNumber: number, nodeName: string): NodeStatus {
  return statuses.byThread[threadRunNumber]?.[nodeName] ?? 'PENDING';
}

function runKey(threadRunNumber: number, position: number): string {
  return `${threadRunNumber}/${position}`;
}

function withStatus(
  byThread: NodeStatuses['byThread'],
  threadRunNumber: number,
  nodeName: string,
  status: LHStatus,
): NodeStatuses['byThread'] {
  return { ...byThread, [threadRunNumber]: { ...byThread[threadRunNumber], [nodeName]: status } };
}
