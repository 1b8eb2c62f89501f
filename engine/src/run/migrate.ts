import { own } from '../spec/own.ts';
import type { Problem } from '../spec/problem.ts';
import type { VersionedWfSpec, WfSpecId } from '../spec/types.ts';
import type { JsonValue } from '../values/value.ts';
import { aType } from '../values/value.ts';
import type { WfRunState } from './state.ts';
import { isTerminal } from './state.ts';

/** What moving a WfRun to another WfSpec revision would do, or why it cannot. */
export type MigrationPlan =
  | {
      readonly ok: true;
      /** Variables the new revision declares for threads that already run, with their first values. */
      readonly newVariables: readonly { readonly threadRunNumber: number; readonly name: string; readonly value: JsonValue }[];
    }
  | { readonly ok: false; readonly message: string; readonly problems: readonly Problem[] };

/**
 * Whether a WfRun can move from the revision it runs on to `to`, and what that takes. Our rules, stricter than
 * LittleHorse's experimental migration: only a later revision of the same major version (revisions never change
 * public variables), every thread that stands on a node (or may be rescued there) finds its ThreadSpec and a node
 * of the same name and type (an EXTERNAL_EVENT node it waits at, for the same ExternalEventDef), and every variable a thread holds is still declared with the same type. Problems name
 * the place in the new revision that a WfRun of `state` cannot stand on, so an editor can mark it.
 */
export function planMigration(state: WfRunState, from: VersionedWfSpec, to: VersionedWfSpec): MigrationPlan {
  const refuse = (message: string, problems: Problem[] = []) => ({ ok: false as const, message, problems });
  if (state.status === 'COMPLETED') return refuse(`WfRun ${state.id} has completed; there is nothing left to migrate.`);
  if (to.name !== from.name || to.majorVersion !== from.majorVersion) {
    return refuse(`WfRun ${state.id} runs ${describe(from)}; it can move only to a later revision of major version ${from.majorVersion}, not to ${describe(to)}.`);
  }
  if (to.revision <= from.revision) return refuse(`WfRun ${state.id} runs ${describe(from)}; ${describe(to)} is not a later revision.`);

  const problems: Problem[] = [];
  const newVariables: { threadRunNumber: number; name: string; value: JsonValue }[] = [];
  for (const thread of state.threadRuns) {
    const threadPath = ['threadSpecs', thread.threadSpecName];
    const spec = own(to.threadSpecs, thread.threadSpecName);
    const needed = !isTerminal(thread.status) || thread.currentNodeRun !== undefined;
    if (!spec) {
      if (needed) problems.push({ path: threadPath, code: 'MISSING_THREAD', message: `ThreadRun ${thread.number} runs ThreadSpec '${thread.threadSpecName}', which ${describe(to)} removes.` });
      continue;
    }
    const nodeRun = thread.currentNodeRun;
    if (nodeRun) {
      const node = own(spec.nodes, nodeRun.nodeName);
      const nodePath = [...threadPath, 'nodes', nodeRun.nodeName];
      if (!node) problems.push({ path: nodePath, code: 'MISSING_NODE', message: `ThreadRun ${thread.number} stands on node '${nodeRun.nodeName}', which ${describe(to)} removes.` });
      else if (node.type !== nodeRun.nodeType) {
        problems.push({ path: [...nodePath, 'type'], code: 'TYPE_MISMATCH', message: `ThreadRun ${thread.number} stands on '${nodeRun.nodeName}', a ${nodeRun.nodeType} node that ${describe(to)} makes a ${node.type}.` });
      } else if (node.type === 'EXTERNAL_EVENT' && !isTerminal(nodeRun.status)) {
        // A NodeRun waiting for one ExternalEventDef would wait for another: what was sent for it, and where it is
        // found by (a correlation marker, a search by def), would no longer meet it.
        const waitsFor = own(own(from.threadSpecs, thread.threadSpecName)?.nodes ?? {}, nodeRun.nodeName);
        if (waitsFor?.type === 'EXTERNAL_EVENT' && waitsFor.externalEventDefName !== node.externalEventDefName) {
          problems.push({
            path: [...nodePath, 'externalEventDefName'],
            code: 'TYPE_MISMATCH',
            message: `ThreadRun ${thread.number} waits at '${nodeRun.nodeName}' for ExternalEventDef '${waitsFor.externalEventDefName}'; ${describe(to)} makes it wait for '${node.externalEventDefName}'.`,
          });
        }
      }
    }
    const defs = spec.variableDefs ?? [];
    for (const name of Object.keys(thread.variables)) {
      const before = own(from.threadSpecs, thread.threadSpecName)?.variableDefs?.find((d) => d.name === name);
      const after = defs.find((d) => d.name === name);
      if (!after) problems.push({ path: [...threadPath, 'variableDefs'], code: 'UNKNOWN_VARIABLE', message: `ThreadRun ${thread.number} holds variable '${name}', which ${describe(to)} no longer declares.` });
      else if (before && before.type !== after.type) {
        problems.push({ path: [...threadPath, 'variableDefs', defs.indexOf(after), 'type'], code: 'TYPE_MISMATCH', message: `Variable '${name}' is ${aType(before.type)} in ThreadRun ${thread.number}; ${describe(to)} makes it ${aType(after.type)}.` });
      }
    }
    if (!isTerminal(thread.status)) {
      for (const def of defs) {
        if (!Object.hasOwn(thread.variables, def.name)) newVariables.push({ threadRunNumber: thread.number, name: def.name, value: def.defaultValue ?? null });
      }
    }
  }
  if (problems.length > 0) return refuse(`WfRun ${state.id} cannot move to ${describe(to)}: ${problems.map((p) => p.message).join(' ')}`, problems);
  return { ok: true, newVariables };
}

function describe(id: WfSpecId): string {
  return `${id.name} ${id.majorVersion}.${id.revision}`;
}
