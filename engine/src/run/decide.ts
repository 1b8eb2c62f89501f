import { own } from '../spec/own.ts';
import type { DecideContext } from '../context.ts';
import type { Rejection } from '../errors.ts';
import { advance, startThread } from './advance.ts';
import { haltThread, resumeThread } from './halting.ts';
import { triggerInterrupts } from './interrupts.ts';
import { planMigration } from './migrate.ts';
import { rescueChildWfRunWaiters, rescueThreadRun } from './rescue.ts';
import type { Command, UserTaskCommand } from './commands.ts';
import type { WfRunEvent } from './events.ts';
import { pinsOf } from './evolve.ts';
import { reportChildWfRunEnd } from './nodes/child-wf.ts';
import { timeOutExternalEvent } from './nodes/external-event.ts';
import { wakeFromSleep } from './nodes/sleep.ts';
import { fireTaskRetry, reportTaskAttempt } from './nodes/task.ts';
import { fireUserTaskAction } from './nodes/user-task.ts';
import { Session } from './session.ts';
import type { WfRunState } from './state.ts';
import { isTerminal } from './state.ts';
import {
  assignUserTaskRun,
  cancelUserTaskRun,
  completeUserTaskRun,
  deleteUserTaskRunComment,
  editUserTaskRunComment,
  putUserTaskRunComment,
  saveUserTaskRunProgress,
} from './user-tasks.ts';
import { checkRunVariables, initialValues } from './variables.ts';

/** The events a command produces, or why it does not apply. */
export type Decision =
  /** `state` is what folding `events` into the old state gives, already computed. */
  | { readonly ok: true; readonly events: readonly WfRunEvent[]; readonly state: WfRunState }
  | { readonly ok: false; readonly rejection: Rejection };

type Handler<K extends Command['type']> = (
  state: WfRunState | undefined,
  command: Extract<Command, { type: K }>,
  ctx: DecideContext,
) => Decision;

const handlers: { [K in Command['type']]: Handler<K> } = {
  RunWf(state, command, ctx) {
    if (state) return reject({ code: 'WF_RUN_ALREADY_EXISTS', message: `WfRun ${command.wfRunId} already exists.` });
    const { wfSpec } = ctx;
    const entrypoint = own(wfSpec.threadSpecs, wfSpec.entrypointThreadName);
    const defs = entrypoint?.variableDefs ?? [];
    // LittleHorse's ThreadRunModel.createVariablesAndStart, which starts a child, checks nothing: a required variable
    // given NULL is NULL (or its default) and a value of another type is kept, to fail wherever it is used.
    const problems = command.fromRunChildWf === true ? [] : checkRunVariables(defs, command.variables);
    if (problems.length > 0) {
      return reject({ code: 'INVALID_VARIABLES', message: problems.map((p) => p.message).join(' '), problems });
    }
    const s = new Session(undefined, ctx);
    s.emit({
      type: 'WfRunStarted',
      wfRunId: command.wfRunId,
      wfSpecId: { name: wfSpec.name, majorVersion: wfSpec.majorVersion, revision: wfSpec.revision },
      ...(command.parentWfRunId === undefined ? {} : { parentWfRunId: command.parentWfRunId }),
    });
    for (const event of command.externalEvents ?? []) {
      const { guid, externalEventDefName, content } = event;
      s.emit({ type: 'ExternalEventReceived', guid, externalEventDefName, content, ...pinsOf(event) });
    }
    startThread(s, wfSpec.entrypointThreadName, initialValues(defs, command.variables ?? {}));
    advance(s);
    return accept(s);
  },

  ReportTaskAttempt(state, command, ctx) {
    if (!state) return reject({ code: 'WF_RUN_NOT_FOUND', message: `No WfRun is waiting on TaskRun ${command.taskGuid}.` });
    const s = new Session(state, ctx);
    const rejection = reportTaskAttempt(s, command);
    if (rejection) return reject(rejection);
    // An ended WfRun records how the attempt it left running ended, and goes nowhere.
    if (!isTerminal(state.status)) advance(s);
    return accept(s);
  },

  PutExternalEvent(state, command, ctx) {
    if (!state) return reject({ code: 'WF_RUN_NOT_FOUND', message: `WfRun for ExternalEvent ${command.guid} does not exist yet.` });
    if (state.pendingExternalEvents?.some((e) => e.guid === command.guid)) {
      return reject({ code: 'DUPLICATE_EXTERNAL_EVENT', message: `ExternalEvent ${command.guid} has already arrived.` });
    }
    // Our choice where LittleHorse keeps it (its TODO LH-303 asks for this check): a ThreadRun number the WfRun has not
    // given out is a mistake, not an address; only a thread started later that happened to get it would take the event.
    if (command.threadRunNumber !== undefined && !state.threadRuns[command.threadRunNumber]) {
      return reject({ code: 'UNKNOWN_THREAD_RUN', message: `ExternalEvent ${command.guid} is pinned to ThreadRun ${command.threadRunNumber}, which WfRun ${state.id} does not have.` });
    }
    // Our choice where LittleHorse keeps it: an event pinned to a NodeRun that has ended could never be taken (and a
    // correlated event delivered twice to one NodeRun is refused so).
    const pinned = command.nodeRunPosition === undefined || command.threadRunNumber === undefined ? undefined : state.threadRuns[command.threadRunNumber];
    const current = pinned?.currentNodeRun;
    const position = command.nodeRunPosition ?? 0;
    if (pinned && (position < (current?.position ?? pinned.nextPosition) || (current?.position === position && isTerminal(current.status)))) {
      return reject({ code: 'PINNED_NODE_RUN_ENDED', message: `ExternalEvent ${command.guid} is pinned to NodeRun ${pinned.number}-${command.nodeRunPosition}, which has ended.` });
    }
    const s = new Session(state, ctx);
    s.emit({ type: 'ExternalEventReceived', guid: command.guid, externalEventDefName: command.externalEventDefName, content: command.content, ...pinsOf(command) });
    // An ended WfRun keeps the event (LittleHorse stores it) but nothing will take it.
    if (!isTerminal(state.status)) {
      triggerInterrupts(s, command);
      advance(s);
    }
    return accept(s);
  },

  StopWfRun(state, command, ctx) {
    const target = threadFor(state, command.threadRunNumber);
    if ('code' in target) return reject(target);
    const s = new Session(state, ctx);
    if ('ended' in target) return accept(s);
    // Stopping twice is no error: the second finds MANUAL already there and changes nothing.
    haltThread(s, target.number, 'MANUAL');
    advance(s);
    return accept(s);
  },

  ResumeWfRun(state, command, ctx) {
    const target = threadFor(state, command.threadRunNumber);
    if ('code' in target) return reject(target);
    const s = new Session(state, ctx);
    if ('ended' in target) return accept(s);
    resumeThread(s, target.number, 'MANUAL');
    advance(s);
    return accept(s);
  },

  RescueThreadRun(state, command, ctx) {
    if (!state) return reject({ code: 'WF_RUN_NOT_FOUND', message: 'The WfRun does not exist.' });
    if (state.status === 'COMPLETED') return reject({ code: 'NOT_RESCUABLE', message: `WfRun ${state.id} has completed.` });
    const s = new Session(state, ctx);
    const rejection = rescueThreadRun(s, command);
    if (rejection) return reject(rejection);
    advance(s);
    return accept(s);
  },

  MigrateWfRun(state, command, ctx) {
    if (!state) return reject({ code: 'WF_RUN_NOT_FOUND', message: 'The WfRun does not exist.' });
    const plan = planMigration(state, ctx.wfSpec, command.wfSpec);
    if (!plan.ok) return reject({ code: 'MIGRATION_REFUSED', message: plan.message, problems: plan.problems });
    const from = ctx.wfSpec;
    const to = command.wfSpec;
    const s = new Session(state, ctx);
    s.emit({
      type: 'WfRunMigrated',
      fromWfSpecId: { name: from.name, majorVersion: from.majorVersion, revision: from.revision },
      toWfSpecId: { name: to.name, majorVersion: to.majorVersion, revision: to.revision },
    });
    for (const { threadRunNumber, name, value } of plan.newVariables) s.emit({ type: 'VariableAssigned', threadRunNumber, name, value });
    if (isTerminal(s.state.status)) return accept(s);
    // From here on the WfRun runs on the new revision: a node it waits on may, say, check a new condition.
    const moved = new Session(s.state, { ...ctx, wfSpec: to });
    advance(moved);
    return { ok: true, events: [...s.events, ...moved.events], state: moved.state };
  },

  ChildWfRunEnded(state, command, ctx) {
    if (!state) return reject({ code: 'WF_RUN_NOT_FOUND', message: `The parent WfRun of child WfRun ${command.childWfRunId} does not exist.` });
    const s = new Session(state, ctx);
    const rejection = reportChildWfRunEnd(s, command);
    if (rejection) return reject(rejection);
    // An ended WfRun keeps the news (a rescue may need it) but nothing waits for it.
    if (!isTerminal(state.status)) advance(s);
    return accept(s);
  },

  ChildWfRunRescued(state, command, ctx) {
    if (!state) return reject({ code: 'WF_RUN_NOT_FOUND', message: `The parent WfRun of child WfRun ${command.childWfRunId} does not exist.` });
    const s = new Session(state, ctx);
    const rejection = rescueChildWfRunWaiters(s, command);
    if (rejection) return reject(rejection);
    // As RescueThreadRun: a rescued thread runs even if the WfRun stays failed for another reason.
    advance(s);
    return accept(s);
  },

  FireTimer(state, command, ctx) {
    if (!state) return reject({ code: 'WF_RUN_NOT_FOUND', message: `No WfRun set timer ${command.timerId}.` });
    if (isTerminal(state.status)) return reject({ code: 'STALE_TIMER', message: `WfRun ${state.id} has already ended (${state.status}).` });
    const s = new Session(state, ctx);
    const fire = {
      SLEEP: wakeFromSleep,
      TASK_RETRY: fireTaskRetry,
      EXTERNAL_EVENT_TIMEOUT: timeOutExternalEvent,
      USER_TASK_ACTION: fireUserTaskAction,
    }[command.purpose.type];
    const rejection = fire(s, command);
    if (rejection) return reject(rejection);
    advance(s);
    return accept(s);
  },

  AssignUserTaskRun: userTaskCommand(assignUserTaskRun),
  CompleteUserTaskRun: userTaskCommand(completeUserTaskRun),
  CancelUserTaskRun: userTaskCommand(cancelUserTaskRun),
  SaveUserTaskRunProgress: userTaskCommand(saveUserTaskRunProgress),
  PutUserTaskRunComment: userTaskCommand(putUserTaskRunComment),
  EditUserTaskRunComment: userTaskCommand(editUserTaskRunComment),
  DeleteUserTaskRunComment: userTaskCommand(deleteUserTaskRunComment),
};

/** A user task command: the WfRun must exist (it may have ended); the command names its UserTaskRun and says the rest. */
function userTaskCommand<C extends UserTaskCommand>(
  apply: (s: Session, command: C) => Rejection | undefined,
): (state: WfRunState | undefined, command: C, ctx: DecideContext) => Decision {
  return (state, command, ctx) => {
    if (!state) return reject({ code: 'WF_RUN_NOT_FOUND', message: `No WfRun has UserTaskRun ${command.userTaskGuid}.` });
    const s = new Session(state, ctx);
    const rejection = apply(s, command);
    if (rejection) return reject(rejection);
    // A comment on a UserTaskRun of an ended WfRun is kept; nothing moves.
    if (!isTerminal(state.status)) advance(s);
    return accept(s);
  };
}

/**
 * Decides what happens when `command` meets the WfRun in `state` (undefined before it starts). Pure: time and ids
 * come from `ctx`. Advances the WfRun through every step that needs no outside input, so the events run up to
 * the next wait. A command that does not apply yields a rejection, never an exception.
 */
export function decide(state: WfRunState | undefined, command: Command, ctx: DecideContext): Decision {
  const handler = handlers[command.type] as Handler<Command['type']>;
  return handler(state, command, ctx);
}

/**
 * The ThreadRun a stop or resume names, or why there is none. One that has ended (or whose WfRun has) is `ended`: as
 * in LittleHorse, stopping or resuming it is no error and changes nothing, so a script may stop runs that just ended.
 */
function threadFor(state: WfRunState | undefined, number = 0): { number: number } | { ended: true } | Rejection {
  if (!state) return { code: 'WF_RUN_NOT_FOUND', message: 'The WfRun does not exist.' };
  const thread = state.threadRuns[number];
  if (!thread) return { code: 'UNKNOWN_THREAD_RUN', message: `WfRun ${state.id} has no ThreadRun ${number}.` };
  if (isTerminal(state.status) || isTerminal(thread.status)) return { ended: true };
  return { number };
}

function accept(s: Session): Decision {
  return { ok: true, events: s.events, state: s.state };
}

function reject(rejection: Rejection): Decision {
  return { ok: false, rejection };
}
