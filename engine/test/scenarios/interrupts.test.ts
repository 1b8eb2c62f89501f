import { describe, expect, it } from 'vitest';
import { validateWfSpec } from '../../src/index.ts';
import type { Catalog, VersionedWfSpec } from '../../src/index.ts';
import { TestRun } from '../run.ts';

const catalog: Catalog = {
  taskDefs: { work: { name: 'work', inputVars: [], returnType: 'STR' } },
  externalEventDefs: { cancel: { name: 'cancel' } },
};

/** The entrypoint runs `work` twice and is interrupted by `cancel`, whose handler records INPUT and runs `work`. */
function spec(handlerFails = false): VersionedWfSpec {
  return {
    name: 'interruptible',
    majorVersion: 0,
    revision: 0,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: [{ name: 'reason', type: 'STR', defaultValue: 'none' }],
        interruptDefs: [{ externalEventDefName: 'cancel', handlerSpecName: 'on-cancel' }],
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'first' }] },
          first: { type: 'TASK', taskDefName: 'work', outgoingEdges: [{ sinkNodeName: 'second' }] },
          second: { type: 'TASK', taskDefName: 'work', outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: { type: 'EXIT' },
        },
      },
      'on-cancel': {
        variableDefs: [{ name: 'INPUT', type: 'STR' }],
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'note', variableMutations: [{ lhsName: 'reason', operation: 'ASSIGN', rhs: { type: 'VARIABLE', variableName: 'INPUT' } }] }] },
          note: { type: 'TASK', taskDefName: 'work', outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: handlerFails ? { type: 'EXIT', failureDef: { failureName: 'cannot-cancel', message: 'too late' } } : { type: 'EXIT' },
        },
      },
    },
  };
}

describe('interrupts', () => {
  it('halt the thread after its running TaskRun, run the handler, then let the thread go on', () => {
    expect(validateWfSpec(spec(), catalog)).toEqual([]);
    const run = new TestRun(spec(), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.send({ type: 'PutExternalEvent', guid: 'c1', externalEventDefName: 'cancel', content: 'customer asked' });
    expect(run.state?.threadRuns[0]?.status).toBe('HALTING');
    expect(run.state?.status).toBe('RUNNING');

    run.report('0-1', { status: 'SUCCESS', output: 'done' });
    expect(run.state?.threadRuns.map((t) => [t.number, t.kind, t.status])).toEqual([
      [0, 'ENTRYPOINT', 'HALTED'],
      [1, 'INTERRUPT', 'RUNNING'],
    ]);
    expect(run.state?.threadRuns[0]?.variables.reason).toBe('customer asked');
    expect(run.state?.pendingExternalEvents).toBeUndefined();

    run.report('1-1', { status: 'SUCCESS', output: 'noted' });
    expect(run.state?.threadRuns[0]?.status).toBe('RUNNING');
    expect(run.state?.threadRuns[0]?.currentNodeRun?.nodeName).toBe('second');
    run.report('0-2', { status: 'SUCCESS', output: 'done' });
    expect(run.state?.status).toBe('COMPLETED');
  });

  it('fail the thread when the handler fails', () => {
    const run = new TestRun(spec(true), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('0-1', { status: 'SUCCESS', output: 'done' });
    run.send({ type: 'PutExternalEvent', guid: 'c1', externalEventDefName: 'cancel', content: 'now' });
    // The second task is running: the handler starts once it ends.
    run.report('0-2', { status: 'SUCCESS', output: 'done' });
    run.report('1-1', { status: 'SUCCESS', output: 'tried' });
    expect(run.state?.status).toBe('EXCEPTION');
    expect(run.state?.failure).toEqual({ name: 'cannot-cancel', message: 'Interrupt thread with id 1 failed!', content: null });
  });

  it('that arrive while a handler runs get handlers of their own, side by side; the thread goes on when all completed', () => {
    const run = new TestRun(spec(), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('0-1', { status: 'SUCCESS', output: 'done' });
    run.send({ type: 'PutExternalEvent', guid: 'c1', externalEventDefName: 'cancel', content: 'one' });
    run.report('0-2', { status: 'SUCCESS', output: 'done' });
    expect(run.state?.threadRuns.map((t) => [t.number, t.kind, t.status])).toEqual([
      [0, 'ENTRYPOINT', 'HALTED'],
      [1, 'INTERRUPT', 'RUNNING'],
    ]);
    run.send({ type: 'PutExternalEvent', guid: 'c2', externalEventDefName: 'cancel', content: 'two' });
    expect(run.state?.threadRuns.map((t) => [t.number, t.kind, t.status])).toEqual([
      [0, 'ENTRYPOINT', 'HALTED'],
      [1, 'INTERRUPT', 'RUNNING'],
      [2, 'INTERRUPT', 'RUNNING'],
    ]);
    run.report('2-1', { status: 'SUCCESS', output: 'noted' });
    expect(run.state?.threadRuns[0]?.status).toBe('HALTED');
    run.report('1-1', { status: 'SUCCESS', output: 'noted' });
    expect(run.state?.status).toBe('COMPLETED');
    expect(run.state?.threadRuns[0]?.variables.reason).toBe('two');
  });

  it('fail the thread when any of the handlers running side by side fails', () => {
    const run = new TestRun(spec(true), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('0-1', { status: 'SUCCESS', output: 'done' });
    run.send({ type: 'PutExternalEvent', guid: 'c1', externalEventDefName: 'cancel', content: 'one' });
    run.report('0-2', { status: 'SUCCESS', output: 'done' });
    run.send({ type: 'PutExternalEvent', guid: 'c2', externalEventDefName: 'cancel', content: 'two' });
    run.report('2-1', { status: 'SUCCESS', output: 'tried' });
    expect(run.state?.status).toBe('EXCEPTION');
    expect(run.state?.failure?.message).toBe('Interrupt thread with id 2 failed!');
  });

  it('may not share their ExternalEventDef with an EXTERNAL_EVENT node', () => {
    const base = spec();
    const clash: VersionedWfSpec = {
      ...base,
      threadSpecs: {
        ...base.threadSpecs,
        entrypoint: { ...base.threadSpecs.entrypoint!, nodes: { ...base.threadSpecs.entrypoint!.nodes, first: { type: 'EXTERNAL_EVENT', externalEventDefName: 'cancel', outgoingEdges: [{ sinkNodeName: 'second' }] } } },
      },
    };
    expect(validateWfSpec(clash, catalog).map((p) => p.path.join('.'))).toEqual(['threadSpecs.entrypoint.interruptDefs.0.externalEventDefName']);
  });
});
