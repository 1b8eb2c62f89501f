import type { JsonValue } from '@gallop/engine';
import type { Command } from 'commander';
import type { Act } from '../context.ts';
import { integer, jsonOrString } from '../parse.ts';
import { correlatedEventsTable, eventDefView, externalEventView } from '../views.ts';

export function addPut(program: Command, act: Act): void {
  const put = program.command('put').description('send an ExternalEvent or a CorrelatedEvent, or register an event def').usage('<kind> <args...> [options]');

  put
    .command('externalEvent')
    .description('send an ExternalEvent to a WfRun (which may not exist yet)')
    .argument('<wfRunId>')
    .argument('<externalEventDef>')
    .option('--content <json>', 'the content: JSON when it parses, else a string', jsonOrString)
    .option('--guid <guid>', 'makes the send idempotent (random by default)')
    .option('--thread <n>', 'only this ThreadRun takes it', integer)
    .option('--position <n>', 'only the EXTERNAL_EVENT NodeRun at this position takes it', integer)
    .action(
      act(async (ctx, opts: { content?: JsonValue; guid?: string; thread?: number; position?: number }, wfRunId: string, externalEventDefName: string) => {
        const event = await ctx.client().putExternalEvent({
          wfRunId,
          externalEventDefName,
          content: opts.content,
          guid: opts.guid,
          threadRunNumber: opts.thread,
          nodeRunPosition: opts.position,
        });
        ctx.emit(event, () => externalEventView(event));
      }),
    );

  put
    .command('correlatedEvent')
    .description('send a CorrelatedEvent: every WfRun waiting on the ExternalEventDef with this correlation key takes it, now or when it arrives')
    .argument('<externalEventDef>')
    .argument('<key>')
    .option('--content <json>', 'the content: JSON when it parses, else a string', jsonOrString)
    .action(
      act(async (ctx, opts: { content?: JsonValue }, externalEventDefName: string, key: string) => {
        const event = await ctx.client().putCorrelatedEvent({ externalEventDefName, key, content: opts.content });
        ctx.emit(event, () => correlatedEventsTable([event]));
      }),
    );

  put
    .command('externalEventDef')
    .description('register an ExternalEventDef (an existing name is returned as it is)')
    .argument('<name>')
    .action(
      act(async (ctx, _opts, name: string) => {
        const def = await ctx.client().putExternalEventDef({ name });
        ctx.emit(def, () => eventDefView(def));
      }),
    );

  put
    .command('workflowEventDef')
    .description('register a WorkflowEventDef')
    .argument('<name>')
    .action(
      act(async (ctx, _opts, name: string) => {
        const def = await ctx.client().putWorkflowEventDef({ name });
        ctx.emit(def, () => eventDefView(def));
      }),
    );
}
