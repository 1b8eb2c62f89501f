import type { JsonValue, TaskDef } from '@gallop/engine';
import type { BatchedTaskRunReport, GallopClient, TaskRunReportInput } from '../client/client.ts';
import { isGallopClientError } from '../client/errors.ts';
import type { AnyTypedTask } from '../task.ts';
import type { ScheduledTask, TaskOutcome } from '../client/types.ts';
import { TaskContext } from './task-context.ts';
import { isTaskException } from './task-exception.ts';

/** The most reports one request carries (the server's limit). */
const MAX_REPORTS = 100;
/** How long after its lease a report is still worth sending (the server may not have timed the attempt out yet). */
const REPORT_GRACE_MS = 30_000;
/** Reports wait at most this long between tries, so that they land soon after a restarted server is back. */
const MAX_REPORT_BACKOFF_MS = 1_000;
/** How long a report the server failed to apply waits before it is sent again. */
const RETRY_INTERNAL_MS = 500;

/** The function a worker runs: the input values by name in, the output out (or a throw). */
export type TaskFunction = (input: Readonly<Record<string, JsonValue>>, ctx: TaskContext) => JsonValue | void | Promise<JsonValue | void>;

interface CommonOptions {
  readonly client: GallopClient;
  /** How many attempts run at once; claims ask for the free slots only. Default 4. */
  readonly concurrency?: number;
  /** Names this worker on TaskRun attempts. Default: a random id. */
  readonly workerId?: string;
  /** How long one claim waits on the server for work. Default 20 s. */
  readonly pollWaitMs?: number;
  /** How long the server holds a claimed attempt for this worker. Default 60 s. */
  readonly leaseMs?: number;
  /** Called with errors the worker recovers from (lost connection, refused report). Default: one line on console.error. */
  readonly onError?: (error: unknown) => void;
}

/**
 * What a TaskWorker runs: a typed task from defineTask (its TaskDef registered at start when missing), or a TaskDef
 * name and a function (with the TaskDef to register, if the worker should).
 */
export type TaskWorkerOptions = CommonOptions &
  (
    | { readonly task: AnyTypedTask; readonly taskDefName?: never; readonly fn?: never; readonly taskDef?: never }
    | { readonly taskDefName: string; readonly fn: TaskFunction; readonly taskDef?: TaskDef; readonly task?: never }
  );

/**
 * Claims TaskRuns of one TaskDef with long-polling claims, runs the function with bounded concurrency and reports
 * each outcome: a return is SUCCESS, a TaskException an EXCEPTION, any other throw an ERROR. A finished attempt
 * frees its slot at once; its report rides on the next claim (one request per TaskRun, and the TaskRun the report
 * schedules can come back in the same answer), or goes on its own when a claim is already on its way. After each
 * claim the worker lets one turn of the event loop pass before the next, so that attempts which finish at once ride
 * along. `stop()` stops claiming and resolves once every running attempt has been reported.
 */
export class TaskWorker {
  readonly workerId: string;
  readonly taskDefName: string;
  readonly #options: Required<Omit<CommonOptions, 'workerId'>> & { readonly fn: TaskFunction; readonly taskDef: TaskDef | undefined };
  readonly #running = new Set<Promise<void>>();
  #loop: Promise<void> | undefined;
  #abort: AbortController | undefined;
  #wakeLoop: (() => void) | undefined;
  /** Reports not sent yet, oldest first. */
  #reports: PendingReport[] = [];
  /** How many of the first waiting reports go one to a request: a request of them was too large for the server. */
  #alone = 0;
  #sending: Promise<void> | undefined;
  /** Set while the claim loop lets the attempts it just started finish, to take their reports along. */
  #gathering = false;
  /** Reports waiting out the pause before they are sent again. */
  readonly #retries = new Set<Promise<void>>();
  /** The contexts of the attempts running now. */
  readonly #contexts = new Set<TaskContext>();
  /** The attempts stop() gave up on: they end unreported, whenever they end. */
  readonly #abandoned = new WeakSet<TaskContext>();
  #started: Promise<void> | undefined;

  constructor(options: TaskWorkerOptions) {
    this.workerId = options.workerId ?? `worker-${Math.random().toString(36).slice(2, 10)}`;
    this.taskDefName = options.task ? options.task.name : options.taskDefName;
    this.#options = {
      concurrency: 4,
      pollWaitMs: 20_000,
      leaseMs: 60_000,
      onError: (error) => console.error(`TaskWorker ${this.workerId} (${this.taskDefName}): ${describeError(error)}`),
      ...options,
      fn: (options.task ? options.task.fn : options.fn) as TaskFunction,
      taskDef: options.task ? options.task.def : options.taskDef,
    };
    // The server's limits on a claim: a worker outside them would only ever be refused.
    const { concurrency, pollWaitMs, leaseMs } = this.#options;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 100) throw new RangeError(`concurrency must be an integer from 1 to 100; got ${concurrency}.`);
    if (!(pollWaitMs >= 0 && pollWaitMs <= 60_000)) throw new RangeError(`pollWaitMs must be from 0 to 60000; got ${pollWaitMs}.`);
    if (!(leaseMs >= 1_000 && leaseMs <= 86_400_000)) throw new RangeError(`leaseMs must be from 1000 to 86400000 (a day); got ${leaseMs}.`);
  }

  get inFlight(): number {
    return this.#running.size;
  }

  /**
   * Starts claiming. Resolves once the worker claims: at once, or, when it has a TaskDef to register, once the
   * server has it (registered by this call when missing; a server that is down is waited for). Rejects when the
   * server refuses the TaskDef, say because one of the same name with other inputs is registered.
   */
  start(): Promise<void> {
    if (!this.#started) {
      this.#abort = new AbortController();
      const signal = this.#abort.signal;
      this.#started = this.#registerTaskDef(signal);
      // A refusal reaches onError too, so a start() nobody awaits still says why the worker does nothing.
      this.#loop = this.#started.then(
        () => this.#claimLoop(signal),
        (error: unknown) => this.#options.onError(error),
      );
    }
    return this.#started;
  }

  /**
   * Stops claiming, lets running attempts finish and report, then resolves. With `timeoutMs`, attempts still
   * running after it have `ctx.signal` aborted and are left unreported: when their leases expire they time out, as
   * if the worker had died, and the node's retries (if it has any) give them to another worker. Nothing is reported
   * twice.
   */
  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#abort?.abort();
    this.#wakeLoop?.();
    this.#wakeLoop = undefined;
    await this.#loop;
    const running = Promise.allSettled([...this.#running]);
    if (options.timeoutMs === undefined) await running;
    else {
      const patience = new AbortController();
      const finished = await Promise.race([running.then(() => true), sleep(options.timeoutMs, patience.signal).then(() => false)]);
      patience.abort();
      if (!finished) {
        for (const ctx of this.#contexts) {
          this.#abandoned.add(ctx);
          ctx.abandon(new Error(`TaskWorker ${this.workerId} stopped before this attempt finished.`));
        }
      }
    }
    this.#flushReports();
    while (this.#sending || this.#retries.size > 0) await Promise.allSettled([this.#sending, ...this.#retries]);
    this.#loop = undefined;
    this.#started = undefined;
  }

  /** Registers the worker's TaskDef (putTaskDef changes nothing when it is there); waits out a server that is down. */
  async #registerTaskDef(signal: AbortSignal): Promise<void> {
    const def = this.#options.taskDef;
    if (!def) {
      this.#checkTaskDef();
      return;
    }
    let backoff = 100;
    while (!signal.aborted) {
      try {
        await this.#options.client.putTaskDef(def);
        return;
      } catch (error) {
        // A typed refusal is final; an unreachable server or its own error (GRAPHQL_ERROR) may pass.
        if (isGallopClientError(error) && !['NETWORK_ERROR', 'TIMEOUT', 'HTTP_ERROR', 'GRAPHQL_ERROR'].includes(error.code)) {
          throw new Error(`TaskWorker ${this.workerId} cannot register TaskDef '${def.name}': ${error.message}`, { cause: error });
        }
        this.#options.onError(error);
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  }

  /**
   * Without a TaskDef to register, says (through onError, once) when none of its name exists: its claims would wait
   * for ever without a word. It still claims, so a TaskDef registered later (a deploy after the workers) is served.
   */
  #checkTaskDef(): void {
    const name = this.taskDefName;
    this.#options.client.taskDef(name).then(
      (found) => {
        if (!found) {
          this.#options.onError(
            new Error(`TaskWorker ${this.workerId}: no TaskDef named '${name}' is registered, so it claims nothing until one is. Register it (putTaskDef, gallop deploy), or give the worker its taskDef.`),
          );
        }
      },
      // A server that cannot be reached now: the claim loop says so.
      () => {},
    );
  }

  async #claimLoop(signal: AbortSignal): Promise<void> {
    const { client, concurrency, pollWaitMs, leaseMs } = this.#options;
    const taskDefName = this.taskDefName;
    let backoff = 100;
    while (!signal.aborted) {
      const free = concurrency - this.#running.size;
      if (free === 0) {
        await new Promise<void>((resolve) => (this.#wakeLoop = resolve));
        continue;
      }
      const now = Date.now();
      const reports = this.#takeReports().filter((r) => r.keepUntil > now);
      let tasks: ScheduledTask[];
      try {
        const answer = await client.reportAndClaimTaskRuns(
          reports.map((r) => r.input),
          { taskDefName, workerId: this.workerId, max: free, waitMs: pollWaitMs, leaseMs },
          signal,
        );
        this.#reportsAnswered(reports, answer.reports);
        tasks = answer.taskRuns;
        backoff = 100;
      } catch (error) {
        // Whether the server applied them is unknown: send them again, on their own (a repeat changes nothing).
        this.#putBack(reports, error);
        if (signal.aborted) return;
        this.#flushReports();
        this.#options.onError(error);
        // The server may be restarting: back off, up to 5 s between tries.
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, 5_000);
        continue;
      }
      // Reports that came in while the claim was on its way went on their own.
      for (const task of tasks) {
        const run = this.#run(task).finally(() => {
          this.#running.delete(run);
          this.#wakeLoop?.();
          this.#wakeLoop = undefined;
        });
        this.#running.add(run);
      }
      // Attempts that finish at once (most do little but wait on I/O) report with the next claim rather than on
      // their own: one request, and the TaskRuns their reports schedule can come back in its answer.
      if (tasks.length > 0) {
        this.#gathering = true;
        await nextTurn();
        this.#gathering = false;
      }
    }
  }

  async #run(task: ScheduledTask): Promise<void> {
    const ctx = new TaskContext(task, this.#options.client);
    this.#contexts.add(ctx);
    let outcome: TaskOutcome;
    try {
      const output = await this.#options.fn(task.input, ctx);
      outcome = { status: 'SUCCESS', output: output ?? null };
    } catch (error) {
      outcome = isTaskException(error)
        ? { status: 'EXCEPTION', name: error.exceptionName, message: error.message, content: error.content ?? null }
        : { status: 'ERROR', message: thrownMessage(error) };
    } finally {
      this.#contexts.delete(ctx);
    }
    // stop() gave up on it: the lease expiring hands it to another worker; a report now could race that retry.
    if (this.#abandoned.has(ctx)) return;
    const logOutput = ctx.logOutput();
    this.#reports.push({
      input: { taskRunId: task.taskRunId, attempt: task.attempt, outcome, workerId: this.workerId, ...(logOutput === undefined ? {} : { logOutput }) },
      keepUntil: Date.parse(task.leaseExpiresAt) + REPORT_GRACE_MS,
      late: Date.now() > ctx.leaseExpiresAt.getTime(),
    });
    // The claim loop takes it with its next claim when it waits for this slot to free; otherwise (a claim is on its
    // way, it backs off after an error, or claiming stopped) the report goes on its own at once.
    if (!this.#wakeLoop && !this.#gathering) this.#flushReports();
  }

  /**
   * Sends the waiting reports on their own; reports that finish while a batch is on its way go in the next. Never
   * leaves `#sending` set once the sender is done, or a report behind it would wait for a claim to carry it.
   */
  #flushReports(): void {
    if (this.#sending || this.#reports.length === 0) return;
    this.#sending = this.#sendReports().finally(() => {
      this.#sending = undefined;
      // A report that finished as the last batch came back.
      this.#flushReports();
    });
  }

  /**
   * Sends waiting reports until none is left. A failed batch goes back with whatever finished meanwhile and is tried
   * again soon (the server may be restarting): a report is dropped only once its attempt's lease is long over, when
   * the server has timed the attempt out anyway.
   */
  async #sendReports(): Promise<void> {
    let backoff = 100;
    while (this.#reports.length > 0) {
      const batch = this.#takeReports();
      try {
        this.#reportsAnswered(batch, await this.#options.client.reportTaskRuns(batch.map((r) => r.input)));
        backoff = 100;
      } catch (error) {
        this.#options.onError(error);
        const now = Date.now();
        this.#putBack(batch.filter((r) => r.keepUntil > now), error);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_REPORT_BACKOFF_MS);
      }
    }
  }

  /** The next reports to send in one request: up to MAX_REPORTS, or one while reports go one at a time. */
  #takeReports(): PendingReport[] {
    if (this.#alone === 0) return this.#reports.splice(0, MAX_REPORTS);
    this.#alone--;
    return this.#reports.splice(0, 1);
  }

  /**
   * Puts the reports of a failed request back, first in line. A request the server refused for its size (its
   * BODY_LIMIT, before reading it: nothing was applied) is sent again one report at a time; a report too large on its
   * own becomes a failed attempt that says why: sent as it was, it would be refused until its lease ran out, and the
   * attempt would end as a TIMEOUT that hides the cause.
   */
  #putBack(reports: readonly PendingReport[], error: unknown): void {
    if (!tooLarge(error)) {
      this.#reports.unshift(...reports);
      return;
    }
    if (reports.length > 1) {
      this.#reports.unshift(...reports);
      this.#alone = Math.max(this.#alone, reports.length);
      return;
    }
    this.#reports.unshift(...reports.map(failedForSize));
  }

  /**
   * Logs refused reports. One the server failed to apply (its own error, say a lost database connection) is sent
   * again after a pause, so that a server in trouble is not asked again at once; `stop()` waits for these too.
   */
  #reportsAnswered(batch: readonly PendingReport[], answers: readonly BatchedTaskRunReport[]): void {
    const again: PendingReport[] = [];
    answers.forEach((answer, i) => {
      if (!answer.error) {
        // Finished after its lease: the server timed the attempt out first. Said, not dropped. (A repeat of a report
        // already applied, or one for a WfRun that moved on, is refused as quietly as before.)
        if (!answer.accepted && batch[i]?.late) {
          this.#options.onError(
            new Error(
              `The result of TaskRun ${answer.taskRunId} attempt ${batch[i]?.input.attempt ?? '?'} finished after its lease ran out and was not applied: ${answer.reason ?? 'the server had moved on.'} An attempt that runs past its lease is timed out first: raise leaseMs, or call ctx.extendLease while it works.`,
            ),
          );
        }
        return;
      }
      this.#options.onError(new Error(`The report of TaskRun ${answer.taskRunId} was refused (${answer.error}): ${answer.reason}`));
      const report = batch[i];
      if (answer.error === 'InternalError' && report && report.keepUntil > Date.now()) again.push(report);
    });
    if (again.length === 0) return;
    const retry = sleep(RETRY_INTERNAL_MS).then(() => {
      this.#reports.push(...again);
      this.#flushReports();
    });
    this.#retries.add(retry);
    void retry.finally(() => this.#retries.delete(retry));
  }
}

interface PendingReport {
  readonly input: TaskRunReportInput;
  /** Epoch ms after which the report is dropped if it still cannot be sent. */
  readonly keepUntil: number;
  /** The attempt finished after its lease ran out. */
  readonly late: boolean;
}

/** The server refused the request for its size (GALLOP_LIMIT_BODY_BYTES), before reading it: nothing was applied. */
function tooLarge(error: unknown): boolean {
  return isGallopClientError(error) && error.code === 'BODY_LIMIT';
}

/** A report too large for one request, as a failed attempt that says so (the output and the log left out). */
function failedForSize(report: PendingReport): PendingReport {
  const bytes = new TextEncoder().encode(JSON.stringify(report.input)).length;
  const message = `The report of this attempt, ${bytes} bytes of JSON, is larger than the server takes in one request (its BODY_LIMIT); return less, or raise GALLOP_LIMIT_BODY_BYTES.`;
  const { logOutput: _dropped, ...input } = report.input;
  return { ...report, input: { ...input, outcome: { status: 'ERROR', message } } };
}

/** One line for the log: the message, and its cause's (the reason a server could not be reached, say). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let cause: unknown = error.cause;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  return cause instanceof Error && cause.message !== error.message ? `${error.message} (${cause.message})` : error.message;
}

/** Node's setImmediate; browsers have none (and the SDK's types do not assume Node's). */
const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;

/** After the I/O already waiting: the next turn of the event loop. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => (immediate ? immediate(() => resolve()) : setTimeout(resolve, 0)));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** What a task function threw, as text: an Error's message, a string as it is, anything else as JSON where it has one. */
function thrownMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    const json = JSON.stringify(error);
    if (json !== undefined) return `${json} was thrown`;
  } catch {
    // A cycle or a BigInt: its String() below.
  }
  return `${String(error)} was thrown`;
}
