import { explainCondition, variableTypesOf } from '@gallop/engine';
import { verdictMark } from '../../verdict.ts';
import type { JsonValue, Node as SpecNode, ThreadSpec } from '@gallop/engine';
import type { Edge, Node } from '@xyflow/svelte';
import { clipLabel, describeCondition, describeFirstMutations } from '../../run-view/thread-graph.ts';
import type { EdgeRef } from '../draft.ts';
import { NODE_SIZE } from '../layout.ts';
import type { Positions } from '../layout.ts';
import type { PlacedProblem } from '../problems.ts';
import type { EdgeRoute } from './route-edges.ts';

/** What an editor node shows: its spec node and the problems the engine found on it. */
export interface EditorNodeData extends Record<string, unknown> {
  readonly name: string;
  readonly node: SpecNode;
  readonly problems: readonly string[];
  /** What the engine's path analysis warns of here: it registers, but some path goes wrong. */
  readonly warnings?: readonly string[] | undefined;
  /** Set when the node is drawn in a diff of two versions. */
  readonly change?: 'added' | 'removed' | 'changed' | undefined;
  /** Set while a simulation runs: the status of the node's latest NodeRun, PENDING before it has one. */
  readonly status?: string | undefined;
  /** A simulation stops when a NodeRun arrives here. */
  readonly breakpoint?: boolean | undefined;
}

export type EditorFlowNode = Node<EditorNodeData, 'editorNode'>;

/** An edge's id: its source node and its index among that node's edges, so that a click finds it in the spec. */
export function edgeId(source: string, index: number): string {
  return `${source}#${index}`;
}

export function edgeRefOf(thread: string, id: string): EdgeRef | undefined {
  const at = id.lastIndexOf('#');
  const index = Number(id.slice(at + 1));
  return at > 0 && Number.isInteger(index) ? { thread, node: id.slice(0, at), index } : undefined;
}

/** A thread as Svelte Flow nodes, at their positions, with their problems and selection. */
/** What a simulation adds to the drawing: node statuses, breakpoints, and nodes whose behaviour changed. */
export interface SimulationMarks {
  readonly statuses?: Readonly<Record<string, string>> | undefined;
  readonly breakpoints?: ReadonlySet<string> | undefined;
  readonly changed?: ReadonlySet<string> | undefined;
  /** The variables of the moment shown: each edge's condition says whether it holds against them. */
  readonly variables?: Readonly<Record<string, JsonValue>> | undefined;
}

export function flowNodes(
  thread: ThreadSpec,
  positions: Positions,
  problems: readonly PlacedProblem[],
  selected: ReadonlySet<string>,
  marks: SimulationMarks = {},
): EditorFlowNode[] {
  return Object.entries(thread.nodes).map(([name, node]) => {
    const size = NODE_SIZE[node.type] ?? NODE_SIZE.TASK;
    return {
      id: name,
      type: 'editorNode',
      position: positions[name] ?? { x: 0, y: 0 },
      width: size.width,
      height: size.height,
      selected: selected.has(name),
      deletable: node.type !== 'ENTRYPOINT',
      ariaLabel: `${node.type} node ${name}`,
      data: {
        name,
        node,
        problems: problems.filter((p) => p.node === name && p.edge === undefined && p.severity === 'error').map((p) => p.message),
        warnings: problems.filter((p) => p.node === name && p.edge === undefined && p.severity === 'warning').map((p) => p.message),
        ...(marks.statuses ? { status: marks.statuses[name] ?? 'PENDING' } : {}),
        ...(marks.breakpoints?.has(name) ? { breakpoint: true } : {}),
        ...(marks.changed?.has(name) ? { change: 'changed' as const } : {}),
      },
    };
  });
}

/** The most characters of an edge's condition, and of its mutations, the canvas draws. */
const PART_CHARACTERS = 40;

/** What an editor edge carries besides Svelte Flow's own fields. */
export interface EditorEdgeData extends Record<string, unknown> {
  /** Whether its condition holds for the simulation's variables, in words. */
  readonly verdict?: string | undefined;
  /** Its way around the nodes (routeEdges), when it has one. */
  readonly route?: EdgeRoute | undefined;
}

/** The z-index that draws an edge above every node, a selected one too (Svelte Flow raises those to 1000). */
export const ABOVE_NODES = 2000;

/**
 * A thread's edges, labelled with their conditions and mutations, and marked when the engine found a problem. With
 * `routes`, each is drawn along its route around the nodes; one without a route (an end boxed in, or too many nodes
 * to route) is drawn above the nodes instead, so that no edge is ever hidden behind one.
 */
export function flowEdges(
  thread: ThreadSpec,
  problems: readonly PlacedProblem[],
  selected: ReadonlySet<string>,
  marks: SimulationMarks = {},
  routes?: ReadonlyMap<string, EdgeRoute>,
): Edge<EditorEdgeData>[] {
  const edges: Edge<EditorEdgeData>[] = [];
  const types = marks.variables ? variableTypesOf([thread]) : undefined;
  for (const [source, node] of Object.entries(thread.nodes)) {
    const outgoing = node.outgoingEdges ?? [];
    outgoing.forEach((edge, i) => {
      if (!thread.nodes[edge.sinkNodeName]) return;
      const id = edgeId(source, i);
      const faulty = problems.some((p) => p.node === source && p.edge === i && p.severity === 'error');
      const warned = !faulty && problems.some((p) => p.node === source && p.edge === i);
      const verdict = edge.condition && marks.variables ? explainCondition(edge.condition, marks.variables, undefined, undefined, types) : undefined;
      // The condition and the mutations are each cut to fit the canvas, the verdict between them never; the
      // inspector shows the edge whole.
      const label = [
        outgoing.length > 1 ? `${i + 1}.` : '',
        clipLabel(edge.condition ? describeCondition(edge.condition) : outgoing.length > 1 ? 'else' : '', PART_CHARACTERS),
        verdict ? verdictMark(verdict.holds) : '',
        clipLabel(describeFirstMutations(edge.variableMutations ?? []), PART_CHARACTERS),
      ]
        .filter(Boolean)
        .join(' ');
      const route = routes?.get(id);
      const data: EditorEdgeData = { ...(verdict ? { verdict: verdict.text } : {}), ...(route ? { route } : {}) };
      edges.push({
        id,
        source,
        target: edge.sinkNodeName,
        type: routes ? 'routed' : 'smoothstep',
        ...(routes && !route ? { zIndex: ABOVE_NODES } : {}),
        selected: selected.has(id),
        markerEnd: { type: 'arrowclosed', width: 18, height: 18 },
        class: faulty ? 'faulty' : warned ? 'warned' : '',
        ariaLabel: `Edge ${i + 1} from ${source} to ${edge.sinkNodeName}`,
        ...(Object.keys(data).length > 0 ? { data } : {}),
        ...(label ? { label } : {}),
      });
    });
  }
  return edges;
}
