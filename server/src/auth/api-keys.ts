import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys read `glp_<id>_<secret>`: the id finds the key's row, the secret proves it. Only a SHA-256 of the secret
 * is stored; a secret is 256 random bits, so a fast hash is enough (a slow one guards guessable passwords).
 */
const PREFIX = 'glp';

export interface NewApiKey {
  readonly id: string;
  /** Shown once, to whoever created the key; never stored. */
  readonly token: string;
  readonly secretHash: string;
}

export function newApiKey(): NewApiKey {
  const id = randomBytes(9).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `${PREFIX}_${id}_${secret}`, secretHash: hashSecret(secret) };
}

/** The id and secret of a token in the key format; undefined for anything else. */
export function parseApiKey(token: string): { id: string; secret: string } | undefined {
  const match = /^glp_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
  return match ? { id: match[1]!, secret: match[2]! } : undefined;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares two hashes in time that does not depend on where they differ. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
