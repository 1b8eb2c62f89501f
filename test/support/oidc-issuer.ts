import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface OidcIssuer {
  readonly url: string;
  /** Starts serving, for one public client; until then every request is a 503. */
  serve(client: { clientId: string; redirectUri: string }): void;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (oidc-provider, a certified implementation) on a free loopback port, for browser
 * tests: one public client that must use PKCE, and its development login page, where any login and password sign in
 * as the account named by the login (the ID token's `sub`). A sign-in that asks for `offline_access` also gets a
 * refresh token. ID tokens last `idTokenSeconds` (an hour by default). It listens first and serves later, since the
 * client's redirect URI (a server's port) is known only once the server it is the issuer for has started.
 */
export async function startOidcIssuer(options: { idTokenSeconds?: number } = {}): Promise<OidcIssuer> {
  const server = createServer((_req, res) => res.writeHead(503).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    serve(client) {
      const provider = new Provider(url, {
        clients: [
          {
            client_id: client.clientId,
            token_endpoint_auth_method: 'none',
            redirect_uris: [client.redirectUri],
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'],
          },
        ],
        scopes: ['openid', 'offline_access'],
        ttl: { IdToken: options.idTokenSeconds ?? 3600 },
        pkce: { required: () => true },
        features: { devInteractions: { enabled: true }, revocation: { enabled: true } },
        // The UI exchanges its code from the page: the token endpoint must answer its origin.
        clientBasedCORS: () => true,
        findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
      });
      server.removeAllListeners('request');
      server.on('request', provider.callback());
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
