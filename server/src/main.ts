import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, GRAPHQL_PATH, HEALTHZ_PATH, METRICS_PATH, READYZ_PATH } from './app.ts';
import { readConfig } from './config.ts';
import { createLogger } from './observability/logger.ts';
import { DatabaseUnreachableError } from './store/db.ts';

// `npm start`: one process serving GraphQL, subscriptions, the probes, the metrics and the UI on one port.
const config = (() => {
  try {
    return readConfig();
  } catch (error) {
    // The log level may be what is wrong: the refusal goes out at the default one, as JSON like every other line.
    createLogger({ level: 'info' }).fatal({ err: error }, `Gallop could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
})();
const log = createLogger({ level: config.logLevel });
/** How long requests in flight may take to finish once a shutdown has begun. */
const SHUTDOWN_GRACE_MS = 10_000;
const uiDir = config.uiDir && existsSync(config.uiDir) ? config.uiDir : undefined;
const auth = { required: config.authRequired, bootstrapApiKey: config.bootstrapApiKey, oidc: config.oidc };
const app = await createApp({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, uiDir, log, auth, limits: config.limits, auditRetentionDays: config.auditRetentionDays }).catch((error: unknown) => {
  // A wrong DATABASE_URL is the operator's to fix, not a bug: the sentence says where and why, without a stack.
  if (error instanceof DatabaseUnreachableError) log.fatal({ database: error.address, code: error.code }, `Gallop could not start: ${error.message}`);
  else log.fatal({ err: error }, `Gallop could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
const server = createServer((req, res) => app.handle(req, res));
app.attach(server);
// A port taken or not allowed: without this the process would live on, serving nothing while its timers fire.
server.on('error', (error) => {
  log.fatal({ err: error }, `Gallop could not listen on ${config.host}:${config.port}: ${error.message}`);
  void app.close().finally(() => process.exit(1));
});
server.listen(config.port, config.host, () => {
  const { port } = server.address() as AddressInfo;
  const base = `http://${config.host === '127.0.0.1' ? 'localhost' : config.host}:${port}`;
  const db = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`;
  // test/support/server.ts waits for "listening on <url> " in this line: keep a space after the URL.
  log.info(
    { url: base, data: db, ui: Boolean(uiDir) },
    `Gallop listening on ${base} (GraphQL and subscriptions at ${GRAPHQL_PATH}, ${HEALTHZ_PATH}, ${READYZ_PATH}, ${METRICS_PATH}, UI at /${uiDir ? '' : ' — not built; run npm start'}); data: ${db}`,
  );
  if (!config.authRequired) log.info('Authentication is off (GALLOP_AUTH), so the server listens on this machine only and every request holds every grant.');
});

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info(`${signal}: shutting down; requests in flight have ${SHUTDOWN_GRACE_MS / 1000} s to finish`);
  // No new connections; idle ones close. Long polls answer, subscriptions end, and the requests on their way finish,
  // so that no client is told the server was unreachable about a request it applied.
  const closed = new Promise<boolean>((resolve) => server.close(() => resolve(true)));
  const timer = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  // One deadline for the whole stop (a subscriber that never answers its close frame, a store that hangs).
  setTimeout(() => {
    log.error(`Not stopped within ${(SHUTDOWN_GRACE_MS * 3) / 1000} s; exiting anyway`);
    process.exit(1);
  }, SHUTDOWN_GRACE_MS * 3).unref();
  await app.drain();
  await closed;
  clearTimeout(timer);
  await app.close();
  log.info('Stopped');
  process.exit(0);
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
