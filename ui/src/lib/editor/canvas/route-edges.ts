import type { ThreadSpec } from '@gallop/engine';
import { NODE_SIZE } from '../layout.ts';
import type { Point, Positions } from '../layout.ts';
import { edgeId } from './flow.ts';

/** What routing a thread's edges depends on, as a string: routes are worked out again only when it changes. */
export function routingInput(thread: ThreadSpec, positions: Positions): string {
  const boxes: Record<string, Box> = {};
  const edges: RouteRequest[] = [];
  for (const [name, node] of Object.entries(thread.nodes)) {
    const at = positions[name];
    const size = NODE_SIZE[node.type] ?? NODE_SIZE.TASK;
    if (at) boxes[name] = { x: at.x, y: at.y, width: size.width, height: size.height };
    (node.outgoingEdges ?? []).forEach((edge, i) => {
      if (thread.nodes[edge.sinkNodeName]) edges.push({ id: edgeId(name, i), source: name, target: edge.sinkNodeName });
    });
  }
  return JSON.stringify({ boxes, edges });
}

/** The routes of what `routingInput` wrote. */
export function routesOf(input: string): Map<string, EdgeRoute> {
  const { boxes, edges } = JSON.parse(input) as { boxes: Record<string, Box>; edges: RouteRequest[] };
  return routeEdges(boxes, edges);
}

/** A node as the router sees it: the box it covers on the canvas. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** An edge to route: from the bottom of one box to the top of another (where the editor's handles are). */
export interface RouteRequest {
  readonly id: string;
  readonly source: string;
  readonly target: string;
}

/** Where an edge goes: the corners between its two handles, and the middle of its way for the label. */
export interface EdgeRoute {
  /** Below the source's handle, where the route leaves it; the edge is drawn from the handle only while it is there. */
  readonly from: Point;
  /** Above the target's handle, where the route reaches it. */
  readonly to: Point;
  /** Every point from `from` to `to`, both included, each turn a right angle. */
  readonly points: readonly Point[];
  readonly label: Point;
}

/** How far a route keeps from every node, so that its line and arrow stay clear of their borders. */
export const CLEARANCE = 16;
/** What a turn costs, in pixels of length: a longer way with fewer turns reads better. */
const TURN_COST = 40;
/**
 * Past this many nodes the edges are drawn as steps above the nodes instead: routing's cost grows with the square of
 * the nodes (for 80 on a laptop, some 20 ms laid out in a grid and 150 ms scattered over 3,000 px, each time a node is
 * dropped or an edge drawn; an edit of a node's fields routes nothing).
 */
const MAX_NODES = 80;

type Rect = readonly [x1: number, y1: number, x2: number, y2: number];
// Directions: 0 right, 1 down, 2 left, 3 up.
const DX = [1, 0, -1, 0] as const;
const DY = [0, 1, 0, -1] as const;

/**
 * Routes each edge around every node of the canvas, so that none runs hidden behind one: right-angled lines along lanes
 * `CLEARANCE` outside the nodes, found by a shortest-path search over those lanes that counts turns as length (an
 * orthogonal visibility graph). An edge leaves its source downwards and enters its target from above, as the handles
 * face. Pure; an edge with no way round (its ends boxed in) gets no route, nor does any when there are too many nodes.
 */
export function routeEdges(boxes: Readonly<Record<string, Box>>, edges: readonly RouteRequest[]): Map<string, EdgeRoute> {
  const routes = new Map<string, EdgeRoute>();
  const names = Object.keys(boxes);
  if (names.length === 0 || names.length > MAX_NODES || edges.length === 0) return routes;
  const rects: Rect[] = names.map((name) => {
    const b = boxes[name] as Box;
    return [b.x - CLEARANCE, b.y - CLEARANCE, b.x + b.width + CLEARANCE, b.y + b.height + CLEARANCE];
  });
  const ends = (name: string): { out: Point; in: Point } | undefined => {
    const b = boxes[name];
    return b && { out: { x: b.x + b.width / 2, y: b.y + b.height + CLEARANCE }, in: { x: b.x + b.width / 2, y: b.y - CLEARANCE } };
  };
  const xs = sorted(rects.flatMap(([x1, , x2]) => [x1, x2]).concat(names.map((n) => (ends(n) as { out: Point }).out.x)));
  const ys = sorted(rects.flatMap(([, y1, , y2]) => [y1, y2]));
  const grid = new LaneGrid(xs, ys, rects);
  for (const edge of edges) {
    const [from, to] = [ends(edge.source)?.out, ends(edge.target)?.in];
    if (!from || !to) continue;
    const points = grid.route(from, to);
    if (points) routes.set(edge.id, { from, to, points, label: midpoint(points) });
  }
  return routes;
}

/** The points of the lanes, with which of their neighbours along a lane can be reached without crossing a node. */
class LaneGrid {
  readonly #xs: readonly number[];
  readonly #ys: readonly number[];
  /** Per point (x index + y index * xs), a bit per direction that is open to the next point that way. */
  readonly #open: Uint8Array;
  /** Per search state (point and direction): its cost, where it came from, and which search wrote them. */
  readonly #scratch: { readonly cost: Float64Array; readonly previous: Int32Array; readonly stamp: Int32Array };
  #searches = 0;

  constructor(xs: readonly number[], ys: readonly number[], rects: readonly Rect[]) {
    this.#xs = xs;
    this.#ys = ys;
    this.#open = new Uint8Array(xs.length * ys.length);
    const states = xs.length * ys.length * 4;
    this.#scratch = { cost: new Float64Array(states), previous: new Int32Array(states), stamp: new Int32Array(states) };
    // The nodes each lane runs across, so that a point or a segment is checked against those alone.
    const inRow = ys.map((y) => rects.filter(([, y1, , y2]) => y > y1 && y < y2));
    const inColumn = xs.map((x) => rects.filter(([x1, , x2]) => x > x1 && x < x2));
    const inside = (x: number, j: number) => (inRow[j] as Rect[]).some(([x1, , x2]) => x > x1 && x < x2);
    // A lane segment is blocked where it runs through a node's clearance, not where it only touches its edge.
    const crossesH = (xa: number, xb: number, j: number) => (inRow[j] as Rect[]).some(([x1, , x2]) => xa < x2 && xb > x1);
    const crossesV = (ya: number, yb: number, i: number) => (inColumn[i] as Rect[]).some(([, y1, , y2]) => ya < y2 && yb > y1);
    for (let j = 0; j < ys.length; j++) {
      for (let i = 0; i < xs.length; i++) {
        const [x, y] = [xs[i] as number, ys[j] as number];
        if (inside(x, j)) continue;
        const at = i + j * xs.length;
        if (i + 1 < xs.length && !inside(xs[i + 1] as number, j) && !crossesH(x, xs[i + 1] as number, j)) {
          this.#open[at] = (this.#open[at] as number) | (1 << 0);
          this.#open[at + 1] = (this.#open[at + 1] as number) | (1 << 2);
        }
        if (j + 1 < ys.length && !inside(x, j + 1) && !crossesV(y, ys[j + 1] as number, i)) {
          this.#open[at] = (this.#open[at] as number) | (1 << 1);
          this.#open[at + xs.length] = (this.#open[at + xs.length] as number) | (1 << 3);
        }
      }
    }
  }

  /** The shortest way from `from` (leaving downwards) to `to` (entering downwards), turns counted; undefined if none. */
  route(from: Point, to: Point): Point[] | undefined {
    const [xs, ys] = [this.#xs, this.#ys];
    const [fi, fj, ti, tj] = [xs.indexOf(from.x), ys.indexOf(from.y), xs.indexOf(to.x), ys.indexOf(to.y)];
    if (fi < 0 || fj < 0 || ti < 0 || tj < 0) return undefined;
    const width = xs.length;
    const goal = ti + tj * width;
    // An end inside another node's clearance (nodes placed too close) has no way out: no search for it.
    if (this.#open[fi + fj * width] === 0 || this.#open[goal] === 0) return undefined;
    // A* over (point, direction of arrival), a turn being a change of direction; the distance left as the crow flies
    // along the lanes never overestimates, so the first arrival that costs no more than anything left is the best.
    // The arrays are the grid's, stamped per search, rather than allocated for every edge.
    const search = ++this.#searches;
    const { cost, previous, stamp } = this.#scratch;
    const known = (state: number) => stamp[state] === search;
    const left = (point: number) => Math.abs((xs[point % width] as number) - to.x) + Math.abs((ys[Math.floor(point / width)] as number) - to.y);
    const heap = new MinHeap();
    const first = (fi + fj * width) * 4 + 1;
    [stamp[first], cost[first], previous[first]] = [search, 0, -1];
    heap.push(first, left(first >> 2));
    let reached = -1;
    let best = Number.POSITIVE_INFINITY;
    while (heap.size > 0) {
      const estimate = heap.peekCost();
      const state = heap.pop();
      if (estimate >= best) break;
      const point = state >> 2;
      const dir = state & 3;
      const c = cost[state] as number;
      if (estimate > c + left(point)) continue; // a stale entry: the state was reached more cheaply since
      if (point === goal) {
        // Entering the target from above: arriving any other way costs the turn down into it.
        const total = c + (dir === 1 ? 0 : TURN_COST);
        if (total < best) [best, reached] = [total, state];
        continue;
      }
      const [i, j] = [point % width, Math.floor(point / width)];
      const open = this.#open[point] as number;
      for (let next = 0; next < 4; next++) {
        if (next === ((dir + 2) & 3) || (open & (1 << next)) === 0) continue; // never straight back, nor into a node
        const [ni, nj] = [i + (DX[next] as number), j + (DY[next] as number)];
        const nextPoint = ni + nj * width;
        const nextState = nextPoint * 4 + next;
        const nextCost = c + Math.abs((xs[ni] as number) - (xs[i] as number)) + Math.abs((ys[nj] as number) - (ys[j] as number)) + (next === dir ? 0 : TURN_COST);
        if (!known(nextState) || nextCost < (cost[nextState] as number)) {
          [stamp[nextState], cost[nextState], previous[nextState]] = [search, nextCost, state];
          heap.push(nextState, nextCost + left(nextPoint));
        }
      }
    }
    if (reached < 0) return undefined;
    const points: Point[] = [];
    for (let state = reached; state >= 0; state = previous[state] as number) {
      const point = state >> 2;
      points.push({ x: xs[point % width] as number, y: ys[Math.floor(point / width)] as number });
    }
    return corners(points.reverse());
  }
}

/** The points where the way turns, with its two ends: the lane points it passes straight through are left out. */
function corners(points: readonly Point[]): Point[] {
  return points.filter((p, k) => {
    const [a, b] = [points[k - 1], points[k + 1]];
    return !a || !b || !((a.x === p.x && p.x === b.x) || (a.y === p.y && p.y === b.y));
  });
}

/** The point halfway along a polyline. */
function midpoint(points: readonly Point[]): Point {
  const lengths = points.slice(1).map((p, k) => Math.abs(p.x - (points[k] as Point).x) + Math.abs(p.y - (points[k] as Point).y));
  let left = lengths.reduce((sum, l) => sum + l, 0) / 2;
  for (let k = 0; k < lengths.length; k++) {
    const [a, b, l] = [points[k] as Point, points[k + 1] as Point, lengths[k] as number];
    if (left <= l && l > 0) return { x: a.x + ((b.x - a.x) * left) / l, y: a.y + ((b.y - a.y) * left) / l };
    left -= l;
  }
  return points[0] ?? { x: 0, y: 0 };
}

function sorted(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/** A binary heap of states by cost, cheapest first. */
class MinHeap {
  readonly #states: number[] = [];
  readonly #costs: number[] = [];

  get size(): number {
    return this.#states.length;
  }

  push(state: number, cost: number): void {
    const [states, costs] = [this.#states, this.#costs];
    let k = states.length;
    states.push(state);
    costs.push(cost);
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if ((costs[parent] as number) <= cost) break;
      [states[k], states[parent]] = [states[parent] as number, states[k] as number];
      [costs[k], costs[parent]] = [costs[parent] as number, costs[k] as number];
      k = parent;
    }
  }

  /** The cost of the cheapest state, which `pop` takes next. */
  peekCost(): number {
    return this.#costs[0] ?? Number.POSITIVE_INFINITY;
  }

  pop(): number {
    const [states, costs] = [this.#states, this.#costs];
    const top = states[0] as number;
    const [lastState, lastCost] = [states.pop() as number, costs.pop() as number];
    if (states.length > 0) {
      states[0] = lastState;
      costs[0] = lastCost;
      let k = 0;
      for (;;) {
        const [l, r] = [2 * k + 1, 2 * k + 2];
        let least = k;
        if (l < states.length && (costs[l] as number) < (costs[least] as number)) least = l;
        if (r < states.length && (costs[r] as number) < (costs[least] as number)) least = r;
        if (least === k) break;
        [states[k], states[least]] = [states[least] as number, states[k] as number];
        [costs[k], costs[least]] = [costs[least] as number, costs[k] as number];
        k = least;
      }
    }
    return top;
  }
}

/**
 * An SVG path through right-angled `points`, each corner rounded a little (as Svelte Flow's smoothstep edges are).
 */
export function orthogonalPath(points: readonly Point[], radius = 8): string {
  const f = (n: number) => Math.round(n * 10) / 10;
  const [first] = points;
  if (!first) return '';
  let d = `M${f(first.x)},${f(first.y)}`;
  for (let k = 1; k < points.length; k++) {
    const [a, p, b] = [points[k - 1] as Point, points[k] as Point, points[k + 1]];
    if (!b) {
      d += `L${f(p.x)},${f(p.y)}`;
      break;
    }
    const r = Math.min(radius, (Math.abs(p.x - a.x) + Math.abs(p.y - a.y)) / 2, (Math.abs(b.x - p.x) + Math.abs(b.y - p.y)) / 2);
    const inX = Math.sign(p.x - a.x);
    const inY = Math.sign(p.y - a.y);
    const outX = Math.sign(b.x - p.x);
    const outY = Math.sign(b.y - p.y);
    d += `L${f(p.x - inX * r)},${f(p.y - inY * r)}Q${f(p.x)},${f(p.y)} ${f(p.x + outX * r)},${f(p.y + outY * r)}`;
  }
  return d;
}
