import { resolve } from 'node:path';
import type { LevelWithSilent } from 'pino';
import { isLogLevel, LOG_LEVELS } from './observability/logger.ts';
import { DEFAULT_LIMITS } from './graphql/limits.ts';
import type { Limits } from './graphql/limits.ts';

/**
 * The server's settings, read once from the environment: PORT, HOST, DATABASE_URL, GALLOP_DATA_DIR, GALLOP_UI_DIR,
 * LOG_LEVEL, GALLOP_AUTH and GALLOP_BOOTSTRAP_API_KEY. Besides GraphQL at /graphql and the UI at /, the server answers GET /healthz (liveness), GET /readyz
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
  /** Whether requests must carry credentials (GALLOP_AUTH=required, or a bootstrap key set). */
  readonly authRequired: boolean;
  /** GALLOP_BOOTSTRAP_API_KEY: the built-in `admin` principal's key, to make the first principals with. */
  readonly bootstrapApiKey: string | undefined;
  /** What one request may cost: GALLOP_LIMIT_DEPTH, _COST, _ALIASES, _TOKENS, _DIRECTIVES, _BODY_BYTES, _SUBSCRIPTIONS. */
  readonly limits: Limits;
}

const LIMIT_VARIABLES: Readonly<Record<keyof Limits, string>> = {
  maxDepth: 'GALLOP_LIMIT_DEPTH',
  maxCost: 'GALLOP_LIMIT_COST',
  maxAliases: 'GALLOP_LIMIT_ALIASES',
  maxTokens: 'GALLOP_LIMIT_TOKENS',
  maxDirectives: 'GALLOP_LIMIT_DIRECTIVES',
  maxBodyBytes: 'GALLOP_LIMIT_BODY_BYTES',
  maxSubscriptionsPerConnection: 'GALLOP_LIMIT_SUBSCRIPTIONS',
};

function readLimits(env: NodeJS.ProcessEnv): Limits {
  const limits: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [key, variable] of Object.entries(LIMIT_VARIABLES)) {
    const text = env[variable];
    if (text === undefined || text === '') continue;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${variable} must be a whole number of at least 1, got '${text}'.`);
    limits[key] = value;
  }
  return limits as unknown as Limits;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got '${env.PORT}'.`);
  const logLevel = env.LOG_LEVEL || 'info';
  if (!isLogLevel(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got '${logLevel}'.`);
  const bootstrapApiKey = env.GALLOP_BOOTSTRAP_API_KEY || undefined;
  if (bootstrapApiKey !== undefined && bootstrapApiKey.length < 32) throw new Error('GALLOP_BOOTSTRAP_API_KEY must be at least 32 characters: it holds every grant.');
  const auth = env.GALLOP_AUTH ?? (bootstrapApiKey ? 'required' : 'off');
  if (auth !== 'required' && auth !== 'off') throw new Error(`GALLOP_AUTH must be 'required' or 'off', got '${auth}'.`);
  const authRequired = auth === 'required';
  // Without authentication anyone who reaches the port holds every grant: only this machine may.
  const host = env.HOST ?? '127.0.0.1';
  if (!authRequired && !LOOPBACK.has(host)) {
    throw new Error(`HOST=${host} would open the server to the network without authentication: set GALLOP_AUTH=required (with GALLOP_BOOTSTRAP_API_KEY), or listen on 127.0.0.1.`);
  }
  return {
    port,
    host,
    authRequired,
    bootstrapApiKey,
    limits: readLimits(env),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: dataDir(env.GALLOP_DATA_DIR ?? '.gallop/pglite'),
    uiDir: env.GALLOP_UI_DIR === '' ? undefined : resolve(env.GALLOP_UI_DIR ?? new URL('../../ui/dist', import.meta.url).pathname),
    logLevel,
  };
}

function dataDir(value: string): string {
  return value.startsWith('memory://') ? value : resolve(value);
}
