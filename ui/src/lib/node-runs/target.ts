import type { NodeRunSummary } from '../api/queries.ts';

/** A page of the console a piece of a NodeRuns row leads to, for `href`. */
export interface Route {
  readonly path: string;
  readonly query?: Readonly<Record<string, string>> | undefined;
}

/** One piece of what a NodeRun runs or waits for: a name or a time, after a small label, perhaps a link. */
export interface TargetPart {
  /** A word before it, such as `TaskDef`; none for a second item of a list. */
  readonly label?: string | undefined;
  /** What it shows; for a time, the ISO instant (the page writes it in the reader's locale). */
  readonly text: string;
  readonly kind: 'name' | 'id' | 'time';
  readonly to?: Route | undefined;
  /** The link's accessible name where its text alone says too little (`ThreadRun 2`, not `2`). */
  readonly name?: string | undefined;
}

const wfRun = (id: string, thread?: number): Route => ({ path: `/wf-runs/${encodeURIComponent(id)}`, ...(thread ? { query: { thread: String(thread) } } : {}) });

/**
 * What a NodeRun runs or waits for, as the NodeRuns page's column shows it: the TaskDef of a TASK, the
 * ExternalEventDef of an EXTERNAL_EVENT, the UserTaskDef of a USER_TASK and who holds its task, when a SLEEP wakes,
 * the child WfRun of RUN_CHILD_WF and WAIT_FOR_CHILD_WF, and the ThreadRuns a WAIT_FOR_THREADS waits for or a
 * START_THREAD started, and the WorkflowEventDef a THROW_EVENT throws. Empty when the NodeRun carries none of it (a NOP, or one that failed before it knew).
 */
export function targetOf(n: NodeRunSummary): TargetPart[] {
  if (n.taskRun) return [{ label: 'TaskDef', text: n.taskRun.taskDefName, kind: 'name', to: { path: '/task-runs', query: { taskDefName: n.taskRun.taskDefName } } }];
  if (n.externalEventDefName) {
    return [{ label: 'ExternalEventDef', text: n.externalEventDefName, kind: 'name', to: { path: '/external-events', query: { externalEventDefName: n.externalEventDefName } } }];
  }
  if (n.userTaskRun) {
    const { userTaskDefName, userId, userGroup } = n.userTaskRun;
    return [
      { label: 'UserTaskDef', text: userTaskDefName, kind: 'name', to: { path: '/user-tasks', query: { userTaskDefName } } },
      ...(userId ? [{ label: 'user', text: userId, kind: 'name' as const, to: { path: '/user-tasks', query: { userId } } }] : []),
      ...(userGroup ? [{ label: 'group', text: userGroup, kind: 'name' as const, to: { path: '/user-tasks', query: { userGroup } } }] : []),
    ];
  }
  if (n.workflowEventDefName) {
    return [{ label: 'WorkflowEventDef', text: n.workflowEventDefName, kind: 'name', to: { path: '/external-events', query: { workflowEventDefName: n.workflowEventDefName } } }];
  }
  if (n.sleepUntil) return [{ label: 'Until', text: n.sleepUntil, kind: 'time' }];
  if (n.childWfRunId) return [{ label: 'Child WfRun', text: n.childWfRunId, kind: 'id', to: wfRun(n.childWfRunId) }];
  if (n.threadRunNumbers && n.threadRunNumbers.length > 0) {
    const started = n.nodeType === 'START_THREAD' || n.nodeType === 'START_MULTIPLE_THREADS';
    const label = `${started ? 'Started ' : ''}${n.threadRunNumbers.length === 1 ? 'ThreadRun' : 'ThreadRuns'}`;
    return n.threadRunNumbers.map((number, i) => ({ ...(i === 0 ? { label } : {}), text: String(number), kind: 'id', to: wfRun(n.wfRunId, number), name: `ThreadRun ${number}` }));
  }
  return [];
}
