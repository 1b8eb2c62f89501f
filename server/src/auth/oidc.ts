import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import type { Logger } from '../observability/logger.ts';

export interface OidcOptions {
  /** The issuer's URL, as its tokens' `iss` names it. */
  readonly issuer: string;
  /**
   * The `aud` tokens must carry; the UI's client id when absent. One of the two is needed: an issuer signs tokens for
   * many applications, and one meant for another must not sign in here.
   */
  readonly audience?: string | undefined;
  /** Where the issuer publishes its keys; read from its discovery document when absent. */
  readonly jwksUri?: string | undefined;
  /** The claim whose value is the principal's id; `sub` by default. */
  readonly principalClaim?: string | undefined;
  /** The public client the UI signs in with (authorization code with PKCE); the UI offers OIDC only when set. */
  readonly clientId?: string | undefined;
  /** The scopes the UI asks for; `openid` by default. */
  readonly scopes?: string | undefined;
}

/** A token refused, with what to tell the caller (never the token itself). */
export class TokenRefused extends Error {
  override readonly name = 'TokenRefused';
}

/** A verified token: whose it is and until when it holds. */
export interface VerifiedToken {
  readonly principalId: string;
  /** Epoch ms; undefined when the token has no `exp`. */
  readonly expiresAt: number | undefined;
}

/**
 * Verifies JWTs from one OpenID Connect issuer against its published keys (jose: fetched on first use, cached, and
 * fetched again when a token names a key it has not seen, as keys rotate), then reads the principal's id from a claim.
 */
export class OidcVerifier {
  readonly #options: OidcOptions;
  readonly #log: Logger;
  #keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;

  constructor(options: OidcOptions, log: Logger) {
    this.#options = options;
    this.#log = log;
  }

  get options(): OidcOptions {
    return this.#options;
  }

  async verify(token: string, now: number): Promise<VerifiedToken> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.#keySet(), {
        issuer: this.#options.issuer,
        audience: this.#options.audience ?? this.#options.clientId,
        currentDate: new Date(now),
        // A token without an end would hold for as long as its key does.
        requiredClaims: ['exp'],
        // Asymmetric signatures only: an HS* token checked against a published public key is the classic forgery.
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
      }));
    } catch (error) {
      throw new TokenRefused(reasonOf(error, this.#log));
    }
    const claim = this.#options.principalClaim ?? 'sub';
    const id = payload[claim];
    if (typeof id !== 'string' || id === '') throw new TokenRefused(`The token has no '${claim}' claim to name its principal.`);
    return { principalId: id, expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined };
  }

  /** The issuer's key set; a failed discovery is tried again on the next token rather than kept. */
  #keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    this.#keys ??= this.#jwksUri().then(
      (uri) => createRemoteJWKSet(new URL(uri)),
      (error: unknown) => {
        this.#keys = undefined;
        throw error;
      },
    );
    return this.#keys;
  }

  async #jwksUri(): Promise<string> {
    if (this.#options.jwksUri) return this.#options.jwksUri;
    const url = `${this.#options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new DiscoveryFailed(`${url} answered ${response.status}`);
    const document = (await response.json()) as { jwks_uri?: unknown };
    if (typeof document.jwks_uri !== 'string') throw new DiscoveryFailed(`${url} names no jwks_uri`);
    return document.jwks_uri;
  }
}

class DiscoveryFailed extends Error {
  override readonly name = 'DiscoveryFailed';
}

function reasonOf(error: unknown, log: Logger): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return `The token has no '${error.claim}' claim.`;
    if (error.claim === 'iss') return 'The token was not issued by the issuer this server trusts.';
    if (error.claim === 'aud') return 'The token is not meant for this server (its audience).';
    if (error.claim === 'nbf') return 'The token is not valid yet.';
    return `The token's '${error.claim}' claim is not valid.`;
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWSSignatureVerificationFailed) return "The token's signature does not verify with the issuer's keys.";
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return "The token's signing algorithm is not accepted.";
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'The token is not a well-formed JWT.';
  // The issuer's keys could not be had: the server's trouble, logged for its operator.
  log.warn({ err: error }, "Could not read the OIDC issuer's keys");
  return "The issuer's keys could not be read; try again later.";
}
