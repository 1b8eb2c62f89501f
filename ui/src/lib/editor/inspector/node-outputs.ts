import { getContext, setContext } from 'svelte';
import type { NodeType, WfSpec } from '@gallop/engine';

/** An earlier node whose output a value field can read by name (a NODE_OUTPUT_REFERENCE). */
export interface NodeOutputChoice {
  readonly name: string;
  readonly type: NodeType;
}

/** Where a value is read: in a node, or on an edge leaving it (after it ran, so its own output is there). */
export interface Reader {
  readonly node: string;
  readonly onEdge: boolean;
}

/** The node kinds that output a value (LittleHorse's getOutputType); a TASK's TaskDef may still return nothing. */
const HAS_OUTPUT: { readonly [K in NodeType]: boolean } = {
  ENTRYPOINT: false,
  TASK: true,
  EXIT: false,
  NOP: false,
  START_THREAD: true,
  START_MULTIPLE_THREADS: true,
  WAIT_FOR_THREADS: false,
  WAIT_FOR_CONDITION: false,
  SLEEP: false,
  EXTERNAL_EVENT: true,
  THROW_EVENT: false,
  RUN_CHILD_WF: true,
  WAIT_FOR_CHILD_WF: true,
  USER_TASK: true,
};

/**
 * The nodes of `thread` with an output that can have run when `reader` reads a value: a path of edges leads from each
 * to the reading node (the node itself too, on its own edges or in a loop). In the thread's order; the same nodes
 * validateWfSpec accepts in a NODE_OUTPUT_REFERENCE there.
 */
export function earlierOutputs(spec: WfSpec, thread: string, reader: Reader): NodeOutputChoice[] {
  const nodes = Object.hasOwn(spec.threadSpecs, thread) ? spec.threadSpecs[thread]?.nodes : undefined;
  if (!nodes) return [];
  return Object.entries(nodes)
    .filter(([name, node]) => HAS_OUTPUT[node.type] === true && ((reader.onEdge && name === reader.node) || reaches(nodes, name, reader.node)))
    .map(([name, node]) => ({ name, type: node.type }));
}

/** Whether a path of one or more edges leads from node `from` to node `to`. */
function reaches(nodes: WfSpec['threadSpecs'][string]['nodes'], from: string, to: string): boolean {
  const seen = new Set<string>();
  const queue = [from];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    const edges = Object.hasOwn(nodes, name) ? nodes[name]?.outgoingEdges : undefined;
    for (const edge of Array.isArray(edges) ? edges : []) {
      const sink = edge?.sinkNodeName;
      if (typeof sink !== 'string') continue;
      if (sink === to) return true;
      if (!seen.has(sink)) {
        seen.add(sink);
        queue.push(sink);
      }
    }
  }
  return false;
}

const KEY = Symbol('gallop.nodeOutputs');

/** Offers the outputs `choices()` returns to every value field inside the calling component (an inspector). */
export function setNodeOutputChoices(choices: () => readonly NodeOutputChoice[]): void {
  setContext(KEY, choices);
}

/** The outputs an enclosing inspector offers; none outside one. */
export function getNodeOutputChoices(): () => readonly NodeOutputChoice[] {
  return getContext<(() => readonly NodeOutputChoice[]) | undefined>(KEY) ?? (() => []);
}
