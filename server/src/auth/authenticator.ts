import { GraphQLError } from 'graphql';
import type { Db } from '../store/db.ts';
import type { Logger } from '../observability/logger.ts';
import { findApiKey, findPrincipal } from '../store/queries/principals.ts';
import type { PrincipalRow } from '../store/queries/principals.ts';
import type { Principal } from './acl.ts';
import { EVERYTHING } from './acl.ts';
import { hashSecret, parseApiKey, sameHash } from './api-keys.ts';
import { OidcVerifier, TokenRefused } from './oidc.ts';
import type { OidcOptions } from './oidc.ts';

export interface AuthOptions {
  /** Off: every request acts as `anonymous` with every grant (the server then listens on loopback only). */
  readonly required: boolean;
  /** A key from the environment for the built-in `admin` principal, to create the first principals with. */
  readonly bootstrapApiKey?: string | undefined;
  /** Also take JWTs from this OpenID Connect issuer, as the principal a claim names. */
  readonly oidc?: OidcOptions | undefined;
  /**
   * How often a running subscription's credential and grant are checked again (default 5 s): one that expired, was
   * revoked or lost its grant ends with UNAUTHENTICATED or FORBIDDEN within this (plus up to 5 s for a change made
   * through another server process, which trusts what it checked for that long).
   */
  readonly subscriptionRecheckMs?: number | undefined;
}

/** Everyone, when the server runs without authentication. */
export const ANONYMOUS: Principal = { id: 'anonymous', globalAcls: EVERYTHING, perTenantAcls: {} };
/** The principal of the bootstrap key. */
export const ADMIN: Principal = { id: 'admin', globalAcls: EVERYTHING, perTenantAcls: {} };

/** How long a checked key is trusted before it is read again: a revocation elsewhere takes effect within this. */
const TRUST_MS = 5_000;
/** Credentials trusted at once, at most; past it the stale ones are dropped (all, if none are stale). */
const MAX_TRUSTED = 10_000;

/** Three base64url parts: a JWT (compact JWS), which an API key (`glp_...`) never looks like. */
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Turns a request's credentials (`Authorization: Bearer <API key or OIDC token>`, or `authorization` in a graphql-ws
 * connection's params) into its principal. No credentials: undefined, and each operation then says UNAUTHENTICATED. Wrong,
 * expired or revoked ones: UNAUTHENTICATED at once, never saying which, so a key cannot be probed.
 */
export class Authenticator {
  readonly #db: Db;
  readonly #options: AuthOptions;
  readonly #bootstrapHash: string | undefined;
  readonly #oidc: OidcVerifier | undefined;
  readonly #trusted = new Map<string, { principal: Principal; until: number; expiresAt: number | undefined }>();

  constructor(db: Db, options: AuthOptions, log: Logger) {
    this.#db = db;
    this.#options = options;
    this.#bootstrapHash = options.bootstrapApiKey ? hashSecret(options.bootstrapApiKey) : undefined;
    this.#oidc = options.oidc ? new OidcVerifier(options.oidc, log) : undefined;
  }

  /** The OIDC settings the UI needs to sign in; undefined when the server takes no OIDC tokens. */
  get oidc(): OidcOptions | undefined {
    return this.#oidc?.options;
  }

  get required(): boolean {
    return this.#options.required;
  }

  get subscriptionRecheckMs(): number {
    return this.#options.subscriptionRecheckMs ?? TRUST_MS;
  }

  async principalOf(authorization: string | undefined, now: number): Promise<Principal | undefined> {
    if (!this.#options.required) return ANONYMOUS;
    if (authorization === undefined || authorization.trim() === '') return undefined;
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    if (!token) throw unauthenticated('The Authorization header must be `Bearer <API key or token>`.');
    if (this.#bootstrapHash && sameHash(hashSecret(token), this.#bootstrapHash)) return ADMIN;
    if (this.#oidc && JWT.test(token)) return this.#tokenPrincipal(this.#oidc, token, now);
    const parsed = parseApiKey(token);
    if (!parsed) throw unauthenticated();
    const hash = hashSecret(parsed.secret);
    const cached = this.#stillTrusted(hash, now);
    if (cached) return cached;
    const found = await findApiKey(this.#db, parsed.id);
    if (!found || !sameHash(found.key.secretHash, hash) || found.key.revokedAt || (found.key.expiresAt && found.key.expiresAt.getTime() <= now)) {
      this.#trusted.delete(hash);
      throw unauthenticated();
    }
    const principal = principalOfRow(found.principal);
    this.#trust(hash, { principal, until: now + TRUST_MS, expiresAt: found.key.expiresAt?.getTime() }, now);
    return principal;
  }

  async #tokenPrincipal(oidc: OidcVerifier, token: string, now: number): Promise<Principal> {
    const hash = hashSecret(token);
    const cached = this.#stillTrusted(hash, now);
    if (cached) return cached;
    let verified;
    try {
      verified = await oidc.verify(token, now);
    } catch (error) {
      this.#trusted.delete(hash);
      if (error instanceof TokenRefused) throw unauthenticated(error.message);
      throw error;
    }
    const found = await findPrincipal(this.#db, verified.principalId);
    if (!found) throw unauthenticated(`The token names principal '${verified.principalId}', which does not exist: an admin makes it with putPrincipal.`);
    const principal = principalOfRow(found);
    this.#trust(hash, { principal, until: now + TRUST_MS, expiresAt: verified.expiresAt }, now);
    return principal;
  }

  /** The principal a credential (by its hash) was last checked to be, while that check still holds. */
  #stillTrusted(hash: string, now: number): Principal | undefined {
    const held = this.#trusted.get(hash);
    return held && held.until > now && (held.expiresAt === undefined || held.expiresAt > now) ? held.principal : undefined;
  }

  /** Every OIDC token a client refreshes is a new entry: the stale ones go before the map grows past a bound. */
  #trust(hash: string, entry: { principal: Principal; until: number; expiresAt: number | undefined }, now: number): void {
    if (this.#trusted.size >= MAX_TRUSTED) {
      for (const [key, held] of this.#trusted) if (held.until <= now) this.#trusted.delete(key);
      if (this.#trusted.size >= MAX_TRUSTED) this.#trusted.clear();
    }
    this.#trusted.set(hash, entry);
  }

  /** A principal's grants or keys changed in this process: read them again at once. */
  forget(): void {
    this.#trusted.clear();
  }
}

export function unauthenticated(detail = 'The API key is not valid: unknown, revoked or expired.'): GraphQLError {
  return new GraphQLError(detail, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

function principalOfRow(row: PrincipalRow): Principal {
  return { id: row.id, globalAcls: row.globalAcls, perTenantAcls: row.perTenantAcls };
}
