import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autovacuum } from '../src/store/pglite-autovacuum.ts';

// PGlite's autovacuum setting is on, but it runs no background workers: the server does the work in its place.
describe('autovacuum for PGlite', () => {
  let pglite: PGlite;
  beforeAll(async () => {
    pglite = await PGlite.create('memory://');
    await pglite.exec('create table "odd ""name""" (id int primary key, v int); create table quiet (id int primary key)');
  });
  afterAll(() => pglite.close());

  const stats = async () =>
    (await pglite.query<{ dead: number; analyzed: boolean; reltuples: number }>(
      `select n_dead_tup::int as dead, last_analyze is not null as analyzed, c.reltuples::int as reltuples
       from pg_stat_user_tables s join pg_class c on c.oid = s.relid where s.relname = 'odd "name"'`,
    )).rows[0];

  it('analyzes a table once enough of it changed, and vacuums it once enough of it is dead', async () => {
    await pglite.exec('insert into "odd ""name""" select g, 0 from generate_series(1, 2000) g');
    // Nothing acts on the setting by itself.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await stats()).toEqual({ dead: 0, analyzed: false, reltuples: -1 });

    expect(await autovacuum(pglite)).toEqual({ vacuumed: [], analyzed: ['odd "name"'] });
    expect(await stats()).toEqual({ dead: 0, analyzed: true, reltuples: 2000 });
    expect(await autovacuum(pglite)).toEqual({ vacuumed: [], analyzed: [] });

    // A few changes are below the thresholds (50 + 10 % changed, 50 + 20 % dead).
    await pglite.exec('update "odd ""name""" set v = 1 where id <= 100');
    expect(await autovacuum(pglite)).toEqual({ vacuumed: [], analyzed: [] });
    await pglite.exec('update "odd ""name""" set v = 2 where id <= 500');
    expect(await autovacuum(pglite)).toEqual({ vacuumed: ['odd "name"'], analyzed: ['odd "name"'] });
    expect((await stats())?.dead).toBe(0);
  });
});
