import { own } from '../../spec/own.ts';
import type { Rejection } from '../../errors.ts';
import type { UserTaskActionHook, UserTaskDef, UserTaskNode, VariableAssignment } from '../../spec/types.ts';
import { widen } from '../../values/value.ts';
import { describeRead, evaluate } from '../assignments.ts';
import type { DeadlineReassign, FireTimer, ScheduledUserTaskAction } from '../commands.ts';
import type { UnscheduledUserTaskAction, UserTaskAssignmentCause, UserTaskCancellationCause } from '../events.ts';
import type { Failure } from '../failure.ts';
import { statusOfFailure } from '../failure.ts';
import type { Session } from '../session.ts';
import type { NodeRunState, ThreadRunState, UserTaskRunState } from '../state.ts';
import { taskGuid } from '../task-guid.ts';
import { fireReminderTask } from './user-task-trigger.ts';
import type { ArriveHandler, CheckHandler } from './types.ts';

type Resolved<T> = { readonly ok: true; readonly value: T; readonly masked?: boolean | undefined } | { readonly ok: false; readonly failure: Failure };

/** An action whose delay starts now, with what it will do. */
interface PendingAction {
  readonly index: number;
  readonly fireAt: number;
  readonly action: ScheduledUserTaskAction;
}

/** An action whose delay could not be evaluated, with the hook that would have started it. */
interface UnscheduledAction extends UnscheduledUserTaskAction {
  readonly hook: UserTaskActionHook;
}

/** The actions of some hooks: those whose delays start now, and those whose delays could not be evaluated. */
interface ResolvedActions {
  readonly pending: readonly PendingAction[];
  readonly unscheduled: readonly UnscheduledAction[];
}

/**
 * USER_TASK: evaluates notes, user and group (STR each), then creates the UserTaskRun, ASSIGNED when it has a user,
 * and sets the timers of its ON_ARRIVAL actions (and ON_TASK_ASSIGNED ones when it has a user). LittleHorse: an
 * unknown UserTaskDef is TASK_ERROR; neither user nor group, or a blank one, VAR_ERROR; other evaluation errors,
 * an ON_ARRIVAL action's delay included, VAR_SUB_ERROR. An ON_TASK_ASSIGNED action whose delay cannot be evaluated
 * is left out, as assignTo leaves it out, and UserTaskRunCreated names it.
 */
export const arriveAtUserTask: ArriveHandler<'USER_TASK'> = (s, thread, node) => {
  const current = s.thread(thread.number);
  const nodeRun = current.currentNodeRun;
  if (!nodeRun) return;
  const fail = (failure: Failure) =>
    s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position: nodeRun.position, status: statusOfFailure(failure), failure });

  const def = userTaskDefFor(s, node.userTaskDefName, node.userTaskDefVersion);
  if (!def) {
    const which = node.userTaskDefVersion === undefined ? '' : `Version ${node.userTaskDefVersion} of `;
    return fail({ name: 'TASK_ERROR', message: `${which}UserTaskDef '${node.userTaskDefName}' is not registered.` });
  }
  const what = `USER_TASK '${nodeRun.nodeName}'`;
  const notes = evaluateText(s, current, node.notes, `The notes of ${what}`);
  if (!notes.ok) return fail(notes.failure);
  const assignee = evaluateAssignee(s, current, node.userId, node.userGroup, what);
  if (!assignee.ok) return fail(assignee.failure);
  const { userId, userGroup } = assignee.value;
  const epoch = 1;
  const actions = resolveActions(s, current, node, userId === null ? ['ON_ARRIVAL'] : ['ON_ARRIVAL', 'ON_TASK_ASSIGNED'], what);
  const arrival = actions.unscheduled.find((a) => a.hook === 'ON_ARRIVAL');
  if (arrival) return fail(arrival.failure);

  s.emit({
    type: 'UserTaskRunCreated',
    threadRunNumber: thread.number,
    position: nodeRun.position,
    userTaskGuid: taskGuid(thread.number, nodeRun.position),
    userTaskDefName: def.name,
    userTaskDefVersion: def.version,
    ...(userId === null ? {} : { userId }),
    ...(userGroup === null ? {} : { userGroup }),
    ...(notes.value === null ? {} : { notes: notes.value }),
    // Notes made from a secret stay one: people read them in the console and the API, which show MASKED_VALUE.
    ...(notes.value !== null && notes.masked ? { maskedNotes: true } : {}),
    epoch,
    ...unscheduledOf(actions),
  });
  setActionTimers(s, thread.number, nodeRun.position, epoch, actions.pending);
};

/**
 * A USER_TASK whose UserTaskRun was cancelled while its thread was halted fails once the thread runs again
 * (LittleHorse: halting cancels the task, and the node fails on resume).
 */
export const checkUserTask: CheckHandler<'USER_TASK'> = (s, thread) => {
  const nodeRun = thread.currentNodeRun;
  if (nodeRun?.status !== 'RUNNING' || nodeRun.userTaskRun?.status !== 'CANCELLED') return false;
  failCancelled(s, thread, nodeRun);
  return true;
};

/**
 * The UserTaskDef a node runs: the version it pins, or the catalog's when it pins none (the server's putWfSpec pins
 * every node, as LittleHorse does; a WfSpec stored before that, or one given to the engine directly, may not).
 */
export function userTaskDefFor(s: Session, name: string, version: number | undefined): UserTaskDef | undefined {
  const def = own(s.ctx.catalog.userTaskDefs, name);
  return def && (version === undefined || def.version === version) ? def : undefined;
}

/** Whether a UserTaskRun can still be assigned, completed or cancelled. */
export function isOpen(run: UserTaskRunState | undefined): run is UserTaskRunState {
  return run?.status === 'ASSIGNED' || run?.status === 'UNASSIGNED';
}

/**
 * Gives the open UserTaskRun of `thread` to `userId` and `userGroup` (either may be null, clearing it). A new,
 * non-NULL user starts the node's ON_TASK_ASSIGNED actions, except when the task changes hands only to be completed
 * (LittleHorse). An action whose delay cannot be evaluated is left out and named by the UserTaskRunAssigned event:
 * LittleHorse's assignTo logs the LHVarSubError and goes on, so the node does not fail.
 */
export function assignUserTask(
  s: Session,
  thread: ThreadRunState,
  userId: string | null,
  userGroup: string | null,
  cause: UserTaskAssignmentCause,
): void {
  const nodeRun = thread.currentNodeRun;
  const run = nodeRun?.userTaskRun;
  if (!nodeRun || !run) return;
  const epoch = run.epoch + 1;
  const node = s.node(thread, nodeRun.nodeName);
  const starts = cause !== 'COMPLETE' && userId !== null && userId !== run.userId && node.type === 'USER_TASK';
  const actions = starts ? resolveActions(s, s.thread(thread.number), node, ['ON_TASK_ASSIGNED'], `USER_TASK '${nodeRun.nodeName}'`) : undefined;
  s.emit({
    type: 'UserTaskRunAssigned',
    threadRunNumber: thread.number,
    position: nodeRun.position,
    userTaskGuid: run.userTaskGuid,
    ...(userId === null ? {} : { userId }),
    ...(userGroup === null ? {} : { userGroup }),
    epoch,
    cause,
    ...(actions ? unscheduledOf(actions) : {}),
  });
  if (actions) setActionTimers(s, thread.number, nodeRun.position, epoch, actions.pending);
}

/**
 * Cancels the open UserTaskRun of `thread`; a running thread's node fails with the cancellation at once. Refused, and
 * nothing changes, when the node's onCancellationExceptionName cannot be evaluated (LittleHorse's
 * assignExceptionNameVariable answers INVALID_ARGUMENT).
 */
export function cancelUserTask(s: Session, thread: ThreadRunState, cause: UserTaskCancellationCause): Rejection | undefined {
  const nodeRun = thread.currentNodeRun;
  const run = nodeRun?.userTaskRun;
  if (!nodeRun || !isOpen(run)) return undefined;
  const running = thread.status === 'RUNNING';
  const named = running ? cancellationFailure(s, thread, nodeRun) : undefined;
  if (named && !named.ok) return { code: 'INVALID_CANCELLATION_EXCEPTION', message: named.failure.message };
  s.emit({ type: 'UserTaskRunCancelled', threadRunNumber: thread.number, position: nodeRun.position, userTaskGuid: run.userTaskGuid, cause });
  if (named?.ok) s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position: nodeRun.position, status: statusOfFailure(named.value), failure: named.value });
  return undefined;
}

/**
 * LittleHorse: a thread that stops while it stands on a USER_TASK cancels the UserTaskRun (it never waits for a
 * person while halted). True if it did.
 */
export function cancelUserTaskOfHaltedThread(s: Session, number: number): boolean {
  const thread = s.thread(number);
  const nodeRun = thread.currentNodeRun;
  if (thread.status === 'RUNNING' || nodeRun?.status !== 'RUNNING' || !isOpen(nodeRun.userTaskRun)) return false;
  cancelUserTask(s, thread, 'THREAD_HALTED');
  return true;
}

/**
 * A user task action's delay has passed. A REASSIGN acts only while the task is ASSIGNED and has not changed hands
 * since the delay started (same epoch); a CANCEL cancels it while it is open; a TASK runs its TaskRun while it is
 * open, whoever holds it (user-task-trigger.ts). Otherwise the timer is stale.
 * LittleHorse's deadlineReassign: the REASSIGN's user and group are evaluated now, in the thread's scope as it is
 * now. One that cannot be evaluated fails the node with VAR_SUB_ERROR (the task closes first); when neither names
 * anyone (both NULL) the reassignment is refused and nothing changes. A timer set by an earlier engine, with its
 * user and group already evaluated, reassigns to those.
 */
export function fireUserTaskAction(s: Session, command: FireTimer): Rejection | undefined {
  const { purpose } = command;
  if (purpose.type !== 'USER_TASK_ACTION') return { code: 'STALE_TIMER', message: `Timer ${command.timerId} is not a user task action.` };
  const thread: ThreadRunState | undefined = s.state.threadRuns[purpose.threadRunNumber];
  const nodeRun = thread?.currentNodeRun?.position === purpose.position ? thread.currentNodeRun : undefined;
  const run = nodeRun?.userTaskRun;
  if (!thread || !nodeRun || !isOpen(run)) return { code: 'STALE_TIMER', message: `Timer ${command.timerId} has nothing left to do: its UserTaskRun is no longer open.` };
  const { action } = purpose;
  if (action.type === 'TASK') return fireReminderTask(s, command, thread, nodeRun, run, purpose, action);
  if (action.type === 'CANCEL') {
    // LittleHorse: an onCancellationExceptionName that cannot be evaluated fails the cancel, which leaves the task open.
    return s.allOrNothing(() => {
      s.emit({ type: 'TimerFired', timerId: command.timerId });
      return cancelUserTask(s, thread, 'ACTION');
    });
  }
  if (run.status !== 'ASSIGNED' || run.epoch !== purpose.epoch) {
    return { code: 'STALE_TIMER', message: `UserTaskRun ${run.userTaskGuid} has changed hands since timer ${command.timerId} was set.` };
  }
  const target: ReassignTarget =
    'userId' in action
      ? { kind: 'ASSIGN', userId: action.userId, userGroup: action.userGroup }
      : reassignTarget(s, thread, action, `action ${purpose.actionIndex + 1} of USER_TASK '${nodeRun.nodeName}'`);
  if (target.kind === 'REFUSE') return target.rejection;
  s.emit({ type: 'TimerFired', timerId: command.timerId });
  if (target.kind === 'ASSIGN') {
    assignUserTask(s, thread, target.userId, target.userGroup, 'ACTION');
    return undefined;
  }
  // The task cannot outlive its node: it closes first, then the node fails with what went wrong.
  s.emit({ type: 'UserTaskRunCancelled', threadRunNumber: thread.number, position: nodeRun.position, userTaskGuid: run.userTaskGuid, cause: 'NODE_FAILED' });
  s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position: nodeRun.position, status: statusOfFailure(target.failure), failure: target.failure });
  return undefined;
}

/** What a deadline's REASSIGN does once its user and group are known. */
type ReassignTarget =
  /** Hands the task to them. */
  | { readonly kind: 'ASSIGN'; readonly userId: string | null; readonly userGroup: string | null }
  /** One could not be evaluated: the node fails. */
  | { readonly kind: 'FAIL'; readonly failure: Failure }
  /** They name nobody: the timer is refused and nothing changes. */
  | { readonly kind: 'REFUSE'; readonly rejection: Rejection };

/**
 * Who a deadline's REASSIGN hands the task to, evaluated now: the group first, then the user, as LittleHorse does.
 * A value that cannot be evaluated (or is no STR) is a failure; neither user nor group, or a blank one, a rejection
 * (LittleHorse refuses both NULL; a blank id is nobody, which no assignment may name here).
 */
function reassignTarget(s: Session, thread: ThreadRunState, action: DeadlineReassign, what: string): ReassignTarget {
  const userGroup = evaluateText(s, thread, action.newUserGroup, `The user group of ${what}`);
  if (!userGroup.ok) return { kind: 'FAIL', failure: userGroup.failure };
  const userId = evaluateText(s, thread, action.newUserId, `The user id of ${what}`);
  if (!userId.ok) return { kind: 'FAIL', failure: userId.failure };
  const refuse = (message: string): ReassignTarget => ({ kind: 'REFUSE', rejection: { code: 'INVALID_USER_TASK_ASSIGNMENT', message } });
  if (userId.value === null && userGroup.value === null) return refuse(`The user id and the user group of ${what} are both NULL: the reassignment names nobody.`);
  if (userId.value?.trim() === '') return refuse(`The user id of ${what} is blank.`);
  if (userGroup.value?.trim() === '') return refuse(`The user group of ${what} is blank.`);
  return { kind: 'ASSIGN', userId: userId.value, userGroup: userGroup.value };
}

/**
 * Fails the node of a task cancelled while its thread was halted, now that it runs again. Its
 * onCancellationExceptionName is evaluated now; one that cannot be fails the node with VAR_SUB_ERROR, as no command
 * is left to refuse.
 */
function failCancelled(s: Session, thread: ThreadRunState, nodeRun: NodeRunState): void {
  const named = cancellationFailure(s, thread, nodeRun);
  const failure = named.ok ? named.value : named.failure;
  s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position: nodeRun.position, status: statusOfFailure(failure), failure });
}

/**
 * LittleHorse: a cancelled task fails its node with onCancellationExceptionName (an EXCEPTION), else
 * USER_TASK_CANCELLED. A VariableAssignment is evaluated in the thread's scope now, read as a STR (asStr); NULL or
 * blank means USER_TASK_CANCELLED (assignExceptionNameVariable).
 */
function cancellationFailure(s: Session, thread: ThreadRunState, nodeRun: NodeRunState): Resolved<Failure> {
  const node = s.node(thread, nodeRun.nodeName);
  const source = node.type === 'USER_TASK' ? node.onCancellationExceptionName : undefined;
  const message = `UserTaskRun ${nodeRun.userTaskRun?.userTaskGuid} was cancelled.`;
  if (typeof source === 'string' || source === undefined) return { ok: true, value: { name: source?.trim() ? source : 'USER_TASK_CANCELLED', message } };
  const name = evaluateText(s, thread, source, `The onCancellationExceptionName of USER_TASK '${nodeRun.nodeName}'`);
  if (!name.ok) return name;
  return { ok: true, value: { name: name.value?.trim() ? name.value : 'USER_TASK_CANCELLED', message } };
}

/**
 * Evaluates the delays of the actions of `hooks`, from now. A REASSIGN keeps its user and group unevaluated, for its
 * timer to evaluate when it fires (LittleHorse's UTAReassignModel.schedule evaluates only the delay).
 */
function resolveActions(s: Session, thread: ThreadRunState, node: UserTaskNode, hooks: readonly UserTaskActionHook[], what: string): ResolvedActions {
  const pending: PendingAction[] = [];
  const unscheduled: UnscheduledAction[] = [];
  for (const [index, trigger] of (node.actions ?? []).entries()) {
    if (!hooks.includes(trigger.hook)) continue;
    const delay = evaluate(s, thread, trigger.delaySeconds);
    if (!delay.ok) {
      unscheduled.push({ hook: trigger.hook, actionIndex: index, failure: delay.failure });
      continue;
    }
    if (typeof delay.value !== 'number' || !Number.isSafeInteger(delay.value)) {
      const message = `The delay of action ${index + 1} of ${what} must be an INT; got ${describeRead(s, thread, trigger.delaySeconds, delay.value)}.`;
      unscheduled.push({ hook: trigger.hook, actionIndex: index, failure: { name: 'VAR_SUB_ERROR', message } });
      continue;
    }
    const { action: spec } = trigger;
    const action: ScheduledUserTaskAction =
      spec.type === 'REASSIGN'
        ? { type: 'REASSIGN', ...(spec.userId ? { newUserId: spec.userId } : {}), ...(spec.userGroup ? { newUserGroup: spec.userGroup } : {}) }
        : spec.type === 'TASK'
          ? { type: 'TASK', task: spec.task }
          : { type: 'CANCEL' };
    // A delay already passed acts as soon as the server fires the timer, as a SLEEP in the past does.
    pending.push({ index, fireAt: s.ctx.now + Math.max(0, delay.value) * 1000, action });
  }
  return { pending, unscheduled };
}

/** The event field naming the ON_TASK_ASSIGNED actions left out, when there are any. */
function unscheduledOf(actions: ResolvedActions): { unscheduledActions?: UnscheduledUserTaskAction[] } {
  const left = actions.unscheduled.filter((a) => a.hook === 'ON_TASK_ASSIGNED').map(({ actionIndex, failure }) => ({ actionIndex, failure }));
  return left.length > 0 ? { unscheduledActions: left } : {};
}

function setActionTimers(s: Session, threadRunNumber: number, position: number, epoch: number, actions: readonly PendingAction[]): void {
  for (const { index, fireAt, action } of actions) {
    s.emit({
      type: 'TimerSet',
      // The epoch keeps the timers of one ON_TASK_ASSIGNED action apart across reassignments.
      timerId: `${taskGuid(threadRunNumber, position)}/action-${index}-${epoch}`,
      fireAt,
      purpose: { type: 'USER_TASK_ACTION', threadRunNumber, position, epoch, actionIndex: index, action },
    });
  }
}

/** A user and a group, at least one of them set (LittleHorse's "Invalid user task assignment" otherwise). */
function evaluateAssignee(
  s: Session,
  thread: ThreadRunState,
  userIdSource: VariableAssignment | undefined,
  userGroupSource: VariableAssignment | undefined,
  what: string,
): Resolved<{ userId: string | null; userGroup: string | null }> {
  const userId = evaluateText(s, thread, userIdSource, `The user id of ${what}`, true);
  if (!userId.ok) return userId;
  const userGroup = evaluateText(s, thread, userGroupSource, `The user group of ${what}`, true);
  if (!userGroup.ok) return userGroup;
  if (userId.value === null && userGroup.value === null) {
    return { ok: false, failure: { name: 'VAR_ERROR', message: `Invalid user task assignment: ${what} has neither a user id nor a user group.` } };
  }
  return { ok: true, value: { userId: userId.value, userGroup: userGroup.value } };
}

/** A STR, or null when there is no source or it is NULL; `nonBlank` makes a blank one VAR_ERROR (LittleHorse). */
function evaluateText(
  s: Session,
  thread: ThreadRunState,
  source: VariableAssignment | undefined,
  what: string,
  nonBlank = false,
): Resolved<string | null> {
  if (!source) return { ok: true, value: null };
  const value = evaluate(s, thread, source);
  if (!value.ok) return value;
  if (value.value === null) return { ok: true, value: null };
  // LittleHorse reads these with asStr: a number or BOOL becomes its text.
  const text = widen(value.value, 'STR');
  if (typeof text !== 'string') return varSubError(`${what} must be a STR; got ${describeRead(s, thread, source, value.value)}.`);
  if (nonBlank && text.trim() === '') return { ok: false, failure: { name: 'VAR_ERROR', message: `${what} is blank.` } };
  return { ok: true, value: text, masked: value.masked };
}

function varSubError(message: string): { ok: false; failure: Failure } {
  return { ok: false, failure: { name: 'VAR_SUB_ERROR', message } };
}
