import { validateWfSpec } from '@gallop/engine';
import type { Catalog, WfSpec } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { copyNodes, pasteNodes } from './clipboard.ts';
import { addNode, addThread, addVariable, autoNodeName, connect, insertAfter, moveEdge, newNode, newWfSpec, remove, removeThread, renameNode, updateEdge, updateNode } from './draft.ts';
import { History } from './history.ts';
import { autoLayout, positionsFor } from './layout.ts';
import { placeProblems } from './problems.ts';

const catalog: Catalog = { taskDefs: { greet: { name: 'greet', inputVars: [{ name: 'name', type: 'STR' }], returnType: 'STR' } } };
const T = 'entrypoint';

/** The two-task quickstart, built with the editor's operations as the canvas would call them. */
function quickstart(): WfSpec {
  let spec = newWfSpec('quickstart');
  spec = addVariable(spec, T, { name: 'name', type: 'STR', required: true });
  const first = addNode(spec, T, { ...newNode('TASK'), taskDefName: 'greet', inputs: [{ type: 'VARIABLE', variableName: 'name' }] } as never);
  spec = first.spec;
  const second = addNode(spec, T, { ...newNode('TASK'), taskDefName: 'greet', inputs: [{ type: 'LITERAL', value: 'again' }] } as never);
  spec = second.spec;
  spec = remove(spec, T, { edges: [{ thread: T, node: '0-entrypoint-ENTRYPOINT', index: 0 }] });
  spec = connect(spec, T, '0-entrypoint-ENTRYPOINT', first.name);
  spec = connect(spec, T, first.name, second.name);
  return connect(spec, T, second.name, '1-exit-EXIT');
}

describe('draft operations', () => {
  it('build a WfSpec the engine accepts, with LittleHorse names', () => {
    const spec = quickstart();
    expect(validateWfSpec(spec, catalog)).toEqual([]);
    expect(Object.keys(spec.threadSpecs.entrypoint?.nodes ?? {})).toEqual(['0-entrypoint-ENTRYPOINT', '1-exit-EXIT', '2-greet-TASK', '3-greet-TASK']);
  });

  it('puts a new edge before the unconditional one, and moves edges in order', () => {
    let spec = quickstart();
    spec = connect(spec, T, '2-greet-TASK', '1-exit-EXIT');
    const edges = () => spec.threadSpecs.entrypoint?.nodes['2-greet-TASK']?.outgoingEdges?.map((e) => e.sinkNodeName);
    expect(edges()).toEqual(['1-exit-EXIT', '3-greet-TASK']);
    spec = moveEdge(spec, { thread: T, node: '2-greet-TASK', index: 0 }, 1);
    expect(edges()).toEqual(['3-greet-TASK', '1-exit-EXIT']);
    // Two unconditional edges: the second can never be taken, and the engine says so on that edge.
    const [problem] = placeProblems(validateWfSpec(spec, catalog));
    expect(problem).toMatchObject({ code: 'UNREACHABLE_EDGE', thread: T, node: '2-greet-TASK', edge: 1 });
    spec = updateEdge(spec, { thread: T, node: '2-greet-TASK', index: 0 }, {
      sinkNodeName: '3-greet-TASK',
      condition: { comparator: 'EQUALS', left: { type: 'VARIABLE', variableName: 'name' }, right: { type: 'LITERAL', value: 'Ada' } },
    });
    expect(validateWfSpec(spec, catalog)).toEqual([]);
  });

  it('inserts a node after another, which hands it its edges', () => {
    let spec = newWfSpec('grow');
    const first = insertAfter(spec, { thread: T, node: '0-entrypoint-ENTRYPOINT' }, { ...newNode('TASK'), taskDefName: 'greet', inputs: [{ type: 'LITERAL', value: 'x' }] } as never);
    spec = first.spec;
    const second = insertAfter(spec, { thread: T, node: first.name }, newNode('NOP'));
    spec = second.spec;
    const nodes = spec.threadSpecs.entrypoint?.nodes;
    expect([nodes?.['0-entrypoint-ENTRYPOINT']?.outgoingEdges, nodes?.[first.name]?.outgoingEdges, nodes?.[second.name]?.outgoingEdges]).toEqual([
      [{ sinkNodeName: '2-greet-TASK' }],
      [{ sinkNodeName: '3-nop-NOP' }],
      [{ sinkNodeName: '1-exit-EXIT' }],
    ]);
    expect(validateWfSpec(spec, catalog)).toEqual([]);
    // An EXIT inserted mid-path ends it: the nodes after are left for the engine to report as unreachable.
    const ended = insertAfter(spec, { thread: T, node: first.name }, newNode('EXIT'));
    expect(ended.spec.threadSpecs.entrypoint?.nodes[ended.name]?.outgoingEdges).toBeUndefined();
  });

  it('refuses edges the engine could never run', () => {
    const spec = quickstart();
    expect(() => connect(spec, T, '1-exit-EXIT', '2-greet-TASK')).toThrow('nothing follows it');
    expect(() => connect(spec, T, '2-greet-TASK', '0-entrypoint-ENTRYPOINT')).toThrow('Nothing leads into an ENTRYPOINT');
    expect(() => connect(spec, T, '2-greet-TASK', '2-greet-TASK')).toThrow('cannot lead to itself');
  });

  it('deletes nodes with the edges into them, but never the ENTRYPOINT', () => {
    const spec = remove(quickstart(), T, { nodes: ['3-greet-TASK', '0-entrypoint-ENTRYPOINT'] });
    expect(Object.keys(spec.threadSpecs.entrypoint?.nodes ?? {})).toEqual(['0-entrypoint-ENTRYPOINT', '1-exit-EXIT', '2-greet-TASK']);
    expect(spec.threadSpecs.entrypoint?.nodes['2-greet-TASK']?.outgoingEdges).toBeUndefined();
  });

  it('gives back the same draft when a delete names nothing of it, so that no undo step is recorded', () => {
    const spec = quickstart();
    expect(remove(spec, T, { nodes: ['no-such-node', '0-entrypoint-ENTRYPOINT'], edges: [{ thread: T, node: '2-greet-TASK', index: 7 }] })).toBe(spec);
  });

  it('renames a node and the edges into it', () => {
    const spec = renameNode(quickstart(), { thread: T, node: '3-greet-TASK' }, '3-farewell-TASK');
    expect(spec.threadSpecs.entrypoint?.nodes['2-greet-TASK']?.outgoingEdges).toEqual([{ sinkNodeName: '3-farewell-TASK' }]);
    expect(() => renameNode(spec, { thread: T, node: '2-greet-TASK' }, '1-exit-EXIT')).toThrow('already has');
  });

  it('renames the reads of a node\'s output by name with it, so the draft stays valid', () => {
    const reads = { type: 'NODE_OUTPUT_REFERENCE', nodeName: '2-greet-TASK' };
    let spec = quickstart();
    const second = spec.threadSpecs.entrypoint?.nodes['3-greet-TASK'];
    spec = updateNode(spec, { thread: T, node: '3-greet-TASK' }, { ...second, inputs: [reads] } as never);
    spec = renameNode(spec, { thread: T, node: '2-greet-TASK' }, '2-welcome-TASK');
    expect(spec.threadSpecs.entrypoint?.nodes['3-greet-TASK']).toMatchObject({ inputs: [{ type: 'NODE_OUTPUT_REFERENCE', nodeName: '2-welcome-TASK' }] });
    expect(validateWfSpec(spec, catalog)).toEqual([]);
    // A node with nothing to rename is the same object as before.
    const base = quickstart();
    expect(renameNode(base, { thread: T, node: '3-greet-TASK' }, '3-x-TASK').threadSpecs.entrypoint?.nodes['1-exit-EXIT']).toBe(base.threadSpecs.entrypoint?.nodes['1-exit-EXIT']);
  });

  it('replaces a node as given, and leaves out what a form left empty', () => {
    const edges = [{ sinkNodeName: '3-greet-TASK' }];
    const spec = updateNode(quickstart(), { thread: T, node: '2-greet-TASK' }, { type: 'TASK', taskDefName: 'greet', inputs: [], retries: undefined, outgoingEdges: edges } as never);
    expect(JSON.stringify(spec.threadSpecs.entrypoint?.nodes['2-greet-TASK'])).toBe(JSON.stringify({ type: 'TASK', taskDefName: 'greet', inputs: [], outgoingEdges: edges }));
    // A handler removed in the inspector is gone, not kept from before.
    const handled = updateNode(spec, { thread: T, node: '2-greet-TASK' }, { type: 'TASK', taskDefName: 'greet', inputs: [], outgoingEdges: edges, failureHandlers: [{ handlerSpecName: 'h' }] });
    expect(updateNode(handled, { thread: T, node: '2-greet-TASK' }, { type: 'TASK', taskDefName: 'greet', inputs: [], outgoingEdges: edges }).threadSpecs.entrypoint?.nodes['2-greet-TASK']?.failureHandlers).toBeUndefined();
  });

  it('adds and removes threads, keeping the entrypoint', () => {
    const spec = addThread(quickstart(), 'handler');
    expect(Object.keys(spec.threadSpecs)).toEqual(['entrypoint', 'handler']);
    expect(() => addThread(spec, 'handler')).toThrow('already has');
    expect(Object.keys(removeThread(spec, 'handler').threadSpecs)).toEqual(['entrypoint']);
    expect(() => removeThread(spec, 'entrypoint')).toThrow('cannot be deleted');
  });
});

describe('copy and paste', () => {
  it('pastes nodes under new names with the edges among them, offset from where they were', () => {
    const spec = quickstart();
    const positions = autoLayout(spec.threadSpecs.entrypoint as never);
    const clip = copyNodes(spec, T, ['2-greet-TASK', '3-greet-TASK', '0-entrypoint-ENTRYPOINT'], positions);
    expect(Object.keys(clip?.nodes ?? {})).toEqual(['2-greet-TASK', '3-greet-TASK']);
    const pasted = pasteNodes(spec, T, clip as never, { x: 40, y: 40 });
    expect(pasted.names).toEqual(['4-greet-TASK', '5-greet-TASK']);
    const nodes = pasted.spec.threadSpecs.entrypoint?.nodes;
    expect(nodes?.['4-greet-TASK']?.outgoingEdges).toEqual([{ sinkNodeName: '5-greet-TASK' }]);
    expect(nodes?.['5-greet-TASK']?.outgoingEdges).toBeUndefined();
    expect(pasted.positions['4-greet-TASK']).toEqual({ x: (positions['2-greet-TASK']?.x ?? 0) + 40, y: (positions['2-greet-TASK']?.y ?? 0) + 40 });
  });
});

describe('layout', () => {
  it('lays a thread out top to bottom, and keeps known positions when nodes are added', () => {
    const spec = quickstart();
    const thread = spec.threadSpecs.entrypoint as never;
    const laid = autoLayout(thread);
    expect(laid['0-entrypoint-ENTRYPOINT']?.y).toBeLessThan(laid['2-greet-TASK']?.y ?? 0);
    expect(laid['2-greet-TASK']?.y).toBeLessThan(laid['3-greet-TASK']?.y ?? 0);
    const grown = addNode(spec, T, newNode('NOP'));
    const kept = positionsFor(grown.spec.threadSpecs.entrypoint as never, laid);
    expect(kept['2-greet-TASK']).toEqual(laid['2-greet-TASK']);
    expect(kept[grown.name]?.y).toBeGreaterThan(Math.max(...Object.values(laid).map((p) => p.y)));
  });
});

describe('History', () => {
  it('undoes and redoes twenty edits, giving back each state exactly', () => {
    const history = new History<WfSpec>();
    const states: WfSpec[] = [newWfSpec('many')];
    for (let i = 0; i < 20; i++) {
      const before = states[states.length - 1] as WfSpec;
      history.record(before);
      states.push(i % 2 === 0 ? addNode(before, T, newNode('NOP')).spec : addVariable(before, T, { name: `v${i}`, type: 'INT' }));
    }
    let current = states[20] as WfSpec;
    for (let i = 19; i >= 0; i--) {
      current = history.undo(current) as WfSpec;
      expect(current).toBe(states[i]);
    }
    expect(history.canUndo).toBe(false);
    for (let i = 1; i <= 20; i++) {
      current = history.redo(current) as WfSpec;
      expect(current).toBe(states[i]);
    }
    expect(history.canRedo).toBe(false);
    // A new edit after undoing forgets what was undone.
    current = history.undo(current) as WfSpec;
    history.record(current);
    expect(history.canRedo).toBe(false);
  });
});

describe('autoNodeName', () => {
  const task = (taskDefName: string) => ({ type: 'TASK' as const, taskDefName, inputs: [] });

  it('names a TASK after the TaskDef it runs while it has the name the editor gave it, keeping its number', () => {
    const { spec, name } = addNode(newWfSpec('w'), T, newNode('TASK'));
    const thread = spec.threadSpecs[T]!;
    expect(name).toBe('2-task-TASK');
    expect(autoNodeName(thread, name, newNode('TASK'), task('charge'))).toBe('2-charge-TASK');
    const { '2-task-TASK': _placeholder, ...others } = thread.nodes;
    const charged = { ...thread, nodes: { ...others, '2-charge-TASK': task('charge') } };
    expect(autoNodeName(charged, '2-charge-TASK', task('charge'), task('ship'))).toBe('2-ship-TASK');
    // Back to none: the placeholder again. A TaskDef name that cannot be part of a node name leaves the type's label.
    expect(autoNodeName(charged, '2-charge-TASK', task('charge'), task(''))).toBe('2-task-TASK');
    expect(autoNodeName(thread, '2-task-TASK', task(''), task('a.b'))).toBe('2-task-TASK');
  });

  it('keeps a name the user wrote, a name another node has, and the name of any other kind', () => {
    const { spec } = addNode(addNode(newWfSpec('w'), T, task('charge')).spec, T, newNode('TASK'));
    const thread = spec.threadSpecs[T]!;
    expect(autoNodeName(thread, 'charge-card', task(''), task('charge'))).toBe('charge-card');
    expect(autoNodeName(thread, '7-other-TASK', task('charge'), task('ship'))).toBe('7-other-TASK');
    // 3-charge-TASK is free; once another node has it, 3-task-TASK stays as it is.
    expect(autoNodeName(thread, '3-task-TASK', task(''), task('charge'))).toBe('3-charge-TASK');
    expect(autoNodeName({ ...thread, nodes: { ...thread.nodes, '3-charge-TASK': task('charge') } }, '3-task-TASK', task(''), task('charge'))).toBe('3-task-TASK');
    expect(autoNodeName(thread, '4-external-event-EXTERNAL_EVENT', newNode('EXTERNAL_EVENT'), { type: 'EXTERNAL_EVENT', externalEventDefName: 'paid' })).toBe('4-external-event-EXTERNAL_EVENT');
  });
});
