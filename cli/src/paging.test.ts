import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './cli.ts';
import { commandLine } from './paging.ts';

/** Splits a line as a POSIX shell would, for the words commandLine writes: plain, single-quoted, or with \' between. */
function shellWords(line: string): string[] {
  return [...line.matchAll(/(?:[^\s'\\]+|\\.|'[^']*')+/g)].map(([word]) => word.replace(/'([^']*)'|\\(.)/g, (_, quoted: string | undefined, escaped: string | undefined) => quoted ?? escaped ?? ''));
}

/**
 * What the CLI's own program makes of `argv`: the leaf command's options with globals, its arguments, and the line
 * commandLine prints for its next page. The leaf's action is replaced, so nothing is sent.
 */
async function parse(argv: string[]): Promise<{ opts: Record<string, unknown>; args: string[]; line: string }> {
  const program = buildProgram({ out: () => {}, err: () => {} }, {});
  let leaf: Command = program;
  for (const word of argv) leaf = leaf.commands.find((c) => c.name() === word) ?? leaf;
  let seen: { opts: Record<string, unknown>; args: string[]; line: string } | undefined;
  leaf.action((...raw: unknown[]) => {
    const command = raw.at(-1) as Command;
    seen = { opts: command.optsWithGlobals(), args: command.args, line: commandLine(command, ['--after', 'CURSOR']) };
  });
  await program.parseAsync(argv, { from: 'user' });
  if (!seen) throw new Error(`no action ran for ${argv.join(' ')}`);
  return seen;
}

describe('commandLine', () => {
  // Every paged command, with options whose parsers change what was typed (a window name, a duration, a status).
  const lines = [
    ['--timeout', '2m', '--url', 'http://h:1/graphql', 'search', 'wfRuns', '--spec', "Ada's flow", '--status', 'completed', '--since', '2h', '--var', 'n="42"'],
    ['search', 'nodeRuns', '--status', 'error', '--until', '15m', '--event', 'paid'],
    ['search', 'taskRuns', '--status', 'success', '--', '-odd-name'],
    ['search', 'variables', 'shop', 'customer={"id":7}', '--major', '1', '--revision', '0', '--status', 'running', '--since', '1d'],
    ['search', 'userTaskRuns', '--group', 'ops', '--limit', '5'],
    ['search', 'externalEvents', 'paid', '--json'],
    ['search', 'correlatedEvents', 'paid'],
    ['list', 'wfSpecs', '--prefix', 'he'],
    ['list', 'scheduledWfRuns'],
    ['metrics', 'wfSpec', 'greet', '--window', '2h', '--since', '1d'],
    ['metrics', 'taskDef', 'greet', '--window', '1d'],
  ];

  it.each(lines)('prints a line that reads back as the same command: %s %s', async (...argv) => {
    const given = await parse(argv);
    const words = shellWords(given.line);
    expect(words[0]).toBe('gallop');
    expect(words).toContain('CURSOR');
    const again = await parse(words.slice(1));
    expect(again.args).toEqual(given.args);
    expect(again.opts).toEqual({ ...given.opts, after: 'CURSOR' });
  });

  it('leaves out the API key, and writes a relative time as the time it stood for', async () => {
    const { line } = await parse(['--api-key', 'secret', 'search', 'wfRuns', '--since', '2h']);
    expect(line).not.toContain('secret');
    expect(line).toMatch(/^gallop search wfRuns --since \d{4}-\d\d-\d\dT[\d:.]+Z --after CURSOR$/);
  });
});
