import type { ThreadSpec } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { edgeRefOf, flowEdges, flowNodes } from './flow.ts';

const thread: ThreadSpec = {
  variableDefs: [{ name: 'n', type: 'INT' }],
  nodes: {
    '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: '1-nop-NOP' }] },
    '1-nop-NOP': {
      type: 'NOP',
      outgoingEdges: [
        { sinkNodeName: '2-exit-EXIT', condition: { comparator: 'GREATER_THAN', left: { type: 'VARIABLE', variableName: 'n' }, right: { type: 'LITERAL', value: 1 } } },
        { sinkNodeName: '2-exit-EXIT', variableMutations: [{ lhsName: 'n', operation: 'ADD', rhs: { type: 'LITERAL', value: 1 } }] },
      ],
    },
    '2-exit-EXIT': { type: 'EXIT' },
  },
};

describe('the graph of a thread', () => {
  it('labels edges with their order, conditions and mutations, and, in a simulation, whether each condition holds', () => {
    expect(flowEdges(thread, [], new Set()).map((e) => e.label)).toEqual([undefined, '1. if n > 1', '2. else n += 1']);
    expect(flowEdges(thread, [], new Set(), { variables: { n: 5 } }).map((e) => e.label)).toEqual([undefined, '1. if n > 1 ✓', '2. else n += 1']);
    expect(flowEdges(thread, [], new Set(), { variables: { n: 0 } })[1]?.label).toBe('1. if n > 1 ✗');
  });

  it('cuts a long condition and long mutations on the canvas, never the verdict between them', () => {
    const name = 'a_rather_long_variable_name_for_a_threshold';
    const long: ThreadSpec = {
      variableDefs: [{ name, type: 'INT' }],
      nodes: {
        ...thread.nodes,
        '1-nop-NOP': {
          type: 'NOP',
          outgoingEdges: [
            {
              sinkNodeName: '2-exit-EXIT',
              condition: { comparator: 'GREATER_THAN', left: { type: 'VARIABLE', variableName: name }, right: { type: 'LITERAL', value: 1 } },
              variableMutations: Array.from({ length: 5 }, () => ({ lhsName: name, operation: 'ADD' as const, rhs: { type: 'LITERAL' as const, value: 1 } })),
            },
            { sinkNodeName: '2-exit-EXIT' },
          ],
        },
      },
    };
    const label = String(flowEdges(long, [], new Set(), { variables: { [name]: 5 } })[1]?.label);
    const [condition, mutations] = label.split(' ✓ ');
    expect(condition).toBe(`1. if ${name.slice(0, 36)}…`);
    expect(mutations).toHaveLength(40);
    expect(mutations?.endsWith('…')).toBe(true);
  });

  it('finds an edge in the spec from its id', () => {
    const [, second] = flowEdges(thread, [], new Set());
    expect(edgeRefOf('entrypoint', second?.id ?? '')).toEqual({ thread: 'entrypoint', node: '1-nop-NOP', index: 0 });
  });

  it('marks nodes with their problems, simulated statuses, breakpoints and changed behaviour', () => {
    const nodes = flowNodes(
      thread,
      {},
      [{ path: [], code: 'UNREACHABLE_NODE', message: 'never', severity: 'error', thread: 'entrypoint', node: '2-exit-EXIT' }],
      new Set(['1-nop-NOP']),
      { statuses: { '0-entrypoint-ENTRYPOINT': 'COMPLETED' }, breakpoints: new Set(['1-nop-NOP']), changed: new Set(['2-exit-EXIT']) },
    );
    expect(nodes.map((n) => [n.id, n.selected, n.data.status, n.data.breakpoint ?? false, n.data.change ?? null, n.data.problems])).toEqual([
      ['0-entrypoint-ENTRYPOINT', false, 'COMPLETED', false, null, []],
      ['1-nop-NOP', true, 'PENDING', true, null, []],
      ['2-exit-EXIT', false, 'PENDING', false, 'changed', ['never']],
    ]);
  });
});
