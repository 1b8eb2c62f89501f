import type { WfSpec } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { checkNodeName, checkThreadName, checkVariableName, suggestThreadName } from './names.ts';

const spec: WfSpec = {
  name: 'w',
  entrypointThreadName: 'entrypoint',
  threadSpecs: {
    entrypoint: { variableDefs: [{ name: 'amount', type: 'INT' }], nodes: { '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT' }, '1-exit-EXIT': { type: 'EXIT' } } },
    handler: { variableDefs: [{ name: 'reason', type: 'STR' }], nodes: {} },
    'handler-2': { nodes: {} },
  },
};

describe('thread names', () => {
  it('suggests a free name from a base', () => {
    expect(suggestThreadName(spec, 'child')).toBe('child');
    expect(suggestThreadName(spec, 'handler')).toBe('handler-3');
    expect(suggestThreadName(spec, 'a b!')).toBe('a-b');
  });

  it('refuses empty, malformed and taken names', () => {
    expect(checkThreadName(spec, '')).toBe('Write a name for the thread.');
    expect(checkThreadName(spec, 'has space')).toMatch(/letters, digits and inner dashes/);
    expect(checkThreadName(spec, 'handler')).toBe("The WfSpec already has a thread 'handler'.");
    expect(checkThreadName(spec, 'child')).toBeUndefined();
  });
});

describe('checkNodeName', () => {
  it('allows the same name and refuses another node of the thread', () => {
    expect(checkNodeName(spec, 'entrypoint', '1-exit-EXIT', '1-exit-EXIT')).toBeUndefined();
    expect(checkNodeName(spec, 'entrypoint', '1-exit-EXIT', '0-entrypoint-ENTRYPOINT')).toMatch(/already has a node/);
    expect(checkNodeName(spec, 'entrypoint', '1-exit-EXIT', ' ')).toBe('Write a name for the node.');
  });
});

describe('checkVariableName', () => {
  it('lets a variable keep its own name', () => {
    expect(checkVariableName(spec, 'entrypoint', 0, 'amount')).toBeUndefined();
  });

  it('refuses a name any thread declares, since names are WfSpec-global', () => {
    expect(checkVariableName(spec, 'entrypoint', -1, 'amount')).toBe("This thread already has a variable 'amount'.");
    expect(checkVariableName(spec, 'entrypoint', -1, 'reason')).toMatch(/^Thread 'handler' already declares 'reason'/);
  });
});
