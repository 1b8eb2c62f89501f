import type { JsonValue } from '@gallop/engine';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** A date and time in the reader's locale, from epoch ms or an ISO string; a dash for none. */
export function formatDateTime(at: number | string | null | undefined): string {
  if (at === null || at === undefined) return '—';
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? String(at) : dateTime.format(date);
}

/** The time of day only, for rows of one WfRun. */
export function formatTime(at: number | string | null | undefined): string {
  if (at === null || at === undefined) return '—';
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? String(at) : time.format(date);
}

/** `850 ms`, `4.2 s`, `3 min 5 s`, `2 h 10 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.floor((ms % 60_000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** How long something took between two instants, or nothing while it has not ended. */
export function durationBetween(start: number | string, end: number | string | null | undefined): string | undefined {
  if (end === null || end === undefined) return undefined;
  return formatDuration(new Date(end).getTime() - new Date(start).getTime());
}

/** A value as JSON text, cut to `max` characters for tables. */
export function formatValue(value: JsonValue | undefined, max = 120): string {
  if (value === undefined) return '—';
  return shorten(JSON.stringify(value), max);
}

/** Text cut to `max` characters, ending with "…" when cut: for what a user wrote (a description, a label) in a list. */
export function shorten(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
