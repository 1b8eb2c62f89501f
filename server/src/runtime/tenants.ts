import type { Db } from '../store/db.ts';
import { findTenant } from '../store/queries/tenants.ts';

/**
 * Which tenants exist, for every request's check of the tenant it names. A tenant is never deleted, so one seen
 * once is remembered; one not seen is read from the database each time (another server process may have made it).
 */
export class Tenants {
  readonly #db: Db;
  readonly #seen = new Set<string>(['default']);

  constructor(db: Db) {
    this.#db = db;
  }

  async exists(id: string): Promise<boolean> {
    if (this.#seen.has(id)) return true;
    if (!(await findTenant(this.#db, id))) return false;
    this.#seen.add(id);
    return true;
  }

  /** A tenant this process has just made. */
  known(id: string): void {
    this.#seen.add(id);
  }
}
