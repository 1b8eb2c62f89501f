import { describe, expect, it } from 'vitest';
import { step } from '../../src/index.ts';
import type { Catalog, VersionedWfSpec, WfRunEvent } from '../../src/index.ts';
import { TestRun, types } from '../run.ts';

const catalog: Catalog = { taskDefs: { work: { name: 'work', inputVars: [], returnType: 'STR' } } };

/** The parent spawns a child that runs `work`, then runs `work` itself, waits for the child, and ends. */
const spec: VersionedWfSpec = {
  name: 'rescuable',
  majorVersion: 0,
  revision: 0,
  entrypointThreadName: 'entrypoint',
  threadSpecs: {
    entrypoint: {
      variableDefs: [{ name: 'kid', type: 'INT' }, { name: 'out', type: 'STR', defaultValue: 'none' }],
      nodes: {
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'spawn' }] },
        spawn: { type: 'START_THREAD', threadSpecName: 'child', outgoingEdges: [{ sinkNodeName: 'work', variableMutations: [{ lhsName: 'kid', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }] },
        work: { type: 'TASK', taskDefName: 'work', outgoingEdges: [{ sinkNodeName: 'wait', variableMutations: [{ lhsName: 'out', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }] },
        wait: { type: 'WAIT_FOR_THREADS', threads: [{ type: 'VARIABLE', variableName: 'kid' }], outgoingEdges: [{ sinkNodeName: 'end' }] },
        end: { type: 'EXIT' },
      },
    },
    child: {
      nodes: {
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'work' }] },
        work: { type: 'TASK', taskDefName: 'work', outgoingEdges: [{ sinkNodeName: 'end' }] },
        end: { type: 'EXIT' },
      },
    },
  },
};

const scheduled = (events: WfRunEvent[] | string) =>
  typeof events === 'string' ? [] : events.flatMap((e) => (e.type === 'TaskRunScheduled' ? [e.taskGuid] : []));

describe('RescueThreadRun', () => {
  it('runs the failed node again as a new NodeRun and completes the WfRun', () => {
    const run = new TestRun(spec, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('1-1', { status: 'SUCCESS', output: 'child' });
    run.report('0-2', { status: 'ERROR', message: 'down' });
    expect(run.state?.status).toBe('ERROR');
    const rescued = run.send({ type: 'RescueThreadRun' });
    expect(types(rescued).slice(0, 2)).toEqual(['ThreadRunRescued', 'NodeRunStarted']);
    expect(scheduled(rescued)).toEqual(['0-3']);
    expect(run.state?.status).toBe('RUNNING');
    run.report('0-3', { status: 'SUCCESS', output: 'second try' });
    expect(run.state?.status).toBe('COMPLETED');
    expect(run.state?.threadRuns[0]?.variables.out).toBe('second try');
  });

  it('with skipCurrentNode leaves the failed node by its edges, without their mutations', () => {
    const run = new TestRun(spec, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('1-1', { status: 'SUCCESS', output: 'child' });
    run.report('0-2', { status: 'ERROR', message: 'down' });
    run.send({ type: 'RescueThreadRun', skipCurrentNode: true });
    expect(run.state?.status).toBe('COMPLETED');
    expect(run.state?.threadRuns[0]?.variables.out).toBe('none');
  });

  it('refuses to skip a failed node that no edge can leave, and changes nothing', () => {
    const wait = spec.threadSpecs.entrypoint!.nodes.work!;
    const nowhere = { ...wait, outgoingEdges: [{ sinkNodeName: 'wait', condition: { comparator: 'EQUALS' as const, left: { type: 'VARIABLE' as const, variableName: 'out' }, right: { type: 'LITERAL' as const, value: 'done' } } }] };
    const entry = spec.threadSpecs.entrypoint!;
    const run = new TestRun({ ...spec, threadSpecs: { ...spec.threadSpecs, entrypoint: { ...entry, nodes: { ...entry.nodes, work: nowhere } } } }, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('0-2', { status: 'ERROR', message: 'down' });
    const before = run.state;
    // LittleHorse: the rescue fails (ThreadRunRescueFailedException) and the thread stays in ERROR.
    const refused = step(before, { type: 'RescueThreadRun', skipCurrentNode: true }, { now: 0, ids: { next: () => 'id' }, wfSpec: run.wfSpec, catalog });
    expect(refused).toEqual({ ok: false, rejection: { code: 'NOT_RESCUABLE', message: "ThreadRun 0 cannot skip node 'work': No outgoing edge of node 'work' matched." } });
    expect(run.send({ type: 'RescueThreadRun', skipCurrentNode: true })).toBe('NOT_RESCUABLE');
    expect(run.state).toBe(before);
    // Run again instead, it goes on.
    run.send({ type: 'RescueThreadRun' });
    expect(run.state?.status).toBe('RUNNING');
  });

  it('rescues a failed child and the parent that failed with CHILD_FAILURE waiting for it', () => {
    const run = new TestRun(spec, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('0-2', { status: 'SUCCESS', output: 'parent' });
    run.report('1-1', { status: 'ERROR', message: 'child down' });
    expect(run.state?.failure?.name).toBe('CHILD_FAILURE');
    const rescued = run.send({ type: 'RescueThreadRun', threadRunNumber: 1 });
    expect(scheduled(rescued)).toEqual(['1-2']);
    expect(run.state?.threadRuns.map((t) => t.status)).toEqual(['RUNNING', 'RUNNING']);
    run.report('1-2', { status: 'SUCCESS', output: 'child again' });
    expect(run.state?.status).toBe('COMPLETED');
  });

  it('refuses a thread that did not fail with an ERROR', () => {
    const run = new TestRun(spec, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    expect(run.send({ type: 'RescueThreadRun' })).toBe('NOT_RESCUABLE');
    run.report('0-2', { status: 'EXCEPTION', name: 'biz', message: 'no' });
    expect(run.send({ type: 'RescueThreadRun' })).toBe('NOT_RESCUABLE');
    expect(run.send({ type: 'RescueThreadRun', threadRunNumber: 9 })).toBe('UNKNOWN_THREAD_RUN');
  });
});

describe('rescuing a child whose failure its parent handled', () => {
  // Thread 0 waits for two children; a per-thread handler deals with a child's failure.
  const handled: VersionedWfSpec = {
    name: 'handled',
    majorVersion: 0,
    revision: 0,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: [{ name: 'a', type: 'INT' }, { name: 'b', type: 'INT' }],
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'spawnA' }] },
          spawnA: { type: 'START_THREAD', threadSpecName: 'child', outgoingEdges: [{ sinkNodeName: 'spawnB', variableMutations: [{ lhsName: 'a', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }] },
          spawnB: { type: 'START_THREAD', threadSpecName: 'child', outgoingEdges: [{ sinkNodeName: 'wait', variableMutations: [{ lhsName: 'b', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }] },
          wait: {
            type: 'WAIT_FOR_THREADS',
            threads: [{ type: 'VARIABLE', variableName: 'a' }, { type: 'VARIABLE', variableName: 'b' }],
            perThreadFailureHandlers: [{ handlerSpecName: 'cleanUp' }],
            outgoingEdges: [{ sinkNodeName: 'end' }],
          },
          end: { type: 'EXIT' },
        },
      },
      child: {
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'work' }] },
          work: { type: 'TASK', taskDefName: 'work', outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: { type: 'EXIT' },
        },
      },
      cleanUp: {
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: { type: 'EXIT' },
        },
      },
    },
  };

  it('is refused: the failure is settled, and the parent went on without it (LittleHorse)', () => {
    const run = new TestRun(handled, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('1-1', { status: 'ERROR', message: 'down' });
    expect(run.state?.threadRuns[1]?.status).toBe('ERROR');
    expect(run.state?.threadRuns[3]).toMatchObject({ kind: 'FAILURE_HANDLER', status: 'COMPLETED' });
    expect(run.send({ type: 'RescueThreadRun', threadRunNumber: 1 })).toBe('NOT_RESCUABLE');
    run.report('2-1', { status: 'SUCCESS', output: 'ok' });
    expect(run.state?.status).toBe('COMPLETED');
    expect(run.send({ type: 'RescueThreadRun', threadRunNumber: 1 })).toBe('NOT_RESCUABLE');
  });
});

describe('rescuing a thread whose failure halted grandchildren', () => {
  // Thread 0 starts `middle`, which starts `leaf` (a task) and waits for it; then thread 0's own task fails.
  const deep: VersionedWfSpec = {
    name: 'deep',
    majorVersion: 0,
    revision: 0,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'spawn' }] },
          spawn: { type: 'START_THREAD', threadSpecName: 'middle', outgoingEdges: [{ sinkNodeName: 'work' }] },
          work: { type: 'TASK', taskDefName: 'work', outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: { type: 'EXIT' },
        },
      },
      middle: {
        variableDefs: [{ name: 'leafNumber', type: 'INT' }],
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'spawn' }] },
          spawn: { type: 'START_THREAD', threadSpecName: 'leaf', outgoingEdges: [{ sinkNodeName: 'wait', variableMutations: [{ lhsName: 'leafNumber', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }] },
          wait: { type: 'WAIT_FOR_THREADS', threads: [{ type: 'VARIABLE', variableName: 'leafNumber' }], outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: { type: 'EXIT' },
        },
      },
      leaf: {
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'work' }] },
          work: { type: 'TASK', taskDefName: 'work', outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: { type: 'EXIT' },
        },
      },
    },
  };

  it('lets every descendant the failure halted run again, not only the children', () => {
    const run = new TestRun(deep, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('0-2', { status: 'ERROR', message: 'broke' });
    expect(run.state?.threadRuns.map((t) => [t.status, t.haltReasons ?? []])).toEqual([['ERROR', []], ['HALTED', ['PARENT_FAILED']], ['HALTED', ['PARENT_FAILED']]]);
    run.send({ type: 'RescueThreadRun' });
    run.report('2-1', { status: 'SUCCESS', output: 'leaf' });
    run.report('0-3', { status: 'SUCCESS', output: 'root' }, { attempt: 0 });
    expect(run.state?.threadRuns.map((t) => t.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(run.state?.status).toBe('COMPLETED');
  });
});
