import { formatPath, LH_STATUSES, TASK_STATUSES, VARIABLE_TYPES } from '@gallop/engine';
import type { InputProblem } from '../errors.ts';
import { builder } from '../builder.ts';
import { MAX_PAGE } from '../limits.ts';
import { AlreadyExistsError, GallopError, NotFoundError, ValidationError } from '../errors.ts';

export const ErrorInterface = builder.interfaceRef<GallopError>('Error').implement({
  description: 'A request the server refused, with a sentence saying why.',
  fields: (t) => ({ message: t.exposeString('message') }),
});

export const ProblemRef = builder.objectRef<InputProblem>('Problem').implement({
  description: 'One thing wrong with an input, with where it is.',
  fields: (t) => ({
    path: t.field({ type: 'JSON', description: 'Keys and list indexes from the root of the input.', resolve: (p) => p.path }),
    at: t.string({ description: 'The path written out, e.g. threadSpecs.entrypoint.nodes["1-greet-TASK"].taskDefName', resolve: (p) => formatPath(p.path) }),
    code: t.exposeString('code'),
    message: t.exposeString('message'),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'The input breaks rules of the engine or the server; every problem is listed.',
  interfaces: [ErrorInterface],
  fields: (t) => ({ problems: t.field({ type: [ProblemRef], resolve: (e) => e.problems }) }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ kind: t.exposeString('kind'), id: t.exposeString('id') }),
});

builder.objectType(AlreadyExistsError, {
  name: 'AlreadyExistsError',
  interfaces: [ErrorInterface],
  fields: () => ({}),
});

export const VariableTypeEnum = builder.enumType('VariableType', { values: VARIABLE_TYPES });

export const LHStatusEnum = builder.enumType('LHStatus', { values: LH_STATUSES });

export const TaskStatusEnum = builder.enumType('TaskStatus', { values: TASK_STATUSES });

/** Cursors are opaque to clients; base64url keeps them from looking editable. */
export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** The furthest from 1970 a Date reaches, either way. */
const MAX_DATE_MS = 8.64e15;

/**
 * The parts of a cursor made by encodeCursor, checked against `shape`: one letter a part, `s` a string, `i` an
 * integer, `t` a time (epoch milliseconds a Date can hold). A cursor a client made up or mangled is a
 * ValidationError, never an internal error further on (a date of NaN, a fraction where PostgreSQL wants an integer).
 */
export function decodeCursor(cursor: string, shape: string): (string | number)[] {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown;
    const fits = (part: unknown, kind: string) =>
      kind === 's' ? typeof part === 'string' : Number.isSafeInteger(part) && (kind === 'i' || Math.abs(part as number) <= MAX_DATE_MS);
    if (Array.isArray(parts) && parts.length === shape.length && parts.every((part, i) => fits(part, shape[i]!))) return parts as (string | number)[];
  } catch {
    // fall through to the typed error
  }
  throw new ValidationError(`Cursor '${cursor}' is not one this server made.`, [
    { path: ['after'], code: 'INVALID_CURSOR', message: 'The cursor is malformed; pass an endCursor from an earlier page.' },
  ]);
}

/**
 * A list's connection arguments, checked: given to resolveCursorConnection as its `args`, so that they are checked
 * before it reads them (it throws untyped errors of its own for some, masked as internal ones). Every list pages
 * forward only (`first`, `after`), by a key its rows are ordered by; `last` and `before` are refused rather than read
 * as `first` and `after`. Without `first` a page holds the Relay plugin's default, 20.
 */
export function checkedPageArgs<A extends { first?: number | null; last?: number | null; before?: string | null }>(args: A): A {
  for (const backward of ['last', 'before'] as const) {
    if (args[backward] != null) {
      throw new ValidationError(`Lists page forward only; ${backward} is not supported.`, [
        { path: [backward], code: 'CONFLICTING_FIELDS', message: `${backward} is not supported: pass first and the endCursor of the page before as after.` },
      ]);
    }
  }
  const { first } = args;
  if (first != null && (!Number.isInteger(first) || first < 0 || first > MAX_PAGE)) {
    throw new ValidationError(`first must be between 0 and ${MAX_PAGE}.`, [
      { path: ['first'], code: 'OUT_OF_RANGE', message: `first must be an integer from 0 to ${MAX_PAGE}; got ${first}.` },
    ]);
  }
  return args;
}

export { AlreadyExistsError, NotFoundError, ValidationError };

/** A revision belongs to a major version: one given alone would be dropped without a word, so it is refused. */
export function refuseRevisionWithoutMajor(operation: string, args: { majorVersion?: number | null; revision?: number | null }, at: readonly string[] = []): void {
  if (args.revision != null && args.majorVersion == null) {
    throw ValidationError.of(`${operation} was given a revision without a majorVersion`, [{ path: [...at, 'majorVersion'], code: 'MISSING_FIELD', message: 'A revision needs its majorVersion.' }]);
  }
}
