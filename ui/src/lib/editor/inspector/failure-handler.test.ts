import type { FailureHandlerDef, WfSpec } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { failureNameSuggestions, matchOf, toFailureHandler, withMatch } from './failure-handler.ts';

describe('toFailureHandler', () => {
  it('maps each choice to the fields LittleHorse uses', () => {
    expect(toFailureHandler('h', { kind: 'ANY' })).toEqual({ handlerSpecName: 'h' });
    expect(toFailureHandler('h', { kind: 'ERROR' })).toEqual({ handlerSpecName: 'h', anyFailureOfType: 'FAILURE_TYPE_ERROR' });
    expect(toFailureHandler('h', { kind: 'EXCEPTION' })).toEqual({ handlerSpecName: 'h', anyFailureOfType: 'FAILURE_TYPE_EXCEPTION' });
    expect(toFailureHandler('h', { kind: 'SPECIFIC', name: 'out-of-stock' })).toEqual({ handlerSpecName: 'h', specificFailure: 'out-of-stock' });
  });
});

describe('withMatch', () => {
  it('keeps exactly one of specificFailure and anyFailureOfType', () => {
    const specific: FailureHandlerDef = { handlerSpecName: 'h', specificFailure: 'TIMEOUT' };
    expect(withMatch(specific, { kind: 'ERROR' })).toEqual({ handlerSpecName: 'h', anyFailureOfType: 'FAILURE_TYPE_ERROR' });
    expect(withMatch(withMatch(specific, { kind: 'ERROR' }), { kind: 'ANY' })).toEqual({ handlerSpecName: 'h' });
  });

  it('round-trips through matchOf', () => {
    for (const def of [
      { handlerSpecName: 'h' },
      { handlerSpecName: 'h', anyFailureOfType: 'FAILURE_TYPE_ERROR' },
      { handlerSpecName: 'h', anyFailureOfType: 'FAILURE_TYPE_EXCEPTION' },
      { handlerSpecName: 'h', specificFailure: 'x' },
    ] as const) {
      expect(withMatch(def, matchOf(def))).toEqual(def);
    }
  });
});

describe('failureNameSuggestions', () => {
  it('offers the exceptions the WfSpec throws first, then the commonest ERROR names', () => {
    const spec: WfSpec = {
      name: 'w',
      entrypointThreadName: 'e',
      threadSpecs: {
        e: {
          nodes: {
            a: { type: 'EXIT', failureDef: { failureName: 'out-of-stock', message: '' } },
            b: { type: 'USER_TASK', userTaskDefName: 'approve', userGroup: { type: 'LITERAL', value: 'ops' }, onCancellationExceptionName: 'rejected' },
          },
        },
      },
    };
    const names = failureNameSuggestions(spec);
    expect(names.slice(0, 4)).toEqual(['out-of-stock', 'rejected', 'TASK_FAILURE', 'TIMEOUT']);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('VAR_SUB_ERROR');
  });
});
