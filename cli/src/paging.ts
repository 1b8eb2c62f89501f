import type { JsonValue } from '@gallop/engine';
import type { Page } from '@gallop/sdk';
import type { Command } from 'commander';
import type { Context } from './context.ts';
import { jsonOrString, limit } from './parse.ts';

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
    return [...lines, '', `more: ${ctx.command ? `${commandLine(ctx.command)} ` : ''}--after ${page.endCursor}`];
  });
}

/**
 * The command as given, rebuilt from what commander parsed: its path, arguments and the options set on the command
 * line (not --after, nor --api-key, a secret). Parsed values are printed, so a relative --since is the time it stood
 * for and the next page continues the same search.
 */
export function commandLine(command: Command): string {
  const commands: Command[] = [];
  for (let c: Command | null = command; c; c = c.parent) commands.unshift(c);
  const words: string[] = [];
  for (const c of commands) {
    words.push(c.name());
    if (c === command) words.push(...command.args.map(quote));
    for (const option of c.options) {
      const key = option.attributeName();
      if (option.long === '--after' || option.long === '--api-key' || c.getOptionValueSource(key) !== 'cli') continue;
      const flag = option.long ?? option.flags;
      const value: unknown = c.getOptionValue(key);
      if (value === true) words.push(flag);
      else if (isPair(value)) words.push(flag, quote(pairText(value)));
      else if (value !== undefined && value !== false) words.push(flag, quote(String(value)));
    }
  }
  return words.join(' ');
}

/** The value of a `name=value` option (the paged commands repeat none). */
function isPair(value: unknown): value is readonly [string, JsonValue] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string';
}

/** `name=value` as `pair` reads it back: a string that would read as JSON is written as JSON. */
function pairText([name, value]: readonly [string, JsonValue]): string {
  return `${name}=${typeof value === 'string' && jsonOrString(value) === value ? value : JSON.stringify(value)}`;
}

/** A word as a POSIX shell reads it back. */
function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
