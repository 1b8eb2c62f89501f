import { GallopClient } from '@gallop/sdk';
import type { Command } from 'commander';
import WebSocket from 'ws';
import { UsageError } from './errors.ts';

/** Where the CLI writes: stdout for results, stderr for errors and notes. One call, one line or more. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** The options every command takes. */
export interface GlobalOptions {
  readonly url: string;
  readonly json?: boolean;
  /** Milliseconds a request may take. */
  readonly timeout: number;
  readonly tenant?: string | undefined;
  readonly apiKey?: string | undefined;
}

/** The default server: GALLOP_URL, else a server started with `npm start` on this machine. */
export function defaultUrl(env: NodeJS.ProcessEnv): string {
  return env.GALLOP_URL || 'http://localhost:8080/graphql';
}

/** The GraphQL endpoint for `url`: a bare server address such as http://localhost:8080 gets /graphql. */
export function graphqlUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url '${url}' is not a URL; expected one like http://localhost:8080/graphql.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--url '${url}' must be http:// or https://.`);
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = '/graphql';
  return parsed.toString();
}

/** What a command's action works with: the client, the output mode and the streams. */
export class Context {
  readonly json: boolean;
  readonly io: Io;
  readonly #options: GlobalOptions;
  #client: GallopClient | undefined;
  /** The command being run, as commander parsed it: a paged one prints itself again for the next page. */
  readonly command: Command | undefined;

  constructor(options: GlobalOptions, io: Io, command?: Command) {
    this.#options = options;
    this.json = options.json === true;
    this.io = io;
    this.command = command;
  }

  /** The client, made on first use: commands that fail on their arguments never open a connection. */
  client(): GallopClient {
    const { url, timeout, tenant, apiKey } = this.#options;
    this.#client ??= new GallopClient({ url: graphqlUrl(url), webSocketImpl: WebSocket, timeoutMs: timeout, tenant, apiKey: apiKey ?? '' });
    return this.#client;
  }

  /** Prints `value` as JSON with --json, else the lines `human` makes. */
  emit(value: unknown, human: () => readonly string[]): void {
    if (this.json) this.io.out(JSON.stringify(value, null, 2));
    else this.io.out(human().join('\n'));
  }

  async close(): Promise<void> {
    await this.#client?.close();
  }
}

/** A command's work, given its context, its options and its arguments as commander parsed them. */
export type Handler<O, A extends unknown[]> = (ctx: Context, opts: O, ...args: A) => Promise<void>;

/** Wraps handlers as commander actions; see actions(). */
export type Act = <O, A extends unknown[]>(handler: Handler<O, A>) => (...raw: unknown[]) => Promise<void>;

/**
 * Makes commander actions that build a Context from the global options, run the handler and close the client
 * whatever happens; errors go on to the caller of parseAsync.
 */
export function actions(io: Io): Act {
  return <O, A extends unknown[]>(handler: Handler<O, A>) =>
    async (...raw: unknown[]) => {
      // commander calls an action with its arguments, then the options, then the command itself.
      const command = raw.at(-1) as Command;
      const opts = command.optsWithGlobals<O & GlobalOptions>();
      const ctx = new Context(opts, io, command);
      try {
        await handler(ctx, opts, ...(raw.slice(0, -2) as A));
      } finally {
        await ctx.close();
      }
    };
}
