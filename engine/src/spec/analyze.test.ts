import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepFreeze, testContext } from '../../test/fixtures.ts';
import { step } from '../run/step.ts';
import type { JsonValue } from '../values/value.ts';
import { analyzeWfSpec } from './analyze.ts';
import type { Finding, FindingCode } from './analyze.ts';
import type { Catalog, WfSpec } from './types.ts';
import { NODE_TYPES } from './types.ts';
import { validateWfSpec } from './validate.ts';

/** A spec as loose JSON, so a test can build (or break) it freely. */
type Draft = any;

const catalog: Catalog = {
  taskDefs: { work: { name: 'work', inputVars: [], returnType: 'INT' } },
  externalEventDefs: { cancel: { name: 'cancel' } },
};

const v = (variableName: string) => ({ type: 'VARIABLE', variableName });
const lit = (value: JsonValue) => ({ type: 'LITERAL', value });
const when = (left: Draft, comparator: string, right: Draft) => ({ comparator, left, right });
const to = (sinkNodeName: string, extra: Draft = {}) => ({ sinkNodeName, ...extra });
const set = (lhsName: string, operation: string, rhs: Draft) => ({ lhsName, operation, rhs });
const OUTPUT = { type: 'NODE_OUTPUT' };

const ENTRY = '0-entrypoint-ENTRYPOINT';
const entry = (sink: string) => ({ type: 'ENTRYPOINT', outgoingEdges: [to(sink)] });
const task = (...outgoingEdges: Draft[]) => ({ type: 'TASK', taskDefName: 'work', outgoingEdges });
const nop = (...outgoingEdges: Draft[]) => ({ type: 'NOP', outgoingEdges });
const sleep = (...outgoingEdges: Draft[]) => ({ type: 'SLEEP', rawSeconds: lit(60), outgoingEdges });
const exit = (failureName?: string) => (failureName === undefined ? { type: 'EXIT' } : { type: 'EXIT', failureDef: { failureName, message: `${failureName}!` } });
/** A thread that does nothing but end. */
const tiny = (variableDefs: Draft[] = []) => ({ variableDefs, nodes: { [ENTRY]: entry('1-exit-EXIT'), '1-exit-EXIT': exit() } });

function wf(threadSpecs: Record<string, Draft>): Draft {
  return { name: 'analyzed', entrypointThreadName: 'entrypoint', threadSpecs };
}

/** The findings of a spec that validates: what a schema check cannot see. */
function findings(spec: WfSpec): Finding[] {
  expect(validateWfSpec(spec, catalog)).toEqual([]);
  return analyzeWfSpec(deepFreeze(spec), catalog);
}

/** How a WfRun of `spec` stands once it has gone as far as it can without the world: status and failure name. */
function runOnce(spec: WfSpec, variables: Record<string, JsonValue> = {}): [string, string | undefined] {
  const result = step(undefined, { type: 'RunWf', wfRunId: 'r1', variables }, testContext(0, { wfSpec: { ...spec, majorVersion: 0, revision: 0 }, catalog }));
  if (!result.ok) throw new Error(result.rejection.message);
  return [result.state.status, result.state.failure?.name];
}

const codes = (list: readonly Finding[]): FindingCode[] => list.map((f) => f.code);
const at = (thread: string, node: string) => ['threadSpecs', thread, 'nodes', node];

describe('analyzeWfSpec', () => {
  describe('LOOP_WITHOUT_EXIT', () => {
    /** ENTRYPOINT -> check, which polls (poll <-> pause) while `ready` or else exits; pause's edges are `pauseEdges`. */
    const polling = (...pauseEdges: Draft[]) =>
      wf({
        entrypoint: {
          variableDefs: [{ name: 'ready', type: 'BOOL', defaultValue: false }],
          nodes: {
            [ENTRY]: entry('1-check-NOP'),
            '1-check-NOP': nop(to('2-poll-TASK', { condition: when(v('ready'), 'EQUALS', lit(true)) }), to('9-exit-EXIT')),
            '2-poll-TASK': task(to('3-pause-SLEEP', { variableMutations: [set('ready', 'ASSIGN', lit(true))] })),
            '3-pause-SLEEP': sleep(...pauseEdges),
            '9-exit-EXIT': exit(),
          },
        },
      });

    it('reports a loop no edge leaves, at the node where the thread enters it', () => {
      const found = findings(polling(to('2-poll-TASK')));
      expect(found).toEqual([
        {
          path: at('entrypoint', '2-poll-TASK'),
          code: 'LOOP_WITHOUT_EXIT',
          message: "No edge leaves the loop through '2-poll-TASK' and '3-pause-SLEEP': once the thread reaches '2-poll-TASK' it goes round until it fails or the WfRun is stopped.",
          severity: 'warning',
        },
      ]);
    });

    it('reports nothing when an edge leaves the loop', () => {
      expect(findings(polling(to('9-exit-EXIT', { condition: when(v('ready'), 'EQUALS', lit(true)) }), to('2-poll-TASK')))).toEqual([]);
    });

    it('takes an edge whose condition compares two constants that differ as never taken', () => {
      const found = findings(polling(to('9-exit-EXIT', { condition: when(lit(1), 'EQUALS', lit(2)) }), to('2-poll-TASK')));
      expect(codes(found)).toEqual(['LOOP_WITHOUT_EXIT']);
      expect(found[0]?.message).toContain("Its edges out (from '3-pause-SLEEP' to '9-exit-EXIT') are never taken");
    });

    it('takes an edge after one without a condition as never taken, on a spec that does not validate', () => {
      const spec = polling(to('2-poll-TASK'), to('9-exit-EXIT', { condition: when(v('ready'), 'EQUALS', lit(true)) }));
      expect(validateWfSpec(spec, catalog).map((p) => p.code)).toEqual(['UNREACHABLE_EDGE']);
      expect(codes(analyzeWfSpec(spec, catalog))).toEqual(['LOOP_WITHOUT_EXIT']);
    });

    it('marks the node the loop is entered at, not its lowest-numbered one', () => {
      const spec = wf({
        entrypoint: {
          variableDefs: [{ name: 'go', type: 'BOOL', required: true }],
          nodes: {
            [ENTRY]: entry('1-start-NOP'),
            '1-start-NOP': nop(to('5-b-TASK', { condition: when(v('go'), 'EQUALS', lit(true)) }), to('9-exit-EXIT')),
            '3-a-TASK': task(to('5-b-TASK')),
            '5-b-TASK': task(to('3-a-TASK')),
            '9-exit-EXIT': exit(),
          },
        },
      });
      expect(findings(spec).map((f) => [f.code, f.path])).toEqual([['LOOP_WITHOUT_EXIT', at('entrypoint', '5-b-TASK')]]);
    });
  });

  describe('LOOP_CONDITION_NEVER_CHANGES', () => {
    /** `while (i < 10) work()`, the work edge going back with `mutations`. */
    const whileLoop = (mutations: Draft[], extra: Record<string, Draft> = {}) =>
      wf({
        entrypoint: {
          variableDefs: [{ name: 'i', type: 'INT', defaultValue: 0 }, { name: 'result', type: 'INT' }],
          nodes: {
            [ENTRY]: entry('1-loop-NOP'),
            '1-loop-NOP': nop(to('2-work-TASK', { condition: when(v('i'), 'LESS_THAN', lit(10)) }), to('3-exit-EXIT')),
            '2-work-TASK': task(to('1-loop-NOP', { variableMutations: mutations })),
            '3-exit-EXIT': exit(),
          },
        },
        ...extra,
      });

    it('reports a loop whose way out reads only variables the loop never changes', () => {
      expect(findings(whileLoop([set('result', 'ASSIGN', OUTPUT)]))).toEqual([
        {
          path: at('entrypoint', '1-loop-NOP'),
          code: 'LOOP_CONDITION_NEVER_CHANGES',
          message:
            "Whether the thread leaves the loop through '1-loop-NOP' and '2-work-TASK' depends only on i < 10 at '1-loop-NOP', and nothing in the loop " +
            "changes 'i': once the loop is entered and the condition does not let the thread out, it loops forever.",
          severity: 'warning',
        },
      ]);
    });

    it('reports nothing when the loop changes the variable', () => {
      expect(findings(whileLoop([set('result', 'ASSIGN', OUTPUT), set('i', 'ADD', lit(1))]))).toEqual([]);
    });

    it('reads the back edge of a do-while, whose way out is the edge without a condition', () => {
      const doWhile = (mutations: Draft[]) =>
        wf({
          entrypoint: {
            variableDefs: [{ name: 'ready', type: 'BOOL', defaultValue: false }],
            nodes: {
              [ENTRY]: entry('1-start-NOP'),
              '1-start-NOP': nop(to('2-body-TASK')),
              '2-body-TASK': task(to('3-end-NOP', { variableMutations: mutations })),
              '3-end-NOP': nop(to('1-start-NOP', { condition: when(v('ready'), 'EQUALS', lit(false)) }), to('4-exit-EXIT')),
              '4-exit-EXIT': exit(),
            },
          },
        });
      const found = findings(doWhile([]));
      expect(found.map((f) => [f.code, f.path])).toEqual([['LOOP_CONDITION_NEVER_CHANGES', at('entrypoint', '1-start-NOP')]]);
      expect(found[0]?.message).toContain("ready == false at '3-end-NOP'");
      expect(findings(doWhile([set('ready', 'ASSIGN', lit(true))]))).toEqual([]);
    });

    it('reports an inner loop whose variable only the outer loop changes', () => {
      const spec = wf({
        entrypoint: {
          variableDefs: [{ name: 'i', type: 'INT', defaultValue: 0 }, { name: 'j', type: 'INT', defaultValue: 0 }],
          nodes: {
            [ENTRY]: entry('1-outer-NOP'),
            '1-outer-NOP': nop(to('2-inner-NOP', { condition: when(v('i'), 'LESS_THAN', lit(3)) }), to('5-exit-EXIT')),
            '2-inner-NOP': nop(to('3-work-TASK', { condition: when(v('j'), 'LESS_THAN', lit(3)) }), to('4-next-NOP')),
            // The author meant j here.
            '3-work-TASK': task(to('2-inner-NOP', { variableMutations: [set('i', 'ADD', lit(1))] })),
            '4-next-NOP': nop(to('1-outer-NOP', { variableMutations: [set('i', 'ADD', lit(1))] })),
            '5-exit-EXIT': exit(),
          },
        },
      });
      const found = findings(spec);
      expect(found.map((f) => [f.code, f.path])).toEqual([['LOOP_CONDITION_NEVER_CHANGES', at('entrypoint', '2-inner-NOP')]]);
      expect(found[0]?.message).toContain("changes 'j'");
    });

    it('reports nothing when another thread may change the variable meanwhile', () => {
      // A thread started before the loop runs beside it and writes its parent's variables.
      const spec = whileLoop([], {
        bump: { nodes: { [ENTRY]: entry('1-bump-NOP'), '1-bump-NOP': nop(to('2-exit-EXIT', { variableMutations: [set('i', 'ADD', lit(10))] })), '2-exit-EXIT': exit() } },
      });
      spec.threadSpecs.entrypoint.nodes[ENTRY] = entry('0-spawn-START_THREAD');
      spec.threadSpecs.entrypoint.nodes['0-spawn-START_THREAD'] = { type: 'START_THREAD', threadSpecName: 'bump', outgoingEdges: [to('1-loop-NOP')] };
      expect(findings(spec)).toEqual([]);
    });

    it('reports nothing when an interrupt handler changes the variable', () => {
      const spec = whileLoop([], {
        'on-cancel': { nodes: { [ENTRY]: entry('1-stop-NOP'), '1-stop-NOP': nop(to('2-exit-EXIT', { variableMutations: [set('i', 'ASSIGN', lit(99))] })), '2-exit-EXIT': exit() } },
      });
      spec.threadSpecs.entrypoint.interruptDefs = [{ externalEventDefName: 'cancel', handlerSpecName: 'on-cancel' }];
      expect(findings(spec)).toEqual([]);
    });

    it('reports nothing when the loop starts a thread or has a node with a failure handler', () => {
      const handled = whileLoop([], { fix: tiny() });
      handled.threadSpecs.entrypoint.nodes['2-work-TASK'].failureHandlers = [{ handlerSpecName: 'fix' }];
      expect(findings(handled)).toEqual([]);
    });
  });

  describe('WAIT_FOR_CONDITION_NEVER_CHANGES', () => {
    const waiting = (condition: Draft, extra: Record<string, Draft> = {}) =>
      wf({
        entrypoint: {
          variableDefs: [{ name: 'approved', type: 'BOOL' }],
          nodes: {
            [ENTRY]: entry('1-wait-WAIT_FOR_CONDITION'),
            '1-wait-WAIT_FOR_CONDITION': { type: 'WAIT_FOR_CONDITION', condition, outgoingEdges: [to('2-exit-EXIT')] },
            '2-exit-EXIT': exit(),
          },
        },
        ...extra,
      });

    it('reports a wait on variables no edge of the WfSpec changes', () => {
      expect(findings(waiting(when(v('approved'), 'EQUALS', lit(true))))).toEqual([
        {
          path: at('entrypoint', '1-wait-WAIT_FOR_CONDITION'),
          code: 'WAIT_FOR_CONDITION_NEVER_CHANGES',
          message:
            "WAIT_FOR_CONDITION '1-wait-WAIT_FOR_CONDITION' waits until approved == true, but no edge of the WfSpec changes 'approved': " +
            'if the condition does not hold when the thread arrives, it waits forever.',
          severity: 'warning',
        },
      ]);
    });

    it('reports nothing when some thread changes the variable (here an interrupt handler)', () => {
      const spec = waiting(when(v('approved'), 'EQUALS', lit(true)), {
        approve: { nodes: { [ENTRY]: entry('1-yes-NOP'), '1-yes-NOP': nop(to('2-exit-EXIT', { variableMutations: [set('approved', 'ASSIGN', lit(true))] })), '2-exit-EXIT': exit() } },
      });
      spec.threadSpecs.entrypoint.interruptDefs = [{ externalEventDefName: 'cancel', handlerSpecName: 'approve' }];
      expect(findings(spec)).toEqual([]);
    });

    it('describes what the engine does: the thread stays at the wait', () => {
      expect(runOnce(waiting(when(v('approved'), 'EQUALS', lit(true))))).toEqual(['RUNNING', undefined]);
    });

    it('reports a condition between constants that never holds', () => {
      const found = findings(waiting(when(lit(1), 'GREATER_THAN', lit(2))));
      expect(codes(found)).toEqual(['WAIT_FOR_CONDITION_NEVER_CHANGES']);
      expect(found[0]?.message).toContain('never holds');
      expect(findings(waiting(when(lit(2), 'GREATER_THAN', lit(1))))).toEqual([]);
    });
  });

  describe('WAIT_FOR_ENDLESS_THREAD', () => {
    /** Starts `poller` and waits for it (with `strategy`); the poller waits for a flag nothing ever sets. */
    const waitingOnPoller = (strategy?: string, flagSetter = false) =>
      wf({
        entrypoint: {
          variableDefs: [{ name: 'child', type: 'INT' }, { name: 'ready', type: 'BOOL', defaultValue: false }],
          nodes: {
            [ENTRY]: entry('1-spawn-START_THREAD'),
            '1-spawn-START_THREAD': { type: 'START_THREAD', threadSpecName: 'poller', outgoingEdges: [to('2-wait-WAIT_FOR_THREADS', { variableMutations: [set('child', 'ASSIGN', OUTPUT)] })] },
            '2-wait-WAIT_FOR_THREADS': {
              type: 'WAIT_FOR_THREADS',
              threads: [v('child')],
              ...(strategy ? { strategy } : {}),
              outgoingEdges: [to('3-exit-EXIT', flagSetter ? { variableMutations: [set('ready', 'ASSIGN', lit(true))] } : {})],
            },
            '3-exit-EXIT': exit(),
          },
        },
        poller: {
          variableDefs: [],
          nodes: {
            [ENTRY]: entry('1-until-WAIT_FOR_CONDITION'),
            '1-until-WAIT_FOR_CONDITION': { type: 'WAIT_FOR_CONDITION', condition: when(v('ready'), 'EQUALS', lit(true)), outgoingEdges: [to('2-exit-EXIT')] },
            '2-exit-EXIT': exit(),
          },
        },
      });

    it('reports a wait for all of a child that can wait forever, and why', () => {
      const found = findings(waitingOnPoller());
      expect(codes(found)).toEqual(['WAIT_FOR_CONDITION_NEVER_CHANGES', 'WAIT_FOR_ENDLESS_THREAD']);
      expect(found[1]).toMatchObject({
        path: at('entrypoint', '2-wait-WAIT_FOR_THREADS'),
        message: expect.stringContaining("waits for thread 'poller', which can run forever (WAIT_FOR_CONDITION_NEVER_CHANGES at '1-until-WAIT_FOR_CONDITION')"),
      });
      // The engine agrees: the WfRun stays RUNNING, with nothing left to do.
      expect(runOnce(waitingOnPoller())).toEqual(['RUNNING', undefined]);
    });

    it('reports nothing when another child may end the wait, or something can set the flag', () => {
      expect(codes(findings(waitingOnPoller('WAIT_FOR_ANY')))).toEqual(['WAIT_FOR_CONDITION_NEVER_CHANGES']);
      expect(findings(waitingOnPoller(undefined, true))).toEqual([]);
    });
  });

  describe('WAIT_FOR_UNSTARTED_THREAD', () => {
    /** Starts `worker` only when `rush`, then waits for it either way; `child` holds its number. */
    const maybeStarted = ({ childDef = {}, otherwise = '3-wait-WAIT_FOR_THREADS', spawn = {} }: { childDef?: Draft; otherwise?: string; spawn?: Draft } = {}) =>
      wf({
        entrypoint: {
          variableDefs: [{ name: 'rush', type: 'BOOL', required: true }, { name: 'child', type: 'INT', ...childDef }],
          nodes: {
            [ENTRY]: entry('1-check-NOP'),
            '1-check-NOP': nop(to('2-spawn-START_THREAD', { condition: when(v('rush'), 'EQUALS', lit(true)) }), to(otherwise)),
            '2-spawn-START_THREAD': {
              type: 'START_THREAD',
              threadSpecName: 'worker',
              outgoingEdges: [to('3-wait-WAIT_FOR_THREADS', { variableMutations: [set('child', 'ASSIGN', OUTPUT)] })],
              ...spawn,
            },
            '3-wait-WAIT_FOR_THREADS': { type: 'WAIT_FOR_THREADS', threads: [v('child')], outgoingEdges: [to('4-exit-EXIT')] },
            '4-exit-EXIT': exit(),
          },
        },
        worker: tiny(),
        ...(spawn.failureHandlers ? { recover: tiny() } : {}),
      });

    it('reports a wait for a thread number some path leaves unassigned, naming that path', () => {
      expect(findings(maybeStarted())).toEqual([
        {
          path: at('entrypoint', '3-wait-WAIT_FOR_THREADS'),
          code: 'WAIT_FOR_UNSTARTED_THREAD',
          message:
            "WAIT_FOR_THREADS '3-wait-WAIT_FOR_THREADS' waits for the thread number in 'child', which is not assigned on the path " +
            "'0-entrypoint-ENTRYPOINT' -> '1-check-NOP' -> '3-wait-WAIT_FOR_THREADS': there it is NULL and the node fails with VAR_SUB_ERROR.",
          severity: 'warning',
        },
      ]);
    });

    it('describes what the engine does on that path', () => {
      expect(runOnce(maybeStarted(), { rush: false })).toEqual(['ERROR', 'VAR_SUB_ERROR']);
      expect(runOnce(maybeStarted(), { rush: true })).toEqual(['COMPLETED', undefined]);
    });

    it('reports nothing when every path starts the thread first', () => {
      expect(findings(maybeStarted({ otherwise: '2-spawn-START_THREAD' }))).toEqual([]);
    });

    it('counts a default value as assigned at the start', () => {
      expect(findings(maybeStarted({ childDef: { defaultValue: 1 } }))).toEqual([]);
    });

    it('follows the edge a handled failure takes without its mutations', () => {
      const found = findings(maybeStarted({ otherwise: '2-spawn-START_THREAD', spawn: { failureHandlers: [{ handlerSpecName: 'recover' }] } }));
      expect(codes(found)).toEqual(['WAIT_FOR_UNSTARTED_THREAD']);
      expect(found[0]?.message).toContain("'2-spawn-START_THREAD' (whose failure, once handled, skips its edge's mutations) -> '3-wait-WAIT_FOR_THREADS'");
      // A handler for business EXCEPTIONs never catches what a START_THREAD fails with.
      const exceptionsOnly = maybeStarted({ otherwise: '2-spawn-START_THREAD', spawn: { failureHandlers: [{ handlerSpecName: 'recover', anyFailureOfType: 'FAILURE_TYPE_EXCEPTION' }] } });
      expect(findings(exceptionsOnly)).toEqual([]);
    });

    it("leaves out an ancestor's variables, which may be set before the thread started", () => {
      const spec = wf({
        entrypoint: {
          variableDefs: [{ name: 'first', type: 'INT' }],
          nodes: {
            [ENTRY]: entry('1-spawn-START_THREAD'),
            '1-spawn-START_THREAD': { type: 'START_THREAD', threadSpecName: 'worker', outgoingEdges: [to('2-watch-START_THREAD', { variableMutations: [set('first', 'ASSIGN', OUTPUT)] })] },
            '2-watch-START_THREAD': { type: 'START_THREAD', threadSpecName: 'watcher', outgoingEdges: [to('3-exit-EXIT')] },
            '3-exit-EXIT': exit(),
          },
        },
        worker: tiny(),
        watcher: { nodes: { [ENTRY]: entry('1-wait-WAIT_FOR_THREADS'), '1-wait-WAIT_FOR_THREADS': { type: 'WAIT_FOR_THREADS', threads: [v('first')], outgoingEdges: [to('2-exit-EXIT')] }, '2-exit-EXIT': exit() } },
      });
      expect(findings(spec)).toEqual([]);
    });
  });

  describe('UNHANDLED_FAILURE', () => {
    /** `reserve` throws out-of-stock when `stock` is 0; the entrypoint starts it and waits with `wait`'s fields. */
    const reserving = (wait: Draft = {}, { waits = true } = {}) =>
      wf({
        entrypoint: {
          variableDefs: [{ name: 'child', type: 'INT' }],
          nodes: {
            [ENTRY]: entry('1-spawn-START_THREAD'),
            '1-spawn-START_THREAD': {
              type: 'START_THREAD',
              threadSpecName: 'reserve',
              outgoingEdges: [to(waits ? '2-wait-WAIT_FOR_THREADS' : '3-exit-EXIT', { variableMutations: [set('child', 'ASSIGN', OUTPUT)] })],
            },
            ...(waits ? { '2-wait-WAIT_FOR_THREADS': { type: 'WAIT_FOR_THREADS', threads: [v('child')], outgoingEdges: [to('3-exit-EXIT')], ...wait } } : {}),
            '3-exit-EXIT': exit(),
          },
        },
        reserve: {
          variableDefs: [{ name: 'stock', type: 'INT', defaultValue: 0 }],
          nodes: {
            [ENTRY]: entry('1-check-NOP'),
            '1-check-NOP': nop(to('2-done-EXIT', { condition: when(v('stock'), 'GREATER_THAN', lit(0)) }), to('3-out-EXIT')),
            '2-done-EXIT': exit(),
            '3-out-EXIT': exit('out-of-stock'),
          },
        },
        ...(Object.keys(wait).length > 0 ? { restock: tiny() } : {}),
      });

    it("reports a child thread's EXCEPTION that the WAIT_FOR_THREADS waiting for it does not catch", () => {
      expect(findings(reserving())).toEqual([
        {
          path: at('reserve', '3-out-EXIT'),
          code: 'UNHANDLED_FAILURE',
          message:
            "EXIT '3-out-EXIT' fails thread 'reserve' with EXCEPTION 'out-of-stock', and nothing handles it: 'entrypoint' starts 'reserve' at " +
            "'1-spawn-START_THREAD' and waits for it at '2-wait-WAIT_FOR_THREADS', where nothing catches it, so 'entrypoint' fails with " +
            "'out-of-stock'; 'entrypoint' is the entrypoint thread, so the WfRun ends in EXCEPTION 'out-of-stock'.",
          severity: 'warning',
        },
      ]);
    });

    it('describes what the engine does', () => {
      expect(runOnce(reserving())).toEqual(['EXCEPTION', 'out-of-stock']);
      expect(runOnce(reserving({}, { waits: false }))).toEqual(['ERROR', 'CHILD_FAILURE']);
      expect(runOnce(reserving({ failureHandlers: [{ handlerSpecName: 'restock' }] }))).toEqual(['COMPLETED', undefined]);
    });

    it('reports nothing when a per-thread handler or a handler of the wait catches it', () => {
      expect(findings(reserving({ perThreadFailureHandlers: [{ handlerSpecName: 'restock', specificFailure: 'out-of-stock' }] }))).toEqual([]);
      expect(findings(reserving({ failureHandlers: [{ handlerSpecName: 'restock', anyFailureOfType: 'FAILURE_TYPE_EXCEPTION' }] }))).toEqual([]);
      expect(findings(reserving({ failureHandlers: [{ handlerSpecName: 'restock' }] }))).toEqual([]);
    });

    it('still reports it when the handlers there catch other failures', () => {
      expect(codes(findings(reserving({ failureHandlers: [{ handlerSpecName: 'restock', specificFailure: 'no-payment' }] })))).toEqual(['UNHANDLED_FAILURE']);
      expect(codes(findings(reserving({ failureHandlers: [{ handlerSpecName: 'restock', anyFailureOfType: 'FAILURE_TYPE_ERROR' }] })))).toEqual(['UNHANDLED_FAILURE']);
    });

    it('lets WAIT_FOR_ANY over many threads look past a failed one, but not WAIT_FOR_ALL', () => {
      const forEach = (strategy: string) =>
        wf({
          entrypoint: {
            variableDefs: [{ name: 'orders', type: 'JSON_ARR', defaultValue: [1, 2] }, { name: 'children', type: 'JSON_ARR' }],
            nodes: {
              [ENTRY]: entry('1-spawn-START_MULTIPLE_THREADS'),
              '1-spawn-START_MULTIPLE_THREADS': {
                type: 'START_MULTIPLE_THREADS',
                threadSpecName: 'reserve',
                iterable: v('orders'),
                outgoingEdges: [to('2-wait-WAIT_FOR_THREADS', { variableMutations: [set('children', 'ASSIGN', OUTPUT)] })],
              },
              '2-wait-WAIT_FOR_THREADS': { type: 'WAIT_FOR_THREADS', strategy, threads: [v('children')], outgoingEdges: [to('3-exit-EXIT')] },
              '3-exit-EXIT': exit(),
            },
          },
          reserve: reserving().threadSpecs.reserve,
        });
      expect(findings(forEach('WAIT_FOR_ANY'))).toEqual([]);
      expect(codes(findings(forEach('WAIT_FOR_ALL')))).toEqual(['UNHANDLED_FAILURE']);
    });

    it('reports a child nobody waits for, whose failure fails the EXIT of its parent', () => {
      const found = findings(reserving({}, { waits: false }));
      expect(codes(found)).toEqual(['UNHANDLED_FAILURE']);
      expect(found[0]?.message).toContain("never waits for it, so its EXIT fails with CHILD_FAILURE; 'entrypoint' is the entrypoint thread, so the WfRun ends in ERROR 'CHILD_FAILURE'");
    });

    it('reports an EXCEPTION thrown by a failure handler or an interrupt handler, which fails the thread it handles', () => {
      const spec = wf({
        entrypoint: {
          interruptDefs: [{ externalEventDefName: 'cancel', handlerSpecName: 'on-cancel' }],
          nodes: {
            [ENTRY]: entry('1-charge-TASK'),
            '1-charge-TASK': { ...task(to('2-exit-EXIT')), failureHandlers: [{ handlerSpecName: 'refund' }] },
            '2-exit-EXIT': exit(),
          },
        },
        refund: { nodes: { [ENTRY]: entry('1-fail-EXIT'), '1-fail-EXIT': exit('refunded') } },
        'on-cancel': { nodes: { [ENTRY]: entry('1-fail-EXIT'), '1-fail-EXIT': exit('cancelled') } },
      });
      const found = findings(spec);
      expect(found.map((f) => [f.code, f.path])).toEqual([
        ['UNHANDLED_FAILURE', at('refund', '1-fail-EXIT')],
        ['UNHANDLED_FAILURE', at('on-cancel', '1-fail-EXIT')],
      ]);
      expect(found[0]?.message).toContain("'refund' is the failure handler of '1-charge-TASK' in 'entrypoint', so 'entrypoint' fails with 'refunded'");
      expect(found[1]?.message).toContain("'on-cancel' handles interrupt 'cancel' of 'entrypoint'");
    });

    it("follows a handler's EXCEPTION up to a parent that catches it", () => {
      const spec = reserving({ failureHandlers: [{ handlerSpecName: 'restock', specificFailure: 'refunded' }] });
      // reserve no longer throws itself, but the handler of its TASK does: its parent's wait catches that.
      spec.threadSpecs.reserve.nodes = {
        [ENTRY]: entry('1-work-TASK'),
        '1-work-TASK': { ...task(to('2-done-EXIT')), failureHandlers: [{ handlerSpecName: 'refund' }] },
        '2-done-EXIT': exit(),
      };
      spec.threadSpecs.refund = { nodes: { [ENTRY]: entry('1-fail-EXIT'), '1-fail-EXIT': exit('refunded') } };
      expect(findings(spec)).toEqual([]);
    });

    it('does not report the entrypoint ending the WfRun in EXCEPTION on purpose, nor TASKs without handlers', () => {
      const spec = wf({
        entrypoint: {
          variableDefs: [{ name: 'ok', type: 'BOOL', required: true }],
          nodes: {
            [ENTRY]: entry('1-work-TASK'),
            '1-work-TASK': task(to('2-done-EXIT', { condition: when(v('ok'), 'EQUALS', lit(true)) }), to('3-rejected-EXIT')),
            '2-done-EXIT': exit(),
            '3-rejected-EXIT': exit('rejected'),
          },
        },
      });
      expect(findings(spec)).toEqual([]);
    });
  });

  describe('on drafts that do not validate', () => {
    it('skips nodes of unknown type and edges to missing nodes', () => {
      const spec = wf({
        entrypoint: {
          nodes: {
            [ENTRY]: entry('1-a-NOP'),
            '1-a-NOP': nop(to('2-b-MYSTERY')),
            '2-b-MYSTERY': { type: 'MYSTERY', outgoingEdges: [to('1-a-NOP')] },
            '3-c-NOP': nop(to('4-d-NOP'), to('nowhere')),
            '4-d-NOP': nop(to('3-c-NOP')),
          },
        },
      });
      expect(validateWfSpec(spec, catalog).map((p) => p.code)).toContain('UNKNOWN_NODE_TYPE');
      expect(analyzeWfSpec(spec, catalog)).toEqual([]);
    });

    it('answers [] for values that are not WfSpecs at all', () => {
      for (const value of [null, 1, 'spec', [], {}, { threadSpecs: 5 }, { threadSpecs: { t: null } }]) {
        expect(analyzeWfSpec(value as unknown as WfSpec, catalog)).toEqual([]);
      }
    });

    it('never throws, whatever it is given', () => {
      fc.assert(
        fc.property(fc.anything({ withNullPrototype: true, withBigInt: true, withBoxedValues: true, withSparseArray: true }), (value) => {
          expect(Array.isArray(analyzeWfSpec(value as WfSpec, catalog))).toBe(true);
        }),
        { numRuns: 300 },
      );
    });

    it('never throws on random graphs of nodes, edges, conditions, mutations and handlers', () => {
      const name = fc.constantFrom('0-e', '1-a', '2-b', '3-c', '4-d', 'ghost', 'constructor');
      const side = fc.oneof(
        fc.record({ type: fc.constant('VARIABLE'), variableName: fc.constantFrom('x', 'y', 'n', '__proto__') }),
        fc.record({ type: fc.constant('LITERAL'), value: fc.jsonValue() }),
        fc.anything(),
      );
      const condition = fc.option(fc.record({ comparator: fc.constantFrom('EQUALS', 'LESS_THAN', 'IN', 'NOPE'), left: side, right: side }), { nil: undefined });
      const mutation = fc.record({ lhsName: fc.constantFrom('x', 'y', 'n'), operation: fc.constant('ASSIGN'), rhs: fc.oneof(side, fc.constant(OUTPUT)) });
      const handler = fc.record({ handlerSpecName: fc.constantFrom('t0', 't1', 't2', 'none'), specificFailure: fc.option(fc.constantFrom('boom', 'CHILD_FAILURE'), { nil: undefined }) });
      const edge = fc.record({ sinkNodeName: name, condition, variableMutations: fc.array(mutation, { maxLength: 2 }) });
      const node = fc.record({
        type: fc.constantFrom(...NODE_TYPES, 'MYSTERY'),
        outgoingEdges: fc.array(edge, { maxLength: 3 }),
        failureHandlers: fc.array(handler, { maxLength: 2 }),
        perThreadFailureHandlers: fc.array(handler, { maxLength: 1 }),
        threadSpecName: fc.constantFrom('t0', 't1', 't2'),
        threads: fc.array(side, { maxLength: 2 }),
        strategy: fc.constantFrom('WAIT_FOR_ALL', 'WAIT_FOR_ANY', undefined),
        condition,
        failureDef: fc.option(fc.record({ failureName: fc.constantFrom('boom', 'VAR_ERROR'), message: fc.constant('!') }), { nil: undefined }),
      });
      const thread = fc.record({
        variableDefs: fc.array(fc.record({ name: fc.constantFrom('x', 'y', 'n'), type: fc.constantFrom('INT', 'JSON_ARR'), defaultValue: fc.option(fc.integer(), { nil: undefined }) }), { maxLength: 3 }),
        interruptDefs: fc.array(fc.record({ externalEventDefName: fc.constant('cancel'), handlerSpecName: fc.constantFrom('t1', 't2') }), { maxLength: 1 }),
        nodes: fc.dictionary(name, node, { maxKeys: 6 }),
      });
      const spec = fc.record({ name: fc.constant('random'), entrypointThreadName: fc.constantFrom('t0', 't1', 'none'), threadSpecs: fc.dictionary(fc.constantFrom('t0', 't1', 't2'), thread, { maxKeys: 3 }) });
      fc.assert(
        fc.property(spec, (draft) => {
          const found = analyzeWfSpec(deepFreeze(draft) as unknown as WfSpec, catalog);
          for (const finding of found) expect(finding.path.slice(0, 1)).toEqual(['threadSpecs']);
        }),
        { numRuns: 500 },
      );
    });
  });
});
