import { describe, expect, it } from 'vitest';
import { CronSchedule } from '../src/runtime/cron.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function schedule(expression: string): CronSchedule {
  const parsed = CronSchedule.parse(expression, ['cronExpression']);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('; '));
  return parsed.schedule;
}

describe('CronSchedule', () => {
  it('reads the five fields in UTC, whatever the process time zone', () => {
    expect(iso(schedule('30 9 * * *').nextAfter(at('2026-03-01T12:00:00Z')))).toBe('2026-03-02T09:30:00.000Z');
  });

  it('gives the next time strictly after the one given, so a fired time is never fired again', () => {
    const everyMinute = schedule('* * * * *');
    expect(iso(everyMinute.nextAfter(at('2026-01-01T00:01:00Z')))).toBe('2026-01-01T00:02:00.000Z');
    expect(iso(everyMinute.latestAtOrBefore(at('2026-01-01T00:01:00Z')))).toBe('2026-01-01T00:01:00.000Z');
    expect(iso(everyMinute.latestAtOrBefore(at('2026-01-01T00:01:59.999Z')))).toBe('2026-01-01T00:01:00.000Z');
  });

  it('fires on a day of the month or a day of the week when both are given, as UNIX cron does', () => {
    // 2026-01-01 is a Thursday: after it comes Monday the 5th; after Monday the 26th comes Sunday, February 1st.
    const firstOrMonday = schedule('0 0 1 * MON');
    expect(iso(firstOrMonday.nextAfter(at('2026-01-01T00:00:00Z')))).toBe('2026-01-05T00:00:00.000Z');
    expect(iso(firstOrMonday.nextAfter(at('2026-01-26T00:00:00Z')))).toBe('2026-02-01T00:00:00.000Z');
  });

  it('names each field that is wrong', () => {
    const parsed = CronSchedule.parse('60 * 0 13 *', ['cronExpression']);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => p.path.join('.'))).toEqual(['cronExpression.minute', 'cronExpression.dayOfMonth', 'cronExpression.month']);
  });

  it('has no time for a date that never comes', () => {
    expect(schedule('0 0 30 2 *').nextAfter(at('2026-01-01T00:00:00Z'))).toBeUndefined();
  });
});
