import { describe, expect, it } from 'vitest';
import type { Catalog, Node, VersionedWfSpec, WfRunEvent } from '../../src/index.ts';
import { TestRun, types } from '../run.ts';

const catalog: Catalog = { taskDefs: { work: { name: 'work', inputVars: [], returnType: 'STR' } } };

/** work -> (sleep 10 s) -> work -> EXIT, with a child thread that also runs work. */
const spec: VersionedWfSpec = {
  name: 'stoppable',
  majorVersion: 0,
  revision: 0,
  entrypointThreadName: 'entrypoint',
  threadSpecs: {
    entrypoint: {
      nodes: {
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'spawn' }] },
        spawn: { type: 'START_THREAD', threadSpecName: 'child', outgoingEdges: [{ sinkNodeName: 'first' }] },
        first: { type: 'TASK', taskDefName: 'work', outgoingEdges: [{ sinkNodeName: 'nap' }] },
        nap: { type: 'SLEEP', rawSeconds: { type: 'LITERAL', value: 10 }, outgoingEdges: [{ sinkNodeName: 'second' }] },
        second: { type: 'TASK', taskDefName: 'work', outgoingEdges: [{ sinkNodeName: 'end' }] },
        end: { type: 'EXIT' },
      } satisfies Record<string, Node>,
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

const statuses = (run: TestRun) => [run.state?.status, ...(run.state?.threadRuns.map((t) => t.status) ?? [])];

describe('StopWfRun and ResumeWfRun', () => {
  it('keeps the WfRun HALTING while its TaskRuns run, HALTED once they end, and goes on when resumed', () => {
    const run = new TestRun(spec, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    expect(types(run.send({ type: 'StopWfRun' }))).toEqual(['ThreadRunHalting', 'ThreadRunHalting']);
    expect(statuses(run)).toEqual(['HALTING', 'HALTING', 'HALTING']);

    // The reports still count; the threads halt instead of moving on.
    run.report('0-2', { status: 'SUCCESS', output: 'one' });
    expect(statuses(run)).toEqual(['HALTED', 'HALTED', 'HALTING']);
    expect(run.state?.threadRuns[0]?.currentNodeRun).toMatchObject({ nodeName: 'first', status: 'COMPLETED' });
    run.report('1-1', { status: 'SUCCESS', output: 'child' });
    expect(statuses(run)).toEqual(['HALTED', 'HALTED', 'HALTED']);

    const resumed = run.send({ type: 'ResumeWfRun' }, 5_000) as WfRunEvent[];
    expect(resumed.filter((e) => e.type === 'ThreadRunResumed').map((e) => (e as { threadRunNumber: number }).threadRunNumber)).toEqual([0, 1]);
    expect(run.state?.status).toBe('RUNNING');
    expect(run.state?.threadRuns[1]?.status).toBe('COMPLETED');
    expect(run.state?.threadRuns[0]?.currentNodeRun?.nodeName).toBe('nap');
  });

  it('lets a sleep that ends while stopped complete, and goes on only when resumed', () => {
    const run = new TestRun(spec, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('1-1', { status: 'SUCCESS', output: 'child' });
    const timer = (run.report('0-2', { status: 'SUCCESS', output: 'one' }) as WfRunEvent[]).find((e) => e.type === 'TimerSet');
    run.send({ type: 'StopWfRun' });
    expect(run.state?.status).toBe('HALTED');
    if (timer?.type !== 'TimerSet') throw new Error('no timer');
    run.send({ type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose }, 20_000);
    expect(run.state?.threadRuns[0]?.currentNodeRun).toMatchObject({ nodeName: 'nap', status: 'COMPLETED' });
    expect(run.state?.status).toBe('HALTED');
    run.send({ type: 'ResumeWfRun' }, 21_000);
    expect(run.state?.threadRuns[0]?.currentNodeRun?.nodeName).toBe('second');
  });

  it('stops one child thread alone, and resumes it', () => {
    const run = new TestRun(spec, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.send({ type: 'StopWfRun', threadRunNumber: 1 });
    expect(statuses(run)).toEqual(['RUNNING', 'RUNNING', 'HALTING']);
    run.send({ type: 'ResumeWfRun', threadRunNumber: 1 });
    expect(statuses(run)).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
  });

  it('changes nothing when stopped twice, resumed while running or after the end, and refuses unknown threads', () => {
    const run = new TestRun(spec, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    expect(run.send({ type: 'ResumeWfRun' })).toEqual([]);
    run.send({ type: 'StopWfRun' });
    expect(run.send({ type: 'StopWfRun' })).toEqual([]);
    expect(run.send({ type: 'StopWfRun', threadRunNumber: 7 })).toBe('UNKNOWN_THREAD_RUN');
    // A failure while stopped waits for the resume to be dealt with.
    run.report('0-2', { status: 'ERROR', message: 'x' });
    expect(run.state?.status).toBe('HALTED');
    run.send({ type: 'ResumeWfRun' });
    expect(run.state?.status).toBe('ERROR');
    // As in LittleHorse: stopping or resuming what has ended is no error and changes nothing.
    expect(run.send({ type: 'ResumeWfRun' })).toEqual([]);
    expect(run.send({ type: 'StopWfRun' })).toEqual([]);
    expect(run.send({ type: 'StopWfRun', threadRunNumber: 7 })).toBe('UNKNOWN_THREAD_RUN');
  });
});
