import { formatPath } from '@gallop/engine';
import { GallopClientError, isGallopClientError, isWfSpecBuildError } from '@gallop/sdk';
import type { GallopClient } from '@gallop/sdk';
import type { Command } from 'commander';
import type { Act } from '../context.ts';
import { loadDeployables } from '../deployables.ts';
import type { Deployable } from '../deployables.ts';

/** What one registration answered, tagged with its kind; --json prints a list of these. */
interface Deployed {
  readonly kind: Deployable['kind'];
  readonly result: { readonly name: string; readonly majorVersion?: number; readonly revision?: number; readonly version?: number };
}

async function register(client: GallopClient, item: Deployable): Promise<Deployed['result']> {
  switch (item.kind) {
    case 'TaskDef':
      return client.putTaskDef(item.def);
    case 'ExternalEventDef':
      return client.putExternalEventDef({ name: item.name });
    case 'WorkflowEventDef':
      return client.putWorkflowEventDef({ name: item.name });
    case 'UserTaskDef':
      return client.putUserTaskDef(item.def);
    case 'WfSpec':
      if (!item.workflow) return client.putWfSpec(item.spec);
      try {
        return await item.workflow.register(client);
      } catch (error) {
        if (!isWfSpecBuildError(error)) throw error;
        const problems = error.problems.map((p) => ({ path: p.path, at: formatPath(p.path), code: p.code, message: p.madeBy ? `${p.message} (${p.madeBy})` : p.message }));
        throw new GallopClientError('ValidationError', `The WfSpec is invalid`, { problems });
      }
  }
}

function nameOf(item: Deployable): string {
  switch (item.kind) {
    case 'TaskDef':
    case 'UserTaskDef':
      return item.def.name;
    case 'ExternalEventDef':
    case 'WorkflowEventDef':
      return item.name;
    case 'WfSpec':
      return item.spec.name;
  }
}

function describe({ kind, result }: Deployed): string {
  if (result.majorVersion !== undefined) return `${kind} ${result.name} version ${result.majorVersion}.${result.revision}`;
  if (result.version !== undefined) return `${kind} ${result.name} version ${result.version}`;
  return `${kind} ${result.name}`;
}

export function addDeploy(program: Command, act: Act): void {
  program
    .command('deploy')
    .description('register WfSpecs (and TaskDefs, event defs, UserTaskDefs) from JSON files or SDK modules')
    .argument('<file...>', '.json (a WfSpec, an array, or a bundle) or .ts/.js module exporting Workflows')
    .action(
      act(async (ctx, _opts, files: string[]) => {
        const items = await loadDeployables(files);
        const deployed: Deployed[] = [];
        try {
          for (const item of items) {
            let result: Deployed['result'];
            try {
              result = await register(ctx.client(), item);
            } catch (error) {
              // Name the refused item: a deploy may hold many.
              if (!isGallopClientError(error) || error.code === 'NETWORK_ERROR' || error.code === 'TIMEOUT') throw error;
              throw new GallopClientError(error.code, `${item.kind} '${nameOf(item)}' refused: ${error.message}`, {
                problems: error.problems,
                details: error.details,
                cause: error,
              });
            }
            deployed.push({ kind: item.kind, result });
            if (!ctx.json) ctx.io.out(`deployed ${describe({ kind: item.kind, result })}`);
          }
        } finally {
          // With --json, what did register is printed even when a later item was refused.
          if (ctx.json) ctx.io.out(JSON.stringify(deployed, null, 2));
        }
      }),
    );
}
