import { describe, expect, it } from 'vitest';
import type { WfSpec } from '../spec/types.ts';
import type { WfRunEvent } from './events.ts';
import { MASKED_VALUE, maskedVariableNames, maskEvent, maskFailure, returnsMaskedValue } from './mask.ts';

const spec = {
  name: 'w',
  entrypointThreadName: 'entrypoint',
  threadSpecs: {
    entrypoint: { nodes: {}, variableDefs: [{ name: 'card', type: 'STR', masked: true }, { name: 'amount', type: 'INT' }] },
    child: { nodes: {}, variableDefs: [{ name: 'pin', type: 'INT', masked: true }, { name: 'amount', type: 'INT', masked: false }] },
  },
} as unknown as WfSpec;

describe('masking', () => {
  const names = maskedVariableNames(spec);
  const masked = (name: string) => names.has(name);

  it('finds the masked variables of every thread', () => {
    expect([...names].sort()).toEqual(['card', 'pin']);
  });

  it('hides masked first values, assignments and task inputs, and leaves the rest as they are', () => {
    const started: WfRunEvent = { type: 'ThreadRunStarted', time: 1, threadRunNumber: 0, threadSpecName: 'entrypoint', variables: { card: '4111', amount: 5 } };
    expect(maskEvent(started, masked)).toEqual({ ...started, variables: { card: MASKED_VALUE, amount: 5 } });

    const assigned: WfRunEvent = { type: 'VariableAssigned', time: 2, threadRunNumber: 1, name: 'pin', value: 1234 };
    expect(maskEvent(assigned, masked)).toEqual({ ...assigned, value: MASKED_VALUE });
    const plain: WfRunEvent = { ...assigned, name: 'amount', value: 7 };
    expect(maskEvent(plain, masked)).toBe(plain);

    const scheduled: WfRunEvent = {
      type: 'TaskRunScheduled',
      time: 3,
      threadRunNumber: 0,
      position: 1,
      taskGuid: 'g',
      taskDefName: 'charge',
      attempt: 0,
      input: [{ name: 'card', value: '4111', masked: true }, { name: 'amount', value: 5 }],
    };
    expect(maskEvent(scheduled, masked)).toEqual({ ...scheduled, input: [{ name: 'card', value: MASKED_VALUE, masked: true }, { name: 'amount', value: 5 }] });
  });

  it('hides the output of a TaskDef whose output is masked, in its attempt and its NodeRun', () => {
    const succeeded: WfRunEvent = { type: 'TaskAttemptSucceeded', time: 5, threadRunNumber: 0, taskGuid: '0-1', attempt: 0, output: 'token-123', maskedOutput: true };
    expect(maskEvent(succeeded, masked)).toEqual({ ...succeeded, output: MASKED_VALUE });
    const completed: WfRunEvent = { type: 'NodeRunCompleted', time: 5, threadRunNumber: 0, position: 1, output: 'token-123', maskedOutput: true };
    expect(maskEvent(completed, masked)).toEqual({ ...completed, output: MASKED_VALUE });
    const plain: WfRunEvent = { type: 'NodeRunCompleted', time: 5, threadRunNumber: 0, position: 1, output: 'hello' };
    expect(maskEvent(plain, masked)).toBe(plain);
  });

  it('hides the inputs of a child WfRun that came from masked variables', () => {
    const requested: WfRunEvent = {
      type: 'ChildWfRunRequested',
      time: 4,
      childWfRunId: 'r_0-2',
      wfSpecName: 'child',
      variables: { secret: '4111', plain: 1 },
      maskedVariables: ['secret'],
      threadRunNumber: 0,
      position: 2,
    };
    expect(maskEvent(requested, masked)).toEqual({ ...requested, variables: { secret: MASKED_VALUE, plain: 1 } });
  });

  it("hides what events flag as secrets: a child WfRun's output, a failure's content, a WorkflowEvent's content", () => {
    const reported: WfRunEvent = { type: 'ChildWfRunReported', time: 6, childWfRunId: 'r_0-1', status: 'COMPLETED', output: 'pw', maskedOutput: true };
    expect(maskEvent(reported, masked)).toEqual({ ...reported, output: MASKED_VALUE });
    const secretFailure = { name: 'denied', message: 'No.', content: 'pw', maskedContent: true as const };
    const childFailed: WfRunEvent = { type: 'ChildWfRunReported', time: 6, childWfRunId: 'r_0-1', status: 'EXCEPTION', failure: secretFailure };
    expect(maskEvent(childFailed, masked)).toEqual({ ...childFailed, failure: { ...secretFailure, content: MASKED_VALUE } });
    for (const type of ['NodeRunFailed', 'ThreadRunFailed'] as const) {
      const failed = { type, time: 7, threadRunNumber: 0, position: 1, status: 'EXCEPTION', failure: secretFailure } as WfRunEvent;
      expect(maskEvent(failed, masked)).toEqual({ ...failed, failure: { ...secretFailure, content: MASKED_VALUE } });
    }
    const wfRunFailed: WfRunEvent = { type: 'WfRunFailed', time: 7, status: 'EXCEPTION', failure: secretFailure };
    expect(maskEvent(wfRunFailed, masked)).toEqual({ ...wfRunFailed, failure: { ...secretFailure, content: MASKED_VALUE } });
    const thrown: WfRunEvent = { type: 'WorkflowEventThrown', time: 8, workflowEventDefName: 'd', number: 0, content: 'pw', maskedContent: true, threadRunNumber: 0, position: 2 };
    expect(maskEvent(thrown, masked)).toEqual({ ...thrown, content: MASKED_VALUE });

    // Unflagged, they stay as they are; a failure without content has nothing to hide.
    const plain: WfRunEvent = { type: 'NodeRunFailed', time: 7, threadRunNumber: 0, position: 1, status: 'EXCEPTION', failure: { name: 'denied', message: 'No.', content: 'x' } };
    expect(maskEvent(plain, masked)).toBe(plain);
    expect(maskEvent({ ...reported, maskedOutput: undefined }, masked)).toEqual({ ...reported, maskedOutput: undefined });
    const bare = { name: 'denied', message: 'No.', maskedContent: true as const };
    expect(maskFailure(bare)).toBe(bare);
  });

  it('never changes the event it is given', () => {
    const started: WfRunEvent = { type: 'ThreadRunStarted', time: 1, threadRunNumber: 0, threadSpecName: 'entrypoint', variables: { card: '4111' } };
    maskEvent(started, masked);
    expect(started.variables).toEqual({ card: '4111' });
  });
});

describe('returnsMaskedValue', () => {
  const spec = (returned: string) =>
    ({
      name: 'w',
      entrypointThreadName: 'entrypoint',
      threadSpecs: {
        entrypoint: {
          variableDefs: [{ name: 'password', type: 'STR', masked: true }, { name: 'user', type: 'STR' }],
          nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'end' }] }, end: { type: 'EXIT', returnContent: { type: 'VARIABLE', variableName: returned } } },
        },
      },
    }) as const;

  it('tells a WfSpec whose EXIT returns a masked variable, so that its outputs are hidden', () => {
    expect(returnsMaskedValue(spec('password') as never)).toBe(true);
    expect(returnsMaskedValue(spec('user') as never)).toBe(false);
    const completed: WfRunEvent = { type: 'WfRunCompleted', time: 5, output: 'hunter2' };
    expect(maskEvent(completed, () => false, true)).toEqual({ ...completed, output: MASKED_VALUE });
    expect(maskEvent(completed, () => false)).toBe(completed);
  });
});
