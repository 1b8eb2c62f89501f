/** A point in the graph's coordinates (dagre's, which the flow shares). */
export interface Point {
  readonly x: number;
  readonly y: number;
}

const f = (n: number) => Math.round(n * 10) / 10;

/**
 * An SVG path through `points` as a uniform B-spline (d3's curveBasis): it starts and ends exactly at the first and
 * last point and bends smoothly near the others, so an edge follows the route dagre laid around the nodes.
 */
export function basisPath(points: readonly Point[]): string {
  const [first, second] = points;
  if (!first) return '';
  if (!second) return `M${f(first.x)},${f(first.y)}`;
  let d = `M${f(first.x)},${f(first.y)}`;
  if (points.length === 2) return `${d}L${f(second.x)},${f(second.y)}`;
  let [x0, y0, x1, y1] = [first.x, first.y, second.x, second.y];
  d += `L${f((5 * x0 + x1) / 6)},${f((5 * y0 + y1) / 6)}`;
  const bend = (x: number, y: number): void => {
    d += `C${f((2 * x0 + x1) / 3)},${f((2 * y0 + y1) / 3)} ${f((x0 + 2 * x1) / 3)},${f((y0 + 2 * y1) / 3)} ${f((x0 + 4 * x1 + x) / 6)},${f((y0 + 4 * y1 + y) / 6)}`;
    [x0, y0, x1, y1] = [x1, y1, x, y];
  };
  for (const p of points.slice(2)) bend(p.x, p.y);
  bend(x1, y1);
  return `${d}L${f(x1)},${f(y1)}`;
}
