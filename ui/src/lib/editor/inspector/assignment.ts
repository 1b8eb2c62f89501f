import { assignmentText } from '@gallop/engine';
import type { FormatStringAssignment, MutationSource, VariableAssignment, VariableType } from '@gallop/engine';
import { emptyLiteral, formatLiteral } from './literal.ts';

/**
 * Which kind of source a field's select shows: no value (optional fields only), a literal, the node's output (edge
 * mutations only), a variable, as `var:<name>`, the output of an earlier node by its name, as `output:<node>`, a
 * format string, or another value computed from others (an expression or a size, which the field shows as text and
 * the JSON panel edits).
 */
export type SourceKey = 'none' | 'literal' | 'node-output' | 'format' | 'computed' | `var:${string}` | `output:${string}`;

export function sourceKeyOf(value: MutationSource | undefined): SourceKey {
  if (value === undefined) return 'none';
  if (value.type === 'LITERAL') return 'literal';
  if (value.type === 'NODE_OUTPUT') return 'node-output';
  if (value.type === 'NODE_OUTPUT_REFERENCE') return `output:${value.nodeName}`;
  if (value.type === 'FORMAT_STRING') return 'format';
  if (value.type === 'EXPRESSION' || value.type === 'SIZE_OF') return 'computed';
  return `var:${value.variableName}`;
}

/** The template of a format string when it is written in the spec (a literal STR), which the field edits as text. */
export function literalTemplate(value: MutationSource | undefined): string | undefined {
  if (value?.type !== 'FORMAT_STRING' || value.format?.type !== 'LITERAL' || value.format.targetType !== undefined) return undefined;
  return typeof value.format.value === 'string' ? value.format.value : undefined;
}

/** A format string with another literal template. */
export function withTemplate(value: FormatStringAssignment, template: string): FormatStringAssignment {
  return { ...value, format: { type: 'LITERAL', value: template } };
}

/** A format string with its argument `i` replaced, or, for `arg` undefined, removed. */
export function withArg(value: FormatStringAssignment, i: number, arg: VariableAssignment | undefined): FormatStringAssignment {
  const args = [...(value.args ?? [])];
  if (arg === undefined) args.splice(i, 1);
  else args[i] = arg;
  return { ...value, args };
}

/** Whether a source is read from somewhere a JSON path can follow: a variable, the node's output or an earlier node's. */
export function isPathSource(value: MutationSource | undefined): value is Extract<MutationSource, { type: 'VARIABLE' | 'NODE_OUTPUT' | 'NODE_OUTPUT_REFERENCE' }> {
  return value?.type === 'VARIABLE' || value?.type === 'NODE_OUTPUT' || value?.type === 'NODE_OUTPUT_REFERENCE';
}

/** `value` cast to `type` (LittleHorse's target_type), or without its cast for undefined. */
export function withCast<T extends MutationSource>(value: T, type: VariableType | undefined): T {
  const { targetType: _old, ...rest } = value;
  return (type === undefined ? rest : { ...rest, targetType: type }) as T;
}

/**
 * The value a field takes when its select changes to `key`. Choosing the kind it already has keeps the value; a new
 * literal starts empty for `expectedType`; a JSON path is kept only while the source stays the same variable or the
 * node's output. Undefined means "no value".
 */
export function chooseSource(current: MutationSource | undefined, key: SourceKey, expectedType?: VariableType): MutationSource | undefined {
  if (key === sourceKeyOf(current)) return current;
  if (key === 'none') return undefined;
  if (key === 'literal') return { type: 'LITERAL', value: emptyLiteral(expectedType) };
  if (key === 'node-output') return { type: 'NODE_OUTPUT' };
  // A variable becomes the argument of a template that quotes it; anything else starts an empty template.
  if (key === 'format') {
    return current?.type === 'VARIABLE'
      ? { type: 'FORMAT_STRING', format: { type: 'LITERAL', value: '{0}' }, args: [current] }
      : { type: 'FORMAT_STRING', format: { type: 'LITERAL', value: '' }, args: [] };
  }
  // A computed value is written in the JSON panel; the select only shows it.
  if (key === 'computed') return current;
  if (key.startsWith('output:')) return { type: 'NODE_OUTPUT_REFERENCE', nodeName: key.slice('output:'.length) };
  return { type: 'VARIABLE', variableName: key.slice('var:'.length) };
}

/**
 * A source as one line of text for read-only views: `amount`, `order $.total`, `"text"`, `node output`,
 * `output of 1-charge-TASK $.id`, `format("Hi {0}", name)`, `(count + 1)`, with ` as INT` after a cast.
 */
export function describeSource(value: MutationSource | undefined): string {
  if (value === undefined) return 'not set';
  const cast = value.targetType ? ` as ${value.targetType}` : '';
  if (value.type === 'FORMAT_STRING' || value.type === 'EXPRESSION' || value.type === 'SIZE_OF') return assignmentText(value);
  if (value.type === 'LITERAL') return `${formatLiteral(value.value)}${cast}`;
  const path = value.jsonPath ? ` ${value.jsonPath}` : '';
  if (value.type === 'NODE_OUTPUT_REFERENCE') return `output of ${value.nodeName || '(no node)'}${path}${cast}`;
  return `${value.type === 'NODE_OUTPUT' ? 'node output' : value.variableName || '(no variable)'}${path}${cast}`;
}
