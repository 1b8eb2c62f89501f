import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Logger } from '../observability/logger.ts';
import type { Housekeeping } from './housekeeping.ts';
import type { Db, Queryable } from '../store/db.ts';
import { taskWorkers } from '../store/schema.ts';

export type TaskWorkerRow = typeof taskWorkers.$inferSelect;

/** How long sightings gather in memory before they are written: a busy worker claims hundreds of times a second. */
const FLUSH_MS = 5_000;
/** Workers not seen for this long are forgotten. */
const FORGET_MS = 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;
const CHUNK = 1_000;

interface Sighting {
  readonly tenantId: string;
  readonly taskDefName: string;
  readonly workerId: string;
  readonly firstSeenAt: number;
  lastSeenAt: number;
}

/**
 * Which workers claim each TaskDef's TaskRuns (LittleHorse's TaskWorkerGroup; a claim stands for its heartbeat).
 * Claims are noted in memory and written every FLUSH_MS, one statement for all, so the table holds every process's
 * workers at most that late; rows of workers unseen for a day are deleted hourly (pruneWith). A batch that cannot be written is
 * logged and dropped: the next claims note the workers again.
 */
export class TaskWorkers {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #clock: () => number;
  #seen = new Map<string, Sighting>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(db: Db, log: Logger, clock: () => number = Date.now) {
    this.#db = db;
    this.#log = log;
    this.#clock = clock;
  }

  /** A worker claimed TaskRuns of a TaskDef (or waits to). */
  seen(tenantId: string, taskDefName: string, workerId: string): void {
    const now = this.#clock();
    const key = `${tenantId}\u0000${taskDefName}\u0000${workerId}`;
    const known = this.#seen.get(key);
    if (known) known.lastSeenAt = now;
    else this.#seen.set(key, { tenantId, taskDefName, workerId, firstSeenAt: now, lastSeenAt: now });
    if (!this.#timer) {
      this.#timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.#timer.unref?.();
    }
  }

  /** Writes the sightings gathered so far; resolves when they are written (or dropped). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = [...this.#seen.values()];
    this.#seen = new Map();
    if (batch.length === 0) return this.#flushing;
    const rows = batch.map((s) => ({ ...s, firstSeenAt: new Date(s.firstSeenAt), lastSeenAt: new Date(s.lastSeenAt) }));
    this.#flushing = this.#flushing.then(async () => {
      // Chunks keep each statement well under PostgreSQL's 65,535 parameters.
      for (let i = 0; i < rows.length; i += CHUNK) {
        const chunk = rows.slice(i, i + CHUNK);
        await this.#db
          .insert(taskWorkers)
          .values(chunk)
          .onConflictDoUpdate({
            target: [taskWorkers.tenantId, taskWorkers.taskDefName, taskWorkers.workerId],
            set: { lastSeenAt: sql`greatest(${taskWorkers.lastSeenAt}, excluded.last_seen_at)` },
          })
          .catch((error: unknown) =>
            this.#log.warn({ err: error, workers: chunk.length }, 'Could not record which workers claim TaskRuns; they are noted again at their next claims'),
          );
      }
    });
    return this.#flushing;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  /** Has `housekeeping` forget the workers unseen for a day, hourly. */
  pruneWith(housekeeping: Housekeeping): void {
    housekeeping.every('forget workers unseen for a day', PRUNE_EVERY_MS, PRUNE_EVERY_MS, () =>
      this.#db.delete(taskWorkers).where(lt(taskWorkers.lastSeenAt, new Date(this.#clock() - FORGET_MS))),
    );
  }
}

/** Forgets a TaskDef's workers: a TaskDef registered again under its name starts with none. */
export async function forgetTaskWorkers(db: Queryable, tenantId: string, taskDefName: string): Promise<void> {
  await db.delete(taskWorkers).where(and(eq(taskWorkers.tenantId, tenantId), eq(taskWorkers.taskDefName, taskDefName)));
}

/** A tenant's workers seen claiming since `since`, the latest first. */
export async function listTaskWorkers(db: Queryable, tenantId: string, since: Date): Promise<TaskWorkerRow[]> {
  return db
    .select()
    .from(taskWorkers)
    .where(and(eq(taskWorkers.tenantId, tenantId), gte(taskWorkers.lastSeenAt, since)))
    .orderBy(desc(taskWorkers.lastSeenAt), taskWorkers.workerId);
}
