import { own, validateWfSpec } from '@gallop/engine';
import type { Catalog, Node, VersionedWfSpec, WfSpec } from '@gallop/engine';
import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { builder } from '../builder.ts';
import { sizeProblem } from '../limits.ts';
import { catalogForSpec, deleteWfSpec, findWfSpec, insertWfSpec, listWfSpecs, highestWfSpecVersions, nextVersion } from '../../store/queries/metadata.ts';
import type { WfSpecRow } from '../../store/queries/metadata.ts';
import { decodeCursor, encodeCursor, NotFoundError, checkedPageArgs, refuseRevisionWithoutMajor, ValidationError, resolveCursorPage } from './common.ts';
import type { InputProblem } from '../errors.ts';
import type { Queryable } from '../../store/db.ts';
import { findUserTaskDef } from '../../store/queries/user-tasks.ts';

export const WfSpecRef = builder.objectRef<WfSpecRow>('WfSpec').implement({
  description: 'A registered version of a workflow program.',
  fields: (t) => ({
    name: t.exposeString('name'),
    majorVersion: t.exposeInt('majorVersion'),
    revision: t.exposeInt('revision'),
    spec: t.field({ type: 'JSON', description: 'The WfSpec JSON, as the SDK writes it and the UI edits it.', resolve: (row) => specOnly(row.spec) }),
    createdAt: t.field({ type: 'DateTime', resolve: (row) => row.createdAt }),
    deletedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When deleteWfSpec deleted it; only a WfRun that runs on it (WfRun.wfSpec) still shows it then.',
      resolve: (row) => row.deletedAt,
    }),
  }),
});

const PutWfSpecInput = builder.inputType('PutWfSpecInput', {
  fields: (t) => ({ spec: t.field({ type: 'JSON', required: true }) }),
});

builder.queryFields((t) => ({
  wfSpec: t.field({
    type: WfSpecRef,
    nullable: true,
    description: 'One version of a WfSpec: the newest, the newest of a major version, or an exact one.',
    args: { name: t.arg.string({ required: true }), majorVersion: t.arg.int(), revision: t.arg.int() },
    resolve: async (_root, args, { services, tenantId }) => {
      refuseRevisionWithoutMajor('wfSpec', args);
      return (await findWfSpec(services.db, tenantId, args.name, args.majorVersion, args.revision)) ?? null;
    },
  }),
  wfSpecs: t.connection({
    type: WfSpecRef,
    description: 'Every version of every WfSpec, or of those whose name starts with `prefix`, by name, then version.',
    args: { prefix: t.arg.string() },
    resolve: (_root, args, { services, tenantId }) =>
      resolveCursorPage(
        { args: checkedPageArgs(args), toCursor: (row: WfSpecRow) => encodeCursor('wfSpecs', [row.name, row.majorVersion, row.revision]), maxSize: 500 },
        ({ after, limit }: ResolveCursorConnectionArgs) => {
          const parts = after === undefined ? undefined : decodeCursor(after, 'wfSpecs', 'sii');
          const cursor = parts && { name: String(parts[0]), majorVersion: Number(parts[1]), revision: Number(parts[2]) };
          return listWfSpecs(services.db, tenantId, cursor, limit, args.prefix);
        },
      ),
  }, { name: 'WfSpecConnection' }, { name: 'WfSpecEdge' }),
}));

builder.mutationFields((t) => ({
  putWfSpec: t.field({
    type: WfSpecRef,
    description: 'Validates a WfSpec with the engine and registers it as a new version (the same spec keeps its version).',
    errors: { types: [ValidationError], directResult: true, union: { name: 'PutWfSpecResult' } },
    args: { input: t.arg({ type: PutWfSpecInput, required: true }) },
    resolve: async (_root, { input }, { services, tenantId }) => {
      const tooLarge = sizeProblem(['input', 'spec'], input.spec, services.limits, 'maxWfSpecBytes');
      if (tooLarge) throw ValidationError.of('The WfSpec is too large', [tooLarge]);
      const catalog = await catalogForSpec(services.db, tenantId, input.spec);
      const problems = validateWfSpec(input.spec, catalog);
      if (problems.length > 0) throw ValidationError.of('The WfSpec is invalid', problems);
      const deletedPins = await deletedUserTaskDefPins(services.db, tenantId, input.spec as unknown as WfSpec);
      if (deletedPins.length > 0) throw ValidationError.of('The WfSpec is invalid', deletedPins);
      const spec = pinVersions(specOnly(input.spec as unknown as WfSpec), catalog);
      // Two registrations racing for the same next version: the loser reads the winner's and tries again.
      for (let attempt = 0; attempt < 5; attempt++) {
        const latest = await findWfSpec(services.db, tenantId, spec.name);
        const next = nextVersion(spec, latest?.spec);
        if (next.same && latest) return latest;
        // Numbered past deleted versions too: a new revision after the highest of its major version, a new major
        // version after the highest of all.
        const highest = await highestWfSpecVersions(services.db, tenantId, spec.name, next.majorVersion);
        const version =
          latest && next.majorVersion === latest.majorVersion
            ? { majorVersion: next.majorVersion, revision: (highest.revision ?? latest.revision) + 1 }
            : { majorVersion: highest.major === null ? 0 : highest.major + 1, revision: 0 };
        const versioned: VersionedWfSpec = { ...spec, majorVersion: version.majorVersion, revision: version.revision };
        const row = await insertWfSpec(services.db, tenantId, versioned);
        if (row) {
          services.metadata.remember(tenantId, versioned);
          return row;
        }
      }
      throw new Error(`Could not register WfSpec ${spec.name}: its versions keep changing`);
    },
  }),
  deleteWfSpec: t.field({
    type: builder.objectRef<{ name: string; majorVersion: number; revision: number }>('DeletedWfSpec').implement({
      fields: (f) => ({ name: f.exposeString('name'), majorVersion: f.exposeInt('majorVersion'), revision: f.exposeInt('revision') }),
    }),
    description:
      'Deletes one version of a WfSpec: no WfRun starts on it any more (runWf by name takes the newest version left) and it leaves the WfSpecs lists. WfRuns already running on it finish on it, and WfRun.wfSpec still shows it; its number is not given to another version.',
    errors: { types: [NotFoundError], directResult: true, union: { name: 'DeleteWfSpecResult' } },
    args: {
      input: t.arg({
        type: builder.inputType('DeleteWfSpecInput', {
          fields: (f) => ({ name: f.string({ required: true }), majorVersion: f.int({ required: true }), revision: f.int({ required: true }) }),
        }),
        required: true,
      }),
    },
    resolve: async (_root, { input }, { services, tenantId }) => {
      if (!(await deleteWfSpec(services.db, tenantId, input, new Date(services.clock())))) {
        throw new NotFoundError('WfSpec', `${input.name} ${input.majorVersion}.${input.revision}`);
      }
      services.metadataDeleted(tenantId);
      return { name: input.name, majorVersion: input.majorVersion, revision: input.revision };
    },
  }),
}));

/**
 * USER_TASK nodes that pin a UserTaskDef version since deleted: validation knows only the newest version of each
 * def, and refuses pins above it. Read only for a spec that has passed validation, so its shape is sound.
 */
async function deletedUserTaskDefPins(db: Queryable, tenantId: string, spec: WfSpec): Promise<InputProblem[]> {
  const problems: InputProblem[] = [];
  for (const [thread, threadSpec] of Object.entries(spec.threadSpecs)) {
    for (const [name, node] of Object.entries(threadSpec.nodes)) {
      if (node.type !== 'USER_TASK' || node.userTaskDefVersion === undefined) continue;
      if (await findUserTaskDef(db, tenantId, node.userTaskDefName, node.userTaskDefVersion)) continue;
      problems.push({
        path: ['threadSpecs', thread, 'nodes', name, 'userTaskDefVersion'],
        code: 'UNKNOWN_USER_TASK_DEF',
        message: `USER_TASK '${name}' pins version ${node.userTaskDefVersion} of UserTaskDef '${node.userTaskDefName}', which was deleted.`,
      });
    }
  }
  return problems;
}

/**
 * Pins what a node leaves to "the newest" to the newest as of this registration, as LittleHorse does at PutWfSpec, so
 * that registering a new version of what a node names reaches the WfSpec only when the WfSpec is registered again
 * (an unchanged one then gets a new revision if the newest has changed, else keeps its version):
 * - a RUN_CHILD_WF that names no major version runs the child's newest major version (a breaking new major version
 *   of the child, say one requiring a new variable, would otherwise reach the parent at once). A WfSpec that runs
 *   itself is left unpinned: it runs its own newest version, the one being registered included.
 * - a USER_TASK that names no UserTaskDef version uses the newest version (LittleHorse's UserTaskNodeModel.validate).
 * `catalog` is the one the spec was validated with, so every def a node names is in it.
 */
function pinVersions(spec: WfSpec, catalog: Pick<Catalog, 'wfSpecs' | 'userTaskDefs'>): WfSpec {
  const pin = (node: Node): Node => {
    if (node.type === 'RUN_CHILD_WF' && node.majorVersion === undefined && node.wfSpecName !== spec.name) {
      const child = own(catalog.wfSpecs, node.wfSpecName);
      return child ? { ...node, majorVersion: child.majorVersion } : node;
    }
    if (node.type === 'USER_TASK' && node.userTaskDefVersion === undefined) {
      const def = own(catalog.userTaskDefs, node.userTaskDefName);
      return def ? { ...node, userTaskDefVersion: def.version } : node;
    }
    return node;
  };
  const threadSpecs = Object.fromEntries(
    Object.entries(spec.threadSpecs).map(([threadName, thread]) => [
      threadName,
      { ...thread, nodes: Object.fromEntries(Object.entries(thread.nodes).map(([nodeName, node]) => [nodeName, pin(node)])) },
    ]),
  );
  return { ...spec, threadSpecs };
}

/** The spec without version fields, as users write it. */
function specOnly(spec: WfSpec): WfSpec {
  const { name, entrypointThreadName, threadSpecs } = spec;
  return { name, entrypointThreadName, threadSpecs };
}
