import type { MetricsWindowLength } from '@gallop/sdk';

/** One choice of the window-length picker: windows of one length, as many as the chart shows. */
export interface MetricsRange {
  readonly windowLength: MetricsWindowLength;
  /** The picker's words: "Last 2 hours, by 5 minutes". */
  readonly label: string;
  /** What one window is, for "per …": "5 minutes". */
  readonly per: string;
  /** The span the chart covers, for "over the last …": "2 hours". */
  readonly span: string;
  readonly windowMs: number;
  /** How many windows the chart shows, the one holding now the last. */
  readonly count: number;
}

/** The picker's choices, shortest first; LittleHorse's three window lengths. */
export const METRICS_RANGES: readonly MetricsRange[] = [
  { windowLength: 'MINUTES_5', label: 'Last 2 hours, by 5 minutes', per: '5 minutes', span: '2 hours', windowMs: 300_000, count: 24 },
  { windowLength: 'HOURS_2', label: 'Last 2 days, by 2 hours', per: '2 hours', span: '2 days', windowMs: 7_200_000, count: 24 },
  { windowLength: 'DAYS_1', label: 'Last 30 days, by day', per: 'day', span: '30 days', windowMs: 86_400_000, count: 30 },
];

export const DEFAULT_WINDOW_LENGTH: MetricsWindowLength = 'MINUTES_5';

/** The range of a window length; the default one for anything else (a hand-typed URL). */
export function rangeOf(windowLength: string | null | undefined): MetricsRange {
  return METRICS_RANGES.find((r) => r.windowLength === windowLength) ?? (METRICS_RANGES[0] as MetricsRange);
}

/** The start of the window holding `ms`: windows are aligned on the Unix epoch (whole UTC days), as the server's. */
export function windowStartOf(ms: number, range: MetricsRange): number {
  return Math.floor(ms / range.windowMs) * range.windowMs;
}

/** Where a range's first window starts when read at `now`: what to ask the server for as `since`. */
export function sinceOf(range: MetricsRange, now: number): number {
  return windowStartOf(now, range) - (range.count - 1) * range.windowMs;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayAndClock = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
// Day windows are UTC days: named in UTC, so a reader west of Greenwich does not see each one as the day before.
const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** When a window starts, in words as short as its length allows: "14:05", "Dec 6, 14:00", "Dec 6". */
export function windowLabel(start: number, range: MetricsRange): string {
  if (range.windowLength === 'DAYS_1') return day.format(start);
  return (range.windowLength === 'MINUTES_5' ? clock : dayAndClock).format(start);
}

/** One window of the chart: the server's counts, or none where nothing happened. */
export interface MetricsSlot<T> {
  /** Epoch ms. */
  readonly start: number;
  readonly row: T | undefined;
}

/**
 * Every window of the range, oldest first, each with its row or none: the server lists only windows where something
 * happened, so the gaps are filled and the time axis stays even. The last window holds `now`, or the newest row
 * when the server's clock is ahead of the browser's; rows outside the range are left out.
 */
export function slotsOf<T extends { readonly windowStart: string }>(rows: readonly T[], range: MetricsRange, now: number): MetricsSlot<T>[] {
  const byStart = new Map(rows.map((row) => [Date.parse(row.windowStart), row]));
  const last = Math.max(windowStartOf(now, range), ...byStart.keys());
  const slots: MetricsSlot<T>[] = [];
  for (let i = range.count - 1; i >= 0; i--) {
    const start = last - i * range.windowMs;
    slots.push({ start, row: byStart.get(start) });
  }
  return slots;
}

/** The sum of `value` over the windows that have a row. */
export function totalOf<T>(slots: readonly MetricsSlot<T>[], value: (row: T) => number): number {
  let total = 0;
  for (const { row } of slots) if (row) total += value(row);
  return total;
}

/** The largest `value` over the windows, or null where none measured one. */
export function maxOf<T>(slots: readonly MetricsSlot<T>[], value: (row: T) => number | null): number | null {
  let most: number | null = null;
  for (const { row } of slots) {
    const v = row ? value(row) : null;
    if (v !== null && (most === null || v > most)) most = v;
  }
  return most;
}

/**
 * The average over the whole range of per-window averages, each weighted by how many it was taken over; null where
 * none measured one.
 */
export function averageOf<T>(slots: readonly MetricsSlot<T>[], average: (row: T) => number | null, weight: (row: T) => number): number | null {
  let sum = 0;
  let count = 0;
  for (const { row } of slots) {
    const v = row ? average(row) : null;
    if (row === undefined || v === null) continue;
    sum += v * weight(row);
    count += weight(row);
  }
  return count > 0 ? sum / count : null;
}

/** The highest mark of a chart's scale: 1, 2 or 5 times a power of ten, at least `value` (and at least 1). */
export function scaleTop(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}
