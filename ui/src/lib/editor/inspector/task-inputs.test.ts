import type { TaskDef, VariableAssignment } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { defaultInput, inputsFor, withInput } from './task-inputs.ts';
import type { VisibleVariable } from './variables.ts';

const variables: VisibleVariable[] = [
  { name: 'name', type: 'STR', thread: 'entrypoint' },
  { name: 'count', type: 'STR', thread: 'entrypoint' },
];
const greet: TaskDef = { name: 'greet', inputVars: [{ name: 'name', type: 'STR' }] };
const charge: TaskDef = { name: 'charge', inputVars: [{ name: 'count', type: 'INT' }, { name: 'name', type: 'STR' }] };

describe('defaultInput', () => {
  it('passes the variable of the same name when its type fits', () => {
    expect(defaultInput({ name: 'name', type: 'STR' }, variables)).toEqual({ type: 'VARIABLE', variableName: 'name' });
  });

  it('starts an empty literal otherwise', () => {
    expect(defaultInput({ name: 'count', type: 'INT' }, variables)).toEqual({ type: 'LITERAL', value: 0 });
  });
});

describe('inputsFor', () => {
  const given: VariableAssignment[] = [{ type: 'LITERAL', value: 'Ada' }];

  it('keeps values by input name when the old TaskDef is known', () => {
    expect(inputsFor(charge, given, greet, variables)).toEqual([{ type: 'LITERAL', value: 0 }, { type: 'LITERAL', value: 'Ada' }]);
  });

  it('keeps values by position when it is not', () => {
    expect(inputsFor(charge, given, undefined, variables)).toEqual([{ type: 'LITERAL', value: 'Ada' }, { type: 'VARIABLE', variableName: 'name' }]);
  });
});

describe('withInput', () => {
  it('sets one input, filling any gap before it with defaults', () => {
    expect(withInput([], 1, { type: 'LITERAL', value: 'x' }, charge, variables)).toEqual([{ type: 'LITERAL', value: 0 }, { type: 'LITERAL', value: 'x' }]);
  });
});
