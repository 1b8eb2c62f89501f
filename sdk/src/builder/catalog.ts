import type { Catalog, ExternalEventDef, JsonValue, TaskDef, UserTaskDef, WfSpec } from '@gallop/engine';
import type { GallopClient } from '../client/client.ts';

/** The names of the defs a WfSpec uses, by kind. */
interface Names {
  readonly taskDefs: Set<string>;
  readonly externalEventDefs: Set<string>;
  readonly workflowEventDefs: Set<string>;
  readonly userTaskDefs: Set<string>;
}

function namesIn(spec: WfSpec): Names {
  const names: Names = { taskDefs: new Set(), externalEventDefs: new Set(), workflowEventDefs: new Set(), userTaskDefs: new Set() };
  for (const thread of Object.values(spec.threadSpecs)) {
    for (const interrupt of thread.interruptDefs ?? []) names.externalEventDefs.add(interrupt.externalEventDefName);
    for (const node of Object.values(thread.nodes)) {
      if (node.type === 'TASK' && node.taskDefName !== undefined) names.taskDefs.add(node.taskDefName);
      if (node.type === 'EXTERNAL_EVENT') names.externalEventDefs.add(node.externalEventDefName);
      if (node.type === 'THROW_EVENT') names.workflowEventDefs.add(node.workflowEventDefName);
      if (node.type === 'USER_TASK') names.userTaskDefs.add(node.userTaskDefName);
      // A TASK action (a reminder) runs a TaskDef as a TASK node does.
      if (node.type === 'USER_TASK') for (const { action } of node.actions ?? []) if (action.type === 'TASK' && action.task.taskDefName !== undefined) names.taskDefs.add(action.task.taskDefName);
    }
  }
  return names;
}

const FIELDS = {
  taskDef: ['String', 'name inputVars { name type masked } returnType'],
  externalEventDef: ['String', 'name correlatedEventConfig { ttlSeconds deleteAfterFirstCorrelation }'],
  workflowEventDef: ['String', 'name'],
  userTaskDef: ['String', 'name version fields { name type required displayName description }'],
} as const;

/**
 * Reads from the server what validating `spec` needs: every TaskDef, ExternalEventDef, WorkflowEventDef and
 * UserTaskDef it names, in one request. A name the server does not know is left out, so that validation reports it.
 * Child WfSpecs are left unknown, as the server leaves them: a RUN_CHILD_WF's WfSpec is looked up when it runs, so
 * a parent may be registered before its child.
 */
export async function catalogFor(client: Pick<GallopClient, 'request'>, spec: WfSpec): Promise<Catalog> {
  const names = namesIn(spec);
  type Wanted = readonly [alias: string, field: keyof typeof FIELDS, name: string];
  const of = (prefix: string, field: keyof typeof FIELDS, set: Set<string>): Wanted[] => [...set].map((name, i) => [`${prefix}${i}`, field, name]);
  const wanted: Wanted[] = [
    ...of('t', 'taskDef', names.taskDefs),
    ...of('e', 'externalEventDef', names.externalEventDefs),
    ...of('w', 'workflowEventDef', names.workflowEventDefs),
    ...of('u', 'userTaskDef', names.userTaskDefs),
  ];
  const found: Record<string, Record<string, JsonValue> | null> =
    wanted.length === 0
      ? {}
      : await client.request(
          `query Catalog(${wanted.map(([alias, field]) => `$${alias}: ${FIELDS[field][0]}!`).join(', ')}) {
            ${wanted.map(([alias, field]) => `${alias}: ${field}(name: $${alias}) { ${FIELDS[field][1]} }`).join('\n')}
          }`,
          Object.fromEntries(wanted.map(([alias, , name]) => [alias, name])),
        );
  const catalog = { taskDefs: {} as Record<string, TaskDef>, externalEventDefs: {}, workflowEventDefs: {}, userTaskDefs: {} } satisfies Catalog;
  for (const [alias, field, name] of wanted) {
    const row = found[alias];
    if (!row) continue;
    if (field === 'taskDef') catalog.taskDefs[name] = toTaskDef(row);
    else if (field === 'externalEventDef') (catalog.externalEventDefs as Record<string, ExternalEventDef>)[name] = toExternalEventDef(row);
    else if (field === 'workflowEventDef') (catalog.workflowEventDefs as Record<string, { name: string }>)[name] = { name };
    else (catalog.userTaskDefs as Record<string, UserTaskDef>)[name] = toUserTaskDef(row);
  }
  return catalog;
}

/** An ExternalEventDef as validation reads it: a correlated config lets EXTERNAL_EVENT nodes correlate by key. */
function toExternalEventDef(row: Record<string, JsonValue>): ExternalEventDef {
  const config = row.correlatedEventConfig as { ttlSeconds: number | null; deleteAfterFirstCorrelation: boolean } | null;
  if (!config) return { name: String(row.name) };
  return {
    name: String(row.name),
    correlatedEventConfig: { ...(config.ttlSeconds === null ? {} : { ttlSeconds: config.ttlSeconds }), ...(config.deleteAfterFirstCorrelation ? { deleteAfterFirstCorrelation: true } : {}) },
  };
}

// The API leaves optional fields null where the engine's JSON leaves them out.
function withoutNulls<T>(value: Record<string, JsonValue>): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== false)) as T;
}

function toTaskDef(row: Record<string, JsonValue>): TaskDef {
  const inputVars = (row.inputVars as Record<string, JsonValue>[]).map((v) => withoutNulls<TaskDef['inputVars'][number]>(v));
  return withoutNulls<TaskDef>({ ...row, inputVars: inputVars as unknown as JsonValue });
}

function toUserTaskDef(row: Record<string, JsonValue>): UserTaskDef {
  const fields = (row.fields as Record<string, JsonValue>[]).map((f) => withoutNulls<UserTaskDef['fields'][number]>(f));
  return withoutNulls<UserTaskDef>({ ...row, fields: fields as unknown as JsonValue });
}
