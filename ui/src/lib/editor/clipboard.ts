import type { Node, WfSpec } from '@gallop/engine';
import { labelFor, nextNodeName, threadOf } from './draft.ts';
import type { Point, Positions } from './layout.ts';

/** Nodes copied from a thread, with the edges among them and where they were drawn. */
export interface Clip {
  readonly nodes: Readonly<Record<string, Node>>;
  readonly positions: Positions;
}

/** Copies nodes (never an ENTRYPOINT); edges leaving the copied set are left behind. */
export function copyNodes(spec: WfSpec, thread: string, names: readonly string[], positions: Positions): Clip | undefined {
  const t = threadOf(spec, thread);
  const picked = new Set(names.filter((n) => t.nodes[n] && t.nodes[n]?.type !== 'ENTRYPOINT'));
  if (picked.size === 0) return undefined;
  const nodes: Record<string, Node> = {};
  const at: Record<string, Point> = {};
  for (const name of picked) {
    const node = t.nodes[name] as Node;
    const edges = (node.outgoingEdges ?? []).filter((e) => picked.has(e.sinkNodeName));
    const { outgoingEdges: _all, ...rest } = node;
    nodes[name] = (edges.length > 0 ? { ...rest, outgoingEdges: edges } : rest) as Node;
    at[name] = positions[name] ?? { x: 0, y: 0 };
  }
  return { nodes, positions: at };
}

/** Pastes a clip into a thread under new names, `offset` away from where it was copied; returns the new names. */
export function pasteNodes(spec: WfSpec, thread: string, clip: Clip, offset: Point): { spec: WfSpec; names: string[]; positions: Positions } {
  const t = threadOf(spec, thread);
  const nodes: Record<string, Node> = { ...t.nodes };
  const renamed = new Map<string, string>();
  for (const [old, node] of Object.entries(clip.nodes)) {
    const name = nextNodeName({ ...t, nodes }, labelFor(node), node.type);
    renamed.set(old, name);
    nodes[name] = node;
  }
  const positions: Record<string, Point> = {};
  for (const [old, name] of renamed) {
    const node = nodes[name] as Node;
    if (node.outgoingEdges) nodes[name] = { ...node, outgoingEdges: node.outgoingEdges.map((e) => ({ ...e, sinkNodeName: renamed.get(e.sinkNodeName) ?? e.sinkNodeName })) };
    const at = clip.positions[old] ?? { x: 0, y: 0 };
    positions[name] = { x: at.x + offset.x, y: at.y + offset.y };
  }
  return { spec: { ...spec, threadSpecs: { ...spec.threadSpecs, [thread]: { ...t, nodes } } }, names: [...renamed.values()], positions };
}
