import { resolve } from 'node:path';
import type { LevelWithSilent } from 'pino';
import { isLogLevel, LOG_LEVELS } from './observability/logger.ts';

/**
 * The server's settings, read once from the environment: PORT, HOST, DATABASE_URL, GALLOP_DATA_DIR, GALLOP_UI_DIR
 * and LOG_LEVEL. Besides GraphQL at /graphql and the UI at /, the server answers GET /healthz (liveness), GET /readyz
 * (readiness: 503 with a reason while the database does not answer) and GET /metrics (Prometheus).
 */
export interface Config {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host: string;
  /** PostgreSQL to use; PGlite under `dataDir` when absent. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** The built UI served at `/`; absent to serve none. */
  readonly uiDir: string | undefined;
  /** How much the JSON log on stdout says; `info` by default, `debug` adds every GraphQL operation. */
  readonly logLevel: LevelWithSilent;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got '${env.PORT}'.`);
  const logLevel = env.LOG_LEVEL || 'info';
  if (!isLogLevel(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got '${logLevel}'.`);
  return {
    port,
    // Until authentication exists (issue 8) the server listens on loopback only.
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: dataDir(env.GALLOP_DATA_DIR ?? '.gallop/pglite'),
    uiDir: env.GALLOP_UI_DIR === '' ? undefined : resolve(env.GALLOP_UI_DIR ?? new URL('../../ui/dist', import.meta.url).pathname),
    logLevel,
  };
}

function dataDir(value: string): string {
  return value.startsWith('memory://') ? value : resolve(value);
}
