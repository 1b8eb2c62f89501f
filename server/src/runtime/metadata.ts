import { prepareWfSpec } from '@gallop/engine';
import type { Catalog, Command, ExternalEventDef, PreparedWfSpec, TaskDef, UserTaskDef, VersionedWfSpec, WfRunState, WfSpecId } from '@gallop/engine';
import { NotFoundError } from '../graphql/errors.ts';
import type { Queryable, Store } from '../store/db.ts';
import { findExternalEventDef, findTaskDef, findWfSpec, listTaskDefs, NEWEST_VERSION } from '../store/queries/metadata.ts';
import { findNewestUserTaskDefs, findUserTaskDef } from '../store/queries/user-tasks.ts';

function specKey(tenantId: string, id: WfSpecId): string {
  return `${tenantId}\u0000${id.name}\u0000${id.majorVersion}\u0000${id.revision}`;
}

/** How many TaskDefs a dynamic TASK can choose from; a tenant with more needs the names resolved another way. */
const MAX_TASK_DEFS = 10_000;

/**
 * Reads WfSpecs, TaskDefs and UserTaskDef versions for decisions. Each is read from the database once per process
 * and served from memory after that (only "the newest version" is read afresh). A deletion, here or in another
 * process (news over NOTIFY), makes the process forget what it kept of that tenant's metadata (`forget`); a read
 * that was on its way meanwhile is not kept. Reads go through the caller's `db`, which may be a transaction: PGlite
 * has one connection, so a read beside an open transaction would wait for it forever.
 */
export class Metadata {
  /** Deleted versions too, marked: WfRuns that run on one still need it. */
  readonly #specs = new Map<string, { spec: VersionedWfSpec; deleted: boolean; prepared?: PreparedWfSpec }>();
  readonly #taskDefs = new Map<string, TaskDef>();
  readonly #eventDefs = new Map<string, ExternalEventDef>();
  readonly #userTaskDefs = new Map<string, { def: UserTaskDef; deleted: boolean }>();
  /** By WfSpec version: its catalog, once every def it names was found (see catalogFor). */
  readonly #catalogs = new Map<string, Catalog>();
  /** Counts `forget`s: what a read brings back is kept only if none came while it was on its way. */
  #generation = 0;

  /** A WfSpec version a WfRun runs on, deleted or not. */
  async wfSpec(db: Queryable, tenantId: string, id: WfSpecId): Promise<VersionedWfSpec> {
    const spec = await this.version(db, tenantId, id);
    if (!spec) throw new NotFoundError('WfSpec', `${id.name} ${id.majorVersion}.${id.revision}`);
    return spec;
  }

  /**
   * The WfSpec a runWf names: a version, the newest revision of a major version, or the newest of all; never a
   * deleted one. The newest is looked up each time (another process may have registered one) by a small prepared
   * query; the spec itself comes from memory once read.
   */
  async findWfSpec(store: Store, tenantId: string, name: string, majorVersion?: number | null, revision?: number | null): Promise<VersionedWfSpec | undefined> {
    if (majorVersion != null && revision != null) return this.runnable(store.db, tenantId, { name, majorVersion, revision });
    const [newest] = await store.run<{ major_version: number; revision: number }>(NEWEST_VERSION, [tenantId, name, majorVersion ?? null]);
    return newest ? this.version(store.db, tenantId, { name, majorVersion: newest.major_version, revision: newest.revision }) : undefined;
  }

  /**
   * What decisions ask of a version again and again (the engine's prepareWfSpec), worked out once per version kept;
   * for a version not kept (or kept as another object), worked out afresh.
   */
  prepared(tenantId: string, spec: VersionedWfSpec): PreparedWfSpec {
    const kept = this.#specs.get(specKey(tenantId, spec));
    if (kept?.spec !== spec) return prepareWfSpec(spec);
    kept.prepared ??= prepareWfSpec(spec);
    return kept.prepared;
  }

  remember(tenantId: string, spec: VersionedWfSpec): void {
    this.#specs.set(specKey(tenantId, spec), { spec, deleted: false });
  }

  /** One version, deleted or not, from memory or else read once. */
  async version(db: Queryable, tenantId: string, id: WfSpecId): Promise<VersionedWfSpec | undefined> {
    return (await this.#spec(db, tenantId, id))?.spec;
  }

  /** One version that new WfRuns may start on: undefined when it is deleted. */
  async runnable(db: Queryable, tenantId: string, id: WfSpecId): Promise<VersionedWfSpec | undefined> {
    const found = await this.#spec(db, tenantId, id);
    return found && !found.deleted ? found.spec : undefined;
  }

  async #spec(db: Queryable, tenantId: string, id: WfSpecId): Promise<{ spec: VersionedWfSpec; deleted: boolean } | undefined> {
    const key = specKey(tenantId, id);
    const cached = this.#specs.get(key);
    if (cached) return cached;
    const generation = this.#generation;
    const row = await findWfSpec(db, tenantId, id.name, id.majorVersion, id.revision, { includeDeleted: true });
    const found = row && { spec: row.spec, deleted: row.deletedAt !== null };
    if (found && generation === this.#generation) this.#specs.set(key, found);
    return found;
  }

  /** Drops what is kept of a tenant's metadata: some of it was deleted (here, or in another process). */
  forget(tenantId: string): void {
    this.#generation++;
    const prefix = `${tenantId}\u0000`;
    for (const map of [this.#specs, this.#taskDefs, this.#eventDefs, this.#userTaskDefs, this.#catalogs]) {
      for (const key of map.keys()) if (key.startsWith(prefix)) map.delete(key);
    }
  }

  /** Drops everything kept: news of deletions may have been lost. */
  forgetAll(): void {
    this.#generation++;
    for (const map of [this.#specs, this.#taskDefs, this.#eventDefs, this.#userTaskDefs, this.#catalogs]) map.clear();
  }

  /**
   * The TaskDefs a WfSpec names; a TaskDef missing here fails its node at run time with TASK_ERROR. A WfSpec with a
   * dynamic TASK may run any TaskDef, including one registered after it, so it gets all of the tenant's, read afresh.
   * UserTaskDefs: see #userTaskDefsFor.
   */
  async catalogFor(db: Queryable, tenantId: string, spec: VersionedWfSpec, pins: UserTaskDefPins = new Map()): Promise<Catalog> {
    const key = specKey(tenantId, spec);
    const kept = this.#catalogs.get(key);
    if (kept) return kept;
    const generation = this.#generation;
    const names = new Set<string>();
    const eventNames = new Set<string>();
    /** By UserTaskDef name: the versions USER_TASK nodes pin, with null for a node that pins none. */
    const userTaskVersions = new Map<string, Set<number | null>>();
    let dynamic = false;
    for (const thread of Object.values(spec.threadSpecs)) {
      for (const node of Object.values(thread.nodes)) {
        if (node.type === 'TASK' && node.taskDefName !== undefined) names.add(node.taskDefName);
        if (node.type === 'TASK' && node.dynamicTaskDefName !== undefined) dynamic = true;
        if (node.type === 'EXTERNAL_EVENT') eventNames.add(node.externalEventDefName);
        if (node.type === 'USER_TASK') {
          // A TASK action (a reminder) runs a TaskDef as a TASK node does.
          for (const { action } of node.actions ?? []) {
            if (action.type === 'TASK' && action.task.taskDefName !== undefined) names.add(action.task.taskDefName);
            if (action.type === 'TASK' && action.task.dynamicTaskDefName !== undefined) dynamic = true;
          }
          const versions = userTaskVersions.get(node.userTaskDefName) ?? new Set();
          versions.add(node.userTaskDefVersion ?? null);
          userTaskVersions.set(node.userTaskDefName, versions);
        }
      }
    }
    const taskDefs: Record<string, TaskDef> = {};
    if (dynamic) {
      // Every TaskDef comes with its def: cache them as they are rather than read each again by name.
      const rows = await listTaskDefs(db, tenantId, undefined, MAX_TASK_DEFS);
      for (const row of rows) {
        if (generation === this.#generation) this.#taskDefs.set(`${tenantId}\u0000${row.name}`, row.def);
        taskDefs[row.name] = row.def;
        names.delete(row.name);
      }
    }
    for (const name of names) {
      const def = await this.taskDef(db, tenantId, name);
      if (def) taskDefs[name] = def;
    }
    const externalEventDefs: Record<string, ExternalEventDef> = {};
    for (const name of eventNames) {
      const key = `${tenantId}\u0000${name}`;
      const def = this.#eventDefs.get(key) ?? (await findExternalEventDef(db, tenantId, name))?.def;
      if (def) {
        if (generation === this.#generation) this.#eventDefs.set(key, def);
        externalEventDefs[name] = def;
      }
    }
    if (userTaskVersions.size === 0) {
      const catalog = { taskDefs, externalEventDefs };
      // Every command of a WfRun asks again: kept once nothing in it can change, that is when no TASK is dynamic (it
      // may name a TaskDef registered later) and every def it names exists (one missing may be registered later).
      const complete = !dynamic && names.size === Object.keys(taskDefs).length && eventNames.size === Object.keys(externalEventDefs).length;
      if (complete && generation === this.#generation) this.#catalogs.set(key, catalog);
      return catalog;
    }
    return { taskDefs, externalEventDefs, userTaskDefs: await this.#userTaskDefsFor(db, tenantId, userTaskVersions, pins) };
  }

  /**
   * The engine's catalog holds one version of each UserTaskDef: the one a command's UserTaskRun was created with when
   * it is pinned (completion checks results against that version's fields), else the version the WfSpec's nodes pin,
   * else the newest, read afresh since another process may have registered a newer one. Nodes that pin different
   * versions of one def get the highest of them (the newest, for a node that pins none). A deleted version serves
   * only the UserTaskRuns made with it.
   */
  async #userTaskDefsFor(
    db: Queryable,
    tenantId: string,
    versions: ReadonlyMap<string, ReadonlySet<number | null>>,
    pins: UserTaskDefPins,
  ): Promise<Record<string, UserTaskDef>> {
    const found: Record<string, UserTaskDef> = {};
    const unpinned = [...versions].filter(([name, v]) => !pins.has(name) && v.has(null)).map(([name]) => name);
    const newest = new Map((await findNewestUserTaskDefs(db, tenantId, unpinned)).map((def) => [def.name, def]));
    for (const [name, pinned] of versions) {
      const pin = pins.get(name);
      if (pin !== undefined) {
        const def = await this.userTaskDef(db, tenantId, name, pin, { includeDeleted: true });
        if (def) found[name] = def;
        continue;
      }
      // Highest first; a version deleted since a node pinned it gives way to the next (that node fails either way).
      const candidates = [...pinned].filter((v) => v !== null);
      const latest = newest.get(name);
      if (pinned.has(null) && latest) candidates.push(latest.version);
      for (const version of candidates.sort((a, b) => b - a)) {
        const def = latest?.version === version ? latest : await this.userTaskDef(db, tenantId, name, version);
        if (def) {
          found[name] = def;
          break;
        }
      }
    }
    return found;
  }

  /** One version of a UserTaskDef; a deleted one only with `includeDeleted`. */
  async userTaskDef(db: Queryable, tenantId: string, name: string, version: number, { includeDeleted = false } = {}): Promise<UserTaskDef | undefined> {
    const key = `${tenantId}\u0000${name}\u0000${version}`;
    let found = this.#userTaskDefs.get(key);
    if (!found) {
      const generation = this.#generation;
      const row = await findUserTaskDef(db, tenantId, name, version, { includeDeleted: true });
      found = row && { def: row.def, deleted: row.deletedAt !== null };
      if (found && generation === this.#generation) this.#userTaskDefs.set(key, found);
    }
    return found && (includeDeleted || !found.deleted) ? found.def : undefined;
  }

  async taskDef(db: Queryable, tenantId: string, name: string): Promise<TaskDef | undefined> {
    const key = `${tenantId}\u0000${name}`;
    const cached = this.#taskDefs.get(key);
    if (cached) return cached;
    const generation = this.#generation;
    const row = await findTaskDef(db, tenantId, name);
    if (row && generation === this.#generation) this.#taskDefs.set(key, row.def);
    return row?.def;
  }
}

/** UserTaskDef versions a command needs whatever the WfSpec says, by name. */
export type UserTaskDefPins = ReadonlyMap<string, number>;

/**
 * A CompleteUserTaskRun or SaveUserTaskRunProgress is checked against the UserTaskDef version its UserTaskRun was
 * created with, which may be older than the newest when the node pins none.
 */
export function userTaskDefPins(state: WfRunState | undefined, command: Command): UserTaskDefPins {
  if ((command.type !== 'CompleteUserTaskRun' && command.type !== 'SaveUserTaskRunProgress') || !state) return new Map();
  for (const thread of state.threadRuns) {
    const run = thread.currentNodeRun?.userTaskRun;
    if (run?.userTaskGuid === command.userTaskGuid) return new Map([[run.userTaskDefName, run.userTaskDefVersion]]);
  }
  return new Map();
}
