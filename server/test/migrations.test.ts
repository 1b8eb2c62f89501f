import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { isolatedStore } from './harness.ts';

// A database made by an older Gallop, with data in it, migrated by this one: nothing is lost on the way.
const migrations = fileURLToPath(new URL('../drizzle', import.meta.url));
const store = await isolatedStore(inject('databaseUrl'));
const cleanups: (() => Promise<unknown>)[] = [() => store.drop()];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The migrations folder as it was before `tag`: the same files, the journal cut there. */
async function migrationsBefore(tag: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gallop-migrations-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cp(migrations, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((entry) => entry.tag === tag);
  if (at < 0) throw new Error(`No migration ${tag}`);
  await writeFile(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
  return dir;
}

/**
 * A drizzle database on the test's own data, migrated by `migrate(folder)`. On PostgreSQL the file's tests share
 * one database unless given another (`fresh`); on PGlite each has its own.
 */
async function open(fresh = false): Promise<{ run(query: ReturnType<typeof sql>): Promise<Record<string, unknown>[]>; migrate(folder: string): Promise<void> }> {
  let databaseUrl = store.databaseUrl;
  if (databaseUrl && fresh) {
    const own = await isolatedStore(inject('databaseUrl'));
    cleanups.push(() => own.drop());
    databaseUrl = own.databaseUrl;
  }
  if (databaseUrl) {
    const client = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    cleanups.push(() => client.end({ timeout: 5 }));
    const db = drizzlePostgres(client);
    return { run: async (query) => [...(await db.execute(query))] as Record<string, unknown>[], migrate: (folder) => migratePostgres(db, { migrationsFolder: folder }) };
  }
  const client = await PGlite.create('memory://');
  cleanups.push(() => client.close());
  const db = drizzlePglite(client);
  return { run: async (query) => (await db.execute(query)).rows as Record<string, unknown>[], migrate: (folder) => migratePglite(db, { migrationsFolder: folder }) };
}

describe('migrations', () => {
  it('0014 keeps every event stored an event a row, numbered as before, and a stale write still collides', async () => {
    const db = await open();
    await db.migrate(await migrationsBefore('0014_event_batches'));
    const old = [
      { seq: 1, type: 'WfRunStarted', time: 1_796_533_200_123 },
      { seq: 2, type: 'NodeRunStarted', time: 1_796_533_200_124 },
      { seq: 3, type: 'TaskRunScheduled', time: 1_796_533_200_125 },
    ];
    for (const { seq, type, time } of old) {
      const event = JSON.stringify({ type, time, threadRunNumber: 0 });
      await db.run(sql`insert into wf_run_events (tenant_id, wf_run_id, seq, type, time, event)
        values ('default', 'old-run', ${seq}, ${type}, ${new Date(time).toISOString()}::timestamptz, ${event}::jsonb)`);
    }

    await db.migrate(migrations);
    const rows = await db.run(sql`select seq, type, (extract(epoch from time) * 1000)::float8 as ms, event from wf_run_events
      where wf_run_id = 'old-run' order by seq`);
    expect(rows.map((r) => ({ seq: r.seq, type: r.type, time: Number(r.ms) }))).toEqual(old);
    expect(rows.map((r) => r.event)).toEqual(old.map(({ type, time }) => ({ type, time, threadRunNumber: 0 })));
    // A command decided on the state after seq 2 writes at 3, where an old event already is: it must fail.
    const stale = await db.run(sql`insert into wf_run_event_batches values ('default', 'old-run', 3, '[]'::jsonb)`).catch((error: unknown) => error);
    expect(String((stale as { cause?: unknown }).cause ?? stale)).toMatch(/duplicate key|unique/);
    // The next command writes after the last one, and the view numbers its events on from there.
    const next = JSON.stringify([{ type: 'TaskAttemptSucceeded', time: 1_796_533_200_200 }, { type: 'NodeRunCompleted', time: 1_796_533_200_201 }]);
    await db.run(sql`insert into wf_run_event_batches values ('default', 'old-run', 4, ${next}::jsonb)`);
    const after = await db.run(sql`select seq, type from wf_run_events where wf_run_id = 'old-run' and seq > 3 order by seq`);
    expect(after).toEqual([
      { seq: 4, type: 'TaskAttemptSucceeded' },
      { seq: 5, type: 'NodeRunCompleted' },
    ]);
  });

  it('0015 leaves room in each page of wf_runs, so that a command rewriting its WfRun updates the row in place', async () => {
    const db = await open();
    await db.migrate(migrations);
    // Rows of about a kilobyte, as a WfRun's with its state: seven fill a page of 8 kB, five fill 70% of one.
    const state = JSON.stringify({ padding: 'x'.repeat(900) });
    await db.run(sql`insert into wf_runs (tenant_id, id, wf_spec_name, major_version, revision, status, start_time, state, seq, updated_at)
      select 'default', 'room-' || n, 'room', 0, 0, 'RUNNING', now(), ${state}::jsonb, 1, now() from generate_series(1, 50) n`);
    // One row of each page rewritten, in one transaction (whose own counts PostgreSQL reports at once): each new
    // version fits beside the old one (a HOT update), where a full page would send it to another page.
    const [counted] = await db.run(sql`with moved as (update wf_runs set seq = 2, status = 'COMPLETED' where ctid in
        (select min(ctid) from wf_runs where wf_spec_name = 'room' group by (ctid::text::point)[0]) returning 1)
      select (select count(*) from moved)::int as updated, pg_stat_get_xact_tuples_hot_updated('wf_runs'::regclass)::int as hot`);
    expect(counted?.updated).toBeGreaterThan(5);
    expect(counted?.hot).toBe(counted?.updated);
  });

  it('0017 marks the variables stored before it searchable as the version their WfRun runs declares them', async () => {
    const db = await open(true);
    await db.migrate(await migrationsBefore('0017_searchable_variables'));
    const spec = (searchable: boolean) =>
      JSON.stringify({
        name: 'shop',
        entrypointThreadName: 'entrypoint',
        threadSpecs: { entrypoint: { variableDefs: [{ name: 'customer', type: 'STR', searchable }, { name: 'note', type: 'STR' }], nodes: {} } },
      });
    // Shapes an older server let through: a flag that is a string, and no list of variables at all.
    const odd = JSON.stringify({ name: 'odd', entrypointThreadName: 'entrypoint', threadSpecs: { entrypoint: { variableDefs: [{ name: 'customer', type: 'STR', searchable: 'true' }], nodes: {} } } });
    const none = JSON.stringify({ name: 'none', entrypointThreadName: 'entrypoint', threadSpecs: { entrypoint: { variableDefs: null, nodes: {} } } });
    await db.run(sql`insert into wf_specs (tenant_id, name, major_version, revision, spec) values
      ('default', 'shop', 0, 0, ${spec(false)}::jsonb), ('default', 'shop', 0, 1, ${spec(true)}::jsonb),
      ('default', 'odd', 0, 0, ${odd}::jsonb), ('default', 'none', 0, 0, ${none}::jsonb)`);
    for (const name of ['odd', 'none']) {
      await db.run(sql`insert into wf_runs (tenant_id, id, wf_spec_name, major_version, revision, status, start_time, state, seq, updated_at)
        values ('default', ${`on-${name}`}, ${name}, 0, 0, 'RUNNING', now(), '{}'::jsonb, 1, now())`);
      await db.run(sql`insert into variables (tenant_id, wf_run_id, thread_run_number, name, value) values ('default', ${`on-${name}`}, 0, 'customer', '"ada"'::jsonb)`);
    }
    for (const [id, revision] of [['on-0', 0], ['on-1', 1]] as const) {
      await db.run(sql`insert into wf_runs (tenant_id, id, wf_spec_name, major_version, revision, status, start_time, state, seq, updated_at)
        values ('default', ${id}, 'shop', 0, ${revision}, 'RUNNING', now(), '{}'::jsonb, 1, now())`);
      await db.run(sql`insert into variables (tenant_id, wf_run_id, thread_run_number, name, value) values
        ('default', ${id}, 0, 'customer', '"ada"'::jsonb), ('default', ${id}, 0, 'note', '"hi"'::jsonb), ('default', ${id}, 1, 'customer', '"ada"'::jsonb)`);
    }
    await db.migrate(migrations);
    const rows = await db.run(sql`select wf_run_id, thread_run_number, name from variables where searchable order by wf_run_id`);
    expect(rows).toEqual([{ wf_run_id: 'on-1', thread_run_number: 0, name: 'customer' }]);
  });

  it("0028 marks the variables of other threads searchable as their thread's spec declares them", async () => {
    const db = await open(true);
    await db.migrate(await migrationsBefore('0028_searchable_thread_variables'));
    const spec = JSON.stringify({
      name: 'ship',
      entrypointThreadName: 'entrypoint',
      threadSpecs: {
        entrypoint: { variableDefs: [{ name: 'customer', type: 'STR', searchable: true }], nodes: {} },
        pack: { variableDefs: [{ name: 'INPUT', type: 'STR', searchable: true }, { name: 'box', type: 'STR', searchable: true }, { name: 'note', type: 'STR' }], nodes: {} },
        other: { variableDefs: [{ name: 'label', type: 'STR' }], nodes: {} },
      },
    });
    // Shapes an older server let through: no list of variables, a flag that is a string, no threads at all.
    const odd = JSON.stringify({ name: 'odd', entrypointThreadName: 'entrypoint', threadSpecs: { pack: { variableDefs: null }, other: { variableDefs: [{ name: 'box', searchable: 'true' }] } } });
    const none = JSON.stringify({ name: 'none', entrypointThreadName: 'entrypoint', threadSpecs: null });
    await db.run(sql`insert into wf_specs (tenant_id, name, major_version, revision, spec) values
      ('default', 'ship', 0, 0, ${spec}::jsonb), ('default', 'odd', 0, 0, ${odd}::jsonb), ('default', 'none', 0, 0, ${none}::jsonb)`);
    for (const name of ['odd', 'none']) {
      await db.run(sql`insert into wf_runs (tenant_id, id, wf_spec_name, major_version, revision, status, start_time, state, seq, updated_at)
        values ('default', ${name}, ${name}, 0, 0, 'RUNNING', now(), '{}'::jsonb, 1, now())`);
      await db.run(sql`insert into thread_runs (tenant_id, wf_run_id, number, thread_spec_name, kind, status, start_time) values
        ('default', ${name}, 1, 'pack', 'CHILD', 'RUNNING', now()), ('default', ${name}, 2, 'other', 'CHILD', 'RUNNING', now())`);
      await db.run(sql`insert into variables (tenant_id, wf_run_id, thread_run_number, name, value) values
        ('default', ${name}, 1, 'box', '"b"'::jsonb), ('default', ${name}, 2, 'box', '"b"'::jsonb)`);
    }
    await db.run(sql`insert into wf_runs (tenant_id, id, wf_spec_name, major_version, revision, status, start_time, state, seq, updated_at)
      values ('default', 'r', 'ship', 0, 0, 'RUNNING', now(), '{}'::jsonb, 1, now())`);
    await db.run(sql`insert into thread_runs (tenant_id, wf_run_id, number, thread_spec_name, kind, status, start_time) values
      ('default', 'r', 0, 'entrypoint', 'ENTRYPOINT', 'RUNNING', now()), ('default', 'r', 1, 'pack', 'CHILD', 'COMPLETED', now()),
      ('default', 'r', 2, 'other', 'CHILD', 'RUNNING', now())`);
    await db.run(sql`insert into variables (tenant_id, wf_run_id, thread_run_number, name, value, searchable) values
      ('default', 'r', 0, 'customer', '"ada"'::jsonb, true), ('default', 'r', 1, 'INPUT', '"x"'::jsonb, false),
      ('default', 'r', 1, 'box', '"b1"'::jsonb, false), ('default', 'r', 1, 'note', '"n"'::jsonb, false),
      ('default', 'r', 2, 'label', '"l"'::jsonb, false), ('default', 'r', 2, 'box', '"not its own"'::jsonb, false)`);
    await db.migrate(migrations);
    const rows = await db.run(sql`select wf_run_id, thread_run_number, name from variables where searchable order by wf_run_id, thread_run_number, name`);
    expect(rows).toEqual([
      { wf_run_id: 'r', thread_run_number: 0, name: 'customer' },
      { wf_run_id: 'r', thread_run_number: 1, name: 'box' },
    ]);
  });

  it('takes the indexes docs/scaling.md has an operator build beforehand, the same as it builds them itself', async () => {
    const doc = await readFile(fileURLToPath(new URL('../../docs/scaling.md', import.meta.url)), 'utf8');
    const section = doc.slice(doc.indexOf('## Upgrading a large database'));
    const statements = /```sql\n([\s\S]*?)```/.exec(section)?.[1]?.trim().split('\n') ?? [];
    const names = statements.map((statement) => /IF NOT EXISTS "(\w+)"/.exec(statement)?.[1]);
    expect(names).toEqual(['node_runs_by_arrival', 'task_runs_by_def', 'task_runs_by_status']);
    const definitions = (db: Awaited<ReturnType<typeof open>>) =>
      db.run(sql`select indexname, indexdef from pg_indexes where indexname in ${names} order by indexname`);

    const built = await open(true);
    await built.migrate(migrations);
    const prepared = await open(true);
    await prepared.migrate(await migrationsBefore('0026_node_run_search'));
    // PGlite has no second session for a concurrent build to wait for; the statement is otherwise the same.
    for (const statement of statements) await prepared.run(sql.raw(store.databaseUrl ? statement : statement.replace(' CONCURRENTLY', '')));
    await prepared.migrate(migrations);
    expect(await definitions(prepared)).toEqual(await definitions(built));
    expect(await definitions(built)).toHaveLength(3);
  });
});
