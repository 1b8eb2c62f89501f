import { GraphQLError } from 'graphql';
import type { Db } from '../store/db.ts';
import { findApiKey } from '../store/queries/principals.ts';
import type { Principal } from './acl.ts';
import { EVERYTHING } from './acl.ts';
import { hashSecret, parseApiKey, sameHash } from './api-keys.ts';

export interface AuthOptions {
  /** Off: every request acts as `anonymous` with every grant (the server then listens on loopback only). */
  readonly required: boolean;
  /** A key from the environment for the built-in `admin` principal, to create the first principals with. */
  readonly bootstrapApiKey?: string | undefined;
}

/** Everyone, when the server runs without authentication. */
export const ANONYMOUS: Principal = { id: 'anonymous', globalAcls: EVERYTHING, perTenantAcls: {} };
/** The principal of the bootstrap key. */
export const ADMIN: Principal = { id: 'admin', globalAcls: EVERYTHING, perTenantAcls: {} };

/** How long a checked key is trusted before it is read again: a revocation elsewhere takes effect within this. */
const TRUST_MS = 5_000;

/**
 * Turns a request's credentials (`Authorization: Bearer <API key>`, or `authorization` in a graphql-ws connection's
 * params) into its principal. No credentials: undefined, and each operation then says UNAUTHENTICATED. Wrong,
 * expired or revoked ones: UNAUTHENTICATED at once, never saying which, so a key cannot be probed.
 */
export class Authenticator {
  readonly #db: Db;
  readonly #options: AuthOptions;
  readonly #bootstrapHash: string | undefined;
  readonly #trusted = new Map<string, { principal: Principal; until: number; expiresAt: number | undefined }>();

  constructor(db: Db, options: AuthOptions) {
    this.#db = db;
    this.#options = options;
    this.#bootstrapHash = options.bootstrapApiKey ? hashSecret(options.bootstrapApiKey) : undefined;
  }

  get required(): boolean {
    return this.#options.required;
  }

  async principalOf(authorization: string | undefined, now: number): Promise<Principal | undefined> {
    if (!this.#options.required) return ANONYMOUS;
    if (authorization === undefined || authorization.trim() === '') return undefined;
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    if (!token) throw unauthenticated('The Authorization header must be `Bearer <API key>`.');
    if (this.#bootstrapHash && sameHash(hashSecret(token), this.#bootstrapHash)) return ADMIN;
    const parsed = parseApiKey(token);
    if (!parsed) throw unauthenticated();
    const hash = hashSecret(parsed.secret);
    const cached = this.#trusted.get(hash);
    if (cached && cached.until > now && (cached.expiresAt === undefined || cached.expiresAt > now)) return cached.principal;
    const found = await findApiKey(this.#db, parsed.id);
    if (!found || !sameHash(found.key.secretHash, hash) || found.key.revokedAt || (found.key.expiresAt && found.key.expiresAt.getTime() <= now)) {
      this.#trusted.delete(hash);
      throw unauthenticated();
    }
    const principal: Principal = { id: found.principal.id, globalAcls: found.principal.globalAcls, perTenantAcls: found.principal.perTenantAcls };
    this.#trusted.set(hash, { principal, until: now + TRUST_MS, expiresAt: found.key.expiresAt?.getTime() });
    return principal;
  }

  /** A principal's grants or keys changed in this process: read them again at once. */
  forget(): void {
    this.#trusted.clear();
  }
}

export function unauthenticated(detail = 'The API key is not valid: unknown, revoked or expired.'): GraphQLError {
  return new GraphQLError(detail, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}
