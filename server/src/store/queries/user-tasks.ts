import type { UserTaskDef } from '@gallop/engine';
import { and, asc, desc, eq, gt, inArray, isNull, lt, max, or, sql } from 'drizzle-orm';
import type { Queryable } from '../db.ts';
import { userTaskDefs, userTaskRuns } from '../schema.ts';
import { startsWith } from './starts-with.ts';

export type UserTaskDefRow = typeof userTaskDefs.$inferSelect;
export type UserTaskRunRow = typeof userTaskRuns.$inferSelect;

/**
 * One version of a UserTaskDef, or its newest when `version` is not given; deleted versions only with
 * `includeDeleted` (what a UserTaskRun made with one needs).
 */
export async function findUserTaskDef(
  db: Queryable,
  tenantId: string,
  name: string,
  version?: number | null,
  { includeDeleted = false }: { includeDeleted?: boolean } = {},
): Promise<UserTaskDefRow | undefined> {
  const conditions = [eq(userTaskDefs.tenantId, tenantId), eq(userTaskDefs.name, name)];
  if (!includeDeleted) conditions.push(isNull(userTaskDefs.deletedAt));
  if (version != null) conditions.push(eq(userTaskDefs.version, version));
  const [row] = await db
    .select()
    .from(userTaskDefs)
    .where(and(...conditions))
    .orderBy(desc(userTaskDefs.version))
    .limit(1);
  return row;
}

/** The newest version of each of `names` that is registered and not deleted. */
export async function findNewestUserTaskDefs(db: Queryable, tenantId: string, names: readonly string[]): Promise<UserTaskDef[]> {
  if (names.length === 0) return [];
  const rows = await db
    .selectDistinctOn([userTaskDefs.name], { def: userTaskDefs.def })
    .from(userTaskDefs)
    .where(and(eq(userTaskDefs.tenantId, tenantId), inArray(userTaskDefs.name, [...names]), isNull(userTaskDefs.deletedAt)))
    .orderBy(asc(userTaskDefs.name), desc(userTaskDefs.version));
  return rows.map((row) => row.def);
}

/** Inserts a version of a UserTaskDef; undefined when another registration took that version first. */
export async function insertUserTaskDef(db: Queryable, tenantId: string, def: UserTaskDef): Promise<UserTaskDefRow | undefined> {
  const [row] = await db.insert(userTaskDefs).values({ tenantId, name: def.name, version: def.version, def }).onConflictDoNothing().returning();
  return row;
}

/** The highest version a UserTaskDef has had, deleted or not: a new one is numbered past it. */
export async function highestUserTaskDefVersion(db: Queryable, tenantId: string, name: string): Promise<number | undefined> {
  const [row] = await db
    .select({ version: max(userTaskDefs.version) })
    .from(userTaskDefs)
    .where(and(eq(userTaskDefs.tenantId, tenantId), eq(userTaskDefs.name, name)));
  return row?.version ?? undefined;
}

/** Marks a version deleted (see userTaskDefs.deletedAt); whether it was there and not deleted already. */
export async function deleteUserTaskDef(db: Queryable, tenantId: string, name: string, version: number, at: Date): Promise<boolean> {
  const rows = await db
    .update(userTaskDefs)
    .set({ deletedAt: at })
    .where(and(eq(userTaskDefs.tenantId, tenantId), eq(userTaskDefs.name, name), eq(userTaskDefs.version, version), isNull(userTaskDefs.deletedAt)))
    .returning({ name: userTaskDefs.name });
  return rows.length > 0;
}

export interface UserTaskDefCursor {
  readonly name: string;
  readonly version: number;
}

/** Every version of every UserTaskDef that is not deleted, or of those whose name starts with `prefix`, by name, then version. */
export async function listUserTaskDefs(
  db: Queryable,
  tenantId: string,
  after: UserTaskDefCursor | undefined,
  limit: number,
  prefix?: string | null,
): Promise<UserTaskDefRow[]> {
  const tenant = and(eq(userTaskDefs.tenantId, tenantId), isNull(userTaskDefs.deletedAt), startsWith(userTaskDefs.name, prefix));
  const where = after
    ? and(tenant, or(gt(userTaskDefs.name, after.name), and(eq(userTaskDefs.name, after.name), gt(userTaskDefs.version, after.version))))
    : tenant;
  return db.select().from(userTaskDefs).where(where).orderBy(asc(userTaskDefs.name), asc(userTaskDefs.version)).limit(limit);
}

export async function findUserTaskRun(db: Queryable, tenantId: string, wfRunId: string, userTaskGuid: string): Promise<UserTaskRunRow | undefined> {
  const [row] = await db
    .select()
    .from(userTaskRuns)
    .where(and(eq(userTaskRuns.tenantId, tenantId), eq(userTaskRuns.wfRunId, wfRunId), eq(userTaskRuns.userTaskGuid, userTaskGuid)));
  return row;
}

/** The UserTaskRuns of any WfRuns by key, in one query (what a page of NodeRuns shows with them); in no order. */
export async function findUserTaskRuns(db: Queryable, tenantId: string, keys: readonly { wfRunId: string; userTaskGuid: string }[]): Promise<UserTaskRunRow[]> {
  if (keys.length === 0) return [];
  // The keys as one JSON parameter, as findTaskRuns reads TaskRuns: PostgreSQL plans an OR of 500 keys slowly.
  const json = JSON.stringify(keys.map((key) => ({ w: key.wfRunId, g: key.userTaskGuid })));
  return db
    .select()
    .from(userTaskRuns)
    .where(and(eq(userTaskRuns.tenantId, tenantId), sql`(${userTaskRuns.wfRunId}, ${userTaskRuns.userTaskGuid}) in (select k.w, k.g from jsonb_to_recordset(${json}::jsonb) as k(w text, g text))`));
}

/** The UserTaskRuns of one WfRun, in the order they were created. */
export async function listUserTaskRunsOf(db: Queryable, tenantId: string, wfRunId: string): Promise<UserTaskRunRow[]> {
  return db
    .select()
    .from(userTaskRuns)
    .where(and(eq(userTaskRuns.tenantId, tenantId), eq(userTaskRuns.wfRunId, wfRunId)))
    .orderBy(asc(userTaskRuns.createdAt), asc(userTaskRuns.userTaskGuid));
}

/** LittleHorse's SearchUserTaskRun: every filter given must hold. */
export interface UserTaskRunFilter {
  readonly userId?: string | null | undefined;
  readonly userGroup?: string | null | undefined;
  readonly status?: string | null | undefined;
  readonly userTaskDefName?: string | null | undefined;
}

export interface UserTaskRunCursor {
  readonly createdAt: Date;
  readonly wfRunId: string;
  readonly userTaskGuid: string;
}

/** UserTaskRuns matching `filter`, newest first, after `cursor`. */
export async function searchUserTaskRuns(
  db: Queryable,
  tenantId: string,
  filter: UserTaskRunFilter,
  cursor: UserTaskRunCursor | undefined,
  limit: number,
): Promise<UserTaskRunRow[]> {
  const conditions = [eq(userTaskRuns.tenantId, tenantId)];
  if (filter.userId != null) conditions.push(eq(userTaskRuns.userId, filter.userId));
  if (filter.userGroup != null) conditions.push(eq(userTaskRuns.userGroup, filter.userGroup));
  if (filter.status != null) conditions.push(eq(userTaskRuns.status, filter.status));
  if (filter.userTaskDefName != null) conditions.push(eq(userTaskRuns.userTaskDefName, filter.userTaskDefName));
  if (cursor) {
    const older = or(
      lt(userTaskRuns.createdAt, cursor.createdAt),
      and(eq(userTaskRuns.createdAt, cursor.createdAt), lt(userTaskRuns.wfRunId, cursor.wfRunId)),
      and(eq(userTaskRuns.createdAt, cursor.createdAt), eq(userTaskRuns.wfRunId, cursor.wfRunId), lt(userTaskRuns.userTaskGuid, cursor.userTaskGuid)),
    );
    if (older) conditions.push(older);
  }
  return db
    .select()
    .from(userTaskRuns)
    .where(and(...conditions))
    .orderBy(desc(userTaskRuns.createdAt), desc(userTaskRuns.wfRunId), desc(userTaskRuns.userTaskGuid))
    .limit(limit);
}
