import type { Catalog, ExternalEventDef, TaskDef, UserTaskDef, WfSpecSummary } from '@gallop/engine';
import type { ExternalEventDefInfo, GallopClient, Page } from '@gallop/sdk';

/** Everything the editor validates against and offers in its pickers, read from the server. */
export async function loadCatalog(client: GallopClient): Promise<Catalog> {
  const [taskDefs, eventDefs, thrownDefs, userTaskDefs, wfSpecs] = await Promise.all([
    all((after) => client.taskDefs({ first: 500, ...(after ? { after } : {}) })),
    all((after) => client.externalEventDefs({ first: 500, ...(after ? { after } : {}) })),
    all((after) => client.workflowEventDefs({ first: 500, ...(after ? { after } : {}) })),
    all((after) => client.userTaskDefs({ first: 500, ...(after ? { after } : {}) })),
    all((after) => client.wfSpecs({ first: 500, ...(after ? { after } : {}) })),
  ]);
  const newestUserTaskDefs: Record<string, UserTaskDef> = {};
  for (const def of userTaskDefs) {
    const known = newestUserTaskDefs[def.name];
    if (known && known.version > def.version) continue;
    newestUserTaskDefs[def.name] = {
      name: def.name,
      version: def.version,
      fields: def.fields.map((f) => ({
        name: f.name,
        type: f.type,
        required: f.required,
        ...(f.displayName ? { displayName: f.displayName } : {}),
        ...(f.description ? { description: f.description } : {}),
      })),
    };
  }
  const newestWfSpecs: Record<string, WfSpecSummary> = {};
  for (const spec of wfSpecs) {
    const known = newestWfSpecs[spec.name];
    if (!known || known.majorVersion < spec.majorVersion) newestWfSpecs[spec.name] = { name: spec.name, majorVersion: spec.majorVersion };
  }
  return {
    taskDefs: Object.fromEntries(
      taskDefs.map((t): [string, TaskDef] => [
        t.name,
        {
          name: t.name,
          inputVars: t.inputVars.map((v) => ({ name: v.name, type: v.type, ...('masked' in v && v.masked ? { masked: true } : {}) })),
          ...(t.returnType ? { returnType: t.returnType } : {}),
          ...(t.maskedOutput ? { maskedOutput: true } : {}),
        },
      ]),
    ),
    externalEventDefs: Object.fromEntries(eventDefs.map((d): [string, ExternalEventDef] => [d.name, externalEventDefOf(d)])),
    workflowEventDefs: Object.fromEntries(thrownDefs.map((d) => [d.name, { name: d.name }])),
    userTaskDefs: newestUserTaskDefs,
    wfSpecs: newestWfSpecs,
  };
}

// The config goes in because validation refuses a correlationKey on a def without one (CORRELATION_NOT_ENABLED).
function externalEventDefOf(def: ExternalEventDefInfo): ExternalEventDef {
  const config = def.correlatedEventConfig;
  if (!config) return { name: def.name };
  return {
    name: def.name,
    correlatedEventConfig: { ...(config.ttlSeconds !== null ? { ttlSeconds: config.ttlSeconds } : {}), deleteAfterFirstCorrelation: config.deleteAfterFirstCorrelation },
  };
}

async function all<T>(page: (after: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  for (let after: string | undefined; ; ) {
    const got = await page(after);
    items.push(...got.items);
    if (!got.hasNextPage || !got.endCursor) return items;
    after = got.endCursor;
  }
}

/** An empty catalog: the editor still validates the shape of a WfSpec while the server's defs load. */
export const EMPTY_CATALOG: Catalog = { taskDefs: {} };
