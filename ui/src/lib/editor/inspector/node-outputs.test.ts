import type { WfSpec } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { earlierOutputs } from './node-outputs.ts';

const spec: WfSpec = {
  name: 'outputs',
  entrypointThreadName: 'entrypoint',
  threadSpecs: {
    entrypoint: {
      nodes: {
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'charge' }] },
        charge: { type: 'TASK', taskDefName: 'charge', outgoingEdges: [{ sinkNodeName: 'wait' }] },
        wait: { type: 'SLEEP', rawSeconds: { type: 'LITERAL', value: 1 }, outgoingEdges: [{ sinkNodeName: 'approved' }] },
        approved: { type: 'EXTERNAL_EVENT', externalEventDefName: 'approved', outgoingEdges: [{ sinkNodeName: 'ship' }] },
        ship: { type: 'TASK', taskDefName: 'ship', outgoingEdges: [{ sinkNodeName: 'end' }] },
        end: { type: 'EXIT' },
      },
    },
  },
};

describe('earlierOutputs', () => {
  it('offers the nodes with an output that run before the reading node', () => {
    expect(earlierOutputs(spec, 'entrypoint', { node: 'ship', onEdge: false })).toEqual([
      { name: 'charge', type: 'TASK' },
      { name: 'approved', type: 'EXTERNAL_EVENT' },
    ]);
    expect(earlierOutputs(spec, 'entrypoint', { node: 'charge', onEdge: false })).toEqual([]);
  });

  it("offers the node's own output on the edges leaving it", () => {
    expect(earlierOutputs(spec, 'entrypoint', { node: 'charge', onEdge: true })).toEqual([{ name: 'charge', type: 'TASK' }]);
  });

  it('offers nothing for a thread that does not exist', () => {
    expect(earlierOutputs(spec, 'nope', { node: 'ship', onEdge: false })).toEqual([]);
  });
});
