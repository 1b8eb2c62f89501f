import type { MutationSource, VariableType } from '@gallop/engine';
import { emptyLiteral, formatLiteral } from './literal.ts';

/**
 * Which kind of source a field's select shows: no value (optional fields only), a literal, the node's output (edge
 * mutations only), or a variable, as `var:<name>`.
 */
export type SourceKey = 'none' | 'literal' | 'node-output' | `var:${string}`;

export function sourceKeyOf(value: MutationSource | undefined): SourceKey {
  if (value === undefined) return 'none';
  if (value.type === 'LITERAL') return 'literal';
  if (value.type === 'NODE_OUTPUT') return 'node-output';
  return `var:${value.variableName}`;
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
  return { type: 'VARIABLE', variableName: key.slice('var:'.length) };
}

/** A source as one line of text for read-only views: `amount`, `order $.total`, `"text"`, `node output`. */
export function describeSource(value: MutationSource | undefined): string {
  if (value === undefined) return 'not set';
  if (value.type === 'LITERAL') return formatLiteral(value.value);
  const path = value.jsonPath ? ` ${value.jsonPath}` : '';
  return value.type === 'NODE_OUTPUT' ? `node output${path}` : `${value.variableName || '(no variable)'}${path}`;
}
