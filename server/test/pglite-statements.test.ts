import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparedStatements } from '../src/store/pglite-statements.ts';

// The embedded database's statement runner: what `query` answers, answered from statements parsed once.
describe('PGlite prepared statements', () => {
  let pglite: PGlite;
  beforeAll(async () => {
    pglite = await PGlite.create('memory://');
    await pglite.exec('create table t (id int primary key, name text not null, doc jsonb, at timestamptz)');
  });
  afterAll(() => pglite.close());

  it('answers as query does, and parses each text once', async () => {
    const run = preparedStatements(pglite);
    const insert = 'insert into t (id, name, doc, at) values ($1, $2, $3::text::jsonb, $4) returning id, name, doc, at';
    for (let id = 1; id <= 8; id++) await run(insert, [id, `n${id}`, JSON.stringify({ id, list: [id] }), new Date(Date.UTC(2026, 0, id)).toISOString()]);
    await run(insert, [9, 'nine', null, null]);
    const text = 'select id, name, doc, at, $1::int + 1 as next from t where id >= $2 order by id';
    const rows = await run<Record<string, unknown>>(text, [41, 8]);
    expect(rows).toEqual((await pglite.query(text, [41, 8])).rows);
    expect(rows).toEqual([
      { id: 8, name: 'n8', doc: { id: 8, list: [8] }, at: new Date(Date.UTC(2026, 0, 8)), next: 42 },
      { id: 9, name: 'nine', doc: null, at: null, next: 42 },
    ]);
    const prepared = await pglite.query<{ statement: string; runs: number }>(
      "select statement, generic_plans + custom_plans as runs from pg_prepared_statements where statement like 'insert into t (id, name, doc%' or statement like 'select id, name, doc%' order by name",
    );
    expect(prepared.rows.map((r) => [r.statement.slice(0, 11), r.runs])).toEqual([
      ['insert into', 9],
      ['select id, ', 1],
    ]);
  });

  it('gives PostgreSQL errors with their codes, and runs the same text again after one', async () => {
    const run = preparedStatements(pglite);
    const insert = 'insert into t (id, name) values ($1, $2)';
    await run(insert, [100, 'a']);
    await expect(run(insert, [100, 'b'])).rejects.toMatchObject({ code: '23505' });
    await run(insert, [101, 'c']);
    // Failing on its first run: the name it was parsed under is free again, and the next text parses.
    await expect(run('select 1 / $1::int as x', [0])).rejects.toMatchObject({ code: '22012' });
    expect(await run('select 1 / $1::int as x', [1])).toEqual([{ x: 1 }]);
    await expect(run('select from nowhere', [])).rejects.toMatchObject({ code: '42P01' });
    expect(await run('select name from t where id = $1', [101])).toEqual([{ name: 'c' }]);
  });

  it('waits for an open transaction instead of running inside it', async () => {
    const run = preparedStatements(pglite);
    let counted: Promise<unknown> | undefined;
    await expect(
      pglite.transaction(async (tx) => {
        await tx.query("insert into t (id, name) values (200, 'rolled back')");
        counted = run('select count(*)::int as n from t where id = $1', [200]);
        // Gives the run every chance to slip in before the rollback.
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await counted).toEqual([{ n: 0 }]);
  });

  it('parses a kept text again when the table under it changed', async () => {
    const run = preparedStatements(pglite);
    await pglite.exec("create table u (id int primary key); insert into u values (1)");
    expect(await run('select * from u', [])).toEqual([{ id: 1 }]);
    // PostgreSQL will not run the kept plan with another result type (0A000): parsed again, it answers.
    await pglite.exec("alter table u add column label text default 'x'");
    expect(await run('select * from u', [])).toEqual([{ id: 1, label: 'x' }]);
    expect(await run('select * from u', [])).toEqual([{ id: 1, label: 'x' }]);
  });

  it('says PGlite is closed to a call made after close', async () => {
    const own = await PGlite.create('memory://');
    const run = preparedStatements(own);
    expect(await run('select $1::int as x', [1])).toEqual([{ x: 1 }]);
    await own.close();
    await expect(run('select $1::int as x', [1])).rejects.toThrow(/PGlite is clos/);
  });

  it('runs texts past its limit unprepared', async () => {
    const run = preparedStatements(pglite, 2);
    for (let i = 0; i < 5; i++) expect(await run(`select $1::int + ${i} as x`, [10])).toEqual([{ x: 10 + i }]);
    const { rows } = await pglite.query<{ n: number }>("select count(*)::int as n from pg_prepared_statements where statement like 'select $1::int + %'");
    expect(rows).toEqual([{ n: 2 }]);
  });
});
