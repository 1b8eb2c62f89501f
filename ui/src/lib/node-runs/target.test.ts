import { describe, expect, it } from 'vitest';
import type { NodeRunSummary } from '../api/queries.ts';
import { targetOf } from './target.ts';

const base: NodeRunSummary = {
  wfRunId: 'run-1',
  threadRunNumber: 0,
  position: 3,
  nodeName: '3-node',
  nodeType: 'NOP',
  status: 'RUNNING',
  arrivalTime: '2026-12-01T12:00:00.000Z',
  errorMessage: null,
  externalEventDefName: null,
  taskRun: null,
  userTaskRun: null,
  sleepUntil: null,
  childWfRunId: null,
  threadRunNumbers: null,
  workflowEventDefName: null,
};

describe('targetOf', () => {
  it('names the TaskDef and the ExternalEventDef, each leading to its list', () => {
    expect(targetOf({ ...base, nodeType: 'TASK', taskRun: { taskDefName: 'charge' } })).toEqual([
      { label: 'TaskDef', text: 'charge', kind: 'name', to: { path: '/task-runs', query: { taskDefName: 'charge' } } },
    ]);
    expect(targetOf({ ...base, nodeType: 'EXTERNAL_EVENT', externalEventDefName: 'approved' })).toEqual([
      { label: 'ExternalEventDef', text: 'approved', kind: 'name', to: { path: '/external-events', query: { externalEventDefName: 'approved' } } },
    ]);
  });

  it('names the WorkflowEventDef a THROW_EVENT throws, leading to its page', () => {
    expect(targetOf({ ...base, nodeType: 'THROW_EVENT', workflowEventDefName: 'shipped' })).toEqual([
      { label: 'WorkflowEventDef', text: 'shipped', kind: 'name', to: { path: '/external-events', query: { workflowEventDefName: 'shipped' } } },
    ]);
  });

  it('names the UserTaskDef and who holds the task, each leading to the user tasks filtered by it', () => {
    const held = targetOf({ ...base, nodeType: 'USER_TASK', userTaskRun: { userTaskDefName: 'review', userId: 'ada', userGroup: 'finance' } });
    expect(held).toEqual([
      { label: 'UserTaskDef', text: 'review', kind: 'name', to: { path: '/user-tasks', query: { userTaskDefName: 'review' } } },
      { label: 'user', text: 'ada', kind: 'name', to: { path: '/user-tasks', query: { userId: 'ada' } } },
      { label: 'group', text: 'finance', kind: 'name', to: { path: '/user-tasks', query: { userGroup: 'finance' } } },
    ]);
    const open = targetOf({ ...base, nodeType: 'USER_TASK', userTaskRun: { userTaskDefName: 'review', userId: null, userGroup: 'finance' } });
    expect(open.map((p) => p.label)).toEqual(['UserTaskDef', 'group']);
  });

  it('gives the time a SLEEP wakes at, and the child WfRun as a link', () => {
    expect(targetOf({ ...base, nodeType: 'SLEEP', sleepUntil: '2099-01-02T03:04:05.678Z' })).toEqual([{ label: 'Until', text: '2099-01-02T03:04:05.678Z', kind: 'time' }]);
    for (const nodeType of ['RUN_CHILD_WF', 'WAIT_FOR_CHILD_WF']) {
      expect(targetOf({ ...base, nodeType, childWfRunId: 'run-1_0-3' })).toEqual([{ label: 'Child WfRun', text: 'run-1_0-3', kind: 'id', to: { path: '/wf-runs/run-1_0-3' } }]);
    }
  });

  it('lists the ThreadRuns waited for or started, each opening its WfRun at that thread', () => {
    expect(targetOf({ ...base, nodeType: 'WAIT_FOR_THREADS', threadRunNumbers: [1, 2] })).toEqual([
      { label: 'ThreadRuns', text: '1', kind: 'id', to: { path: '/wf-runs/run-1', query: { thread: '1' } }, name: 'ThreadRun 1' },
      { text: '2', kind: 'id', to: { path: '/wf-runs/run-1', query: { thread: '2' } }, name: 'ThreadRun 2' },
    ]);
    expect(targetOf({ ...base, nodeType: 'START_THREAD', threadRunNumbers: [4] })[0]?.label).toBe('Started ThreadRun');
  });

  it('says nothing for a node that neither runs nor waits for anything, or failed before it knew what', () => {
    expect(targetOf(base)).toEqual([]);
    expect(targetOf({ ...base, nodeType: 'USER_TASK', status: 'ERROR' })).toEqual([]);
    expect(targetOf({ ...base, nodeType: 'WAIT_FOR_THREADS', threadRunNumbers: [] })).toEqual([]);
  });
});
