import type { PGlite } from '@electric-sql/pglite';

/** What one round of `autovacuum` did, table by table. */
export interface AutovacuumRound {
  readonly vacuumed: readonly string[];
  readonly analyzed: readonly string[];
}

// PostgreSQL's own defaults (autovacuum_vacuum_threshold, _scale_factor, autovacuum_analyze_threshold, _scale_factor).
const VACUUM_BASE = 50;
const VACUUM_SCALE = 0.2;
const ANALYZE_BASE = 50;
const ANALYZE_SCALE = 0.1;

/**
 * PostgreSQL's autovacuum, for PGlite, which runs no background workers: its autovacuum setting is on and nothing
 * ever acts on it. Without it no table is ever analyzed, so cached plans (the server's statements are prepared) are
 * never made again as tables grow from empty, and dead rows are never reclaimed. Each call vacuums and analyzes the
 * tables past PostgreSQL's default thresholds, from the counts PostgreSQL keeps; none past them costs one query.
 */
export async function autovacuum(pglite: PGlite): Promise<AutovacuumRound> {
  // Counts reach the views at most once a second, when the backend is idle: the latest, now.
  await pglite.query('select pg_stat_force_next_flush()');
  const { rows } = await pglite.query<{ schema: string; table: string; live: number; dead: number; modified: number }>(
    `select schemaname as schema, relname as "table", n_live_tup::float8 as live, n_dead_tup::float8 as dead, n_mod_since_analyze::float8 as modified
     from pg_stat_user_tables`,
  );
  const vacuumed: string[] = [];
  const analyzed: string[] = [];
  for (const { schema, table, live, dead, modified } of rows) {
    const vacuum = dead > VACUUM_BASE + VACUUM_SCALE * live;
    const analyze = modified > ANALYZE_BASE + ANALYZE_SCALE * live;
    if (!vacuum && !analyze) continue;
    const name = `${quote(schema)}.${quote(table)}`;
    // Each statement runs alone: VACUUM cannot run inside a transaction, and one table at a time keeps the wait
    // of the statements queued behind it short.
    await pglite.exec(vacuum ? `vacuum${analyze ? ' (analyze)' : ''} ${name}` : `analyze ${name}`);
    if (vacuum) vacuumed.push(table);
    if (analyze) analyzed.push(table);
  }
  return { vacuumed, analyzed };
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
