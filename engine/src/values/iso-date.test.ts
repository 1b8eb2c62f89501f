import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIsoDate } from './iso-date.ts';

describe('parseIsoDate', () => {
  it('reads every instant as its UTC text and with an offset', () => {
    fc.assert(
      fc.property(fc.integer({ min: new Date(0).setUTCFullYear(1, 0, 1), max: Date.UTC(9999, 11, 31) }), fc.integer({ min: -14 * 60, max: 14 * 60 }), (ms, offset) => {
        const utc = new Date(ms).toISOString();
        expect(parseIsoDate(utc)).toBe(ms);
        // The same instant written in local time at `offset` minutes from UTC.
        const local = new Date(ms + offset * 60_000).toISOString().slice(0, -1);
        const sign = offset < 0 ? '-' : '+';
        const hhmm = `${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
        if (ms + offset * 60_000 >= new Date(0).setUTCFullYear(1, 0, 1) && local.length === 23) expect(parseIsoDate(`${local}${sign}${hhmm}`)).toBe(ms);
      }),
    );
  });

  it('refuses what names no single instant', () => {
    for (const text of ['2026-12-24', '2026-12-24T18:00:00', '2026-13-01T00:00Z', '2026-04-31T00:00Z', '2026-12-24T24:00Z', '2026-12-24 18:00Z', '2026-12-24T18:00+1', ' 2026-12-24T18:00Z', '']) {
      expect(parseIsoDate(text), text).toBeUndefined();
    }
  });
});
