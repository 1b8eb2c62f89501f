import { effectsOf, MASKED_VALUE, threadsWaitedFor, withoutThreadIndex } from '@gallop/engine';
import type { JsonValue, Node, VersionedWfSpec, WfRunEvent, WfRunState, WfSpec } from '@gallop/engine';
import { correlatedEventIdOf } from '../store/queries/correlated-events.ts';
import type { WfRunRow } from '../store/queries/wf-runs.ts';
import type { UserTaskRunHistoryEntry } from '../store/schema.ts';
import { emptyWriteSet, isoTime } from '../store/write-set.ts';
import type { EndedNodeRunRow, MovedSleepRow, NodeRunRow, OutboxRow, TaskChangeRow, TaskRunRow, ThreadRunRow, UserTaskChangeRow, UserTaskRunRow, VariableRow, WfRunRowJson, WriteSet } from '../store/write-set.ts';

/**
 * What one command writes: its events and everything read from them (the wf_runs row, with the state snapshot when
 * `snapshot` or the WfRun is new; thread_runs, node_runs, variables, the task_runs queue, timers, ExternalEvents,
 * WorkflowEvents, user_task_runs and the outbox), as rows for the one write statement (store/write-set.ts).
 */
export function writeSetOf(
  tenantId: string,
  wfRunId: string,
  firstSeq: number,
  events: readonly WfRunEvent[],
  state: WfRunState,
  before: WfRunState | undefined,
  spec: VersionedWfSpec,
  snapshot = true,
): WriteSet {
  const set = collect(tenantId, wfRunId, events, state, spec);
  set.events = [{ tenant_id: tenantId, wf_run_id: wfRunId, first_seq: firstSeq, events }];
  const row: WfRunRowJson = {
    tenant_id: tenantId,
    id: state.id,
    wf_spec_name: state.wfSpecId.name,
    major_version: state.wfSpecId.majorVersion,
    revision: state.wfSpecId.revision,
    status: state.status,
    start_time: isoTime(state.startTime),
    end_time: state.endTime === undefined ? null : isoTime(state.endTime),
    error_message: errorMessageOf(state),
    ...(snapshot || !before ? { state: withoutThreadIndex(state) } : {}),
    seq: firstSeq + events.length - 1,
    updated_at: isoTime(events[events.length - 1]?.time ?? state.startTime),
  };
  (before ? set.wfRuns : set.newWfRuns).push(row);
  set.outbox = outboxRows(tenantId, wfRunId, firstSeq, events, state);
  if (correlates(spec)) correlationRows(set, tenantId, wfRunId, firstSeq, events, before);
  return set;
}

const correlatesBySpec = new WeakMap<WfSpec, boolean>();

/** Whether a spec has an EXTERNAL_EVENT node with a correlation key, worked out once per spec the cache holds. */
function correlates(spec: WfSpec): boolean {
  let found = correlatesBySpec.get(spec);
  if (found === undefined) {
    found = Object.values(spec.threadSpecs).some((thread) => Object.values(thread.nodes).some((node) => node.type === 'EXTERNAL_EVENT' && node.correlationKey !== undefined));
    correlatesBySpec.set(spec, found);
  }
  return found;
}

/**
 * A NodeRun that waits with a correlation key gets a marker, and an outbox row that gives it the CorrelatedEvent
 * already sent, if any (one sent later finds the marker: correlated-events.ts). An EXTERNAL_EVENT NodeRun that ends
 * loses its marker (`before` says which NodeRun was where; only those can have one). A NodeRun that takes the
 * ExternalEvent a CorrelatedEvent became is noted on it (or deletes it, if first-only), in the same write: a thread
 * halted when the event arrived takes it when it resumes.
 */
function correlationRows(set: WriteSet, tenant_id: string, wf_run_id: string, firstSeq: number, events: readonly WfRunEvent[], before: WfRunState | undefined): void {
  events.forEach((event, i) => {
    if (event.type === 'CorrelationKeySet') {
      const { threadRunNumber, position, externalEventDefName, correlationKey: key } = event;
      set.correlationMarkers.push({ tenant_id, wf_run_id, thread_run_number: threadRunNumber, node_run_position: position, external_event_def_name: externalEventDefName, key });
      set.outbox.push({
        tenant_id,
        wf_run_id,
        id: `${wf_run_id}/${firstSeq + i}`,
        effect: { type: 'DeliverCorrelatedEvent', externalEventDefName, key, threadRunNumber, position },
        created_at: isoTime(event.time),
      });
    } else if (event.type === 'NodeRunCompleted' || event.type === 'NodeRunFailed') {
      // A marker set and ended in this one command is not written (one statement cannot insert and delete a row).
      const at = (r: { thread_run_number: number; node_run_position: number }) => r.thread_run_number === event.threadRunNumber && r.node_run_position === event.position;
      const fresh = set.correlationMarkers.findIndex(at);
      if (fresh >= 0) {
        set.correlationMarkers.splice(fresh, 1);
        set.outbox = set.outbox.filter((o) => !(o.effect.type === 'DeliverCorrelatedEvent' && o.effect.threadRunNumber === event.threadRunNumber && o.effect.position === event.position));
      } else {
        const node = before?.threadRuns[event.threadRunNumber]?.currentNodeRun;
        if (node?.position === event.position && node.nodeType === 'EXTERNAL_EVENT') {
          set.endedMarkers.push({ tenant_id, wf_run_id, thread_run_number: event.threadRunNumber, node_run_position: event.position });
        }
      }
    } else if (event.type === 'ExternalEventClaimed') {
      const eventId = correlatedEventIdOf(event.guid);
      if (eventId !== undefined) set.correlationTakes.push({ tenant_id, wf_run_id, guid: event.guid, event_id: eventId, created_at: isoTime(event.time) });
    } else if (event.type === 'WfRunCompleted') {
      // Completed for good (an ERROR may be rescued): no NodeRun of it waits any more, whatever its threads were doing.
      set.completedMarkers.push({ tenant_id, wf_run_id });
      set.endedMarkers = [];
      set.correlationMarkers = [];
      set.outbox = set.outbox.filter((o) => o.effect.type !== 'DeliverCorrelatedEvent');
    }
  });
}

const searchableBySpec = new WeakMap<WfSpec, ReadonlySet<string>>();

/**
 * The variables a spec declares searchable, in any of its threads (names are unique in a WfSpec but for INPUT, which
 * is never indexed), worked out once per spec the Metadata cache holds. Only their values are indexed (LittleHorse
 * indexes searchable variables only), and only they can be searched by.
 */
export function searchableNamesOf(spec: WfSpec): ReadonlySet<string> {
  let names = searchableBySpec.get(spec);
  if (!names) {
    const defs = Object.values(spec.threadSpecs).flatMap((thread) => thread.variableDefs ?? []);
    searchableBySpec.set(spec, (names = new Set(defs.filter((def) => def.searchable === true && def.name !== 'INPUT').map((def) => def.name))));
  }
  return names;
}

/** Whether the spec's entrypoint thread declares `name` searchable: what a WfRun search by variable looks at. */
export function isSearchableEntrypointVariable(spec: WfSpec, name: string): boolean {
  return (spec.threadSpecs[spec.entrypointThreadName]?.variableDefs ?? []).some((def) => def.name === name && def.searchable === true);
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
    errorMessage: errorMessageOf(state),
    state,
    seq,
    updatedAt: new Date(updatedAt),
    snapshotSeq: null,
  };
}

/** The node of the spec a ThreadRun's NodeRun is at. */
function nodeOf(spec: WfSpec, state: WfRunState, threadRunNumber: number, nodeName: string): Node | undefined {
  const threadSpecName = state.threadRuns[threadRunNumber]?.threadSpecName;
  return threadSpecName === undefined ? undefined : spec.threadSpecs[threadSpecName]?.nodes[nodeName];
}

/** The ExternalEventDef an EXTERNAL_EVENT node of a ThreadRun waits for. */
function externalEventDefOf(spec: WfSpec, state: WfRunState, threadRunNumber: number, nodeName: string): string | null {
  const node = nodeOf(spec, state, threadRunNumber, nodeName);
  return node?.type === 'EXTERNAL_EVENT' ? node.externalEventDefName : null;
}

/**
 * The ThreadRuns a WAIT_FOR_THREADS NodeRun started by this command waits for, its list evaluated in the state the
 * command left: where the engine last looked at it while it still waits. One that ended says in its event, except in
 * histories from before NodeRunCompleted carried waitedForThreads, where this is the best guess there is.
 */
function waitedForOf(spec: VersionedWfSpec, state: WfRunState, row: NodeRunRow): number[] | null {
  const node = nodeOf(spec, state, row.thread_run_number, row.node_name);
  return node?.type === 'WAIT_FOR_THREADS' ? (threadsWaitedFor(state, spec, row.thread_run_number, node) ?? null) : null;
}

function errorMessageOf(state: WfRunState): string | null {
  return state.failure ? `${state.failure.name}: ${state.failure.message}` : null;
}

/** Events after which a ThreadRun's row is written again from the state. */
const CHANGES_THREAD_RUN: ReadonlySet<WfRunEvent['type']> = new Set<WfRunEvent['type']>([
  'ThreadRunStarted',
  'ThreadRunCompleted',
  'ThreadRunFailed',
  'ThreadRunHalting',
  'ThreadRunHalted',
  'ThreadRunResumed',
  'ThreadRunRescued',
]);

// The keys are written out in every row rather than spread from one object: on Node 20 `{ ...keys, more }` takes
// V8's slow path, about a microsecond a row: more than the engine's whole step took.
function collect(tenant_id: string, wf_run_id: string, events: readonly WfRunEvent[], state: WfRunState, spec: VersionedWfSpec): WriteSet {
  const set = emptyWriteSet();
  const searchable = searchableNamesOf(spec);
  const started = new Map<string, NodeRunRow>();
  const endedEarlier = new Map<string, EndedNodeRunRow>();
  const movedSleeps = new Map<string, MovedSleepRow>();
  const vars = new Map<string, VariableRow>();
  const taskChanges = new Map<string, TaskChangeRow>();
  const change = (task_guid: string): TaskChangeRow => {
    let found = taskChanges.get(task_guid);
    if (!found) taskChanges.set(task_guid, (found = { tenant_id, wf_run_id, task_guid, records: [] }));
    return found;
  };
  const threads = new Set<number>();
  const createdUserTaskRuns = new Map<string, UserTaskRunRow>();
  const userTaskChanges = new Map<string, UserTaskChangeRow>();
  /** A UserTaskRun created in this same command changes in its insert; an older one gathers one update. */
  const changeUserTaskRun = (guid: string, time: number, fields: Omit<UserTaskChangeRow, 'entries' | 'updated_at' | 'tenant_id' | 'wf_run_id' | 'user_task_guid'>, entry: UserTaskRunHistoryEntry) => {
    const updated_at = isoTime(time);
    const created = createdUserTaskRuns.get(guid);
    if (created) {
      Object.assign(created, fields, { updated_at });
      created.events.push(entry);
      return;
    }
    const found = userTaskChanges.get(guid) ?? { tenant_id, wf_run_id, user_task_guid: guid, entries: [], updated_at };
    Object.assign(found, fields, { updated_at });
    found.entries.push(entry);
    userTaskChanges.set(guid, found);
  };
  const setVar = (thread_run_number: number, name: string, value: JsonValue) =>
    vars.set(`${thread_run_number}\u0000${name}`, { tenant_id, wf_run_id, thread_run_number, name, value, searchable: searchable.has(name) });

  for (const event of events) {
    if (CHANGES_THREAD_RUN.has(event.type)) threads.add((event as { threadRunNumber: number }).threadRunNumber);
    switch (event.type) {
      case 'ThreadRunStarted':
        for (const [name, value] of Object.entries(event.variables)) setVar(event.threadRunNumber, name, value);
        break;
      case 'VariableAssigned':
        setVar(event.threadRunNumber, event.name, event.value);
        break;
      case 'WfRunMigrated':
        // The new version may declare other variables searchable: every variable's row takes its flag.
        for (const thread of state.threadRuns) {
          for (const [name, value] of Object.entries(thread.variables)) setVar(thread.number, name, value);
        }
        break;
      case 'NodeRunStarted': {
        const row: NodeRunRow = {
          tenant_id,
          wf_run_id,
          thread_run_number: event.threadRunNumber,
          position: event.position,
          node_name: event.nodeName,
          node_type: event.nodeType,
          status: 'RUNNING',
          arrival_time: isoTime(event.time),
        };
        if (event.nodeType === 'EXTERNAL_EVENT') row.external_event_def_name = externalEventDefOf(spec, state, event.threadRunNumber, event.nodeName);
        started.set(`${event.threadRunNumber}-${event.position}`, row);
        break;
      }
      case 'NodeRunCompleted':
      case 'NodeRunFailed': {
        const status = event.type === 'NodeRunCompleted' ? 'COMPLETED' : event.status;
        const failure = event.type === 'NodeRunFailed' ? event.failure : null;
        const ended = { status, end_time: isoTime(event.time), failure };
        const key = `${event.threadRunNumber}-${event.position}`;
        // A NodeRun can end twice in one command: completed, then failed by a mutation on its way out. The statement
        // would apply whichever of two rows for one key it met first; the last must win.
        const startedRow = started.get(key);
        const row = startedRow ?? endedEarlier.get(key);
        if (row) {
          Object.assign(row, ended);
          if (startedRow) recordOutcome(startedRow, event);
          else if (event.waitedForThreads) row.thread_run_numbers ??= [...event.waitedForThreads];
          break;
        }
        const endedRow: EndedNodeRunRow = { tenant_id, wf_run_id, thread_run_number: event.threadRunNumber, position: event.position, ...ended };
        // One started by an earlier command wrote the list as it stood then; the list may have changed since.
        if (event.waitedForThreads) endedRow.thread_run_numbers = [...event.waitedForThreads];
        const moved = movedSleeps.get(key);
        if (moved) {
          endedRow.sleep_until = moved.sleep_until;
          movedSleeps.delete(key);
        }
        endedEarlier.set(key, endedRow);
        set.endedNodeRuns.push(endedRow);
        break;
      }
      case 'TaskRunScheduled': {
        if (event.attempt > 0) {
          Object.assign(change(event.taskGuid), { status: 'TASK_SCHEDULED', attempt: event.attempt, scheduled_at: isoTime(event.time) });
          break;
        }
        const trigger = event.userTaskTrigger;
        const row: TaskRunRow = {
          tenant_id,
          wf_run_id,
          task_guid: event.taskGuid,
          task_def_name: event.taskDefName,
          thread_run_number: event.threadRunNumber,
          node_position: event.position,
          status: 'TASK_SCHEDULED',
          attempt: event.attempt,
          input: event.input,
          scheduled_at: isoTime(event.time),
          timeout_seconds: event.timeoutSeconds ?? null,
          attempts: [],
        };
        if (trigger) {
          // A user task action's TaskRun (a reminder): the UserTaskRun's history records it; its NodeRun has none.
          const { userId, userGroup } = trigger;
          changeUserTaskRun(trigger.userTaskGuid, event.time, {}, historyEntry('TASK_EXECUTED', event.time, { taskGuid: event.taskGuid, userId, userGroup }));
          if (userId !== undefined) row.user_id = userId;
          if (userGroup !== undefined) row.user_group = userGroup;
        } else {
          const nodeRun = started.get(`${event.threadRunNumber}-${event.position}`);
          if (nodeRun) nodeRun.task_guid = event.taskGuid;
        }
        set.taskRuns.push(row);
        break;
      }
      case 'TaskAttemptSucceeded': {
        const c = change(event.taskGuid);
        c.status = 'TASK_SUCCESS';
        c.records.push({
          worker_id: event.workerId ?? null,
          record: {
            attempt: event.attempt,
            status: 'TASK_SUCCESS',
            endTime: isoTime(event.time),
            output: event.output,
            // Undefined when absent, which JSON leaves out: no spread on the path every report takes (see above).
            maskedOutput: event.maskedOutput,
            logOutput: event.logOutput,
          },
        });
        break;
      }
      case 'TaskRetryPending':
        Object.assign(change(event.taskGuid), { status: 'TASK_PENDING', attempt: event.attempt });
        break;
      case 'TimerSet': {
        const { purpose } = event;
        set.timers.push({ tenant_id, wf_run_id, timer_id: event.timerId, fire_at: isoTime(event.fireAt), purpose });
        // The attempt waiting out its back-off (TASK_PENDING) is scheduled for when the timer fires: the API lists it so.
        if (purpose.type === 'TASK_RETRY') change(purpose.taskGuid).scheduled_at = isoTime(event.fireAt);
        if (purpose.type !== 'SLEEP') break;
        const key = `${purpose.threadRunNumber}-${purpose.position}`;
        const sleep_until = isoTime(event.fireAt);
        const row = started.get(key) ?? endedEarlier.get(key);
        if (row) row.sleep_until = sleep_until;
        else movedSleeps.set(key, { tenant_id, wf_run_id, thread_run_number: purpose.threadRunNumber, position: purpose.position, sleep_until });
        break;
      }
      case 'TimerFired':
        set.firedTimers.push({ tenant_id, wf_run_id, timer_id: event.timerId });
        break;
      case 'ExternalEventReceived':
        set.externalEvents.push({
          tenant_id,
          wf_run_id,
          guid: event.guid,
          external_event_def_name: event.externalEventDefName,
          content: event.content,
          created_at: isoTime(event.time),
          claimed: false,
          // Until a node takes it: its pins.
          thread_run_number: event.threadRunNumber ?? null,
          node_run_position: event.nodeRunPosition ?? null,
        });
        break;
      case 'WorkflowEventThrown':
        set.workflowEvents.push({
          tenant_id,
          wf_run_id,
          workflow_event_def_name: event.workflowEventDefName,
          number: event.number,
          content: event.content,
          created_at: isoTime(event.time),
          thread_run_number: event.threadRunNumber,
          node_run_position: event.position,
          // The stored content stays whole, as every projection keeps it; the API hides it (workflow-event.ts).
          masked: event.maskedContent,
        });
        break;
      case 'ExternalEventClaimed': {
        // An event stored before its WfRun existed is already a row: the insert above claims it in place; one
        // received in this same command carries its claim in its insert, since one statement changes a row once.
        const row = set.externalEvents.find((r) => r.guid === event.guid);
        if (row) Object.assign(row, { claimed: true, thread_run_number: event.threadRunNumber, node_run_position: event.position });
        else set.claims.push({ tenant_id, wf_run_id, guid: event.guid, thread_run_number: event.threadRunNumber, node_run_position: event.position });
        break;
      }
      case 'TaskAttemptFailed': {
        const c = change(event.taskGuid);
        c.status = event.status;
        c.records.push({
          worker_id: event.workerId ?? null,
          record: {
            attempt: event.attempt,
            status: event.status,
            endTime: isoTime(event.time),
            errorMessage: event.failure.message,
            ...logOf(event),
            ...(event.status === 'TASK_EXCEPTION' ? { exceptionName: event.failure.name, output: event.failure.content ?? null } : {}),
          },
        });
        break;
      }
      case 'ChildWfRunRequested':
      case 'ChildWfRunAwaited': {
        // Both come in the command that reached the node.
        const row = started.get(`${event.threadRunNumber}-${event.position}`);
        if (row) row.child_wf_run_id = event.childWfRunId;
        break;
      }
      case 'UserTaskRunCreated': {
        const row = started.get(`${event.threadRunNumber}-${event.position}`);
        if (row) row.user_task_guid = event.userTaskGuid;
        createdUserTaskRuns.set(event.userTaskGuid, {
          tenant_id,
          wf_run_id,
          user_task_guid: event.userTaskGuid,
          user_task_def_name: event.userTaskDefName,
          user_task_def_version: event.userTaskDefVersion,
          thread_run_number: event.threadRunNumber,
          node_run_position: event.position,
          status: event.userId === undefined ? 'UNASSIGNED' : 'ASSIGNED',
          user_id: event.userId ?? null,
          user_group: event.userGroup ?? null,
          // Notes made from a secret are kept masked: this row is only ever shown, and the events keep the value.
          notes: event.notes === undefined ? null : event.maskedNotes ? MASKED_VALUE : event.notes,
          epoch: event.epoch,
          events: [historyEntry('CREATED', event.time, { userId: event.userId, userGroup: event.userGroup, epoch: event.epoch })],
          created_at: isoTime(event.time),
          updated_at: isoTime(event.time),
        });
        break;
      }
      case 'UserTaskRunAssigned':
        changeUserTaskRun(
          event.userTaskGuid,
          event.time,
          { status: event.userId === undefined ? 'UNASSIGNED' : 'ASSIGNED', user_id: event.userId ?? null, user_group: event.userGroup ?? null, epoch: event.epoch },
          historyEntry('ASSIGNED', event.time, { userId: event.userId, userGroup: event.userGroup, epoch: event.epoch, cause: event.cause }),
        );
        break;
      case 'UserTaskRunCompleted':
        changeUserTaskRun(event.userTaskGuid, event.time, { status: 'DONE', user_id: event.userId, results: event.results }, historyEntry('COMPLETED', event.time, { userId: event.userId }));
        break;
      case 'UserTaskRunCancelled':
        changeUserTaskRun(event.userTaskGuid, event.time, { status: 'CANCELLED' }, historyEntry('CANCELLED', event.time, { cause: event.cause }));
        break;
      case 'UserTaskRunProgressSaved':
        // LittleHorse shows saved progress as the UserTaskRun's results until it is completed.
        changeUserTaskRun(event.userTaskGuid, event.time, { results: event.results }, historyEntry('SAVED', event.time, { userId: event.userId, results: event.results }));
        break;
      case 'UserTaskRunCommented':
      case 'UserTaskRunCommentEdited':
        changeUserTaskRun(
          event.userTaskGuid,
          event.time,
          {},
          historyEntry(event.type === 'UserTaskRunCommented' ? 'COMMENTED' : 'COMMENT_EDITED', event.time, { userId: event.userId, userCommentId: event.userCommentId, comment: event.comment }),
        );
        break;
      case 'UserTaskRunCommentDeleted':
        changeUserTaskRun(event.userTaskGuid, event.time, {}, historyEntry('COMMENT_DELETED', event.time, { userId: event.userId, userCommentId: event.userCommentId }));
        break;
      default:
        break;
    }
  }
  for (const row of started.values()) {
    if (row.node_type === 'WAIT_FOR_THREADS' && row.thread_run_numbers === undefined) row.thread_run_numbers = waitedForOf(spec, state, row);
  }
  set.nodeRuns = [...started.values()];
  set.movedSleeps = [...movedSleeps.values()];
  set.variables = [...vars.values()];
  set.taskChanges = [...taskChanges.values()];
  set.userTaskRuns = [...createdUserTaskRuns.values()];
  set.userTaskChanges = [...userTaskChanges.values()];
  for (const number of threads) {
    const thread = state.threadRuns[number];
    if (!thread) continue;
    set.threadRuns.push({
      tenant_id,
      wf_run_id,
      number,
      thread_spec_name: thread.threadSpecName,
      kind: thread.kind ?? (number === 0 ? 'ENTRYPOINT' : 'CHILD'),
      status: thread.status,
      parent_thread_run_number: thread.parentThreadRunNumber ?? null,
      start_time: isoTime(thread.startTime),
      end_time: thread.endTime === undefined ? null : isoTime(thread.endTime),
      failure: thread.failure ?? null,
    } satisfies ThreadRunRow);
  }
  return set;
}

/** Events whose effects are commands for another WfRun (see outboxRows). */
export const OWES_ANOTHER_WF_RUN: ReadonlySet<WfRunEvent['type']> = new Set<WfRunEvent['type']>(['ChildWfRunRequested', 'WfRunCompleted', 'WfRunFailed', 'ThreadRunRescued']);

/** The commands these events owe other WfRuns, as outbox rows keyed by the event that owes each. */
function outboxRows(tenantId: string, wfRunId: string, firstSeq: number, events: readonly WfRunEvent[], state: WfRunState): OutboxRow[] {
  const rows: OutboxRow[] = [];
  events.forEach((event, i) => {
    if (!OWES_ANOTHER_WF_RUN.has(event.type)) return;
    for (const effect of effectsOf([event], state)) {
      if (effect.type !== 'RunChildWf' && effect.type !== 'NotifyParentWfRun' && effect.type !== 'RescueParentWfRun') continue;
      const target = effect.type === 'RunChildWf' ? effect.event.childWfRunId : effect.parentWfRunId;
      rows.push({ tenant_id: tenantId, wf_run_id: target, id: `${wfRunId}/${firstSeq + i}`, effect, created_at: isoTime(event.time) });
    }
  });
  return rows;
}

/** What a NodeRun that ended in the command that started it says of the ThreadRuns it started or waited for. */
function recordOutcome(row: NodeRunRow, event: Extract<WfRunEvent, { type: 'NodeRunCompleted' | 'NodeRunFailed' }>): void {
  if (event.waitedForThreads) {
    // A WAIT_FOR_THREADS that completed and then failed on its way out waited for what its completion says.
    row.thread_run_numbers ??= event.waitedForThreads;
  } else if (event.type === 'NodeRunFailed') {
    return;
  } else if (row.node_type === 'START_THREAD' && typeof event.output === 'number') {
    row.thread_run_numbers = [event.output];
  } else if (row.node_type === 'START_MULTIPLE_THREADS' && Array.isArray(event.output)) {
    row.thread_run_numbers = event.output.filter((n): n is number => typeof n === 'number');
  }
}

/** A history entry without the keys that have no value, so the stored JSON stays small. */
function historyEntry(type: UserTaskRunHistoryEntry['type'], time: number, details: Omit<UserTaskRunHistoryEntry, 'type' | 'time'>): UserTaskRunHistoryEntry {
  const defined = Object.entries(details).filter(([, value]) => value !== undefined);
  return { type, time: isoTime(time), ...Object.fromEntries(defined) };
}

function logOf(event: { logOutput?: string | undefined }): { logOutput?: string } {
  return event.logOutput === undefined ? {} : { logOutput: event.logOutput };
}
