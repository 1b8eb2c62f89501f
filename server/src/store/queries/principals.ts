import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { Acl } from '../../auth/acl.ts';
import type { Queryable } from '../db.ts';
import { apiKeys, principals } from '../schema.ts';

export type PrincipalRow = typeof principals.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;

export async function findPrincipal(db: Queryable, id: string): Promise<PrincipalRow | undefined> {
  const [row] = await db.select().from(principals).where(eq(principals.id, id));
  return row;
}

/** Creates the principal, or replaces its grants (LittleHorse's PutPrincipal with overwrite). */
export async function upsertPrincipal(db: Queryable, id: string, globalAcls: readonly Acl[], perTenantAcls: Readonly<Record<string, readonly Acl[]>>): Promise<PrincipalRow> {
  const values = { id, globalAcls: [...globalAcls], perTenantAcls: { ...perTenantAcls } as Record<string, Acl[]> };
  const [row] = await db
    .insert(principals)
    .values(values)
    .onConflictDoUpdate({ target: principals.id, set: { globalAcls: values.globalAcls, perTenantAcls: values.perTenantAcls, updatedAt: new Date() } })
    .returning();
  return row!;
}

/** Deletes a principal with its API keys; resolves whether it was there. */
export async function deletePrincipal(db: Queryable, id: string): Promise<boolean> {
  const deleted = await db.delete(principals).where(eq(principals.id, id)).returning({ id: principals.id });
  return deleted.length > 0;
}

export async function listPrincipals(db: Queryable, after: string | undefined, limit: number): Promise<PrincipalRow[]> {
  return db
    .select()
    .from(principals)
    .where(after === undefined ? undefined : gt(principals.id, after))
    .orderBy(asc(principals.id))
    .limit(limit);
}

export async function insertApiKey(db: Queryable, key: typeof apiKeys.$inferInsert): Promise<ApiKeyRow> {
  const [row] = await db.insert(apiKeys).values(key).returning();
  return row!;
}

/** A key with its principal, for authentication. */
export async function findApiKey(db: Queryable, id: string): Promise<{ key: ApiKeyRow; principal: PrincipalRow } | undefined> {
  const [row] = await db.select().from(apiKeys).innerJoin(principals, eq(apiKeys.principalId, principals.id)).where(eq(apiKeys.id, id));
  return row && { key: row.api_keys, principal: row.principals };
}

export async function listApiKeys(db: Queryable, principalId: string): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.principalId, principalId)).orderBy(asc(apiKeys.createdAt));
}

/** Revokes a key not yet revoked; resolves the key as it now is, or undefined when there is none. */
export async function revokeApiKey(db: Queryable, id: string, at: Date): Promise<ApiKeyRow | undefined> {
  await db.update(apiKeys).set({ revokedAt: at }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
  return row;
}
