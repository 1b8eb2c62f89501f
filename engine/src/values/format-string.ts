import type { JsonValue } from './value.ts';

/** A format template read into literal text and `{n}` arguments. */
export type FormatPart = { readonly text: string } | { readonly arg: number };

export type ParsedFormat = { readonly ok: true; readonly parts: readonly FormatPart[] } | { readonly ok: false; readonly message: string };

/**
 * Reads a template as Java's MessageFormat does (LittleHorse formats with MessageFormat.format): `{0}`, `{1}`, ...
 * name arguments; a single quote starts or ends quoted text, in which braces are literal, and `''` is one quote
 * (so `Don't {0}` prints `Dont {0}`: write `Don''t {0}`); a `}` outside an argument is literal. An argument with a
 * format type (`{0,number,#.#}`, `{0,date}`) is not supported: Gallop has no Java locale to format it by.
 */
export function parseFormat(template: string): ParsedFormat {
  const parts: FormatPart[] = [];
  let text = '';
  let inQuote = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i] as string;
    if (ch === "'") {
      if (template[i + 1] === "'") {
        text += "'";
        i++;
      } else inQuote = !inQuote;
    } else if (ch === '{' && !inQuote) {
      const end = template.indexOf('}', i + 1);
      const nested = template.indexOf('{', i + 1);
      if (end < 0 || (nested >= 0 && nested < end)) return { ok: false, message: `Unmatched braces in the format string at position ${i}.` };
      const inside = template.slice(i + 1, end);
      if (inside.includes(',')) return { ok: false, message: `The format string's argument {${inside}} has a format type; Gallop formats plain arguments such as {0} only.` };
      if (!/^\d+$/.test(inside)) return { ok: false, message: `Can't parse argument number: '${inside}' in the format string; arguments are written {0}, {1}, ...` };
      if (text) parts.push({ text });
      text = '';
      parts.push({ arg: Number(inside) });
      i = end;
    } else text += ch;
  }
  if (text) parts.push({ text });
  return { ok: true, parts };
}

/** The argument numbers a template uses, in order of first use; undefined when it cannot be read. */
export function formatArgsUsed(template: string): number[] | undefined {
  const parsed = parseFormat(template);
  if (!parsed.ok) return undefined;
  const used: number[] = [];
  for (const part of parsed.parts) if ('arg' in part && !used.includes(part.arg)) used.push(part.arg);
  return used;
}

/**
 * `template` with its arguments filled in, as MessageFormat.format prints them for LittleHorse: a number with
 * grouping and at most three decimals, rounded half to even (`1234.5678` prints `1,234.568`; en-US, the server's
 * usual locale); NULL as `null`; a STR as it is; a BOOL as `true` or `false`; JSON as JSON text (where LittleHorse
 * prints a Java map, `{a=1}`). An argument with no value given (`{2}` with two arguments) prints as written.
 */
export function formatString(template: string, args: readonly JsonValue[]): { ok: true; value: string } | { ok: false; message: string } {
  const parsed = parseFormat(template);
  if (!parsed.ok) return parsed;
  let out = '';
  for (const part of parsed.parts) {
    if ('text' in part) out += part.text;
    else out += part.arg < args.length ? formatArg(args[part.arg] ?? null) : `{${part.arg}}`;
  }
  return { ok: true, value: out };
}

function formatArg(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Java's NumberFormat.getInstance(Locale.US).format: grouping, at most three decimals, HALF_EVEN. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '∞' : '-∞';
  const negative = n < 0;
  const abs = Math.abs(n);
  let whole: string;
  let fraction = '';
  if (abs >= 1e21 || Number.isInteger(abs)) whole = BigInt(Math.round(abs)).toString();
  else {
    let fixed = abs.toFixed(3);
    // toFixed rounds an exact tie up; MessageFormat rounds it to even.
    const scaled = abs * 1000;
    if (scaled - Math.floor(scaled) === 0.5 && Math.floor(scaled) % 2 === 0) fixed = (Math.floor(scaled) / 1000).toFixed(3);
    [whole = '0', fraction = ''] = fixed.split('.');
    fraction = fraction.replace(/0+$/, '');
  }
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = fraction ? `${grouped}.${fraction}` : grouped;
  return negative && text !== '0' ? `-${text}` : text;
}
