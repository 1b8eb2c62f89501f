import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { consoleLogger, createApp, GRAPHQL_PATH } from './app.ts';
import { readConfig } from './config.ts';

// `npm start`: one process serving GraphQL, subscriptions and the UI on one port.
const config = readConfig();
const uiDir = config.uiDir && existsSync(config.uiDir) ? config.uiDir : undefined;
const app = await createApp({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, uiDir }).catch((error: unknown) => {
  consoleLogger.error(`Gallop could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
const server = createServer((req, res) => app.handle(req, res));
app.attach(server);
server.listen(config.port, config.host, () => {
  const { port } = server.address() as AddressInfo;
  const base = `http://${config.host === '127.0.0.1' ? 'localhost' : config.host}:${port}`;
  const db = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`;
  consoleLogger.info(`Gallop listening on ${base} (GraphQL and subscriptions at ${GRAPHQL_PATH}, UI at /${uiDir ? '' : ' — not built; run npm start'}); data: ${db}`);
  if (config.host === '127.0.0.1') consoleLogger.info('No authentication yet, so the server listens on 127.0.0.1 only.');
});

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  consoleLogger.info(`${signal}: shutting down`);
  server.close();
  server.closeAllConnections();
  await app.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
