import type { Problem, SpecPath } from '@gallop/engine';
import { Cron } from 'croner';

/** The five fields of a UNIX cron expression, in order, with what each takes (for messages). */
const FIELDS = [
  ['minute', '0-59'],
  ['hour', '0-23'],
  ['dayOfMonth', '1-31, L or W'],
  ['month', '1-12 or JAN-DEC'],
  ['dayOfWeek', '0-7 or SUN-SAT (0 and 7 are Sunday)'],
] as const;

/** A five-field UNIX cron expression (LittleHorse's kind) read in UTC, so that a schedule means the same everywhere. */
export class CronSchedule {
  private constructor(
    readonly expression: string,
    private readonly cron: Cron,
  ) {}

  /** Parses `expression`; each problem's path is `path` plus the name of the field at fault, when one is. */
  static parse(expression: string, path: SpecPath): { ok: true; schedule: CronSchedule } | { ok: false; problems: Problem[] } {
    const fields = expression.trim().split(/\s+/).filter((f) => f !== '');
    // Nicknames such as @hourly stand for five fields; six or seven (seconds, years) are not UNIX cron.
    if (!expression.trim().startsWith('@') && fields.length !== FIELDS.length) {
      return fail(path, 'MISSING_FIELD', `A cron expression has five fields (minute hour dayOfMonth month dayOfWeek); '${expression}' has ${fields.length}.`);
    }
    const cron = compile(expression);
    if (cron instanceof Error) {
      const problems = fields.length === FIELDS.length ? fieldProblems(fields, path) : [];
      return problems.length > 0 ? { ok: false, problems } : fail(path, 'OUT_OF_RANGE', `'${expression}' is not a cron expression: ${cron.message}`);
    }
    return { ok: true, schedule: new CronSchedule(expression, cron) };
  }

  /** The first time of the schedule strictly after `afterMs`; undefined if there is none (Feb 30). */
  nextAfter(afterMs: number): number | undefined {
    return this.cron.nextRun(new Date(afterMs))?.getTime();
  }

  /** The latest time of the schedule at or before `atMs`. */
  latestAtOrBefore(atMs: number): number | undefined {
    return this.cron.previousRuns(1, new Date(atMs + 1))[0]?.getTime();
  }
}

function compile(pattern: string): Cron | Error {
  try {
    return new Cron(pattern, { timezone: 'UTC', mode: '5-part', paused: true });
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Names each field that is wrong on its own, by trying it with every other field `*`. */
function fieldProblems(fields: readonly string[], path: SpecPath): Problem[] {
  const problems: Problem[] = [];
  FIELDS.forEach(([name, takes], i) => {
    const probe = FIELDS.map((_, j) => (j === i ? fields[i] : '*')).join(' ');
    if (compile(probe) instanceof Error) {
      problems.push({ path: [...path, name], code: 'OUT_OF_RANGE', message: `The ${name} field '${fields[i]}' is not valid; it takes ${takes}, with *, lists (a,b), ranges (a-b) and steps (*/n).` });
    }
  });
  return problems;
}

function fail(path: SpecPath, code: Problem['code'], message: string): { ok: false; problems: Problem[] } {
  return { ok: false, problems: [{ path, code, message }] };
}
