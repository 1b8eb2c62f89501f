import { resolve } from 'node:path';
import type { LevelWithSilent } from 'pino';
import { isLogLevel, LOG_LEVELS } from './observability/logger.ts';
import { DEFAULT_LIMITS, LIMIT_VARIABLES } from './graphql/limits.ts';
import type { Limits } from './graphql/limits.ts';
import type { OidcOptions } from './auth/oidc.ts';

/**
 * The server's settings, read once from the environment: PORT, HOST, DATABASE_URL, GALLOP_DATA_DIR, GALLOP_UI_DIR,
 * LOG_LEVEL, GALLOP_AUTH, GALLOP_BOOTSTRAP_API_KEY, GALLOP_OIDC_*, GALLOP_LIMIT_* and GALLOP_AUDIT_RETENTION_DAYS. Besides GraphQL at /graphql and the UI at /, the server answers GET /healthz (liveness), GET /readyz
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
  /** GALLOP_OIDC_ISSUER and the rest: JWTs from this issuer are taken as the principal a claim names. */
  readonly oidc: OidcOptions | undefined;
  /** What one request may cost: GALLOP_LIMIT_DEPTH, _COST, _ALIASES, _TOKENS, _DIRECTIVES, _BODY_BYTES, _SUBSCRIPTIONS, _WFSPEC_BYTES, _VALUE_BYTES. */
  readonly limits: Limits;
  /** GALLOP_AUDIT_RETENTION_DAYS: how long audit entries are kept (90 by default; 0 keeps them for ever). */
  readonly auditRetentionDays: number;
}

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

/** GALLOP_OIDC_ISSUER turns OIDC on; the other GALLOP_OIDC_* settings refine it. */
function readOidc(env: NodeJS.ProcessEnv): OidcOptions | undefined {
  const issuer = env.GALLOP_OIDC_ISSUER || undefined;
  const others = ['GALLOP_OIDC_AUDIENCE', 'GALLOP_OIDC_JWKS_URI', 'GALLOP_OIDC_PRINCIPAL_CLAIM', 'GALLOP_OIDC_CLIENT_ID', 'GALLOP_OIDC_SCOPES'].filter((name) => env[name]);
  if (!issuer) {
    if (others.length > 0) throw new Error(`${others.join(', ')} ${others.length === 1 ? 'needs' : 'need'} GALLOP_OIDC_ISSUER.`);
    return undefined;
  }
  for (const name of ['GALLOP_OIDC_ISSUER', 'GALLOP_OIDC_JWKS_URI'] as const) {
    const text = env[name];
    if (!text) continue;
    if (!URL.canParse(text)) throw new Error(`${name} must be a URL, got '${text}'.`);
    // The signing keys come from there: over plain HTTP anyone on the way could swap them.
    const url = new URL(text);
    if (url.protocol !== 'https:' && !LOOPBACK.has(url.hostname.replace(/^\[|\]$/g, ''))) throw new Error(`${name} must be an https URL (plain http only on this machine), got '${text}'.`);
  }
  if (!env.GALLOP_OIDC_AUDIENCE && !env.GALLOP_OIDC_CLIENT_ID) {
    throw new Error('GALLOP_OIDC_ISSUER needs GALLOP_OIDC_AUDIENCE or GALLOP_OIDC_CLIENT_ID: without an audience, a token the issuer made for any other application would sign in here.');
  }
  return {
    issuer,
    audience: env.GALLOP_OIDC_AUDIENCE || undefined,
    jwksUri: env.GALLOP_OIDC_JWKS_URI || undefined,
    principalClaim: env.GALLOP_OIDC_PRINCIPAL_CLAIM || undefined,
    clientId: env.GALLOP_OIDC_CLIENT_ID || undefined,
    scopes: env.GALLOP_OIDC_SCOPES || undefined,
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const DEFAULT_AUDIT_RETENTION_DAYS = 90;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got '${env.PORT}'.`);
  const logLevel = env.LOG_LEVEL || 'info';
  if (!isLogLevel(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got '${logLevel}'.`);
  const bootstrapApiKey = env.GALLOP_BOOTSTRAP_API_KEY || undefined;
  if (bootstrapApiKey !== undefined && bootstrapApiKey.length < 32) throw new Error('GALLOP_BOOTSTRAP_API_KEY must be at least 32 characters: it holds every grant.');
  const oidc = readOidc(env);
  const auth = env.GALLOP_AUTH ?? (bootstrapApiKey || oidc ? 'required' : 'off');
  if (auth !== 'required' && auth !== 'off') throw new Error(`GALLOP_AUTH must be 'required' or 'off', got '${auth}'.`);
  const authRequired = auth === 'required';
  // Without authentication anyone who reaches the port holds every grant: only this machine may.
  const host = env.HOST ?? '127.0.0.1';
  if (!authRequired && !LOOPBACK.has(host)) {
    throw new Error(`HOST=${host} would open the server to the network without authentication: set GALLOP_AUTH=required (with GALLOP_BOOTSTRAP_API_KEY), or listen on 127.0.0.1.`);
  }
  const retention = env.GALLOP_AUDIT_RETENTION_DAYS || String(DEFAULT_AUDIT_RETENTION_DAYS);
  const auditRetentionDays = Number(retention);
  if (!Number.isSafeInteger(auditRetentionDays) || auditRetentionDays < 0) throw new Error(`GALLOP_AUDIT_RETENTION_DAYS must be a whole number of days (0 keeps entries for ever), got '${retention}'.`);
  return {
    port,
    host,
    authRequired,
    auditRetentionDays,
    bootstrapApiKey,
    oidc,
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
