import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandLine } from './paging.ts';
import { pair, pointInTime } from './parse.ts';

/** The line commandLine prints for `argv`, run through a program shaped like the CLI's. */
async function lineFor(...argv: string[]): Promise<string> {
  let line = '';
  const program = new Command('gallop').option('--url <url>').option('--api-key <key>').exitOverride();
  program
    .command('search')
    .command('wfRuns')
    .argument('[spec]')
    .option('--limit <n>', '', Number, 20)
    .option('--after <cursor>')
    .option('--since <time>', '', (t) => pointInTime(t))
    .option('--var <name=value>', '', pair)
    .option('--json')
    .action((_spec, _opts, command: Command) => void (line = commandLine(command)));
  await program.parseAsync(argv, { from: 'user' });
  return line;
}

describe('commandLine', () => {
  it('prints the command as given, parsed, without --after or the API key, quoted for a shell', async () => {
    const line = await lineFor('--url', 'http://h:1/graphql', '--api-key', 'secret', 'search', 'wfRuns', "Ada's spec", '--since', '2h', '--var', 'n=42', '--after', 'old');
    expect(line).toMatch(/^gallop --url http:\/\/h:1\/graphql search wfRuns 'Ada'\\''s spec' --since \d{4}-\d\d-\d\dT[\d:.]+Z --var n=42$/);
  });

  it('writes a string that would read as JSON as JSON, so it reads back as the same string', async () => {
    expect(await lineFor('search', 'wfRuns', '--var', 'n="42"', '--limit', '5')).toBe(`gallop search wfRuns --limit 5 --var 'n="42"'`);
    expect(await lineFor('search', 'wfRuns', '--var', 'name=Ada Lovelace', '--json')).toBe(`gallop search wfRuns --var 'name=Ada Lovelace' --json`);
  });
});
