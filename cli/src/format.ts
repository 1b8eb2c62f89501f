import type { JsonValue } from '@gallop/engine';

/** Plain-text layouts for human output: aligned tables and key: value blocks. Each returns lines. */

/** A cell: absent values print as `-`. */
export type Cell = string | number | boolean | null | undefined;

function text(cell: Cell): string {
  return cell === null || cell === undefined || cell === '' ? '-' : String(cell);
}

/**
 * Columns padded to their widest cell, two spaces apart, headers in capitals; no trailing spaces. The last column
 * is never padded, so a long last cell (an error, a JSON value) does not widen the others.
 */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string[] {
  const lines = [headers.map((h) => h.toUpperCase()), ...rows.map((row) => headers.map((_, i) => text(row[i])))];
  const widths = headers.map((_, i) => Math.max(...lines.map((line) => line[i]?.length ?? 0)));
  return lines.map((line) =>
    line
      .map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** `key: value` lines with the values aligned; entries whose value is undefined are left out, null prints `-`. */
export function block(entries: readonly (readonly [string, Cell])[]): string[] {
  const shown = entries.filter(([, value]) => value !== undefined);
  const width = Math.max(0, ...shown.map(([key]) => key.length + 1));
  return shown.map(([key, value]) => `${`${key}:`.padEnd(width)}  ${text(value)}`.trimEnd());
}

/** A JSON value on one line, cut to `max` characters with an ellipsis. */
export function json(value: JsonValue | undefined, max = 80): string {
  const written = value === undefined ? '' : JSON.stringify(value);
  return written.length > max ? `${written.slice(0, max - 1)}…` : written;
}

/** `major.revision`, as LittleHorse writes a WfSpec version. */
export function version(spec: { readonly majorVersion: number | null; readonly revision: number | null }): string {
  if (spec.majorVersion === null) return 'newest';
  return spec.revision === null ? `${spec.majorVersion}.newest` : `${spec.majorVersion}.${spec.revision}`;
}

/** A section: a title line, then its lines indented by two spaces. */
export function section(title: string, lines: readonly string[]): string[] {
  return ['', title, ...lines.map((line) => `  ${line}`)];
}
