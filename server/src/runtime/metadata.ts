import type { Catalog, ExternalEventDef, TaskDef, VersionedWfSpec, WfSpecId } from '@gallop/engine';
import { NotFoundError } from '../graphql/errors.ts';
import type { Queryable } from '../store/db.ts';
import { findExternalEventDef, findTaskDef, findWfSpec, listTaskDefs } from '../store/queries/metadata.ts';

/** How many TaskDefs a dynamic TASK can choose from; a tenant with more needs the names resolved another way. */
const MAX_TASK_DEFS = 10_000;

/**
 * Reads WfSpecs and TaskDefs for decisions. Both are immutable once registered, so each is read from the
 * database once per process and served from memory after that. Reads go through the caller's `db`, which may
 * be a transaction: PGlite has one connection, so a read beside an open transaction would wait for it forever.
 */
export class Metadata {
  readonly #specs = new Map<string, VersionedWfSpec>();
  readonly #taskDefs = new Map<string, TaskDef>();
  readonly #eventDefs = new Map<string, ExternalEventDef>();

  async wfSpec(db: Queryable, tenantId: string, id: WfSpecId): Promise<VersionedWfSpec> {
    const key = `${tenantId}\u0000${id.name}\u0000${id.majorVersion}\u0000${id.revision}`;
    const cached = this.#specs.get(key);
    if (cached) return cached;
    const row = await findWfSpec(db, tenantId, id.name, id.majorVersion, id.revision);
    if (!row) throw new NotFoundError('WfSpec', `${id.name} ${id.majorVersion}.${id.revision}`);
    this.#specs.set(key, row.spec);
    return row.spec;
  }

  remember(tenantId: string, spec: VersionedWfSpec): void {
    this.#specs.set(`${tenantId}\u0000${spec.name}\u0000${spec.majorVersion}\u0000${spec.revision}`, spec);
  }

  /**
   * The TaskDefs a WfSpec names; a TaskDef missing here fails its node at run time with TASK_ERROR. A WfSpec with a
   * dynamic TASK may run any TaskDef, including one registered after it, so it gets all of the tenant's, read afresh.
   */
  async catalogFor(db: Queryable, tenantId: string, spec: VersionedWfSpec): Promise<Catalog> {
    const names = new Set<string>();
    const eventNames = new Set<string>();
    let dynamic = false;
    for (const thread of Object.values(spec.threadSpecs)) {
      for (const node of Object.values(thread.nodes)) {
        if (node.type === 'TASK' && node.taskDefName !== undefined) names.add(node.taskDefName);
        if (node.type === 'TASK' && node.dynamicTaskDefName !== undefined) dynamic = true;
        if (node.type === 'EXTERNAL_EVENT') eventNames.add(node.externalEventDefName);
      }
    }
    const taskDefs: Record<string, TaskDef> = {};
    if (dynamic) for (const row of await listTaskDefs(db, tenantId, undefined, MAX_TASK_DEFS)) names.add(row.name);
    for (const name of names) {
      const def = await this.taskDef(db, tenantId, name);
      if (def) taskDefs[name] = def;
    }
    const externalEventDefs: Record<string, ExternalEventDef> = {};
    for (const name of eventNames) {
      const key = `${tenantId}\u0000${name}`;
      const def = this.#eventDefs.get(key) ?? (await findExternalEventDef(db, tenantId, name))?.def;
      if (def) {
        this.#eventDefs.set(key, def);
        externalEventDefs[name] = def;
      }
    }
    return { taskDefs, externalEventDefs };
  }

  async taskDef(db: Queryable, tenantId: string, name: string): Promise<TaskDef | undefined> {
    const key = `${tenantId}\u0000${name}`;
    const cached = this.#taskDefs.get(key);
    if (cached) return cached;
    const row = await findTaskDef(db, tenantId, name);
    if (row) this.#taskDefs.set(key, row.def);
    return row?.def;
  }
}
