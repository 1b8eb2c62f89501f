import { asc, eq, gt } from 'drizzle-orm';
import type { Queryable } from '../db.ts';
import { tenants } from '../schema.ts';

export type TenantRow = typeof tenants.$inferSelect;

export async function findTenant(db: Queryable, id: string): Promise<TenantRow | undefined> {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, id));
  return row;
}

/** Creates the tenant, or returns it as it is when it exists. */
export async function insertTenant(db: Queryable, id: string): Promise<TenantRow> {
  const [inserted] = await db.insert(tenants).values({ id }).onConflictDoNothing().returning();
  return inserted ?? (await findTenant(db, id))!;
}

/** Tenants by id, after `after`. */
export async function listTenants(db: Queryable, after: string | undefined, limit: number): Promise<TenantRow[]> {
  return db
    .select()
    .from(tenants)
    .where(after === undefined ? undefined : gt(tenants.id, after))
    .orderBy(asc(tenants.id))
    .limit(limit);
}
