import type { JsonValue } from '@gallop/engine';
import type { Command } from 'commander';
import type { Act } from '../context.ts';
import { integer, jsonOrString } from '../parse.ts';
import { eventDefView, externalEventView } from '../views.ts';

export function addPut(program: Command, act: Act): void {
  const put = program.command('put').description('send an ExternalEvent, or register an event def').usage('<kind> <args...> [options]');

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
