import type { Page } from '@gallop/sdk';
import type { Command } from 'commander';
import type { Context } from './context.ts';
import { limit } from './parse.ts';

/** The options of a paged command. */
export interface PageOptions {
  readonly limit: number;
  readonly after?: string;
}

/** Adds --limit and --after to a list or search command. */
export function paged(command: Command): Command {
  return command
    .option('--limit <n>', 'how many to show (1 to 500)', limit, 20)
    .option('--after <cursor>', 'start after this cursor, printed by the page before');
}

/** The page arguments of the client's list methods. */
export function pageOf(opts: PageOptions): { first: number; after?: string } {
  return opts.after === undefined ? { first: opts.limit } : { first: opts.limit, after: opts.after };
}

/**
 * Prints a page as a table and, when there is more, the command that prints the next one; with --json, the page as
 * is (its endCursor is in it).
 */
export function printPage<T>(ctx: Context, page: Page<T>, view: (items: readonly T[]) => string[]): void {
  ctx.emit(page, () => {
    const lines = page.items.length > 0 ? view(page.items) : ['(none)'];
    if (!page.hasNextPage || !page.endCursor) return lines;
    return [...lines, '', `more: ${ctx.command ? commandLine(ctx.command, ['--after', page.endCursor]) : `--after ${page.endCursor}`}`];
  });
}

/** Each command's options as typed, by attribute name, for commandLine. */
const typed = new WeakMap<Command, Map<string, string | undefined>>();

/** Keeps the text of each option given to `command` and its subcommands, as typed, for commandLine. */
export function keepTypedOptions(command: Command): void {
  const given = new Map<string, string | undefined>();
  typed.set(command, given);
  for (const option of command.options) {
    command.on(`option:${option.name()}`, (text: string | undefined) => given.set(option.attributeName(), text));
  }
  for (const sub of command.commands) keepTypedOptions(sub);
}

/** Options whose parsed value is printed instead of the text typed: a duration ago, as the time it stood for. */
const AS_PARSED = new Set(['--since', '--until']);

/**
 * The command as given: its path, the options set on the command line (not --after, nor --api-key, a secret), each
 * as typed but --since and --until as the time they stood for (so that the next page continues the same search),
 * then `extra` and the arguments. Quoted for a POSIX shell.
 */
export function commandLine(command: Command, extra: readonly string[] = []): string {
  const commands: Command[] = [];
  for (let c: Command | null = command; c; c = c.parent) commands.unshift(c);
  const words: string[] = [];
  for (const c of commands) {
    words.push(c.name());
    for (const option of c.options) {
      const key = option.attributeName();
      const flag = option.long ?? option.flags;
      if (flag === '--after' || flag === '--api-key' || c.getOptionValueSource(key) !== 'cli') continue;
      const value: unknown = c.getOptionValue(key);
      const text = AS_PARSED.has(flag) ? String(value) : typed.get(c)?.get(key);
      words.push(flag);
      if (text !== undefined && !option.isBoolean()) words.push(quote(text));
    }
  }
  words.push(...extra.map(quote));
  // Last, so that an argument such as -x can follow `--` and not be read as an option.
  if (command.args.some((arg) => arg.startsWith('-'))) words.push('--');
  words.push(...command.args.map(quote));
  return words.join(' ');
}

/** A word as a POSIX shell reads it back. */
function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
