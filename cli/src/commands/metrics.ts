import type { MetricsWindowLength } from '@gallop/sdk';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import type { Act } from '../context.ts';
import { pageOf, paged, printPage } from '../paging.ts';
import type { PageOptions } from '../paging.ts';
import { integer, pointInTime } from '../parse.ts';
import { taskDefMetricsTable, wfSpecMetricsTable } from '../views.ts';

const WINDOWS: Readonly<Record<string, MetricsWindowLength>> = { '5m': 'MINUTES_5', '2h': 'HOURS_2', '1d': 'DAYS_1' };
/** How far back a window length looks unless --since says: a chart's worth of windows. */
const DEFAULT_SINCE: Readonly<Record<MetricsWindowLength, string>> = { MINUTES_5: '2h', HOURS_2: '2d', DAYS_1: '30d' };

function windowLength(text: string): MetricsWindowLength {
  const length = WINDOWS[text.trim().toLowerCase()];
  if (!length) throw new InvalidArgumentError(`Expected one of ${Object.keys(WINDOWS).join(', ')}.`);
  return length;
}

interface MetricsOptions extends PageOptions {
  readonly window: MetricsWindowLength;
  readonly since?: string;
  readonly until?: string;
}

/** Adds --window, --since and --until. */
function windowed(command: Command): Command {
  return paged(command)
    .option('--window <length>', 'the window length: 5m, 2h or 1d', windowLength, 'MINUTES_5')
    .option('--since <time>', 'windows from: an ISO date-time, or a duration ago (default 2h for 5m windows, 2d for 2h, 30d for 1d)', (t) => pointInTime(t))
    .option('--until <time>', 'windows before: an ISO date-time, or a duration ago (default now)', (t) => pointInTime(t));
}

function rangeOf(opts: MetricsOptions): { windowLength: MetricsWindowLength; since: string; until?: string } {
  const windowLength = opts.window;
  return { windowLength, since: opts.since ?? pointInTime(DEFAULT_SINCE[windowLength]), ...(opts.until ? { until: opts.until } : {}) };
}

export function addMetrics(program: Command, act: Act): void {
  const metrics = program.command('metrics').description("a WfSpec's or a TaskDef's metrics windows, oldest first: counts and times").usage('<kind> [options]');

  windowed(metrics.command('wfSpec').description('WfRuns started, completed and failed per window, and their start-to-complete times'))
    .argument('<wfSpec>')
    .option('--major <n>', 'of this major version only', integer)
    .option('--revision <n>', 'of this revision only (with --major)', integer)
    .action(
      act(async (ctx, opts: MetricsOptions & { major?: number; revision?: number }, wfSpecName: string) =>
        printPage(ctx, await ctx.client().wfSpecMetrics({ wfSpecName, majorVersion: opts.major, revision: opts.revision, ...rangeOf(opts) }, pageOf(opts)), wfSpecMetricsTable),
      ),
    );

  windowed(metrics.command('taskDef').description('TaskRuns scheduled, attempts started, completed and failed per window, and how long they waited and ran'))
    .argument('<taskDef>')
    .action(
      act(async (ctx, opts: MetricsOptions, taskDefName: string) =>
        printPage(ctx, await ctx.client().taskDefMetrics({ taskDefName, ...rangeOf(opts) }, pageOf(opts)), taskDefMetricsTable),
      ),
    );
}
