import { describe, expect, it } from 'vitest';
import { assignmentText, explainCondition, MASKED_VALUE, maskEvent, validateWfSpec } from '../../src/index.ts';
import type { Catalog, JsonValue, Node, NodeRunFailed, TaskRunScheduled, ThreadVarDef, VariableAssignment, VersionedWfSpec, WfRunEvent } from '../../src/index.ts';
import { TestRun } from '../run.ts';

// LittleHorse's node_output (VariableAssignment.NodeOutputReference): a later node reads an earlier node's output by
// the node's name, the most recent NodeRun of it in the same ThreadRun (ThreadRunModel.getNodeOutput).

const catalog: Catalog = {
  taskDefs: {
    work: { name: 'work', inputVars: [{ name: 'n', type: 'INT' }], returnType: 'INT' },
    order: { name: 'order', inputVars: [], returnType: 'JSON_OBJ' },
    greet: { name: 'greet', inputVars: [{ name: 'text', type: 'STR' }] },
    token: { name: 'token', inputVars: [], returnType: 'STR', maskedOutput: true },
    noop: { name: 'noop', inputVars: [] },
  },
  externalEventDefs: { approved: { name: 'approved' } },
};

const out = (nodeName: string, jsonPath?: string): VariableAssignment => ({ type: 'NODE_OUTPUT_REFERENCE', nodeName, ...(jsonPath === undefined ? {} : { jsonPath }) });
const lit = (value: JsonValue): VariableAssignment => ({ type: 'LITERAL', value });
const task = (taskDefName: string, inputs: VariableAssignment[], next: string, extra: Partial<Node> = {}): Node =>
  ({ type: 'TASK', taskDefName, inputs, outgoingEdges: [{ sinkNodeName: next }], ...extra }) as Node;
const VARIABLES: ThreadVarDef[] = [
  { name: 'n', type: 'INT' },
  { name: 'go', type: 'BOOL' },
];

function spec(nodes: Record<string, Node>, variableDefs: ThreadVarDef[] = VARIABLES): VersionedWfSpec {
  return { name: 'outputs', majorVersion: 0, revision: 0, entrypointThreadName: 'entrypoint', threadSpecs: { entrypoint: { variableDefs, nodes } } };
}

function start(wfSpec: VersionedWfSpec, variables: Record<string, JsonValue> = {}): TestRun {
  expect(validateWfSpec(wfSpec, catalog)).toEqual([]);
  const run = new TestRun(wfSpec, catalog);
  run.send({ type: 'RunWf', wfRunId: 'r', variables });
  return run;
}

const scheduled = (events: readonly WfRunEvent[], taskGuid: string): TaskRunScheduled | undefined =>
  events.find((e): e is TaskRunScheduled => e.type === 'TaskRunScheduled' && e.taskGuid === taskGuid);
const failed = (events: readonly WfRunEvent[]): NodeRunFailed | undefined => events.find((e): e is NodeRunFailed => e.type === 'NodeRunFailed');

describe('a NODE_OUTPUT_REFERENCE at run time', () => {
  it('gives a later task the output of an earlier node, not only the node the edge leaves', () => {
    const run = start(
      spec({
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'a' }] },
        a: task('order', [], 'b'),
        b: task('greet', [lit('between')], 'c'),
        c: task('work', [out('a', '$.qty')], 'end'),
        end: { type: 'EXIT', returnContent: out('a', '$.id') },
      }),
    );
    run.report('0-1', { status: 'SUCCESS', output: { id: 'o-7', qty: 3 } });
    run.report('0-2', { status: 'SUCCESS', output: null });
    expect(scheduled(run.events, '0-3')?.input).toEqual([{ name: 'n', value: 3 }]);
    run.report('0-3', { status: 'SUCCESS', output: 4 });
    expect(run.state?.status).toBe('COMPLETED');
    expect(run.state?.output).toBe('o-7');
    // Nothing reads a completed thread's node outputs: they leave the state with it.
    expect(run.state?.threadRuns[0]?.nodeOutputs).toBeUndefined();
  });

  it('keeps only the outputs its thread reads by name, so other outputs do not grow the state', () => {
    const run = start(
      spec({
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'a' }] },
        a: task('order', [], 'b'),
        b: task('order', [], 'c'),
        c: task('work', [out('a', '$.qty')], 'end'),
        end: { type: 'EXIT' },
      }),
    );
    run.report('0-1', { status: 'SUCCESS', output: { id: 'o-1', qty: 3 } });
    run.report('0-2', { status: 'SUCCESS', output: { id: 'o-2', qty: 9 } });
    expect(Object.keys(run.state?.threadRuns[0]?.nodeOutputs ?? {})).toEqual(['a']);
    expect(run.events.filter((e) => e.type === 'NodeRunCompleted' && e.referenced).map((e) => 'position' in e && e.position)).toEqual([1]);
  });

  it('reads the most recent run of a node in a loop, keeping one entry per node', () => {
    const run = start(
      spec({
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'a' }] },
        a: task('work', [{ type: 'VARIABLE', variableName: 'n' }], 'b'),
        b: {
          type: 'NOP',
          outgoingEdges: [
            {
              sinkNodeName: 'a',
              condition: { comparator: 'LESS_THAN', left: out('a'), right: lit(3) },
              variableMutations: [{ lhsName: 'n', operation: 'ASSIGN', rhs: out('a') }],
            },
            { sinkNodeName: 'c' },
          ],
        },
        c: task('work', [out('a')], 'end'),
        end: { type: 'EXIT' },
      }),
      { n: 1 },
    );
    run.report('0-1', { status: 'SUCCESS', output: 2 });
    expect(scheduled(run.events, '0-3')?.input).toEqual([{ name: 'n', value: 2 }]);
    run.report('0-3', { status: 'SUCCESS', output: 5 });
    expect(scheduled(run.events, '0-5')?.input).toEqual([{ name: 'n', value: 5 }]);
    expect(run.state?.threadRuns[0]?.nodeOutputs).toEqual({ a: { output: 5 } });
  });

  it('fails the reading node with VAR_SUB_ERROR when the node has not run in the ThreadRun', () => {
    const run = start(
      spec({
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'a', condition: { type: 'VARIABLE', variableName: 'go' } }, { sinkNodeName: 'c' }] },
        a: task('work', [lit(1)], 'c'),
        c: task('work', [out('a')], 'end'),
        end: { type: 'EXIT' },
      }),
      { go: false },
    );
    expect(failed(run.events)?.failure).toEqual({ name: 'VAR_SUB_ERROR', message: "Input 'n' of TaskDef 'work': Node 'a' has no output in ThreadRun 0: it has not completed there yet, or completed without one." });
    expect(run.state?.status).toBe('ERROR');
  });

  it('fails with VAR_SUB_ERROR on a path into a NULL output, and reads NULL where a path finds nothing', () => {
    const nodes = (path: string): Record<string, Node> => ({
      start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'a' }] },
      a: task('order', [], 'c'),
      c: task('greet', [out('a', path)], 'end'),
      end: { type: 'EXIT' },
    });
    const intoNull = start(spec(nodes('$.id')));
    intoNull.report('0-1', { status: 'SUCCESS', output: null });
    expect(failed(intoNull.events)?.failure).toEqual({ name: 'VAR_SUB_ERROR', message: "Input 'text' of TaskDef 'greet': The output of node 'a': There is no $.id in NULL." });

    const missing = start(spec(nodes('$.customer.name')));
    missing.report('0-1', { status: 'SUCCESS', output: { id: 1 } });
    expect(scheduled(missing.events, '0-2')?.input).toEqual([{ name: 'text', value: null }]);
  });

  it('takes outputs of events inside format strings, expressions and conditions', () => {
    const run = start(
      spec({
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'approved' }] },
        approved: { type: 'EXTERNAL_EVENT', externalEventDefName: 'approved', outgoingEdges: [{ sinkNodeName: 'a' }] },
        a: task('work', [{ type: 'EXPRESSION', lhs: out('approved', '$.amount'), operation: 'MULTIPLY', rhs: lit(2) }], 'b'),
        b: {
          type: 'NOP',
          outgoingEdges: [
            { sinkNodeName: 'yes', condition: { type: 'EXPRESSION', lhs: out('approved', '$.ok'), comparator: 'EQUALS', rhs: lit(true) } },
            { sinkNodeName: 'end' },
          ],
        },
        yes: task('greet', [{ type: 'FORMAT_STRING', format: lit('{0} approved {1}'), args: [out('approved', '$.by'), out('a')] }], 'end'),
        end: { type: 'EXIT' },
      }),
    );
    run.send({ type: 'PutExternalEvent', guid: 'e1', externalEventDefName: 'approved', content: { ok: true, by: 'Ada', amount: 21 } });
    expect(scheduled(run.events, '0-2')?.input).toEqual([{ name: 'n', value: 42 }]);
    run.report('0-2', { status: 'SUCCESS', output: 42 });
    expect(scheduled(run.events, '0-4')?.input).toEqual([{ name: 'text', value: 'Ada approved 42' }]);
  });

  it("keeps a masked TaskDef's output masked in the task inputs made from it", () => {
    const run = start(
      spec({
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'a' }] },
        a: task('token', [], 'b'),
        b: task('greet', [lit('x')], 'c'),
        c: task('greet', [{ type: 'FORMAT_STRING', format: lit('Bearer {0}'), args: [out('a')] }], 'end'),
        end: { type: 'EXIT' },
      }),
    );
    run.report('0-1', { status: 'SUCCESS', output: 's3cret' });
    expect(run.state?.threadRuns[0]?.nodeOutputs).toEqual({ a: { output: 's3cret', masked: true } });
    run.report('0-2', { status: 'SUCCESS', output: null });
    expect(scheduled(run.events, '0-3')?.input).toEqual([{ name: 'text', value: 'Bearer s3cret', masked: true }]);
  });

  it("keeps a masked TaskDef's output masked as the thread's and the WfRun's output", () => {
    const run = start(
      spec({
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'a' }] },
        a: task('token', [], 'b'),
        b: task('greet', [lit('x')], 'end'),
        end: { type: 'EXIT', returnContent: out('a') },
      }),
    );
    run.report('0-1', { status: 'SUCCESS', output: 's3cret' });
    const ended = run.report('0-2', { status: 'SUCCESS', output: null }) as WfRunEvent[];
    const completions = ended.filter((e) => e.type === 'ThreadRunCompleted' || e.type === 'WfRunCompleted' || e.type === 'NodeRunCompleted');
    expect(completions.slice(-3).map((e) => maskEvent(e, () => false))).toMatchObject([
      { type: 'NodeRunCompleted', output: MASKED_VALUE },
      { type: 'ThreadRunCompleted', output: MASKED_VALUE },
      { type: 'WfRunCompleted', output: MASKED_VALUE },
    ]);
    // The engine keeps the real value.
    expect(run.state?.output).toBe('s3cret');
  });
});

describe('validateWfSpec on a NODE_OUTPUT_REFERENCE', () => {
  const nodes = (input: VariableAssignment, taskDefName = 'work'): Record<string, Node> => ({
    start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'a' }] },
    a: task('order', [], 'pause'),
    pause: { type: 'NOP', outgoingEdges: [{ sinkNodeName: 'v' }] },
    v: task('noop', [], 'c'),
    c: task(taskDefName, [input], 'end'),
    end: { type: 'EXIT' },
  });
  const problems = (wfSpec: VersionedWfSpec) => validateWfSpec(wfSpec, catalog).map((p) => [p.code, p.path.slice(3).join('.'), p.message]);

  it('accepts an earlier node of the same thread, typed by its TaskDef', () => {
    expect(problems(spec(nodes(out('a', '$.qty'))))).toEqual([]);
  });

  it('refuses a node that is not in the thread', () => {
    expect(problems(spec(nodes(out('nope'))))).toEqual([
      ['MISSING_NODE', 'c.inputs.0.nodeName', "The output given to input 'n' of TaskDef 'work' is that of 'nope', which is not a node of this thread."],
    ]);
  });

  it('refuses a node without an output: a NOP, or a TASK whose TaskDef returns nothing', () => {
    expect(problems(spec(nodes(out('pause'))))[0]?.slice(0, 2)).toEqual(['NO_NODE_OUTPUT', 'c.inputs.0.nodeName']);
    expect(problems(spec(nodes(out('v'))))[0]?.slice(0, 2)).toEqual(['NO_NODE_OUTPUT', 'c.inputs.0.nodeName']);
  });

  it('refuses a node that never runs before the value is read', () => {
    const wf = spec({ ...nodes(lit(1)), a: task('work', [out('c')], 'pause') });
    expect(problems(wf)).toEqual([
      ['NODE_NOT_RUN_BEFORE', 'a.inputs.0.nodeName', "Node 'c' never runs before 'a', so its output given to input 'n' of TaskDef 'work' is never there: every run would fail with VAR_SUB_ERROR."],
    ]);
  });

  it("lets an edge read the output of the node it leaves, and a node its own output in a loop", () => {
    const wf = spec({
      start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'a' }] },
      a: {
        type: 'TASK',
        taskDefName: 'work',
        inputs: [lit(1)],
        outgoingEdges: [{ sinkNodeName: 'end', condition: { comparator: 'GREATER_THAN', left: out('a'), right: lit(3) } }, { sinkNodeName: 'b' }],
      },
      b: task('work', [out('b')], 'end'),
      end: { type: 'EXIT' },
    });
    expect(problems(wf).map((p) => p.slice(0, 2))).toEqual([['NODE_NOT_RUN_BEFORE', 'b.inputs.0.nodeName']]);
    // Round a loop, a node's earlier run may have completed.
    const loop = spec({ ...(wf.threadSpecs.entrypoint?.nodes ?? {}), b: task('work', [out('b')], 'a') });
    expect(problems(loop)).toEqual([]);
  });

  it('checks the type of a known output against what takes it, and a JSON path against its type', () => {
    expect(problems(spec(nodes(out('a'))))).toEqual([
      ['TYPE_MISMATCH', 'c.inputs.0', "Node 'a' outputs a JSON_OBJ, which cannot be given to input 'n' of TaskDef 'work', a INT."],
    ]);
    const str = spec({ ...nodes(lit(1)), a: task('token', [], 'pause'), c: task('work', [out('a', '$.x')], 'end') });
    expect(problems(str)[0]?.slice(0, 2)).toEqual(['INVALID_JSON_PATH', 'c.inputs.0.jsonPath']);
    const cast = spec({ ...nodes(lit(1)), a: task('token', [], 'pause'), c: task('work', [{ ...out('a'), targetType: 'INT' }], 'end') });
    expect(problems(cast)).toEqual([]);
  });
});

describe('explaining a NODE_OUTPUT_REFERENCE', () => {
  it('writes it as output(node) with its path and cast', () => {
    expect(assignmentText(out('1-order-TASK', '$.id'))).toBe("output('1-order-TASK').id");
    expect(assignmentText({ ...out('a'), targetType: 'STR' })).toBe("output('a') as STR");
  });

  it("reads it from the thread's node outputs, and says when there is none yet", () => {
    const condition = { comparator: 'GREATER_THAN' as const, left: out('a', '$.qty'), right: lit(2) };
    expect(explainCondition(condition, {}, undefined, { a: { qty: 3 } })).toMatchObject({ holds: true, text: "output('a').qty (3) > 2: holds" });
    expect(explainCondition(condition, {}, undefined, {})).toMatchObject({ holds: undefined, text: "output('a').qty (not set) > 2: cannot be evaluated: node 'a' has no output yet" });
  });

  it('says a node gave no output, not that it has none yet, once its ThreadRun has ended', () => {
    const condition = { comparator: 'GREATER_THAN' as const, left: out('a', '$.qty'), right: lit(2) };
    expect(explainCondition(condition, {}, undefined, {}, undefined, { threadEnded: true })).toMatchObject({
      holds: undefined,
      text: "output('a').qty (not set) > 2: cannot be evaluated: node 'a' gave no output before its ThreadRun ended",
    });
    expect(explainCondition(condition, {}, undefined, { a: { qty: 1 } }, undefined, { threadEnded: true })).toMatchObject({ holds: false });
  });
});
