import { describe, expect, it } from 'vitest';
import { averageOf, maxOf, rangeOf, scaleTop, sinceOf, slotsOf, totalOf } from './windows.ts';

const fiveMinutes = rangeOf('MINUTES_5');
const now = Date.parse('2026-12-01T09:07:30Z');
const row = (iso: string, started: number, avg: number | null = null) => ({ windowStart: `2026-12-01T${iso}Z`, started, avg });

describe('rangeOf', () => {
  it('falls back to the shortest range for a length it does not know', () => {
    expect(rangeOf('WEEKS_1').windowLength).toBe('MINUTES_5');
    expect(rangeOf('DAYS_1')).toMatchObject({ windowMs: 86_400_000, count: 30 });
  });
});

describe('sinceOf', () => {
  it('starts the range count windows back, on a window boundary, the window holding now the last', () => {
    expect(new Date(sinceOf(fiveMinutes, now)).toISOString()).toBe('2026-12-01T07:10:00.000Z');
  });
});

describe('slotsOf', () => {
  it('gives every window of the range a slot, oldest first, empty where the server listed none', () => {
    const slots = slotsOf([row('08:00:00.000', 2), row('09:05:00.000', 1)], fiveMinutes, now);
    expect(slots).toHaveLength(24);
    expect(new Date(slots[0]?.start ?? 0).toISOString()).toBe('2026-12-01T07:10:00.000Z');
    expect(new Date(slots[23]?.start ?? 0).toISOString()).toBe('2026-12-01T09:05:00.000Z');
    expect(slots.filter((s) => s.row).map((s) => s.row?.started)).toEqual([2, 1]);
    expect(slots.every((s, i) => i === 0 || s.start - (slots[i - 1]?.start ?? 0) === 300_000)).toBe(true);
  });

  it('ends on the newest row when the server’s clock is ahead of the browser’s', () => {
    const slots = slotsOf([row('09:10:00.000', 4)], fiveMinutes, now);
    expect(slots).toHaveLength(24);
    expect(slots.at(-1)?.row?.started).toBe(4);
  });
});

describe('totals', () => {
  const slots = slotsOf([row('08:00:00.000', 1, 1_000), row('08:05:00.000', 3, 3_000), row('08:10:00.000', 2, null)], fiveMinutes, now);

  it('sums, takes the largest, and weighs each window’s average by its count', () => {
    expect(totalOf(slots, (r) => r.started)).toBe(6);
    expect(maxOf(slots, (r) => r.avg)).toBe(3_000);
    expect(averageOf(slots, (r) => r.avg, (r) => r.started)).toBe(2_500);
  });

  it('has no average or largest where nothing was measured', () => {
    const empty = slotsOf([], fiveMinutes, now);
    expect(maxOf(empty, () => 1)).toBeNull();
    expect(averageOf(empty, () => 1, () => 1)).toBeNull();
  });
});

describe('scaleTop', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 2, 3, 7, 10, 11, 40, 51, 999].map(scaleTop)).toEqual([1, 1, 2, 5, 10, 10, 20, 50, 100, 1000]);
  });
});
