import { describe, expect, it } from 'vitest';
import type { Point } from '../layout.ts';
import { CLEARANCE, orthogonalPath, routeEdges } from './route-edges.ts';
import type { Box } from './route-edges.ts';

/** Whether the segment a-b runs through the inside of `box` (touching its border is not through). */
function crosses(a: Point, b: Point, box: Box): boolean {
  const [x1, x2, y1, y2] = [Math.min(a.x, b.x), Math.max(a.x, b.x), Math.min(a.y, b.y), Math.max(a.y, b.y)];
  return x1 < box.x + box.width && x2 > box.x && y1 < box.y + box.height && y2 > box.y;
}

const segments = (points: readonly Point[]) => points.slice(1).map((p, k) => [points[k] as Point, p] as const);

describe('routeEdges', () => {
  const column: Record<string, Box> = {
    a: { x: 0, y: 0, width: 160, height: 40 },
    b: { x: -40, y: 100, width: 240, height: 60 },
    c: { x: 0, y: 240, width: 160, height: 40 },
  };

  it('goes round a node that stands between the two ends, at a distance, turning only at right angles', () => {
    const route = routeEdges(column, [{ id: 'a#0', source: 'a', target: 'c' }]).get('a#0');
    expect(route).toBeDefined();
    const points = route!.points;
    expect(points[0]).toEqual({ x: 80, y: 40 + CLEARANCE });
    expect(points.at(-1)).toEqual({ x: 80, y: 240 - CLEARANCE });
    for (const [p, q] of segments(points)) {
      expect(p.x === q.x || p.y === q.y).toBe(true);
      for (const box of Object.values(column)) expect(crosses(p, q, box)).toBe(false);
    }
  });

  it('goes straight down between nodes one above the other with nothing between, and round its source to one above', () => {
    const straight = routeEdges(column, [{ id: 'a#0', source: 'a', target: 'b' }]).get('a#0');
    expect(straight?.points).toEqual([
      { x: 80, y: 40 + CLEARANCE },
      { x: 80, y: 100 - CLEARANCE },
    ]);
    // A loop back up: out of the bottom of c, round it and b, into the top of a.
    const back = routeEdges(column, [{ id: 'c#0', source: 'c', target: 'a' }]).get('c#0');
    expect(back).toBeDefined();
    for (const [p, q] of segments(back!.points)) for (const box of Object.values(column)) expect(crosses(p, q, box)).toBe(false);
  });

  it('routes nothing whose end is boxed in by another node', () => {
    const boxed = { a: column.a!, b: { x: 0, y: 45, width: 160, height: 40 }, c: column.c! };
    expect(routeEdges(boxed, [{ id: 'a#0', source: 'a', target: 'c' }]).has('a#0')).toBe(false);
  });
});

describe('orthogonalPath', () => {
  it('draws the points as lines with each corner rounded', () => {
    expect(orthogonalPath([{ x: 0, y: 0 }, { x: 0, y: 20 }, { x: 30, y: 20 }])).toBe('M0,0L0,12Q0,20 8,20L30,20');
  });
});
