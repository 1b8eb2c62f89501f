import type { Context } from './builder.ts';

/**
 * What `make` gives for a key, made once per request: a list's rows ask for what they share (a WfSpec's versions,
 * a tenant's queue loads) once, not once per row.
 */
export function perRequest<T>(cache: WeakMap<Context, Map<string, T>>, ctx: Context, key: string, make: () => T): T {
  let made = cache.get(ctx);
  if (!made) cache.set(ctx, (made = new Map()));
  let value = made.get(key);
  if (value === undefined) made.set(key, (value = make()));
  return value;
}
