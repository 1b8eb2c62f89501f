import type { DecideContext } from '../context.ts';
import type { TimerPurpose } from '../run/commands.ts';
import { decide } from '../run/decide.ts';
import { MASKED_VALUE } from '../run/mask.ts';
import { prepareWfSpec } from '../run/prepared.ts';
import type { PreparedWfSpec } from '../run/prepared.ts';
import type { TimerSet, WfRunEvent } from '../run/events.ts';
import type { TaskInput, UserTaskRunStatus, WfRunState } from '../run/state.ts';
import { DEFAULT_TASK_TIMEOUT_SECONDS, isTerminal } from '../run/state.ts';
import { own } from '../spec/own.ts';
import type { Catalog, VersionedWfSpec } from '../spec/types.ts';
import type { JsonValue } from '../values/value.ts';
import type { Ledger } from './ledger.ts';

/** Where something waits: a NodeRun, named as LittleHorse names it, with its node and ThreadSpec. */
export interface NodeRef {
  readonly threadRunNumber: number;
  readonly position: number;
  readonly nodeName: string;
  readonly threadSpecName: string;
}

/** A TaskRun attempt scheduled and not reported yet: answer it with completeTask, failTask, throwTaskException or timeOutTask. */
export interface WaitingTaskRun {
  readonly kind: 'TASK_RUN';
  readonly taskGuid: string;
  readonly taskDefName: string;
  readonly node: NodeRef;
  readonly input: readonly TaskInput[];
  /** The attempt waited on, from 0. */
  readonly attempt: number;
  /** Epoch ms when this attempt was scheduled. */
  readonly scheduledAt: number;
  /** Seconds a worker would have from claiming it; the simulator never times it out by itself (use timeOutTask). */
  readonly timeoutSeconds: number;
}

/** An EXTERNAL_EVENT node of a running thread that waits for an event of its def: answer it with sendEvent. */
export interface WaitingExternalEvent {
  readonly kind: 'EXTERNAL_EVENT';
  readonly externalEventDefName: string;
  readonly node: NodeRef;
  /** Epoch ms when the node began to wait. */
  readonly since: number;
  /** Epoch ms when it fails with TIMEOUT, if it has a timeout. */
  readonly timeoutAt?: number | undefined;
}

/** An open UserTaskRun: answer it with completeUserTask, cancelUserTask or assignUserTask. */
export interface WaitingUserTaskRun {
  readonly kind: 'USER_TASK_RUN';
  readonly userTaskGuid: string;
  readonly userTaskDefName: string;
  readonly node: NodeRef;
  readonly status: UserTaskRunStatus;
  readonly userId?: string | undefined;
  readonly userGroup?: string | undefined;
  readonly notes?: string | undefined;
  /** Epoch ms when it was created. */
  readonly since: number;
}

/** A child WfRun that the WfRun started and that has not ended: answer it with completeChild or failChild. */
export interface WaitingChildWfRun {
  readonly kind: 'CHILD_WF_RUN';
  readonly childWfRunId: string;
  readonly wfSpecName: string;
  readonly majorVersion?: number | undefined;
  /** The child's entrypoint variables, as the RUN_CHILD_WF node evaluated them. */
  readonly variables: Readonly<Record<string, JsonValue>>;
  /** The RUN_CHILD_WF NodeRun that started it (it has completed; a WAIT_FOR_CHILD_WF may wait for the child). */
  readonly node: NodeRef;
  /** Epoch ms when it was started. */
  readonly since: number;
}

/** A timer that will do something when the clock reaches it: advanceClock fires it. */
export interface WaitingTimer {
  readonly kind: 'TIMER';
  readonly timerId: string;
  /** What it is for: a SLEEP, a TASK_RETRY back-off, an EXTERNAL_EVENT_TIMEOUT or a USER_TASK_ACTION. */
  readonly purpose: TimerPurpose;
  /** Epoch ms. */
  readonly fireAt: number;
  /** The NodeRun it acts on. */
  readonly node?: NodeRef | undefined;
}

/** Something the WfRun waits for from the world. */
export type PendingAction = WaitingTaskRun | WaitingExternalEvent | WaitingUserTaskRun | WaitingChildWfRun | WaitingTimer;

/** What `pendingActions` reads. */
export interface PendingInput {
  readonly state: WfRunState;
  readonly events: readonly WfRunEvent[];
  readonly ledger: Ledger;
  readonly now: number;
  readonly wfSpec: VersionedWfSpec;
  readonly catalog: Catalog;
}

/**
 * What the WfRun waits for now, grouped by kind in this order: TaskRuns, ExternalEvents, UserTaskRuns, child
 * WfRuns (each oldest first), then timers (soonest first, ties in the order they were set). Only timers that would
 * still do something are listed. An ended WfRun waits for nothing.
 */
export function pendingActions(input: PendingInput): PendingAction[] {
  const { state } = input;
  if (isTerminal(state.status)) return [];
  const sinceOf = (key: string) => input.ledger.since[key] ?? -1;
  const timeOf = (key: string) => input.events[sinceOf(key)]?.time ?? state.startTime;
  const nodeAt = (threadRunNumber: number, position: number) => nodeRef(input, threadRunNumber, position);

  const tasks: [number, WaitingTaskRun][] = [];
  const events: [number, WaitingExternalEvent][] = [];
  const userTasks: [number, WaitingUserTaskRun][] = [];
  for (const thread of state.threadRuns) {
    const nodeRun = thread.currentNodeRun;
    if (!nodeRun) continue;
    const taskRun = nodeRun.taskRun;
    if (taskRun && (taskRun.status === 'TASK_SCHEDULED' || taskRun.status === 'TASK_RUNNING')) {
      const key = `task:${taskRun.taskGuid}`;
      tasks.push([
        sinceOf(key),
        {
          kind: 'TASK_RUN',
          taskGuid: taskRun.taskGuid,
          taskDefName: taskRun.taskDefName,
          node: nodeAt(thread.number, nodeRun.position),
          input: taskRun.input,
          attempt: taskRun.attempt,
          scheduledAt: timeOf(key),
          timeoutSeconds: taskRun.timeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS,
        },
      ]);
    }
    // A halted thread takes no event until it resumes; an event sent meanwhile waits in the WfRun.
    if (thread.status === 'RUNNING' && nodeRun.nodeType === 'EXTERNAL_EVENT' && nodeRun.status === 'RUNNING') {
      const node = own(own(input.wfSpec.threadSpecs, thread.threadSpecName)?.nodes, nodeRun.nodeName);
      const key = `node:${thread.number}-${nodeRun.position}`;
      const timeout = input.ledger.timers.find(
        (t) => t.purpose.type === 'EXTERNAL_EVENT_TIMEOUT' && t.purpose.threadRunNumber === thread.number && t.purpose.position === nodeRun.position,
      );
      events.push([
        sinceOf(key),
        {
          kind: 'EXTERNAL_EVENT',
          externalEventDefName: node?.type === 'EXTERNAL_EVENT' ? node.externalEventDefName : '',
          node: nodeAt(thread.number, nodeRun.position),
          since: timeOf(key),
          ...(timeout ? { timeoutAt: timeout.fireAt } : {}),
        },
      ]);
    }
    const run = nodeRun.userTaskRun;
    if (run && (run.status === 'ASSIGNED' || run.status === 'UNASSIGNED')) {
      const key = `userTask:${run.userTaskGuid}`;
      userTasks.push([
        sinceOf(key),
        {
          kind: 'USER_TASK_RUN',
          userTaskGuid: run.userTaskGuid,
          userTaskDefName: run.userTaskDefName,
          node: nodeAt(thread.number, nodeRun.position),
          status: run.status,
          ...(run.userId === undefined ? {} : { userId: run.userId }),
          ...(run.userGroup === undefined ? {} : { userGroup: run.userGroup }),
          ...(run.notes === undefined ? {} : { notes: run.maskedNotes ? MASKED_VALUE : run.notes }),
          since: timeOf(key),
        },
      ]);
    }
  }

  const children: [number, WaitingChildWfRun][] = [];
  for (const [childWfRunId, child] of Object.entries(state.childWfRuns ?? {})) {
    const requested = own(input.ledger.children, childWfRunId);
    if (child.status !== 'RUNNING' || !requested) continue;
    const { request, index } = requested;
    children.push([
      index,
      {
        kind: 'CHILD_WF_RUN',
        childWfRunId,
        wfSpecName: request.wfSpecName,
        ...(request.majorVersion === undefined ? {} : { majorVersion: request.majorVersion }),
        variables: request.variables,
        node: nodeAt(request.threadRunNumber, request.position),
        since: request.time,
      },
    ]);
  }

  const timers = liveTimers(input).map((timer): WaitingTimer => {
    const at = timerNode(input, timer);
    return { kind: 'TIMER', timerId: timer.timerId, purpose: timer.purpose, fireAt: timer.fireAt, ...(at ? { node: at } : {}) };
  });
  // TaskRuns a user task action made (reminders) wait for workers too, apart from any NodeRun.
  for (const run of Object.values(state.triggeredTaskRuns ?? {})) {
    if (run.status !== 'TASK_SCHEDULED' && run.status !== 'TASK_RUNNING') continue;
    const key = `task:${run.taskGuid}`;
    tasks.push([
      sinceOf(key),
      {
        kind: 'TASK_RUN',
        taskGuid: run.taskGuid,
        taskDefName: run.taskDefName,
        node: nodeAt(run.threadRunNumber, run.position),
        input: run.input,
        attempt: run.attempt,
        scheduledAt: timeOf(key),
        timeoutSeconds: run.timeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS,
      },
    ]);
  }
  const byAge = <T>(list: [number, T][]) => list.sort((a, b) => a[0] - b[0]).map(([, item]) => item);
  return [...byAge(tasks), ...byAge(events), ...byAge(userTasks), ...byAge(children), ...timers];
}

/** The timers that would still do something if they fired, soonest first (ties in the order they were set). */
export function liveTimers(input: PendingInput): TimerSet[] {
  if (input.ledger.timers.length === 0) return [];
  const prepared = prepareWfSpec(input.wfSpec);
  return input.ledger.timers.filter((timer) => isLive(input, timer, prepared)).sort((a, b) => a.fireAt - b.fireAt);
}

/**
 * Whether firing the timer would be accepted. Asked of the engine itself, with nothing kept: the engine alone knows
 * when a timer has gone stale (its node moved on, its user task changed hands, its sleep target moved).
 */
function isLive(input: PendingInput, timer: TimerSet, prepared: PreparedWfSpec): boolean {
  const ctx: DecideContext = { now: Math.max(input.now, timer.fireAt), ids: { next: () => 'dry-run' }, wfSpec: input.wfSpec, catalog: input.catalog, prepared };
  return decide(input.state, { type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose }, ctx).ok;
}

function timerNode(input: PendingInput, timer: TimerSet): NodeRef | undefined {
  const { purpose } = timer;
  if (purpose.type !== 'TASK_RETRY') return nodeRef(input, purpose.threadRunNumber, purpose.position);
  const triggered = own(input.state.triggeredTaskRuns, purpose.taskGuid);
  if (triggered) return nodeRef(input, triggered.threadRunNumber, triggered.position);
  const thread = input.state.threadRuns.find((t) => t.currentNodeRun?.taskRun?.taskGuid === purpose.taskGuid);
  return thread?.currentNodeRun ? nodeRef(input, thread.number, thread.currentNodeRun.position) : undefined;
}

/** The NodeRun at that place, named from the NodeRunStarted that began it. */
function nodeRef(input: PendingInput, threadRunNumber: number, position: number): NodeRef {
  const started = input.events[input.ledger.since[`node:${threadRunNumber}-${position}`] ?? -1];
  const current = input.state.threadRuns[threadRunNumber];
  const nodeName =
    started?.type === 'NodeRunStarted' ? started.nodeName : current?.currentNodeRun?.position === position ? current.currentNodeRun.nodeName : '';
  return { threadRunNumber, position, nodeName, threadSpecName: current?.threadSpecName ?? '' };
}

/** A pending action in a few words, for messages. */
export function describePending(p: PendingAction): string {
  const at = 'node' in p && p.node ? ` at "${p.node.nodeName}"` : '';
  switch (p.kind) {
    case 'TASK_RUN':
      return `TaskRun ${p.taskGuid} of '${p.taskDefName}'${at}`;
    case 'EXTERNAL_EVENT':
      return `ExternalEvent '${p.externalEventDefName}'${at}`;
    case 'USER_TASK_RUN':
      return `UserTaskRun ${p.userTaskGuid} of '${p.userTaskDefName}'${at}`;
    case 'CHILD_WF_RUN':
      return `child WfRun ${p.childWfRunId} of '${p.wfSpecName}'`;
    case 'TIMER':
      return `${p.purpose.type} timer at ${p.fireAt}${at}`;
  }
}
