import type { ThreadSpec } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { basisPath } from './route.ts';
import { describeCondition, describeMutations, layoutThreadGraph } from './thread-graph.ts';

const thread: ThreadSpec = {
  variableDefs: [{ name: 'greeting', type: 'STR' }],
  nodes: {
    '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: '1-greet-TASK' }] },
    '1-greet-TASK': {
      type: 'TASK',
      taskDefName: 'greet',
      outgoingEdges: [
        {
          sinkNodeName: '2-exit-EXIT',
          variableMutations: [{ lhsName: 'greeting', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }],
        },
      ],
    },
    '2-exit-EXIT': { type: 'EXIT' },
  },
};

describe('layoutThreadGraph', () => {
  it('titles each node by what it throws, runs or waits for, and a failing EXIT by its failure', () => {
    const named: ThreadSpec = {
      nodes: {
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'throw' }] },
        throw: { type: 'THROW_EVENT', workflowEventDefName: 'order-accepted', outgoingEdges: [{ sinkNodeName: 'child' }] },
        child: { type: 'RUN_CHILD_WF', wfSpecName: 'payment', outgoingEdges: [{ sinkNodeName: 'wait' }] },
        wait: { type: 'EXTERNAL_EVENT', externalEventDefName: 'paid', outgoingEdges: [{ sinkNodeName: 'fail' }] },
        fail: { type: 'EXIT', failureDef: { failureName: 'negative-amount', message: 'The amount is negative.' } },
      },
    };
    expect(layoutThreadGraph(named).nodes.map((n) => n.data.title)).toEqual(['Start', 'Throw order-accepted', 'Run payment', 'Wait for paid', 'Fail: negative-amount']);
  });

  it('makes one node per ThreadSpec node and one edge per outgoing edge', () => {
    const { nodes, edges } = layoutThreadGraph(thread);
    expect(nodes.map((n) => n.id)).toEqual(['0-entrypoint-ENTRYPOINT', '1-greet-TASK', '2-exit-EXIT']);
    expect(edges.map((e) => [e.source, e.target])).toEqual([
      ['0-entrypoint-ENTRYPOINT', '1-greet-TASK'],
      ['1-greet-TASK', '2-exit-EXIT'],
    ]);
    expect(nodes[1]?.data).toEqual({ nodeName: '1-greet-TASK', nodeType: 'TASK', taskDefName: 'greet', title: 'greet' });
  });

  it('lays nodes out top to bottom in the order the edges go', () => {
    const [entry, task, exit] = layoutThreadGraph(thread).nodes;
    expect(entry!.position.y).toBeLessThan(task!.position.y);
    expect(task!.position.y).toBeLessThan(exit!.position.y);
  });

  it('labels an edge with the variable mutations it makes', () => {
    expect(layoutThreadGraph(thread).edges[1]?.label).toBe('greeting = output');
  });

  it('keeps a long label short on the graph and whole in the edge\'s accessible name', () => {
    const mutations = Array.from({ length: 20 }, () => ({ lhsName: 's', operation: 'ADD' as const, rhs: { type: 'VARIABLE' as const, variableName: 's' } }));
    const looping: ThreadSpec = {
      ...thread,
      nodes: { ...thread.nodes, '1-greet-TASK': { type: 'TASK', taskDefName: 'greet', outgoingEdges: [{ sinkNodeName: '2-exit-EXIT', variableMutations: mutations }] } },
    };
    const edge = layoutThreadGraph(looping).edges[1];
    expect(edge?.label).toBe('s += s; s += s +18 more');
    expect(edge?.ariaLabel).toBe(`Edge from 1-greet-TASK to 2-exit-EXIT: ${Array.from({ length: 20 }, () => 's += s').join('; ')}`);

    const longName = 'a'.repeat(80);
    const named: ThreadSpec = {
      ...thread,
      nodes: {
        ...thread.nodes,
        '1-greet-TASK': { type: 'TASK', taskDefName: 'greet', outgoingEdges: [{ sinkNodeName: '2-exit-EXIT', variableMutations: [{ lhsName: longName, operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }] },
      },
    };
    const label = String(layoutThreadGraph(named).edges[1]?.label);
    expect(label).toHaveLength(60);
    expect(label.endsWith('…')).toBe(true);
  });

  it('names the UserTaskDef a USER_TASK node asks a person to fill in', () => {
    const withUserTask: ThreadSpec = {
      nodes: {
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'review' }] },
        review: { type: 'USER_TASK', userTaskDefName: 'approve-expense', userGroup: { type: 'LITERAL', value: 'finance' }, outgoingEdges: [{ sinkNodeName: 'end' }] },
        end: { type: 'EXIT' },
      },
    };
    const review = layoutThreadGraph(withUserTask).nodes[1];
    expect(review?.data).toEqual({ nodeName: 'review', nodeType: 'USER_TASK', userTaskDefName: 'approve-expense', title: 'approve-expense' });
    expect([review?.width, review?.height]).toEqual([232, 68]);
  });

  it('skips an edge to a node that does not exist', () => {
    const broken: ThreadSpec = { nodes: { a: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'missing' }] } } };
    expect(layoutThreadGraph(broken).edges).toEqual([]);
  });
});

describe('edge routes', () => {
  // start -> check; check -> work (if) or straight to end (else): the else edge skips the rank `work` is on.
  const branching: ThreadSpec = {
    variableDefs: [{ name: 'n', type: 'INT' }],
    nodes: {
      start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'check' }] },
      check: {
        type: 'NOP',
        outgoingEdges: [
          { sinkNodeName: 'work', condition: { comparator: 'GREATER_THAN', left: { type: 'VARIABLE', variableName: 'n' }, right: { type: 'LITERAL', value: 0 } } },
          { sinkNodeName: 'end' },
        ],
      },
      work: { type: 'TASK', taskDefName: 'greet', outgoingEdges: [{ sinkNodeName: 'end' }] },
      end: { type: 'EXIT' },
    },
  };

  it('routes an edge that skips a rank around the node on it, and keeps its label off every node', () => {
    const { nodes, edges } = layoutThreadGraph(branching);
    const box = (name: string) => {
      const n = nodes.find((node) => node.id === name)!;
      return { left: n.position.x, right: n.position.x + (n.width ?? 0), top: n.position.y, bottom: n.position.y + (n.height ?? 0) };
    };
    const inside = (p: { x: number; y: number }, b: ReturnType<typeof box>) => p.x > b.left && p.x < b.right && p.y > b.top && p.y < b.bottom;
    const skip = edges.find((e) => e.source === 'check' && e.target === 'end')!;
    expect(skip.type).toBe('routed');
    expect(skip.data?.route?.bends.length).toBeGreaterThan(0);
    for (const bend of skip.data?.route?.bends ?? []) expect(inside(bend, box('work'))).toBe(false);
    const labelled = edges.find((e) => e.source === 'check' && e.target === 'work')!;
    const at = labelled.data?.route?.label;
    expect(at).toBeDefined();
    for (const name of ['start', 'check', 'work', 'end']) expect(inside(at!, box(name)), name).toBe(false);
  });

  it('draws a route as a curve from its first point to its last', () => {
    expect(basisPath([{ x: 0, y: 0 }, { x: 0, y: 10 }])).toBe('M0,0L0,10');
    const d = basisPath([{ x: 0, y: 0 }, { x: 30, y: 50 }, { x: 0, y: 100 }]);
    expect(d.startsWith('M0,0')).toBe(true);
    expect(d.endsWith('L0,100')).toBe(true);
    expect(d).toContain('C');
  });
});

describe('describeCondition and describeMutations', () => {
  it('writes comparisons, BOOL values and computed sources readably', () => {
    expect(describeCondition({ comparator: 'GREATER_THAN', left: { type: 'VARIABLE', variableName: 'amount' }, right: { type: 'LITERAL', value: 100 } })).toBe('if amount > 100');
    expect(describeCondition({ type: 'VARIABLE', variableName: 'vip' })).toBe('if vip');
    expect(
      describeCondition({ type: 'EXPRESSION', lhs: { type: 'VARIABLE', variableName: 'age', targetType: 'INT' }, comparator: 'GREATER_THAN_EQ', rhs: { type: 'LITERAL', value: 18 } }),
    ).toBe('if (age as INT >= 18)');
    expect(
      describeMutations([{ lhsName: 'label', operation: 'ASSIGN', rhs: { type: 'FORMAT_STRING', format: { type: 'LITERAL', value: '#{0}' }, args: [{ type: 'VARIABLE', variableName: 'n' }] } }]),
    ).toBe('label = format("#{0}", n)');
  });
});
