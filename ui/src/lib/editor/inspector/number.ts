import type { Parsed } from './literal.ts';

/** What a number field accepts. */
export interface NumberRules {
  /** The smallest value allowed. */
  readonly min?: number | undefined;
  /** Only whole numbers. */
  readonly integer?: boolean | undefined;
  /** Empty text is allowed and means "left out" (undefined). */
  readonly optional?: boolean | undefined;
}

/** Reads a number field's text under `rules`; the message says what is wrong. Pure. */
export function parseNumber(text: string, rules: NumberRules = {}): Parsed<number | undefined> {
  const trimmed = text.trim();
  if (trimmed === '') return rules.optional ? { ok: true, value: undefined } : { ok: false, message: 'Write a number.' };
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { ok: false, message: `'${trimmed}' is not a number.` };
  if (rules.integer && !Number.isSafeInteger(value)) return { ok: false, message: 'Write a whole number.' };
  if (rules.min !== undefined && value < rules.min) return { ok: false, message: `Write ${rules.min} or more.` };
  return { ok: true, value };
}
