import { describe, expect, it } from 'vitest';
import { validateWfSpec } from '../../src/index.ts';
import type { Catalog, VersionedWfSpec, WfRunEvent } from '../../src/index.ts';
import { TestRun } from '../run.ts';

const catalog: Catalog = { taskDefs: {}, workflowEventDefs: { 'order-ready': { name: 'order-ready' } } };
const spec: VersionedWfSpec = {
  name: 'thrower',
  majorVersion: 0,
  revision: 0,
  entrypointThreadName: 'entrypoint',
  threadSpecs: {
    entrypoint: {
      variableDefs: [{ name: 'order', type: 'STR', defaultValue: 'o-1' }],
      nodes: {
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'first' }] },
        first: { type: 'THROW_EVENT', workflowEventDefName: 'order-ready', content: { type: 'VARIABLE', variableName: 'order' }, outgoingEdges: [{ sinkNodeName: 'second' }] },
        second: { type: 'THROW_EVENT', workflowEventDefName: 'order-ready', outgoingEdges: [{ sinkNodeName: 'end' }] },
        end: { type: 'EXIT' },
      },
    },
  },
};

describe('THROW_EVENT', () => {
  it('throws WorkflowEvents numbered per def, with their content, and goes on', () => {
    const run = new TestRun(spec, catalog);
    const events = run.send({ type: 'RunWf', wfRunId: 'r' }) as WfRunEvent[];
    expect(events.filter((e) => e.type === 'WorkflowEventThrown').map((e) => e.type === 'WorkflowEventThrown' && [e.number, e.content])).toEqual([
      [0, 'o-1'],
      [1, null],
    ]);
    expect(run.state?.status).toBe('COMPLETED');
  });

  it('names a WorkflowEventDef that is not registered', () => {
    expect(validateWfSpec(spec, catalog)).toEqual([]);
    expect(validateWfSpec(spec, { taskDefs: {} }).map((p) => p.code)).toEqual(['UNKNOWN_WORKFLOW_EVENT_DEF', 'UNKNOWN_WORKFLOW_EVENT_DEF']);
  });
});
