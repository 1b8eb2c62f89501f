import { pino } from 'pino';
import type { DestinationStream, LevelWithSilent, Logger } from 'pino';

export type { Logger };

/** The levels LOG_LEVEL accepts, quietest last. */
export const LOG_LEVELS: readonly LevelWithSilent[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export function isLogLevel(value: string): value is LevelWithSilent {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export interface LoggerOptions {
  /** Default `info`. */
  readonly level?: LevelWithSilent | undefined;
  /** Where the JSON lines go; stdout when absent. Tests pass an in-memory stream to read what was logged. */
  readonly destination?: DestinationStream | undefined;
}

/**
 * The server's one logger: a JSON object per line (pino), with ISO times so a person can read them raw. Errors go
 * under `err` (pino's serializer keeps type, message, stack and cause); nothing is pretty-printed here, which is a
 * job for the reader (`pino-pretty`, jq, the log collector).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({ name: 'gallop', level: options.level ?? 'info', timestamp: pino.stdTimeFunctions.isoTime }, options.destination);
}
