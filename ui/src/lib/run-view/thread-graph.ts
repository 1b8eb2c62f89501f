import dagre from '@dagrejs/dagre';
import { assignmentText } from '@gallop/engine';
import type { Comparator, Condition, MutationSource, NodeType, ThreadSpec, VariableAssignment, VariableMutation } from '@gallop/engine';
import type { Edge, Node } from '@xyflow/svelte';
import { titleOf } from '../editor/canvas/titles.ts';
import { NODE_SIZE } from '../editor/layout.ts';
import type { Point } from './route.ts';

/** What a graph node carries; its status lives apart, so a status change never re-lays out the graph. */
export interface WfNodeData extends Record<string, unknown> {
  readonly nodeName: string;
  readonly nodeType: NodeType;
  readonly taskDefName?: string | undefined;
  /** The form a USER_TASK asks a person to fill in. */
  readonly userTaskDefName?: string | undefined;
  /** What the node shows: what it runs, throws or waits for, as the editor titles it. */
  readonly title: string;
}

export type WfFlowNode = Node<WfNodeData, 'wfNode'>;

/** What an edge carries: its condition, so the page can say whether it holds for the variables shown. */
export interface WfEdgeData extends Record<string, unknown> {
  readonly condition?: Condition | undefined;
  /** Where dagre routed it: the bends between its two ends, and the centre of the room it kept for the label. */
  readonly route?: { readonly bends: readonly Point[]; readonly label?: Point | undefined } | undefined;
}

/** A ThreadSpec as Svelte Flow nodes and edges, positioned top to bottom. */
export interface ThreadGraph {
  readonly nodes: WfFlowNode[];
  readonly edges: Edge<WfEdgeData>[];
}

/** About how wide a character of an edge label is drawn, for the room dagre keeps for the label. */
const LABEL_CHAR_PX = 6.5;

/** The mutations an edge's label lists; it counts the rest, and the edge's accessible name has them all. */
const LABEL_MUTATIONS = 2;
/** Longer labels are cut, so that a label is never wider than the graph it sits in. */
const LABEL_CHARACTERS = 60;

/** An edge label (or a part of one) as the graph draws it: at most `max` characters. */
export function clipLabel(text: string, max = LABEL_CHARACTERS): string {
  const chars = [...text]; // code points: a cut never splits a surrogate pair
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/** `s += s; s += s +18 more`: an edge's first mutations, and how many follow. */
export function describeFirstMutations(mutations: readonly VariableMutation[]): string {
  const more = mutations.length > LABEL_MUTATIONS ? ` +${mutations.length - LABEL_MUTATIONS} more` : '';
  return mutations.length === 0 ? '' : describeMutations(mutations.slice(0, LABEL_MUTATIONS)) + more;
}

/**
 * Lays out one ThreadSpec with dagre (synchronously): nodes from `threadSpec.nodes`, one edge per outgoing
 * edge, labelled with its condition and variable mutations (the first two, and at most 60 characters). Pure: the same ThreadSpec always gives the same graph.
 */
export function layoutThreadGraph(threadSpec: ThreadSpec): ThreadGraph {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 48, ranksep: 56, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));

  const entries = Object.entries(threadSpec.nodes);
  for (const [name, node] of entries) g.setNode(name, { ...NODE_SIZE[node.type] });

  const edges: Edge<WfEdgeData>[] = [];
  for (const [source, node] of entries) {
    (node.outgoingEdges ?? []).forEach((edge, i) => {
      if (!threadSpec.nodes[edge.sinkNodeName]) return; // a broken spec still draws what it can
      const id = `${source}->${edge.sinkNodeName}#${i}`;
      const condition = edge.condition && describeCondition(edge.condition);
      const mutations = edge.variableMutations ?? [];
      const whole = [condition, describeMutations(mutations)].filter(Boolean).join(' · ');
      const label = clipLabel([condition, describeFirstMutations(mutations)].filter(Boolean).join(' · '));
      // Room for the label (a verdict mark may follow it): dagre keeps it clear of nodes and other edges.
      g.setEdge(source, edge.sinkNodeName, label ? { width: (label.length + 2) * LABEL_CHAR_PX + 12, height: 22, labelpos: 'c' } : {}, id);
      edges.push({
        id,
        source,
        target: edge.sinkNodeName,
        type: 'routed',
        markerEnd: { type: 'arrowclosed', width: 18, height: 18 },
        ariaLabel: `Edge from ${source} to ${edge.sinkNodeName}${whole ? `: ${whole}` : ''}`,
        data: { condition: edge.condition },
        ...(label ? { label } : {}),
      });
    });
  }

  dagre.layout(g);
  for (const edge of edges) {
    const laid = g.edge({ v: edge.source, w: edge.target, name: edge.id }) as { points?: Point[]; x?: number; y?: number } | undefined;
    // dagre's first and last points sit on the node borders; the flow draws from the handles, so only the bends count.
    const bends = (laid?.points ?? []).slice(1, -1);
    const labelAt = edge.label && laid?.x !== undefined && laid.y !== undefined ? { x: laid.x, y: laid.y } : undefined;
    Object.assign(edge, { data: { ...edge.data, route: { bends, ...(labelAt ? { label: labelAt } : {}) } } });
  }

  const nodes = entries.map(([name, node]): WfFlowNode => {
    const { x, y, width, height } = g.node(name);
    return {
      id: name,
      type: 'wfNode',
      // dagre gives centres; Svelte Flow places nodes by their top-left corner.
      position: { x: x - width / 2, y: y - height / 2 },
      width,
      height,
      data: {
        nodeName: name,
        nodeType: node.type,
        taskDefName: node.type === 'TASK' ? node.taskDefName : undefined,
        userTaskDefName: node.type === 'USER_TASK' ? node.userTaskDefName : undefined,
        title: titleOf(node),
      },
      ariaLabel: `${node.type} node ${name}`,
      draggable: false,
      connectable: false,
    };
  });
  return { nodes, edges };
}

const OPERATORS: Record<VariableMutation['operation'], string> = {
  ASSIGN: '=',
  ADD: '+=',
  EXTEND: 'extend',
  SUBTRACT: '-=',
  MULTIPLY: '*=',
  DIVIDE: '/=',
  REMOVE_IF_PRESENT: 'remove',
  REMOVE_INDEX: 'remove index',
  REMOVE_KEY: 'remove key',
  AND: '&&=',
  OR: '||=',
  POW: '^=',
};

const COMPARISONS: Record<Comparator, string> = {
  LESS_THAN: '<',
  GREATER_THAN: '>',
  LESS_THAN_EQ: '≤',
  GREATER_THAN_EQ: '≥',
  EQUALS: '=',
  NOT_EQUALS: '≠',
  IN: 'in',
  NOT_IN: 'not in',
};

/** `greeting = output; count += 1`: what taking an edge changes. */
export function describeMutations(mutations: readonly VariableMutation[]): string {
  return mutations.map((m) => `${m.lhsName}${m.lhsJsonPath?.slice(1) ?? ''} ${OPERATORS[m.operation] ?? m.operation} ${describeSource(m.rhs)}`).join('; ');
}

/** `if amount > 100`, `if (age as INT >= 18)`: when an edge is taken. */
export function describeCondition(condition: Condition): string {
  if ('type' in condition) return `if ${describeSource(condition)}`;
  return `if ${describeSource(condition.left)} ${COMPARISONS[condition.comparator] ?? condition.comparator} ${describeSource(condition.right)}`;
}

function describeSource(source: MutationSource | VariableAssignment | undefined): string {
  // A draft typed into the editor's JSON panel may be half-written: assignmentText describes what is there.
  return source === undefined ? '?' : assignmentText(source);
}
