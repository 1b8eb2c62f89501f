import type { Catalog, ExternalEventDef, TaskDef, UserTaskDef, VersionedWfSpec, WfSpec, WfSpecId, WfSpecSummary, WorkflowEventDef } from '@gallop/engine';
import { and, asc, desc, eq, gt, isNull, max, or, sql } from 'drizzle-orm';
import type { Queryable } from '../db.ts';
import { externalEventDefs, taskDefs, wfSpecs, workflowEventDefs } from '../schema.ts';
import { startsWith } from './starts-with.ts';
import { findNewestUserTaskDefs } from './user-tasks.ts';

/** The newest version of a WfSpec ($1 tenant, $2 name) that is not deleted, within major version $3 when it is not null. */
export const NEWEST_VERSION = `select major_version, revision from wf_specs where tenant_id = $1 and name = $2 and deleted_at is null
  and ($3::integer is null or major_version = $3::integer) order by major_version desc, revision desc limit 1`;

export type TaskDefRow = typeof taskDefs.$inferSelect;
export type WfSpecRow = typeof wfSpecs.$inferSelect;
export type ExternalEventDefRow = typeof externalEventDefs.$inferSelect;

export async function findTaskDef(db: Queryable, tenantId: string, name: string): Promise<TaskDefRow | undefined> {
  const [row] = await db.select().from(taskDefs).where(and(eq(taskDefs.tenantId, tenantId), eq(taskDefs.name, name)));
  return row;
}

/** Inserts a TaskDef unless one of that name exists; returns the stored row and whether it was new. */
export async function insertTaskDef(db: Queryable, tenantId: string, def: TaskDef): Promise<{ row: TaskDefRow; created: boolean }> {
  const [created] = await db.insert(taskDefs).values({ tenantId, name: def.name, def }).onConflictDoNothing().returning();
  if (created) return { row: created, created: true };
  const existing = await findTaskDef(db, tenantId, def.name);
  if (!existing) throw new Error(`TaskDef ${def.name} vanished while it was being registered`);
  return { row: existing, created: false };
}

export async function listTaskDefs(db: Queryable, tenantId: string, after: string | undefined, limit: number, prefix?: string | null): Promise<TaskDefRow[]> {
  const where = and(eq(taskDefs.tenantId, tenantId), after === undefined ? undefined : gt(taskDefs.name, after), startsWith(taskDefs.name, prefix));
  return db.select().from(taskDefs).where(where).orderBy(asc(taskDefs.name)).limit(limit);
}

/** A definition kept by name alone, deleted for good (versioned ones are marked deleted instead). */
type NamedDefTable = typeof taskDefs | typeof externalEventDefs | typeof workflowEventDefs;

/** Deletes a TaskDef, ExternalEventDef or WorkflowEventDef by name; whether it was there. */
export async function deleteNamedDef(db: Queryable, table: NamedDefTable, tenantId: string, name: string): Promise<boolean> {
  const rows = await db.delete(table).where(and(eq(table.tenantId, tenantId), eq(table.name, name))).returning({ name: table.name });
  return rows.length > 0;
}

/**
 * The newest WfSpec of `name`, or of one major version of it, or one exact version; deleted versions only with
 * `includeDeleted` (what a WfRun that runs on one needs).
 */
export async function findWfSpec(
  db: Queryable,
  tenantId: string,
  name: string,
  majorVersion?: number | null,
  revision?: number | null,
  { includeDeleted = false }: { includeDeleted?: boolean } = {},
): Promise<WfSpecRow | undefined> {
  const conditions = [eq(wfSpecs.tenantId, tenantId), eq(wfSpecs.name, name)];
  if (!includeDeleted) conditions.push(isNull(wfSpecs.deletedAt));
  if (majorVersion != null) conditions.push(eq(wfSpecs.majorVersion, majorVersion));
  if (majorVersion != null && revision != null) conditions.push(eq(wfSpecs.revision, revision));
  const [row] = await db
    .select()
    .from(wfSpecs)
    .where(and(...conditions))
    .orderBy(desc(wfSpecs.majorVersion), desc(wfSpecs.revision))
    .limit(1);
  return row;
}

/**
 * The ids of every version of a WfSpec, deleted ones too (WfRuns may still run on them), oldest first (the specs
 * themselves come from the Metadata cache).
 */
export async function listWfSpecVersions(db: Queryable, tenantId: string, name: string): Promise<WfSpecId[]> {
  return db
    .select({ name: wfSpecs.name, majorVersion: wfSpecs.majorVersion, revision: wfSpecs.revision })
    .from(wfSpecs)
    .where(and(eq(wfSpecs.tenantId, tenantId), eq(wfSpecs.name, name)))
    .orderBy(asc(wfSpecs.majorVersion), asc(wfSpecs.revision));
}

/**
 * The highest major version a WfSpec has had and the highest revision within `majorVersion`, deleted ones included:
 * a new version is numbered past them, so that a version's number always means one spec.
 */
export async function highestWfSpecVersions(db: Queryable, tenantId: string, name: string, majorVersion: number): Promise<{ major: number | null; revision: number | null }> {
  const [row] = await db
    .select({ major: max(wfSpecs.majorVersion), revision: sql<number | null>`max(${wfSpecs.revision}) filter (where ${wfSpecs.majorVersion} = ${majorVersion})` })
    .from(wfSpecs)
    .where(and(eq(wfSpecs.tenantId, tenantId), eq(wfSpecs.name, name)));
  return { major: row?.major ?? null, revision: row?.revision ?? null };
}

/** Marks a version deleted (see wfSpecs.deletedAt); whether it was there and not deleted already. */
export async function deleteWfSpec(db: Queryable, tenantId: string, id: WfSpecId, at: Date): Promise<boolean> {
  const rows = await db
    .update(wfSpecs)
    .set({ deletedAt: at })
    .where(
      and(
        eq(wfSpecs.tenantId, tenantId),
        eq(wfSpecs.name, id.name),
        eq(wfSpecs.majorVersion, id.majorVersion),
        eq(wfSpecs.revision, id.revision),
        isNull(wfSpecs.deletedAt),
      ),
    )
    .returning({ name: wfSpecs.name });
  return rows.length > 0;
}

export async function insertWfSpec(db: Queryable, tenantId: string, spec: VersionedWfSpec): Promise<WfSpecRow | undefined> {
  const [row] = await db
    .insert(wfSpecs)
    .values({ tenantId, name: spec.name, majorVersion: spec.majorVersion, revision: spec.revision, spec })
    .onConflictDoNothing()
    .returning();
  return row;
}

export interface WfSpecCursor {
  readonly name: string;
  readonly majorVersion: number;
  readonly revision: number;
}

/** Versions that are not deleted, by name, then version. */
export async function listWfSpecs(db: Queryable, tenantId: string, after: WfSpecCursor | undefined, limit: number, prefix?: string | null): Promise<WfSpecRow[]> {
  const tenant = and(eq(wfSpecs.tenantId, tenantId), isNull(wfSpecs.deletedAt), startsWith(wfSpecs.name, prefix));
  const where = after
    ? and(
        tenant,
        or(
          gt(wfSpecs.name, after.name),
          and(eq(wfSpecs.name, after.name), gt(wfSpecs.majorVersion, after.majorVersion)),
          and(eq(wfSpecs.name, after.name), eq(wfSpecs.majorVersion, after.majorVersion), gt(wfSpecs.revision, after.revision)),
        ),
      )
    : tenant;
  return db
    .select()
    .from(wfSpecs)
    .where(where)
    .orderBy(asc(wfSpecs.name), asc(wfSpecs.majorVersion), asc(wfSpecs.revision))
    .limit(limit);
}

/**
 * The version a new spec takes after `latest` (LittleHorse's rule, simplified until issue 3): the same spec keeps
 * its version; a change to the declared variables (names, types, required) is breaking and starts a new major
 * version; anything else is a new revision.
 */
export function nextVersion(spec: WfSpec, latest: VersionedWfSpec | undefined): { majorVersion: number; revision: number; same: boolean } {
  if (!latest) return { majorVersion: 0, revision: 0, same: false };
  const { majorVersion, revision, ...previous } = latest;
  if (canonical(previous) === canonical(spec)) return { majorVersion, revision, same: true };
  return variableSignature(previous) === variableSignature(spec)
    ? { majorVersion, revision: revision + 1, same: false }
    : { majorVersion: majorVersion + 1, revision: 0, same: false };
}

function variableSignature(spec: WfSpec): string {
  const defs = Object.entries(spec.threadSpecs).flatMap(([thread, t]) =>
    (t.variableDefs ?? []).map((d) => `${thread}/${d.name}:${d.type}:${d.required ? 'required' : ''}`),
  );
  return defs.sort().join('|');
}

/** JSON with sorted keys, so two specs that differ only in key order compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export async function findExternalEventDef(db: Queryable, tenantId: string, name: string): Promise<ExternalEventDefRow | undefined> {
  const [row] = await db
    .select()
    .from(externalEventDefs)
    .where(and(eq(externalEventDefs.tenantId, tenantId), eq(externalEventDefs.name, name)));
  return row;
}

/** Registers an ExternalEventDef; registering an existing name returns the one already there. */
export async function insertExternalEventDef(db: Queryable, tenantId: string, def: ExternalEventDef): Promise<ExternalEventDefRow> {
  const [created] = await db.insert(externalEventDefs).values({ tenantId, name: def.name, def }).onConflictDoNothing().returning();
  const row = created ?? (await findExternalEventDef(db, tenantId, def.name));
  if (!row) throw new Error(`ExternalEventDef ${def.name} vanished while it was being registered`);
  return row;
}

/** ExternalEventDefs by name, after `after`. */
export async function listExternalEventDefs(
  db: Queryable,
  tenantId: string,
  after: string | undefined,
  limit: number,
  prefix?: string | null,
): Promise<ExternalEventDefRow[]> {
  const where = and(eq(externalEventDefs.tenantId, tenantId), after === undefined ? undefined : gt(externalEventDefs.name, after), startsWith(externalEventDefs.name, prefix));
  return db.select().from(externalEventDefs).where(where).orderBy(asc(externalEventDefs.name)).limit(limit);
}

export type WorkflowEventDefRow = typeof workflowEventDefs.$inferSelect;

/** WorkflowEventDefs by name, after `after`. */
export async function listWorkflowEventDefs(
  db: Queryable,
  tenantId: string,
  after: string | undefined,
  limit: number,
  prefix?: string | null,
): Promise<WorkflowEventDefRow[]> {
  const where = and(eq(workflowEventDefs.tenantId, tenantId), after === undefined ? undefined : gt(workflowEventDefs.name, after), startsWith(workflowEventDefs.name, prefix));
  return db.select().from(workflowEventDefs).where(where).orderBy(asc(workflowEventDefs.name)).limit(limit);
}

export async function findWorkflowEventDef(db: Queryable, tenantId: string, name: string): Promise<WorkflowEventDefRow | undefined> {
  const [row] = await db
    .select()
    .from(workflowEventDefs)
    .where(and(eq(workflowEventDefs.tenantId, tenantId), eq(workflowEventDefs.name, name)));
  return row;
}

/** Registers a WorkflowEventDef; registering an existing name returns the one already there. */
export async function insertWorkflowEventDef(db: Queryable, tenantId: string, def: WorkflowEventDef): Promise<WorkflowEventDefRow> {
  const [created] = await db.insert(workflowEventDefs).values({ tenantId, name: def.name, def }).onConflictDoNothing().returning();
  const row = created ?? (await findWorkflowEventDef(db, tenantId, def.name));
  if (!row) throw new Error(`WorkflowEventDef ${def.name} vanished while it was being registered`);
  return row;
}

/**
 * The TaskDefs, ExternalEventDefs (of nodes and interrupts), WorkflowEventDefs and UserTaskDefs (the newest version
 * of each) a (possibly malformed) spec names, read fresh from the database. `userTaskDefs` is always given, so that validation reports
 * the UserTaskDefs that are not registered.
 */
export async function catalogForSpec(
  db: Queryable,
  tenantId: string,
  spec: unknown,
): Promise<Required<Pick<Catalog, 'taskDefs' | 'externalEventDefs' | 'workflowEventDefs' | 'userTaskDefs' | 'wfSpecs'>>> {
  const taskNames = new Set<string>();
  const childNames = new Set<string>();
  const userTaskNames = new Set<string>();
  const eventNames = new Set<string>();
  const thrownNames = new Set<string>();
  const threads = (spec as WfSpec | null)?.threadSpecs;
  if (threads && typeof threads === 'object') {
    for (const thread of Object.values(threads)) {
      const interrupts = thread && typeof thread === 'object' ? thread.interruptDefs : undefined;
      for (const interrupt of Array.isArray(interrupts) ? interrupts : []) {
        if (interrupt && typeof interrupt.externalEventDefName === 'string') eventNames.add(interrupt.externalEventDefName);
      }
      const nodes = thread && typeof thread === 'object' ? thread.nodes : undefined;
      if (!nodes || typeof nodes !== 'object') continue;
      for (const node of Object.values(nodes)) {
        if (!node || typeof node !== 'object') continue;
        if (node.type === 'TASK' && typeof node.taskDefName === 'string') taskNames.add(node.taskDefName);
        if (node.type === 'EXTERNAL_EVENT' && typeof node.externalEventDefName === 'string') eventNames.add(node.externalEventDefName);
        if (node.type === 'THROW_EVENT' && typeof node.workflowEventDefName === 'string') thrownNames.add(node.workflowEventDefName);
        if (node.type === 'USER_TASK' && typeof node.userTaskDefName === 'string') userTaskNames.add(node.userTaskDefName);
        // A TASK action (a reminder) runs a TaskDef as a TASK node does.
        for (const trigger of node.type === 'USER_TASK' && Array.isArray(node.actions) ? node.actions : []) {
          const action: unknown = trigger && typeof trigger === 'object' ? trigger.action : undefined;
          const task = action && typeof action === 'object' && 'task' in action ? action.task : undefined;
          if (task && typeof task === 'object' && 'taskDefName' in task && typeof task.taskDefName === 'string') taskNames.add(task.taskDefName);
        }
        if (node.type === 'RUN_CHILD_WF' && typeof node.wfSpecName === 'string') childNames.add(node.wfSpecName);
      }
    }
  }
  const taskDefsFound: Record<string, TaskDef> = {};
  for (const name of taskNames) {
    const row = await findTaskDef(db, tenantId, name);
    if (row) taskDefsFound[name] = row.def;
  }
  const eventDefsFound: Record<string, ExternalEventDef> = {};
  for (const name of eventNames) {
    const row = await findExternalEventDef(db, tenantId, name);
    if (row) eventDefsFound[name] = row.def;
  }
  const thrownDefsFound: Record<string, WorkflowEventDef> = {};
  for (const name of thrownNames) {
    const row = await findWorkflowEventDef(db, tenantId, name);
    if (row) thrownDefsFound[name] = row.def;
  }
  const userTaskDefsFound: Record<string, UserTaskDef> = {};
  for (const def of await findNewestUserTaskDefs(db, tenantId, [...userTaskNames])) userTaskDefsFound[def.name] = def;
  // The newest version of each WfSpec a RUN_CHILD_WF runs: one that is not registered is refused, as in LittleHorse.
  // A WfSpec that runs itself is described by the spec being registered (it may not be registered yet).
  const self = spec as WfSpec | null;
  const wfSpecsFound: Record<string, WfSpecSummary> = {};
  for (const name of childNames) {
    const row = await findWfSpec(db, tenantId, name);
    const described = name === self?.name ? self : row?.spec;
    if (!described || (!row && name !== self?.name)) continue;
    wfSpecsFound[name] = { name, majorVersion: row?.majorVersion ?? 0, variableDefs: described.threadSpecs?.[described.entrypointThreadName]?.variableDefs ?? [] };
  }
  return { taskDefs: taskDefsFound, externalEventDefs: eventDefsFound, workflowEventDefs: thrownDefsFound, userTaskDefs: userTaskDefsFound, wfSpecs: wfSpecsFound };
}
