import { isAssignable } from '@gallop/engine';
import type { TaskDef, VariableAssignment, VariableDef } from '@gallop/engine';
import { emptyLiteral } from './literal.ts';
import { typeOfVariable } from './variables.ts';
import type { VisibleVariable } from './variables.ts';

/**
 * A first value for a TaskDef input: the variable of the same name when the WfSpec declares one of a type that
 * fits, else an empty literal of the input's type.
 */
export function defaultInput(input: VariableDef, variables: readonly VisibleVariable[]): VariableAssignment {
  const type = typeOfVariable(variables, input.name);
  if (type && isAssignable(type, input.type)) return { type: 'VARIABLE', variableName: input.name };
  return { type: 'LITERAL', value: emptyLiteral(input.type) };
}

/**
 * The inputs of a TASK node that now runs `def`, one per input in its order. An input the old TaskDef had by the
 * same name keeps its value; without the old TaskDef, values are kept by position; the rest get defaultInput.
 */
export function inputsFor(
  def: TaskDef,
  current: readonly VariableAssignment[] | undefined,
  previous: TaskDef | undefined,
  variables: readonly VisibleVariable[],
): VariableAssignment[] {
  return def.inputVars.map((input, i) => {
    const at = previous ? previous.inputVars.findIndex((v) => v.name === input.name) : i;
    return (at >= 0 ? current?.[at] : undefined) ?? defaultInput(input, variables);
  });
}

/** `current` with input `index` set, padding any gap before it with defaults from `def`. */
export function withInput(
  current: readonly VariableAssignment[] | undefined,
  index: number,
  value: VariableAssignment,
  def: TaskDef | undefined,
  variables: readonly VisibleVariable[],
): VariableAssignment[] {
  const list = [...(current ?? [])];
  for (let i = list.length; i < index; i++) {
    const input = def?.inputVars[i];
    list.push(input ? defaultInput(input, variables) : { type: 'LITERAL', value: null });
  }
  list[index] = value;
  return list;
}
