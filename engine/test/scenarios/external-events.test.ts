import { describe, expect, it } from 'vitest';
import { validateWfSpec } from '../../src/index.ts';
import { rebuildHistory } from '../../src/sim/rebuild-history.ts';
import { TestRun } from '../run.ts';
import type { Catalog, VersionedWfSpec, WfRunEvent } from '../../src/index.ts';

const catalog: Catalog = { taskDefs: {}, externalEventDefs: { approved: { name: 'approved' } } };

/** waits for `approved` (optionally with a timeout), stores its content in `approval`. */
function spec(timeoutSeconds?: number): VersionedWfSpec {
  return {
    name: 'approval',
    majorVersion: 0,
    revision: 0,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: [{ name: 'approval', type: 'JSON_OBJ' }],
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'wait' }] },
          wait: {
            type: 'EXTERNAL_EVENT',
            externalEventDefName: 'approved',
            ...(timeoutSeconds === undefined ? {} : { timeoutSeconds: { type: 'LITERAL', value: timeoutSeconds } }),
            outgoingEdges: [{ sinkNodeName: 'end', variableMutations: [{ lhsName: 'approval', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
          },
          end: { type: 'EXIT' },
        },
      },
    },
  };
}

const sendEvent = (run: TestRun, guid: string, content: Record<string, string>) =>
  run.send({ type: 'PutExternalEvent', guid, externalEventDefName: 'approved', content }) as WfRunEvent[];

describe('EXTERNAL_EVENT', () => {
  it('fails with VAR_ERROR, as LittleHorse names it, when its timeout is not an INT', () => {
    const run = new TestRun(spec(1.5), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    expect(run.state?.status).toBe('ERROR');
    expect(run.state?.failure).toMatchObject({ name: 'VAR_ERROR', message: 'The timeout of an EXTERNAL_EVENT must be an INT; got 1.5 (DOUBLE).' });
  });

  it('waits for the event and assigns its content', () => {
    const run = new TestRun(spec(), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    expect(run.state?.threadRuns[0]?.currentNodeRun).toMatchObject({ nodeName: 'wait', status: 'RUNNING' });
    expect(sendEvent(run, 'e1', { by: 'ada' }).map((e) => e.type)).toEqual(['ExternalEventReceived', 'ExternalEventClaimed', 'NodeRunCompleted', 'VariableAssigned', 'NodeRunStarted', 'NodeRunCompleted', 'ThreadRunCompleted', 'WfRunCompleted']);
    expect(run.state?.threadRuns[0]?.variables.approval).toEqual({ by: 'ada' });
    expect(run.state?.pendingExternalEvents).toBeUndefined();
  });

  it('keeps events that arrive before the WfRun or the node, and takes the oldest first', () => {
    const run = new TestRun(spec(), catalog);
    run.send({
      type: 'RunWf',
      wfRunId: 'r',
      externalEvents: [
        { guid: 'early-1', externalEventDefName: 'approved', content: { by: 'first' } },
        { guid: 'early-2', externalEventDefName: 'approved', content: { by: 'second' } },
      ],
    });
    expect(run.state?.status).toBe('COMPLETED');
    expect(run.state?.threadRuns[0]?.variables.approval).toEqual({ by: 'first' });
    expect(run.state?.pendingExternalEvents?.map((e) => e.guid)).toEqual(['early-2']);
  });

  it('gives an event pinned to a ThreadRun or a NodeRun only to that one (LittleHorse), early or not, and refuses a ThreadRun the WfRun does not have', () => {
    const put = (guid: string, pins: { threadRunNumber?: number; nodeRunPosition?: number }) =>
      ({ type: 'PutExternalEvent', guid, externalEventDefName: 'approved', content: { by: guid }, ...pins }) as const;
    const run = new TestRun(spec(), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r', externalEvents: [{ guid: 'early-elsewhere', externalEventDefName: 'approved', content: {}, nodeRunPosition: 7 }] });
    // The node waits at position 1 of thread 0: events pinned elsewhere wait, kept with their pins.
    expect(run.state?.threadRuns[0]?.currentNodeRun).toMatchObject({ nodeName: 'wait', position: 1, status: 'RUNNING' });
    // A ThreadRun the WfRun does not have (our choice where LittleHorse keeps it): refused, nothing kept.
    expect(run.send(put('other-thread', { threadRunNumber: 3 }))).toBe('UNKNOWN_THREAD_RUN');
    expect((run.send(put('other-node', { threadRunNumber: 0, nodeRunPosition: 4 })) as WfRunEvent[]).map((e) => e.type)).toEqual(['ExternalEventReceived']);
    expect(run.state?.pendingExternalEvents?.map((e) => [e.guid, e.threadRunNumber, e.nodeRunPosition])).toEqual([
      ['early-elsewhere', undefined, 7],
      ['other-node', 0, 4],
    ]);
    run.send(put('this-node', { threadRunNumber: 0, nodeRunPosition: 1 }));
    expect(run.state?.status).toBe('COMPLETED');
    // Pinned to the NodeRun that has ended (a correlated event delivered twice, say): nothing could take it.
    expect(run.send(put('again', { threadRunNumber: 0, nodeRunPosition: 1 }))).toBe('PINNED_NODE_RUN_ENDED');
    expect(run.state?.threadRuns[0]?.variables.approval).toEqual({ by: 'this-node' });
    // A fork of this WfRun finds the commands again, pins and all: no step is merely copied.
    const steps = rebuildHistory(run.events, run.wfSpec, run.catalog);
    expect(steps.map((s) => s.command.type)).toEqual(['RunWf', 'PutExternalEvent', 'PutExternalEvent']);
    expect(steps[2]?.command).toMatchObject({ guid: 'this-node', threadRunNumber: 0, nodeRunPosition: 1 });
  });

  it('sets the correlation key from a STR when it starts waiting, and fails with VAR_ERROR on a blank one', () => {
    const correlated = (key: string | null, masked = false): VersionedWfSpec => {
      const base = spec();
      const entry = base.threadSpecs.entrypoint!;
      return {
        ...base,
        threadSpecs: {
          entrypoint: {
            ...entry,
            variableDefs: [...(entry.variableDefs ?? []), { name: 'doc', type: 'STR', ...(key === null ? {} : { defaultValue: key }) }],
            nodes: { ...entry.nodes, wait: { ...(entry.nodes.wait as object), correlationKey: { type: 'VARIABLE', variableName: 'doc' }, ...(masked ? { maskCorrelationKey: true } : {}) } as never },
          },
        },
      };
    };
    const withConfig: Catalog = { ...catalog, externalEventDefs: { approved: { name: 'approved', correlatedEventConfig: {} } } };
    expect(validateWfSpec(correlated('doc-7'), withConfig)).toEqual([]);
    const run = new TestRun(correlated('doc-7', true), withConfig);
    const events = run.send({ type: 'RunWf', wfRunId: 'r' }) as WfRunEvent[];
    expect(events.find((e) => e.type === 'CorrelationKeySet')).toMatchObject({ threadRunNumber: 0, position: 1, externalEventDefName: 'approved', correlationKey: 'doc-7', maskedCorrelationKey: true });
    expect(run.state?.threadRuns[0]?.currentNodeRun?.status).toBe('RUNNING');
    // A pinned event, as the server delivers a CorrelatedEvent, completes it.
    run.send({ type: 'PutExternalEvent', guid: 'c1', externalEventDefName: 'approved', content: { signed: true }, threadRunNumber: 0, nodeRunPosition: 1 });
    expect(run.state?.status).toBe('COMPLETED');

    const blank = new TestRun(correlated(' '), withConfig);
    blank.send({ type: 'RunWf', wfRunId: 'r' });
    expect(blank.state?.status).toBe('ERROR');
    expect(blank.events.find((e) => e.type === 'NodeRunFailed')).toMatchObject({ failure: { name: 'VAR_ERROR' } });

    // An INT, which validation lets through as it reads every primitive as a STR, keys by its text.
    const base = correlated('doc-7');
    const entry = base.threadSpecs.entrypoint!;
    const numbered: VersionedWfSpec = {
      ...base,
      threadSpecs: { entrypoint: { ...entry, variableDefs: (entry.variableDefs ?? []).map((d) => (d.name === 'doc' ? { name: 'doc', type: 'INT' as const, defaultValue: 42 } : d)) } },
    };
    expect(validateWfSpec(numbered, withConfig)).toEqual([]);
    const byNumber = new TestRun(numbered, withConfig);
    const keyed = byNumber.send({ type: 'RunWf', wfRunId: 'r' }) as WfRunEvent[];
    expect(keyed.find((e) => e.type === 'CorrelationKeySet')).toMatchObject({ correlationKey: '42' });
  });

  it('fails with TIMEOUT when no event arrives in time, and ignores the timer once one has', () => {
    const late = new TestRun(spec(60), catalog);
    const timer = (late.send({ type: 'RunWf', wfRunId: 'r' }, 1_000) as WfRunEvent[]).find((e) => e.type === 'TimerSet');
    expect(timer).toMatchObject({ fireAt: 61_000, purpose: { type: 'EXTERNAL_EVENT_TIMEOUT' } });
    if (timer?.type !== 'TimerSet') return;
    late.send({ type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose }, 61_000);
    expect(late.state?.failure).toEqual({ name: 'TIMEOUT', message: "No ExternalEvent 'approved' arrived in time." });

    const onTime = new TestRun(spec(60), catalog);
    onTime.send({ type: 'RunWf', wfRunId: 'r' });
    sendEvent(onTime, 'e1', { by: 'ada' });
    onTime.send({ type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose });
    expect(onTime.state?.status).toBe('COMPLETED');
    expect(onTime.rejections).toEqual(['STALE_TIMER']);
  });

  it('refuses the same event twice while it waits, and an event for a WfRun that does not exist', () => {
    // A SLEEP first, so the event waits in the state instead of being taken at once.
    const base = spec();
    const { start: _start, ...rest } = base.threadSpecs.entrypoint!.nodes;
    const sleepingFirst: VersionedWfSpec = {
      ...base,
      threadSpecs: {
        entrypoint: {
          ...base.threadSpecs.entrypoint!,
          nodes: {
            start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'nap' }] },
            nap: { type: 'SLEEP', rawSeconds: { type: 'LITERAL', value: 10 }, outgoingEdges: [{ sinkNodeName: 'wait' }] },
            ...rest,
          },
        },
      },
    };
    const run = new TestRun(sleepingFirst, catalog);
    sendEvent(run, 'e1', { by: 'ada' });
    run.send({ type: 'RunWf', wfRunId: 'r' });
    sendEvent(run, 'e1', { by: 'ada' });
    sendEvent(run, 'e1', { by: 'ada' });
    expect(run.rejections).toEqual(['WF_RUN_NOT_FOUND', 'DUPLICATE_EXTERNAL_EVENT']);
  });

  it('names an ExternalEventDef that is not registered', () => {
    expect(validateWfSpec(spec(), catalog)).toEqual([]);
    expect(validateWfSpec(spec(), { taskDefs: {} }).map((p) => [p.code, p.path.at(-1)])).toEqual([['UNKNOWN_EXTERNAL_EVENT_DEF', 'externalEventDefName']]);
  });
});
