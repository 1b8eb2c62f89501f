import { step, validateWfSpec } from '@gallop/engine';
import type { Catalog, DecideContext, JsonValue, TaskAttemptResult, WfRunState, WfSpec } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { Workflow } from './workflow.ts';

const catalog: Catalog = {
  taskDefs: {
    charge: { name: 'charge', inputVars: [{ name: 'amount', type: 'INT' }], returnType: 'STR' },
    ping: { name: 'ping', inputVars: [], returnType: 'INT' },
    boom: { name: 'boom', inputVars: [], returnType: 'STR' },
  },
};

/** Runs a compiled spec in the engine, answering every TaskRun with `answer(taskDefName)`. */
function simulate(
  spec: WfSpec,
  variables: Record<string, JsonValue>,
  answer: (taskDefName: string) => JsonValue | { status: 'EXCEPTION'; name: string; message: string },
): WfRunState {
  const wfSpec = { ...spec, majorVersion: 0, revision: 0 };
  const ctx: DecideContext = { now: 0, ids: { next: () => 'x' }, wfSpec, catalog };
  let result = step(undefined, { type: 'RunWf', wfRunId: 'r', variables }, ctx);
  for (let i = 0; result.ok && result.state.status === 'RUNNING' && i < 1000; i++) {
    const taskRun = result.state.threadRuns.find((t) => t.status === 'RUNNING' && t.currentNodeRun?.taskRun?.status === 'TASK_SCHEDULED')?.currentNodeRun?.taskRun;
    if (!taskRun) break;
    const answered = answer(taskRun.taskDefName);
    const outcome: TaskAttemptResult =
      answered !== null && typeof answered === 'object' && 'status' in answered
        ? (answered as TaskAttemptResult)
        : { status: 'SUCCESS', output: answered as JsonValue };
    result = step(result.state, { type: 'ReportTaskAttempt', taskGuid: taskRun.taskGuid, attempt: 0, result: outcome }, ctx);
  }
  if (!result.ok) throw new Error(result.rejection.message);
  return result.state;
}

describe('Workflow', () => {
  it('names nodes as LittleHorse does and puts mutations on the next edge', () => {
    const spec = new Workflow('pay', (wf) => {
      const amount = wf.declareInt('amount').required();
      const receipt = wf.declareStr('receipt');
      receipt.assign(wf.execute('charge', amount));
    }).compile();
    expect(validateWfSpec(spec, catalog)).toEqual([]);
    expect(spec.threadSpecs.entrypoint?.nodes).toEqual({
      '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: '1-charge-TASK' }] },
      '1-charge-TASK': {
        type: 'TASK',
        taskDefName: 'charge',
        inputs: [{ type: 'VARIABLE', variableName: 'amount' }],
        outgoingEdges: [{ sinkNodeName: '2-exit-EXIT', variableMutations: [{ lhsName: 'receipt', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
      },
      '2-exit-EXIT': { type: 'EXIT' },
    });
  });

  it('builds doIfElse branches that the engine takes by the condition', () => {
    const spec = new Workflow('branch', (wf) => {
      const amount = wf.declareInt('amount').required();
      const path = wf.declareStr('path');
      wf.doIfElse(
        wf.condition(amount, 'GREATER_THAN', 100),
        () => path.assign('big'),
        () => path.assign('small'),
      );
    }).compile();
    expect(validateWfSpec(spec, catalog)).toEqual([]);
    expect(simulate(spec, { amount: 500 }, () => null).threadRuns[0]?.variables.path).toBe('big');
    expect(simulate(spec, { amount: 5 }, () => null).threadRuns[0]?.variables.path).toBe('small');
  });

  it('builds a doWhile loop that runs its body until the condition fails', () => {
    const spec = new Workflow('loop', (wf) => {
      const i = wf.declareInt('i').withDefault(0);
      const total = wf.declareInt('total').withDefault(0);
      wf.doWhile(wf.condition(i, 'LESS_THAN', 5), () => {
        total.assign(wf.execute('ping'));
        wf.mutate(i, 'ADD', 1);
      });
    }).compile();
    expect(validateWfSpec(spec, catalog)).toEqual([]);
    const state = simulate(spec, {}, () => 7);
    expect(state.status).toBe('COMPLETED');
    expect(state.threadRuns[0]?.variables).toEqual({ i: 5, total: 7 });
  });

  it('ends a thread with a named EXCEPTION through fail()', () => {
    const spec = new Workflow('refuse', (wf) => {
      const amount = wf.declareInt('amount');
      wf.doIf(wf.condition(amount, 'LESS_THAN', 0), () => wf.fail('negative-amount', 'Amounts must be positive', amount));
    }).compile();
    expect(validateWfSpec(spec, catalog)).toEqual([]);
    const state = simulate(spec, { amount: -3 }, () => null);
    expect(state.status).toBe('EXCEPTION');
    expect(state.failure).toEqual({ name: 'negative-amount', message: 'Amounts must be positive', content: -3 });
    expect(simulate(spec, { amount: 3 }, () => null).status).toBe('COMPLETED');
  });

  it('refuses to use a node output anywhere but right after the node', () => {
    expect(() =>
      new Workflow('late', (wf) => {
        const a = wf.declareStr('a');
        const out = wf.execute('ping');
        wf.execute('ping');
        a.assign(out);
      }).compile(),
    ).toThrow(/a node's output can only be used right after that node/);
  });

  it('spawns threads that write the parent variables and waits for them all', () => {
    const spec = new Workflow('fan-out', (wf) => {
      const total = wf.declareInt('total').withDefault(0);
      const a = wf.spawnThread('adder', (child) => {
        const step = child.declareInt('step');
        child.mutate(total, 'ADD', step);
      }, { step: 2 });
      const b = wf.spawnThread('adder', (child) => {
        child.mutate(total, 'ADD', 5);
        child.execute('ping');
      });
      wf.waitForThreads(a, b);
    }).compile();
    expect(validateWfSpec(spec, catalog)).toEqual([]);
    expect(Object.keys(spec.threadSpecs)).toEqual(['entrypoint', 'adder', 'adder-2']);
    const state = simulate(spec, {}, () => 1);
    expect(state.status).toBe('COMPLETED');
    expect(state.threadRuns[0]?.variables.total).toBe(7);
  });

  it('runs an exception handler thread and goes on past the failed node', () => {
    const spec = new Workflow('handled', (wf) => {
      const note = wf.declareStr('note').withDefault('none');
      const charge = wf.execute('boom');
      wf.handleException(charge, () => note.assign('refunded'), 'card-declined');
      wf.sleepSeconds(0);
    }).compile();
    expect(validateWfSpec(spec, catalog)).toEqual([]);
    const state = simulate(spec, {}, (name) => (name === 'boom' ? { status: 'EXCEPTION', name: 'card-declined', message: 'no' } : null));
    expect(state.status).toBe('COMPLETED');
    expect(state.threadRuns.map((t) => t.kind)).toEqual(['ENTRYPOINT', 'FAILURE_HANDLER']);
    expect(state.threadRuns[0]?.variables.note).toBe('refunded');
  });

  it('builds a USER_TASK assigned to a group with a deadline, whose results the next edge assigns', () => {
    const spec = new Workflow('approve', (wf) => {
      const decision = wf.declareJsonObj('decision');
      const review = wf.assignUserTask('approval', { userGroup: 'finance' }).withNotes('Check the amount');
      wf.cancelUserTaskRunAfter(review, 60);
      decision.assign(review);
    }).compile();
    const withDefs: Catalog = { ...catalog, userTaskDefs: { approval: { name: 'approval', version: 0, fields: [{ name: 'ok', type: 'BOOL' }] } } };
    expect(validateWfSpec(spec, withDefs)).toEqual([]);
    expect(spec.threadSpecs.entrypoint?.nodes['1-approval-USER_TASK']).toEqual({
      type: 'USER_TASK',
      userTaskDefName: 'approval',
      userGroup: { type: 'LITERAL', value: 'finance' },
      notes: { type: 'LITERAL', value: 'Check the amount' },
      actions: [{ hook: 'ON_ARRIVAL', delaySeconds: { type: 'LITERAL', value: 60 }, action: { type: 'CANCEL' } }],
      outgoingEdges: [{ sinkNodeName: '2-exit-EXIT', variableMutations: [{ lhsName: 'decision', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
    });
  });

  it('refuses a user task with neither a user nor a group', () => {
    expect(() => new Workflow('nobody', (wf) => void wf.assignUserTask('approval', {})).compile()).toThrow('needs a userId, a userGroup or both');
  });
});
