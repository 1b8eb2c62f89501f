import { isTerminal } from '@gallop/engine';
import { GallopClientError, isGallopClientError } from '@gallop/sdk';
import type { StoredWfRunEvent } from '@gallop/sdk';
import type { Command } from 'commander';
import type { Act, Context } from '../context.ts';
import { InterruptedError, NotFoundError } from '../errors.ts';
import { nodeKey, summarize, TYPE_WIDTH } from '../event-summary.ts';
import { integer } from '../parse.ts';

/** A failed subscription as the CLI reports it: graphql-ws hands over close events and plain errors. */
function subscriptionFailure(ctx: Context, error: unknown): unknown {
  if (isGallopClientError(error)) return error;
  const reason = error instanceof Error ? error.message : typeof error === 'object' && error !== null && 'code' in error ? `closed with code ${String(error.code)}` : String(error);
  return new GallopClientError('NETWORK_ERROR', `The event stream from ${ctx.client().url} failed: ${reason}`, { cause: error });
}

/**
 * Prints a WfRun's events, the stored ones first, then each as it is committed, until the WfRun reaches a terminal
 * status after the tail began (or, when it was terminal already, until its last event), or until Ctrl-C.
 */
async function tail(ctx: Context, id: string, afterSeq: number | undefined): Promise<void> {
  const start = await ctx.client().wfRun(id);
  if (!start) throw new NotFoundError('WfRun', id);
  // A WfRun already over ends at its last event; a running one at an end that comes after now, not at an ERROR it
  // was rescued from earlier.
  const doneAt = isTerminal(start.status) ? start.lastSeq : undefined;
  if (doneAt !== undefined && (afterSeq ?? 0) >= doneAt) return;
  const names = new Map<string, string>();
  const print = (e: StoredWfRunEvent) => {
    if (e.event.type === 'NodeRunStarted') names.set(nodeKey(e.event.threadRunNumber, e.event.position), e.event.nodeName);
    if (ctx.json) ctx.io.out(JSON.stringify(e));
    else ctx.io.out(`${String(e.seq).padStart(4)}  ${e.time}  ${e.type.padEnd(TYPE_WIDTH)}  ${summarize(e.event, names)}`.trimEnd());
  };
  const ended = (e: StoredWfRunEvent) =>
    doneAt === undefined ? (e.type === 'WfRunCompleted' || e.type === 'WfRunFailed') && e.seq > start.lastSeq : e.seq >= doneAt;

  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      stop();
      process.off('SIGINT', interrupt);
      if (error === undefined) resolve();
      else reject(error);
    };
    const interrupt = () => finish(new InterruptedError());
    process.on('SIGINT', interrupt);
    const stop = ctx.client().wfRunEvents(
      id,
      {
        next: (e) => {
          if (settled) return;
          print(e);
          if (ended(e)) finish();
        },
        error: (error) => finish(subscriptionFailure(ctx, error)),
        complete: () => finish(new GallopClientError('NETWORK_ERROR', `The server ended the event stream of WfRun '${id}' before the WfRun ended.`)),
      },
      afterSeq,
    );
  });
}

export function addTail(program: Command, act: Act): void {
  program
    .command('tail')
    .description('follow the events of a WfRun live until it completes or fails (Ctrl-C to stop)')
    .argument('<wfRunId>')
    .option('--after-seq <n>', 'skip the events up to this seq (all are printed by default)', integer)
    .action(act(async (ctx, opts: { afterSeq?: number }, id: string) => tail(ctx, id, opts.afterSeq)));
}
