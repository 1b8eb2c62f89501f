import { own } from '../../spec/own.ts';
import type { Rejection } from '../../errors.ts';
import type { JsonValue } from '../../values/value.ts';
import { aType, describeValue, isValueOfType, kindOf, widen } from '../../values/value.ts';
import { describeRead, evaluate, expectType, isMaskedSource } from '../assignments.ts';
import type { FireTimer, ReportTaskAttempt, TaskAttemptResult } from '../commands.ts';
import type { Failure } from '../failure.ts';
import { statusOfFailure } from '../failure.ts';
import type { Session } from '../session.ts';
import type { NodeRunState, TaskInput, TaskRunState, ThreadRunState } from '../state.ts';
import { isTerminal } from '../state.ts';
import type { ExponentialBackoff, TaskDef, UserTaskActionTask } from '../../spec/types.ts';
import type { ArriveHandler } from './types.ts';
import { isTriggeredTaskGuid, nodeRunOfGuid, taskGuid } from '../task-guid.ts';
import { fireTriggeredTaskRetry, reportTriggeredTaskAttempt } from './user-task-trigger.ts';

/** TASK: resolve the TaskDef, evaluate the inputs against it, then schedule attempt 0 of a new TaskRun. */
export const arriveAtTask: ArriveHandler<'TASK'> = (s, thread, node) => {
  const position = s.thread(thread.number).currentNodeRun?.position ?? 0;
  const fail = (failure: Failure) =>
    s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position, status: statusOfFailure(failure), failure });

  const resolved = resolveTaskDef(s, thread, node);
  if (!resolved.ok) return fail(resolved.failure);
  const taskDef = resolved.taskDef;
  const inputs = evaluateTaskInputs(s, s.thread(thread.number), node, taskDef);
  if (!inputs.ok) return fail(inputs.failure);
  const input = inputs.input;
  s.emit({
    type: 'TaskRunScheduled',
    threadRunNumber: thread.number,
    position,
    taskGuid: taskGuid(thread.number, position),
    taskDefName: taskDef.name,
    attempt: 0,
    input,
    ...(node.timeoutSeconds === undefined ? {} : { timeoutSeconds: node.timeoutSeconds }),
    ...(taskDef.returnType === undefined ? {} : { returnType: taskDef.returnType }),
    ...(taskDef.maskedOutput ? { maskedOutput: true } : {}),
  });
};

/**
 * Evaluates a TASK's inputs, in `thread`'s scope as it is now, against the TaskDef's: each of its type, masked when
 * the TaskDef's input, a variable it reads or a node output it reads (a masked TaskDef's) is.
 */
export function evaluateTaskInputs(
  s: Session,
  thread: ThreadRunState,
  node: UserTaskActionTask,
  taskDef: TaskDef,
): { ok: true; input: TaskInput[] } | { ok: false; failure: Failure } {
  const input: TaskInput[] = [];
  const given = node.inputs ?? [];
  for (const [i, param] of taskDef.inputVars.entries()) {
    const source = given[i];
    if (!source) return { ok: false, failure: { name: 'VAR_SUB_ERROR', message: `No value given for input '${param.name}' of TaskDef '${taskDef.name}'.` } };
    const where = `Input '${param.name}' of TaskDef '${taskDef.name}'`;
    const evaluated = evaluate(s, thread, source);
    if (!evaluated.ok) return { ok: false, failure: { ...evaluated.failure, message: `${where}: ${evaluated.failure.message}` } };
    const masked = param.masked === true || evaluated.masked === true;
    // expectType quotes the value: a secret one is described by its kind only.
    const checked = expectType(evaluated.value, param.type, where, masked);
    if (!checked.ok) return checked;
    input.push(masked ? { name: param.name, value: checked.value, masked } : { name: param.name, value: checked.value });
  }
  return { ok: true, input };
}

/** The TaskDef a TASK node (or action) runs: fixed, or named by a STR when it runs (LittleHorse's dynamic task). */
export function resolveTaskDef(s: Session, thread: ThreadRunState, node: UserTaskActionTask): { ok: true; taskDef: TaskDef } | { ok: false; failure: Failure } {
  if (node.dynamicTaskDefName) {
    const named = evaluate(s, thread, node.dynamicTaskDefName);
    if (!named.ok) return named;
    // LittleHorse reads the name with asStr: a number or BOOL names a TaskDef by its text.
    const name = widen(named.value, 'STR');
    if (typeof name !== 'string') {
      return { ok: false, failure: { name: 'VAR_SUB_ERROR', message: `The TaskDef to run must be named by a STR; got ${describeRead(s, thread, node.dynamicTaskDefName, named.value)}.` } };
    }
    const taskDef = own(s.ctx.catalog.taskDefs, name);
    if (taskDef) return { ok: true, taskDef };
    // LittleHorse: an unknown dynamic name is a substitution error, a deleted fixed one a TASK_ERROR.
    const which = isMaskedSource(s, thread, node.dynamicTaskDefName) ? 'named by a masked value' : `'${name}'`;
    return { ok: false, failure: { name: 'VAR_SUB_ERROR', message: `TaskDef ${which} is not registered.` } };
  }
  const taskDef = node.taskDefName === undefined ? undefined : own(s.ctx.catalog.taskDefs, node.taskDefName);
  return taskDef ? { ok: true, taskDef } : { ok: false, failure: { name: 'TASK_ERROR', message: `TaskDef '${node.taskDefName}' is not registered.` } };
}

/**
 * The ThreadRun whose current NodeRun holds the TaskRun or UserTaskRun `guid` names: only the thread a guid's number
 * names can hold it (taskGuid), so this looks at that one, not at every ThreadRun.
 */
export function threadHoldingGuid(s: Session, guid: string, held: (nodeRun: NodeRunState) => string | undefined): ThreadRunState | undefined {
  const at = nodeRunOfGuid(guid);
  const thread = at && s.state.threadRuns[at.threadRunNumber];
  return thread?.currentNodeRun && held(thread.currentNodeRun) === guid ? thread : undefined;
}

/**
 * Applies a worker's report to the TASK NodeRun waiting on it, or says why it does not apply. A WfRun that ended
 * while the attempt ran (a sibling thread failed it, say) still takes the report, as LittleHorse's TaskRun keeps its
 * result: the TaskRun and its NodeRun end with it, nothing is retried, and the halted thread goes on from there only
 * if a rescue resumes it.
 */
export function reportTaskAttempt(s: Session, command: ReportTaskAttempt): Rejection | undefined {
  if (isTriggeredTaskGuid(command.taskGuid)) return reportTriggeredTaskAttempt(s, command);
  const thread = threadHoldingGuid(s, command.taskGuid, (n) => n.taskRun?.taskGuid);
  const nodeRun = thread?.currentNodeRun;
  const taskRun = nodeRun?.taskRun;
  const ended = isTerminal(s.state.status);
  if (ended && !(taskRun?.attempt === command.attempt && (taskRun.status === 'TASK_SCHEDULED' || taskRun.status === 'TASK_RUNNING'))) {
    return { code: 'STALE_TASK_ATTEMPT', message: `WfRun ${s.state.id} has already ended (${s.state.status}); the report changes nothing.` };
  }
  if (!thread || !nodeRun || !taskRun) return unknownOrStale(s, command);
  if (taskRun.attempt !== command.attempt || (taskRun.status !== 'TASK_SCHEDULED' && taskRun.status !== 'TASK_RUNNING')) {
    // This also covers a report for an attempt whose retry is still waiting for its back-off.
    return {
      code: 'STALE_TASK_ATTEMPT',
      message: `TaskRun ${command.taskGuid} is not waiting on attempt ${command.attempt} (current attempt ${taskRun.attempt} is ${taskRun.status}).`,
    };
  }

  const { result, workerId, logOutput } = command;
  const base = { threadRunNumber: thread.number, taskGuid: taskRun.taskGuid, attempt: taskRun.attempt, workerId, logOutput };
  // The contract the TaskRun was made with; the catalog's for TaskRuns scheduled before it was recorded.
  const taskDef = own(s.ctx.catalog.taskDefs, taskRun.taskDefName);
  const returnType = taskRun.returnType ?? taskDef?.returnType;
  // LittleHorse: an output that does not fit the TaskDef's return type (or that the server cannot take at all) is
  // TASK_OUTPUT_SERDE_ERROR, a VAR_MUTATION_ERROR that no retry can fix.
  const unfit = (message: string): undefined => {
    const failure: Failure = { name: 'VAR_MUTATION_ERROR', message };
    s.emit({ type: 'TaskAttemptFailed', ...base, failure, status: 'TASK_OUTPUT_SERDE_ERROR' });
    s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position: nodeRun.position, status: 'ERROR', failure });
    return undefined;
  };
  if (result.status === 'OUTPUT_ERROR') return unfit(result.message);
  if (result.status === 'SUCCESS') {
    const output: JsonValue = result.output ?? null;
    const secret = taskRun.maskedOutput === true || taskDef?.maskedOutput === true;
    if (returnType && !isValueOfType(output, returnType)) {
      // A masked output is a secret, even one of the wrong type: the error names its type only.
      return unfit(`TaskDef '${taskRun.taskDefName}' returns ${aType(returnType)}; the task returned ${secret ? `a masked ${kindOf(output)}` : describeValue(output)}.`);
    }
    const masked = secret ? ({ maskedOutput: true } as const) : {};
    s.emit({ type: 'TaskAttemptSucceeded', ...base, output, ...masked });
    s.emit({ type: 'NodeRunCompleted', threadRunNumber: thread.number, position: nodeRun.position, output, ...masked });
    return undefined;
  }
  // LittleHorse: TASK_FAILED becomes the ERROR TASK_FAILURE, TASK_TIMEOUT the ERROR TIMEOUT; an exception keeps its
  // own name and content.
  const [failure, status] = failureOfResult(result);
  s.emit({ type: 'TaskAttemptFailed', ...base, failure, status });

  // Errors and timeouts are retried while attempts remain (never once the WfRun has ended); a business exception
  // never is.
  const node = s.node(thread, nodeRun.nodeName);
  const next = taskRun.attempt + 1;
  if (!ended && node.type === 'TASK' && status !== 'TASK_EXCEPTION' && next <= (node.retries ?? 0)) {
    const backoff = node.exponentialBackoff;
    if (!backoff) {
      s.emit({ type: 'TaskRunScheduled', threadRunNumber: thread.number, position: nodeRun.position, taskGuid: taskRun.taskGuid, taskDefName: taskRun.taskDefName, attempt: next, input: taskRun.input, ...carried(taskRun) });
      return undefined;
    }
    const delay = retryDelayMs(backoff, next);
    s.emit({ type: 'TaskRetryPending', threadRunNumber: thread.number, taskGuid: taskRun.taskGuid, attempt: next });
    s.emit({
      type: 'TimerSet',
      timerId: `${taskRun.taskGuid}/retry-${next}`,
      fireAt: s.ctx.now + Math.max(0, delay),
      purpose: { type: 'TASK_RETRY', taskGuid: taskRun.taskGuid, attempt: next },
    });
    return undefined;
  }
  s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position: nodeRun.position, status: statusOfFailure(failure), failure });
  return undefined;
}

/** How a failed attempt's result fails its TaskRun: the failure, and the attempt's status. */
export function failureOfResult(
  result: Exclude<TaskAttemptResult, { status: 'SUCCESS' | 'OUTPUT_ERROR' }>,
): [Failure, 'TASK_FAILED' | 'TASK_EXCEPTION' | 'TASK_TIMEOUT'] {
  return result.status === 'ERROR'
    ? [{ name: 'TASK_FAILURE', message: result.message }, 'TASK_FAILED']
    : result.status === 'TIMEOUT'
      ? [{ name: 'TIMEOUT', message: 'Task timed out' }, 'TASK_TIMEOUT']
      : [{ name: result.name, message: result.message, content: result.content }, 'TASK_EXCEPTION'];
}

/**
 * LittleHorse: the first retry waits the base interval, each later one `multiplier` times longer (whole
 * milliseconds, truncated as Java's cast to long does), up to the cap.
 */
export function retryDelayMs(backoff: ExponentialBackoff, attempt: number): number {
  return Math.min(Math.trunc(backoff.baseIntervalMs * backoff.multiplier ** (attempt - 1)), backoff.maxDelayMs);
}

/** A retry's back-off is over: schedule the attempt it was waiting for, unless the WfRun has moved on. */
export function fireTaskRetry(s: Session, command: FireTimer): Rejection | undefined {
  const { purpose } = command;
  if (purpose.type !== 'TASK_RETRY') return { code: 'STALE_TIMER', message: `Timer ${command.timerId} is not a retry.` };
  if (isTriggeredTaskGuid(purpose.taskGuid)) return fireTriggeredTaskRetry(s, command);
  const thread = threadHoldingGuid(s, purpose.taskGuid, (n) => n.taskRun?.taskGuid);
  const nodeRun = thread?.currentNodeRun;
  const taskRun = nodeRun?.taskRun;
  if (!thread || !nodeRun || !taskRun || taskRun.status !== 'TASK_PENDING' || taskRun.attempt !== purpose.attempt) {
    return { code: 'STALE_TIMER', message: `Timer ${command.timerId} has nothing left to do.` };
  }
  s.emit({ type: 'TimerFired', timerId: command.timerId });
  s.emit({ type: 'TaskRunScheduled', threadRunNumber: thread.number, position: nodeRun.position, taskGuid: taskRun.taskGuid, taskDefName: taskRun.taskDefName, attempt: taskRun.attempt, input: taskRun.input, ...carried(taskRun) });
  return undefined;
}

/** What a retry's TaskRunScheduled carries over from the first: the timeout and the output contract. */
export function carried(taskRun: TaskRunState): Pick<TaskRunState, 'timeoutSeconds' | 'returnType' | 'maskedOutput'> {
  return {
    ...(taskRun.timeoutSeconds === undefined ? {} : { timeoutSeconds: taskRun.timeoutSeconds }),
    ...(taskRun.returnType === undefined ? {} : { returnType: taskRun.returnType }),
    ...(taskRun.maskedOutput ? { maskedOutput: true } : {}),
  };
}

function unknownOrStale(s: Session, command: ReportTaskAttempt): Rejection {
  const at = nodeRunOfGuid(command.taskGuid);
  const thread: ThreadRunState | undefined = at && s.state.threadRuns[at.threadRunNumber];
  if (thread && at && at.position < thread.nextPosition) {
    return { code: 'STALE_TASK_ATTEMPT', message: `TaskRun ${command.taskGuid} has already ended; the report changes nothing.` };
  }
  return { code: 'UNKNOWN_TASK_RUN', message: `WfRun ${s.state.id} has no TaskRun ${command.taskGuid}.` };
}
