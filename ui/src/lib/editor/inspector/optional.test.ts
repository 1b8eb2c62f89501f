import type { TaskNode, ThreadVarDef } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { isEmpty, own, withOptional } from './optional.ts';

describe('withOptional', () => {
  const task: TaskNode = { type: 'TASK', taskDefName: 'charge', retries: 2, outgoingEdges: [{ sinkNodeName: 'exit' }] };

  it('sets a field in the place it already has', () => {
    const next = withOptional(task, 'retries', 5);
    expect(next).toEqual({ ...task, retries: 5 });
    expect(JSON.stringify(next)).toBe('{"type":"TASK","taskDefName":"charge","retries":5,"outgoingEdges":[{"sinkNodeName":"exit"}]}');
  });

  it('leaves the key out for undefined, empty text and empty lists, instead of writing them', () => {
    expect(Object.keys(withOptional(task, 'retries', undefined))).toEqual(['type', 'taskDefName', 'outgoingEdges']);
    expect(Object.hasOwn(withOptional(task, 'inputs', []), 'inputs')).toBe(false);
    const def: ThreadVarDef = { name: 'x', type: 'STR', defaultValue: 'a' };
    expect(withOptional(def, 'defaultValue', undefined)).toEqual({ name: 'x', type: 'STR' });
  });

  it('returns the same object when there is nothing to remove, and never changes its input', () => {
    expect(withOptional(task, 'timeoutSeconds', undefined)).toBe(task);
    withOptional(task, 'retries', undefined);
    expect(task.retries).toBe(2);
  });

  it('keeps falsy values that are not empty', () => {
    expect(withOptional(task, 'retries', 0).retries).toBe(0);
  });
});

describe('isEmpty', () => {
  it('counts undefined, empty text and empty lists and objects as empty', () => {
    expect([undefined, '', [], {}].every(isEmpty)).toBe(true);
    expect([0, false, null, ' ', [0], { a: 1 }].some(isEmpty)).toBe(false);
  });
});

describe('own', () => {
  it('finds own keys only', () => {
    expect(own({ a: 1 }, 'a')).toBe(1);
    expect(own({ a: 1 }, 'constructor')).toBeUndefined();
    expect(own(undefined, 'a')).toBeUndefined();
  });
});
