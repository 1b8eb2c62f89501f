import { describe, expect, it } from 'vitest';
import { replay, step, validateWfSpec } from '../../src/index.ts';
import type { Catalog, Command, DecideContext, VersionedWfSpec, WfRunEvent, WfRunState } from '../../src/index.ts';

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

class Run {
  state: WfRunState | undefined;
  readonly events: WfRunEvent[] = [];
  readonly rejections: string[] = [];
  constructor(readonly wfSpec: VersionedWfSpec) {}
  send(command: Command, now = 0): WfRunEvent[] {
    const ctx: DecideContext = { now, ids: { next: () => 'id' }, wfSpec: this.wfSpec, catalog };
    const result = step(this.state, command, ctx);
    if (!result.ok) {
      this.rejections.push(result.rejection.code);
      return [];
    }
    this.state = result.state;
    this.events.push(...result.events);
    expect(replay(this.events)).toEqual(this.state);
    return [...result.events];
  }
  event(guid: string, content: Record<string, string>, now = 0) {
    return this.send({ type: 'PutExternalEvent', guid, externalEventDefName: 'approved', content }, now);
  }
}

describe('EXTERNAL_EVENT', () => {
  it('waits for the event and assigns its content', () => {
    const run = new Run(spec());
    run.send({ type: 'RunWf', wfRunId: 'r' });
    expect(run.state?.threadRuns[0]?.currentNodeRun).toMatchObject({ nodeName: 'wait', status: 'RUNNING' });
    expect(run.event('e1', { by: 'ada' }).map((e) => e.type)).toEqual(['ExternalEventReceived', 'ExternalEventClaimed', 'NodeRunCompleted', 'VariableAssigned', 'NodeRunStarted', 'NodeRunCompleted', 'ThreadRunCompleted', 'WfRunCompleted']);
    expect(run.state?.threadRuns[0]?.variables.approval).toEqual({ by: 'ada' });
    expect(run.state?.pendingExternalEvents).toBeUndefined();
  });

  it('keeps events that arrive before the WfRun or the node, and takes the oldest first', () => {
    const run = new Run(spec());
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

  it('fails with TIMEOUT when no event arrives in time, and ignores the timer once one has', () => {
    const late = new Run(spec(60));
    const timer = late.send({ type: 'RunWf', wfRunId: 'r' }, 1_000).find((e) => e.type === 'TimerSet');
    expect(timer).toMatchObject({ fireAt: 61_000, purpose: { type: 'EXTERNAL_EVENT_TIMEOUT' } });
    if (timer?.type !== 'TimerSet') return;
    late.send({ type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose }, 61_000);
    expect(late.state?.failure).toEqual({ name: 'TIMEOUT', message: "No ExternalEvent 'approved' arrived in time." });

    const onTime = new Run(spec(60));
    onTime.send({ type: 'RunWf', wfRunId: 'r' });
    onTime.event('e1', { by: 'ada' });
    onTime.send({ type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose });
    expect(onTime.state?.status).toBe('COMPLETED');
    expect(onTime.rejections).toEqual(['STALE_TIMER']);
  });

  it('refuses the same event twice while it waits, and an event for a WfRun that does not exist', () => {
    const run = new Run({ ...spec(), threadSpecs: { entrypoint: { ...spec().threadSpecs.entrypoint!, nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'nap' }] }, nap: { type: 'SLEEP', rawSeconds: { type: 'LITERAL', value: 10 }, outgoingEdges: [{ sinkNodeName: 'wait' }] }, ...Object.fromEntries(Object.entries(spec().threadSpecs.entrypoint!.nodes).filter(([k]) => k !== 'start')) } } } });
    run.event('e1', { by: 'ada' });
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.event('e1', { by: 'ada' });
    run.event('e1', { by: 'ada' });
    expect(run.rejections).toEqual(['WF_RUN_NOT_FOUND', 'DUPLICATE_EXTERNAL_EVENT']);
  });

  it('names an ExternalEventDef that is not registered', () => {
    expect(validateWfSpec(spec(), catalog)).toEqual([]);
    expect(validateWfSpec(spec(), { taskDefs: {} }).map((p) => [p.code, p.path.at(-1)])).toEqual([['UNKNOWN_EXTERNAL_EVENT_DEF', 'externalEventDefName']]);
  });
});
