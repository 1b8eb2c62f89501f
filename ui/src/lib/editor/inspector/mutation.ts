import { MUTATION_TYPES, MUTATIONS_BY_TYPE } from '@gallop/engine';
import type { MutationType, VariableMutation, VariableType } from '@gallop/engine';
import type { VisibleVariable } from './variables.ts';

/** The operations a variable of `type` accepts; all of them while the type is unknown. */
export function operationsFor(type: VariableType | undefined): readonly MutationType[] {
  return type ? MUTATIONS_BY_TYPE[type] : MUTATION_TYPES;
}

/**
 * `mutation` changing the variable `name` of `type` instead: the operation stays when the new type accepts it and
 * becomes ASSIGN when not; a JSON path into the old variable is dropped.
 */
export function withTarget(mutation: VariableMutation, name: string, type: VariableType | undefined): VariableMutation {
  if (name === mutation.lhsName) return mutation;
  const { lhsJsonPath: _path, ...rest } = mutation;
  const operation = operationsFor(type).includes(mutation.operation) ? mutation.operation : 'ASSIGN';
  return { ...rest, lhsName: name, operation };
}

/** A new mutation: the first variable of the thread takes the output of the node the edge leaves (ASSIGN). */
export function newMutation(variables: readonly VisibleVariable[]): VariableMutation {
  return { lhsName: variables[0]?.name ?? '', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } };
}

/**
 * The type a mutation's right side should have, for its hint and literal check; undefined when any value will do or
 * the type cannot be known (a JSON path into the variable). Follows the engine's mutate().
 */
export function rhsTypeFor(lhsType: VariableType | undefined, operation: MutationType, lhsJsonPath?: string): VariableType | undefined {
  if (!lhsType || lhsJsonPath) return undefined;
  switch (operation) {
    case 'ASSIGN':
    case 'SUBTRACT':
    case 'MULTIPLY':
    case 'DIVIDE':
      return lhsType;
    case 'ADD':
      // STR appends any value as text and JSON_ARR appends one element of any type.
      return lhsType === 'INT' || lhsType === 'DOUBLE' ? lhsType : undefined;
    case 'EXTEND':
      return lhsType === 'STR' ? undefined : lhsType;
    case 'REMOVE_INDEX':
      return 'INT';
    case 'REMOVE_KEY':
      return 'STR';
    case 'REMOVE_IF_PRESENT':
      return undefined;
    case 'POW':
      return lhsType;
    case 'AND':
    case 'OR':
      return 'BOOL';
  }
}
