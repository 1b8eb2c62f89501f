import type { Problem } from './spec/problem.ts';

export type RejectionCode =
  /** RunWf for an id that already has a WfRun. */
  | 'WF_RUN_ALREADY_EXISTS'
  /** A command for a WfRun that does not exist. */
  | 'WF_RUN_NOT_FOUND'
  /** RunWf's variables do not fit the WfSpec's declarations. */
  | 'INVALID_VARIABLES'
  /** A report for a TaskRun this WfRun is not waiting on. */
  | 'UNKNOWN_TASK_RUN'
  /** A report for an attempt that already ended or is not the current one: late or duplicate. */
  | 'STALE_TASK_ATTEMPT'
  /** A timer whose purpose has passed (the WfRun moved on or ended); firing it changes nothing. */
  | 'STALE_TIMER'
  /** An ExternalEvent with that guid is already waiting in the WfRun. */
  | 'DUPLICATE_EXTERNAL_EVENT'
  /** The WfRun has ended: it can be neither stopped nor resumed. */
  | 'WF_RUN_ENDED'
  /** The WfRun has no ThreadRun of that number. */
  | 'UNKNOWN_THREAD_RUN'
  /** Only a ThreadRun that failed with an ERROR can be rescued. */
  | 'NOT_RESCUABLE'
  /** The WfRun cannot move to that WfSpec revision; `problems` say where it would not fit. */
  | 'MIGRATION_REFUSED'
  /** News of a child WfRun that this WfRun never started. */
  | 'UNKNOWN_CHILD_WF_RUN'
  /** News of a child WfRun the WfRun already has (delivery is at least once), or an end after it COMPLETED. */
  | 'DUPLICATE_CHILD_WF_RUN_REPORT'
  /** The WfRun has no UserTaskRun of that guid. */
  | 'UNKNOWN_USER_TASK_RUN'
  /** The UserTaskRun is DONE or CANCELLED (our choice where LittleHorse accepts a late completion silently); comments are still taken. */
  | 'USER_TASK_RUN_ENDED'
  /** The UserTaskRun is held by a user, and the assignment does not override the claim. */
  | 'USER_TASK_RUN_CLAIMED'
  /**
   * An assignment without a user or a group, a blank one, or a completion without the user who did it; also a
   * deadline's REASSIGN whose user and group evaluate to nobody when its timer fires (LittleHorse refuses it so).
   */
  | 'INVALID_USER_TASK_ASSIGNMENT'
  /** A completion's results do not fit the UserTaskDef's fields; `problems` names each. */
  | 'INVALID_USER_TASK_RESULTS'
  /** The UserTaskDef version the UserTaskRun was made from is not in the catalog, so its results cannot be checked. */
  | 'UNKNOWN_USER_TASK_DEF'
  /** A comment without its author or text, or one that is blank. */
  | 'INVALID_USER_TASK_COMMENT'
  /** The UserTaskRun has no comment of that id. */
  | 'UNKNOWN_USER_TASK_COMMENT'
  /** The comment was deleted: it can be neither edited nor deleted again. */
  | 'USER_TASK_COMMENT_DELETED'
  /**
   * A USER_TASK's onCancellationExceptionName cannot be evaluated (or is no STR), so the task cannot be cancelled
   * (LittleHorse: INVALID_ARGUMENT "Must specify a valid on cancel exception name").
   */
  | 'INVALID_CANCELLATION_EXCEPTION'
  /** An ExternalEvent pinned to a NodeRun that has ended: nothing could ever take it. */
  | 'PINNED_NODE_RUN_ENDED';

/** Why a command does not apply to a WfRun. A value, never thrown. */
export interface Rejection {
  readonly code: RejectionCode;
  readonly message: string;
  readonly problems?: readonly Problem[] | undefined;
}

/** A broken engine invariant: a bug, never an expected outcome. */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}
