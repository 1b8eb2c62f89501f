import { readFileSync } from 'node:fs';
import { step, validateWfSpec } from '@gallop/engine';
import type { Catalog, DecideContext, FireTimer, JsonValue, TaskAttemptResult, WfRunState, WfSpec } from '@gallop/engine';
import { describe, expect, it } from 'vitest';
import { defineTask } from '../task.ts';
import { WfSpecBuildError, Workflow } from './workflow.ts';

const catalog: Catalog = {
  taskDefs: {
    charge: { name: 'charge', inputVars: [{ name: 'amount', type: 'INT' }], returnType: 'STR' },
    ping: { name: 'ping', inputVars: [], returnType: 'INT' },
    boom: { name: 'boom', inputVars: [], returnType: 'STR' },
    ship: { name: 'ship', inputVars: [{ name: 'item', type: 'JSON_OBJ' }], returnType: 'INT' },
    lookup: { name: 'lookup', inputVars: [], returnType: 'JSON_OBJ' },
    echo: { name: 'echo', inputVars: [{ name: 'n', type: 'INT' }], returnType: 'INT' },
    negate: { name: 'negate', inputVars: [{ name: 'n', type: 'INT' }], returnType: 'INT' },
  },
  externalEventDefs: { 'cancel-order': { name: 'cancel-order' }, approved: { name: 'approved' } },
};

/** Runs a compiled spec in the engine, answering every TaskRun with `answer(taskDefName)`. */
function simulate(
  spec: WfSpec,
  variables: Record<string, JsonValue>,
  answer: (taskDefName: string, input: readonly JsonValue[]) => JsonValue | { status: 'EXCEPTION'; name: string; message: string },
  /** Sent one by one whenever no TaskRun is waiting. */
  events: { externalEventDefName: string; content: JsonValue }[] = [],
): WfRunState {
  const wfSpec = { ...spec, majorVersion: 0, revision: 0 };
  const ctx: DecideContext = { now: 0, ids: { next: () => 'x' }, wfSpec, catalog };
  let result = step(undefined, { type: 'RunWf', wfRunId: 'r', variables }, ctx);
  const pending = [...events];
  const timers: FireTimer[] = [];
  let timersOf: typeof result | undefined;
  for (let i = 0; result.ok && result.state.status === 'RUNNING' && i < 1000; i++) {
    if (timersOf !== result) for (const e of result.events) if (e.type === 'TimerSet') timers.push({ type: 'FireTimer', timerId: e.timerId, purpose: e.purpose });
    timersOf = result;
    const taskRun = result.state.threadRuns.find((t) => t.status === 'RUNNING' && t.currentNodeRun?.taskRun?.status === 'TASK_SCHEDULED')?.currentNodeRun?.taskRun;
    if (!taskRun) {
      // Sleeps (even of zero seconds) wake by their timers.
      const timer = timers.shift();
      if (timer) {
        const fired = step(result.state, timer, ctx);
        if (fired.ok) result = fired;
        continue;
      }
      const event = pending.shift();
      if (!event) break;
      result = step(result.state, { type: 'PutExternalEvent', guid: `e${i}`, ...event }, ctx);
      continue;
    }
    const answered = answer(taskRun.taskDefName, taskRun.input.map((i) => i.value));
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

  it('reads a node output later in its thread by the node name, and right after it from the edge', () => {
    const spec = new Workflow('late', (wf) => {
      const a = wf.declareStr('a');
      const out = wf.execute('ping');
      a.assign(out);
      wf.execute('ping');
      a.assign(out.jsonPath('$.name'));
    }).compile();
    const nodes = spec.threadSpecs.entrypoint?.nodes ?? {};
    expect(nodes['1-ping-TASK']?.outgoingEdges?.[0]?.variableMutations?.[0]?.rhs).toEqual({ type: 'NODE_OUTPUT' });
    expect(nodes['2-ping-TASK']?.outgoingEdges?.[0]?.variableMutations?.[0]?.rhs).toEqual({ type: 'NODE_OUTPUT_REFERENCE', nodeName: '1-ping-TASK', jsonPath: '$.name' });
  });

  it('takes an earlier node output wherever a value goes: inputs, format args, expressions, conditions', () => {
    const spec = new Workflow('reuse', (wf) => {
      const order = wf.execute('create-order');
      const approval = wf.waitForEvent('approved');
      wf.execute('charge', order.jsonPath('$.total'), wf.format('order {0}', order.jsonPath('$.id')));
      wf.doIf(approval.jsonPath('$.ok').isEqualTo(true), (then) => {
        then.execute('ship', wf.expr(order.jsonPath('$.total').castToInt()).add(1));
      });
    }).compile();
    const nodes = spec.threadSpecs.entrypoint?.nodes ?? {};
    const ref = (nodeName: string, jsonPath: string) => ({ type: 'NODE_OUTPUT_REFERENCE', nodeName, jsonPath });
    expect((nodes['3-charge-TASK'] as { inputs?: unknown }).inputs).toEqual([
      ref('1-create-order-TASK', '$.total'),
      { type: 'FORMAT_STRING', format: { type: 'LITERAL', value: 'order {0}' }, args: [ref('1-create-order-TASK', '$.id')] },
    ]);
    const condition = Object.values(nodes).flatMap((n) => n.outgoingEdges ?? []).find((e) => e.condition)?.condition;
    expect(condition).toEqual({ type: 'EXPRESSION', lhs: ref('2-approved-EXTERNAL_EVENT', '$.ok'), comparator: 'EQUALS', rhs: { type: 'LITERAL', value: true } });
    const ship = Object.entries(nodes).find(([name]) => name.endsWith('-ship-TASK'))?.[1] as { inputs?: unknown };
    expect(ship.inputs).toEqual([{ type: 'EXPRESSION', lhs: { ...ref('1-create-order-TASK', '$.total'), targetType: 'INT' }, operation: 'ADD', rhs: { type: 'LITERAL', value: 1 } }]);
  });

  it("passes the latest run of a node to a later node, as LittleHorse's PassingNodeOutputTest", () => {
    const spec = new Workflow('node-output-test', (wf) => {
      const iters = wf.declareInt('iters').withDefault(3);
      wf.doWhile(iters.isGreaterThan(0), (loop) => {
        const first = loop.execute('echo', iters);
        loop.execute('negate', first);
        loop.mutate(iters, 'SUBTRACT', 1);
      });
    }).compile();
    expect(validateWfSpec(spec, catalog)).toEqual([]);
    const negated: JsonValue[] = [];
    const state = simulate(spec, {}, (name, input) => {
      if (name !== 'negate') return input[0] ?? null;
      negated.push(input[0] ?? null);
      return -(input[0] as number);
    });
    expect(state.status).toBe('COMPLETED');
    expect(negated).toEqual([3, 2, 1]);
  });

  it('refuses to read a node output in another thread', () => {
    expect(() =>
      new Workflow('elsewhere', (wf) => {
        const out = wf.execute('ping');
        wf.spawnThread('child', (child) => {
          child.execute('ping', out);
        });
      }).compile(),
    ).toThrow(/the output of '1-ping-TASK' \(thread 'entrypoint'\) is read in thread 'child'; a node's output can be read only in its own thread/);
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

  it('sleeps until an epoch-milliseconds variable, or an ISO-8601 date as text or in a STR variable', () => {
    const spec = new Workflow('naps', (wf) => {
      const at = wf.declareTimestamp('at');
      const when = wf.declareStr('when');
      wf.sleepUntil(at);
      wf.sleepUntil(when);
      wf.sleepUntil('2026-12-24T18:00:00Z');
    }).compile();
    expect(validateWfSpec(spec, catalog)).toEqual([]);
    const sleeps = Object.values(spec.threadSpecs.entrypoint?.nodes ?? {}).filter((n) => n.type === 'SLEEP');
    expect(sleeps.map(({ outgoingEdges: _, ...n }) => n)).toEqual([
      { type: 'SLEEP', timestamp: { type: 'VARIABLE', variableName: 'at' } },
      { type: 'SLEEP', isoDate: { type: 'VARIABLE', variableName: 'when' } },
      { type: 'SLEEP', isoDate: { type: 'LITERAL', value: '2026-12-24T18:00:00Z' } },
    ]);
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

  it('schedules reminder tasks on a user task, with their retries, and a cancellation exception read from a variable', () => {
    const spec = new Workflow('remind', (wf) => {
      const manager = wf.declareStr('manager');
      const reason = wf.declareStr('reason');
      const review = wf.assignUserTask('approval', { userId: manager }).withOnCancellationException(reason);
      wf.scheduleReminderTask(review, 60, 'send-reminder', manager).withRetries(2).timeout(10);
      wf.scheduleReminderTaskOnAssignment(review, 30, 'send-reminder', 'finance');
    }).compile();
    const node = spec.threadSpecs.entrypoint?.nodes['1-approval-USER_TASK'];
    expect(node).toMatchObject({
      onCancellationExceptionName: { type: 'VARIABLE', variableName: 'reason' },
      actions: [
        {
          hook: 'ON_ARRIVAL',
          delaySeconds: { type: 'LITERAL', value: 60 },
          action: { type: 'TASK', task: { taskDefName: 'send-reminder', inputs: [{ type: 'VARIABLE', variableName: 'manager' }], retries: 2, timeoutSeconds: 10 } },
        },
        { hook: 'ON_TASK_ASSIGNED', delaySeconds: { type: 'LITERAL', value: 30 }, action: { type: 'TASK', task: { taskDefName: 'send-reminder', inputs: [{ type: 'LITERAL', value: 'finance' }] } } },
      ],
    });
  });

  it('refuses a variable both masked and searchable when compiling, naming it, with or without a catalog', () => {
    const message = "vault: variable 'pin' is masked, so it cannot be searchable: WfRuns are never searched by a masked value.";
    expect(() => new Workflow('vault', (wf) => void wf.declareStr('pin').masked().searchable()).compile()).toThrow(message);
    expect(() => new Workflow('vault', (wf) => void wf.declareStr('pin').searchable().masked()).compile({ catalog })).toThrow(message);
    // Either alone is fine.
    const spec = new Workflow('vault', (wf) => {
      wf.declareStr('pin').masked();
      wf.declareStr('owner').searchable();
    }).compile({ catalog });
    expect(spec.threadSpecs.entrypoint?.variableDefs).toEqual([
      { name: 'pin', type: 'STR', masked: true },
      { name: 'owner', type: 'STR', searchable: true },
    ]);
  });

  it('refuses a user task with neither a user nor a group', () => {
    expect(() => new Workflow('nobody', (wf) => void wf.assignUserTask('approval', {})).compile()).toThrow('needs a userId, a userGroup or both');
  });

  it('chains doIf, doElseIf and doElse, trying the conditions in order', () => {
    const spec = new Workflow('grade', (wf) => {
      const score = wf.declareInt('score').required();
      const grade = wf.declareStr('grade');
      wf.doIf(score.isGreaterThanEq(90), () => grade.assign('A'))
        .doElseIf(score.isGreaterThanEq(50), () => grade.assign('B'))
        .doElse(() => grade.assign('C'));
      wf.execute('ping');
    }).compile({ catalog });
    const gradeOf = (score: number) => simulate(spec, { score }, () => 1).threadRuns[0]?.variables.grade;
    expect([gradeOf(95), gradeOf(90), gradeOf(60), gradeOf(10)]).toEqual(['A', 'A', 'B', 'C']);
    // Without a doElse, no condition holding goes straight on.
    const noElse = new Workflow('maybe', (wf) => {
      const n = wf.declareInt('n');
      const seen = wf.declareStr('seen').withDefault('none');
      wf.doIf(n.isEqualTo(1), () => seen.assign('one')).doElseIf(n.isEqualTo(2), () => seen.assign('two'));
    }).compile({ catalog });
    expect(simulate(noElse, { n: 2 }, () => null).threadRuns[0]?.variables.seen).toBe('two');
    expect(simulate(noElse, { n: 3 }, () => null).threadRuns[0]?.variables.seen).toBe('none');
  });

  it('drops the join of a doIf chain whose every branch ends the thread, and refuses a node after it', () => {
    const spec = new Workflow('ends', (wf) => {
      const ok = wf.declareBool('ok');
      wf.doIf(ok.isEqualTo(true), (t) => t.complete('yes')).doElse((t) => t.fail('refused', 'Not ok'));
    }).compile({ catalog });
    expect(Object.keys(spec.threadSpecs.entrypoint?.nodes ?? {}).filter((n) => n.endsWith('NOP'))).toEqual(['1-nop-NOP']);
    expect(simulate(spec, { ok: true }, () => null).status).toBe('COMPLETED');
    expect(simulate(spec, { ok: false }, () => null).status).toBe('EXCEPTION');
    expect(() =>
      new Workflow('after', (wf) => {
        const ok = wf.declareBool('ok');
        wf.doIf(ok.isEqualTo(true), (t) => t.complete()).doElse((t) => t.complete());
        wf.execute('ping');
      }).compile(),
    ).toThrow(/nothing can follow complete\(\) or fail\(\)/);
    expect(() =>
      new Workflow('late-else', (wf) => {
        const ok = wf.declareBool('ok');
        const chain = wf.doIf(ok.isEqualTo(true), (t) => void t.execute('ping'));
        wf.execute('ping');
        chain.doElse((t) => void t.execute('ping'));
      }).compile(),
    ).toThrow(/doElse must come right after its doIf/);
  });

  it('spawns a thread per element with spawnThreadForEach, each with its element in INPUT', () => {
    const spec = new Workflow('ship-all', (wf) => {
      const items = wf.declareJsonArr('items').required();
      const shipped = wf.declareInt('shipped').withDefault(0);
      const labels = wf.declareJsonArr('labels').withDefault([]);
      const each = wf.spawnThreadForEach(items, 'ship-one', (child, item) => {
        shipped.add(child.execute('ship', item));
      });
      // A second for-each thread declares INPUT too: LittleHorse allows that name in every such thread.
      const names = wf.spawnThreadForEach(items, 'label', (child, item) => labels.add(item.jsonPath('$.sku')), { inputType: 'JSON_OBJ' });
      wf.waitForThreads(each, names);
    }).compile({ catalog });
    const state = simulate(spec, { items: [{ sku: 'a', qty: 2 }, { sku: 'b', qty: 3 }] }, (_, [item]) => (item as { qty: number }).qty);
    expect(state.status).toBe('COMPLETED');
    expect(state.threadRuns[0]?.variables.shipped).toBe(5);
    expect([...((state.threadRuns[0]?.variables.labels as string[]) ?? [])].sort()).toEqual(['a', 'b']);
    expect(state.threadRuns.filter((t) => t.kind === 'CHILD')).toHaveLength(4);
  });

  it('registers an interrupt handler that runs on its event, with the content in INPUT, and lets the thread go on', () => {
    const spec = new Workflow('cancellable', (wf) => {
      const reason = wf.declareStr('reason');
      wf.registerInterruptHandler('cancel-order', (handler, input) => reason.assign(input), { inputType: 'STR' });
      const decision = wf.declareJsonObj('decision');
      decision.assign(wf.waitForEvent('approved'));
    }).compile({ catalog });
    expect(spec.threadSpecs.entrypoint?.interruptDefs).toEqual([{ externalEventDefName: 'cancel-order', handlerSpecName: 'interrupt-cancel-order' }]);
    const state = simulate(spec, {}, () => null, [
      { externalEventDefName: 'cancel-order', content: 'changed my mind' },
      { externalEventDefName: 'approved', content: { by: 'ada' } },
    ]);
    expect(state.status).toBe('COMPLETED');
    expect(state.threadRuns.map((t) => t.kind)).toEqual(['ENTRYPOINT', 'INTERRUPT']);
    expect(state.threadRuns[0]?.variables).toMatchObject({ reason: 'changed my mind', decision: { by: 'ada' } });
  });

  it('mutates and reads a JSON path inside a variable', () => {
    const spec = new Workflow('paths', (wf) => {
      const order = wf.declareJsonObj('order').required();
      const total = wf.declareInt('total');
      total.assign(order.jsonPath('$.amount'));
      wf.execute('ping');
      order.jsonPath('$.status').assign('paid');
      wf.mutate(order.jsonPath('$.amount'), 'ADD', 1);
    }).compile({ catalog });
    const state = simulate(spec, { order: { amount: 41, status: 'new' } }, () => 1);
    expect(state.threadRuns[0]?.variables).toEqual({ order: { amount: 42, status: 'paid' }, total: 41 });
  });

  it('waits for a condition another thread makes true', () => {
    const spec = new Workflow('gate', (wf) => {
      const open = wf.declareBool('open').withDefault(false);
      const child = wf.spawnThread('opener', (t) => {
        t.execute('ping');
        open.assign(true);
      });
      wf.waitForCondition(open.isEqualTo(true));
      wf.waitForThreads(child);
    }).compile({ catalog });
    expect(spec.threadSpecs.entrypoint?.nodes['2-wait-for-condition-WAIT_FOR_CONDITION']).toBeDefined();
    expect(simulate(spec, {}, () => 1).status).toBe('COMPLETED');
  });

  it('builds a typed task: inputs by name for the function, positions for execute, the TaskDef to register', async () => {
    const charge = defineTask(
      { name: 'charge', inputVars: [{ name: 'amount', type: 'INT' }], returnType: 'STR' },
      ({ amount }) => `charged ${amount}`,
    );
    expect(charge.def).toEqual(catalog.taskDefs.charge);
    expect(await charge.fn({ amount: 5 }, undefined as never)).toBe('charged 5');
    const spec = new Workflow('typed', (wf) => {
      const receipt = wf.declareStr('receipt');
      receipt.assign(wf.execute(charge, 12));
    }).compile({ catalog });
    expect(simulate(spec, {}, (_, [amount]) => `charged ${String(amount)}`).threadRuns[0]?.variables.receipt).toBe('charged 12');
  });

  it('carries a typed task\'s masked inputs and masked output into the TaskDef it registers', () => {
    const token = defineTask({ name: 'token', inputVars: [{ name: 'secret', type: 'STR', masked: true }], returnType: 'STR', maskedOutput: true }, ({ secret }) => secret);
    expect(token.def).toEqual({ name: 'token', inputVars: [{ name: 'secret', type: 'STR', masked: true }], returnType: 'STR', maskedOutput: true });
    expect(defineTask({ name: 'plain', inputVars: [], returnType: 'STR' }, () => 'x').def).not.toHaveProperty('maskedOutput');
  });

  it('compiles against a catalog and names the builder call behind each problem', () => {
    const build = () =>
      new Workflow('broken', (wf) => {
        const amount = wf.declareInt('amount');
        wf.execute('no-such-task', amount);
        wf.waitForEvent('never-registered');
      }).compile({ catalog });
    let error: unknown;
    try {
      build();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WfSpecBuildError);
    const problems = (error as WfSpecBuildError).problems;
    expect(problems.map((p) => [p.code, p.madeBy?.replace(/:\d+:\d+$/, '')])).toEqual([
      ['UNKNOWN_TASK_DEF', "execute('no-such-task') at sdk/src/builder/workflow.test.ts"],
      ['UNKNOWN_EXTERNAL_EVENT_DEF', "waitForEvent('never-registered') at sdk/src/builder/workflow.test.ts"],
    ]);
    // The line is the call's own line in this file.
    const line = (error as Error).message.match(/execute\('no-such-task'\) at sdk\/src\/builder\/workflow\.test\.ts:(\d+)/)?.[1];
    const source = readFileSync(new URL(import.meta.url), 'utf8').split('\n');
    expect(source[Number(line) - 1]).toContain("wf.execute('no-such-task', amount);");
    expect((error as Error).message).toContain('threadSpecs.entrypoint.nodes["1-no-such-task-TASK"].taskDefName: TASK node');
  });

  it('assigns a JSON path of a node output', () => {
    const spec = new Workflow('output-path', (wf) => {
      const id = wf.declareStr('id');
      id.assign(wf.execute('lookup').jsonPath('$.id'));
    }).compile({ catalog });
    expect(spec.threadSpecs.entrypoint?.nodes['1-lookup-TASK']?.outgoingEdges?.[0]?.variableMutations).toEqual([
      { lhsName: 'id', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT', jsonPath: '$.id' } },
    ]);
    const state = simulate(spec, {}, () => ({ id: 'order-7', other: 1 }));
    expect(state.threadRuns[0]?.variables.id).toBe('order-7');
  });

  it('handles each failed child of waitForThreads with a per-thread handler, and the wait goes on', () => {
    const spec = new Workflow('children', (wf) => {
      const handled = wf.declareInt('handled').withDefault(0);
      const items = wf.declareJsonArr('items');
      const each = wf.spawnThreadForEach(items, 'try-one', (child) => void child.execute('boom'));
      wf.waitForThreads(each).handleExceptionOnChild(() => handled.add(1), 'card-declined');
    }).compile({ catalog });
    expect(spec.threadSpecs.entrypoint?.nodes['2-threads-WAIT_FOR_THREADS']).toMatchObject({
      perThreadFailureHandlers: [{ handlerSpecName: 'child-handler-2-threads-WAIT_FOR_THREADS-card-declined', specificFailure: 'card-declined' }],
    });
    const state = simulate(spec, { items: [1, 2] }, () => ({ status: 'EXCEPTION', name: 'card-declined', message: 'no' }));
    expect(state.status).toBe('COMPLETED');
    expect(state.threadRuns[0]?.variables.handled).toBe(2);
  });

  it('refuses a mutation on a path that already ended, naming the call', () => {
    expect(() =>
      new Workflow('ended', (wf) => {
        const n = wf.declareInt('n');
        wf.complete();
        n.add(1);
      }).compile(),
    ).toThrow(/nothing can follow complete\(\) or fail\(\) on the same path \(add of 'n' at sdk\/src\/builder\/workflow\.test\.ts:\d+:\d+\)/);
  });
});
