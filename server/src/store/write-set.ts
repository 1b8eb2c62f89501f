import type { Failure, JsonValue, TaskInput, TimerPurpose, WfRunEvent, WfRunState } from '@gallop/engine';
import type { OutboxEffect, TaskAttemptRecord, UserTaskRunHistoryEntry } from './schema.ts';

// Rows are keyed by column name: the write statement fills whole table rows from them with
// jsonb_populate_recordset, so a key that is not a column is ignored and a column without a key is NULL (defaults
// do not apply: every NOT NULL column needs its key). Times go in as ISO strings (isoTime), which PostgreSQL reads
// as timestamptz: JSON.stringify would turn a Date into the same string, but through its toJSON, about a microsecond
// each (a third of the time to serialise a 3-task step's rows).

/** An instant as an ISO 8601 string, as a timestamptz column takes it from JSON. */
export type IsoTime = string;

let lastMs = Number.NaN;
let lastIso = '';
/** `ms` as an IsoTime. A command's events mostly share one time: the last one made is kept. */
export function isoTime(ms: number): IsoTime {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}

/** One command's events, in order from `first_seq`: one row of the log (the wf_run_events view numbers them). */
export interface EventBatch {
  tenant_id: string;
  wf_run_id: string;
  first_seq: number;
  events: readonly WfRunEvent[];
}

export interface WfRunRowJson {
  tenant_id: string;
  id: string;
  wf_spec_name: string;
  major_version: number;
  revision: number;
  status: string;
  start_time: IsoTime;
  end_time: IsoTime | null;
  error_message: string | null;
  /** The state snapshot, when this write takes one; absent, the row keeps its older snapshot (snapshot_seq says which). */
  state?: WfRunState;
  seq: number;
  updated_at: IsoTime;
}

export interface ThreadRunRow {
  tenant_id: string;
  wf_run_id: string;
  number: number;
  thread_spec_name: string;
  kind: string;
  status: string;
  parent_thread_run_number: number | null;
  start_time: IsoTime;
  end_time: IsoTime | null;
  failure: Failure | null;
}

export interface NodeRunRow {
  tenant_id: string;
  wf_run_id: string;
  thread_run_number: number;
  position: number;
  node_name: string;
  node_type: string;
  status: string;
  arrival_time: IsoTime;
  end_time?: IsoTime | null;
  failure?: Failure | null;
  task_guid?: string | null;
  external_event_def_name?: string | null;
  user_task_guid?: string | null;
  sleep_until?: IsoTime | null;
  child_wf_run_id?: string | null;
  thread_run_numbers?: readonly number[] | null;
}

export interface EndedNodeRunRow {
  tenant_id: string;
  wf_run_id: string;
  thread_run_number: number;
  position: number;
  status: string;
  end_time: IsoTime;
  failure: Failure | null;
  /** A SLEEP whose timer moved in the command that ended it (one statement changes a row once). */
  sleep_until?: IsoTime;
  /** A WAIT_FOR_THREADS: the ThreadRuns its end says it waited for, which its list may have changed to since it started. */
  thread_run_numbers?: number[];
}

/** A SLEEP NodeRun of an earlier command whose timer moved: the time it sleeps until changed. */
export interface MovedSleepRow {
  tenant_id: string;
  wf_run_id: string;
  thread_run_number: number;
  position: number;
  sleep_until: IsoTime;
}

export interface VariableRow {
  tenant_id: string;
  wf_run_id: string;
  thread_run_number: number;
  name: string;
  value: JsonValue;
  /** An entrypoint variable its WfSpec declares searchable: WfRuns can be found by its value. */
  searchable: boolean;
}

export interface TaskRunRow {
  tenant_id: string;
  wf_run_id: string;
  task_guid: string;
  task_def_name: string;
  thread_run_number: number;
  node_position: number;
  status: string;
  attempt: number;
  input: readonly TaskInput[];
  scheduled_at: IsoTime;
  timeout_seconds: number | null;
  attempts: TaskAttemptRecord[];
  /** A reminder's: who held its UserTaskRun when it fired. Left out otherwise, so a TASK node's row carries no more. */
  user_id?: string;
  user_group?: string;
  /** Set when the TaskRun is handed to a waiting claim in the write that creates it. */
  worker_id?: string | null;
  started_at?: IsoTime | null;
  lease_expires_at?: IsoTime | null;
}

/** Everything one command does to an existing TaskRun row. */
export interface TaskChangeRow {
  tenant_id: string;
  wf_run_id: string;
  task_guid: string;
  status?: string;
  attempt?: number;
  /** Set when a retry puts the TaskRun back on the queue, or will when its back-off ends. */
  scheduled_at?: IsoTime;
  /** Attempt records to append; each gets the row's startTime and, unless it names one, its workerId. */
  records: { worker_id: string | null; record: Omit<TaskAttemptRecord, 'startTime' | 'workerId'> }[];
}

export interface TimerRow {
  tenant_id: string;
  wf_run_id: string;
  timer_id: string;
  fire_at: IsoTime;
  purpose: TimerPurpose;
}

export interface TimerKey {
  tenant_id: string;
  wf_run_id: string;
  timer_id: string;
}

export interface ExternalEventRow {
  tenant_id: string;
  wf_run_id: string;
  guid: string;
  external_event_def_name: string;
  content: JsonValue;
  created_at: IsoTime;
  claimed: boolean;
  thread_run_number: number | null;
  node_run_position: number | null;
}

export interface ExternalEventClaimRow {
  tenant_id: string;
  wf_run_id: string;
  guid: string;
  thread_run_number: number;
  node_run_position: number;
}

export interface WorkflowEventRow {
  tenant_id: string;
  wf_run_id: string;
  workflow_event_def_name: string;
  number: number;
  content: JsonValue;
  created_at: IsoTime;
  thread_run_number: number;
  node_run_position: number;
  /** Left out (null) unless the content is a secret. */
  masked?: true | undefined;
}

export interface UserTaskRunRow {
  tenant_id: string;
  wf_run_id: string;
  user_task_guid: string;
  user_task_def_name: string;
  user_task_def_version: number;
  thread_run_number: number;
  node_run_position: number;
  status: string;
  user_id: string | null;
  user_group: string | null;
  notes: string | null;
  results?: Record<string, JsonValue> | null;
  epoch: number;
  events: UserTaskRunHistoryEntry[];
  created_at: IsoTime;
  updated_at: IsoTime;
}

/** Everything one command does to an existing UserTaskRun row; a key that is absent leaves its column alone. */
export interface UserTaskChangeRow {
  tenant_id: string;
  wf_run_id: string;
  user_task_guid: string;
  status?: string;
  user_id?: string | null;
  user_group?: string | null;
  epoch?: number;
  results?: Record<string, JsonValue>;
  updated_at: IsoTime;
  entries: UserTaskRunHistoryEntry[];
}

/** An EXTERNAL_EVENT NodeRun waiting with a correlation key. */
export interface CorrelationMarkerRow {
  tenant_id: string;
  wf_run_id: string;
  thread_run_number: number;
  node_run_position: number;
  external_event_def_name: string;
  key: string;
}

/** An EXTERNAL_EVENT NodeRun took the ExternalEvent a CorrelatedEvent became: noted, or the event deleted if first-only. */
export interface CorrelationTakeRow {
  tenant_id: string;
  wf_run_id: string;
  guid: string;
  /** The CorrelatedEvent's id (one sending of its key). */
  event_id: string;
  created_at: IsoTime;
}

/** A NodeRun that ended: its marker, if it had one, goes. */
export interface EndedMarkerKey {
  tenant_id: string;
  wf_run_id: string;
  thread_run_number: number;
  node_run_position: number;
}

export interface OutboxRow {
  tenant_id: string;
  wf_run_id: string;
  id: string;
  effect: OutboxEffect;
  created_at: IsoTime;
}

/**
 * What one or more commands write, table by table. Commands of different WfRuns concatenate into one WriteSet and
 * so into one statement and one commit; two commands of one WfRun must not share one (a statement changes a row
 * once).
 */
export interface WriteSet {
  events: EventBatch[];
  newWfRuns: WfRunRowJson[];
  wfRuns: WfRunRowJson[];
  threadRuns: ThreadRunRow[];
  nodeRuns: NodeRunRow[];
  endedNodeRuns: EndedNodeRunRow[];
  movedSleeps: MovedSleepRow[];
  variables: VariableRow[];
  taskRuns: TaskRunRow[];
  taskChanges: TaskChangeRow[];
  timers: TimerRow[];
  firedTimers: TimerKey[];
  externalEvents: ExternalEventRow[];
  claims: ExternalEventClaimRow[];
  workflowEvents: WorkflowEventRow[];
  userTaskRuns: UserTaskRunRow[];
  userTaskChanges: UserTaskChangeRow[];
  correlationMarkers: CorrelationMarkerRow[];
  endedMarkers: EndedMarkerKey[];
  correlationTakes: CorrelationTakeRow[];
  /** WfRuns that completed: every marker of theirs goes (a child thread may still have been waiting). */
  completedMarkers: { tenant_id: string; wf_run_id: string }[];
  outbox: OutboxRow[];
}

export function emptyWriteSet(): WriteSet {
  return {
    events: [],
    newWfRuns: [],
    wfRuns: [],
    threadRuns: [],
    nodeRuns: [],
    endedNodeRuns: [],
    movedSleeps: [],
    variables: [],
    taskRuns: [],
    taskChanges: [],
    timers: [],
    firedTimers: [],
    externalEvents: [],
    claims: [],
    workflowEvents: [],
    userTaskRuns: [],
    userTaskChanges: [],
    correlationMarkers: [],
    endedMarkers: [],
    correlationTakes: [],
    completedMarkers: [],
    outbox: [],
  };
}

/** The WriteSets of commands on different WfRuns, as one. */
export function mergeWriteSets(sets: readonly WriteSet[]): WriteSet {
  if (sets.length === 1 && sets[0]) return sets[0];
  const merged = emptyWriteSet();
  for (const set of sets) {
    for (const key of Object.keys(merged) as (keyof WriteSet)[]) (merged[key] as unknown[]).push(...set[key]);
  }
  return merged;
}

/**
 * Each table's part of the write statement: a data-modifying CTE (or several) over the WriteSet's array of the same
 * key in `w.j`.
 * Inserts read whole rows with jsonb_populate_recordset; updates and deletes go through gallop_rows (a migration
 * defines it) so that PostgreSQL looks each row up by its key instead of scanning the table.
 */
const PARTS: Readonly<Record<keyof WriteSet, string | readonly string[]>> = {
  events: `insert into wf_run_event_batches select r.* from w, jsonb_populate_recordset(null::wf_run_event_batches, w.j->'events') r`,
  newWfRuns: `insert into wf_runs select r.* from w, jsonb_populate_recordset(null::wf_runs, w.j->'newWfRuns') r`,
  wfRuns: `update wf_runs t set status = r.status, end_time = r.end_time, error_message = r.error_message,
    state = coalesce(r.state, t.state),
    snapshot_seq = case when r.state is null then coalesce(t.snapshot_seq, t.seq) end,
    seq = r.seq, updated_at = r.updated_at, major_version = r.major_version, revision = r.revision
  from w, gallop_rows(w.j->'wfRuns') e, jsonb_populate_record(null::wf_runs, e) r
  where t.tenant_id = r.tenant_id and t.id = r.id`,
  threadRuns: `insert into thread_runs select r.* from w, jsonb_populate_recordset(null::thread_runs, w.j->'threadRuns') r
  on conflict (tenant_id, wf_run_id, number) do update set status = excluded.status, end_time = excluded.end_time,
    failure = excluded.failure`,
  nodeRuns: `insert into node_runs select r.* from w, jsonb_populate_recordset(null::node_runs, w.j->'nodeRuns') r`,
  endedNodeRuns: `update node_runs t set status = r.status, end_time = r.end_time, failure = r.failure,
    sleep_until = coalesce(r.sleep_until, t.sleep_until), thread_run_numbers = coalesce(r.thread_run_numbers, t.thread_run_numbers)
  from w, gallop_rows(w.j->'endedNodeRuns') e, jsonb_populate_record(null::node_runs, e) r
  where t.tenant_id = r.tenant_id and t.wf_run_id = r.wf_run_id and t.thread_run_number = r.thread_run_number
    and t.position = r.position`,
  movedSleeps: `update node_runs t set sleep_until = (e->>'sleep_until')::timestamptz
  from w, gallop_rows(w.j->'movedSleeps') e
  where t.tenant_id = e->>'tenant_id' and t.wf_run_id = e->>'wf_run_id' and t.thread_run_number = (e->>'thread_run_number')::integer
    and t.position = (e->>'position')::integer`,
  variables: `insert into variables select r.* from w, jsonb_populate_recordset(null::variables, w.j->'variables') r
  on conflict (tenant_id, wf_run_id, thread_run_number, name) do update set value = excluded.value,
    searchable = excluded.searchable`,
  taskRuns: `insert into task_runs select r.* from w, jsonb_populate_recordset(null::task_runs, w.j->'taskRuns') r`,
  taskChanges: `update task_runs t set status = coalesce(r.status, t.status), attempt = coalesce(r.attempt, t.attempt),
    lease_expires_at = null,
    attempts = t.attempts || coalesce((select jsonb_agg(a.v->'record' || jsonb_build_object('startTime', t.started_at,
      'workerId', coalesce(a.v->>'worker_id', t.worker_id)) order by a.n)
      from jsonb_array_elements(r.records) with ordinality a(v, n)), '[]'::jsonb),
    scheduled_at = coalesce(r.scheduled_at, t.scheduled_at),
    worker_id = case when r.scheduled_at is null then t.worker_id end,
    started_at = case when r.scheduled_at is null then t.started_at end
  from w, gallop_rows(w.j->'taskChanges') e,
    jsonb_to_record(e) r(tenant_id text, wf_run_id text, task_guid text, status text, attempt integer, scheduled_at timestamptz, records jsonb)
  where t.tenant_id = r.tenant_id and t.wf_run_id = r.wf_run_id and t.task_guid = r.task_guid`,
  timers: `insert into timers select r.* from w, jsonb_populate_recordset(null::timers, w.j->'timers') r
  on conflict (tenant_id, wf_run_id, timer_id) do update set fire_at = excluded.fire_at, purpose = excluded.purpose,
    locked_until = null`,
  firedTimers: `delete from timers t using w, gallop_rows(w.j->'firedTimers') e
  where t.tenant_id = e->>'tenant_id' and t.wf_run_id = e->>'wf_run_id' and t.timer_id = e->>'timer_id'`,
  externalEvents: `insert into external_events select r.* from w, jsonb_populate_recordset(null::external_events, w.j->'externalEvents') r
  on conflict (tenant_id, wf_run_id, guid) do update set claimed = excluded.claimed,
    thread_run_number = excluded.thread_run_number, node_run_position = excluded.node_run_position`,
  claims: `update external_events t set claimed = true, thread_run_number = (e->>'thread_run_number')::integer,
    node_run_position = (e->>'node_run_position')::integer
  from w, gallop_rows(w.j->'claims') e
  where t.tenant_id = e->>'tenant_id' and t.wf_run_id = e->>'wf_run_id' and t.guid = e->>'guid'`,
  workflowEvents: `insert into workflow_events select r.* from w, jsonb_populate_recordset(null::workflow_events, w.j->'workflowEvents') r`,
  userTaskRuns: `insert into user_task_runs select r.* from w, jsonb_populate_recordset(null::user_task_runs, w.j->'userTaskRuns') r`,
  userTaskChanges: `update user_task_runs t set
    status = coalesce(e->>'status', t.status),
    user_id = case when e ? 'user_id' then e->>'user_id' else t.user_id end,
    user_group = case when e ? 'user_group' then e->>'user_group' else t.user_group end,
    epoch = coalesce((e->>'epoch')::integer, t.epoch),
    results = case when e ? 'results' then e->'results' else t.results end,
    updated_at = (e->>'updated_at')::timestamptz,
    events = t.events || (e->'entries')
  from w, gallop_rows(w.j->'userTaskChanges') e
  where t.tenant_id = e->>'tenant_id' and t.wf_run_id = e->>'wf_run_id' and t.user_task_guid = e->>'user_task_guid'`,
  correlationMarkers: `insert into correlation_markers select r.* from w, jsonb_populate_recordset(null::correlation_markers, w.j->'correlationMarkers') r
  on conflict (tenant_id, wf_run_id, thread_run_number, node_run_position) do update set external_event_def_name = excluded.external_event_def_name,
    key = excluded.key`,
  endedMarkers: `delete from correlation_markers t using w, gallop_rows(w.j->'endedMarkers') e
  where t.tenant_id = e->>'tenant_id' and t.wf_run_id = e->>'wf_run_id' and t.thread_run_number = (e->>'thread_run_number')::integer
    and t.node_run_position = (e->>'node_run_position')::integer`,
  // LittleHorse's deleteAfterFirstCorrelation, from the def as it is now: the event goes; otherwise the taking is noted.
  correlationTakes: [
    `insert into correlated_event_deliveries (tenant_id, event_id, wf_run_id, guid, created_at)
  select c.tenant_id, c.id, e->>'wf_run_id', e->>'guid', (e->>'created_at')::timestamptz
  from w cross join gallop_rows(w.j->'correlationTakes') e
    join correlated_events c on c.tenant_id = e->>'tenant_id' and c.id = e->>'event_id'
    join external_event_defs d on d.tenant_id = c.tenant_id and d.name = c.external_event_def_name
  where not coalesce((d.def->'correlatedEventConfig'->>'deleteAfterFirstCorrelation')::boolean, false)
  on conflict do nothing`,
    `delete from correlated_events c using w, gallop_rows(w.j->'correlationTakes') e, external_event_defs d
  where c.tenant_id = e->>'tenant_id' and c.id = e->>'event_id' and d.tenant_id = c.tenant_id and d.name = c.external_event_def_name
    and coalesce((d.def->'correlatedEventConfig'->>'deleteAfterFirstCorrelation')::boolean, false)`,
  ],
  completedMarkers: `delete from correlation_markers t using w, gallop_rows(w.j->'completedMarkers') e
  where t.tenant_id = e->>'tenant_id' and t.wf_run_id = e->>'wf_run_id'`,
  outbox: `insert into outbox select r.* from w, jsonb_populate_recordset(null::outbox, w.j->'outbox') r on conflict do nothing`,
};

const KEYS = Object.keys(PARTS) as (keyof WriteSet)[];
const statements = new Map<number, string>();

/**
 * The one statement that writes a WriteSet, its parameter ($1) the set as JSON text: a CTE for each part the set
 * has, so the whole set is atomic without a transaction and costs one round trip. Sets of the same shape share the
 * statement's text, which PostgreSQL then parses and plans once per connection; there are a handful of shapes.
 * Appending an event at a seq that is taken fails on the primary key, and then nothing is written.
 */
export function writeStatement(set: WriteSet): string {
  let shape = 0;
  KEYS.forEach((key, i) => {
    if (set[key].length > 0) shape |= 1 << i;
  });
  let text = statements.get(shape);
  if (text === undefined) {
    const ctes = KEYS.filter((_, i) => shape & (1 << i)).flatMap((key) => {
      const parts = PARTS[key];
      return typeof parts === 'string' ? [`write_${key} as (${parts})`] : parts.map((part, n) => `write_${key}_${n} as (${part})`);
    });
    text = `with w as materialized (select $1::text::jsonb as j),\n${ctes.join(',\n')}\nselect 1`;
    statements.set(shape, text);
  }
  return text;
}
