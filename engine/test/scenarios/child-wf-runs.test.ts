import { describe, expect, it } from 'vitest';
import { step, validateWfSpec } from '../../src/index.ts';
import type { Catalog, FailureHandlerDef, JsonValue, Node, VariableAssignment, VersionedWfSpec, WfRunEvent } from '../../src/index.ts';
import { TestCluster } from '../cluster.ts';
import { accepted, rejected } from '../fixtures.ts';
import { TestRun, types } from '../run.ts';

const catalog: Catalog = {
  taskDefs: {
    pack: { name: 'pack', inputVars: [{ name: 'item', type: 'STR' }], returnType: 'STR' },
    prep: { name: 'prep', inputVars: [], returnType: 'STR' },
  },
};
const v = (variableName: string): VariableAssignment => ({ type: 'VARIABLE', variableName });
const lit = (value: JsonValue): VariableAssignment => ({ type: 'LITERAL', value });
const assign = (lhsName: string) => ({ lhsName, operation: 'ASSIGN' as const, rhs: { type: 'NODE_OUTPUT' as const } });

/** The child: packs its `item` and returns what `pack` gave. */
const packing: VersionedWfSpec = {
  name: 'packing',
  majorVersion: 0,
  revision: 0,
  entrypointThreadName: 'entrypoint',
  threadSpecs: {
    entrypoint: {
      variableDefs: [{ name: 'item', type: 'STR', required: true }, { name: 'packed', type: 'STR' }],
      nodes: {
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'pack' }] },
        pack: { type: 'TASK', taskDefName: 'pack', inputs: [v('item')], outgoingEdges: [{ sinkNodeName: 'end', variableMutations: [assign('packed')] }] },
        end: { type: 'EXIT', returnContent: v('packed') },
      },
    },
  },
};

interface ParentOptions {
  /** The RUN_CHILD_WF node's fields beyond its type. */
  readonly run?: Partial<Extract<Node, { type: 'RUN_CHILD_WF' }>>;
  /** Which child WAIT_FOR_CHILD_WF waits for; the `child` variable by default. */
  readonly waitFor?: VariableAssignment;
  readonly handlers?: FailureHandlerDef[];
}

/**
 * The parent (WfRun `p`): RUN_CHILD_WF packing(item) at position 1 (child `p_0-1`, kept in `child`), then its own
 * `prep` task (`0-2`), then WAIT_FOR_CHILD_WF, the child's output into `result`, which the EXIT returns. The handler
 * thread `on-failure` notes the failure's content in `reason` and sets `result` to "handled".
 */
function parent({ run = {}, waitFor = v('child'), handlers }: ParentOptions = {}): VersionedWfSpec {
  return {
    name: 'orders',
    majorVersion: 0,
    revision: 0,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: [
          { name: 'item', type: 'STR', defaultValue: 'socks' },
          { name: 'child', type: 'STR' },
          { name: 'result', type: 'STR' },
          { name: 'reason', type: 'JSON_OBJ' },
        ],
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'run' }] },
          run: { type: 'RUN_CHILD_WF', wfSpecName: 'packing', inputs: { item: v('item') }, ...run, outgoingEdges: [{ sinkNodeName: 'prep', variableMutations: [assign('child')] }] },
          prep: { type: 'TASK', taskDefName: 'prep', outgoingEdges: [{ sinkNodeName: 'wait' }] },
          wait: { type: 'WAIT_FOR_CHILD_WF', childWfRunId: waitFor, failureHandlers: handlers, outgoingEdges: [{ sinkNodeName: 'end', variableMutations: [assign('result')] }] },
          end: { type: 'EXIT', returnContent: v('result') },
        },
      },
      'on-failure': {
        variableDefs: [{ name: 'INPUT', type: 'JSON_OBJ' }],
        nodes: {
          start: {
            type: 'ENTRYPOINT',
            outgoingEdges: [
              {
                sinkNodeName: 'end',
                variableMutations: [
                  { lhsName: 'reason', operation: 'ASSIGN', rhs: v('INPUT') },
                  { lhsName: 'result', operation: 'ASSIGN', rhs: lit('handled') },
                ],
              },
            ],
          },
          end: { type: 'EXIT' },
        },
      },
    },
  };
}

function cluster(options: ParentOptions = {}, wfSpecCatalog: Catalog = catalog): TestCluster {
  const c = new TestCluster({ orders: parent(options), packing }, wfSpecCatalog);
  c.start('orders', 'p');
  return c;
}

const wait = (c: TestCluster, id = 'p') => c.state(id).threadRuns[0]?.currentNodeRun;
const failedNode = (events: WfRunEvent[] | string) => (typeof events === 'string' ? undefined : events.find((e) => e.type === 'NodeRunFailed'));

describe('RUN_CHILD_WF and WAIT_FOR_CHILD_WF', () => {
  it('starts the child, which knows its parent, and takes its output once the parent waits', () => {
    const c = cluster();
    expect(c.effects.filter((e) => e.type === 'RunChildWf')).toEqual([
      {
        type: 'RunChildWf',
        parentWfRunId: 'p',
        event: expect.objectContaining({ childWfRunId: 'p_0-1', wfSpecName: 'packing', variables: { item: 'socks' }, threadRunNumber: 0, position: 1 }),
      },
    ]);
    expect(c.state('p').threadRuns[0]?.variables.child).toBe('p_0-1');
    expect(c.state('p_0-1')).toMatchObject({ parentWfRunId: 'p', status: 'RUNNING' });

    c.report('p', '0-2', { status: 'SUCCESS', output: 'ready' });
    expect(wait(c)).toMatchObject({ nodeName: 'wait', status: 'RUNNING', childWfRunId: 'p_0-1' });

    c.report('p_0-1', '0-1', { status: 'SUCCESS', output: 'boxed socks' });
    expect(c.effects.at(-1)).toEqual({ type: 'NotifyParentWfRun', parentWfRunId: 'p', childWfRunId: 'p_0-1', status: 'COMPLETED', output: 'boxed socks' });
    expect(c.state('p')).toMatchObject({ status: 'COMPLETED', output: 'boxed socks' });
    expect(c.state('p').threadRuns[0]?.variables.result).toBe('boxed socks');
    expect(c.state('p').childWfRuns).toEqual({ 'p_0-1': { wfSpecName: 'packing', status: 'COMPLETED', output: 'boxed socks' } });
    expect(c.rejections).toEqual([]);
  });

  it('remembers a child that ends before the parent waits, and takes its output on arrival', () => {
    const c = cluster();
    c.report('p_0-1', '0-1', { status: 'SUCCESS', output: 'boxed socks' });
    expect(c.state('p').status).toBe('RUNNING');
    expect(c.state('p').childWfRuns?.['p_0-1']?.status).toBe('COMPLETED');
    const arrived = c.report('p', '0-2', { status: 'SUCCESS', output: 'ready' });
    expect(types(arrived)).toContain('ChildWfRunAwaited');
    expect(c.state('p')).toMatchObject({ status: 'COMPLETED', output: 'boxed socks' });
  });

  it('fails the wait with CHILD_FAILURE when the child fails with an ERROR, failing the parent without a handler', () => {
    const c = cluster();
    c.report('p', '0-2', { status: 'SUCCESS', output: 'ready' });
    c.report('p_0-1', '0-1', { status: 'ERROR', message: 'no tape' });
    expect(c.state('p_0-1').status).toBe('ERROR');
    expect(c.state('p')).toMatchObject({
      status: 'ERROR',
      failure: { name: 'CHILD_FAILURE', message: 'Child WfRun p_0-1 failed with TASK_FAILURE: no tape' },
    });
  });

  it('lets a handler on WAIT_FOR_CHILD_WF catch a child ERROR as CHILD_FAILURE', () => {
    const c = cluster({ handlers: [{ handlerSpecName: 'on-failure', specificFailure: 'CHILD_FAILURE' }] });
    c.report('p', '0-2', { status: 'SUCCESS', output: 'ready' });
    c.report('p_0-1', '0-1', { status: 'ERROR', message: 'no tape' });
    expect(c.state('p')).toMatchObject({ status: 'COMPLETED', output: 'handled' });
  });

  it('throws a child EXCEPTION again by its name and content, for a handler of that name to catch', () => {
    const biz = { status: 'EXCEPTION' as const, name: 'out-of-stock', message: 'none left', content: { sku: 'socks' } };
    const caught = cluster({ handlers: [{ handlerSpecName: 'on-failure', specificFailure: 'out-of-stock' }] });
    caught.report('p', '0-2', { status: 'SUCCESS', output: 'ready' });
    caught.report('p_0-1', '0-1', biz);
    expect(caught.state('p_0-1')).toMatchObject({ status: 'EXCEPTION', failure: { name: 'out-of-stock' } });
    expect(caught.effects.at(-1)).toMatchObject({ type: 'NotifyParentWfRun', status: 'EXCEPTION', failure: { name: 'out-of-stock', content: { sku: 'socks' } } });
    expect(caught.state('p')).toMatchObject({ status: 'COMPLETED', output: 'handled' });
    expect(caught.state('p').threadRuns[0]?.variables.reason).toEqual({ sku: 'socks' });
    expect(failedNode(caught.runs.get('p')?.events ?? [])).toMatchObject({
      status: 'EXCEPTION',
      failure: { name: 'out-of-stock', message: 'Child WfRun p_0-1 failed: none left', content: { sku: 'socks' } },
    });

    // An ERROR handler does not catch it: it is the child's business failure, not an error.
    const uncaught = cluster({ handlers: [{ handlerSpecName: 'on-failure', anyFailureOfType: 'FAILURE_TYPE_ERROR' }] });
    uncaught.report('p_0-1', '0-1', biz);
    uncaught.report('p', '0-2', { status: 'SUCCESS', output: 'ready' });
    expect(uncaught.state('p')).toMatchObject({ status: 'EXCEPTION', failure: { name: 'out-of-stock', content: { sku: 'socks' } } });
  });

  it('fails RUN_CHILD_WF with VAR_SUB_ERROR when an input cannot be evaluated, starting no child', () => {
    const c = cluster({ run: { inputs: { item: v('nowhere') } } });
    expect(c.effects.filter((e) => e.type === 'RunChildWf')).toEqual([]);
    expect(c.state('p')).toMatchObject({ status: 'ERROR', failure: { name: 'VAR_SUB_ERROR' } });
    expect(c.state('p').childWfRuns).toBeUndefined();
  });

  it('fails WAIT_FOR_CHILD_WF with VAR_SUB_ERROR for an id that is not a child of this WfRun, or not an id', () => {
    for (const waitFor of [lit('p_9-9'), lit(5)]) {
      const c = cluster({ waitFor });
      c.report('p', '0-2', { status: 'SUCCESS', output: 'ready' });
      expect(c.state('p')).toMatchObject({ status: 'ERROR', failure: { name: 'VAR_SUB_ERROR' } });
    }
  });

  it('fails the wait with CHILD_FAILURE when the child cannot start', () => {
    const unknown = cluster({ run: { wfSpecName: 'unpacking' } });
    unknown.report('p', '0-2', { status: 'SUCCESS', output: 'ready' });
    expect(unknown.state('p')).toMatchObject({ status: 'ERROR', failure: { name: 'CHILD_FAILURE', message: expect.stringContaining('unpacking') } });
  });

  it('starts a child whose required input is NULL, as LittleHorse does: the variable is NULL, or its default', () => {
    // `result` is unset when RUN_CHILD_WF runs.
    const unset = cluster({ run: { inputs: { item: v('result') } } });
    expect(unset.rejections).toEqual([]);
    expect(unset.state('p_0-1')).toMatchObject({ parentWfRunId: 'p', status: 'RUNNING' });
    expect(unset.state('p_0-1').threadRuns[0]?.variables.item).toBeNull();

    const entrypoint = packing.threadSpecs.entrypoint!;
    const withDefault: VersionedWfSpec = {
      ...packing,
      threadSpecs: { entrypoint: { ...entrypoint, variableDefs: [{ name: 'item', type: 'STR', required: true, defaultValue: 'gloves' }, { name: 'packed', type: 'STR' }] } },
    };
    const c = new TestCluster({ orders: parent({ run: { inputs: { item: v('result') } } }), packing: withDefault }, catalog);
    c.start('orders', 'p');
    expect(c.state('p_0-1').threadRuns[0]?.variables.item).toBe('gloves');
  });

  it('starts a child with an input of another type as it is, which fails the child where it is used', () => {
    const c = cluster({ run: { inputs: { item: lit({ n: 5 }) } } });
    expect(c.rejections).toEqual([]);
    // The child's TASK takes a STR: the object fails it with VAR_SUB_ERROR, and the parent hears of the ERROR.
    expect(c.state('p_0-1').threadRuns[0]?.variables.item).toEqual({ n: 5 });
    expect(c.state('p_0-1')).toMatchObject({ status: 'ERROR', failure: { name: 'VAR_SUB_ERROR' } });
    c.report('p', '0-2', { status: 'SUCCESS', output: 'ready' });
    expect(c.state('p')).toMatchObject({ status: 'ERROR', failure: { name: 'CHILD_FAILURE', message: expect.stringContaining('VAR_SUB_ERROR') } });

    // A JSON_ARR variable holding an object takes no list mutation.
    const collecting: VersionedWfSpec = {
      ...packing,
      name: 'collecting',
      threadSpecs: {
        entrypoint: {
          variableDefs: [{ name: 'items', type: 'JSON_ARR', required: true }],
          nodes: {
            start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'end', variableMutations: [{ lhsName: 'items', operation: 'ADD', rhs: lit('socks') }] }] },
            end: { type: 'EXIT' },
          },
        },
      },
    };
    const listed = new TestCluster({ orders: parent({ run: { wfSpecName: 'collecting', inputs: { items: lit({ n: 5 }) } } }), collecting }, catalog);
    listed.start('orders', 'p');
    expect(listed.state('p_0-1')).toMatchObject({
      status: 'ERROR',
      failure: { name: 'VAR_SUB_ERROR', message: "Variable 'items' is a JSON_ARR but holds a JSON_OBJ; only ASSIGN applies to it." },
    });
  });

  it("still checks a RunWf's variables when the command does not come from a RUN_CHILD_WF, though it names a parent", () => {
    const ctx = { now: 0, ids: { next: () => 'id' }, wfSpec: packing, catalog };
    for (const variables of [{}, { item: null }, { item: { n: 5 } }] as Record<string, JsonValue>[]) {
      expect(rejected(step(undefined, { type: 'RunWf', wfRunId: 'p_0-1', parentWfRunId: 'p', variables }, ctx)).code).toBe('INVALID_VARIABLES');
    }
  });

  it('fails RUN_CHILD_WF at once with CHILD_FAILURE when the catalog lists WfSpecs and not this one', () => {
    const listed: Catalog = { ...catalog, wfSpecs: { packing: { name: 'packing', majorVersion: 0 } } };
    expect(cluster({}, listed).state('p').threadRuns[0]?.currentNodeRun?.nodeName).toBe('prep');
    for (const run of [{ wfSpecName: 'unpacking' }, { majorVersion: 1 }]) {
      const c = cluster({ run }, listed);
      expect(c.effects).toEqual([]);
      expect(c.state('p')).toMatchObject({ status: 'ERROR', failure: { name: 'CHILD_FAILURE' } });
    }
  });

  it('halts at once when stopped while waiting, and takes an end that came meanwhile after the resume', () => {
    const c = cluster();
    c.report('p', '0-2', { status: 'SUCCESS', output: 'ready' });
    expect(types(c.send('p', { type: 'StopWfRun' }))).toEqual(['ThreadRunHalted']);
    c.report('p_0-1', '0-1', { status: 'SUCCESS', output: 'boxed socks' });
    expect(c.state('p').status).toBe('HALTED');
    expect(wait(c)).toMatchObject({ nodeName: 'wait', status: 'RUNNING' });
    c.send('p', { type: 'ResumeWfRun' });
    expect(c.state('p')).toMatchObject({ status: 'COMPLETED', output: 'boxed socks' });
  });

  it('refuses news of a child it never started, and news it already has', () => {
    const run = new TestRun(parent(), catalog);
    expect(run.send({ type: 'ChildWfRunEnded', childWfRunId: 'p_0-1', status: 'COMPLETED' })).toBe('WF_RUN_NOT_FOUND');
    run.send({ type: 'RunWf', wfRunId: 'p' });
    expect(run.send({ type: 'ChildWfRunEnded', childWfRunId: 'q_0-1', status: 'COMPLETED' })).toBe('UNKNOWN_CHILD_WF_RUN');
    expect(run.send({ type: 'ChildWfRunRescued', childWfRunId: 'q_0-1' })).toBe('UNKNOWN_CHILD_WF_RUN');
    // Nothing failed waiting for a running child, so a rescue notice has nothing to do.
    expect(run.send({ type: 'ChildWfRunRescued', childWfRunId: 'p_0-1' })).toBe('DUPLICATE_CHILD_WF_RUN_REPORT');
    expect(types(run.send({ type: 'ChildWfRunEnded', childWfRunId: 'p_0-1', status: 'COMPLETED', output: 'boxed' }))).toEqual(['ChildWfRunReported']);
    expect(run.send({ type: 'ChildWfRunEnded', childWfRunId: 'p_0-1', status: 'COMPLETED', output: 'boxed' })).toBe('DUPLICATE_CHILD_WF_RUN_REPORT');
    // COMPLETED is final: a child that completed cannot end again.
    expect(run.send({ type: 'ChildWfRunEnded', childWfRunId: 'p_0-1', status: 'ERROR', failure: { name: 'TIMEOUT', message: 'late' } })).toBe('DUPLICATE_CHILD_WF_RUN_REPORT');
    expect(run.state?.childWfRuns?.['p_0-1']).toEqual({ wfSpecName: 'packing', status: 'COMPLETED', output: 'boxed' });
  });

  it('keeps the end of a child whose parent has already ended', () => {
    const run = new TestRun(parent(), catalog);
    run.send({ type: 'RunWf', wfRunId: 'p' });
    run.send({ type: 'StopWfRun' });
    run.report('0-2', { status: 'ERROR', message: 'broke' });
    run.send({ type: 'ResumeWfRun' });
    expect(run.state?.status).toBe('ERROR');
    expect(types(run.send({ type: 'ChildWfRunEnded', childWfRunId: 'p_0-1', status: 'COMPLETED', output: 'boxed' }))).toEqual(['ChildWfRunReported']);
  });

  it('spawns a child per loop turn, each with its own id, and collects their outputs in order', () => {
    const echo: VersionedWfSpec = {
      name: 'echo',
      majorVersion: 0,
      revision: 0,
      entrypointThreadName: 'entrypoint',
      threadSpecs: {
        entrypoint: {
          variableDefs: [{ name: 'n', type: 'INT' }],
          nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'end' }] }, end: { type: 'EXIT', returnContent: v('n') } },
        },
      },
    };
    const below = (name: string) => ({ comparator: 'LESS_THAN' as const, left: v(name), right: lit(3) });
    const add = (lhsName: string, rhs: VariableAssignment | { type: 'NODE_OUTPUT' }) => ({ lhsName, operation: 'ADD' as const, rhs });
    const many: VersionedWfSpec = {
      name: 'many',
      majorVersion: 0,
      revision: 0,
      entrypointThreadName: 'entrypoint',
      threadSpecs: {
        entrypoint: {
          variableDefs: [
            { name: 'i', type: 'INT', defaultValue: 0 },
            { name: 'j', type: 'INT', defaultValue: 0 },
            { name: 'ids', type: 'JSON_ARR', defaultValue: [] },
            { name: 'next', type: 'STR' },
            { name: 'outputs', type: 'JSON_ARR', defaultValue: [] },
          ],
          nodes: {
            start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'spawn-loop' }] },
            'spawn-loop': { type: 'NOP', outgoingEdges: [{ sinkNodeName: 'spawn', condition: below('i') }, { sinkNodeName: 'wait-loop' }] },
            spawn: { type: 'RUN_CHILD_WF', wfSpecName: 'echo', inputs: { n: v('i') }, outgoingEdges: [{ sinkNodeName: 'spawn-loop', variableMutations: [add('ids', { type: 'NODE_OUTPUT' }), add('i', lit(1))] }] },
            'wait-loop': {
              type: 'NOP',
              outgoingEdges: [
                {
                  sinkNodeName: 'wait',
                  condition: below('j'),
                  variableMutations: [
                    { lhsName: 'next', operation: 'ASSIGN', rhs: { type: 'VARIABLE', variableName: 'ids', jsonPath: '$[0]' } },
                    { lhsName: 'ids', operation: 'REMOVE_INDEX', rhs: lit(0) },
                  ],
                },
                { sinkNodeName: 'end' },
              ],
            },
            wait: { type: 'WAIT_FOR_CHILD_WF', childWfRunId: v('next'), outgoingEdges: [{ sinkNodeName: 'wait-loop', variableMutations: [add('outputs', { type: 'NODE_OUTPUT' }), add('j', lit(1))] }] },
            end: { type: 'EXIT', returnContent: v('outputs') },
          },
        },
      },
    };
    expect(validateWfSpec(many, { taskDefs: {}, wfSpecs: { echo: { name: 'echo', majorVersion: 0, variableDefs: echo.threadSpecs.entrypoint?.variableDefs } } })).toEqual([]);
    const c = new TestCluster({ many, echo }, { taskDefs: {} });
    c.hold = true;
    c.start('many', 'm');
    expect(c.pending.map((e) => (e.type === 'RunChildWf' ? e.event.childWfRunId : e.type))).toEqual(['m_0-2', 'm_0-4', 'm_0-6']);
    expect(c.state('m').threadRuns[0]?.currentNodeRun).toMatchObject({ nodeName: 'wait', childWfRunId: 'm_0-2' });
    c.deliver();
    expect(c.state('m')).toMatchObject({ status: 'COMPLETED', output: [0, 1, 2] });
    expect([...c.runs.keys()]).toEqual(['m', 'm_0-2', 'm_0-4', 'm_0-6']);
    expect(c.rejections).toEqual([]);
  });
});

describe('rescuing a child WfRun', () => {
  it('rescues the parent thread that failed waiting for it, which waits again and completes with the child', () => {
    const c = cluster();
    c.report('p', '0-2', { status: 'SUCCESS', output: 'ready' });
    c.report('p_0-1', '0-1', { status: 'ERROR', message: 'no tape' });
    expect(c.state('p').status).toBe('ERROR');

    c.send('p_0-1', { type: 'RescueThreadRun' });
    expect(c.effects.find((e) => e.type === 'RescueParentWfRun')).toEqual({ type: 'RescueParentWfRun', parentWfRunId: 'p', childWfRunId: 'p_0-1' });
    expect(c.state('p').status).toBe('RUNNING');
    expect(c.state('p').childWfRuns?.['p_0-1']).toEqual({ wfSpecName: 'packing', status: 'RUNNING' });
    expect(wait(c)).toMatchObject({ nodeName: 'wait', status: 'RUNNING', position: 4 });

    c.report('p_0-1', '0-2', { status: 'SUCCESS', output: 'boxed at last' });
    expect(c.state('p')).toMatchObject({ status: 'COMPLETED', output: 'boxed at last' });
    expect(c.rejections).toEqual([]);
  });

  it('rescues a parent thread by hand too: it fails again while the child is still failed, and waits for it once rescued', () => {
    const run = new TestRun(parent(), catalog);
    run.send({ type: 'RunWf', wfRunId: 'p' });
    run.report('0-2', { status: 'SUCCESS', output: 'ready' });
    run.send({ type: 'ChildWfRunEnded', childWfRunId: 'p_0-1', status: 'ERROR', failure: { name: 'TASK_FAILURE', message: 'no tape' } });
    run.send({ type: 'RescueThreadRun' });
    expect(run.state).toMatchObject({ status: 'ERROR', failure: { name: 'CHILD_FAILURE' } });

    // The child was rescued and completed, but its rescue notice comes late: the new end is kept and a rescue takes it.
    run.send({ type: 'ChildWfRunEnded', childWfRunId: 'p_0-1', status: 'COMPLETED', output: 'boxed' });
    expect(run.state?.status).toBe('ERROR');
    run.send({ type: 'RescueThreadRun' });
    expect(run.state).toMatchObject({ status: 'COMPLETED', output: 'boxed' });
    expect(run.send({ type: 'ChildWfRunRescued', childWfRunId: 'p_0-1' })).toBe('DUPLICATE_CHILD_WF_RUN_REPORT');
  });

  it('takes a rescue notice that arrives after the child ended again', () => {
    const run = new TestRun(parent(), catalog);
    run.send({ type: 'RunWf', wfRunId: 'p' });
    run.report('0-2', { status: 'SUCCESS', output: 'ready' });
    run.send({ type: 'ChildWfRunEnded', childWfRunId: 'p_0-1', status: 'ERROR', failure: { name: 'TASK_FAILURE', message: 'no tape' } });
    run.send({ type: 'ChildWfRunEnded', childWfRunId: 'p_0-1', status: 'COMPLETED', output: 'boxed' });
    run.send({ type: 'ChildWfRunRescued', childWfRunId: 'p_0-1' });
    expect(run.state).toMatchObject({ status: 'COMPLETED', output: 'boxed' });
  });
});

describe('thread outputs', () => {
  /** Thread 0 starts `side`, which returns `side-out`; thread 0 returns `out` (or `returned`, when given). */
  const outputs = (returned: VariableAssignment = v('out')): VersionedWfSpec => ({
    name: 'outputs',
    majorVersion: 0,
    revision: 0,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: [{ name: 'out', type: 'JSON_OBJ', defaultValue: { total: 3 } }, { name: 'kid', type: 'INT' }],
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'spawn' }] },
          spawn: { type: 'START_THREAD', threadSpecName: 'side', outgoingEdges: [{ sinkNodeName: 'join', variableMutations: [assign('kid')] }] },
          join: { type: 'WAIT_FOR_THREADS', threads: [v('kid')], outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: { type: 'EXIT', returnContent: returned },
        },
      },
      side: {
        variableDefs: [{ name: 'side-out', type: 'STR', defaultValue: 'from the side' }],
        nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'end' }] }, end: { type: 'EXIT', returnContent: v('side-out') } },
      },
    },
  });

  it("keeps each thread's returnContent as its output, and thread 0's as the WfRun's", () => {
    const run = new TestRun(outputs(), catalog);
    const events = run.send({ type: 'RunWf', wfRunId: 'r' }) as WfRunEvent[];
    expect(events.filter((e) => e.type === 'ThreadRunCompleted' || e.type === 'WfRunCompleted')).toEqual([
      { type: 'ThreadRunCompleted', threadRunNumber: 1, output: 'from the side', time: 0 },
      { type: 'ThreadRunCompleted', threadRunNumber: 0, output: { total: 3 }, time: 0 },
      { type: 'WfRunCompleted', output: { total: 3 }, time: 0 },
    ]);
    expect(run.state?.threadRuns.map((t) => t.output)).toEqual([{ total: 3 }, 'from the side']);
    expect(run.state?.output).toEqual({ total: 3 });
  });

  it('has no output without returnContent, and NULL when it returns NULL', () => {
    const plain = new TestRun({ ...packing, threadSpecs: { entrypoint: { ...packing.threadSpecs.entrypoint!, nodes: { ...packing.threadSpecs.entrypoint!.nodes, end: { type: 'EXIT' } } } } }, catalog);
    plain.send({ type: 'RunWf', wfRunId: 'r', variables: { item: 'x' } });
    plain.report('0-1', { status: 'SUCCESS', output: 'y' });
    expect(plain.state?.status).toBe('COMPLETED');
    expect(plain.state && 'output' in plain.state).toBe(false);

    const nothing = new TestRun(outputs(lit(null)), catalog);
    nothing.send({ type: 'RunWf', wfRunId: 'r' });
    expect(nothing.state).toMatchObject({ status: 'COMPLETED', output: null });
  });

  it('fails the EXIT with VAR_ERROR when its returnContent cannot be evaluated', () => {
    const run = new TestRun(outputs(v('side-out')), catalog);
    run.send({ type: 'RunWf', wfRunId: 'r' });
    expect(run.state).toMatchObject({ status: 'ERROR', failure: { name: 'VAR_ERROR' } });
  });

  it('asks to notify only a parent: a top-level WfRun ends with no effect, a child with its output or failure', () => {
    const c = new TestCluster({ packing }, catalog);
    c.start('packing', 'top', { item: 'socks' });
    c.report('top', '0-1', { status: 'SUCCESS', output: 'boxed' });
    expect(c.effects.filter((e) => e.type !== 'ScheduleTask')).toEqual([]);

    const ctx = { now: 0, ids: { next: () => 'id' }, wfSpec: packing, catalog };
    const started = accepted(step(undefined, { type: 'RunWf', wfRunId: 'p_0-1', parentWfRunId: 'p', variables: { item: 'socks' } }, ctx));
    expect(started.state.parentWfRunId).toBe('p');
    const failed = accepted(step(started.state, { type: 'ReportTaskAttempt', taskGuid: '0-1', attempt: 0, result: { status: 'ERROR', message: 'no tape' } }, ctx));
    expect(failed.effects).toEqual([
      { type: 'NotifyParentWfRun', parentWfRunId: 'p', childWfRunId: 'p_0-1', status: 'ERROR', failure: { name: 'TASK_FAILURE', message: expect.any(String) } },
    ]);
  });
});
