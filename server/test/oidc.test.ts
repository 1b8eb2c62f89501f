import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GallopClient, isGallopClientError, Workflow } from '@gallop/sdk';
import type { CredentialSource } from '@gallop/sdk';
import fc from 'fast-check';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { afterAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { isolatedStore, startTestServer, unique } from './harness.ts';

// Issue 8: people and programs sign in with tokens from an OpenID Connect issuer. A real issuer's two documents
// (discovery and its keys) are served here; the tokens are signed with its key, or with another's.
const BOOTSTRAP = 'bootstrap-key-for-the-oidc-test-0123456789';
const AUDIENCE = 'gallop-api';

async function keyPair(kid: string): Promise<{ privateKey: CryptoKey; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}
const issuerKey = await keyPair('k1');
const strangerKey = await keyPair('k1'); // the same kid, another key: a forgery

let discoveryCalls = 0;
const idp = createServer((req, res) => {
  if (req.url === '/.well-known/openid-configuration') {
    discoveryCalls++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
  } else if (req.url === '/jwks') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [issuerKey.jwk] }));
  else res.writeHead(404).end();
});
await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;

const store = await isolatedStore(inject('databaseUrl'));
const server = await startTestServer(store.databaseUrl, {
  dataDir: store.dataDir,
  auth: { required: true, bootstrapApiKey: BOOTSTRAP, oidc: { issuer, audience: AUDIENCE, principalClaim: 'email', clientId: 'gallop-ui' }, subscriptionRecheckMs: 300 },
});
const clients: GallopClient[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  await store.drop();
  idp.close();
});
/** A client of the server that tries nothing twice unless told to, closed after the file. */
function clientWith(credential: string | CredentialSource, options: { subscriptionRetries?: number } = {}): GallopClient {
  const client = new GallopClient({ url: server.graphqlUrl, webSocketImpl: WebSocket, apiKey: credential, retries: 0, ...options });
  clients.push(client);
  return client;
}
const admin = clientWith(BOOTSTRAP);

interface Claims {
  email?: string;
  iss?: string;
  aud?: string;
  /** null: no `exp` at all. */
  expiresIn?: string | number | null;
}
function token(claims: Claims, key = issuerKey.privateKey, alg = 'RS256'): Promise<string> {
  const jwt = new SignJWT(claims.email === undefined ? {} : { email: claims.email })
    .setProtectedHeader({ alg, kid: 'k1' })
    .setIssuedAt()
    .setSubject('someone')
    .setIssuer(claims.iss ?? issuer)
    .setAudience(claims.aud ?? AUDIENCE);
  if (claims.expiresIn !== null) jwt.setExpirationTime(claims.expiresIn ?? '5m');
  return jwt.sign(key);
}

/** The error code and message a request fails with, or 'OK'. */
async function outcome(request: Promise<unknown>): Promise<string> {
  try {
    await request;
    return 'OK';
  } catch (error) {
    return isGallopClientError(error) ? `${error.code}: ${error.message}` : `crash: ${String(error)}`;
  }
}

/** How a wfRunsChanged subscription fares: 'OPEN' when it holds for 300 ms (quiet or delivering), else its error. */
function subscription(client: GallopClient): Promise<string> {
  return new Promise<string>((resolve) => {
    const stop = client.subscribe('subscription { wfRunsChanged { id } }', {}, {
      next: () => resolve('OPEN'),
      error: (e) => resolve(isGallopClientError(e) ? `${e.code}: ${e.message}` : String(e)),
    });
    setTimeout(() => {
      stop();
      resolve('OPEN');
    }, 300);
  });
}

describe('OIDC', () => {
  const person = `${unique('ada')}@example.com`;
  /** The principal the tokens name, who may read TaskDefs and WfRuns (putPrincipal again changes nothing). */
  const makePerson = () =>
    admin.request('mutation($input: PutPrincipalInput!) { putPrincipal(input: $input) { __typename } }', {
      input: { id: person, globalAcls: [{ resources: ['TASK_DEF', 'WF_RUN'], actions: ['READ'] }] },
    });

  it('takes a token from the issuer as the principal its claim names, over HTTP and WebSocket', async () => {
    await makePerson();
    const client = clientWith(await token({ email: person }));
    expect((await client.request<{ whoami: { id: string } }>('{ whoami { id } }')).whoami.id).toBe(person);
    expect(await outcome(client.taskDefs())).toBe('OK');
    expect(await outcome(client.wfSpecs())).toMatch(/^FORBIDDEN: .*READ on WF_SPEC/);

    expect(await subscription(client)).toBe('OPEN');
    expect(discoveryCalls).toBe(1);
  });

  it('tells anyone how to sign in, without a credential', async () => {
    const anyone = new GallopClient({ url: server.graphqlUrl });
    const config = await anyone.request<{ authConfig: unknown }>('{ authConfig { required oidc { issuer clientId scopes } } }');
    expect(config.authConfig).toEqual({ required: true, oidc: { issuer, clientId: 'gallop-ui', scopes: 'openid' } });
  });

  it('refuses expired, forged, foreign, misaddressed and unsigned tokens, and unknown principals, each saying why', async () => {
    const refusals = {
      expired: await token({ email: person, expiresIn: Math.floor(Date.now() / 1000) - 60 }),
      endless: await token({ email: person, expiresIn: null }),
      forged: await token({ email: person }, strangerKey.privateKey),
      foreign: await token({ email: person, iss: 'https://elsewhere.example.com' }),
      misaddressed: await token({ email: person, aud: 'another-api' }),
      unclaimed: await token({}),
      stranger: await token({ email: 'nobody@example.com' }),
      unsigned: `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ email: person, iss: issuer, aud: AUDIENCE })).toString('base64url')}.`,
    };
    const answers = Object.fromEntries(await Promise.all(Object.entries(refusals).map(async ([name, t]) => [name, await outcome(clientWith(t).taskDefs())])));
    expect(answers).toEqual({
      expired: 'UNAUTHENTICATED: The token has expired.',
      endless: "UNAUTHENTICATED: The token has no 'exp' claim.",
      forged: "UNAUTHENTICATED: The token's signature does not verify with the issuer's keys.",
      foreign: 'UNAUTHENTICATED: The token was not issued by the issuer this server trusts.',
      misaddressed: 'UNAUTHENTICATED: The token is not meant for this server (its audience).',
      unclaimed: "UNAUTHENTICATED: The token has no 'email' claim to name its principal.",
      stranger: "UNAUTHENTICATED: The token names principal 'nobody@example.com', which does not exist: an admin makes it with putPrincipal.",
      unsigned: expect.stringMatching(/^UNAUTHENTICATED: /),
    });
    const logged = JSON.stringify(server.logs);
    for (const [name, t] of Object.entries(refusals)) expect(logged.includes(t.split('.')[2] || t), name).toBe(false);
  });

  it('keeps a program signed in with a credential function: asked before each request and connection, and again once a token is refused', async () => {
    await makePerson();
    const expired = await token({ email: person, expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const asked: boolean[] = [];
    // A source whose kept token has run out: it hands that over until told it was refused, as a cache keyed on
    // a clock that runs behind the issuer's would.
    const client = clientWith(async ({ refused }) => {
      asked.push(refused);
      return refused ? token({ email: person }) : expired;
    });
    expect((await client.request<{ whoami: { id: string } }>('{ whoami { id } }')).whoami.id).toBe(person);
    expect(await outcome(client.taskDefs())).toBe('OK');
    expect(asked).toEqual([false, true, false, true]);

    // A token refused again is the answer: one more try, not a loop.
    let calls = 0;
    const stuck = clientWith(() => (calls++, expired));
    expect(await outcome(stuck.taskDefs())).toBe('UNAUTHENTICATED: The token has expired.');
    expect(calls).toBe(2);
    const broken = clientWith(() => Promise.reject(new Error('the issuer is down')));
    expect(await outcome(broken.taskDefs())).toBe('CREDENTIAL_ERROR: The apiKey function gave no credential: the issuer is down');

    // The WebSocket asks it too, when it connects.
    const fresh = clientWith(() => token({ email: person }));
    expect(await subscription(fresh)).toBe('OPEN');
    const refusedSocket = clientWith(() => expired, { subscriptionRetries: 0 });
    expect(await subscription(refusedSocket)).toBe('UNAUTHENTICATED: The token has expired.');
  });

  it('moves subscriptions to a new socket with a fresh credential once the open one holds a token that has run out', async () => {
    await makePerson();
    const wfSpecName = unique('renewed');
    await admin.putWfSpec(new Workflow(wfSpecName, (wf) => void wf.declareStr('x')).compile());
    const eventDef = unique('go');
    await admin.putExternalEventDef({ name: eventDef });
    const waiting = unique('waiting');
    await admin.putWfSpec(new Workflow(waiting, (wf) => void wf.waitForEvent(eventDef)).compile());
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    let current = await token({ email: person, expiresIn: expiresAt });
    const asked: boolean[] = [];
    // No reconnects: a subscription that had to move would end.
    const client = clientWith(async ({ refused }) => {
      asked.push(refused);
      if (refused) current = await token({ email: person });
      return current;
    }, { subscriptionRetries: 0 });
    /** Subscribes to wfRunsChanged; resolves the ids it delivers once it has delivered `id`, or its error. */
    const watch = () => {
      const seen: string[] = [];
      let found: (outcome: string) => void = () => {};
      let wanted = '';
      const stop = client.subscribe<{ wfRunsChanged: { id: string } }>('subscription { wfRunsChanged { id } }', {}, {
        next: (data) => {
          seen.push(data.wfRunsChanged.id);
          if (data.wfRunsChanged.id === wanted) found('DELIVERED');
        },
        error: (e) => found(isGallopClientError(e) ? `${e.code}: ${e.message}` : String(e)),
      });
      return { stop, delivered: (id: string) => new Promise<string>((resolve) => ((wanted = id), (found = resolve), seen.includes(id) && resolve('DELIVERED'))) };
    };

    // The socket opens with the short-lived token: one subscription follows every WfRun, one a waiting WfRun's events.
    const early = watch();
    const run = unique('run');
    await admin.runWf({ wfSpecName: waiting, id: run });
    const seqs: number[] = [];
    const errors: unknown[] = [];
    const stopEvents = client.wfRunEvents(run, { next: (e) => seqs.push(e.seq), error: (e) => errors.push(e) });
    await expect.poll(() => seqs.length).toBeGreaterThan(0);
    const stored = seqs.length;
    expect(await subscription(client)).toBe('OPEN');
    // Once the token has run out, the server ends both subscriptions as UNAUTHENTICATED; the client asks for a new
    // token once, opens a socket with it and subscribes both again there, the events from after the last one seen.
    await new Promise((resolve) => setTimeout(resolve, expiresAt * 1000 - Date.now() + 200));
    const cut = () => server.logs.filter((l) => l.msg.startsWith('Ended a running subscription') && l.principal === person).map((l) => l.subscription);
    await expect.poll(() => cut().sort(), { timeout: 5_000 }).toEqual(['wfRunEvents', 'wfRunsChanged']);
    await expect.poll(() => asked.includes(true), { timeout: 5_000 }).toBe(true);
    // A subscription made now goes on the new socket.
    const late = watch();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const id = unique('after-renewal');
    await admin.runWf({ wfSpecName, id });
    expect(await Promise.all([late.delivered(id), early.delivered(id)])).toEqual(['DELIVERED', 'DELIVERED']);
    await admin.putExternalEvent({ wfRunId: run, externalEventDefName: eventDef, content: null });
    await expect.poll(() => seqs.length).toBeGreaterThan(stored);
    // Nothing twice, nothing missed: the events resumed where they had stopped.
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(errors).toEqual([]);
    expect(asked.filter((refused) => refused)).toEqual([true]);
    early.stop();
    late.stop();
    stopEvents();
  });

  it('keeps a quiet subscription going through one short-lived token after another', async () => {
    await makePerson();
    const eventDef = unique('later');
    await admin.putExternalEventDef({ name: eventDef });
    const waiting = unique('quiet');
    await admin.putWfSpec(new Workflow(waiting, (wf) => void wf.waitForEvent(eventDef)).compile());
    const run = unique('quiet-run');
    await admin.runWf({ wfSpecName: waiting, id: run });
    // Every token the function gives lives one to two seconds.
    let current = '';
    let fetched = 0;
    const client = clientWith(async ({ refused }) => {
      if (refused || !current) {
        fetched++;
        current = await token({ email: person, expiresIn: Math.floor(Date.now() / 1000) + 2 });
      }
      return current;
    }, { subscriptionRetries: 0 });
    const seqs: number[] = [];
    const errors: unknown[] = [];
    const stop = client.wfRunEvents(run, { next: (e) => seqs.push(e.seq), error: (e) => errors.push(e) });
    await expect.poll(() => seqs.length).toBeGreaterThan(0);
    const stored = seqs.length;
    // Nothing happens to the WfRun while two or three tokens run out: each time the server ends the subscription
    // and the client carries it on with a new one, though no data came in between.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(fetched).toBeGreaterThanOrEqual(3);
    await admin.putExternalEvent({ wfRunId: run, externalEventDefName: eventDef, content: null });
    await expect.poll(() => seqs.length, { timeout: 5_000 }).toBeGreaterThan(stored);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(errors).toEqual([]);
    stop();
  });

  it('never crashes on malformed tokens', async () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9_-]{0,40}$/);
    await fc.assert(
      fc.asyncProperty(fc.tuple(segment, segment, segment), async ([a, b, c]) => {
        expect(await outcome(clientWith(`${a}.${b}.${c}`).taskDefs())).toMatch(/^UNAUTHENTICATED: /);
      }),
      { numRuns: 40 },
    );
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
