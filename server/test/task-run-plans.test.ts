import { PGlite } from '@electric-sql/pglite';
import type { TaskStatus } from '@gallop/engine';
import { sql } from 'drizzle-orm';
import type { Logger as DrizzleLogger } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Db } from '../src/store/db.ts';
import { taskLoads, taskQueueDepths } from '../src/store/queries/task-queue.ts';
import { countTaskRuns, searchTaskRuns } from '../src/store/queries/wf-runs.ts';
import * as schema from '../src/store/schema.ts';
import { isolatedStore } from './harness.ts';
import type { IsolatedStore } from './harness.ts';

// The TaskRun searches and counts on a table of many finished TaskRuns: each must reach the rows it wants through an
// index, never by reading the table, and must go on doing so once its prepared statement's plan is a generic one.
const migrationsFolder = new URL('../drizzle', import.meta.url).pathname;
const ROWS = 40_000;

describe('TaskRun searches on a large table', () => {
  let store: IsolatedStore;
  let db: Db;
  /** Runs statements on the same connection as `db`. */
  let exec: (text: string) => Promise<Record<string, unknown>[]>;
  let close: () => Promise<void>;
  const logged: { query: string; params: unknown[] }[] = [];
  const logger: DrizzleLogger = { logQuery: (query, params) => void logged.push({ query, params }) };

  beforeAll(async () => {
    store = await isolatedStore(inject('databaseUrl'));
    if (store.databaseUrl) {
      const connection = postgres(store.databaseUrl, { max: 1, onnotice: () => {} });
      await migratePostgres(drizzlePostgres(connection), { migrationsFolder });
      db = drizzlePostgres(connection, { schema, logger }) as unknown as Db;
      exec = (text) => connection.unsafe(text);
      close = () => connection.end({ timeout: 5 });
    } else {
      const pglite = await PGlite.create('memory://');
      await migratePglite(drizzlePglite(pglite), { migrationsFolder });
      db = drizzlePglite(pglite, { schema, logger }) as unknown as Db;
      exec = async (text) => (await pglite.exec(text)).at(-1)?.rows ?? [];
      close = () => pglite.close();
    }
    // One TaskDef's history: mostly successes, one in 50 queued, one in 2,000 failed, a few running.
    await db.execute(sql.raw(`
      insert into task_runs (tenant_id, wf_run_id, task_guid, task_def_name, status, attempt, input, scheduled_at)
      select 'default', 'w' || g, 't', 'busy',
        case when g % 2000 = 7 then 'TASK_FAILED' when g % 2000 = 9 then 'TASK_PENDING' when g > ${ROWS} - 2 then 'TASK_RUNNING'
             when g % 50 = 1 then 'TASK_SCHEDULED' else 'TASK_SUCCESS' end,
        1, '[]'::jsonb, timestamptz '2026-01-01' + (g || ' ms')::interval
      from generate_series(1, ${ROWS}) g`));
    await exec('analyze task_runs');
  });
  afterAll(async () => {
    await close?.();
    await store?.drop();
  });

  /** The plan PostgreSQL makes for what `read` sent, for any values of its parameters (a generic plan). */
  async function genericPlanOf(read: () => Promise<unknown>): Promise<{ scans: string[]; result: unknown }> {
    logged.length = 0;
    const result = await read();
    const [{ query, params } = { query: '', params: [] }] = logged;
    const text = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value));
    const literal = (value: unknown) => (typeof value === 'number' ? String(value) : `'${text(value).replaceAll("'", "''")}'`);
    await exec(`deallocate all; set plan_cache_mode = force_generic_plan; prepare planned as ${query}`);
    try {
      const [row] = await exec(`explain (format json) execute planned${params.length > 0 ? `(${params.map(literal).join(', ')})` : ''}`);
      const scans: string[] = [];
      // A bitmap scan names its index on a child node without the table's name.
      const walk = (node: Record<string, unknown>) => {
        const index = node['Index Name'] as string | undefined;
        if (node['Relation Name'] === 'task_runs' || index?.startsWith('task_runs')) scans.push(`${String(node['Node Type'])}${index ? ` ${index}` : ''}`);
        for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
      };
      walk((row?.['QUERY PLAN'] as { Plan: Record<string, unknown> }[])[0]!.Plan);
      return { scans, result };
    } finally {
      await exec('deallocate planned; reset plan_cache_mode');
    }
  }

  const noTableScan = (scans: string[]) => {
    expect(scans.length).toBeGreaterThan(0);
    for (const scan of scans) expect(scan).not.toMatch(/^Seq Scan/);
  };

  it('pages through failed and retrying TaskRuns through their own index', async () => {
    for (const status of ['TASK_FAILED', 'TASK_PENDING'] as const) {
      const { scans, result } = await genericPlanOf(() => searchTaskRuns(db, 'default', { taskDefName: 'busy', status }, undefined, 5));
      expect(scans.join()).toMatch(/task_runs_by_status/);
      const rows = result as { status: string; scheduledAt: Date }[];
      expect(rows.map((r) => r.status)).toEqual(Array(5).fill(status));
      expect(rows.map((r) => r.scheduledAt.getTime())).toEqual(rows.map((r) => r.scheduledAt.getTime()).sort((a, b) => b - a));
    }
  });

  it('pages through scheduled, running and successful TaskRuns without reading the table', async () => {
    for (const status of ['TASK_SCHEDULED', 'TASK_RUNNING', 'TASK_SUCCESS'] as const) {
      const { scans, result } = await genericPlanOf(() => searchTaskRuns(db, 'default', { taskDefName: 'busy', status }, undefined, 2));
      noTableScan(scans);
      expect((result as { status: string }[]).map((r) => r.status)).toEqual([status, status]);
    }
  });

  it('counts TaskRuns in a status other than success without reading the table', async () => {
    const expected = [['TASK_FAILED', ROWS / 2000], ['TASK_PENDING', ROWS / 2000], ['TASK_RUNNING', 2], ['TASK_SCHEDULED', ROWS / 50]] as const;
    for (const [status, count] of expected) {
      const { scans, result } = await genericPlanOf(() => countTaskRuns(db, 'default', 'busy', status));
      noTableScan(scans);
      expect(result).toBe(count);
    }
  });

  it('reads the queues of every TaskDef without reading the finished TaskRuns', async () => {
    const loads = await genericPlanOf(() => taskLoads(db, 'default'));
    noTableScan(loads.scans);
    expect(loads.result).toEqual(new Map([['busy', { scheduled: ROWS / 50, running: 2 }]]));
    const depths = await genericPlanOf(() => taskQueueDepths(db));
    noTableScan(depths.scans);
  });

  it('refuses a status that is not a TaskStatus, which it writes into the statement', async () => {
    const status = "x' or 'a' = 'a" as TaskStatus;
    await expect(searchTaskRuns(db, 'default', { taskDefName: 'busy', status }, undefined, 5)).rejects.toThrow(/Not a TaskStatus/);
  });
});
