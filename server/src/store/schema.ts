import type {
  Effect,
  ExternalEventDef,
  Failure,
  JsonValue,
  TaskDef,
  TaskInput,
  TimerPurpose,
  UserTaskDef,
  VersionedWfSpec,
  WfRunEvent,
  WfRunState,
  WorkflowEventDef,
} from '@gallop/engine';
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, customType, foreignKey, index, integer, pgTable, pgView, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Acl } from '../auth/acl.ts';

// Every table carries tenant_id in its key from the first migration, so tenants (issue 8) need no rewrite,
// and every per-WfRun table carries wf_run_id, the distribution column for sharding (docs/scaling.md).

const tenantId = () => text('tenant_id').notNull().default('default');
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A jsonb column read as the driver parsed it. Drizzle's own jsonb parses a string it gets once more, so a STR
 * variable holding the text 12345, true or {"a":1} read back as a number, a boolean or an object.
 */
const jsonb = customType<{ data: unknown; driverData: unknown }>({
  dataType: () => 'jsonb',
  toDriver: (value) => JSON.stringify(value),
});

/** The tenants objects belong to; `default` exists from the start (migration 0011). */
export const tenants = pgTable('tenants', {
  id: text('id').primaryKey(),
  createdAt: at('created_at').notNull().defaultNow(),
});

/** Who may act, with their grants; principals are the cluster's, across tenants (LittleHorse). */
export const principals = pgTable('principals', {
  id: text('id').primaryKey(),
  globalAcls: jsonb('global_acls').$type<Acl[]>().notNull(),
  perTenantAcls: jsonb('per_tenant_acls').$type<Record<string, Acl[]>>().notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/** A principal's API keys: the secret's SHA-256 only, never the secret. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    principalId: text('principal_id')
      .notNull()
      .references(() => principals.id, { onDelete: 'cascade' }),
    secretHash: text('secret_hash').notNull(),
    description: text('description'),
    createdAt: at('created_at').notNull().defaultNow(),
    expiresAt: at('expires_at'),
    revokedAt: at('revoked_at'),
  },
  (t) => [index('api_keys_by_principal').on(t.principalId)],
);

/** Every mutation: who, in which tenant, what, when, and how it ended (routine calls counted by the minute). Arguments are not kept: they may hold secrets. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: at('at').notNull(),
    tenantId: text('tenant_id').notNull(),
    principalId: text('principal_id').notNull(),
    /** The mutation's root fields, comma-separated (`putWfSpec`). */
    operation: text('operation').notNull(),
    /** OK, a typed error's name (ValidationError), or a refusal's code (FORBIDDEN). */
    outcome: text('outcome').notNull(),
    /** How many such calls the row stands for: programs' routine calls are counted by the minute (audit.ts). */
    count: integer('count').notNull().default(1),
  },
  (t) => [index('audit_log_by_time').on(t.at.desc()), index('audit_log_by_principal').on(t.principalId, t.at.desc())],
);

export const taskDefs = pgTable(
  'task_defs',
  {
    tenantId: tenantId(),
    name: text('name').notNull(),
    def: jsonb('def').$type<TaskDef>().notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.name] })],
);

/**
 * The workers that claim each TaskDef's TaskRuns, and when each was last seen claiming (LittleHorse's
 * TaskWorkerGroup, where workers send heartbeats: here a claim is one). Written in batches every few seconds.
 */
export const taskWorkers = pgTable(
  'task_workers',
  {
    tenantId: tenantId(),
    taskDefName: text('task_def_name').notNull(),
    workerId: text('worker_id').notNull(),
    firstSeenAt: at('first_seen_at').notNull(),
    lastSeenAt: at('last_seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.taskDefName, t.workerId] }), index('task_workers_by_time').on(t.lastSeenAt)],
);

const count = (name: string) => bigint(name, { mode: 'number' }).notNull().default(0);

/**
 * LittleHorse's WfSpecMetrics: per WfSpec version and window (MINUTES_5, HOURS_2 or DAYS_1, starting at
 * window_start), the WfRuns that started, completed and failed in it, and the start-to-complete times of those that
 * completed. Server processes add their counts every few seconds (runtime/metric-windows.ts).
 */
export const wfSpecMetrics = pgTable(
  'wf_spec_metrics',
  {
    tenantId: tenantId(),
    wfSpecName: text('wf_spec_name').notNull(),
    majorVersion: integer('major_version').notNull(),
    revision: integer('revision').notNull(),
    windowLength: text('window_length').notNull(),
    windowStart: at('window_start').notNull(),
    totalStarted: count('total_started'),
    totalCompleted: count('total_completed'),
    totalErrored: count('total_errored'),
    startToCompleteTotalMs: count('start_to_complete_total_ms'),
    startToCompleteMaxMs: count('start_to_complete_max_ms'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.wfSpecName, t.windowLength, t.windowStart, t.majorVersion, t.revision] })],
);

/**
 * LittleHorse's TaskDefMetrics: per TaskDef and window, the TaskRuns scheduled, the attempts started (claimed),
 * succeeded and failed, how long attempts waited for a worker and how long workers took. Added to as wf_spec_metrics.
 */
export const taskDefMetrics = pgTable(
  'task_def_metrics',
  {
    tenantId: tenantId(),
    taskDefName: text('task_def_name').notNull(),
    windowLength: text('window_length').notNull(),
    windowStart: at('window_start').notNull(),
    totalScheduled: count('total_scheduled'),
    totalStarted: count('total_started'),
    totalCompleted: count('total_completed'),
    totalErrored: count('total_errored'),
    scheduleToStartTotalMs: count('schedule_to_start_total_ms'),
    scheduleToStartMaxMs: count('schedule_to_start_max_ms'),
    /** Attempts whose start-to-complete time is known (their claim was answered by the process that took the report). */
    startToCompleteCount: count('start_to_complete_count'),
    startToCompleteTotalMs: count('start_to_complete_total_ms'),
    startToCompleteMaxMs: count('start_to_complete_max_ms'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.taskDefName, t.windowLength, t.windowStart] })],
);

export const wfSpecs = pgTable(
  'wf_specs',
  {
    tenantId: tenantId(),
    name: text('name').notNull(),
    majorVersion: integer('major_version').notNull(),
    revision: integer('revision').notNull(),
    spec: jsonb('spec').$type<VersionedWfSpec>().notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    /**
     * Set by deleteWfSpec: the version no longer starts WfRuns nor shows among WfSpecs, but stays for the WfRuns that
     * run on it (they finish on it and their pages draw it), and its number is never given to another spec.
     */
    deletedAt: at('deleted_at'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.name, t.majorVersion, t.revision] })],
);

/**
 * One row per WfRun: its summary for lists and search, and the state snapshot the next command starts from.
 * Rewritten by every command, so its pages keep room for the next version (fillfactor 70, migration 0015).
 */
export const wfRuns = pgTable(
  'wf_runs',
  {
    tenantId: tenantId(),
    id: text('id').notNull(),
    wfSpecName: text('wf_spec_name').notNull(),
    majorVersion: integer('major_version').notNull(),
    revision: integer('revision').notNull(),
    status: text('status').notNull(),
    startTime: at('start_time').notNull(),
    endTime: at('end_time'),
    errorMessage: text('error_message'),
    /** The state snapshot: as of `snapshot_seq` when that is set, else as of `seq` (readers fold the events between). */
    state: jsonb('state').$type<WfRunState>().notNull(),
    /** The seq of its newest event. */
    seq: integer('seq').notNull(),
    updatedAt: at('updated_at').notNull(),
    /** The seq of the last event `state` holds, when it is older than `seq`: commands write the snapshot now and then. */
    snapshotSeq: integer('snapshot_seq'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('wf_runs_by_spec').on(t.tenantId, t.wfSpecName, t.startTime.desc()),
    index('wf_runs_by_start').on(t.tenantId, t.startTime.desc()),
  ],
);

/**
 * The event log: each command's events as one row, in order from `first_seq`. A command decided on a state whose
 * last seq is S writes at S + 1; a row there means another command came first, and the unique key makes that lost
 * race fail instead of interleave (every state ends where a row ends, so a stale one always collides).
 */
export const wfRunEventBatches = pgTable(
  'wf_run_event_batches',
  {
    tenantId: tenantId(),
    wfRunId: text('wf_run_id').notNull(),
    firstSeq: integer('first_seq').notNull(),
    events: jsonb('events').$type<WfRunEvent[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.wfRunId, t.firstSeq] })],
);

/** The event log an event a row, numbered: a view over wf_run_event_batches (migration 0014 makes it). */
export const wfRunEvents = pgView('wf_run_events', {
  tenantId: text('tenant_id').notNull(),
  wfRunId: text('wf_run_id').notNull(),
  seq: integer('seq').notNull(),
  type: text('type').notNull(),
  time: at('time').notNull(),
  event: jsonb('event').$type<WfRunEvent>().notNull(),
  /** The first seq of the row the event came in. */
  firstSeq: integer('first_seq').notNull(),
}).existing();

export const nodeRuns = pgTable(
  'node_runs',
  {
    tenantId: tenantId(),
    wfRunId: text('wf_run_id').notNull(),
    threadRunNumber: integer('thread_run_number').notNull(),
    position: integer('position').notNull(),
    nodeName: text('node_name').notNull(),
    nodeType: text('node_type').notNull(),
    status: text('status').notNull(),
    arrivalTime: at('arrival_time').notNull(),
    endTime: at('end_time'),
    failure: jsonb('failure').$type<Failure>(),
    taskGuid: text('task_guid'),
    /** For an EXTERNAL_EVENT NodeRun: the ExternalEventDef it waits for (LittleHorse's SearchNodeRun filters by it). */
    externalEventDefName: text('external_event_def_name'),
    // What the other kinds run or wait for, as LittleHorse's NodeRun carries it in the sub-record of its type.
    /** For a USER_TASK NodeRun: its UserTaskRun, as task_guid names a TASK NodeRun's TaskRun. */
    userTaskGuid: text('user_task_guid'),
    /** For a SLEEP NodeRun: when its timer fires (LittleHorse's maturation time), moved when the time it sleeps until changes. */
    sleepUntil: at('sleep_until'),
    /** For RUN_CHILD_WF: the child WfRun it started; for WAIT_FOR_CHILD_WF: the one it waits for. */
    childWfRunId: text('child_wf_run_id'),
    /** For WAIT_FOR_THREADS: the ThreadRuns it waits for; for START_THREAD and START_MULTIPLE_THREADS: those it started. */
    threadRunNumbers: jsonb('thread_run_numbers').$type<number[]>(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.wfRunId, t.threadRunNumber, t.position] }),
    // The search of NodeRuns (nodeRuns), newest first. Not on status: a NodeRun's status changes as it ends, and
    // an indexed column that changes costs every such update on the hot path a new index entry (no HOT update).
    index('node_runs_by_arrival').on(t.tenantId, t.arrivalTime),
    // The EXTERNAL_EVENT NodeRuns of one ExternalEventDef, which would otherwise be picked out of all arrivals.
    index('node_runs_by_external_event_def').on(t.tenantId, t.externalEventDefName, t.arrivalTime).where(sql`external_event_def_name is not null`),
  ],
);

/** One row per ThreadRun, as it stands after the WfRun's last command: for search and views without the state. */
export const threadRuns = pgTable(
  'thread_runs',
  {
    tenantId: tenantId(),
    wfRunId: text('wf_run_id').notNull(),
    number: integer('number').notNull(),
    threadSpecName: text('thread_spec_name').notNull(),
    kind: text('kind').notNull(),
    status: text('status').notNull(),
    parentThreadRunNumber: integer('parent_thread_run_number'),
    startTime: at('start_time').notNull(),
    endTime: at('end_time'),
    failure: jsonb('failure').$type<Failure>(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.wfRunId, t.number] })],
);

export const variables = pgTable(
  'variables',
  {
    tenantId: tenantId(),
    wfRunId: text('wf_run_id').notNull(),
    threadRunNumber: integer('thread_run_number').notNull(),
    name: text('name').notNull(),
    value: jsonb('value').$type<JsonValue>(),
    /** A variable its ThreadRun's thread spec (in the version its WfRun runs) declares searchable. */
    searchable: boolean('searchable').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.wfRunId, t.threadRunNumber, t.name] }),
    // The searches by a searchable variable's value (variables, and wfRuns by an entrypoint one). A hash of the value,
    // not the value: a large JSON value would not fit in a btree entry. jsonb's text form is canonical, so equal
    // values hash alike.
    index('variables_by_value').on(t.tenantId, t.name, sql`md5(${t.value}::text)`).where(sql`searchable`),
  ],
);

/** One attempt's record, appended when its report arrives. */
export interface TaskAttemptRecord {
  readonly attempt: number;
  readonly status: string;
  readonly workerId: string | null;
  readonly startTime: string | null;
  readonly endTime: string;
  readonly output?: JsonValue;
  /** The output is a masked TaskDef's: the API shows it as `*****`. */
  readonly maskedOutput?: true;
  readonly errorMessage?: string;
  readonly exceptionName?: string;
  readonly logOutput?: string;
}

/** The TaskRun queue and its history: workers claim rows in TASK_SCHEDULED with FOR UPDATE SKIP LOCKED. */
export const taskRuns = pgTable(
  'task_runs',
  {
    tenantId: tenantId(),
    wfRunId: text('wf_run_id').notNull(),
    taskGuid: text('task_guid').notNull(),
    taskDefName: text('task_def_name').notNull(),
    /** The TASK NodeRun this TaskRun belongs to (null for rows older than these columns). */
    threadRunNumber: integer('thread_run_number'),
    nodePosition: integer('node_position'),
    status: text('status').notNull(),
    attempt: integer('attempt').notNull(),
    input: jsonb('input').$type<readonly TaskInput[]>().notNull(),
    scheduledAt: at('scheduled_at').notNull(),
    workerId: text('worker_id'),
    startedAt: at('started_at'),
    leaseExpiresAt: at('lease_expires_at'),
    /** The TASK node's timeout: a claim's lease lasts this long instead of what the worker asked for. */
    timeoutSeconds: integer('timeout_seconds'),
    attempts: jsonb('attempts').$type<TaskAttemptRecord[]>().notNull().default(sql`'[]'::jsonb`),
    /**
     * For a user task action's TaskRun (a reminder): who held the UserTaskRun when the action fired, for its worker
     * (LittleHorse's UserTaskTriggerReference). Null for a TASK node's, and when the task had no user or no group.
     */
    userId: text('user_id'),
    userGroup: text('user_group'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.wfRunId, t.taskGuid] }),
    index('task_runs_queue').on(t.tenantId, t.taskDefName, t.scheduledAt).where(sql`status = 'TASK_SCHEDULED'`),
    // A TaskDef's TaskRuns newest first (read backwards), for the taskRuns search without reading every TaskRun.
    index('task_runs_by_def').on(t.tenantId, t.taskDefName, t.scheduledAt, t.wfRunId, t.taskGuid),
    index('task_runs_leases').on(t.leaseExpiresAt).where(sql`status = 'TASK_RUNNING'`),
    // The same for the few TaskRuns in a status that has no index of its own (failed, waiting to retry), so that
    // a search or count of them does not read all of the TaskDef's. Scheduled and running ones have the two above;
    // successes are left out, as most TaskRuns end so and a claim or a report should not pay for another entry.
    index('task_runs_by_status')
      .on(t.tenantId, t.taskDefName, t.status, t.scheduledAt, t.wfRunId, t.taskGuid)
      .where(sql`status not in ('TASK_SCHEDULED', 'TASK_RUNNING', 'TASK_SUCCESS')`),
  ],
);

/**
 * Timers a WfRun set (retry back-off so far). The scheduler claims due rows with a short lease, fires their
 * FireTimer command, and the command's own write deletes the row, so a crash in between fires it again later.
 */
export const timers = pgTable(
  'timers',
  {
    tenantId: tenantId(),
    wfRunId: text('wf_run_id').notNull(),
    timerId: text('timer_id').notNull(),
    fireAt: at('fire_at').notNull(),
    purpose: jsonb('purpose').$type<TimerPurpose>().notNull(),
    /** Set while a scheduler fires it, so that another one leaves it alone until then. */
    lockedUntil: at('locked_until'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.wfRunId, t.timerId] }), index('timers_due').on(t.fireAt)],
);

/** The engine's effects that reach another WfRun. */
export type OutboxEffect =
  | Extract<Effect, { type: 'RunChildWf' | 'NotifyParentWfRun' | 'RescueParentWfRun' }>
  /**
   * Give the WfRun's NodeRun waiting with this key the CorrelatedEvent of its def: the one `sent` when it was sent to
   * the NodeRuns then waiting, else the one there now, if any (correlated-events.ts).
   */
  | {
      readonly type: 'DeliverCorrelatedEvent';
      readonly externalEventDefName: string;
      readonly key: string;
      readonly threadRunNumber: number;
      readonly position: number;
      readonly sent?: { readonly id: string; readonly content: JsonValue } | undefined;
    };

/**
 * Commands one WfRun's decision owes another (start a child WfRun, tell a parent its child ended), written in the
 * same statement as the events that made them, so a crash cannot lose them. The scheduler delivers and deletes
 * them; delivery is at least once, and the engine refuses a repeat.
 */
export const outbox = pgTable(
  'outbox',
  {
    tenantId: tenantId(),
    /** The WfRun the command is for: the row lives with it (distribution column on Citus). */
    wfRunId: text('wf_run_id').notNull(),
    /** `{sourceWfRunId}/{seq}`: the event that asked for it. */
    id: text('id').notNull(),
    effect: jsonb('effect').$type<OutboxEffect>().notNull(),
    createdAt: at('created_at').notNull(),
    /** Set while a scheduler delivers it, so another leaves it alone until then. */
    lockedUntil: at('locked_until'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.wfRunId, t.id] }), index('outbox_by_age').on(t.createdAt)],
);

/**
 * Events the world sends by correlation key instead of WfRun id (LittleHorse's CorrelatedEvent): each reaches every
 * EXTERNAL_EVENT NodeRun waiting with its def and key, as an ExternalEvent pinned there, whichever comes first.
 */
export const correlatedEvents = pgTable(
  'correlated_events',
  {
    tenantId: tenantId(),
    externalEventDefName: text('external_event_def_name').notNull(),
    key: text('key').notNull(),
    /** Random: names this sending of the key in the guids of the ExternalEvents it becomes (never the key itself). */
    id: text('id').notNull(),
    content: jsonb('content').$type<JsonValue>(),
    createdAt: at('created_at').notNull(),
    /** From the def's ttlSeconds: past it, the event is gone. */
    expiresAt: at('expires_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.externalEventDefName, t.key] }),
    index('correlated_events_by_expiry').on(t.expiresAt),
    uniqueIndex('correlated_events_by_id').on(t.tenantId, t.id),
  ],
);

/**
 * The ExternalEvents each CorrelatedEvent became (LittleHorse's CorrelatedEvent.external_events): written with the
 * command in which a NodeRun took it, gone with the CorrelatedEvent.
 */
export const correlatedEventDeliveries = pgTable(
  'correlated_event_deliveries',
  {
    tenantId: tenantId(),
    eventId: text('event_id').notNull(),
    wfRunId: text('wf_run_id').notNull(),
    guid: text('guid').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.wfRunId, t.guid] }),
    index('correlated_event_deliveries_by_event').on(t.tenantId, t.eventId),
    foreignKey({ columns: [t.tenantId, t.eventId], foreignColumns: [correlatedEvents.tenantId, correlatedEvents.id] }).onDelete('cascade'),
  ],
);

/** The EXTERNAL_EVENT NodeRuns waiting with a correlation key (CorrelationKeySet), until they end. */
export const correlationMarkers = pgTable(
  'correlation_markers',
  {
    tenantId: tenantId(),
    wfRunId: text('wf_run_id').notNull(),
    threadRunNumber: integer('thread_run_number').notNull(),
    nodeRunPosition: integer('node_run_position').notNull(),
    externalEventDefName: text('external_event_def_name').notNull(),
    key: text('key').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.wfRunId, t.threadRunNumber, t.nodeRunPosition] }),
    index('correlation_markers_by_key').on(t.tenantId, t.externalEventDefName, t.key),
  ],
);

export const externalEventDefs = pgTable(
  'external_event_defs',
  {
    tenantId: tenantId(),
    name: text('name').notNull(),
    def: jsonb('def').$type<ExternalEventDef>().notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.name] })],
);

/**
 * Every ExternalEvent sent to a WfRun, claimed or not. One sent before its WfRun exists waits here, unclaimed,
 * and goes into the WfRun's RunWf command.
 */
export const externalEvents = pgTable(
  'external_events',
  {
    tenantId: tenantId(),
    wfRunId: text('wf_run_id').notNull(),
    guid: text('guid').notNull(),
    externalEventDefName: text('external_event_def_name').notNull(),
    content: jsonb('content').$type<JsonValue>(),
    createdAt: at('created_at').notNull(),
    claimed: boolean('claimed').notNull().default(false),
    threadRunNumber: integer('thread_run_number'),
    nodeRunPosition: integer('node_run_position'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.wfRunId, t.guid] }),
    index('external_events_by_def').on(t.tenantId, t.externalEventDefName, t.createdAt),
  ],
);

export const workflowEventDefs = pgTable(
  'workflow_event_defs',
  {
    tenantId: tenantId(),
    name: text('name').notNull(),
    def: jsonb('def').$type<WorkflowEventDef>().notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.name] })],
);

/** WorkflowEvents that WfRuns threw, numbered per WfRun and def from 0. */
export const workflowEvents = pgTable(
  'workflow_events',
  {
    tenantId: tenantId(),
    wfRunId: text('wf_run_id').notNull(),
    workflowEventDefName: text('workflow_event_def_name').notNull(),
    number: integer('number').notNull(),
    content: jsonb('content').$type<JsonValue>(),
    createdAt: at('created_at').notNull(),
    /** The THROW_EVENT NodeRun that threw it (LittleHorse's node_run_id); null only if an older server wrote the row. */
    threadRunNumber: integer('thread_run_number'),
    nodeRunPosition: integer('node_run_position'),
    /** The content is a secret (made from a masked variable or node output): the API shows it as `*****`. Null is false. */
    masked: boolean('masked'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.wfRunId, t.workflowEventDefName, t.number] }),
    index('workflow_events_by_def').on(t.tenantId, t.workflowEventDefName, t.createdAt),
  ],
);

/** UserTaskDefs by version, from 0 (LittleHorse): a changed def is a new row, never an update. */
export const userTaskDefs = pgTable(
  'user_task_defs',
  {
    tenantId: tenantId(),
    name: text('name').notNull(),
    version: integer('version').notNull(),
    def: jsonb('def').$type<UserTaskDef>().notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    /** Set by deleteUserTaskDef: no new UserTaskRun uses the version; those made with it can still be completed. */
    deletedAt: at('deleted_at'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.name, t.version] })],
);

/** One entry of a UserTaskRun's history (LittleHorse's UserTaskEvent), read off the engine's user task events. */
export interface UserTaskRunHistoryEntry {
  readonly type: 'CREATED' | 'ASSIGNED' | 'COMPLETED' | 'CANCELLED' | 'SAVED' | 'COMMENTED' | 'COMMENT_EDITED' | 'COMMENT_DELETED' | 'TASK_EXECUTED';
  /** ISO time of the event. */
  readonly time: string;
  /** Who holds the task after it (for COMPLETED: who did it). */
  readonly userId?: string | undefined;
  readonly userGroup?: string | undefined;
  readonly epoch?: number | undefined;
  /** What made it happen: ASSIGN, ACTION or COMPLETE for ASSIGNED; CANCEL, ACTION, THREAD_HALTED or NODE_FAILED for CANCELLED. */
  readonly cause?: string | undefined;
  /** For SAVED: what was kept. */
  readonly results?: Readonly<Record<string, JsonValue>> | undefined;
  /** For the COMMENT ones: which comment (from 1 within the UserTaskRun), and its text after it. */
  readonly userCommentId?: number | undefined;
  readonly comment?: string | undefined;
  /** For TASK_EXECUTED: the TaskRun one of its actions scheduled (LittleHorse's UTETaskExecuted). */
  readonly taskGuid?: string | undefined;
}

/**
 * UserTaskRuns, for people's task lists and search (LittleHorse's SearchUserTaskRun): a projection of the user task
 * events. The WfRun's state holds only the open one a thread stands on; this keeps every one.
 */
export const userTaskRuns = pgTable(
  'user_task_runs',
  {
    tenantId: tenantId(),
    wfRunId: text('wf_run_id').notNull(),
    userTaskGuid: text('user_task_guid').notNull(),
    userTaskDefName: text('user_task_def_name').notNull(),
    userTaskDefVersion: integer('user_task_def_version').notNull(),
    threadRunNumber: integer('thread_run_number').notNull(),
    nodeRunPosition: integer('node_run_position').notNull(),
    status: text('status').notNull(),
    userId: text('user_id'),
    userGroup: text('user_group'),
    notes: text('notes'),
    results: jsonb('results').$type<Record<string, JsonValue>>(),
    epoch: integer('epoch').notNull(),
    events: jsonb('events').$type<UserTaskRunHistoryEntry[]>().notNull().default(sql`'[]'::jsonb`),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.wfRunId, t.userTaskGuid] }),
    // Newest first within each filter; the status column lets "my open tasks" and "my group's unassigned tasks" use one index.
    index('user_task_runs_by_user').on(t.tenantId, t.userId, t.status, t.createdAt.desc()),
    index('user_task_runs_by_group').on(t.tenantId, t.userGroup, t.status, t.createdAt.desc()),
    index('user_task_runs_by_status').on(t.tenantId, t.status, t.createdAt.desc()),
    index('user_task_runs_by_def').on(t.tenantId, t.userTaskDefName, t.createdAt.desc()),
    index('user_task_runs_by_time').on(t.tenantId, t.createdAt.desc()),
  ],
);

/**
 * Schedules that start a WfRun at each time of a cron expression (LittleHorse's ScheduledWfRun). The scheduler
 * claims due rows the way it claims timers; `next_fire_at` is always a time of the expression still to be run.
 */
export const scheduledWfRuns = pgTable(
  'scheduled_wf_runs',
  {
    tenantId: tenantId(),
    id: text('id').notNull(),
    wfSpecName: text('wf_spec_name').notNull(),
    /** Unset: the newest major version when it fires. */
    majorVersion: integer('major_version'),
    /** Unset: the newest revision of the major version when it fires. */
    revision: integer('revision'),
    variables: jsonb('variables').$type<Record<string, JsonValue>>().notNull(),
    /** Five fields, UNIX style, read in UTC. */
    cronExpression: text('cron_expression').notNull(),
    nextFireAt: at('next_fire_at').notNull(),
    /** Set while a scheduler fires it, so that another one leaves it alone until then. */
    lockedUntil: at('locked_until'),
    createdAt: at('created_at').notNull(),
    /** The WfRun of the latest firing; ids are `{id}-{fire time in epoch ms}`. */
    lastWfRunId: text('last_wf_run_id'),
    /** When its latest firing started no WfRun, and why; cleared by the next that does. */
    lastSkippedAt: at('last_skipped_at'),
    lastSkipReason: text('last_skip_reason'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('scheduled_wf_runs_due').on(t.nextFireAt),
    index('scheduled_wf_runs_by_spec').on(t.tenantId, t.wfSpecName, t.id),
  ],
);
