import type { Edge, Node, NodeType, ThreadSpec, ThreadVarDef, WfSpec } from '@gallop/engine';

/**
 * The WfSpec being edited, as plain JSON, with every change a pure function from one draft to the next: the JSON is
 * the only truth (what the SDK writes opens and saves unchanged), and undo is keeping the old value.
 */

/** Where a thing lives in a draft: a thread, and a node (and an edge of it) or nothing. */
export interface NodeRef {
  readonly thread: string;
  readonly node: string;
}

export interface EdgeRef extends NodeRef {
  /** The index of the edge among the node's outgoing edges. */
  readonly index: number;
}

/** The node types a person adds from the palette; each thread has its one ENTRYPOINT already. */
export const PALETTE_TYPES = [
  'TASK',
  'EXIT',
  'NOP',
  'SLEEP',
  'EXTERNAL_EVENT',
  'USER_TASK',
  'START_THREAD',
  'START_MULTIPLE_THREADS',
  'WAIT_FOR_THREADS',
  'WAIT_FOR_CONDITION',
  'THROW_EVENT',
  'RUN_CHILD_WF',
  'WAIT_FOR_CHILD_WF',
] as const satisfies readonly NodeType[];

export type PaletteType = (typeof PALETTE_TYPES)[number];

/** A node as the palette makes it: the fields its type needs, empty until the inspector fills them. */
export function newNode(type: PaletteType): Node {
  switch (type) {
    case 'TASK':
      return { type, taskDefName: '', inputs: [] };
    case 'EXIT':
    case 'NOP':
      return { type };
    case 'SLEEP':
      return { type, rawSeconds: { type: 'LITERAL', value: 60 } };
    case 'EXTERNAL_EVENT':
      return { type, externalEventDefName: '' };
    case 'USER_TASK':
      return { type, userTaskDefName: '', userGroup: { type: 'LITERAL', value: '' } };
    case 'START_THREAD':
      return { type, threadSpecName: '' };
    case 'START_MULTIPLE_THREADS':
      return { type, threadSpecName: '', iterable: { type: 'VARIABLE', variableName: '' } };
    case 'WAIT_FOR_THREADS':
      return { type, threads: [] };
    case 'WAIT_FOR_CONDITION':
      return { type, condition: { comparator: 'EQUALS', left: { type: 'VARIABLE', variableName: '' }, right: { type: 'LITERAL', value: true } } };
    case 'THROW_EVENT':
      return { type, workflowEventDefName: '' };
    case 'RUN_CHILD_WF':
      return { type, wfSpecName: '', inputs: {} };
    case 'WAIT_FOR_CHILD_WF':
      return { type, childWfRunId: { type: 'VARIABLE', variableName: '' } };
  }
}

/** A new WfSpec: one entrypoint thread that goes straight to its end. */
export function newWfSpec(name: string): WfSpec {
  return { name, entrypointThreadName: 'entrypoint', threadSpecs: { entrypoint: newThread() } };
}

function newThread(): ThreadSpec {
  return {
    variableDefs: [],
    nodes: {
      '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: '1-exit-EXIT' }] },
      '1-exit-EXIT': { type: 'EXIT' },
    },
  };
}

export function threadOf(spec: WfSpec, thread: string): ThreadSpec {
  const found = spec.threadSpecs[thread];
  if (!found) throw new Error(`The WfSpec has no thread '${thread}'.`);
  return found;
}

function withThread(spec: WfSpec, thread: string, change: (t: ThreadSpec) => ThreadSpec): WfSpec {
  return { ...spec, threadSpecs: { ...spec.threadSpecs, [thread]: change(threadOf(spec, thread)) } };
}

function withNodes(spec: WfSpec, thread: string, change: (nodes: Record<string, Node>) => Record<string, Node>): WfSpec {
  return withThread(spec, thread, (t) => ({ ...t, nodes: change({ ...t.nodes }) }));
}

/** LittleHorse's `{n}-{label}-{TYPE}`, with `n` one past the highest in the thread, so names never repeat. */
export function nextNodeName(thread: ThreadSpec, label: string, type: NodeType): string {
  let highest = -1;
  for (const name of Object.keys(thread.nodes)) {
    const n = Number(/^(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(n)) highest = Math.max(highest, n);
  }
  return `${highest + 1}-${label}-${type}`;
}

/** A label for a node's name from what it refers to, else its type: `charge`, `task`. */
export function labelFor(node: Node): string {
  const named =
    node.type === 'TASK'
      ? node.taskDefName
      : node.type === 'EXTERNAL_EVENT'
        ? node.externalEventDefName
        : node.type === 'USER_TASK'
          ? node.userTaskDefName
          : node.type === 'THROW_EVENT'
            ? node.workflowEventDefName
            : node.type === 'RUN_CHILD_WF'
              ? node.wfSpecName
              : node.type === 'START_THREAD' || node.type === 'START_MULTIPLE_THREADS'
                ? node.threadSpecName
                : undefined;
  return named && /^[A-Za-z0-9-]+$/.test(named) ? named : node.type.toLowerCase().replaceAll('_', '-');
}

/**
 * The name a TASK node called `name` should have once `after` replaces `before`: LittleHorse's
 * `{n}-{taskDefName}-TASK` for the TaskDef it runs now, while it still has the name the editor gave it from what it
 * ran before (`2-task-TASK` until a TaskDef is picked); `name` itself when the user named it, when the new name is
 * taken, or for any other kind (a WAIT_FOR_THREADS names a START_THREAD by its node name, which a rename would break).
 */
export function autoNodeName(thread: ThreadSpec, name: string, before: Node, after: Node): string {
  if (before.type !== 'TASK' || after.type !== 'TASK') return name;
  const n = /^(\d+)-/.exec(name)?.[1];
  if (n === undefined || name !== `${n}-${labelFor(before)}-${before.type}`) return name;
  const renamed = `${n}-${labelFor(after)}-${after.type}`;
  return Object.hasOwn(thread.nodes, renamed) ? name : renamed;
}

export function addNode(spec: WfSpec, thread: string, node: Node): { spec: WfSpec; name: string } {
  const name = nextNodeName(threadOf(spec, thread), labelFor(node), node.type);
  return { spec: withNodes(spec, thread, (nodes) => ({ ...nodes, [name]: node })), name };
}

/**
 * Adds a node right after `after`: the new node takes over `after`'s outgoing edges, and `after` leads to it, so a
 * path grows one step at a time as a builder writes it.
 */
export function insertAfter(spec: WfSpec, after: NodeRef, node: Node): { spec: WfSpec; name: string } {
  const from = threadOf(spec, after.thread).nodes[after.node];
  if (!from) throw new Error(`Thread '${after.thread}' has no node '${after.node}'.`);
  if (from.type === 'EXIT') throw new Error('An EXIT node ends its thread: nothing follows it.');
  const taking = node.type === 'EXIT' ? undefined : from.outgoingEdges;
  const added = addNode(spec, after.thread, taking ? { ...node, outgoingEdges: taking } : node);
  return {
    name: added.name,
    spec: withNodes(added.spec, after.thread, (nodes) => {
      nodes[after.node] = { ...from, outgoingEdges: [{ sinkNodeName: added.name }] };
      return nodes;
    }),
  };
}

/** Replaces a node with `node` as it is, edges and failure handlers included: the inspector gives whole nodes. */
export function updateNode(spec: WfSpec, ref: NodeRef, node: Node): WfSpec {
  return withNodes(spec, ref.thread, (nodes) => {
    if (!nodes[ref.node]) throw new Error(`Thread '${ref.thread}' has no node '${ref.node}'.`);
    nodes[ref.node] = node;
    return dropUndefined(nodes, ref.node);
  });
}

/** Renames a node, every edge into it and every read of its output by name; refused when the name is taken. */
export function renameNode(spec: WfSpec, ref: NodeRef, to: string): WfSpec {
  if (to === ref.node) return spec;
  const t = threadOf(spec, ref.thread);
  if (t.nodes[to]) throw new Error(`Thread '${ref.thread}' already has a node '${to}'.`);
  const nodes: Record<string, Node> = {};
  for (const [name, node] of Object.entries(t.nodes)) {
    nodes[name === ref.node ? to : name] = outputReadsRenamed(retarget(node, (sink) => (sink === ref.node ? to : sink)), ref.node, to);
  }
  return withThread(spec, ref.thread, (th) => ({ ...th, nodes }));
}

/** `value` with each NODE_OUTPUT_REFERENCE to node `from` naming `to` instead; what holds none is returned as it is. */
function outputReadsRenamed<T>(value: T, from: string, to: string): T {
  if (Array.isArray(value)) {
    const renamed = value.map((item: unknown) => outputReadsRenamed(item, from, to));
    return (renamed.some((item, i) => item !== value[i]) ? renamed : value) as T;
  }
  if (value === null || typeof value !== 'object') return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const renamed = outputReadsRenamed(item, from, to);
    if (renamed !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = renamed;
  }
  const result = (copy ?? value) as Record<string, unknown>;
  return (result.type === 'NODE_OUTPUT_REFERENCE' && result.nodeName === from ? { ...result, nodeName: to } : result) as T;
}

/** Adds an edge from `source` to `target`, after the edges it has; an unconditional edge stays last. */
export function connect(spec: WfSpec, thread: string, source: string, target: string): WfSpec {
  if (source === target) throw new Error('A node cannot lead to itself.');
  return withNodes(spec, thread, (nodes) => {
    const from = nodes[source];
    if (!from || !nodes[target]) throw new Error(`Thread '${thread}' has no node '${nodes[source] ? target : source}'.`);
    if (from.type === 'EXIT') throw new Error('An EXIT node ends its thread: nothing follows it.');
    if (nodes[target]?.type === 'ENTRYPOINT') throw new Error('Nothing leads into an ENTRYPOINT.');
    const edges = [...(from.outgoingEdges ?? [])];
    // A second edge out of a node needs a condition to be told apart: the new one goes before the default.
    const fallback = edges.findIndex((e) => !e.condition);
    const edge: Edge = { sinkNodeName: target };
    if (fallback >= 0 && edges.length > 0) edges.splice(fallback, 0, edge);
    else edges.push(edge);
    nodes[source] = { ...from, outgoingEdges: edges };
    return nodes;
  });
}

export function updateEdge(spec: WfSpec, ref: EdgeRef, edge: Edge): WfSpec {
  return withNodes(spec, ref.thread, (nodes) => {
    const from = nodes[ref.node];
    if (!from?.outgoingEdges?.[ref.index]) throw new Error(`Node '${ref.node}' has no edge ${ref.index}.`);
    nodes[ref.node] = { ...from, outgoingEdges: from.outgoingEdges.map((e, i) => (i === ref.index ? cleanEdge(edge) : e)) };
    return nodes;
  });
}

/** Moves an edge earlier (-1) or later (+1) among its node's edges: edges are tried in order. */
export function moveEdge(spec: WfSpec, ref: EdgeRef, by: -1 | 1): WfSpec {
  return withNodes(spec, ref.thread, (nodes) => {
    const from = nodes[ref.node];
    const edges = [...(from?.outgoingEdges ?? [])];
    const to = ref.index + by;
    const moving = edges[ref.index];
    if (!from || !moving || to < 0 || to >= edges.length) return nodes;
    edges.splice(ref.index, 1);
    edges.splice(to, 0, moving);
    nodes[ref.node] = { ...from, outgoingEdges: edges };
    return nodes;
  });
}

/** Deletes nodes (never the ENTRYPOINT) and edges, and every edge into a deleted node. */
export function remove(spec: WfSpec, thread: string, what: { nodes?: readonly string[]; edges?: readonly EdgeRef[] }): WfSpec {
  const gone = new Set(what.nodes ?? []);
  const cut = new Set((what.edges ?? []).map((e) => `${e.node}#${e.index}`));
  const nodes = threadOf(spec, thread).nodes;
  // Nothing of the draft named: the same draft, so that no undo step records a change that did not happen.
  const touches = [...gone].some((n) => nodes[n] && nodes[n]?.type !== 'ENTRYPOINT') || [...cut].some((key) => {
    const at = key.lastIndexOf('#');
    return nodes[key.slice(0, at)]?.outgoingEdges?.[Number(key.slice(at + 1))] !== undefined;
  });
  if (!touches) return spec;
  return withNodes(spec, thread, (nodes) => {
    const kept: Record<string, Node> = {};
    for (const [name, node] of Object.entries(nodes)) {
      if (gone.has(name) && node.type !== 'ENTRYPOINT') continue;
      const edges = (node.outgoingEdges ?? []).filter((e, i) => !gone.has(e.sinkNodeName) && !cut.has(`${name}#${i}`));
      kept[name] = withEdges(node, edges);
    }
    return kept;
  });
}

export function addVariable(spec: WfSpec, thread: string, def: ThreadVarDef): WfSpec {
  return withThread(spec, thread, (t) => ({ ...t, variableDefs: [...(t.variableDefs ?? []), def] }));
}

export function updateVariable(spec: WfSpec, thread: string, index: number, def: ThreadVarDef): WfSpec {
  return withThread(spec, thread, (t) => ({ ...t, variableDefs: (t.variableDefs ?? []).map((d, i) => (i === index ? def : d)) }));
}

export function removeVariable(spec: WfSpec, thread: string, index: number): WfSpec {
  return withThread(spec, thread, (t) => ({ ...t, variableDefs: (t.variableDefs ?? []).filter((_, i) => i !== index) }));
}

/** Adds a thread (for START_THREAD nodes, failure handlers and interrupts) that goes straight to its end. */
export function addThread(spec: WfSpec, name: string): WfSpec {
  if (spec.threadSpecs[name]) throw new Error(`The WfSpec already has a thread '${name}'.`);
  return { ...spec, threadSpecs: { ...spec.threadSpecs, [name]: newThread() } };
}

/** Deletes a thread; the entrypoint thread stays. */
export function removeThread(spec: WfSpec, name: string): WfSpec {
  if (name === spec.entrypointThreadName) throw new Error('The entrypoint thread cannot be deleted.');
  const { [name]: _gone, ...rest } = spec.threadSpecs;
  return { ...spec, threadSpecs: rest };
}

function retarget(node: Node, to: (sink: string) => string): Node {
  if (!node.outgoingEdges) return node;
  return { ...node, outgoingEdges: node.outgoingEdges.map((e) => ({ ...e, sinkNodeName: to(e.sinkNodeName) })) };
}

function withEdges(node: Node, edges: Edge[]): Node {
  if (edges.length > 0) return { ...node, outgoingEdges: edges };
  const { outgoingEdges: _none, ...rest } = node;
  return rest as Node;
}

function cleanEdge(edge: Edge): Edge {
  return {
    sinkNodeName: edge.sinkNodeName,
    ...(edge.condition ? { condition: edge.condition } : {}),
    ...(edge.variableMutations && edge.variableMutations.length > 0 ? { variableMutations: edge.variableMutations } : {}),
  };
}

/** Fields left undefined by a form are not written: the JSON holds only what was said. */
function dropUndefined(nodes: Record<string, Node>, name: string): Record<string, Node> {
  const node = nodes[name];
  if (node) nodes[name] = Object.fromEntries(Object.entries(node).filter(([, v]) => v !== undefined)) as unknown as Node;
  return nodes;
}
