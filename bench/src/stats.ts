/** The median of `xs` (the lower middle for an even count); NaN when empty. Pure. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? NaN;
}

/** The `p` quantile of `xs` (0 ≤ p ≤ 1) by the nearest-rank rule; NaN when empty. Pure. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
}

/** `min–max` of `xs` with `digits` decimals, for printing beside a median. Pure. */
export function range(xs: readonly number[], digits: number): string {
  return `${fixed(Math.min(...xs), digits)}–${fixed(Math.max(...xs), digits)}`;
}

/** `median (min–max)` of `xs` with `digits` decimals and thousands separators. Pure. */
export function medianOf(xs: readonly number[], digits = 0): string {
  return `${fixed(median(xs), digits)} (${range(xs, digits)})`;
}

/** `x` with `digits` decimals and thousands separators (1,234.5). Pure. */
export function fixed(x: number, digits = 0): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
