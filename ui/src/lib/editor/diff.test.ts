import type { TaskNode, ThreadSpec, WfSpec } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { affectedRuns, diffSpecs, fieldChanges } from './diff.ts';
import { addNode, addThread, addVariable, connect, insertAfter, newNode, newWfSpec, remove, updateNode } from './draft.ts';

const T = 'entrypoint';

function v1(): WfSpec {
  let spec = newWfSpec('orders');
  spec = addVariable(spec, T, { name: 'amount', type: 'INT' });
  spec = insertAfter(spec, { thread: T, node: '0-entrypoint-ENTRYPOINT' }, { type: 'TASK', taskDefName: 'charge', inputs: [] }).spec;
  return insertAfter(spec, { thread: T, node: '2-charge-TASK' }, { type: 'TASK', taskDefName: 'ship', inputs: [] }).spec;
}

describe('diffSpecs', () => {
  it('finds nothing between a WfSpec and itself', () => {
    expect(diffSpecs(v1(), v1())).toMatchObject({ same: true });
  });

  it('marks added, removed and changed nodes, edges, variables and threads', () => {
    let v2 = v1();
    v2 = updateNode(v2, { thread: T, node: '2-charge-TASK' }, { ...(v2.threadSpecs.entrypoint?.nodes['2-charge-TASK'] as TaskNode), retries: 3 });
    v2 = remove(v2, T, { nodes: ['3-ship-TASK'] });
    const added = addNode(v2, T, newNode('NOP'));
    v2 = connect(added.spec, T, '2-charge-TASK', added.name);
    v2 = connect(v2, T, added.name, '1-exit-EXIT');
    v2 = addVariable(v2, T, { name: 'note', type: 'STR' });
    v2 = addThread(v2, 'audit');
    const diff = diffSpecs(v1(), v2);
    expect(diff.same).toBe(false);
    expect(diff.threads).toEqual([
      {
        thread: 'entrypoint',
        nodes: { '2-charge-TASK': 'changed', '3-nop-NOP': 'added', '3-ship-TASK': 'removed' },
        edges: { '2-charge-TASK->3-nop-NOP': 'added', '3-nop-NOP->1-exit-EXIT': 'added', '2-charge-TASK->3-ship-TASK': 'removed', '3-ship-TASK->1-exit-EXIT': 'removed' },
        variables: { note: 'added' },
        fields: { nodes: { '2-charge-TASK': [{ path: 'retries', after: 3 }] }, edges: {}, variables: {} },
      },
      {
        thread: 'audit',
        change: 'added',
        nodes: { '0-entrypoint-ENTRYPOINT': 'added', '1-exit-EXIT': 'added' },
        edges: { '0-entrypoint-ENTRYPOINT->1-exit-EXIT': 'added' },
        variables: {},
        fields: { nodes: {}, edges: {}, variables: {} },
      },
    ]);
  });

  it('says which fields of a changed node, edge or variable differ, and how', () => {
    let v2 = v1();
    const charge = v2.threadSpecs.entrypoint?.nodes['2-charge-TASK'] as TaskNode;
    v2 = updateNode(v2, { thread: T, node: '2-charge-TASK' }, { ...charge, taskDefName: 'charge-v2', retries: 2, inputs: [{ type: 'VARIABLE', variableName: 'amount' }] });
    v2 = {
      ...v2,
      threadSpecs: {
        ...v2.threadSpecs,
        entrypoint: { ...(v2.threadSpecs.entrypoint as ThreadSpec), variableDefs: [{ name: 'amount', type: 'INT', required: true }] },
      },
    };
    const [thread] = diffSpecs(v1(), v2).threads;
    expect(thread?.fields.nodes['2-charge-TASK']).toEqual([
      { path: 'taskDefName', before: 'charge', after: 'charge-v2' },
      { path: 'inputs', before: [], after: [{ type: 'VARIABLE', variableName: 'amount' }] },
      { path: 'retries', after: 2 },
    ]);
    expect(thread?.fields.variables).toEqual({ amount: [{ path: 'required', after: true }] });
  });

  it('walks objects field by field and arrays of one length item by item', () => {
    expect(fieldChanges({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { b: 2, c: [1, 3] }, e: null })).toEqual([
      { path: 'a.b', before: 1, after: 2 },
      { path: 'a.c[1]', before: 2, after: 3 },
      { path: 'd', before: 'x' },
      { path: 'e', after: null },
    ]);
    expect(fieldChanges([1], [1, 2], 'list')).toEqual([{ path: 'list', before: [1], after: [1, 2] }]);
    expect(fieldChanges({ a: 1 }, { a: 1 })).toEqual([]);
  });

  it('names the in-flight WfRuns that stand on a removed or changed node', () => {
    let v2 = updateNode(v1(), { thread: T, node: '2-charge-TASK' }, { type: 'TASK', taskDefName: 'charge', inputs: [], retries: 1, outgoingEdges: [{ sinkNodeName: '3-ship-TASK' }] });
    v2 = remove(v2, T, { nodes: ['3-ship-TASK'] });
    const diff = diffSpecs(v1(), v2);
    expect(
      affectedRuns(diff, [
        { wfRunId: 'on-charge', at: [{ thread: T, node: '2-charge-TASK' }] },
        { wfRunId: 'on-ship', at: [{ thread: T, node: '3-ship-TASK' }] },
        { wfRunId: 'at-start', at: [{ thread: T, node: '0-entrypoint-ENTRYPOINT' }] },
      ]),
    ).toEqual([
      { wfRunId: 'on-charge', nodes: [{ thread: T, node: '2-charge-TASK', change: 'changed' }] },
      { wfRunId: 'on-ship', nodes: [{ thread: T, node: '3-ship-TASK', change: 'removed' }] },
    ]);
  });
});
