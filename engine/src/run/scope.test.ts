import { describe, expect, it } from 'vitest';
import { replay } from './evolve.ts';
import type { WfRunEvent } from './events.ts';
import { variablesInScope } from './scope.ts';

const wfSpecId = { name: 'w', majorVersion: 0, revision: 0 };
const events: WfRunEvent[] = [
  { type: 'WfRunStarted', time: 0, wfRunId: 'r', wfSpecId },
  { type: 'ThreadRunStarted', time: 0, threadRunNumber: 0, threadSpecName: 'entrypoint', variables: { amount: 5, note: 'parent' } },
  { type: 'ThreadRunStarted', time: 0, threadRunNumber: 1, threadSpecName: 'child', parentThreadRunNumber: 0, kind: 'CHILD', variables: { note: 'child', i: 1 } },
  { type: 'ThreadRunStarted', time: 0, threadRunNumber: 2, threadSpecName: 'grandchild', parentThreadRunNumber: 1, kind: 'CHILD', variables: {} },
];

describe('variablesInScope', () => {
  it('reads a thread’s own variables over its ancestors’, nearest first', () => {
    const state = replay(events);
    expect(variablesInScope(state, 0)).toEqual({ amount: 5, note: 'parent' });
    expect(variablesInScope(state, 1)).toEqual({ amount: 5, note: 'child', i: 1 });
    expect(variablesInScope(state, 2)).toEqual({ amount: 5, note: 'child', i: 1 });
  });

  it('is empty for a thread the state does not hold', () => {
    expect(variablesInScope(replay(events), 9)).toEqual({});
    expect(variablesInScope(undefined, 0)).toEqual({});
  });
});
