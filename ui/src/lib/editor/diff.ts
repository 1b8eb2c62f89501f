import { deepEqual } from '@gallop/engine';
import type { JsonValue, Node, ThreadSpec, WfSpec } from '@gallop/engine';

export type Change = 'added' | 'removed' | 'changed';

/** What changed in one thread between two versions; what is not listed is the same. */
export interface ThreadDiff {
  readonly thread: string;
  /** The thread itself is new or gone; its nodes are then all added or all removed. */
  readonly change?: 'added' | 'removed' | undefined;
  readonly nodes: Readonly<Record<string, Change>>;
  /** Edges by `source->sink`: an edge whose condition or mutations differ is changed. */
  readonly edges: Readonly<Record<string, Change>>;
  readonly variables: Readonly<Record<string, Change>>;
  /** For each node, edge and variable marked changed above: the fields that differ. */
  readonly fields: {
    readonly nodes: Readonly<Record<string, readonly FieldChange[]>>;
    readonly edges: Readonly<Record<string, readonly FieldChange[]>>;
    readonly variables: Readonly<Record<string, readonly FieldChange[]>>;
  };
}

/** One field that differs, by its path (`retryPolicy.intervalSeconds`, `inputs[1].value`); a side it is missing from has no value. */
export interface FieldChange {
  readonly path: string;
  readonly before?: JsonValue;
  readonly after?: JsonValue;
}

export interface SpecDiff {
  readonly threads: readonly ThreadDiff[];
  /** Whether anything differs at all. */
  readonly same: boolean;
}

/**
 * Compares two WfSpecs thread by thread: nodes by name (changed when any of their own fields differ; their edges
 * are compared apart), edges by source and sink, variables by name.
 */
export function diffSpecs(before: WfSpec, after: WfSpec): SpecDiff {
  const names = [...new Set([...Object.keys(before.threadSpecs), ...Object.keys(after.threadSpecs)])];
  const threads = names.map((thread) => diffThread(thread, before.threadSpecs[thread], after.threadSpecs[thread]));
  const same = threads.every((t) => !t.change && Object.keys(t.nodes).length === 0 && Object.keys(t.edges).length === 0 && Object.keys(t.variables).length === 0);
  return { threads, same };
}

function diffThread(thread: string, before: ThreadSpec | undefined, after: ThreadSpec | undefined): ThreadDiff {
  const change = !before ? 'added' : !after ? 'removed' : undefined;
  const nodes = [nodesOf(before), nodesOf(after)] as const;
  const edges = [edgesOf(before), edgesOf(after)] as const;
  const variables = [variablesOf(before), variablesOf(after)] as const;
  const nodeChanges = compare(...nodes);
  const edgeChanges = compare(...edges);
  const variableChanges = compare(...variables);
  return {
    thread,
    ...(change ? { change } : {}),
    nodes: nodeChanges,
    edges: edgeChanges,
    variables: variableChanges,
    fields: { nodes: fieldsOf(nodeChanges, ...nodes), edges: fieldsOf(edgeChanges, ...edges), variables: fieldsOf(variableChanges, ...variables) },
  };
}

function fieldsOf(changes: Readonly<Record<string, Change>>, before: Readonly<Record<string, JsonValue>>, after: Readonly<Record<string, JsonValue>>): Record<string, FieldChange[]> {
  return Object.fromEntries(Object.entries(changes).flatMap(([key, change]) => (change === 'changed' ? [[key, fieldChanges(before[key], after[key])]] : [])));
}

/**
 * The leaves in which two values differ: objects field by field, arrays of one length item by item; anything else
 * (arrays of other lengths, values of other kinds) differs as a whole at its path.
 */
export function fieldChanges(before: JsonValue | undefined, after: JsonValue | undefined, path = ''): FieldChange[] {
  if (before !== undefined && after !== undefined && deepEqual(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => fieldChanges(before[key], after[key], path ? `${path}.${key}` : key));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => fieldChanges(item, after[i], `${path}[${i}]`));
  }
  return [{ path, ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) }];
}

function isObject(value: JsonValue | undefined): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compare(before: Readonly<Record<string, JsonValue>>, after: Readonly<Record<string, JsonValue>>): Record<string, Change> {
  const changes: Record<string, Change> = {};
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (old === undefined) changes[key] = 'added';
    else if (!deepEqual(old, value)) changes[key] = 'changed';
  }
  for (const key of Object.keys(before)) if (after[key] === undefined) changes[key] = 'removed';
  return changes;
}

/** Nodes without their edges: moving an edge changes the edge, not the nodes it joins. */
function nodesOf(thread: ThreadSpec | undefined): Record<string, JsonValue> {
  return Object.fromEntries(
    Object.entries(thread?.nodes ?? {}).map(([name, node]) => {
      const { outgoingEdges: _edges, ...rest } = node;
      return [name, rest as unknown as JsonValue];
    }),
  );
}

/** `source->sink` (with `#2`, `#3` for repeats) to the edge's condition, mutations and place among its node's edges. */
function edgesOf(thread: ThreadSpec | undefined): Record<string, JsonValue> {
  const edges: Record<string, JsonValue> = {};
  for (const [source, node] of Object.entries(thread?.nodes ?? {})) {
    const seen = new Map<string, number>();
    (node.outgoingEdges ?? []).forEach((edge, index) => {
      const n = (seen.get(edge.sinkNodeName) ?? 0) + 1;
      seen.set(edge.sinkNodeName, n);
      edges[`${source}->${edge.sinkNodeName}${n > 1 ? `#${n}` : ''}`] = { index, ...(edge as unknown as Record<string, JsonValue>) };
    });
  }
  return edges;
}

function variablesOf(thread: ThreadSpec | undefined): Record<string, JsonValue> {
  return Object.fromEntries((thread?.variableDefs ?? []).map((v) => [v.name, v as unknown as JsonValue]));
}

/** Where a WfRun stands: each running ThreadRun's spec and the node it is on. */
export interface Standing {
  readonly wfRunId: string;
  readonly at: readonly { readonly thread: string; readonly node: string }[];
}

/** A WfRun of the old version that stands on a node the new one removed or changed, with those nodes. */
export interface Affected {
  readonly wfRunId: string;
  readonly nodes: readonly { readonly thread: string; readonly node: string; readonly change: Change }[];
}

/**
 * Which in-flight WfRuns a move to the new version would touch where they stand: a node removed (a migration
 * would have nowhere to put them) or changed (they would go on under new settings).
 */
export function affectedRuns(diff: SpecDiff, runs: readonly Standing[]): Affected[] {
  const byThread = new Map(diff.threads.map((t) => [t.thread, t]));
  return runs.flatMap((run) => {
    const nodes = run.at.flatMap(({ thread, node }) => {
      const t = byThread.get(thread);
      const change = t?.change === 'removed' ? 'removed' : t?.nodes[node];
      return change === 'removed' || change === 'changed' ? [{ thread, node, change }] : [];
    });
    return nodes.length > 0 ? [{ wfRunId: run.wfRunId, nodes }] : [];
  });
}

/**
 * Both versions of one thread in one graph: every node and edge of `after`, and those `before` had that `after`
 * lost, so that a removed node is drawn where it was, next to what replaced it.
 */
export function unionThread(before: ThreadSpec | undefined, after: ThreadSpec | undefined): ThreadSpec {
  const nodes: Record<string, Node> = { ...(after?.nodes ?? {}) };
  for (const [name, node] of Object.entries(before?.nodes ?? {})) {
    const now = nodes[name];
    if (!now) {
      nodes[name] = node;
      continue;
    }
    // Keep the edges either version has, so that a removed edge between two kept nodes is drawn too.
    const edges = [...(now.outgoingEdges ?? [])];
    for (const edge of node.outgoingEdges ?? []) if (!edges.some((e) => e.sinkNodeName === edge.sinkNodeName)) edges.push(edge);
    nodes[name] = { ...now, ...(edges.length > 0 ? { outgoingEdges: edges } : {}) };
  }
  return { variableDefs: after?.variableDefs ?? before?.variableDefs ?? [], nodes };
}
