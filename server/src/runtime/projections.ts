import type { JsonValue, WfRunEvent, WfRunState } from '@gallop/engine';
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../store/db.ts';
import { nodeRuns, taskRuns, variables, wfRunEvents, wfRuns } from '../store/schema.ts';
import type { TaskAttemptRecord } from '../store/schema.ts';

type NodeRunRow = typeof nodeRuns.$inferInsert;
type TaskRunRow = typeof taskRuns.$inferInsert;

/**
 * Writes one command's events and everything read from them, inside the command's transaction: the event log,
 * the wf_runs row (summary and state snapshot), node_runs, variables and the task_runs queue. Each table gets
 * at most one statement per command.
 */
export async function project(
  tx: Tx,
  tenantId: string,
  wfRunId: string,
  firstSeq: number,
  events: readonly WfRunEvent[],
  state: WfRunState,
  isNew: boolean,
): Promise<void> {
  const lastSeq = firstSeq + events.length - 1;
  await tx.insert(wfRunEvents).values(
    events.map((event, i) => ({ tenantId, wfRunId, seq: firstSeq + i, type: event.type, time: new Date(event.time), event })),
  );

  const summary = {
    status: state.status,
    endTime: state.endTime === undefined ? null : new Date(state.endTime),
    errorMessage: state.failure ? `${state.failure.name}: ${state.failure.message}` : null,
    state,
    seq: lastSeq,
    updatedAt: new Date(events[events.length - 1]?.time ?? Date.now()),
  };
  if (isNew) {
    await tx.insert(wfRuns).values({
      tenantId,
      id: wfRunId,
      wfSpecName: state.wfSpecId.name,
      majorVersion: state.wfSpecId.majorVersion,
      revision: state.wfSpecId.revision,
      startTime: new Date(state.startTime),
      ...summary,
    });
  } else {
    await tx
      .update(wfRuns)
      .set(summary)
      .where(and(eq(wfRuns.tenantId, tenantId), eq(wfRuns.id, wfRunId)));
  }

  const { newNodeRuns, endedNodeRuns, vars, newTaskRuns, taskReports } = collect(tenantId, wfRunId, events);
  if (newNodeRuns.length > 0) await tx.insert(nodeRuns).values(newNodeRuns);
  for (const ended of endedNodeRuns) {
    await tx
      .update(nodeRuns)
      .set({ status: ended.status, endTime: ended.endTime, failure: ended.failure ?? null })
      .where(
        and(
          eq(nodeRuns.tenantId, tenantId),
          eq(nodeRuns.wfRunId, wfRunId),
          eq(nodeRuns.threadRunNumber, ended.threadRunNumber),
          eq(nodeRuns.position, ended.position),
        ),
      );
  }
  if (vars.size > 0) {
    await tx
      .insert(variables)
      .values([...vars.values()])
      .onConflictDoUpdate({
        target: [variables.tenantId, variables.wfRunId, variables.threadRunNumber, variables.name],
        set: { value: sql`excluded.value` },
      });
  }
  if (newTaskRuns.length > 0) await tx.insert(taskRuns).values(newTaskRuns);
  for (const report of taskReports) {
    // The claim wrote when and by whom the attempt started; the report adds how it ended.
    await tx
      .update(taskRuns)
      .set({
        status: report.status,
        leaseExpiresAt: null,
        attempts: sql`${taskRuns.attempts} || jsonb_build_array(${JSON.stringify(report.record)}::jsonb || jsonb_build_object(
          'startTime', ${taskRuns.startedAt}, 'workerId', coalesce(${report.workerId}::text, ${taskRuns.workerId})))`,
      })
      .where(and(eq(taskRuns.tenantId, tenantId), eq(taskRuns.wfRunId, wfRunId), eq(taskRuns.taskGuid, report.taskGuid)));
  }
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
  const taskReports: { taskGuid: string; status: string; workerId: string | null; record: Omit<TaskAttemptRecord, 'startTime' | 'workerId'> }[] = [];
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
        });
        break;
      }
      case 'TaskAttemptSucceeded':
        taskReports.push({
          taskGuid: event.taskGuid,
          status: 'TASK_SUCCESS',
          workerId: event.workerId ?? null,
          record: { attempt: event.attempt, status: 'TASK_SUCCESS', endTime: new Date(event.time).toISOString(), output: event.output, ...logOf(event) },
        });
        break;
      case 'TaskAttemptFailed':
        taskReports.push({
          taskGuid: event.taskGuid,
          status: event.status,
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
      default:
        break;
    }
  }
  return { newNodeRuns: [...started.values()], endedNodeRuns, vars, newTaskRuns, taskReports };
}

function logOf(event: { logOutput?: string | undefined }): { logOutput?: string } {
  return event.logOutput === undefined ? {} : { logOutput: event.logOutput };
}
