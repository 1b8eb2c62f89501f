import { effectsOf } from '@gallop/engine';
import type { JsonValue, WfRunEvent, WfRunState } from '@gallop/engine';
import { and, eq, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Queryable } from '../store/db.ts';
import type { WfRunRow } from '../store/queries/wf-runs.ts';
import { externalEvents, nodeRuns, outbox, taskRuns, timers, userTaskRuns, variables, wfRunEvents, wfRuns, workflowEvents } from '../store/schema.ts';
import type { OutboxEffect, TaskAttemptRecord, UserTaskRunHistoryEntry } from '../store/schema.ts';

type NodeRunRow = typeof nodeRuns.$inferInsert;
type TaskRunRow = typeof taskRuns.$inferInsert;
type UserTaskRunRow = typeof userTaskRuns.$inferInsert & { events: UserTaskRunHistoryEntry[] };

/**
 * The single statement that writes one command's events and everything read from them: the event log, the wf_runs
 * row (summary and state snapshot), node_runs, variables, the task_runs queue, timers, ExternalEvents, WorkflowEvents
 * and user_task_runs, each as one data-modifying CTE.
 * One statement is atomic without a transaction and costs one round trip. Appending the events at `firstSeq`
 * fails on the primary key if another command got there first, and then nothing is written.
 */
export function projection(
  db: Queryable,
  tenantId: string,
  wfRunId: string,
  firstSeq: number,
  events: readonly WfRunEvent[],
  state: WfRunState,
  isNew: boolean,
): SQL {
  const writes: { getSQL(): SQL }[] = [];
  writes.push(
    db.insert(wfRunEvents).values(
      events.map((event, i) => ({ tenantId, wfRunId, seq: firstSeq + i, type: event.type, time: new Date(event.time), event })),
    ),
  );

  const row = wfRunRowOf(tenantId, state, firstSeq + events.length - 1, events[events.length - 1]?.time ?? state.startTime);
  if (isNew) {
    writes.push(db.insert(wfRuns).values(row));
  } else {
    const { status, endTime, errorMessage, seq, updatedAt, majorVersion, revision } = row;
    const migrated = events.some((e) => e.type === 'WfRunMigrated') ? { majorVersion, revision } : {};
    writes.push(
      db
        .update(wfRuns)
        .set({ status, endTime, errorMessage, state, seq, updatedAt, ...migrated })
        .where(and(eq(wfRuns.tenantId, tenantId), eq(wfRuns.id, wfRunId))),
    );
  }

  const { newNodeRuns, endedNodeRuns, vars, newTaskRuns, taskChanges, newTimers, firedTimers, received, claims, thrown, newUserTaskRuns, userTaskChanges } = collect(
    tenantId,
    wfRunId,
    events,
  );
  if (thrown.length > 0) writes.push(db.insert(workflowEvents).values(thrown));
  if (newNodeRuns.length > 0) writes.push(db.insert(nodeRuns).values(newNodeRuns));
  for (const ended of endedNodeRuns) {
    writes.push(
      db
        .update(nodeRuns)
        .set({ status: ended.status, endTime: ended.endTime, failure: ended.failure ?? null })
        .where(
          and(
            eq(nodeRuns.tenantId, tenantId),
            eq(nodeRuns.wfRunId, wfRunId),
            eq(nodeRuns.threadRunNumber, ended.threadRunNumber),
            eq(nodeRuns.position, ended.position),
          ),
        ),
    );
  }
  if (vars.size > 0) {
    writes.push(
      db
        .insert(variables)
        .values([...vars.values()])
        .onConflictDoUpdate({
          target: [variables.tenantId, variables.wfRunId, variables.threadRunNumber, variables.name],
          set: { value: sql`excluded.value` },
        }),
    );
  }
  if (newTaskRuns.length > 0) writes.push(db.insert(taskRuns).values(newTaskRuns));
  // One UPDATE per TaskRun: a statement may change a row only once, and a report and a retry touch the same row.
  for (const [taskGuid, change] of taskChanges) {
    const records = change.records.map(
      (record) => sql`${JSON.stringify(record.record)}::jsonb || jsonb_build_object(
        'startTime', ${taskRuns.startedAt}, 'workerId', coalesce(${record.workerId}::text, ${taskRuns.workerId}))`,
    );
    writes.push(
      db
        .update(taskRuns)
        .set({
          status: change.status,
          attempt: change.attempt,
          leaseExpiresAt: null,
          ...(records.length > 0 ? { attempts: sql`${taskRuns.attempts} || jsonb_build_array(${sql.join(records, sql`, `)})` } : {}),
          ...(change.scheduledAt ? { scheduledAt: change.scheduledAt, workerId: null, startedAt: null } : {}),
        })
        .where(and(eq(taskRuns.tenantId, tenantId), eq(taskRuns.wfRunId, wfRunId), eq(taskRuns.taskGuid, taskGuid))),
    );
  }
  // A timestamp sleep moved back to a time it had before sets that timer again.
  if (newTimers.length > 0) {
    writes.push(
      db
        .insert(timers)
        .values(newTimers)
        .onConflictDoUpdate({ target: [timers.tenantId, timers.wfRunId, timers.timerId], set: { fireAt: sql`excluded.fire_at`, purpose: sql`excluded.purpose`, lockedUntil: null } }),
    );
  }
  if (received.length > 0) {
    // An event stored before its WfRun existed is already a row: the WfRun's first write claims it in place.
    writes.push(
      db
        .insert(externalEvents)
        .values(received)
        .onConflictDoUpdate({
          target: [externalEvents.tenantId, externalEvents.wfRunId, externalEvents.guid],
          set: { claimed: sql`excluded.claimed`, threadRunNumber: sql`excluded.thread_run_number`, nodeRunPosition: sql`excluded.node_run_position` },
        }),
    );
  }
  for (const claim of claims) {
    writes.push(
      db
        .update(externalEvents)
        .set({ claimed: true, threadRunNumber: claim.threadRunNumber, nodeRunPosition: claim.position })
        .where(and(eq(externalEvents.tenantId, tenantId), eq(externalEvents.wfRunId, wfRunId), eq(externalEvents.guid, claim.guid))),
    );
  }
  if (newUserTaskRuns.length > 0) writes.push(db.insert(userTaskRuns).values(newUserTaskRuns));
  // One UPDATE per UserTaskRun, for the same reason as for TaskRuns: a completion by another user assigns, then completes.
  for (const [userTaskGuid, { entries, ...fields }] of userTaskChanges) {
    writes.push(
      db
        .update(userTaskRuns)
        .set({ ...fields, events: sql`${userTaskRuns.events} || ${JSON.stringify(entries)}::jsonb` })
        .where(and(eq(userTaskRuns.tenantId, tenantId), eq(userTaskRuns.wfRunId, wfRunId), eq(userTaskRuns.userTaskGuid, userTaskGuid))),
    );
  }
  for (const timerId of firedTimers) {
    writes.push(db.delete(timers).where(and(eq(timers.tenantId, tenantId), eq(timers.wfRunId, wfRunId), eq(timers.timerId, timerId))));
  }
  const owed = outboxRows(tenantId, wfRunId, firstSeq, events, state);
  if (owed.length > 0) writes.push(db.insert(outbox).values(owed).onConflictDoNothing());
  const ctes = writes.map((write, i) => sql`${sql.raw(`w${i}`)} as (${write.getSQL()})`);
  return sql`with ${sql.join(ctes, sql`, `)} select 1`;
}

/** The wf_runs row of a WfRun in `state` whose last event has `seq`. */
export function wfRunRowOf(tenantId: string, state: WfRunState, seq: number, updatedAt: number): WfRunRow {
  return {
    tenantId,
    id: state.id,
    wfSpecName: state.wfSpecId.name,
    majorVersion: state.wfSpecId.majorVersion,
    revision: state.wfSpecId.revision,
    status: state.status,
    startTime: new Date(state.startTime),
    endTime: state.endTime === undefined ? null : new Date(state.endTime),
    errorMessage: state.failure ? `${state.failure.name}: ${state.failure.message}` : null,
    state,
    seq,
    updatedAt: new Date(updatedAt),
  };
}

interface EndedNodeRun {
  threadRunNumber: number;
  position: number;
  status: string;
  endTime: Date;
  failure?: NodeRunRow['failure'];
}

function collect(tenantId: string, wfRunId: string, events: readonly WfRunEvent[]) {
  const started = new Map<string, NodeRunRow>();
  const endedNodeRuns: EndedNodeRun[] = [];
  const vars = new Map<string, typeof variables.$inferInsert>();
  const newTaskRuns: TaskRunRow[] = [];
  const taskChanges = new Map<string, TaskChange>();
  const change = (taskGuid: string): TaskChange => {
    let found = taskChanges.get(taskGuid);
    if (!found) taskChanges.set(taskGuid, (found = { records: [] }));
    return found;
  };
  const newTimers: (typeof timers.$inferInsert)[] = [];
  const firedTimers: string[] = [];
  const received: (typeof externalEvents.$inferInsert)[] = [];
  const claims: { guid: string; threadRunNumber: number; position: number }[] = [];
  const thrown: (typeof workflowEvents.$inferInsert)[] = [];
  const createdUserTaskRuns = new Map<string, UserTaskRunRow>();
  const userTaskChanges = new Map<string, UserTaskChange>();
  /** A UserTaskRun created in this same command changes in its insert; an older one gathers one update. */
  const changeUserTaskRun = (guid: string, time: number, fields: Omit<UserTaskChange, 'entries' | 'updatedAt'>, entry: UserTaskRunHistoryEntry) => {
    const updatedAt = new Date(time);
    const created = createdUserTaskRuns.get(guid);
    if (created) {
      Object.assign(created, fields, { updatedAt });
      created.events.push(entry);
      return;
    }
    const found = userTaskChanges.get(guid) ?? { entries: [], updatedAt };
    Object.assign(found, fields, { updatedAt });
    found.entries.push(entry);
    userTaskChanges.set(guid, found);
  };
  const setVar = (threadRunNumber: number, name: string, value: JsonValue) =>
    vars.set(`${threadRunNumber}\u0000${name}`, { tenantId, wfRunId, threadRunNumber, name, value });

  for (const event of events) {
    switch (event.type) {
      case 'ThreadRunStarted':
        for (const [name, value] of Object.entries(event.variables)) setVar(event.threadRunNumber, name, value);
        break;
      case 'VariableAssigned':
        setVar(event.threadRunNumber, event.name, event.value);
        break;
      case 'NodeRunStarted':
        started.set(`${event.threadRunNumber}-${event.position}`, {
          tenantId,
          wfRunId,
          threadRunNumber: event.threadRunNumber,
          position: event.position,
          nodeName: event.nodeName,
          nodeType: event.nodeType,
          status: 'RUNNING',
          arrivalTime: new Date(event.time),
        });
        break;
      case 'NodeRunCompleted':
      case 'NodeRunFailed': {
        const status = event.type === 'NodeRunCompleted' ? 'COMPLETED' : event.status;
        const failure = event.type === 'NodeRunFailed' ? event.failure : undefined;
        const row = started.get(`${event.threadRunNumber}-${event.position}`);
        if (row) Object.assign(row, { status, endTime: new Date(event.time), failure: failure ?? null });
        else endedNodeRuns.push({ threadRunNumber: event.threadRunNumber, position: event.position, status, endTime: new Date(event.time), failure });
        break;
      }
      case 'TaskRunScheduled': {
        if (event.attempt > 0) {
          Object.assign(change(event.taskGuid), { status: 'TASK_SCHEDULED', attempt: event.attempt, scheduledAt: new Date(event.time) });
          break;
        }
        const row = started.get(`${event.threadRunNumber}-${event.position}`);
        if (row) row.taskGuid = event.taskGuid;
        newTaskRuns.push({
          tenantId,
          wfRunId,
          taskGuid: event.taskGuid,
          taskDefName: event.taskDefName,
          status: 'TASK_SCHEDULED',
          attempt: event.attempt,
          input: event.input,
          scheduledAt: new Date(event.time),
          timeoutSeconds: event.timeoutSeconds ?? null,
        });
        break;
      }
      case 'TaskAttemptSucceeded': {
        const c = change(event.taskGuid);
        c.status = 'TASK_SUCCESS';
        c.records.push({
          workerId: event.workerId ?? null,
          record: { attempt: event.attempt, status: 'TASK_SUCCESS', endTime: new Date(event.time).toISOString(), output: event.output, ...logOf(event) },
        });
        break;
      }
      case 'TaskRetryPending':
        Object.assign(change(event.taskGuid), { status: 'TASK_PENDING', attempt: event.attempt });
        break;
      case 'TimerSet':
        newTimers.push({ tenantId, wfRunId, timerId: event.timerId, fireAt: new Date(event.fireAt), purpose: event.purpose });
        break;
      case 'TimerFired':
        firedTimers.push(event.timerId);
        break;
      case 'ExternalEventReceived':
        received.push({ tenantId, wfRunId, guid: event.guid, externalEventDefName: event.externalEventDefName, content: event.content, createdAt: new Date(event.time) });
        break;
      case 'WorkflowEventThrown':
        thrown.push({ tenantId, wfRunId, workflowEventDefName: event.workflowEventDefName, number: event.number, content: event.content, createdAt: new Date(event.time) });
        break;
      case 'ExternalEventClaimed': {
        // Received in this same command: the insert carries the claim, since one statement changes a row once.
        const row = received.find((r) => r.guid === event.guid);
        if (row) Object.assign(row, { claimed: true, threadRunNumber: event.threadRunNumber, nodeRunPosition: event.position });
        else claims.push({ guid: event.guid, threadRunNumber: event.threadRunNumber, position: event.position });
        break;
      }
      case 'TaskAttemptFailed': {
        const c = change(event.taskGuid);
        c.status = event.status;
        c.records.push({
          workerId: event.workerId ?? null,
          record: {
            attempt: event.attempt,
            status: event.status,
            endTime: new Date(event.time).toISOString(),
            errorMessage: event.failure.message,
            ...logOf(event),
            ...(event.status === 'TASK_EXCEPTION' ? { exceptionName: event.failure.name, output: event.failure.content ?? null } : {}),
          },
        });
        break;
      }
      case 'UserTaskRunCreated':
        createdUserTaskRuns.set(event.userTaskGuid, {
          tenantId,
          wfRunId,
          userTaskGuid: event.userTaskGuid,
          userTaskDefName: event.userTaskDefName,
          userTaskDefVersion: event.userTaskDefVersion,
          threadRunNumber: event.threadRunNumber,
          nodeRunPosition: event.position,
          status: event.userId === undefined ? 'UNASSIGNED' : 'ASSIGNED',
          userId: event.userId ?? null,
          userGroup: event.userGroup ?? null,
          notes: event.notes ?? null,
          epoch: event.epoch,
          events: [historyEntry('CREATED', event.time, { userId: event.userId, userGroup: event.userGroup, epoch: event.epoch })],
          createdAt: new Date(event.time),
          updatedAt: new Date(event.time),
        });
        break;
      case 'UserTaskRunAssigned':
        changeUserTaskRun(
          event.userTaskGuid,
          event.time,
          { status: event.userId === undefined ? 'UNASSIGNED' : 'ASSIGNED', userId: event.userId ?? null, userGroup: event.userGroup ?? null, epoch: event.epoch },
          historyEntry('ASSIGNED', event.time, { userId: event.userId, userGroup: event.userGroup, epoch: event.epoch, cause: event.cause }),
        );
        break;
      case 'UserTaskRunCompleted':
        changeUserTaskRun(
          event.userTaskGuid,
          event.time,
          { status: 'DONE', userId: event.userId, results: event.results },
          historyEntry('COMPLETED', event.time, { userId: event.userId }),
        );
        break;
      case 'UserTaskRunCancelled':
        changeUserTaskRun(event.userTaskGuid, event.time, { status: 'CANCELLED' }, historyEntry('CANCELLED', event.time, { cause: event.cause }));
        break;
      default:
        // Child WfRuns are not carried out by the server yet (their own issue): ChildWfRunRequested starts nothing,
        // and the RunChildWf, NotifyParentWfRun and RescueParentWfRun effects of step() go unused.
        break;
    }
  }
  return {
    newNodeRuns: [...started.values()],
    endedNodeRuns,
    vars,
    newTaskRuns,
    taskChanges,
    newTimers,
    firedTimers,
    received,
    claims,
    thrown,
    newUserTaskRuns: [...createdUserTaskRuns.values()],
    userTaskChanges,
  };
}

/** Events whose effects are commands for another WfRun (see outboxRows). */
export const OWES_ANOTHER_WF_RUN: ReadonlySet<WfRunEvent['type']> = new Set<WfRunEvent['type']>(['ChildWfRunRequested', 'WfRunCompleted', 'WfRunFailed', 'ThreadRunRescued']);

/** The commands these events owe other WfRuns, as outbox rows keyed by the event that owes each. */
function outboxRows(tenantId: string, wfRunId: string, firstSeq: number, events: readonly WfRunEvent[], state: WfRunState): (typeof outbox.$inferInsert)[] {
  const rows: (typeof outbox.$inferInsert)[] = [];
  events.forEach((event, i) => {
    if (!OWES_ANOTHER_WF_RUN.has(event.type)) return;
    for (const effect of effectsOf([event], state)) {
      if (effect.type !== 'RunChildWf' && effect.type !== 'NotifyParentWfRun' && effect.type !== 'RescueParentWfRun') continue;
      const target = effect.type === 'RunChildWf' ? effect.event.childWfRunId : effect.parentWfRunId;
      rows.push({ tenantId, wfRunId: target, id: `${wfRunId}/${firstSeq + i}`, effect: effect satisfies OutboxEffect, createdAt: new Date(event.time) });
    }
  });
  return rows;
}

/** Everything one command does to an existing TaskRun row. */
interface TaskChange {
  status?: string;
  attempt?: number;
  /** Set when a retry puts the TaskRun back on the queue. */
  scheduledAt?: Date;
  records: { workerId: string | null; record: Omit<TaskAttemptRecord, 'startTime' | 'workerId'> }[];
}

/** Everything one command does to an existing UserTaskRun row. */
interface UserTaskChange {
  status?: string;
  userId?: string | null;
  userGroup?: string | null;
  epoch?: number;
  results?: Record<string, JsonValue>;
  updatedAt: Date;
  entries: UserTaskRunHistoryEntry[];
}

/** A history entry without the keys that have no value, so the stored JSON stays small. */
function historyEntry(type: UserTaskRunHistoryEntry['type'], time: number, details: Omit<UserTaskRunHistoryEntry, 'type' | 'time'>): UserTaskRunHistoryEntry {
  const defined = Object.entries(details).filter(([, value]) => value !== undefined);
  return { type, time: new Date(time).toISOString(), ...Object.fromEntries(defined) };
}

function logOf(event: { logOutput?: string | undefined }): { logOutput?: string } {
  return event.logOutput === undefined ? {} : { logOutput: event.logOutput };
}
