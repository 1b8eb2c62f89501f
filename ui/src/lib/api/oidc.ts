import { isGallopClientError } from '@gallop/sdk';
import * as oauth from 'oauth4webapi';
import { failSignIn, OIDC_PENDING, signInWith } from './session.ts';
import type { OidcRenewal } from './session.ts';

/** The issuer and public client the server names in authConfig. */
export interface OidcConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly scopes: string;
}

/** What survives the trip to the issuer and back, in this tab only. */
interface Pending {
  readonly issuer: string;
  readonly clientId: string;
  readonly verifier: string;
  readonly state: string;
  readonly redirectUri: string;
  readonly tenant: string | undefined;
}

/** Plain HTTP is allowed only to an issuer on this machine (a development or test issuer). */
function options(issuer: URL): { [oauth.allowInsecureRequests]?: boolean } {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname) ? { [oauth.allowInsecureRequests]: true } : {};
}

async function discover(issuer: URL, signal?: AbortSignal): Promise<oauth.AuthorizationServer> {
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...options(issuer), ...(signal ? { signal } : {}) }));
}

/** How long a renewal may take: every request of every tab waits on it. */
const RENEWAL_TIMEOUT_MS = 10_000;

/**
 * Sends the browser to the issuer's sign-in (authorization code with PKCE, as OAuth 2.1 has public clients do);
 * the issuer sends it back to this page with a code, which completeOidcSignIn exchanges.
 */
export async function beginOidcSignIn(config: OidcConfig, tenant: string | undefined): Promise<void> {
  const issuer = new URL(config.issuer);
  const server = await discover(issuer);
  if (!server.authorization_endpoint) throw new Error(`${config.issuer} names no authorization endpoint.`);
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const redirectUri = `${location.origin}${location.pathname}`;
  const pending: Pending = { issuer: config.issuer, clientId: config.clientId, verifier, state, redirectUri, tenant };
  sessionStorage.setItem(OIDC_PENDING, JSON.stringify(pending));
  const url = new URL(server.authorization_endpoint);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', config.scopes);
  // OpenID Connect grants offline access (a refresh token) only on a sign-in that asks for consent.
  if (config.scopes.split(/\s+/).includes('offline_access')) url.searchParams.set('prompt', 'consent');
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  location.assign(url);
}

/**
 * On a page the issuer sent back (`?code=...&state=...`), exchanges the code for tokens and starts the session with
 * the access token when it is a JWT the server can verify, else the ID token. Either way the page loads again: signed
 * in, or on the sign-in page saying why not. Resolves 'none' when this page is no such return.
 */
export async function completeOidcSignIn(): Promise<'none' | 'signed-in' | 'failed'> {
  const text = sessionStorage.getItem(OIDC_PENDING);
  const here = new URL(location.href);
  if (!text || !(here.searchParams.has('code') || here.searchParams.has('error'))) return 'none';
  sessionStorage.removeItem(OIDC_PENDING);
  let issuerName = 'the issuer';
  try {
    const pending = JSON.parse(text) as Pending;
    issuerName = pending.issuer;
    const issuer = new URL(pending.issuer);
    const server = await discover(issuer);
    const client: oauth.Client = { client_id: pending.clientId };
    const params = oauth.validateAuthResponse(server, client, here, pending.state);
    const response = await oauth.authorizationCodeGrantRequest(server, client, oauth.None(), params, pending.redirectUri, pending.verifier, options(issuer));
    const tokens = await oauth.processAuthorizationCodeResponse(server, client, response, { requireIdToken: true });
    const renewal = tokens.refresh_token ? { issuer: pending.issuer, clientId: pending.clientId, refreshToken: tokens.refresh_token } : undefined;
    await signInWith({ apiKey: credentialFrom(tokens), tenant: pending.tenant, renewal });
    return 'signed-in';
  } catch (error) {
    failSignIn(`Signing in with ${issuerName} failed: ${describe(error)}`);
    return 'failed';
  }
}

/** A new token for the session from the issuer's refresh token (and the refresh token to use next time). */
export async function renewOidcToken(renewal: OidcRenewal): Promise<{ credential: string; refreshToken: string }> {
  const { issuer, signal, server, client } = await issuerOf(renewal);
  const response = await oauth.refreshTokenGrantRequest(server, client, oauth.None(), renewal.refreshToken, { ...options(issuer), signal });
  const tokens = await oauth.processRefreshTokenResponse(server, client, response);
  return { credential: credentialFrom(tokens), refreshToken: tokens.refresh_token ?? renewal.refreshToken };
}

/** Asks the issuer to revoke the refresh token, when it has a revocation endpoint (RFC 7009). */
export async function revokeOidcToken(renewal: OidcRenewal): Promise<void> {
  const { issuer, signal, server, client } = await issuerOf(renewal);
  if (!server.revocation_endpoint) return;
  const response = await oauth.revocationRequest(server, client, oauth.None(), renewal.refreshToken, { ...options(issuer), signal, additionalParameters: { token_type_hint: 'refresh_token' } });
  await oauth.processRevocationResponse(response);
}

/** The issuer a refresh token came from, discovered, with the client it was given to and a deadline for both calls. */
async function issuerOf(renewal: OidcRenewal): Promise<{ issuer: URL; signal: AbortSignal; server: oauth.AuthorizationServer; client: oauth.Client }> {
  const issuer = new URL(renewal.issuer);
  const signal = AbortSignal.timeout(RENEWAL_TIMEOUT_MS);
  return { issuer, signal, server: await discover(issuer, signal), client: { client_id: renewal.clientId } };
}

/** Whether the issuer refused a refresh token (expired, revoked, used twice), rather than being out of reach. */
export function isRefused(error: unknown): boolean {
  return error instanceof oauth.ResponseBodyError;
}

/** The access token when it is a JWT the server can verify, else the ID token. */
function credentialFrom(tokens: oauth.TokenEndpointResponse): string {
  const credential = tokens.access_token.split('.').length === 3 ? tokens.access_token : tokens.id_token;
  if (!credential) throw new Error('The issuer gave no token the server could verify.');
  return credential;
}

function describe(error: unknown): string {
  if (error instanceof oauth.AuthorizationResponseError) return error.error_description ?? error.error;
  if (error instanceof oauth.ResponseBodyError) return error.error_description ?? error.error;
  if (isGallopClientError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
