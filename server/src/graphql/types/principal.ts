import type { Problem } from '@gallop/engine';
import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { ACL_ACTIONS, ACL_RESOURCES } from '../../auth/acl.ts';
import type { Acl, AclAction, AclResource, Principal } from '../../auth/acl.ts';
import { newApiKey } from '../../auth/api-keys.ts';
import { mayCall, OPERATION_GRANTS } from '../../auth/authorize.ts';
import { searchAudit } from '../../auth/audit.ts';
import type { AuditRow } from '../../auth/audit.ts';
import { builder } from '../builder.ts';
import { deletePrincipal, findPrincipal, insertApiKey, listApiKeys, listPrincipals, revokeApiKey, upsertPrincipal } from '../../store/queries/principals.ts';
import type { ApiKeyRow, PrincipalRow } from '../../store/queries/principals.ts';
import { decodeCursor, encodeCursor, NotFoundError, checkedPageArgs, ValidationError, resolveCursorPage } from './common.ts';

const AclActionEnum = builder.enumType('AclAction', { values: ACL_ACTIONS });
const AclResourceEnum = builder.enumType('AclResource', { values: ACL_RESOURCES });

const AclRef = builder.objectRef<Acl>('Acl').implement({
  description: 'A grant: every action listed on every kind of resource listed.',
  fields: (t) => ({
    resources: t.field({ type: [AclResourceEnum], resolve: (acl) => [...acl.resources] }),
    actions: t.field({ type: [AclActionEnum], resolve: (acl) => [...acl.actions] }),
  }),
});

const TenantAclsRef = builder.objectRef<{ tenant: string; acls: readonly Acl[] }>('TenantAcls').implement({
  fields: (t) => ({
    tenant: t.exposeString('tenant'),
    acls: t.field({ type: [AclRef], resolve: (row) => [...row.acls] }),
  }),
});

const ApiKeyRef = builder.objectRef<ApiKeyRow>('ApiKey').implement({
  description: "An API key of a principal; its secret is shown once, by createApiKey, and never stored.",
  fields: (t) => ({
    id: t.exposeID('id'),
    principalId: t.exposeString('principalId'),
    description: t.string({ nullable: true, resolve: (key) => key.description }),
    createdAt: t.field({ type: 'DateTime', resolve: (key) => key.createdAt }),
    expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (key) => key.expiresAt }),
    revokedAt: t.field({ type: 'DateTime', nullable: true, resolve: (key) => key.revokedAt }),
  }),
});

type OperationView = { field: string; allowed: boolean; action: AclAction | null; resource: AclResource | null };

const OperationRef = builder.objectRef<OperationView>('Operation').implement({
  description: 'A root field of the API and whether a principal may call it in the request’s tenant.',
  fields: (t) => ({
    field: t.exposeString('field'),
    allowed: t.exposeBoolean('allowed'),
    action: t.field({ type: AclActionEnum, nullable: true, description: 'The action it needs; null when a principal is enough.', resolve: (o) => o.action }),
    resource: t.field({ type: AclResourceEnum, nullable: true, resolve: (o) => o.resource }),
  }),
});

const PrincipalRef = builder.objectRef<Principal & { createdAt?: Date }>('Principal').implement({
  description: 'Who acts: grants that hold in every tenant, and grants per tenant (LittleHorse).',
  fields: (t) => ({
    id: t.exposeID('id'),
    globalAcls: t.field({ type: [AclRef], resolve: (p) => [...p.globalAcls] }),
    perTenantAcls: t.field({ type: [TenantAclsRef], resolve: (p) => Object.entries(p.perTenantAcls).map(([tenant, acls]) => ({ tenant, acls })) }),
    operations: t.field({
      type: [OperationRef],
      description: 'Every operation and whether it may call it in the request’s tenant: what a UI enables, with the grant it lacks.',
      resolve: (p, _args, { tenantId }) =>
        Object.entries(OPERATION_GRANTS).flatMap(([field, grant]) =>
          field.startsWith('__') ? [] : [{ field, allowed: mayCall(p, tenantId, field), action: Array.isArray(grant) ? grant[0] : null, resource: Array.isArray(grant) ? grant[1] : null }],
        ),
    }),
    apiKeys: t.field({ type: [ApiKeyRef], description: 'Its API keys, revoked and expired ones too.', resolve: (p, _args, { services }) => listApiKeys(services.db, p.id) }),
  }),
});

const AclInput = builder.inputType('AclInput', {
  fields: (t) => ({
    resources: t.field({ type: [AclResourceEnum], required: true }),
    actions: t.field({ type: [AclActionEnum], required: true }),
  }),
});

const TenantAclsInput = builder.inputType('TenantAclsInput', {
  fields: (t) => ({
    tenant: t.string({ required: true }),
    acls: t.field({ type: [AclInput], required: true }),
  }),
});

const PutPrincipalInput = builder.inputType('PutPrincipalInput', {
  fields: (t) => ({
    id: t.string({ required: true, description: "1 to 256 characters without spaces or control characters (an email or an OIDC subject will do), and not 'admin' or 'anonymous'." }),
    globalAcls: t.field({ type: [AclInput], required: false }),
    perTenantAcls: t.field({ type: [TenantAclsInput], required: false }),
  }),
});

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    principalId: t.string({ required: true }),
    description: t.string({ required: false }),
    expiresAt: t.field({ type: 'DateTime', required: false, description: 'After this the key no longer authenticates.' }),
  }),
});

const NewApiKeyRef = builder.objectRef<{ key: ApiKeyRow; token: string }>('NewApiKey').implement({
  fields: (t) => ({
    key: t.field({ type: ApiKeyRef, resolve: (created) => created.key }),
    token: t.string({ description: 'The key to send as `Authorization: Bearer <token>`: shown this once.', resolve: (created) => created.token }),
  }),
});

const toPrincipal = (row: PrincipalRow) => ({ id: row.id, globalAcls: row.globalAcls, perTenantAcls: row.perTenantAcls, createdAt: row.createdAt });

type OidcConfigView = { issuer: string; clientId: string; scopes: string };

const OidcConfigRef = builder.objectRef<OidcConfigView>('OidcConfig').implement({
  description: 'The OpenID Connect issuer and public client a person signs in with (authorization code with PKCE).',
  fields: (t) => ({
    issuer: t.exposeString('issuer'),
    clientId: t.exposeString('clientId'),
    scopes: t.exposeString('scopes', { description: 'Space-separated, as the authorization request sends them.' }),
  }),
});

const AuthConfigRef = builder.objectRef<{ required: boolean; oidc: OidcConfigView | null }>('AuthConfig').implement({
  description: 'How to sign in to this server; anyone may ask.',
  fields: (t) => ({
    required: t.exposeBoolean('required', { description: 'Whether requests need credentials; when false, every request holds every grant.' }),
    oidc: t.field({ type: OidcConfigRef, nullable: true, description: 'Set when people may sign in with OIDC.', resolve: (c) => c.oidc }),
  }),
});

builder.queryFields((t) => ({
  authConfig: t.field({
    type: AuthConfigRef,
    resolve: (_root, _args, { services }) => {
      const oidc = services.auth.oidc;
      return {
        required: services.auth.required,
        // Without authentication nothing checks a token: offering a sign-in would do nothing.
        oidc: services.auth.required && oidc?.clientId ? { issuer: oidc.issuer, clientId: oidc.clientId, scopes: oidc.scopes ?? 'openid' } : null,
      };
    },
  }),
  whoami: t.field({
    type: PrincipalRef,
    description: 'The principal the request acts as.',
    resolve: (_root, _args, { principal }) => principal!,
  }),
  principal: t.field({
    type: PrincipalRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, { services }) => {
      const row = await findPrincipal(services.db, String(id));
      return row ? toPrincipal(row) : null;
    },
  }),
  principals: t.connection(
    {
      type: PrincipalRef,
      description: 'Every principal, by id.',
      resolve: (_root, args, { services }) =>
        resolveCursorPage({ args: checkedPageArgs(args), toCursor: (p: Principal) => encodeCursor('principals', [p.id]), maxSize: 500 }, async ({ after, limit }: ResolveCursorConnectionArgs) => {
          return (await listPrincipals(services.db, after === undefined ? undefined : String(decodeCursor(after, 'principals', 's')[0]), limit)).map(toPrincipal);
        }),
    },
    { name: 'PrincipalConnection' },
    { name: 'PrincipalEdge' },
  ),
}));

/** What an OIDC claim may hold as well as a name: an email, `auth0|abc`, a UUID. */
const PRINCIPAL_ID = /^[^\s\p{C}]{1,256}$/u;

builder.mutationFields((t) => ({
  putPrincipal: t.field({
    type: PrincipalRef,
    description: 'Creates a principal, or replaces its grants.',
    errors: { types: [ValidationError, NotFoundError], directResult: true, union: { name: 'PutPrincipalResult' } },
    args: { input: t.arg({ type: PutPrincipalInput, required: true }) },
    resolve: async (_root, { input }, { services }) => {
      const problems: Problem[] = [];
      if (!PRINCIPAL_ID.test(input.id) || input.id === 'admin' || input.id === 'anonymous') {
        problems.push({ path: ['input', 'id'], code: 'INVALID_NAME', message: "A principal id is 1 to 256 characters without spaces or control characters, and not 'admin' or 'anonymous'." });
      }
      if (problems.length > 0) throw ValidationError.of(`Principal '${input.id}' is invalid`, problems);
      const perTenant: Record<string, Acl[]> = {};
      for (const entry of input.perTenantAcls ?? []) {
        if (!(await services.tenants.exists(entry.tenant))) throw new NotFoundError('Tenant', entry.tenant);
        perTenant[entry.tenant] = [...(perTenant[entry.tenant] ?? []), ...entry.acls];
      }
      const row = await upsertPrincipal(services.db, input.id, input.globalAcls ?? [], perTenant);
      services.auth.forget();
      return toPrincipal(row);
    },
  }),
  deletePrincipal: t.field({
    type: PrincipalRef,
    description: 'Deletes a principal with its API keys; answers the principal as it was.',
    errors: { types: [NotFoundError], directResult: true, union: { name: 'DeletePrincipalResult' } },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, { services }) => {
      const row = await findPrincipal(services.db, String(id));
      if (!row || !(await deletePrincipal(services.db, row.id))) throw new NotFoundError('Principal', String(id));
      services.auth.forget();
      return toPrincipal(row);
    },
  }),
  createApiKey: t.field({
    type: NewApiKeyRef,
    description: 'Makes an API key for a principal; its token is in this answer only.',
    errors: { types: [NotFoundError, ValidationError], directResult: true, union: { name: 'CreateApiKeyResult' } },
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    resolve: async (_root, { input }, { services }) => {
      if (!(await findPrincipal(services.db, input.principalId))) throw new NotFoundError('Principal', input.principalId);
      if (input.expiresAt && input.expiresAt.getTime() <= services.clock()) {
        throw ValidationError.of('The API key would never work', [{ path: ['input', 'expiresAt'], code: 'OUT_OF_RANGE', message: 'expiresAt must be in the future.' }]);
      }
      const made = newApiKey();
      const key = await insertApiKey(services.db, { id: made.id, principalId: input.principalId, secretHash: made.secretHash, description: input.description ?? null, expiresAt: input.expiresAt ?? null });
      return { key, token: made.token };
    },
  }),
  revokeApiKey: t.field({
    type: ApiKeyRef,
    description: 'Revokes an API key at once in this server process, and within 5 s in the others.',
    errors: { types: [NotFoundError], directResult: true, union: { name: 'RevokeApiKeyResult' } },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, { services }) => {
      const key = await revokeApiKey(services.db, String(id), new Date(services.clock()));
      if (!key) throw new NotFoundError('ApiKey', String(id));
      services.auth.forget();
      return key;
    },
  }),
}));

const AuditEntryRef = builder.objectRef<AuditRow>('AuditEntry').implement({
  description: 'One mutation (or a count of like ones, for routine calls): who sent it, in which tenant, what, when, and how it ended (OK, a typed error, or a refusal code).',
  fields: (t) => ({
    id: t.id({ resolve: (row) => String(row.id) }),
    at: t.field({ type: 'DateTime', resolve: (row) => row.at }),
    tenant: t.string({ resolve: (row) => row.tenantId }),
    principalId: t.exposeString('principalId'),
    operation: t.exposeString('operation', { description: 'The root fields of the mutation, comma-separated.' }),
    outcome: t.exposeString('outcome'),
    count: t.exposeInt('count', {
      description:
        "How many calls the entry stands for, the last at `at`. Claims, reports, lease extensions, runWf and putExternalEvent calls that succeed are counted, one entry per principal, tenant and operation a minute at most; every other entry is one call.",
    }),
  }),
});

builder.queryFields((t) => ({
  auditLog: t.connection(
    {
      type: AuditEntryRef,
      description: 'Every mutation, newest first, of one tenant and one principal when given; for admins (READ on AUDIT_LOG).',
      args: { tenant: t.arg.string(), principalId: t.arg.string() },
      resolve: async (_root, args, { services }) => {
        // What was just done is in the log before it is searched.
        await services.audit.flush();
        return resolveCursorPage({ args: checkedPageArgs(args), toCursor: (row: AuditRow) => encodeCursor('auditLog', [row.at.getTime(), row.id]), maxSize: 500 }, ({ after, limit }: ResolveCursorConnectionArgs) => {
          const parts = after === undefined ? undefined : decodeCursor(after, 'auditLog', 'ti');
          return searchAudit(services.db, { tenantId: args.tenant, principalId: args.principalId }, parts && { at: new Date(Number(parts[0])), id: Number(parts[1]) }, limit);
        });
      },
    },
    { name: 'AuditEntryConnection' },
    { name: 'AuditEntryEdge' },
  ),
}));
