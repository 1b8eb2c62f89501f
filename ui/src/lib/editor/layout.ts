import dagre from '@dagrejs/dagre';
import type { NodeType, ThreadSpec } from '@gallop/engine';

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Where each node of a thread is drawn, by name: editor state beside the WfSpec, never in it. */
export type Positions = Readonly<Record<string, Point>>;

export const NODE_SIZE: Readonly<Record<NodeType, { width: number; height: number }>> = {
  ENTRYPOINT: { width: 168, height: 44 },
  TASK: { width: 232, height: 68 },
  EXIT: { width: 168, height: 44 },
  NOP: { width: 96, height: 36 },
  START_THREAD: { width: 200, height: 44 },
  WAIT_FOR_THREADS: { width: 200, height: 44 },
  SLEEP: { width: 168, height: 44 },
  EXTERNAL_EVENT: { width: 200, height: 44 },
  START_MULTIPLE_THREADS: { width: 220, height: 44 },
  WAIT_FOR_CONDITION: { width: 200, height: 44 },
  THROW_EVENT: { width: 200, height: 44 },
  RUN_CHILD_WF: { width: 200, height: 44 },
  WAIT_FOR_CHILD_WF: { width: 220, height: 44 },
  USER_TASK: { width: 232, height: 68 },
};

/** Lays a thread out top to bottom (dagre, as the run view): top-left corners by node name. */
export function autoLayout(thread: ThreadSpec): Positions {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 48, ranksep: 64, marginx: 24, marginy: 24 });
  g.setDefaultEdgeLabel(() => ({}));
  const entries = Object.entries(thread.nodes);
  for (const [name, node] of entries) g.setNode(name, { ...(NODE_SIZE[node.type] ?? NODE_SIZE.TASK) });
  for (const [source, node] of entries) {
    (node.outgoingEdges ?? []).forEach((edge, i) => {
      if (thread.nodes[edge.sinkNodeName]) g.setEdge(source, edge.sinkNodeName, {}, `${source}#${i}`);
    });
  }
  dagre.layout(g);
  const positions: Record<string, Point> = {};
  for (const [name] of entries) {
    const { x, y, width, height } = g.node(name);
    positions[name] = { x: Math.round(x - width / 2), y: Math.round(y - height / 2) };
  }
  return positions;
}

/** Keeps the positions of nodes that have one; lays the thread out when any node lacks one (a spec just opened). */
export function positionsFor(thread: ThreadSpec, known: Positions | undefined): Positions {
  const names = Object.keys(thread.nodes);
  if (known && names.every((n) => known[n])) return known;
  if (!known || names.every((n) => !known[n])) return autoLayout(thread);
  // A few new nodes (a paste, JSON typed in): place them below what is there rather than move everything.
  const placed = Object.values(known);
  const bottom = placed.reduce((max, p) => Math.max(max, p.y), 0) + 120;
  let x = placed.reduce((min, p) => Math.min(min, p.x), Number.POSITIVE_INFINITY);
  if (!Number.isFinite(x)) x = 24;
  const positions: Record<string, Point> = {};
  for (const name of names) {
    const at = known[name];
    if (at) positions[name] = at;
    else {
      positions[name] = { x, y: bottom };
      x += 260;
    }
  }
  return positions;
}
