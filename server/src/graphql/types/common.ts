import { describeName, formatPath, LH_STATUSES, TASK_STATUSES, VARIABLE_TYPES } from '@gallop/engine';
import { resolveCursorConnection } from '@pothos/plugin-relay';
import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
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

/**
 * A cursor of the list named `list` (its query field: `wfRuns`, `taskRuns`, ...) at the row whose order key is
 * `parts`. It names its list so that one from another list, with a key of the same shape, is refused rather than
 * read as a place in this one. Cursors are opaque to clients; base64url keeps them from looking editable.
 */
export function encodeCursor(list: string, parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify({ list, key: parts })).toString('base64url');
}

/** The furthest from 1970 a Date reaches, either way. */
const MAX_DATE_MS = 8.64e15;

/**
 * The key of a cursor made by encodeCursor for `list`, checked against `shape`: one letter a part, `s` a string, `i`
 * an integer, `t` a time (epoch milliseconds a Date can hold). A cursor of another list, or one a client made up or
 * mangled, is a ValidationError at `after`, never an internal error further on (a date of NaN, a fraction where
 * PostgreSQL wants an integer). A bare key, as servers made cursors before they named their list, is still read
 * wherever its shape fits, so a client paging through a list across an upgrade carries on.
 */
export function decodeCursor(cursor: string, list: string, shape: string): (string | number)[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown;
  } catch {
    // refused below
  }
  const fits = (part: unknown, kind: string) =>
    kind === 's' ? typeof part === 'string' : Number.isSafeInteger(part) && (kind === 'i' || Math.abs(part as number) <= MAX_DATE_MS);
  const fitsShape = (parts: unknown): parts is (string | number)[] => Array.isArray(parts) && parts.length === shape.length && parts.every((part, i) => fits(part, shape[i]!));
  const named = typeof decoded === 'object' && decoded !== null && !Array.isArray(decoded) ? (decoded as { list?: unknown; key?: unknown }) : undefined;
  if (named && typeof named.list === 'string' && named.list !== list) {
    const from = describeName(named.list);
    throw new ValidationError(`Cursor '${shortened(cursor)}' belongs to the list ${from}, not ${list}.`, [
      { path: ['after'], code: 'INVALID_CURSOR', message: `The cursor is from the list ${from}; pass an endCursor of ${list}.` },
    ]);
  }
  const key = named ? named.key : decoded;
  if ((!named || named.list === list) && fitsShape(key)) return key;
  throw new ValidationError(`Cursor '${shortened(cursor)}' is not one this server made.`, [
    { path: ['after'], code: 'INVALID_CURSOR', message: 'The cursor is malformed; pass an endCursor from an earlier page.' },
  ]);
}

/** A cursor as an error message quotes it: a client's megabyte of one is cut short. */
function shortened(cursor: string): string {
  return cursor.length > 200 ? `${cursor.slice(0, 200)}… (${cursor.length} characters)` : cursor;
}

/**
 * resolveCursorConnection, with the cursors of a page that has no row and no `after` null, as the Relay spec has
 * them, not ''. With `first: 0` hasNextPage says whether the list holds any row (the Relay spec and graphql-relay
 * agree: edges exist beyond the empty page), and the endCursor then given as `after` must read as the list's start,
 * which null does and '' (a cursor that is none) does not. An empty page after a cursor keeps that cursor.
 */
export async function resolveCursorPage<U extends Promise<readonly unknown[] | null> | readonly unknown[] | null>(
  options: Parameters<typeof resolveCursorConnection<U>>[0],
  resolve: (params: ResolveCursorConnectionArgs) => U,
) {
  const page = await resolveCursorConnection(options, resolve);
  if (!page) return page;
  return { ...page, pageInfo: { ...page.pageInfo, startCursor: page.pageInfo.startCursor || null, endCursor: page.pageInfo.endCursor || null } };
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
