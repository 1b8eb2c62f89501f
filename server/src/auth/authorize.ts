import { isAsyncIterable } from 'graphql-yoga';
import type { Plugin } from 'graphql-yoga';
import { getOperationAST, GraphQLError, Kind } from 'graphql';
import type { DocumentNode, FragmentDefinitionNode, SelectionSetNode } from 'graphql';
import type { Context } from '../graphql/builder.ts';
import { perOperation } from '../graphql/per-operation.ts';
import { allows } from './acl.ts';
import { untilLapsed } from './until-lapsed.ts';
import type { AclAction, AclResource, Principal } from './acl.ts';

type Grant = readonly [Exclude<AclAction, 'ALL_ACTIONS'>, Exclude<AclResource, 'ALL_RESOURCES'>];

/**
 * What each root field of the API needs, as LittleHorse's ACLs guard its rpcs: the action and the kind of resource,
 * in the request's tenant. A field missing here is refused (fail closed); a test checks every field has a line.
 * `whoami` needs a principal only; `authConfig`, how to sign in, nothing at all.
 */
export const OPERATION_GRANTS: Readonly<Record<string, Grant | 'AUTHENTICATED' | 'PUBLIC'>> = {
  authConfig: 'PUBLIC',
  whoami: 'AUTHENTICATED',
  serverVersion: 'AUTHENTICATED',
  __schema: 'AUTHENTICATED',
  __type: 'AUTHENTICATED',
  // WfSpecs and the defs they use.
  wfSpec: ['READ', 'WF_SPEC'],
  wfSpecs: ['READ', 'WF_SPEC'],
  wfSpecMetricsWindow: ['READ', 'WF_SPEC'],
  wfSpecMetrics: ['READ', 'WF_SPEC'],
  putWfSpec: ['WRITE_METADATA', 'WF_SPEC'],
  deleteWfSpec: ['WRITE_METADATA', 'WF_SPEC'],
  taskDef: ['READ', 'TASK_DEF'],
  taskDefs: ['READ', 'TASK_DEF'],
  taskDefMetricsWindow: ['READ', 'TASK_DEF'],
  taskDefMetrics: ['READ', 'TASK_DEF'],
  putTaskDef: ['WRITE_METADATA', 'TASK_DEF'],
  deleteTaskDef: ['WRITE_METADATA', 'TASK_DEF'],
  externalEventDef: ['READ', 'EXTERNAL_EVENT_DEF'],
  externalEventDefs: ['READ', 'EXTERNAL_EVENT_DEF'],
  putExternalEventDef: ['WRITE_METADATA', 'EXTERNAL_EVENT_DEF'],
  deleteExternalEventDef: ['WRITE_METADATA', 'EXTERNAL_EVENT_DEF'],
  userTaskDef: ['READ', 'USER_TASK_DEF'],
  userTaskDefs: ['READ', 'USER_TASK_DEF'],
  putUserTaskDef: ['WRITE_METADATA', 'USER_TASK_DEF'],
  deleteUserTaskDef: ['WRITE_METADATA', 'USER_TASK_DEF'],
  workflowEventDef: ['READ', 'WORKFLOW_EVENT_DEF'],
  workflowEventDefs: ['READ', 'WORKFLOW_EVENT_DEF'],
  putWorkflowEventDef: ['WRITE_METADATA', 'WORKFLOW_EVENT_DEF'],
  deleteWorkflowEventDef: ['WRITE_METADATA', 'WORKFLOW_EVENT_DEF'],
  // WfRuns and what steers them.
  wfRun: ['READ', 'WF_RUN'],
  wfRuns: ['READ', 'WF_RUN'],
  nodeRuns: ['READ', 'WF_RUN'],
  nodeRun: ['READ', 'WF_RUN'],
  variable: ['READ', 'WF_RUN'],
  variables: ['READ', 'WF_RUN'],
  countNodeRuns: ['READ', 'WF_RUN'],
  wfRunEvents: ['READ', 'WF_RUN'],
  wfRunsChanged: ['READ', 'WF_RUN'],
  awaitWorkflowEvent: ['READ', 'WF_RUN'],
  workflowEvent: ['READ', 'WF_RUN'],
  workflowEvents: ['READ', 'WF_RUN'],
  scheduledWfRun: ['READ', 'WF_RUN'],
  scheduledWfRuns: ['READ', 'WF_RUN'],
  runWf: ['RUN', 'WF_RUN'],
  stopWfRun: ['RUN', 'WF_RUN'],
  resumeWfRun: ['RUN', 'WF_RUN'],
  rescueThreadRun: ['RUN', 'WF_RUN'],
  deleteWfRun: ['RUN', 'WF_RUN'],
  migrateWfSpec: ['RUN', 'WF_RUN'],
  scheduleWf: ['RUN', 'WF_RUN'],
  deleteScheduledWfRun: ['RUN', 'WF_RUN'],
  // Task workers.
  taskRun: ['READ', 'TASK_RUN'],
  taskRuns: ['READ', 'TASK_RUN'],
  countTaskRuns: ['READ', 'TASK_RUN'],
  claimTaskRuns: ['RUN', 'TASK_RUN'],
  reportTaskRun: ['RUN', 'TASK_RUN'],
  reportTaskRuns: ['RUN', 'TASK_RUN'],
  extendTaskRunLease: ['RUN', 'TASK_RUN'],
  // The world's events and people's tasks.
  externalEvent: ['READ', 'EXTERNAL_EVENT'],
  externalEvents: ['READ', 'EXTERNAL_EVENT'],
  putExternalEvent: ['RUN', 'EXTERNAL_EVENT'],
  putCorrelatedEvent: ['RUN', 'EXTERNAL_EVENT'],
  deleteCorrelatedEvent: ['RUN', 'EXTERNAL_EVENT'],
  correlatedEvent: ['READ', 'EXTERNAL_EVENT'],
  correlatedEvents: ['READ', 'EXTERNAL_EVENT'],
  userTaskRun: ['READ', 'USER_TASK_RUN'],
  userTaskRuns: ['READ', 'USER_TASK_RUN'],
  assignUserTaskRun: ['RUN', 'USER_TASK_RUN'],
  completeUserTaskRun: ['RUN', 'USER_TASK_RUN'],
  cancelUserTaskRun: ['RUN', 'USER_TASK_RUN'],
  saveUserTaskRunProgress: ['RUN', 'USER_TASK_RUN'],
  putUserTaskRunComment: ['RUN', 'USER_TASK_RUN'],
  editUserTaskRunComment: ['RUN', 'USER_TASK_RUN'],
  deleteUserTaskRunComment: ['RUN', 'USER_TASK_RUN'],
  // The cluster's own: global grants only.
  tenant: ['READ', 'TENANT'],
  tenants: ['READ', 'TENANT'],
  putTenant: ['WRITE_METADATA', 'TENANT'],
  principal: ['READ', 'PRINCIPAL'],
  principals: ['READ', 'PRINCIPAL'],
  putPrincipal: ['WRITE_METADATA', 'PRINCIPAL'],
  deletePrincipal: ['WRITE_METADATA', 'PRINCIPAL'],
  createApiKey: ['WRITE_METADATA', 'PRINCIPAL'],
  revokeApiKey: ['WRITE_METADATA', 'PRINCIPAL'],
  auditLog: ['READ', 'AUDIT_LOG'],
};

/** The table's line for a field; never an inherited property such as `constructor`. */
function grantOf(field: string): Grant | 'AUTHENTICATED' | 'PUBLIC' | undefined {
  return Object.hasOwn(OPERATION_GRANTS, field) ? OPERATION_GRANTS[field] : undefined;
}

/** Whether `principal` may call the root field `field` in `tenantId`: the one rule the plugin below and the UI's view of it share. */
export function mayCall(principal: Principal, tenantId: string, field: string): boolean {
  const grant = grantOf(field);
  if (grant === 'PUBLIC' || grant === 'AUTHENTICATED') return true;
  return grant !== undefined && allows(principal, tenantId, grant[0], grant[1]);
}

/** How a running subscription's credential is checked again. */
export interface SubscriptionRecheck {
  /** The principal the subscription's credential names now; throws UNAUTHENTICATED once it no longer works. */
  principalOf(context: Context): Promise<Principal | undefined>;
  /** How often. */
  readonly everyMs: number;
  /** Told of each subscription ended so, with its root fields. */
  onLapse?(context: Context, refusal: GraphQLError, fields: readonly string[]): void;
}

/**
 * Checks every root field of an operation against the request's principal before anything runs, so a refused
 * operation changes nothing: UNAUTHENTICATED without a principal, FORBIDDEN naming the field, action, resource
 * and tenant without the grant. With `recheck`, a subscription is checked so again while it runs, and ends with the
 * refusal once its credential expires or is revoked or its principal loses the grant.
 */
export function useAuthorization(onRefusal?: (args: RefusedOperation, refusal: GraphQLError) => void, recheck?: SubscriptionRecheck): Plugin<Context> {
  const check = (args: { contextValue: Context; document: DocumentNode; operationName?: string | null | undefined }) => {
    const { principal, tenantId } = args.contextValue;
    for (const field of rootFields(args.document, args.operationName)) {
      if (field === '__typename' || grantOf(field) === 'PUBLIC') continue;
      if (!principal) return new GraphQLError(`${field} needs a principal: send an API key or an OIDC token as 'Authorization: Bearer <credential>'.`, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      if (!mayCall(principal, tenantId, field)) {
        const grant = grantOf(field);
        const need = Array.isArray(grant) ? `${grant[0]} on ${grant[1]}` : 'a grant no principal holds';
        return new GraphQLError(`Principal '${principal.id}' may not ${field} in tenant '${tenantId}': it needs ${need}.`, {
          extensions: { code: 'FORBIDDEN', field, action: grant?.[0], resource: grant?.[1], tenant: tenantId },
        });
      }
    }
    return undefined;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refusal = check(args);
      if (!refusal) return;
      onRefusal?.(args, refusal);
      setResultAndStopExecution({ errors: [refusal] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refusal = check(args);
      if (refusal) {
        setResultAndStopExecution({ errors: [refusal] });
        return undefined;
      }
      if (!recheck) return undefined;
      const again = async () => {
        let principal: Principal | undefined;
        try {
          principal = await recheck.principalOf(args.contextValue);
        } catch (error) {
          if (!(error instanceof GraphQLError)) throw error;
          return error;
        }
        return check({ ...args, contextValue: { ...args.contextValue, principal } });
      };
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(untilLapsed(result, again, recheck.everyMs, (refusal) => recheck.onLapse?.(args.contextValue, refusal, rootFields(args.document, args.operationName))));
        },
      };
    },
  };
}

/** What a refused operation was, for the audit log. */
export interface RefusedOperation {
  readonly contextValue: Context;
  readonly document: DocumentNode;
  readonly operationName?: string | null | undefined;
}

/** The names of an operation's root fields, through fragments and inline fragments (aliases do not hide them). */
const rootFields = perOperation((document: DocumentNode, operationName: string | null | undefined): readonly string[] => {
  const operation = getOperationAST(document, operationName);
  if (!operation) return [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const names: string[] = [];
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) names.push(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return names;
});
