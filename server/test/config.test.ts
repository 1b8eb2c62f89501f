import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.ts';

// The server's settings as the environment gives them: mistakes stop the start with a sentence naming the variable.
describe('readConfig', () => {
  const issuer = 'https://id.example.com';

  it('turns authentication on with an OIDC issuer, and reads its settings', () => {
    const config = readConfig({ GALLOP_OIDC_ISSUER: issuer, GALLOP_OIDC_CLIENT_ID: 'gallop-ui', GALLOP_OIDC_PRINCIPAL_CLAIM: 'email' });
    expect(config.authRequired).toBe(true);
    expect(config.oidc).toEqual({ issuer, clientId: 'gallop-ui', principalClaim: 'email', audience: undefined, jwksUri: undefined, scopes: undefined });
    expect(readConfig({}).oidc).toBeUndefined();
  });

  it('refuses an OIDC issuer without an audience, over plain HTTP elsewhere than this machine, or settings without an issuer', () => {
    expect(() => readConfig({ GALLOP_OIDC_ISSUER: issuer })).toThrow(/needs GALLOP_OIDC_AUDIENCE or GALLOP_OIDC_CLIENT_ID/);
    expect(() => readConfig({ GALLOP_OIDC_ISSUER: 'http://id.example.com', GALLOP_OIDC_AUDIENCE: 'api' })).toThrow(/GALLOP_OIDC_ISSUER must be an https URL/);
    expect(() => readConfig({ GALLOP_OIDC_ISSUER: issuer, GALLOP_OIDC_AUDIENCE: 'api', GALLOP_OIDC_JWKS_URI: 'not a url' })).toThrow(/GALLOP_OIDC_JWKS_URI must be a URL/);
    expect(() => readConfig({ GALLOP_OIDC_CLIENT_ID: 'gallop-ui' })).toThrow(/GALLOP_OIDC_CLIENT_ID needs GALLOP_OIDC_ISSUER/);
    expect(readConfig({ GALLOP_OIDC_ISSUER: 'http://127.0.0.1:9000', GALLOP_OIDC_AUDIENCE: 'api' }).oidc?.issuer).toBe('http://127.0.0.1:9000');
  });

  it('reads each limit, and refuses one that is not a whole number of at least 1', () => {
    expect(readConfig({ GALLOP_LIMIT_VALUE_BYTES: '2048', GALLOP_LIMIT_WFSPEC_BYTES: '4096' }).limits).toMatchObject({ maxValueBytes: 2048, maxWfSpecBytes: 4096 });
    expect(() => readConfig({ GALLOP_LIMIT_VALUE_BYTES: '0' })).toThrow(/GALLOP_LIMIT_VALUE_BYTES must be a whole number of at least 1, got '0'/);
  });

  it('keeps audit entries 90 days unless told otherwise, and refuses a retention that is not a whole number of days', () => {
    expect(readConfig({}).auditRetentionDays).toBe(90);
    expect(readConfig({ GALLOP_AUDIT_RETENTION_DAYS: '0' }).auditRetentionDays).toBe(0);
    expect(readConfig({ GALLOP_AUDIT_RETENTION_DAYS: '365' }).auditRetentionDays).toBe(365);
    expect(() => readConfig({ GALLOP_AUDIT_RETENTION_DAYS: '1.5' })).toThrow(/GALLOP_AUDIT_RETENTION_DAYS must be a whole number of days \(0 keeps entries for ever\), got '1.5'/);
  });
});
