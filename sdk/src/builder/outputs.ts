import type { ExponentialBackoff, TaskNode, VariableType } from '@gallop/engine';
import type { WorkflowThread } from './thread.ts';
import { NodeOutput, toAssignment } from './variable.ts';
import type { WfRunVariable } from './variable.ts';

/** The output of a TASK node, with the node's retry settings. */
export class TaskNodeOutput<T extends VariableType | undefined = undefined> extends NodeOutput<T> {
  /** Retries errors and timeouts up to `retries` more times (never business exceptions). */
  withRetries(retries: number): this {
    this.thread.configureTask(this.nodeName, { retries });
    return this;
  }

  /** Waits before each retry: `baseIntervalMs`, then `multiplier` times longer each time, at most `maxDelayMs`. */
  withExponentialBackoff(backoff: ExponentialBackoff): this {
    this.thread.configureTask(this.nodeName, { exponentialBackoff: backoff });
    return this;
  }

  /**
   * Gives a worker `seconds` from claiming an attempt to reporting it; then the attempt times out. Without it, an
   * attempt has the lease its worker asked for (TaskWorker's leaseMs, 60 s by default).
   */
  timeout(seconds: number): this {
    this.thread.configureTask(this.nodeName, { timeoutSeconds: seconds });
    return this;
  }
}

/** The output of a USER_TASK node: a JSON_OBJ of the results, by field. */
export class UserTaskOutput extends NodeOutput<'JSON_OBJ'> {
  /** Shows `notes` (a STR or a STR variable) to whoever does the task. */
  withNotes(notes: string | WfRunVariable<'STR'>): this {
    this.thread.configureUserTask(this.nodeName, (node) => ({ ...node, notes: toAssignment(notes) }));
    return this;
  }

  /**
   * A cancelled task fails the node with this business EXCEPTION instead of the ERROR USER_TASK_CANCELLED. Given a
   * STR variable, the name is what it holds when the task is cancelled (NULL or blank: USER_TASK_CANCELLED); a cancel
   * is refused while it cannot be read.
   */
  withOnCancellationException(exceptionName: string | WfRunVariable<'STR'>): this {
    const name = typeof exceptionName === 'string' ? exceptionName : toAssignment(exceptionName);
    this.thread.configureUserTask(this.nodeName, (node) => ({ ...node, onCancellationExceptionName: name }));
    return this;
  }
}

/** A TaskRun a user task action runs (scheduleReminderTask): its timeout and retries, as a TASK node's. */
export class ReminderTask {
  /** @internal */
  constructor(private readonly configure: (settings: Pick<TaskNode, 'retries' | 'exponentialBackoff' | 'timeoutSeconds'>) => void) {}

  /** Retries errors and timeouts up to `retries` more times (never business exceptions). */
  withRetries(retries: number): this {
    this.configure({ retries });
    return this;
  }

  /** Waits before each retry: `baseIntervalMs`, then `multiplier` times longer each time, at most `maxDelayMs`. */
  withExponentialBackoff(backoff: ExponentialBackoff): this {
    this.configure({ exponentialBackoff: backoff });
    return this;
  }

  /** Gives a worker `seconds` from claiming an attempt to reporting it; then the attempt times out. */
  timeout(seconds: number): this {
    this.configure({ timeoutSeconds: seconds });
    return this;
  }
}

/** The output of WAIT_FOR_THREADS, with handlers for each waited-for child that fails. */
export class WaitForThreadsOutput extends NodeOutput {
  /**
   * Runs `handler` as a child of each waited-for thread that fails with the EXCEPTION `name` (or any EXCEPTION); when
   * it completes, that child counts as handled and the wait goes on.
   */
  handleExceptionOnChild(handler: (thread: WorkflowThread) => void, name?: string): this {
    this.thread.handleChildFailure(this, handler, name === undefined ? { anyFailureOfType: 'FAILURE_TYPE_EXCEPTION' } : { specificFailure: name }, name ?? 'FAILURE_TYPE_EXCEPTION', 'handleExceptionOnChild');
    return this;
  }

  /** Runs `handler` for each waited-for thread that fails with the ERROR `name` (or any ERROR). */
  handleErrorOnChild(handler: (thread: WorkflowThread) => void, name?: string): this {
    this.thread.handleChildFailure(this, handler, name === undefined ? { anyFailureOfType: 'FAILURE_TYPE_ERROR' } : { specificFailure: name }, name ?? 'FAILURE_TYPE_ERROR', 'handleErrorOnChild');
    return this;
  }

  /** Runs `handler` for each waited-for thread that fails in any way. */
  handleAnyFailureOnChild(handler: (thread: WorkflowThread) => void): this {
    this.thread.handleChildFailure(this, handler, {}, 'any-failure', 'handleAnyFailureOnChild');
    return this;
  }
}
