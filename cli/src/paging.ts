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

/** Prints a page as a table, and the cursor of the next one when there is more; with --json, the page as is. */
export function printPage<T>(ctx: Context, page: Page<T>, view: (items: readonly T[]) => string[]): void {
  ctx.emit(page, () => {
    const lines = page.items.length > 0 ? view(page.items) : ['(none)'];
    return page.hasNextPage && page.endCursor ? [...lines, '', `more: --after ${page.endCursor}`] : lines;
  });
}
