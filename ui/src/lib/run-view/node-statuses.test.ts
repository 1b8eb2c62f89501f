import type { WfRunEvent } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { EMPTY_NODE_STATUSES, foldNodeStatuses, nodeStatusOf } from './node-statuses.ts';
import type { NodeStatuses } from './node-statuses.ts';

const time = 1_700_000_000_000;
const started = (position: number, nodeName: string, threadRunNumber = 0): WfRunEvent => ({
  type: 'NodeRunStarted',
  time,
  threadRunNumber,
  position,
  nodeName,
  nodeType: 'TASK',
});
const completed = (position: number, threadRunNumber = 0): WfRunEvent => ({ type: 'NodeRunCompleted', time, threadRunNumber, position });
const failed = (position: number, status: 'ERROR' | 'EXCEPTION'): WfRunEvent => ({
  type: 'NodeRunFailed',
  time,
  threadRunNumber: 0,
  position,
  status,
  failure: { name: status === 'ERROR' ? 'TASK_FAILURE' : 'out-of-stock', message: 'it failed' },
});

const fold = (events: readonly WfRunEvent[]): NodeStatuses => events.reduce(foldNodeStatuses, EMPTY_NODE_STATUSES);

describe('foldNodeStatuses', () => {
  it('shows PENDING for a node with no NodeRun yet', () => {
    expect(nodeStatusOf(fold([started(0, '0-entrypoint-ENTRYPOINT')]), 0, '1-greet-TASK')).toBe('PENDING');
  });

  it('shows RUNNING from NodeRunStarted until the NodeRun ends', () => {
    const statuses = fold([started(0, '0-entrypoint-ENTRYPOINT'), completed(0), started(1, '1-greet-TASK')]);
    expect(nodeStatusOf(statuses, 0, '0-entrypoint-ENTRYPOINT')).toBe('COMPLETED');
    expect(nodeStatusOf(statuses, 0, '1-greet-TASK')).toBe('RUNNING');
  });

  it('finds the node of a completion by its thread and position', () => {
    const statuses = fold([started(0, 'a'), started(0, 'b', 1), completed(0, 1)]);
    expect(nodeStatusOf(statuses, 0, 'a')).toBe('RUNNING');
    expect(nodeStatusOf(statuses, 1, 'b')).toBe('COMPLETED');
  });

  it('takes ERROR or EXCEPTION from NodeRunFailed', () => {
    expect(nodeStatusOf(fold([started(0, 'a'), failed(0, 'ERROR')]), 0, 'a')).toBe('ERROR');
    expect(nodeStatusOf(fold([started(0, 'a'), failed(0, 'EXCEPTION')]), 0, 'a')).toBe('EXCEPTION');
  });

  it('keeps the latest NodeRun when a node runs again', () => {
    const statuses = fold([started(0, 'a'), completed(0), started(1, 'b'), completed(1), started(2, 'a')]);
    expect(nodeStatusOf(statuses, 0, 'a')).toBe('RUNNING');
    expect(nodeStatusOf(statuses, 0, 'b')).toBe('COMPLETED');
  });

  it('forgets finished NodeRuns so the state stays small however long a WfRun loops', () => {
    const statuses = fold([started(0, 'a'), completed(0), started(1, 'a'), completed(1)]);
    expect(statuses.open).toEqual({});
  });

  it('ignores other events and a completion it never saw start', () => {
    const before = fold([started(0, 'a')]);
    expect(foldNodeStatuses(before, { type: 'WfRunCompleted', time })).toBe(before);
    expect(foldNodeStatuses(before, completed(7))).toBe(before);
  });

  it('leaves the statuses it was given untouched', () => {
    const before = fold([started(0, 'a')]);
    const frozen = structuredClone(before);
    foldNodeStatuses(before, completed(0));
    expect(before).toEqual(frozen);
  });
});
