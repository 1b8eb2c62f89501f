import { Command, CommanderError, Option } from 'commander';
import { addDeploy } from './commands/deploy.ts';
import { addGet } from './commands/get.ts';
import { addList } from './commands/list.ts';
import { addCount } from './commands/count.ts';
import { addMetrics } from './commands/metrics.ts';
import { addPut } from './commands/put.ts';
import { addSearch } from './commands/search.ts';
import { addTail } from './commands/tail.ts';
import { addUserTask } from './commands/user-task.ts';
import { addWfRunCommands } from './commands/wf-run.ts';
import { actions, defaultUrl } from './context.ts';
import type { Io } from './context.ts';
import { EXIT, failureOf } from './errors.ts';
import { keepTypedOptions } from './paging.ts';
import { duration } from './parse.ts';

const EPILOG = `
Exit codes: 0 ok, 1 refused by the server or not found, 2 usage error, 3 server unreachable or timed out,
130 stopped with Ctrl-C. See cli/README.md for every command.`;

/** The `gallop` program: every command, with output going to `io`. */
export function buildProgram(io: Io, env: NodeJS.ProcessEnv): Command {
  const program = new Command('gallop')
    .description("A command line for a Gallop server (like LittleHorse's lhctl)")
    .addOption(new Option('--url <url>', 'the GraphQL endpoint, or the server address (env GALLOP_URL)').default(defaultUrl(env)))
    .addOption(new Option('--tenant <id>', 'the tenant to act in (env GALLOP_TENANT); the server\'s default when absent').default(env.GALLOP_TENANT || undefined))
    .addOption(new Option('--api-key <key>', 'the principal\'s API key (env GALLOP_API_KEY, which keeps it out of the shell history)').default(env.GALLOP_API_KEY || undefined, 'GALLOP_API_KEY'))
    .option('--json', 'print exactly what the API returned, as JSON')
    .addOption(new Option('--timeout <duration>', 'how long a request may take: 500ms, 30s, 2m').argParser(duration).default(30_000, '30s'))
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
      // Commander's complaints are usage errors: say so the way every other error line does.
      // An argument echoed back is cut short: a refused value can be thousands of characters of JSON.
      outputError: (text, write) => write(text.replace(/^error: /, 'gallop: UsageError: ').replace(/(argument '[^]{60})[^]{20,}?(' is invalid)/, '$1…$2')),
    })
    // Subcommands inherit both: commander must not exit the process (tests run in it), and a typo gets a suggestion.
    .exitOverride()
    .showSuggestionAfterError()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EPILOG);
  const act = actions(io);
  addGet(program, act);
  addList(program, act);
  addSearch(program, act);
  addMetrics(program, act);
  addCount(program, act);
  addDeploy(program, act);
  addWfRunCommands(program, act);
  addPut(program, act);
  addUserTask(program, act);
  addTail(program, act);
  keepTypedOptions(program);
  return program;
}

/**
 * The command line to parse: as given, or without its help request when that asks for help on a word that names no
 * command where one is expected (`gallop events --help`, `gallop help events`). Commander answers a help request
 * before it looks for the command, and would print the parent's help with exit 0 as if the word were a command;
 * without the request it refuses the word as an unknown command (exit 2), suggesting the command meant.
 */
function withoutHelpForUnknownCommand(program: Command, argv: readonly string[]): readonly string[] {
  const isHelpFlag = (arg: string) => arg === '--help' || arg === '-h';
  const help = new Set<number>();
  let command = program;
  const options = [...program.options];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (isHelpFlag(arg)) {
      help.add(i);
      continue;
    }
    if (arg.startsWith('-')) {
      // An option's value is the next word unless written --option=value.
      const option = options.find((o) => o.long === arg || o.short === arg);
      if (option && !option.isBoolean()) i++;
      continue;
    }
    // A command with no subcommands takes its own arguments from here.
    if (command.commands.length === 0) break;
    // `help events` asks for help on the word after it, a command of the same parent.
    if (arg === 'help') {
      help.add(i);
      continue;
    }
    const sub = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) return argv.filter((word, at) => !help.has(at) && !(at > i && isHelpFlag(word)));
    command = sub;
    options.push(...sub.options);
  }
  return argv;
}

/**
 * Runs one command line (without `node` and the script) and resolves its exit code; never throws. Results go to
 * `io.out`; errors to `io.err` as one line (`gallop: Code: message`), with a problem's path and message on each
 * line after it, or as one JSON object with --json.
 */
export async function runCli(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = buildProgram(io, env);
  try {
    await program.parseAsync([...withoutHelpForUnknownCommand(program, argv)], { from: 'user' });
    return EXIT.OK;
  } catch (error) {
    // Commander has printed its own message (or the help); help and --help exit 0, any other complaint is usage.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    const failure = failureOf(error);
    if (failure.exitCode === EXIT.INTERRUPTED) return failure.exitCode;
    if (program.opts<{ json?: boolean }>().json) {
      io.err(JSON.stringify({ error: { code: failure.code, message: failure.message, problems: failure.problems } }));
    } else {
      io.err([`gallop: ${failure.code}: ${failure.message}`, ...failure.problems.map((p) => `  ${p.at ? `${p.at}: ` : ''}${p.message}`)].join('\n'));
    }
    return failure.exitCode;
  }
}
