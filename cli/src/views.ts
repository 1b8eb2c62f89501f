import type { JsonValue, WfSpec } from '@gallop/engine';
import type {
  CorrelatedEventInfo,
  FoundVariable,
  ExternalEventDefInfo,
  ExternalEventInfo,
  NodeRunInfo,
  ScheduledWfRunInfo,
  TaskDefInfo,
  TaskDefMetrics,
  TaskRunInfo,
  UserTaskDefInfo,
  UserTaskRunInfo,
  WfRunInfo,
  WfRunSummary,
  WfSpecInfo,
  WfSpecMetrics,
  WfSpecVersionInfo,
  WorkflowEventInfo,
} from '@gallop/sdk';
import { block, json, section, table, version } from './format.ts';

/** Human views of what the API returns: a key: value block for one object, a table for a list. */

export function wfSpecView(info: WfSpecInfo): string[] {
  const spec = info.spec as unknown as WfSpec;
  const threads = Object.entries(spec.threadSpecs ?? {});
  const entrypoint = spec.threadSpecs?.[spec.entrypointThreadName];
  const variables = (entrypoint?.variableDefs ?? []).map((v) => [
    v.name,
    v.type,
    [v.required && 'required', v.searchable && 'searchable', v.masked && 'masked'].filter(Boolean).join(' '),
    v.defaultValue === undefined ? undefined : json(v.defaultValue, 60),
  ]);
  return [
    ...block([
      ['name', info.name],
      ['version', version(info)],
      ['created', info.createdAt],
      ['entrypoint', spec.entrypointThreadName],
    ]),
    ...section('threads', table(['thread', 'nodes'], threads.map(([name, thread]) => [name, Object.keys(thread.nodes).length]))),
    ...(variables.length > 0 ? section('entrypoint variables', table(['name', 'type', 'flags', 'default'], variables)) : []),
  ];
}

export function wfSpecsTable(items: readonly WfSpecVersionInfo[]): string[] {
  return table(['name', 'version', 'created'], items.map((s) => [s.name, version(s), s.createdAt]));
}

function inputs(def: TaskDefInfo): string {
  return def.inputVars.map((v) => `${v.name}: ${v.type}`).join(', ');
}

export function taskDefView(def: TaskDefInfo): string[] {
  return block([
    ['name', def.name],
    ['inputs', inputs(def)],
    ['returns', def.returnType],
    ['description', def.description ?? undefined],
    ['created', def.createdAt],
  ]);
}

export function taskDefsTable(items: readonly TaskDefInfo[]): string[] {
  return table(['name', 'returns', 'created', 'inputs'], items.map((d) => [d.name, d.returnType, d.createdAt, inputs(d)]));
}

/** Milliseconds as the CLI shows times taken: whole ms, or - when nothing was measured. */
const ms = (value: number | null) => (value === null ? null : `${Math.round(value)}ms`);

export function wfSpecMetricsTable(items: readonly WfSpecMetrics[]): string[] {
  return table(
    ['window', 'started', 'completed', 'errored', 'avg', 'max'],
    items.map((m) => [m.windowStart, m.totalStarted, m.totalCompleted, m.totalErrored, ms(m.startToCompleteAvgMs), ms(m.startToCompleteMaxMs)]),
  );
}

export function taskDefMetricsTable(items: readonly TaskDefMetrics[]): string[] {
  return table(
    ['window', 'scheduled', 'started', 'completed', 'errored', 'wait avg', 'wait max', 'run avg', 'run max'],
    items.map((m) => [
      m.windowStart,
      m.totalScheduled,
      m.totalStarted,
      m.totalCompleted,
      m.totalErrored,
      ms(m.scheduleToStartAvgMs),
      ms(m.scheduleToStartMaxMs),
      ms(m.startToCompleteAvgMs),
      ms(m.startToCompleteMaxMs),
    ]),
  );
}

/** An ExternalEventDef or a WorkflowEventDef; the first may take CorrelatedEvents. */
type EventDef = Pick<ExternalEventDefInfo, 'name' | 'createdAt'> & Partial<Pick<ExternalEventDefInfo, 'correlatedEventConfig'>>;

export function eventDefView(def: EventDef): string[] {
  const config = def.correlatedEventConfig;
  return block([
    ['name', def.name],
    ['created', def.createdAt],
    ['correlated', config ? `yes${config.ttlSeconds === null ? '' : `, kept ${config.ttlSeconds} s`}${config.deleteAfterFirstCorrelation ? ', to the first WfRun only' : ''}` : undefined],
  ]);
}

export function eventDefsTable(items: readonly EventDef[]): string[] {
  return table(['name', 'created'], items.map((d) => [d.name, d.createdAt]));
}

export function userTaskDefView(def: UserTaskDefInfo): string[] {
  return [
    ...block([
      ['name', def.name],
      ['version', def.version],
      ['description', def.description ?? undefined],
      ['created', def.createdAt],
    ]),
    ...section(
      'fields',
      table(['name', 'type', 'required', 'display name'], def.fields.map((f) => [f.name, f.type, f.required ? 'yes' : 'no', f.displayName])),
    ),
  ];
}

export function userTaskDefsTable(items: readonly UserTaskDefInfo[]): string[] {
  return table(['name', 'version', 'created', 'fields'], items.map((d) => [d.name, d.version, d.createdAt, d.fields.map((f) => f.name).join(', ')]));
}

export function wfRunSummaryView(run: WfRunSummary): string[] {
  return block([
    ['id', run.id],
    ['wfSpec', `${run.wfSpecName} ${version(run)}`],
    ['status', run.status],
    ['started', run.startTime],
    ['ended', run.endTime ?? undefined],
    ['error', run.errorMessage ?? undefined],
    ['lastSeq', run.lastSeq],
  ]);
}

export function wfRunView(run: WfRunInfo): string[] {
  return [
    ...wfRunSummaryView(run),
    ...section('threads', table(['#', 'thread', 'status', 'error'], run.threadRuns.map((t) => [t.number, t.threadSpecName, t.status, t.errorMessage]))),
    ...section(
      'nodes',
      table(
        ['thread', 'pos', 'node', 'status', 'arrived', 'error'],
        run.nodeRuns.map((n) => [n.threadRunNumber, n.position, n.nodeName, n.status, n.arrivalTime, n.errorMessage]),
      ),
    ),
    ...(run.variables.length > 0
      ? section('variables', table(['thread', 'name', 'value'], run.variables.map((v) => [v.threadRunNumber, v.name, json(v.value)])))
      : []),
  ];
}

export function wfRunsTable(items: readonly WfRunSummary[]): string[] {
  return table(
    ['id', 'wfSpec', 'status', 'started', 'ended'],
    items.map((r) => [r.id, `${r.wfSpecName} ${version(r)}`, r.status, r.startTime, r.endTime]),
  );
}

/** What an attempt came to; for the one waiting out a retry back-off, when it runs. */
function attemptResult(a: TaskRunInfo['attempts'][number]): string {
  if (a.errorMessage) return `${a.exceptionName ?? 'error'}: ${a.errorMessage}`;
  return a.scheduleTime ? `scheduled for ${a.scheduleTime}` : json(a.output);
}

export function taskRunView(run: TaskRunInfo): string[] {
  return [
    ...block([
      ['id', run.id],
      ['taskDef', run.taskDefName],
      ['status', run.status],
      ['wfRun', run.wfRunId],
      ['scheduled', run.scheduledAt],
      ['input', json(run.input, 200)],
      // A reminder's: the UserTaskRun whose action ran it, and who held that task when it fired.
      ['userTaskRun', run.userTaskGuid ? `${run.wfRunId}/${run.userTaskGuid}` : undefined],
      ['user', run.userId ?? undefined],
      ['group', run.userGroup ?? undefined],
    ]),
    ...section(
      'attempts',
      table(
        ['#', 'status', 'worker', 'started', 'ended', 'result'],
        // Numbered from 1, as the console numbers them; --json keeps the API's attempt from 0.
        run.attempts.map((a) => [a.attempt + 1, a.status, a.workerId, a.startTime, a.endTime, attemptResult(a)]),
      ),
    ),
  ];
}

/** The ThreadRuns a NodeRun started or waits for, in words; none for an empty list. */
function threadsOf(node: NodeRunInfo): string | undefined {
  const numbers = node.threadRunNumbers ?? [];
  if (numbers.length === 0) return undefined;
  const started = node.nodeType === 'START_THREAD' || node.nodeType === 'START_MULTIPLE_THREADS';
  return `${started ? 'started ' : ''}${numbers.length === 1 ? 'ThreadRun' : 'ThreadRuns'} ${numbers.join(' ')}`;
}

/** A USER_TASK NodeRun's UserTaskRun: its def and guid, and who holds it. */
function userTaskOf(node: NodeRunInfo): string | undefined {
  const task = node.userTaskRun;
  if (!task) return undefined;
  return [`${task.userTaskDefName} ${task.userTaskGuid}`, task.userId && `user ${task.userId}`, task.userGroup && `group ${task.userGroup}`].filter(Boolean).join(', ');
}

/** What a NodeRun runs or waits for, in one cell, as the console's NodeRuns page shows it. */
function targetOf(n: NodeRunInfo): string | undefined {
  if (n.taskRun) return n.taskRun.taskDefName;
  if (n.externalEventDefName) return n.externalEventDefName;
  if (n.userTaskRun) return userTaskOf(n);
  if (n.sleepUntil) return `until ${n.sleepUntil}`;
  if (n.childWfRunId) return `child WfRun ${n.childWfRunId}`;
  if (n.workflowEventDefName) return `throws ${n.workflowEventDefName}`;
  return threadsOf(n);
}

/** One NodeRun of a WfRun, with its TaskRun when it has one. */
export function nodeRunView(node: NodeRunInfo): string[] {
  const task = node.userTaskRun;
  return [
    ...block([
      ['node', node.nodeName],
      ['type', node.nodeType],
      ['thread', node.threadRunNumber],
      ['position', node.position],
      ['status', node.status],
      ['arrived', node.arrivalTime],
      ['waits for', node.externalEventDefName],
      ['userTaskRun', task ? `${node.wfRunId}/${task.userTaskGuid} (${task.userTaskDefName})` : undefined],
      ['user', task?.userId ?? undefined],
      ['group', task?.userGroup ?? undefined],
      ['sleepUntil', node.sleepUntil ?? undefined],
      ['childWfRun', node.childWfRunId ?? undefined],
      ['throws', node.workflowEventDefName ?? undefined],
      ['threads', threadsOf(node)],
      ['ended', node.endTime],
      ['error', node.errorMessage],
    ]),
    ...(node.taskRun ? section('taskRun', taskRunView(node.taskRun)) : []),
  ];
}

/** One variable of a WfRun, as its thread holds it. */
export function variableView(variable: { readonly threadRunNumber: number; readonly name: string; readonly value: JsonValue }): string[] {
  return block([
    ['name', variable.name],
    ['thread', variable.threadRunNumber],
    ['value', json(variable.value, 2_000)],
  ]);
}

export function nodeRunsTable(items: readonly NodeRunInfo[]): string[] {
  return table(
    ['wfRun', 'node', 'type', 'status', 'arrived', 'waits for / task'],
    items.map((n) => [n.wfRunId, `${n.threadRunNumber}/${n.position} ${n.nodeName}`, n.nodeType, n.status, n.arrivalTime, targetOf(n)]),
  );
}

export function variablesTable(items: readonly FoundVariable[]): string[] {
  return table(
    ['wfRun', 'thread', 'variable', 'value', 'status', 'started'],
    items.map((v) => [v.wfRunId, v.threadRunNumber, v.name, json(v.value, 200), v.wfRun.status, v.wfRun.startTime]),
  );
}

export function taskRunsTable(items: readonly TaskRunInfo[]): string[] {
  return table(['id', 'status', 'attempts', 'scheduled'], items.map((t) => [t.id, t.status, t.attempts.length, t.scheduledAt]));
}

function claimedBy(event: ExternalEventInfo): string {
  if (!event.claimed) return 'no';
  return event.threadRunNumber === null ? 'yes' : `yes, by thread ${event.threadRunNumber} node ${event.nodeRunPosition}`;
}

export function externalEventView(event: ExternalEventInfo): string[] {
  return block([
    ['wfRun', event.wfRunId],
    ['guid', event.guid],
    ['def', event.externalEventDefName],
    ['content', json(event.content, 200)],
    ['created', event.createdAt],
    ['claimed', claimedBy(event)],
  ]);
}

export function externalEventsTable(items: readonly ExternalEventInfo[]): string[] {
  return table(
    ['wfRun', 'guid', 'claimed', 'created', 'content'],
    items.map((e) => [e.wfRunId, e.guid, e.claimed ? 'yes' : 'no', e.createdAt, json(e.content, 60)]),
  );
}

export function workflowEventsTable(items: readonly WorkflowEventInfo[]): string[] {
  return table(
    ['wfRun', 'number', 'thrown', 'by', 'content'],
    items.map((e) => [e.wfRunId, String(e.number), e.createdAt, e.threadRunNumber === null ? '' : `${e.threadRunNumber}/${e.nodeRunPosition ?? '?'}`, json(e.content, 60)]),
  );
}

export function correlatedEventsTable(items: readonly CorrelatedEventInfo[]): string[] {
  return table(
    ['key', 'created', 'expires', 'taken by', 'content'],
    items.map((e) => [e.key, e.createdAt, e.expiresAt, e.externalEvents.map((x) => `${x.wfRunId}/${x.threadRunNumber ?? '?'}/${x.nodeRunPosition ?? '?'}`).join(' '), json(e.content, 60)]),
  );
}

export function userTaskRunView(run: UserTaskRunInfo): string[] {
  return [
    ...block([
      ['id', run.id],
      ['def', `${run.userTaskDefName} v${run.userTaskDefVersion}`],
      ['status', run.status],
      ['user', run.userId],
      ['group', run.userGroup],
      ['notes', run.notes ?? undefined],
      ['results', run.results === null ? undefined : json(run.results, 200)],
      ['node', `thread ${run.threadRunNumber} node ${run.nodeRunPosition}`],
      ['created', run.createdAt],
      ['updated', run.updatedAt],
    ]),
    ...(run.comments.length === 0
      ? []
      : section('comments', table(['id', 'user', 'time', 'comment'], run.comments.map((c) => [String(c.id), c.userId, c.editedAt ?? c.createdAt, c.editedAt ? `${c.comment} (edited by ${c.editedBy ?? '?'})` : c.comment])))),
    ...section('events', table(['type', 'time', 'user', 'group', 'cause'], run.events.map((e) => [e.type, e.time, e.userId, e.userGroup, e.cause]))),
  ];
}

export function userTaskRunsTable(items: readonly UserTaskRunInfo[]): string[] {
  return table(
    ['id', 'def', 'status', 'user', 'group', 'created'],
    items.map((u) => [u.id, u.userTaskDefName, u.status, u.userId, u.userGroup, u.createdAt]),
  );
}

export function scheduledWfRunView(s: ScheduledWfRunInfo): string[] {
  return block([
    ['id', s.id],
    ['wfSpec', `${s.wfSpecName} ${version(s)}`],
    ['cron', s.cronExpression],
    ['nextFire', s.nextFireAt],
    ['variables', json(s.variables, 200)],
    ['lastWfRun', s.lastWfRunId],
    ['skipped', s.lastSkippedAt === null ? undefined : `${s.lastSkippedAt}: ${s.lastSkipReason ?? ''}`],
    ['created', s.createdAt],
  ]);
}

export function scheduledWfRunsTable(items: readonly ScheduledWfRunInfo[]): string[] {
  return table(
    ['id', 'wfSpec', 'cron', 'nextFire', 'lastWfRun', 'skipped'],
    items.map((s) => [s.id, `${s.wfSpecName} ${version(s)}`, s.cronExpression, s.nextFireAt, s.lastWfRunId, s.lastSkippedAt]),
  );
}
