import { own } from '../../spec/own.ts';
import type { Rejection } from '../../errors.ts';
import type { UserTaskActionTask } from '../../spec/types.ts';
import type { JsonValue } from '../../values/value.ts';
import { aType, describeValue, isValueOfType, kindOf } from '../../values/value.ts';
import type { FireTimer, ReportTaskAttempt, TriggeredTask } from '../commands.ts';
import type { Failure } from '../failure.ts';
import type { Session } from '../session.ts';
import type { NodeRunState, ThreadRunState, TriggeredTaskRunState, UserTaskRunState } from '../state.ts';
import { isTerminal } from '../state.ts';
import { taskGuid, triggeredTaskGuid, userTaskOfTriggeredTaskGuid } from '../task-guid.ts';
import { carried, evaluateTaskInputs, failureOfResult, resolveTaskDef, retryDelayMs } from './task.ts';

/*
 * LittleHorse's UTATask: a user task action that runs a TaskRun (a reminder, say) `delaySeconds` after its hook.
 * TriggeredTaskRun.process makes the TaskRun only while the USER_TASK NodeRun is still RUNNING, assigns its inputs
 * then (an LHVarSubError is logged and the WfRun goes on), records UTETaskExecuted on the UserTaskRun, and gives the
 * TaskRun a UserTaskTriggerReference source. The TaskRun retries as its TaskNode says; its result and its failure
 * move nothing, since the USER_TASK NodeRun waits only on its UserTaskRun. UTATask.mutations are parsed but never
 * applied by LittleHorse (EXPERIMENTAL), so Gallop has none.
 */

/**
 * A TASK action's delay has passed and its UserTaskRun is still open (whoever holds it now: LittleHorse checks only
 * that the NodeRun is RUNNING). Resolves the TaskDef and evaluates the inputs in the thread's scope as it is now, and
 * schedules attempt 0. One that cannot be resolved schedules nothing and fails nothing: the TimerFired says why.
 */
export function fireReminderTask(
  s: Session,
  command: FireTimer,
  thread: ThreadRunState,
  nodeRun: NodeRunState,
  run: UserTaskRunState,
  at: { readonly actionIndex: number; readonly epoch: number },
  action: TriggeredTask,
): Rejection | undefined {
  const guid = triggeredTaskGuid(thread.number, nodeRun.position, at.actionIndex, at.epoch);
  if (own(s.state.triggeredTaskRuns, guid)) return { code: 'STALE_TIMER', message: `Timer ${command.timerId} has already scheduled TaskRun ${guid}.` };
  const skip = (failure: Failure): undefined => {
    const message = `Action ${at.actionIndex + 1} of USER_TASK '${nodeRun.nodeName}' scheduled no TaskRun: ${failure.message}`;
    s.emit({ type: 'TimerFired', timerId: command.timerId, failure: { ...failure, message } });
    return undefined;
  };
  const resolved = resolveTaskDef(s, thread, action.task);
  if (!resolved.ok) return skip(resolved.failure);
  const { taskDef } = resolved;
  const inputs = evaluateTaskInputs(s, thread, action.task, taskDef);
  if (!inputs.ok) return skip(inputs.failure);
  s.emit({ type: 'TimerFired', timerId: command.timerId });
  s.emit({
    type: 'TaskRunScheduled',
    threadRunNumber: thread.number,
    position: nodeRun.position,
    taskGuid: guid,
    taskDefName: taskDef.name,
    attempt: 0,
    input: inputs.input,
    ...(action.task.timeoutSeconds === undefined ? {} : { timeoutSeconds: action.task.timeoutSeconds }),
    ...(taskDef.returnType === undefined ? {} : { returnType: taskDef.returnType }),
    ...(taskDef.maskedOutput ? { maskedOutput: true } : {}),
    userTaskTrigger: {
      userTaskGuid: run.userTaskGuid,
      nodeName: nodeRun.nodeName,
      actionIndex: at.actionIndex,
      ...(run.userId === undefined ? {} : { userId: run.userId }),
      ...(run.userGroup === undefined ? {} : { userGroup: run.userGroup }),
    },
  });
  return undefined;
}

/**
 * Records a worker's report of a user task action's TaskRun. Checked as a TASK node's report is (attempt, output
 * type), retried as the action's task says while the WfRun runs, but nothing else moves: no NodeRun ends, no thread
 * fails, whatever the result.
 */
export function reportTriggeredTaskAttempt(s: Session, command: ReportTaskAttempt): Rejection | undefined {
  const run = own(s.state.triggeredTaskRuns, command.taskGuid);
  if (!run) return unknownOrEnded(s, command.taskGuid);
  if (run.attempt !== command.attempt || (run.status !== 'TASK_SCHEDULED' && run.status !== 'TASK_RUNNING')) {
    return { code: 'STALE_TASK_ATTEMPT', message: `TaskRun ${command.taskGuid} is not waiting on attempt ${command.attempt} (current attempt ${run.attempt} is ${run.status}).` };
  }
  const { result, workerId, logOutput } = command;
  const base = { threadRunNumber: run.threadRunNumber, taskGuid: run.taskGuid, attempt: run.attempt, workerId, logOutput };
  const taskDef = own(s.ctx.catalog.taskDefs, run.taskDefName);
  const returnType = run.returnType ?? taskDef?.returnType;
  const unfit = (message: string): undefined => {
    s.emit({ type: 'TaskAttemptFailed', ...base, failure: { name: 'VAR_MUTATION_ERROR', message }, status: 'TASK_OUTPUT_SERDE_ERROR' });
    return undefined;
  };
  if (result.status === 'OUTPUT_ERROR') return unfit(result.message);
  if (result.status === 'SUCCESS') {
    const output: JsonValue = result.output ?? null;
    const secret = run.maskedOutput === true || taskDef?.maskedOutput === true;
    if (returnType && !isValueOfType(output, returnType)) {
      return unfit(`TaskDef '${run.taskDefName}' returns ${aType(returnType)}; the task returned ${secret ? `a masked ${kindOf(output)}` : describeValue(output)}.`);
    }
    s.emit({ type: 'TaskAttemptSucceeded', ...base, output, ...(secret ? { maskedOutput: true } : {}) });
    return undefined;
  }
  const [failure, status] = failureOfResult(result);
  s.emit({ type: 'TaskAttemptFailed', ...base, failure, status });
  const task = actionTaskOf(s, run);
  const next = run.attempt + 1;
  if (isTerminal(s.state.status) || status === 'TASK_EXCEPTION' || next > (task?.retries ?? 0)) return undefined;
  const backoff = task?.exponentialBackoff;
  if (!backoff) {
    s.emit(retryOf(run, next));
    return undefined;
  }
  s.emit({ type: 'TaskRetryPending', threadRunNumber: run.threadRunNumber, taskGuid: run.taskGuid, attempt: next });
  s.emit({
    type: 'TimerSet',
    timerId: `${run.taskGuid}/retry-${next}`,
    fireAt: s.ctx.now + Math.max(0, retryDelayMs(backoff, next)),
    purpose: { type: 'TASK_RETRY', taskGuid: run.taskGuid, attempt: next },
  });
  return undefined;
}

/** A retry's back-off is over: schedule the attempt of the user task action's TaskRun that waited for it. */
export function fireTriggeredTaskRetry(s: Session, command: FireTimer): Rejection | undefined {
  const { purpose } = command;
  const run = purpose.type === 'TASK_RETRY' ? own(s.state.triggeredTaskRuns, purpose.taskGuid) : undefined;
  if (!run || purpose.type !== 'TASK_RETRY' || run.status !== 'TASK_PENDING' || run.attempt !== purpose.attempt) {
    return { code: 'STALE_TIMER', message: `Timer ${command.timerId} has nothing left to do.` };
  }
  s.emit({ type: 'TimerFired', timerId: command.timerId });
  s.emit(retryOf(run, run.attempt));
  return undefined;
}

function retryOf(run: TriggeredTaskRunState, attempt: number) {
  return {
    type: 'TaskRunScheduled',
    threadRunNumber: run.threadRunNumber,
    position: run.position,
    taskGuid: run.taskGuid,
    taskDefName: run.taskDefName,
    attempt,
    input: run.input,
    ...carried(run),
    userTaskTrigger: {
      userTaskGuid: taskGuid(run.threadRunNumber, run.position),
      nodeName: run.nodeName,
      actionIndex: run.actionIndex,
      // Who it fired for, not who holds the task now: a retry is the same TaskRun (LittleHorse sets its source once).
      ...(run.userId === undefined ? {} : { userId: run.userId }),
      ...(run.userGroup === undefined ? {} : { userGroup: run.userGroup }),
    },
  } as const;
}

/** The task of the action that made `run`, as the WfSpec says now (undefined if it no longer has that action). */
function actionTaskOf(s: Session, run: TriggeredTaskRunState): UserTaskActionTask | undefined {
  const thread = s.state.threadRuns[run.threadRunNumber];
  const threadSpec = thread && own(s.ctx.wfSpec.threadSpecs, thread.threadSpecName);
  const node = threadSpec && own(threadSpec.nodes, run.nodeName);
  const action = node?.type === 'USER_TASK' ? node.actions?.[run.actionIndex]?.action : undefined;
  return action?.type === 'TASK' ? action.task : undefined;
}

/** A reminder guid that is not in the state: ended, if its NodeRun has started, else unknown. */
function unknownOrEnded(s: Session, guid: string): Rejection {
  const at = userTaskOfTriggeredTaskGuid(guid);
  const thread = at && s.state.threadRuns[at.threadRunNumber];
  if (thread && at && at.position < thread.nextPosition) {
    return { code: 'STALE_TASK_ATTEMPT', message: `TaskRun ${guid} has already ended (or was never scheduled); the report changes nothing.` };
  }
  return { code: 'UNKNOWN_TASK_RUN', message: `WfRun ${s.state.id} has no TaskRun ${guid}.` };
}
