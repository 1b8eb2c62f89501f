import { sql } from 'drizzle-orm';
import type { AnyColumn, SQL } from 'drizzle-orm';

/**
 * Names that start with `prefix` (LittleHorse's search by prefix); no condition without one. `starts_with` takes
 * the prefix as plain text, so `%` and `_` in it need no escaping.
 */
export function startsWith(column: AnyColumn, prefix: string | null | undefined): SQL | undefined {
  return prefix ? sql`starts_with(${column}, ${prefix})` : undefined;
}
