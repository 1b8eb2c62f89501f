import { runCli } from './cli.ts';

// The `gallop` executable: cli/bin/gallop.js, or `node --import tsx cli/src/main.ts`.

// A reader that left early (`gallop tail x | head`) is no failure: stop quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

process.exitCode = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
