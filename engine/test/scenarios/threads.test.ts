import { describe, expect, it } from 'vitest';
import { threadsWaitedFor, validateWfSpec } from '../../src/index.ts';
import { rebuildHistory } from '../../src/sim/rebuild-history.ts';
import { TestRun, types } from '../run.ts';
import type { Catalog, Node, ThreadSpec, VersionedWfSpec } from '../../src/index.ts';

const catalog: Catalog = { taskDefs: { work: { name: 'work', inputVars: [{ name: 'item', type: 'STR' }], returnType: 'STR' } } };
const v = (variableName: string) => ({ type: 'VARIABLE' as const, variableName });

/** Parent: spawn a and b (each runs `work` on its item, appending the result to the parent's `done` list), wait. */
function fanOut(parentTail: Record<string, Node> = { wait: { type: 'WAIT_FOR_THREADS', threads: [v('children')], outgoingEdges: [{ sinkNodeName: 'end' }] }, end: { type: 'EXIT' } }): VersionedWfSpec {
  const child: ThreadSpec = {
    variableDefs: [{ name: 'item', type: 'STR', required: true }],
    nodes: {
      start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'task' }] },
      task: {
        type: 'TASK',
        taskDefName: 'work',
        inputs: [v('item')],
        outgoingEdges: [{ sinkNodeName: 'end', variableMutations: [{ lhsName: 'done', operation: 'ADD', rhs: { type: 'NODE_OUTPUT' } }] }],
      },
      end: { type: 'EXIT' },
    },
  };
  const spawn = (item: string, next: string): Node => ({
    type: 'START_THREAD',
    threadSpecName: 'child',
    variables: { item: { type: 'LITERAL', value: item } },
    outgoingEdges: [{ sinkNodeName: next, variableMutations: [{ lhsName: 'children', operation: 'ADD', rhs: { type: 'NODE_OUTPUT' } }] }],
  });
  return {
    name: 'fan-out',
    majorVersion: 0,
    revision: 0,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: [
          { name: 'children', type: 'JSON_ARR', defaultValue: [] },
          { name: 'done', type: 'JSON_ARR', defaultValue: [] },
        ],
        nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'spawn-a' }] }, 'spawn-a': spawn('a', 'spawn-b'), 'spawn-b': spawn('b', Object.keys(parentTail)[0] ?? 'end'), ...parentTail },
      },
      child,
    },
  };
}

const threadsOf = (run: TestRun) => run.state?.threadRuns.map((t) => [t.number, t.status]);

describe('START_THREAD and WAIT_FOR_THREADS', () => {
  it('runs children beside the parent, lets them write its variables, and goes on when all complete', () => {
    const run = new TestRun(fanOut(), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    expect(threadsOf(run)).toEqual([[0, 'RUNNING'], [1, 'RUNNING'], [2, 'RUNNING']]);
    expect(run.state?.threadRuns[0]?.variables.children).toEqual([1, 2]);
    expect(run.state?.threadRuns[0]?.currentNodeRun?.nodeName).toBe('wait');
    expect(run.state?.threadRuns[1]?.currentNodeRun?.taskRun?.input).toEqual([{ name: 'item', value: 'a' }]);

    run.report('2-1', { status: 'SUCCESS', output: 'B' });
    expect(threadsOf(run)).toEqual([[0, 'RUNNING'], [1, 'RUNNING'], [2, 'COMPLETED']]);
    run.report('1-1', { status: 'SUCCESS', output: 'A' });
    expect(run.state?.status).toBe('COMPLETED');
    expect(run.state?.threadRuns[0]?.variables.done).toEqual(['B', 'A']);
  });

  it('finds the commands of a log written before NodeRunCompleted said which ThreadRuns it waited for', () => {
    const run = new TestRun(fanOut(), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('2-1', { status: 'SUCCESS', output: 'B' });
    run.report('1-1', { status: 'SUCCESS', output: 'A' });
    const completed = run.events.find((e) => e.type === 'NodeRunCompleted' && e.waitedForThreads !== undefined);
    expect(completed).toMatchObject({ waitedForThreads: [1, 2] });
    // As an older engine wrote it: a fork still replays the reports rather than copying their events.
    const older = run.events.map((e) => (e.type === 'NodeRunCompleted' ? { ...e, waitedForThreads: undefined } : e));
    expect(rebuildHistory(older, run.wfSpec, run.catalog).map((s) => s.command.type)).toEqual(['RunWf', 'ReportTaskAttempt', 'ReportTaskAttempt']);
  });

  it('fails with CHILD_FAILURE when a child fails with an ERROR, and halts the children still running', () => {
    const run = new TestRun(fanOut(), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('1-1', { status: 'ERROR', message: 'broke' });
    expect(run.state?.status).toBe('ERROR');
    expect(run.state?.failure).toEqual({ name: 'CHILD_FAILURE', message: 'Child thread 1 failed with TASK_FAILURE: broke' });
    expect(threadsOf(run)).toEqual([[0, 'ERROR'], [1, 'ERROR'], [2, 'HALTED']]);
  });

  it('passes a child EXCEPTION through unchanged', () => {
    const run = new TestRun(fanOut(), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('2-1', { status: 'EXCEPTION', name: 'bad-item', message: 'b is bad', content: 'b' });
    expect(run.state?.status).toBe('EXCEPTION');
    expect(run.state?.failure).toEqual({ name: 'bad-item', message: 'b is bad', content: 'b' });
  });

  it('says which ThreadRuns the WAIT_FOR_THREADS node waits for, as it evaluates them, and nothing for a list that is not one', () => {
    const spec = fanOut();
    const wait = spec.threadSpecs.entrypoint?.nodes.wait as Extract<Node, { type: 'WAIT_FOR_THREADS' }>;
    const run = new TestRun(spec, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    const state = run.state!;
    expect(threadsWaitedFor(state, spec, 0, wait)).toEqual([1, 2]);
    expect(threadsWaitedFor(state, spec, 0, { ...wait, threads: [v('children'), { type: 'LITERAL', value: 7 }] })).toEqual([1, 2, 7]);
    expect(threadsWaitedFor(state, spec, 0, { ...wait, threads: [v('done')] })).toEqual([]);
    expect(threadsWaitedFor(state, spec, 0, { ...wait, threads: [{ type: 'LITERAL', value: 'one' }] })).toBeUndefined();
    expect(threadsWaitedFor(state, spec, 9, wait)).toBeUndefined();
  });

  it('makes EXIT wait for children nobody waited for', () => {
    const run = new TestRun(fanOut({ end: { type: 'EXIT' } }), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    expect(run.state?.threadRuns[0]?.currentNodeRun).toMatchObject({ nodeName: 'end', status: 'RUNNING' });
    run.report('1-1', { status: 'SUCCESS', output: 'A' });
    expect(run.state?.status).toBe('RUNNING');
    run.report('2-1', { status: 'SUCCESS', output: 'B' });
    expect(run.state?.status).toBe('COMPLETED');
  });

  it('fails the EXIT with CHILD_FAILURE when a child nobody waited for failed', () => {
    const run = new TestRun(fanOut({ end: { type: 'EXIT' } }), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('1-1', { status: 'SUCCESS', output: 'A' });
    run.report('2-1', { status: 'ERROR', message: 'no' });
    expect(run.state?.failure).toEqual({ name: 'CHILD_FAILURE', message: 'Child thread 2 failed with TASK_FAILURE: no' });
  });
});

describe('EXIT and children (LittleHorse)', () => {
  it('throws its failureDef at once, without waiting for children, and the failure halts them', () => {
    const run = new TestRun(fanOut({ end: { type: 'EXIT', failureDef: { failureName: 'out-of-stock', message: 'none left' } } }), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    expect(run.state?.status).toBe('EXCEPTION');
    expect(run.state?.failure).toMatchObject({ name: 'out-of-stock', message: 'none left' });
    expect(threadsOf(run)).toEqual([[0, 'EXCEPTION'], [1, 'HALTED'], [2, 'HALTED']]);
  });

  it('takes a child stopped by hand as settled, as it takes one halted for good', () => {
    const run = new TestRun(fanOut({ end: { type: 'EXIT' } }), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.send({ type: 'StopWfRun', threadRunNumber: 1 });
    run.report('1-1', { status: 'SUCCESS', output: 'A' });
    expect(run.state?.threadRuns[1]).toMatchObject({ status: 'HALTED', haltReasons: ['MANUAL'] });
    expect(run.state?.status).toBe('RUNNING');
    run.report('2-1', { status: 'SUCCESS', output: 'B' });
    expect(run.state?.status).toBe('COMPLETED');
  });
});

describe('WAIT_FOR_THREADS strategies', () => {
  const withStrategy = (strategy: 'WAIT_FOR_FIRST' | 'WAIT_FOR_ANY') =>
    fanOut({ wait: { type: 'WAIT_FOR_THREADS', strategy, threads: [v('children')], outgoingEdges: [{ sinkNodeName: 'end' }] }, end: { type: 'EXIT' } });

  it('WAIT_FOR_FIRST goes on with the first child to end and halts the other for good', () => {
    const run = new TestRun(withStrategy('WAIT_FOR_FIRST'), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('2-1', { status: 'SUCCESS', output: 'B' });
    // The loser's TaskRun still runs: it halts once that ends, and the EXIT waits for it (LittleHorse).
    expect(threadsOf(run)).toEqual([[0, 'RUNNING'], [1, 'HALTING'], [2, 'COMPLETED']]);
    run.report('1-1', { status: 'SUCCESS', output: 'A' });
    expect(run.state?.status).toBe('COMPLETED');
    expect(threadsOf(run)).toEqual([[0, 'COMPLETED'], [1, 'HALTED'], [2, 'COMPLETED']]);
    // A halted thread does not leave its node: the loser's edge mutation never ran.
    expect(run.state?.threadRuns[0]?.variables.done).toEqual(['B']);
  });

  it("halts the loser's own children too, so none runs on after the WfRun completes", () => {
    const base = withStrategy('WAIT_FOR_FIRST');
    const child = base.threadSpecs.child;
    if (!child) throw new Error('no child thread');
    // Each child first starts a grandchild that runs `work` twice.
    const grandchild: ThreadSpec = {
      nodes: {
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'first' }] },
        first: { type: 'TASK', taskDefName: 'work', inputs: [{ type: 'LITERAL', value: 'g' }], outgoingEdges: [{ sinkNodeName: 'second' }] },
        second: { type: 'TASK', taskDefName: 'work', inputs: [{ type: 'LITERAL', value: 'g' }], outgoingEdges: [{ sinkNodeName: 'end' }] },
        end: { type: 'EXIT' },
      },
    };
    const spawning: ThreadSpec = {
      ...child,
      nodes: { ...child.nodes, start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'spawn' }] }, spawn: { type: 'START_THREAD', threadSpecName: 'grandchild', outgoingEdges: [{ sinkNodeName: 'task' }] } },
    };
    const wfSpec: VersionedWfSpec = { ...base, threadSpecs: { ...base.threadSpecs, child: spawning, grandchild } };
    const run = new TestRun(wfSpec, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    expect(run.state?.threadRuns.map((t) => [t.number, t.parentThreadRunNumber])).toEqual([[0, undefined], [1, 0], [2, 0], [3, 1], [4, 2]]);
    // Thread 1 wins once its grandchild (3) and its own task are done; thread 2 loses, with grandchild 4 mid-task.
    run.report('3-1', { status: 'SUCCESS', output: 'g' });
    run.report('3-2', { status: 'SUCCESS', output: 'g' });
    run.report('1-2', { status: 'SUCCESS', output: 'A' });
    expect(run.state?.threadRuns[4]).toMatchObject({ status: 'HALTING', haltReasons: ['PARENT_HALTED'] });
    run.report('4-1', { status: 'SUCCESS', output: 'g' });
    expect(run.state?.threadRuns[4]?.status).toBe('HALTED');
    expect(run.events.some((e) => e.type === 'TaskRunScheduled' && e.taskGuid === '4-2')).toBe(false);
    expect(run.state?.status).toBe('RUNNING');
    run.report('2-2', { status: 'SUCCESS', output: 'B' });
    expect(run.state?.status).toBe('COMPLETED');
    expect(threadsOf(run)).toEqual([[0, 'COMPLETED'], [1, 'COMPLETED'], [2, 'HALTED'], [3, 'COMPLETED'], [4, 'HALTED']]);
  });

  it('WAIT_FOR_FIRST fails with the first child when that child failed', () => {
    const run = new TestRun(withStrategy('WAIT_FOR_FIRST'), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('1-1', { status: 'EXCEPTION', name: 'bad-a', message: 'a' });
    expect(run.state?.failure?.name).toBe('bad-a');
  });

  it('WAIT_FOR_ANY ignores failures while a child may still complete, and fails only when all failed', () => {
    const some = new TestRun(withStrategy('WAIT_FOR_ANY'), catalog);
    some.send({ type: 'RunWf', wfRunId: 'r' });
    some.report('1-1', { status: 'ERROR', message: 'a broke' });
    expect(some.state?.status).toBe('RUNNING');
    some.report('2-1', { status: 'SUCCESS', output: 'B' });
    expect(some.state?.status).toBe('COMPLETED');

    const none = new TestRun(withStrategy('WAIT_FOR_ANY'), catalog);
    none.send({ type: 'RunWf', wfRunId: 'r' });
    none.report('1-1', { status: 'ERROR', message: 'a broke' });
    none.report('2-1', { status: 'ERROR', message: 'b broke' });
    expect(none.state?.failure).toEqual({ name: 'CHILD_FAILURE', message: 'All child threads failed.' });
  });
});

describe('EXIT after WAIT_FOR_FIRST', () => {
  it("waits for a losing child's own children to halt, not only for the child", () => {
    const task: Node = { type: 'TASK', taskDefName: 'work', inputs: [{ type: 'LITERAL', value: 'x' }], outgoingEdges: [{ sinkNodeName: 'end' }] };
    const wfSpec: VersionedWfSpec = {
      name: 'first-wins',
      majorVersion: 0,
      revision: 0,
      entrypointThreadName: 'entrypoint',
      threadSpecs: {
        entrypoint: {
          variableDefs: [{ name: 'waiter', type: 'INT' }, { name: 'worker', type: 'INT' }],
          nodes: {
            start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'spawn-waiter' }] },
            'spawn-waiter': { type: 'START_THREAD', threadSpecName: 'waiter', outgoingEdges: [{ sinkNodeName: 'spawn-worker', variableMutations: [{ lhsName: 'waiter', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }] },
            'spawn-worker': { type: 'START_THREAD', threadSpecName: 'worker', outgoingEdges: [{ sinkNodeName: 'wait', variableMutations: [{ lhsName: 'worker', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }] },
            wait: { type: 'WAIT_FOR_THREADS', strategy: 'WAIT_FOR_FIRST', threads: [v('waiter'), v('worker')], outgoingEdges: [{ sinkNodeName: 'end' }] },
            end: { type: 'EXIT' },
          },
        },
        // Waits on a grandchild that runs a task: halted, it stops at once while the grandchild is still HALTING.
        waiter: {
          variableDefs: [{ name: 'leaf', type: 'INT' }],
          nodes: {
            start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'spawn' }] },
            spawn: { type: 'START_THREAD', threadSpecName: 'leaf', outgoingEdges: [{ sinkNodeName: 'wait', variableMutations: [{ lhsName: 'leaf', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }] },
            wait: { type: 'WAIT_FOR_THREADS', threads: [v('leaf')], outgoingEdges: [{ sinkNodeName: 'end' }] },
            end: { type: 'EXIT' },
          },
        },
        leaf: { nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'task' }] }, task, end: { type: 'EXIT' } } },
        worker: { nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'task' }] }, task, end: { type: 'EXIT' } } },
      },
    };
    const run = new TestRun(wfSpec, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    const numberOf = (spec: string) => run.state?.threadRuns.find((t) => t.threadSpecName === spec)?.number ?? -1;
    const guidOf = (spec: string) => run.state?.threadRuns[numberOf(spec)]?.currentNodeRun?.taskRun?.taskGuid ?? '';
    const leafGuid = guidOf('leaf');
    run.report(guidOf('worker'), { status: 'SUCCESS', output: 'done' });
    expect(run.state?.threadRuns[numberOf('waiter')]?.status).toBe('HALTED');
    expect(run.state?.threadRuns[numberOf('leaf')]?.status).toBe('HALTING');
    expect(run.state?.status).toBe('RUNNING');
    run.report(leafGuid, { status: 'SUCCESS', output: 'late' });
    expect(run.state?.threadRuns[numberOf('leaf')]?.status).toBe('HALTED');
    expect(run.state?.status).toBe('COMPLETED');
  });
});

describe('a failure handler on WAIT_FOR_THREADS', () => {
  it('deals with the failed children, so the EXIT after it completes', () => {
    const base = fanOut();
    const wf: VersionedWfSpec = {
      ...base,
      threadSpecs: {
        ...base.threadSpecs,
        entrypoint: {
          ...base.threadSpecs.entrypoint!,
          nodes: {
            ...base.threadSpecs.entrypoint!.nodes,
            wait: { type: 'WAIT_FOR_THREADS', threads: [v('children')], failureHandlers: [{ handlerSpecName: 'cleanup' }], outgoingEdges: [{ sinkNodeName: 'end' }] },
          },
        },
        cleanup: { nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'end' }] }, end: { type: 'EXIT' } } },
      },
    };
    const run = new TestRun(wf, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('1-1', { status: 'SUCCESS', output: 'A' });
    run.report('2-1', { status: 'ERROR', message: 'broke' });
    expect(run.state?.status).toBe('COMPLETED');
    expect(run.state?.threadRuns[0]?.handledFailedChildren).toEqual([2]);
  });

  it('deals only with the children it waited for: a failed child it did not wait for fails the EXIT', () => {
    const base = fanOut();
    const entry = base.threadSpecs.entrypoint!;
    // It waits for b alone (the second child); a fails too.
    const wf: VersionedWfSpec = {
      ...base,
      threadSpecs: {
        ...base.threadSpecs,
        entrypoint: {
          ...entry,
          variableDefs: [...(entry.variableDefs ?? []), { name: 'b', type: 'INT', defaultValue: 2 }],
          nodes: { ...entry.nodes, wait: { type: 'WAIT_FOR_THREADS', threads: [v('b')], failureHandlers: [{ handlerSpecName: 'cleanup' }], outgoingEdges: [{ sinkNodeName: 'end' }] } },
        },
        cleanup: { nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'end' }] }, end: { type: 'EXIT' } } },
      },
    };
    const run = new TestRun(wf, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('1-1', { status: 'ERROR', message: 'a broke' });
    run.report('2-1', { status: 'ERROR', message: 'b broke' });
    // LittleHorse (HandlingFailureHaltReasonModel.isResolved, ExitRunModel): the handler settles b only.
    expect(run.state?.threadRuns[0]?.handledFailedChildren).toEqual([2]);
    expect(run.state?.status).toBe('ERROR');
    expect(run.state?.failure?.name).toBe('CHILD_FAILURE');
  });
});

describe('validateWfSpec on threads', () => {
  it('accepts the fan-out', () => {
    expect(validateWfSpec(fanOut(), catalog)).toEqual([]);
  });

  it('names a thread nothing starts, a START_THREAD to a missing thread and a missing required input', () => {
    const wf = fanOut();
    const broken = {
      ...wf,
      threadSpecs: {
        ...wf.threadSpecs,
        orphan: { nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'end' }] }, end: { type: 'EXIT' } } },
        entrypoint: {
          ...wf.threadSpecs.entrypoint!,
          nodes: {
            ...wf.threadSpecs.entrypoint!.nodes,
            'spawn-a': { type: 'START_THREAD', threadSpecName: 'nowhere', outgoingEdges: [{ sinkNodeName: 'spawn-b' }] },
            'spawn-b': { type: 'START_THREAD', threadSpecName: 'child', outgoingEdges: [{ sinkNodeName: 'wait' }] },
          },
        },
      },
    } as VersionedWfSpec;
    expect(validateWfSpec(broken, catalog).map((p) => [p.code, p.path.join('.')])).toEqual([
      ['MISSING_THREAD', 'threadSpecs.entrypoint.nodes.spawn-a.threadSpecName'],
      ['MISSING_REQUIRED_VARIABLE', 'threadSpecs.entrypoint.nodes.spawn-b.variables'],
      ['THREAD_NEVER_STARTED', 'threadSpecs.orphan'],
    ]);
  });
});

describe('WAIT_FOR_THREADS per-thread failure handlers', () => {
  /** fanOut whose wait catches `catches` in each failed child with the `fix` thread, which runs work on the child's item. */
  function withHandler(catches: string, fixFails = false): VersionedWfSpec {
    const spec = fanOut({
      wait: {
        type: 'WAIT_FOR_THREADS',
        threads: [v('children')],
        perThreadFailureHandlers: [{ handlerSpecName: 'fix', specificFailure: catches }],
        outgoingEdges: [{ sinkNodeName: 'end' }],
      },
      end: { type: 'EXIT' },
    });
    const fix: ThreadSpec = {
      variableDefs: [{ name: 'INPUT', type: 'STR' }],
      nodes: {
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'task' }] },
        // `item` belongs to the failed child: the handler runs as its child and sees its variables.
        task: { type: 'TASK', taskDefName: 'work', inputs: [v('item')], outgoingEdges: [{ sinkNodeName: 'end', variableMutations: [{ lhsName: 'done', operation: 'ADD', rhs: v('INPUT') }] }] },
        end: fixFails ? { type: 'EXIT', failureDef: { failureName: 'unfixable', message: 'gave up' } } : { type: 'EXIT' },
      },
    };
    return { ...spec, threadSpecs: { ...spec.threadSpecs, fix } };
  }
  const badItem = { status: 'EXCEPTION' as const, name: 'bad-item', message: 'no good', content: 'a was bad' };

  it("runs the handler as the failed child's child and counts the child as done when it completes", () => {
    const run = new TestRun(withHandler('bad-item'), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('1-1', badItem);
    expect(run.state?.threadRuns[3]).toMatchObject({ kind: 'FAILURE_HANDLER', parentThreadRunNumber: 1, status: 'RUNNING', variables: { INPUT: 'a was bad' } });
    expect(run.state?.threadRuns[3]?.currentNodeRun?.taskRun?.input).toEqual([{ name: 'item', value: 'a' }]);
    expect(run.state?.threadRuns[0]?.currentNodeRun?.childFailureHandlers).toEqual([{ childThreadRunNumber: 1, handlerThreadRunNumber: 3 }]);
    run.report('2-1', { status: 'SUCCESS', output: 'B' });
    expect(run.state?.threadRuns[0]?.currentNodeRun?.nodeName).toBe('wait');
    run.report('3-1', { status: 'SUCCESS', output: 'fixed' });
    // The EXIT after the wait does not fail for the handled child.
    expect(run.state?.status).toBe('COMPLETED');
    expect(run.state?.threadRuns[0]?.variables.done).toEqual(['B', 'a was bad']);
    expect(run.state?.threadRuns[0]?.handledFailedChildren).toEqual([1]);
  });

  it("fails the node with the handler's own failure when the handler fails", () => {
    const run = new TestRun(withHandler('bad-item', true), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('1-1', badItem);
    run.report('3-1', { status: 'SUCCESS', output: 'tried' });
    expect(run.state).toMatchObject({ status: 'EXCEPTION', failure: { name: 'unfixable' } });
  });

  it('leaves a failure no handler catches to fail the node as before', () => {
    const run = new TestRun(withHandler('other'), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('1-1', { status: 'ERROR', message: 'broke' });
    expect(run.state?.threadRuns).toHaveLength(3);
    expect(run.state).toMatchObject({ status: 'ERROR', failure: { name: 'CHILD_FAILURE' } });
  });

  it('halts a running handler when the WfRun is stopped, and lets it finish after the resume', () => {
    const run = new TestRun(withHandler('bad-item'), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('1-1', badItem);
    run.send({ type: 'StopWfRun' });
    expect(run.state?.threadRuns[3]).toMatchObject({ status: 'HALTING', haltReasons: ['PARENT_HALTED'] });
    run.report('3-1', { status: 'SUCCESS', output: 'fixed' });
    expect(run.state?.threadRuns[3]?.status).toBe('HALTED');
    run.report('2-1', { status: 'SUCCESS', output: 'B' });
    run.send({ type: 'ResumeWfRun' });
    expect(run.state?.status).toBe('COMPLETED');
  });

  it('is checked by validateWfSpec like any failure handler', () => {
    const spec = withHandler('bad-item');
    const wait = spec.threadSpecs.entrypoint?.nodes.wait;
    const broken = { ...spec, threadSpecs: { ...spec.threadSpecs, entrypoint: { ...spec.threadSpecs.entrypoint!, nodes: { ...spec.threadSpecs.entrypoint!.nodes, wait: { ...wait!, perThreadFailureHandlers: [{ handlerSpecName: 'nope' }] } } } } } as VersionedWfSpec;
    expect(validateWfSpec(spec, catalog)).toEqual([]);
    expect(validateWfSpec(broken, catalog)).toContainEqual(expect.objectContaining({ code: 'MISSING_THREAD', path: ['threadSpecs', 'entrypoint', 'nodes', 'wait', 'perThreadFailureHandlers', 0, 'handlerSpecName'] }));
  });
});

describe('a TaskRun left running when its WfRun ends', () => {
  // The entrypoint starts `side` (two tasks in a row), then runs a task of its own that fails the WfRun.
  const wf: VersionedWfSpec = {
    name: 'left-running',
    majorVersion: 0,
    revision: 0,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'spawn' }] },
          spawn: { type: 'START_THREAD', threadSpecName: 'side', outgoingEdges: [{ sinkNodeName: 'own' }] },
          own: { type: 'TASK', taskDefName: 'work', inputs: [{ type: 'LITERAL', value: 'x' }], outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: { type: 'EXIT' },
        },
      },
      side: {
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'first' }] },
          first: { type: 'TASK', taskDefName: 'work', inputs: [{ type: 'LITERAL', value: 'a' }], retries: 2, outgoingEdges: [{ sinkNodeName: 'second' }] },
          second: { type: 'TASK', taskDefName: 'work', inputs: [{ type: 'LITERAL', value: 'b' }], outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: { type: 'EXIT' },
        },
      },
    },
  };

  function failed(): TestRun {
    const run = new TestRun(wf, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('0-2', { status: 'ERROR', message: 'boom' });
    expect(run.state?.status).toBe('ERROR');
    expect(run.state?.threadRuns[1]?.currentNodeRun?.taskRun?.status).toBe('TASK_SCHEDULED');
    return run;
  }

  it("records the attempt's result, as LittleHorse's TaskRun keeps it, and moves the halted thread no further", () => {
    const run = failed();
    expect(types(run.report('1-1', { status: 'SUCCESS', output: 'late' }))).toEqual(['TaskAttemptSucceeded', 'NodeRunCompleted']);
    expect(run.state?.threadRuns[1]).toMatchObject({ status: 'HALTED', currentNodeRun: { nodeName: 'first', status: 'COMPLETED', taskRun: { status: 'TASK_SUCCESS' } } });
    expect(run.state?.status).toBe('ERROR');
    // Recorded once: the same report again is stale.
    expect(run.report('1-1', { status: 'SUCCESS', output: 'late' })).toBe('STALE_TASK_ATTEMPT');
  });

  it('records a failure or a timeout without retrying it', () => {
    const run = failed();
    expect(types(run.report('1-1', { status: 'TIMEOUT' }))).toEqual(['TaskAttemptFailed', 'NodeRunFailed']);
    expect(run.state?.threadRuns[1]?.currentNodeRun).toMatchObject({ status: 'ERROR', taskRun: { status: 'TASK_TIMEOUT' } });
    expect(run.report('1-1', { status: 'SUCCESS', output: 'x' }, { attempt: 1 })).toBe('STALE_TASK_ATTEMPT');
  });

  it('goes on from the recorded result when a rescue resumes the halted thread', () => {
    const run = failed();
    run.report('1-1', { status: 'SUCCESS', output: 'late' });
    run.send({ type: 'RescueThreadRun', threadRunNumber: 0, skipCurrentNode: false });
    expect(run.state?.status).toBe('RUNNING');
    // The side thread moved past its recorded task to the next one.
    expect(run.state?.threadRuns[1]?.currentNodeRun).toMatchObject({ nodeName: 'second', status: 'RUNNING' });
    // The rescue runs the failed node again as a new NodeRun.
    expect(types(run.report('0-3', { status: 'SUCCESS', output: 'ok' }))).toContain('NodeRunCompleted');
    expect(types(run.report('1-2', { status: 'SUCCESS', output: 'b' }))).toContain('NodeRunCompleted');
    expect(run.state?.status).toBe('COMPLETED');
  });
});
