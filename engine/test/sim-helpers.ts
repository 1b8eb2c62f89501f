import type { VariableAssignment } from '../src/spec/types.ts';
import type { JsonValue } from '../src/values/value.ts';

// The small builders the simulator's tests write their WfSpecs with.

export const lit = (value: JsonValue): VariableAssignment => ({ type: 'LITERAL', value });
export const v = (variableName: string): VariableAssignment => ({ type: 'VARIABLE', variableName });
/** Assigns the node's output (or a JSON path into it) to a variable. */
export const assign = (lhsName: string, jsonPath?: string) => ({
  lhsName,
  operation: 'ASSIGN' as const,
  rhs: { type: 'NODE_OUTPUT' as const, ...(jsonPath ? { jsonPath } : {}) },
});
