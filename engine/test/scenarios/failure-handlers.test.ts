import { describe, expect, it } from 'vitest';
import { validateWfSpec } from '../../src/index.ts';
import { TestRun, types } from '../run.ts';
import type { Catalog, FailureHandlerDef, VersionedWfSpec } from '../../src/index.ts';

const catalog: Catalog = {
  taskDefs: {
    charge: { name: 'charge', inputVars: [], returnType: 'STR' },
    refund: { name: 'refund', inputVars: [], returnType: 'STR' },
  },
};

/** charge (with `handlers`) -> EXIT; the handler thread runs refund and notes the failure's content in `reason`. */
function spec(handlers: FailureHandlerDef[], handlerFails = false): VersionedWfSpec {
  return {
    name: 'handled',
    majorVersion: 0,
    revision: 0,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: [
          { name: 'receipt', type: 'STR', defaultValue: 'none' },
          { name: 'reason', type: 'STR' },
        ],
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'charge' }] },
          charge: {
            type: 'TASK',
            taskDefName: 'charge',
            failureHandlers: handlers,
            // Skipped when the node failed and its handler completed (LittleHorse).
            outgoingEdges: [{ sinkNodeName: 'end', variableMutations: [{ lhsName: 'receipt', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
          },
          end: { type: 'EXIT' },
        },
      },
      'on-failure': {
        variableDefs: [{ name: 'INPUT', type: 'STR' }],
        nodes: {
          start: {
            type: 'ENTRYPOINT',
            outgoingEdges: [{ sinkNodeName: 'refund', variableMutations: [{ lhsName: 'reason', operation: 'ASSIGN', rhs: { type: 'VARIABLE', variableName: 'INPUT' } }] }],
          },
          refund: { type: 'TASK', taskDefName: 'refund', outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: handlerFails ? { type: 'EXIT', failureDef: { failureName: 'refund-failed', message: 'could not refund' } } : { type: 'EXIT' },
        },
      },
    },
  };
}

function start(wfSpec: VersionedWfSpec): TestRun {
  const run = new TestRun(wfSpec, catalog);
  run.send({ type: 'RunWf', wfRunId: 'r' });
  return run;
}

const declined = { status: 'EXCEPTION' as const, name: 'card-declined', message: 'declined', content: 'insufficient funds' };

describe('failure handlers', () => {
  it('halts the thread, runs the handler as its child, then leaves the failed node without its mutations', () => {
    const run = start(spec([{ handlerSpecName: 'on-failure', specificFailure: 'card-declined' }]));
    run.report('0-1', declined);
    expect(run.state?.threadRuns.map((t) => [t.number, t.kind, t.status, t.parentThreadRunNumber])).toEqual([
      [0, 'ENTRYPOINT', 'HALTED', undefined],
      [1, 'FAILURE_HANDLER', 'RUNNING', 0],
    ]);
    expect(run.state?.threadRuns[0]?.variables.reason).toBe('insufficient funds');
    expect(run.state?.status).toBe('RUNNING');
    run.report('1-1', { status: 'SUCCESS', output: 'refunded' });
    expect(run.state?.status).toBe('COMPLETED');
    expect(run.state?.threadRuns[0]?.variables.receipt).toBe('none');
  });

  it("gives INPUT its default when the failure has no content, as LittleHorse starts every thread", () => {
    const wf = spec([{ handlerSpecName: 'on-failure' }]);
    const handler = wf.threadSpecs['on-failure']!;
    const withDefault = { ...wf, threadSpecs: { ...wf.threadSpecs, 'on-failure': { ...handler, variableDefs: [{ name: 'INPUT', type: 'STR' as const, defaultValue: 'no details' }] } } };
    const run = start(withDefault);
    run.report('0-1', { status: 'EXCEPTION', name: 'card-declined', message: 'declined' });
    expect(run.state?.threadRuns[1]?.variables.INPUT).toBe('no details');
    expect(run.state?.threadRuns[0]?.variables.reason).toBe('no details');
    // Content that is there is INPUT's value.
    const given = start(withDefault);
    given.report('0-1', declined);
    expect(given.state?.threadRuns[1]?.variables.INPUT).toBe('insufficient funds');
  });

  it('matches by kind: FAILURE_TYPE_ERROR catches errors only', () => {
    const errorsOnly = spec([{ handlerSpecName: 'on-failure', anyFailureOfType: 'FAILURE_TYPE_ERROR' }]);
    const caught = start(errorsOnly);
    caught.report('0-1', { status: 'ERROR', message: 'gateway down' });
    expect(caught.state?.threadRuns[1]?.kind).toBe('FAILURE_HANDLER');
    const missed = start(errorsOnly);
    missed.report('0-1', declined);
    expect(missed.state?.status).toBe('EXCEPTION');
  });

  it('catches TIMEOUT and TASK_FAILURE with the TASK_ERROR alias', () => {
    const run = start(spec([{ handlerSpecName: 'on-failure', specificFailure: 'TASK_ERROR' }]));
    run.report('0-1', { status: 'TIMEOUT' });
    expect(run.state?.threadRuns[1]?.kind).toBe('FAILURE_HANDLER');
  });

  it("does not take a handler's failure name for one of the object's own properties", () => {
    // 'constructor' is a valid failure name; looking it up among the aliases once threw a TypeError.
    const run = start(spec([{ handlerSpecName: 'on-failure', specificFailure: 'constructor' }]));
    run.report('0-1', { status: 'ERROR', message: 'gateway down' });
    expect(run.state?.status).toBe('ERROR');
  });

  it('fails the thread with the handler failure when the handler fails', () => {
    const run = start(spec([{ handlerSpecName: 'on-failure' }], true));
    run.report('0-1', declined);
    run.report('1-1', { status: 'SUCCESS', output: 'tried' });
    expect(run.state?.status).toBe('EXCEPTION');
    expect(run.state?.failure).toEqual({ name: 'refund-failed', message: 'could not refund', content: null });
  });

  it('fails the thread at once, asking no handler again, when it cannot leave the handled node', () => {
    // LittleHorse (maybeAdvanceFromFailedNodeRun, failWithoutGrace): no edge out after the handler is an ERROR.
    const wf = spec([{ handlerSpecName: 'on-failure' }]);
    const entry = wf.threadSpecs.entrypoint!;
    const charge = entry.nodes.charge!;
    const stuck = { ...charge, outgoingEdges: [{ sinkNodeName: 'end', condition: { comparator: 'EQUALS' as const, left: { type: 'VARIABLE' as const, variableName: 'receipt' }, right: { type: 'LITERAL' as const, value: 'paid' } } }] };
    const run = start({ ...wf, threadSpecs: { ...wf.threadSpecs, entrypoint: { ...entry, nodes: { ...entry.nodes, charge: stuck } } } });
    run.report('0-1', declined);
    const events = run.report('1-1', { status: 'SUCCESS', output: 'refunded' });
    expect(types(events)).toEqual(['TaskAttemptSucceeded', 'NodeRunCompleted', 'NodeRunStarted', 'NodeRunCompleted', 'ThreadRunCompleted', 'ThreadRunResumed', 'ThreadRunFailed', 'WfRunFailed']);
    expect(run.state?.status).toBe('ERROR');
    expect(run.state?.failure).toEqual({ name: 'VAR_SUB_ERROR', message: "No outgoing edge of node 'charge' matched." });
    expect(run.state?.threadRuns).toHaveLength(2);
  });

  it('leaves a failure no handler matches to fail the thread', () => {
    const run = start(spec([{ handlerSpecName: 'on-failure', specificFailure: 'other-failure' }]));
    run.report('0-1', declined);
    expect(run.state?.status).toBe('EXCEPTION');
    expect(run.state?.threadRuns).toHaveLength(1);
  });

  it('validates handler threads and names', () => {
    expect(validateWfSpec(spec([{ handlerSpecName: 'on-failure' }]), catalog)).toEqual([]);
    const problems = validateWfSpec(spec([{ handlerSpecName: 'missing', specificFailure: 'not ok!' }]), catalog);
    expect(problems.map((p) => [p.code, p.path.join('.')])).toEqual([
      ['MISSING_THREAD', 'threadSpecs.entrypoint.nodes.charge.failureHandlers.0.handlerSpecName'],
      ['THREAD_NEVER_STARTED', 'threadSpecs.on-failure'],
    ]);
  });
});

describe('a failed thread with running children', () => {
  // The entrypoint spawns a child that runs `refund`, then fails at `charge`; its handler runs `refund` too.
  const withChild: VersionedWfSpec = {
    name: 'parent-with-child',
    majorVersion: 0,
    revision: 0,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: [{ name: 'kid', type: 'INT' }],
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'spawn' }] },
          spawn: { type: 'START_THREAD', threadSpecName: 'kid', outgoingEdges: [{ sinkNodeName: 'charge', variableMutations: [{ lhsName: 'kid', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }] },
          charge: { type: 'TASK', taskDefName: 'charge', failureHandlers: [{ handlerSpecName: 'handler' }], outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: { type: 'EXIT' },
        },
      },
      kid: {
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'work' }] },
          work: { type: 'TASK', taskDefName: 'refund', outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: { type: 'EXIT' },
        },
      },
      handler: {
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'undo' }] },
          undo: { type: 'TASK', taskDefName: 'refund', outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: { type: 'EXIT' },
        },
      },
    },
  };
  const statuses = (run: TestRun) => run.state?.threadRuns.map((t) => [t.number, t.status, t.haltReasons ?? []]);

  it('halts them first and starts the handler only once they have halted (LittleHorse: pending failure)', () => {
    const run = new TestRun(withChild, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    expect(statuses(run)).toEqual([[0, 'RUNNING', []], [1, 'RUNNING', []]]);
    run.report('0-2', declined);
    // The child's TaskRun is out with a worker, so the child is HALTING; no handler yet.
    expect(statuses(run)).toEqual([[0, 'HALTED', ['PENDING_FAILURE']], [1, 'HALTING', ['PARENT_HALTED']]]);
    expect(run.state?.status).toBe('RUNNING');
    run.report('1-1', { status: 'SUCCESS', output: 'done' });
    // The child has halted at its next node, so the handler starts.
    expect(statuses(run)).toEqual([[0, 'HALTED', ['HANDLING_FAILURE']], [1, 'HALTED', ['PARENT_HALTED']], [2, 'RUNNING', []]]);
    expect(run.state?.threadRuns[2]).toMatchObject({ kind: 'FAILURE_HANDLER', parentThreadRunNumber: 0 });
  });

  it('lets them go on when the handler completes, and the parent ends after them', () => {
    const run = new TestRun(withChild, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.report('0-2', declined);
    run.report('1-1', { status: 'SUCCESS', output: 'done' });
    run.report('2-1', { status: 'SUCCESS', output: 'undone' });
    expect(run.state?.threadRuns.map((t) => t.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(run.state?.status).toBe('COMPLETED');
  });

  it('waits for a manual resume before starting the handler of a thread that was also stopped', () => {
    const run = new TestRun(withChild, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    run.send({ type: 'StopWfRun' });
    run.report('0-2', declined);
    run.report('1-1', { status: 'SUCCESS', output: 'done' });
    expect(run.state?.threadRuns).toHaveLength(2);
    run.send({ type: 'ResumeWfRun' });
    expect(run.state?.threadRuns[2]).toMatchObject({ kind: 'FAILURE_HANDLER', status: 'RUNNING' });
  });
});
