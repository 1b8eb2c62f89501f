import type { Rejection } from '../errors.ts';
import { own } from '../spec/own.ts';
import type { Problem } from '../spec/problem.ts';
import type { UserTaskDef } from '../spec/types.ts';
import { aType, describeValue, isJsonObject, isValueOfType } from '../values/value.ts';
import type { JsonValue } from '../values/value.ts';
import type {
  AssignUserTaskRun,
  CancelUserTaskRun,
  CompleteUserTaskRun,
  DeleteUserTaskRunComment,
  EditUserTaskRunComment,
  PutUserTaskRunComment,
  SaveUserTaskRunProgress,
} from './commands.ts';
import { threadHoldingGuid } from './nodes/task.ts';
import { nodeRunOfGuid } from './task-guid.ts';
import { assignUserTask, cancelUserTask, isOpen, userTaskDefFor } from './nodes/user-task.ts';
import type { Session } from './session.ts';
import type { ThreadRunState, UserTaskRunState } from './state.ts';

/**
 * LittleHorse's AssignUserTaskRun: the task goes to the given user and group (one of them at least; the other is
 * cleared). A task a user holds changes hands only with `overrideClaim`.
 */
export function assignUserTaskRun(s: Session, command: AssignUserTaskRun): Rejection | undefined {
  const found = openUserTaskRun(s, command.userTaskGuid);
  if ('code' in found) return found;
  const userId = assignee(command.userId, 'userId');
  if (!userId.ok) return userId.rejection;
  const userGroup = assignee(command.userGroup, 'userGroup');
  if (!userGroup.ok) return userGroup.rejection;
  if (userId.value === null && userGroup.value === null) {
    return { code: 'INVALID_USER_TASK_ASSIGNMENT', message: `Assigning UserTaskRun ${command.userTaskGuid} needs a userId, a userGroup or both.` };
  }
  const { run, thread } = found;
  if (run.userId !== undefined && !command.overrideClaim) {
    return { code: 'USER_TASK_RUN_CLAIMED', message: `UserTaskRun ${run.userTaskGuid} is held by user '${run.userId}'; set overrideClaim to take it from them.` };
  }
  assignUserTask(s, thread, userId.value, userGroup.value, 'ASSIGN');
  return undefined;
}

/**
 * LittleHorse's CompleteUserTaskRun: checks the results against the UserTaskDef, hands the task to the user who did
 * it if someone else held it (its group kept, no ON_TASK_ASSIGNED actions), and completes the node with the results
 * over those last saved as progress as its JSON_OBJ output.
 */
export function completeUserTaskRun(s: Session, command: CompleteUserTaskRun): Rejection | undefined {
  const found = openUserTaskRun(s, command.userTaskGuid);
  if ('code' in found) return found;
  const { run, thread } = found;
  if (typeof command.userId !== 'string' || command.userId.trim() === '') {
    return { code: 'INVALID_USER_TASK_ASSIGNMENT', message: `Completing UserTaskRun ${run.userTaskGuid} needs the id of the user who did it.` };
  }
  const refused = resultsRefusal(s, run, command.results, false);
  if (refused) return refused;

  if (command.userId !== run.userId) assignUserTask(s, thread, command.userId, run.userGroup ?? null, 'COMPLETE');
  const position = thread.currentNodeRun?.position ?? 0;
  const { userId } = command;
  // A field saved as NULL was cleared: it is no result (a completion may not give NULL either).
  const saved = Object.fromEntries(Object.entries(run.savedResults ?? {}).filter(([, value]) => value !== null));
  const results = { ...saved, ...(command.results as Record<string, JsonValue>) };
  s.emit({ type: 'UserTaskRunCompleted', threadRunNumber: thread.number, position, userTaskGuid: run.userTaskGuid, userId, results });
  s.emit({ type: 'NodeRunCompleted', threadRunNumber: thread.number, position, output: results });
  return undefined;
}

/**
 * Cancels an open UserTaskRun; its node fails with onCancellationExceptionName or USER_TASK_CANCELLED. Refused when
 * that name cannot be evaluated (LittleHorse: INVALID_ARGUMENT).
 */
export function cancelUserTaskRun(s: Session, command: CancelUserTaskRun): Rejection | undefined {
  const found = openUserTaskRun(s, command.userTaskGuid);
  if ('code' in found) return found;
  return cancelUserTask(s, found.thread, 'CANCEL');
}

/**
 * LittleHorse's SaveUserTaskRunProgress: keeps the results so far (each given one a field of its type; required ones
 * may wait) on an open UserTaskRun. A task another user holds is refused unless the policy is IGNORE_CLAIM.
 */
export function saveUserTaskRunProgress(s: Session, command: SaveUserTaskRunProgress): Rejection | undefined {
  const found = openUserTaskRun(s, command.userTaskGuid);
  if ('code' in found) return found;
  const { run, thread } = found;
  if (typeof command.userId !== 'string' || command.userId.trim() === '') {
    return { code: 'INVALID_USER_TASK_ASSIGNMENT', message: `Saving UserTaskRun ${run.userTaskGuid} needs the id of the user who saves it.` };
  }
  if (run.userId !== undefined && run.userId !== command.userId && command.policy !== 'IGNORE_CLAIM') {
    return { code: 'USER_TASK_RUN_CLAIMED', message: `UserTaskRun ${run.userTaskGuid} is held by user '${run.userId}'; save with the IGNORE_CLAIM policy to save it anyway.` };
  }
  const refused = resultsRefusal(s, run, command.results, true);
  if (refused) return refused;
  const { userId, results } = command;
  s.emit({ type: 'UserTaskRunProgressSaved', threadRunNumber: thread.number, position: thread.currentNodeRun?.position ?? 0, userTaskGuid: run.userTaskGuid, userId, results });
  return undefined;
}

/** Why results (all of them, or `partial` ones) do not fit the UserTaskDef version the run was made with, if they do not. */
function resultsRefusal(s: Session, run: UserTaskRunState, results: unknown, partial: boolean): Rejection | undefined {
  const def = userTaskDefFor(s, run.userTaskDefName, run.userTaskDefVersion);
  if (!def) {
    return { code: 'UNKNOWN_USER_TASK_DEF', message: `Version ${run.userTaskDefVersion} of UserTaskDef '${run.userTaskDefName}' is not registered, so results cannot be checked.` };
  }
  const problems = checkUserTaskResults(def, results, { partial });
  return problems.length > 0 ? { code: 'INVALID_USER_TASK_RESULTS', message: problems.map((p) => p.message).join(' '), problems } : undefined;
}

/**
 * LittleHorse's PutUserTaskRunComment: the comment takes the next id. Open and ended UserTaskRuns take comments alike
 * (LittleHorse checks no status), as do their edits and deletes.
 */
export function putUserTaskRunComment(s: Session, command: PutUserTaskRunComment): Rejection | undefined {
  const found = commentableUserTaskRun(s, command.userTaskGuid);
  if ('code' in found) return found;
  const invalid = invalidComment(command.userId, command.comment);
  if (invalid) return invalid;
  const { userId, comment } = command;
  const userCommentId = (found.lastCommentId ?? 0) + 1;
  s.emit({ type: 'UserTaskRunCommented', ...placeOf(found), userCommentId, userId, comment });
  return undefined;
}

/** LittleHorse's EditUserTaskRunComment: new text for a comment that was made and not deleted. */
export function editUserTaskRunComment(s: Session, command: EditUserTaskRunComment): Rejection | undefined {
  const found = liveComment(s, command.userTaskGuid, command.userCommentId);
  if ('code' in found) return found;
  const invalid = invalidComment(command.userId, command.comment);
  if (invalid) return invalid;
  const { userCommentId, userId, comment } = command;
  s.emit({ type: 'UserTaskRunCommentEdited', ...placeOf(found), userCommentId, userId, comment });
  return undefined;
}

/** LittleHorse's DeleteUserTaskRunComment: the comment goes; the history keeps that it was made and by whom deleted. */
export function deleteUserTaskRunComment(s: Session, command: DeleteUserTaskRunComment): Rejection | undefined {
  const found = liveComment(s, command.userTaskGuid, command.userCommentId);
  if ('code' in found) return found;
  if (typeof command.userId !== 'string' || command.userId.trim() === '') {
    return { code: 'INVALID_USER_TASK_COMMENT', message: 'Deleting a comment needs the id of the user who deletes it.' };
  }
  const { userCommentId, userId } = command;
  s.emit({ type: 'UserTaskRunCommentDeleted', ...placeOf(found), userCommentId, userId });
  return undefined;
}

/** A UserTaskRun that takes comments: where its NodeRun is, and the ids of its comments. */
interface Commentable {
  readonly threadRunNumber: number;
  readonly position: number;
  readonly userTaskGuid: string;
  readonly lastCommentId?: number | undefined;
  readonly commentIds?: readonly number[] | undefined;
}

/** The UserTaskRun a comment names, open or ended, or why there is none. */
function commentableUserTaskRun(s: Session, guid: string): Commentable | Rejection {
  const found = openUserTaskRun(s, guid);
  if (!('code' in found)) {
    const { thread, run } = found;
    return { threadRunNumber: thread.number, position: thread.currentNodeRun?.position ?? 0, userTaskGuid: guid, lastCommentId: run.lastCommentId, commentIds: run.commentIds };
  }
  const ended = own(s.state.endedUserTaskRuns, guid);
  // Only the engine makes the guids it keeps, all `{thread}-{position}`.
  const at = nodeRunOfGuid(guid);
  if (!ended || !at) return found;
  return { ...at, userTaskGuid: guid, lastCommentId: ended.lastCommentId, commentIds: ended.commentIds };
}

function placeOf(c: Commentable): { threadRunNumber: number; position: number; userTaskGuid: string } {
  return { threadRunNumber: c.threadRunNumber, position: c.position, userTaskGuid: c.userTaskGuid };
}

/** The UserTaskRun, open or ended, with a comment of that id still there, or why not. */
function liveComment(s: Session, guid: string, id: number): Commentable | Rejection {
  const found = commentableUserTaskRun(s, guid);
  if ('code' in found) return found;
  if (found.commentIds?.includes(id)) return found;
  if (Number.isInteger(id) && id >= 1 && id <= (found.lastCommentId ?? 0)) {
    return { code: 'USER_TASK_COMMENT_DELETED', message: `Comment ${id} of UserTaskRun ${guid} was deleted.` };
  }
  return { code: 'UNKNOWN_USER_TASK_COMMENT', message: `UserTaskRun ${guid} has no comment ${id}.` };
}

function invalidComment(userId: unknown, comment: unknown): Rejection | undefined {
  if (typeof userId !== 'string' || userId.trim() === '') return { code: 'INVALID_USER_TASK_COMMENT', message: 'A comment needs the id of the user who writes it.' };
  if (typeof comment !== 'string' || comment.trim() === '') return { code: 'INVALID_USER_TASK_COMMENT', message: 'A comment needs some text.' };
  return undefined;
}

/**
 * Checks a completion's results against a UserTaskDef's fields, as LittleHorse does: every key a field, every value
 * of its field's type and not NULL (leave a field out instead), every required field given, unless `partial` (saved
 * progress, where NULL clears a field). Each problem's path is `['results', field]`.
 */
export function checkUserTaskResults(def: UserTaskDef, results: unknown, { partial = false }: { partial?: boolean } = {}): Problem[] {
  if (!isJsonObject(results)) return [{ path: ['results'], code: 'TYPE_MISMATCH', message: 'results must be an object keyed by field name.' }];
  const problems: Problem[] = [];
  const fields = new Map(def.fields.map((f) => [f.name, f]));
  for (const [name, value] of Object.entries(results)) {
    const field = fields.get(name);
    if (!field) {
      problems.push({ path: ['results', name], code: 'UNKNOWN_VARIABLE', message: `UserTaskDef '${def.name}' has no field '${name}'.` });
    } else if (!isValueOfType(value, field.type)) {
      problems.push({ path: ['results', name], code: 'TYPE_MISMATCH', message: `Field '${name}' takes ${aType(field.type)}; got ${describeValue(value)}.` });
    } else if (value === null && !partial && !(field.required ?? false)) {
      problems.push({ path: ['results', name], code: 'TYPE_MISMATCH', message: `Field '${name}' is NULL: leave it out of the results instead.` });
    }
  }
  for (const field of def.fields) {
    if (!partial && field.required && (!Object.hasOwn(results, field.name) || results[field.name] === null)) {
      problems.push({ path: ['results', field.name], code: 'MISSING_REQUIRED_VARIABLE', message: `Field '${field.name}' (${field.type}) is required.` });
    }
  }
  return problems;
}

/** The open UserTaskRun a command names, with its thread, or why there is none. */
function openUserTaskRun(s: Session, guid: string): { thread: ThreadRunState; run: UserTaskRunState } | Rejection {
  const thread = threadHoldingGuid(s, guid, (n) => n.userTaskRun?.userTaskGuid);
  const run = thread?.currentNodeRun?.userTaskRun;
  if (thread && isOpen(run)) return { thread, run };
  if (run) return ended(guid, run.status);
  // A guid is `{thread}-{position}`: a position the thread has passed names a NodeRun that has ended.
  const at = nodeRunOfGuid(guid);
  const named = at && s.state.threadRuns[at.threadRunNumber];
  if (named && at && at.position < named.nextPosition) return ended(guid, own(s.state.endedUserTaskRuns, guid)?.status);
  return { code: 'UNKNOWN_USER_TASK_RUN', message: `WfRun ${s.state.id} has no UserTaskRun ${guid}.` };
}

function ended(guid: string, status?: string): Rejection {
  return { code: 'USER_TASK_RUN_ENDED', message: `UserTaskRun ${guid} has already ended${status ? ` (${status})` : ''}; the command changes nothing.` };
}

/** A user id or group from a command: a non-blank STR, or null when not given. */
function assignee(value: unknown, field: string): { ok: true; value: string | null } | { ok: false; rejection: Rejection } {
  if (value === undefined || value === null) return { ok: true, value: null };
  if (typeof value === 'string' && value.trim() !== '') return { ok: true, value };
  const got = typeof value === 'string' ? 'a blank one' : 'something else';
  return { ok: false, rejection: { code: 'INVALID_USER_TASK_ASSIGNMENT', message: `${field} must be a non-blank STR; got ${got}.` } };
}
