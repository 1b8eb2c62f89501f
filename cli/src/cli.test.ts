import { describe, expect, it } from 'vitest';
import { runCli } from './cli.ts';
import { summarize } from './event-summary.ts';

/** Runs a command line in this process against a server that is never reached, collecting what it printed. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) }, { GALLOP_URL: 'http://127.0.0.1:9/graphql' });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('runCli', () => {
  it('prints help with exit 0, for the program and for a command', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: gallop \[options\] \[command\]/);
    expect(help.out).toContain('Exit codes: 0 ok, 1 refused by the server or not found, 2 usage error, 3 server unreachable');
    const search = await run('search', 'wfRuns', '--help');
    expect(search.code).toBe(0);
    expect(search.out).toContain('--var <name=value>');
  });

  it('exits 2 with one line naming the mistake, suggesting the command meant', async () => {
    const typo = await run('get', 'wfrun', 'x');
    expect(typo.code).toBe(2);
    expect(typo.err.split('\n')[0]).toBe("gallop: UsageError: unknown command 'wfrun'");
    expect(typo.err).toContain('(Did you mean wfRun?)');
  });

  it('refuses help for a word that names no command as it refuses the word, and still helps with one that does', async () => {
    const unknown = { code: 2, out: '', err: "gallop: UsageError: unknown command 'events'\n(add --help for usage)" };
    expect(await run('events')).toEqual(unknown);
    expect(await run('events', '--help')).toEqual(unknown);
    expect(await run('help', 'events')).toEqual(unknown);
    const typo = await run('--url', 'http://127.0.0.1:9', 'get', 'wfrun', 'x', '-h');
    expect(typo.code).toBe(2);
    expect(typo.err).toContain("gallop: UsageError: unknown command 'wfrun'\n(Did you mean wfRun?)");
    const help = await run('--url', 'http://127.0.0.1:9', 'get', 'wfRun', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: gallop get wfRun /);
    expect((await run('help', 'search')).out).toMatch(/^Usage: gallop search /);
  });

  it('refuses JSON nested past the server’s limit on values, naming the flag, without sending it', async () => {
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const variable = await run('run', 'shop', '--var', `basket=${deep}`);
    expect(variable.code).toBe(2);
    expect(variable.err.split('\n')[0]).toBe(
      `gallop: UsageError: option '--var <name=value>' argument 'basket=${'['.repeat(53)}…' is invalid. This JSON nests arrays or objects more than 256 levels deep; the limit is 256.`,
    );
    const object = await run('run', 'shop', '--vars-json', `{"basket": ${deep}}`);
    expect(object.code).toBe(2);
    expect(object.err).toMatch(/^gallop: UsageError: option '--vars-json <json>' argument .* more than 256 levels deep; the limit is 256\./);
  });

  it('checks options that go together before any request', async () => {
    const revision = await run('get', 'wfSpec', 'x', '--revision', '1');
    expect(revision).toEqual({ code: 2, out: '', err: 'gallop: UsageError: --revision needs --major.' });
    const variable = await run('search', 'wfRuns', '--var', 'name=Ada');
    expect(variable.code).toBe(2);
    expect(variable.err).toBe('gallop: UsageError: --var needs --spec: variables are searched within one WfSpec.');
    const nothing = await run('search', 'variables', 'shop', 'customer=null');
    expect(nothing.code).toBe(2);
    expect(nothing.err.split('\n')[0]).toBe("gallop: UsageError: command-argument value 'customer=null' is invalid for argument 'name=value'. A search needs a value other than null; for the text, write name='\"null\"'.");
    const url = await run('--url', 'ftp://x', 'list', 'wfSpecs');
    expect(url).toEqual({ code: 2, out: '', err: "gallop: UsageError: --url 'ftp://x' must be http:// or https://." });
  });

  it('prints errors as one JSON object with --json', async () => {
    const result = await run('--json', 'deploy', 'no-such-file.json');
    expect(result.code).toBe(2);
    expect(JSON.parse(result.err)).toEqual({
      error: { code: 'UsageError', message: expect.stringMatching(/^Cannot read no-such-file\.json: ENOENT/) as unknown, problems: [] },
    });
  });
});

describe('summarize', () => {
  it('names nodes it has seen start, and says what a failure was', () => {
    const names = new Map([['0:1', '1-charge-TASK']]);
    expect(summarize({ type: 'NodeRunCompleted', time: 0, threadRunNumber: 0, position: 1, output: { ok: true } }, names)).toBe(
      'thread 0 node 1-charge-TASK output {"ok":true}',
    );
    expect(summarize({ type: 'NodeRunCompleted', time: 0, threadRunNumber: 2, position: 4 }, names)).toBe('thread 2 node 4');
    expect(summarize({ type: 'WfRunFailed', time: 0, status: 'ERROR', failure: { name: 'TASK_FAILURE', message: 'boom' } })).toBe(
      'ERROR TASK_FAILURE: boom',
    );
  });

  it('numbers attempts from 1, as the console does', () => {
    const failure = { name: 'TASK_FAILURE', message: 'boom' };
    expect(summarize({ type: 'TaskAttemptFailed', time: 0, threadRunNumber: 0, taskGuid: '0-1', attempt: 0, status: 'TASK_FAILED', failure })).toBe(
      'task 0-1 attempt 1 TASK_FAILED TASK_FAILURE: boom',
    );
    expect(summarize({ type: 'TaskRetryPending', time: 0, threadRunNumber: 0, taskGuid: '0-1', attempt: 1 })).toBe('task 0-1 attempt 2 waits for its back-off');
  });
});
