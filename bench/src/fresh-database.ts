import postgres from 'postgres';

/** A database made for one benchmark run. */
export interface FreshDatabase {
  readonly url: string;
  /** The server's version, e.g. "15.20". */
  readonly version: string;
  /**
   * Committed transactions in this database so far (pg_stat_database.xact_commit), read once every other client
   * connection to it has closed: a backend reports its counts up to 10 s late while it stays connected, and at
   * once when it exits. The reads themselves are a few commits of this connection's, negligible beside a phase's.
   */
  commits(): Promise<number>;
  /** Drops the database, disconnecting anyone still in it. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database beside the one `baseUrl` names (as test/support/global-setup.ts does), so that a rerun
 * never sees the rows, schemas or statistics of an earlier one.
 */
export async function freshDatabase(baseUrl: string, prefix: string): Promise<FreshDatabase> {
  const name = `${prefix}_${Date.now()}_${process.pid}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const stats = postgres(url.toString(), { max: 1, onnotice: () => {} });
  const [{ version } = { version: '?' }] = await stats<{ version: string }[]>`select current_setting('server_version') as version`;
  return {
    url: url.toString(),
    version,
    async commits() {
      // Backends leave a moment after their client closes the socket; wait for them (at most 5 s).
      for (let tries = 0; tries < 500; tries++) {
        const [row] = await stats<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()`;
        if (row?.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const [row] = await stats<{ n: string }[]>`select xact_commit::text as n from pg_stat_database where datname = current_database()`;
      return Number(row?.n);
    },
    async drop() {
      await stats.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
