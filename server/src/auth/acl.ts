/**
 * Who may do what, as LittleHorse's ACLs say it: a principal holds grants of actions on kinds of resource, global
 * (in every tenant) or per tenant. Pure.
 */

export const ACL_ACTIONS = ['READ', 'RUN', 'WRITE_METADATA', 'ALL_ACTIONS'] as const;
export type AclAction = (typeof ACL_ACTIONS)[number];

export const ACL_RESOURCES = [
  'WF_SPEC',
  'TASK_DEF',
  'EXTERNAL_EVENT_DEF',
  'USER_TASK_DEF',
  'WORKFLOW_EVENT_DEF',
  'WF_RUN',
  'TASK_RUN',
  'EXTERNAL_EVENT',
  'USER_TASK_RUN',
  'PRINCIPAL',
  'TENANT',
  'AUDIT_LOG',
  'ALL_RESOURCES',
] as const;
export type AclResource = (typeof ACL_RESOURCES)[number];

/** A grant: every action listed on every resource listed. */
export interface Acl {
  readonly resources: readonly AclResource[];
  readonly actions: readonly AclAction[];
}

export interface Principal {
  readonly id: string;
  /** Grants that hold in every tenant. */
  readonly globalAcls: readonly Acl[];
  /** Grants that hold in one tenant, by tenant id. */
  readonly perTenantAcls: Readonly<Record<string, readonly Acl[]>>;
}

/** Principals, tenants and the audit log are the cluster's, not a tenant's: only a global grant reaches them (as in LittleHorse). */
const CLUSTER_RESOURCES: ReadonlySet<AclResource> = new Set(['PRINCIPAL', 'TENANT', 'AUDIT_LOG']);

/** Whether `principal` may take `action` on `resource` in `tenantId`. */
export function allows(principal: Principal, tenantId: string, action: Exclude<AclAction, 'ALL_ACTIONS'>, resource: Exclude<AclResource, 'ALL_RESOURCES'>): boolean {
  const grants = CLUSTER_RESOURCES.has(resource) ? principal.globalAcls : [...principal.globalAcls, ...(principal.perTenantAcls[tenantId] ?? [])];
  return grants.some(
    (acl) =>
      (acl.actions.includes(action) || acl.actions.includes('ALL_ACTIONS')) && (acl.resources.includes(resource) || acl.resources.includes('ALL_RESOURCES')),
  );
}

/** Every action on every resource, everywhere: the bootstrap admin, and everyone when the server runs without auth. */
export const EVERYTHING: readonly Acl[] = [{ resources: ['ALL_RESOURCES'], actions: ['ALL_ACTIONS'] }];
