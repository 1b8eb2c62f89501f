import { resolve } from 'node:path';

/** The server's settings, read once from the environment. */
export interface Config {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host: string;
  /** PostgreSQL to use; PGlite under `dataDir` when absent. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** The built UI served at `/`; absent to serve none. */
  readonly uiDir: string | undefined;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got '${env.PORT}'.`);
  return {
    port,
    // Until authentication exists (issue 8) the server listens on loopback only.
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: dataDir(env.GALLOP_DATA_DIR ?? '.gallop/pglite'),
    uiDir: env.GALLOP_UI_DIR === '' ? undefined : resolve(env.GALLOP_UI_DIR ?? new URL('../../ui/dist', import.meta.url).pathname),
  };
}

function dataDir(value: string): string {
  return value.startsWith('memory://') ? value : resolve(value);
}
