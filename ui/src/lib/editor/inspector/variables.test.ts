import type { WfSpec } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { threadVariables, typeOfVariable, visibleVariables } from './variables.ts';

const spec: WfSpec = {
  name: 'w',
  entrypointThreadName: 'entrypoint',
  threadSpecs: {
    entrypoint: { variableDefs: [{ name: 'order', type: 'JSON_OBJ' }], nodes: {} },
    child: { variableDefs: [{ name: 'item', type: 'STR' }, { name: 'order', type: 'INT' }], nodes: {} },
  },
};

describe('visibleVariables', () => {
  it("lists the thread's own variables first, then the others', each name once", () => {
    expect(visibleVariables(spec, 'child')).toEqual([
      { name: 'item', type: 'STR', thread: 'child' },
      { name: 'order', type: 'INT', thread: 'child' },
    ]);
    expect(visibleVariables(spec, 'entrypoint').map((v) => v.name)).toEqual(['order', 'item']);
  });

  it('finds types by name', () => {
    const variables = visibleVariables(spec, 'entrypoint');
    expect(typeOfVariable(variables, 'order')).toBe('JSON_OBJ');
    expect(typeOfVariable(variables, 'missing')).toBeUndefined();
  });

  it("gives a thread's declarations, and none for a thread that is not there", () => {
    expect(threadVariables(spec, 'child').map((d) => d.name)).toEqual(['item', 'order']);
    expect(threadVariables(spec, 'toString')).toEqual([]);
  });
});
