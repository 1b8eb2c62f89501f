import { createContext } from 'svelte';
import type { NodeStatus } from './node-statuses.ts';

/**
 * How a graph node finds its status. Statuses stay out of Svelte Flow's node objects (as in Windmill's
 * flowRunStatus), so a live event recolours one node without rebuilding or re-measuring the graph.
 */
export const [getNodeStatus, setNodeStatus] = createContext<(nodeName: string) => NodeStatus>();
