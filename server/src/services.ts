import type { Command, IdSource, VersionedWfSpec } from '@gallop/engine';
import type { Logger } from './observability/logger.ts';
import type { Cluster } from './runtime/cluster.ts';
import type { EventBus } from './runtime/event-bus.ts';
import type { WfRunRows } from './runtime/wf-run-rows.ts';
import type { CommandOutcome } from './runtime/execute-command.ts';
import type { Metadata } from './runtime/metadata.ts';
import type { TaskDispatch } from './runtime/task-dispatch.ts';
import type { Db, Store } from './store/db.ts';
import type { Tenants } from './runtime/tenants.ts';
import type { Authenticator } from './auth/authenticator.ts';
import type { AuditWriter } from './auth/audit.ts';
import type { TaskWorkers } from './runtime/task-workers.ts';
import type { MetricWindows } from './runtime/metric-windows.ts';
import type { Limits } from './graphql/limits.ts';

/** The parts of a running server that resolvers use. */
export interface Services {
  readonly store: Store;
  readonly db: Db;
  readonly metadata: Metadata;
  readonly dispatch: TaskDispatch;
  readonly bus: EventBus;
  /** The rows wfRunsChanged subscriptions send, read once for all of them. */
  readonly wfRunRows: WfRunRows;
  readonly cluster: Cluster;
  readonly clock: () => number;
  readonly ids: IdSource;
  /** The server's one logger (pino, JSON lines); resolvers log through it or a child of it. */
  readonly log: Logger;
  /** Which tenants exist. */
  readonly tenants: Tenants;
  /** Who a request's credentials name. */
  readonly auth: Authenticator;
  /** Every mutation, written in batches. */
  readonly audit: AuditWriter;
  /** Which workers claim which TaskDefs, written in batches. */
  readonly taskWorkers: TaskWorkers;
  /** Counts per WfSpec and TaskDef by time window, written in batches. */
  readonly metricWindows: MetricWindows;
  /** What one request may cost; resolvers check the sizes of WfSpecs and values. */
  readonly limits: Limits;
  /**
   * Deletes a WfRun and everything it owns, in turn with the commands on it in this process, and drops its cached
   * state here and in the other server processes. Resolves whether it was there.
   */
  deleteWfRun(tenantId: string, wfRunId: string): Promise<boolean>;
  /** Some of a tenant's metadata was deleted: this process and the others forget what they keep of that tenant's. */
  metadataDeleted(tenantId: string): void;
  /** Something written outside a command (a ScheduledWfRun) comes due at `at`: schedulers here and elsewhere wake for it. */
  wake(at: number): void;
  /** Runs a command against a WfRun in one transaction; see runtime/execute-command.ts. */
  execute(tenantId: string, wfRunId: string, command: Command, wfSpec?: VersionedWfSpec): Promise<CommandOutcome>;
}
