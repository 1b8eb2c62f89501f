import { formatPath, MAX_NESTING, nestsDeeperThan } from '@gallop/engine';
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { getNamedType, GraphQLError, Kind, TypeInfo, visit, visitWithTypeInfo } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { EVENT_PAGE } from '../store/queries/wf-runs.ts';
import type { Plugin } from 'graphql-yoga';
import type { InputProblem } from './errors.ts';

/** What one request may cost the server; each is configurable (config.ts) and each refusal is coded by its limit. */
export interface Limits {
  /** Nesting of fields in an operation. */
  readonly maxDepth: number;
  /** graphql-armor's static cost of an operation. */
  readonly maxCost: number;
  readonly maxAliases: number;
  /** Lexical tokens in a document: a bound on parsing work. */
  readonly maxTokens: number;
  readonly maxDirectives: number;
  /** An HTTP request's body, in bytes. */
  readonly maxBodyBytes: number;
  /** Subscriptions one graphql-ws connection may hold at once. */
  readonly maxSubscriptionsPerConnection: number;
  /** A WfSpec's JSON, in bytes. */
  readonly maxWfSpecBytes: number;
  /** One value given to a WfRun (a variable, an event's content, a task's output, a user task's results), as JSON bytes. */
  readonly maxValueBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxDepth: 15,
  maxCost: 20_000,
  maxAliases: 20,
  maxTokens: 5_000,
  maxDirectives: 20,
  maxBodyBytes: 4 * 1024 * 1024,
  maxSubscriptionsPerConnection: 100,
  maxWfSpecBytes: 1024 * 1024,
  maxValueBytes: 1024 * 1024,
};

/** The most items one page of a list holds (`first`). */
export const MAX_PAGE = 500;

/** sizeProblem for each value of a record of them (a WfRun's variables, a user task's results), by name. */
export function valueSizeProblems(limits: Limits, path: readonly (string | number)[], values: Readonly<Record<string, unknown>> | null | undefined): InputProblem[] {
  return Object.entries(values ?? {}).flatMap(([name, value]) => sizeProblem([...path, name], value, limits, 'maxValueBytes') ?? []);
}

/** The environment variable that sets each limit (config.ts). */
export const LIMIT_VARIABLES: Readonly<Record<keyof Limits, string>> = {
  maxDepth: 'GALLOP_LIMIT_DEPTH',
  maxCost: 'GALLOP_LIMIT_COST',
  maxAliases: 'GALLOP_LIMIT_ALIASES',
  maxTokens: 'GALLOP_LIMIT_TOKENS',
  maxDirectives: 'GALLOP_LIMIT_DIRECTIVES',
  maxBodyBytes: 'GALLOP_LIMIT_BODY_BYTES',
  maxSubscriptionsPerConnection: 'GALLOP_LIMIT_SUBSCRIPTIONS',
  maxWfSpecBytes: 'GALLOP_LIMIT_WFSPEC_BYTES',
  maxValueBytes: 'GALLOP_LIMIT_VALUE_BYTES',
};

/** A problem naming the limit when `value` nests arrays or objects deeper than a WfRun's values may. */
export function depthProblem(path: readonly (string | number)[], value: unknown): InputProblem | undefined {
  if (!nestsDeeperThan(value, MAX_NESTING)) return undefined;
  return { path, code: 'DEPTH_LIMIT', message: `This value nests arrays or objects more than ${MAX_NESTING} levels deep; the limit is ${MAX_NESTING}.` };
}

/**
 * A problem naming the limit when `value`'s JSON is larger than `limit` bytes (a size limit a resolver checks, so
 * the refusal is the operation's typed ValidationError with the path of what is too large).
 */
export function sizeProblem(path: readonly (string | number)[], value: unknown, limits: Limits, limit: 'maxWfSpecBytes' | 'maxValueBytes'): InputProblem | undefined {
  // Measured before anything recursive touches it (JSON.stringify, PostgreSQL's jsonb, the engine's comparisons).
  const tooDeep = depthProblem(path, value);
  if (tooDeep) return tooDeep;
  const bytes = Buffer.byteLength(JSON.stringify(value ?? null));
  if (bytes <= limits[limit]) return undefined;
  return { path, code: 'SIZE_LIMIT', message: `This is ${bytes} bytes of JSON; the limit is ${limits[limit]} (${LIMIT_VARIABLES[limit]}).` };
}

/** graphql-armor's refusals by their message, and the code each gets. */
const ARMOR_CODES: readonly [RegExp, string, keyof Limits][] = [
  [/Query depth limit of/, 'DEPTH_LIMIT', 'maxDepth'],
  [/Query Cost limit of/, 'COST_LIMIT', 'maxCost'],
  [/Aliases limit of/, 'ALIAS_LIMIT', 'maxAliases'],
  [/Token limit of/, 'TOKEN_LIMIT', 'maxTokens'],
  [/Directives limit of/, 'DIRECTIVE_LIMIT', 'maxDirectives'],
];

/**
 * graphql-armor's checks (a well-kept library for exactly this), with each refusal coded by the limit it hit
 * (DEPTH_LIMIT, COST_LIMIT, ...) and naming it, so a client can tell which limit to stay under.
 */
export function limitPlugins(limits: Limits): Plugin[] {
  const armor = new EnvelopArmor({
    maxDepth: { n: limits.maxDepth },
    costLimit: { maxCost: limits.maxCost },
    maxAliases: { n: limits.maxAliases },
    maxTokens: { n: limits.maxTokens },
    maxDirectives: { n: limits.maxDirectives },
    // A schema is no secret here: clients are typed from it.
    blockFieldSuggestion: { enabled: false },
  });
  // graphql-armor throws its refusals from the parser and from validation rules: caught here and coded.
  const coded: Plugin = {
    onParse({ parseFn, setParseFn }) {
      setParseFn((source, options) => {
        try {
          return parseFn(source, options);
        } catch (error) {
          throw error instanceof GraphQLError ? withCode(error, limits) : error;
        }
      });
    },
    onValidate({ validateFn, setValidationFn }) {
      setValidationFn((schema, document, rules, typeInfo, options) => {
        // Before graphql-armor's cost, which multiplies by a literal first: a page over the limit is named as such.
        const overPage = pageOutOfRange(schema, document);
        if (overPage) return [overPage];
        try {
          return validateFn(schema, document, rules, typeInfo, options);
        } catch (error) {
          if (error instanceof GraphQLError) return [withCode(error, limits)];
          throw error;
        }
      });
    },
  };
  return [...(armor.protect().plugins as Plugin[]), coded];
}

/**
 * A literal `first` beyond what its list pages (the resolvers refuse it too, but graphql-armor's cost, which counts a
 * literal first as that many items, would refuse it first as COST_LIMIT and hide which argument is wrong).
 */
function pageOutOfRange(schema: GraphQLSchema, document: DocumentNode): GraphQLError | undefined {
  let found: GraphQLError | undefined;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        if (found || node.name.value !== 'first' || node.value.kind !== Kind.INT) return;
        const field = typeInfo.getFieldDef();
        if (!field) return;
        const [least, most] = getNamedType(field.type).name.endsWith('Connection') ? [0, MAX_PAGE] : field.name === 'events' ? [1, EVENT_PAGE] : [];
        const first = Number(node.value.value);
        if (most === undefined || (first >= least! && first <= most)) return;
        const path = [field.name, 'first'];
        found = new GraphQLError(`first must be between ${least} and ${most}.`, {
          nodes: [node],
          extensions: { code: 'ValidationError', problems: [{ path, at: formatPath(path), code: 'OUT_OF_RANGE', message: `first must be an integer from ${least} to ${most}; got ${first}.` }] },
        });
      },
    }),
  );
  return found;
}

function withCode(error: GraphQLError, limits: Limits): GraphQLError {
  const known = ARMOR_CODES.find(([pattern]) => pattern.test(error.message));
  if (!known) return error;
  const [, code, limit] = known;
  return new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { nodes: error.nodes, extensions: { code, limit: limits[limit] } });
}

/** The refusal of a body over the limit, before it is read. */
export function bodyTooLarge(limits: Limits): string {
  return JSON.stringify({ errors: [{ message: `The request body is over ${limits.maxBodyBytes} bytes.`, extensions: { code: 'BODY_LIMIT', limit: limits.maxBodyBytes } }] });
}

export function lengthRequired(): string {
  return JSON.stringify({ errors: [{ message: 'A request body must come with its Content-Length (the body limit is checked before reading).', extensions: { code: 'LENGTH_REQUIRED' } }] });
}
