import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueDepth } from '../store/queries/task-queue.ts';
import type { Logger } from './logger.ts';
import { withTimeout } from './with-timeout.ts';

/** How a command ended; `conflict-retried` counts each lost race on the event log, before the command's end. */
export type CommandResult = 'accepted' | 'rejected' | 'conflict-retried' | 'failed';

export interface MetricsOptions {
  /** Reads the task queues; called on each scrape, never on the hot path. */
  readonly queueDepths: () => Promise<readonly QueueDepth[]>;
  /** How many subscriptions follow WfRuns in this process. */
  readonly followers: () => number;
  readonly log: Logger;
}

/** A scrape must answer even when the database does not: the queue gauge is then left out. */
const QUEUE_DEPTH_TIMEOUT_MS = 2_000;

/**
 * The server's Prometheus metrics, in a registry of its own (so two apps in one process, as in tests, never share
 * counters), with Node's default process metrics. The runtime records through the methods below, which cost a
 * counter increment and one histogram observation per command and no I/O: queue depths are read from the database
 * only when scraped.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #commands: Counter<'command' | 'outcome'>;
  readonly #eventsAppended: Counter;
  readonly #commandSeconds: Histogram<'command'>;
  readonly #claimSeconds: Histogram<'result'>;
  readonly #handedOff: Counter;
  readonly #writeBatch: Histogram;

  constructor(options: MetricsOptions) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#commands = new Counter({
      name: 'gallop_commands_total',
      help: 'Commands run against WfRuns, by command type and outcome (accepted, rejected, conflict-retried, failed).',
      labelNames: ['command', 'outcome'],
      registers,
    });
    this.#eventsAppended = new Counter({ name: 'gallop_events_appended_total', help: 'WfRun events appended to the event log.', registers });
    this.#commandSeconds = new Histogram({
      name: 'gallop_command_duration_seconds',
      help: 'Time to run a command, from loading the WfRun to its commit, retries included.',
      labelNames: ['command'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.#claimSeconds = new Histogram({
      name: 'gallop_claim_latency_seconds',
      help: 'Time from a claim request to its answer, long-poll wait included; result is claimed or empty.',
      labelNames: ['result'],
      // Up to MAX_WAIT_MS (60 s): an empty answer usually waited the whole waitMs a worker asked for.
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.#handedOff = new Counter({
      name: 'gallop_task_runs_handed_off_total',
      help: 'TaskRuns given to a waiting claim in the write that scheduled them, without a claim statement.',
      registers,
    });
    this.#writeBatch = new Histogram({
      name: 'gallop_write_batch_commands',
      help: 'Commands carried by one write statement (group commit): above 1 when commands queue behind busy writes.',
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers,
    });
    const followers: Gauge = new Gauge({
      name: 'gallop_subscriptions_following',
      help: 'What follows WfRuns in this process: wfRunEvents and wfRunsChanged subscriptions, and awaitWorkflowEvent calls waiting.',
      registers,
      collect() {
        followers.set(options.followers());
      },
    });
    const queueDepth: Gauge<'tenant' | 'task_def'> = new Gauge({
      name: 'gallop_task_queue_depth',
      help: 'TaskRuns waiting for a worker (TASK_SCHEDULED), per TaskDef; read from the database at scrape time.',
      labelNames: ['tenant', 'task_def'],
      registers,
      async collect() {
        queueDepth.reset();
        try {
          const depths = await withTimeout(options.queueDepths(), QUEUE_DEPTH_TIMEOUT_MS, `The queue depth query took over ${QUEUE_DEPTH_TIMEOUT_MS} ms`);
          for (const { tenantId, taskDefName, depth } of depths) queueDepth.set({ tenant: tenantId, task_def: taskDefName }, depth);
        } catch (error) {
          options.log.warn({ err: error }, 'Could not read the task queue depths for /metrics');
        }
      },
    });
  }

  /** A command lost a race on the event log and is decided again on fresh state. */
  commandConflict(command: string): void {
    this.#commands.inc({ command, outcome: 'conflict-retried' });
  }

  /** A command ended: accepted (its events committed), rejected by the engine, or failed with an error. */
  commandDone(command: string, outcome: Exclude<CommandResult, 'conflict-retried'>, seconds: number, eventsAppended: number): void {
    this.#commands.inc({ command, outcome });
    this.#commandSeconds.observe({ command }, seconds);
    if (eventsAppended > 0) this.#eventsAppended.inc(eventsAppended);
  }

  /** A claim was answered with `claimed` TaskRuns after `seconds`. */
  claimAnswered(seconds: number, claimed: number): void {
    this.#claimSeconds.observe({ result: claimed > 0 ? 'claimed' : 'empty' }, seconds);
  }

  /** A waiting claim got `count` TaskRuns straight from the write that scheduled them. */
  claimHandedOff(count: number): void {
    this.#handedOff.inc(count);
  }

  /** One write statement carried `commands` commands. */
  writeBatch(commands: number): void {
    this.#writeBatch.observe(commands);
  }

  /** The Prometheus text exposition of every metric, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
