import { describe, expect, it } from 'vitest';
import { validateWfSpec } from '../../src/index.ts';
import type { Catalog, VersionedWfSpec } from '../../src/index.ts';
import { TestRun } from '../run.ts';

const catalog: Catalog = { taskDefs: { work: { name: 'work', inputVars: [{ name: 'item', type: 'STR' }], returnType: 'STR' } } };
const v = (variableName: string) => ({ type: 'VARIABLE' as const, variableName });

/** One child per item; each adds its result to `done`; the parent waits until `done` holds as many as `items`. */
const spec: VersionedWfSpec = {
  name: 'per-item',
  majorVersion: 0,
  revision: 0,
  entrypointThreadName: 'entrypoint',
  threadSpecs: {
    entrypoint: {
      variableDefs: [
        { name: 'items', type: 'JSON_ARR', required: true },
        { name: 'kids', type: 'JSON_ARR' },
        { name: 'done', type: 'INT', defaultValue: 0 },
      ],
      nodes: {
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'spawn' }] },
        spawn: {
          type: 'START_MULTIPLE_THREADS',
          threadSpecName: 'each',
          iterable: v('items'),
          outgoingEdges: [{ sinkNodeName: 'until', variableMutations: [{ lhsName: 'kids', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
        },
        until: { type: 'WAIT_FOR_CONDITION', condition: { comparator: 'GREATER_THAN_EQ', left: v('done'), right: { type: 'LITERAL', value: 2 } }, outgoingEdges: [{ sinkNodeName: 'end' }] },
        end: { type: 'EXIT' },
      },
    },
    each: {
      variableDefs: [{ name: 'INPUT', type: 'STR' }],
      nodes: {
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'work' }] },
        work: { type: 'TASK', taskDefName: 'work', inputs: [v('INPUT')], outgoingEdges: [{ sinkNodeName: 'end', variableMutations: [{ lhsName: 'done', operation: 'ADD', rhs: { type: 'LITERAL', value: 1 } }] }] },
        end: { type: 'EXIT' },
      },
    },
  },
};

describe('START_MULTIPLE_THREADS and WAIT_FOR_CONDITION', () => {
  it('starts one child per element with the element as INPUT, and waits until the condition holds', () => {
    expect(validateWfSpec(spec, catalog)).toEqual([]);
    const run = new TestRun(spec, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r', variables: { items: ['a', 'b', 'c'] } });
    expect(run.state?.threadRuns[0]?.variables.kids).toEqual([1, 2, 3]);
    expect(run.state?.threadRuns.slice(1).map((t) => t.currentNodeRun?.taskRun?.input)).toEqual([
      [{ name: 'item', value: 'a' }],
      [{ name: 'item', value: 'b' }],
      [{ name: 'item', value: 'c' }],
    ]);
    run.report('1-1', { status: 'SUCCESS', output: 'A' });
    expect(run.state?.threadRuns[0]?.currentNodeRun).toMatchObject({ nodeName: 'until', status: 'RUNNING' });
    run.report('3-1', { status: 'SUCCESS', output: 'C' });
    // The condition now holds, but EXIT still waits for the third child.
    expect(run.state?.threadRuns[0]?.currentNodeRun).toMatchObject({ nodeName: 'end', status: 'RUNNING' });
    run.report('2-1', { status: 'SUCCESS', output: 'B' });
    expect(run.state?.status).toBe('COMPLETED');
  });

  it('fails with VAR_SUB_ERROR when the iterable is not a JSON_ARR', () => {
    const run = new TestRun(spec, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r', variables: { items: null } });
    expect(run.rejections).toEqual(['INVALID_VARIABLES']);
    const nullable = { ...spec, threadSpecs: { ...spec.threadSpecs, entrypoint: { ...spec.threadSpecs.entrypoint!, variableDefs: [{ name: 'items', type: 'JSON_ARR' as const }, { name: 'kids', type: 'JSON_ARR' as const }, { name: 'done', type: 'INT' as const }] } } };
    const empty = new TestRun(nullable, catalog);
    empty.send({ type: 'RunWf', wfRunId: 'r' });
    expect(empty.state?.failure).toEqual({ name: 'VAR_SUB_ERROR', message: 'START_MULTIPLE_THREADS needs a JSON_ARR; got null (NULL).' });
  });
});
