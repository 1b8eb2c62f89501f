import { describe, expect, it } from 'vitest';
import { replay, step, validateWfSpec } from '../../src/index.ts';
import type { Catalog, DecideContext, Edge, JsonValue, Node, ThreadVarDef, VersionedWfSpec, WfRunEvent, WfRunState } from '../../src/index.ts';

const catalog: Catalog = { taskDefs: { work: { name: 'work', inputVars: [], returnType: 'JSON_OBJ' } } };

function spec(nodes: Record<string, Node>, variableDefs: ThreadVarDef[]): VersionedWfSpec {
  return { name: 'edges', majorVersion: 0, revision: 0, entrypointThreadName: 'entrypoint', threadSpecs: { entrypoint: { variableDefs, nodes } } };
}

const ctx = (wfSpec: VersionedWfSpec, now = 1000): DecideContext => ({ now, ids: { next: () => 'id' }, wfSpec, catalog });

/** Runs the spec with `variables` and returns the final state and every event. */
function run(wfSpec: VersionedWfSpec, variables: Record<string, JsonValue>): { state: WfRunState; events: readonly WfRunEvent[] } {
  const result = step(undefined, { type: 'RunWf', wfRunId: 'r', variables }, ctx(wfSpec));
  if (!result.ok) throw new Error(result.rejection.message);
  return { state: result.state, events: result.events };
}

const v = (variableName: string, jsonPath?: string) => ({ type: 'VARIABLE' as const, variableName, ...(jsonPath ? { jsonPath } : {}) });
const lit = (value: JsonValue) => ({ type: 'LITERAL' as const, value });

/** ENTRYPOINT -> NOP with `edges` to EXIT nodes a, b and c. */
function branching(edges: Edge[], variableDefs: ThreadVarDef[]): VersionedWfSpec {
  return spec(
    {
      start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'split' }] },
      split: { type: 'NOP', outgoingEdges: edges },
      a: { type: 'EXIT' },
      b: { type: 'EXIT' },
      c: { type: 'EXIT' },
    },
    variableDefs,
  );
}

const visited = (events: readonly WfRunEvent[]) => events.flatMap((e) => (e.type === 'NodeRunStarted' ? [e.nodeName] : []));

describe('edges', () => {
  const byAmount = branching(
    [
      { sinkNodeName: 'a', condition: { comparator: 'GREATER_THAN', left: v('amount'), right: lit(100) } },
      { sinkNodeName: 'b', condition: { comparator: 'GREATER_THAN', left: v('amount'), right: lit(10) } },
      { sinkNodeName: 'c' },
    ],
    [{ name: 'amount', type: 'INT' }],
  );

  it('takes the first edge whose condition holds, in declared order', () => {
    expect(visited(run(byAmount, { amount: 500 }).events)).toEqual(['start', 'split', 'a']);
    expect(visited(run(byAmount, { amount: 50 }).events)).toEqual(['start', 'split', 'b']);
  });

  it('takes the edge without a condition when no condition holds', () => {
    expect(visited(run(byAmount, { amount: 1 }).events)).toEqual(['start', 'split', 'c']);
  });

  it('fails the node with VAR_SUB_ERROR when no edge matches', () => {
    const noDefault = branching([{ sinkNodeName: 'a', condition: { comparator: 'EQUALS', left: v('s'), right: lit('x') } }], [{ name: 's', type: 'STR' }]);
    const { state } = run(noDefault, { s: 'y' });
    expect(state.status).toBe('ERROR');
    expect(state.failure).toEqual({ name: 'VAR_SUB_ERROR', message: "No outgoing edge of node 'split' matched." });
  });

  it('fails with VAR_SUB_ERROR when a condition cannot be evaluated', () => {
    const bad = branching([{ sinkNodeName: 'a', condition: { comparator: 'LESS_THAN', left: v('s'), right: lit(3) } }, { sinkNodeName: 'b' }], [
      { name: 's', type: 'STR' },
    ]);
    const { state } = run(bad, { s: 'text' });
    expect(state.failure?.name).toBe('VAR_SUB_ERROR');
    expect(state.failure?.message).toMatch(/Cannot order "text" \(STR\) against 3 \(INT\)/);
  });

  it('fails with VAR_SUB_ERROR looking for NULL in a STR, as LittleHorse does, rather than for the text null', () => {
    const wf = branching([{ sinkNodeName: 'a', condition: { comparator: 'NOT_IN', left: v('s'), right: lit('value is null here') } }, { sinkNodeName: 'b' }], [
      { name: 's', type: 'STR' },
    ]);
    const { state } = run(wf, {});
    expect(state.failure).toEqual({ name: 'VAR_SUB_ERROR', message: expect.stringMatching(/IN cannot look for NULL in "value is null here" \(STR\)/) });
  });

  it.each([
    ['EQUALS', '1', 1],
    ['NOT_EQUALS', true, 'true'],
    ['EQUALS', { a: 1 }, [1]],
  ] as const)('fails with VAR_SUB_ERROR on %s between %j and %j, values of two kinds (LittleHorse: Comparer.compare)', (comparator, left, right) => {
    const wf = branching([{ sinkNodeName: 'a', condition: { comparator, left: lit(left), right: lit(right) } }, { sinkNodeName: 'b' }], []);
    expect(run(wf, {}).state.failure).toEqual({ name: 'VAR_SUB_ERROR', message: expect.stringMatching(new RegExp(`^Cannot compare .*: ${comparator} needs two values of one kind\\.$`)) });
  });

  it.each([
    ['LESS_THAN', 1, 2, true],
    ['LESS_THAN', 2, 2, false],
    ['LESS_THAN_EQ', 2, 2, true],
    ['GREATER_THAN', 3, 2, true],
    ['GREATER_THAN_EQ', 2, 3, false],
    ['EQUALS', { a: [1, 2] }, { a: [1, 2] }, true],
    ['NOT_EQUALS', 'x', 'x', false],
    ['IN', 'ell', 'hello', true],
    ['IN', 2, [1, 2, 3], true],
    ['IN', 'k', { k: 1 }, true],
    ['NOT_IN', 4, [1, 2, 3], true],
    ['IN', null, [1, null], true],
    ['IN', null, { null: 1 }, false],
    ['EQUALS', null, null, true],
    ['EQUALS', null, 'x', false],
    ['NOT_EQUALS', 1, 1.0, false],
    ['LESS_THAN', null, 0, true],
    ['LESS_THAN', 1, 1.5, true],
  ] as const)('evaluates %s on %j and %j as %s', (comparator, left, right, expected) => {
    const wf = branching([{ sinkNodeName: 'a', condition: { comparator, left: lit(left), right: lit(right) } }, { sinkNodeName: 'b' }], []);
    expect(visited(run(wf, {}).events).at(-1)).toBe(expected ? 'a' : 'b');
  });
});

describe('mutations on edges', () => {
  const counter = (operation: string, rhs: JsonValue, type: ThreadVarDef['type'], initial: JsonValue) =>
    spec(
      {
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'end', variableMutations: [{ lhsName: 'x', operation: operation as never, rhs: lit(rhs) }] }] },
        end: { type: 'EXIT' },
      },
      [{ name: 'x', type, defaultValue: initial }],
    );

  it.each([
    ['ADD', 2.9, 'INT', 5, 7],
    ['SUBTRACT', 1.5, 'INT', 5, 3],
    ['MULTIPLY', 2.5, 'INT', 3, 7],
    ['DIVIDE', 2, 'INT', 7, 3],
    ['DIVIDE', 2, 'DOUBLE', 7, 3.5],
    ['ADD', '!', 'STR', 'hi', 'hi!'],
    ['EXTEND', [3, 4], 'JSON_ARR', [1, 2], [1, 2, 3, 4]],
    ['ADD', [3], 'JSON_ARR', [1], [1, [3]]],
    ['REMOVE_IF_PRESENT', 2, 'JSON_ARR', [2, 1, 2], [1]],
    ['REMOVE_INDEX', 0, 'JSON_ARR', ['a', 'b'], ['b']],
    ['REMOVE_INDEX', 1.5, 'JSON_ARR', ['a', 'b'], ['a']],
    ['REMOVE_KEY', 'a', 'JSON_OBJ', { a: 1, b: 2 }, { b: 2 }],
    ['REMOVE_KEY', null, 'JSON_OBJ', { a: 1, null: 2 }, { a: 1, null: 2 }],
    ['REMOVE_IF_PRESENT', null, 'JSON_ARR', [1, null], [1]],
    // ASSIGN converts to the declared type, as LittleHorse's does.
    ['ASSIGN', 3, 'STR', 'x', '3'],
    ['ASSIGN', true, 'STR', 'x', 'true'],
    ['ASSIGN', { a: [1] }, 'STR', 'x', '{"a":[1]}'],
    ['ASSIGN', 2.7, 'INT', 0, 2],
    ['ASSIGN', -2.7, 'INT', 0, -2],
    ['ASSIGN', '-42', 'INT', 0, -42],
    ['ASSIGN', ' 2.5e1 ', 'DOUBLE', 0, 25],
    ['ASSIGN', '2.5', 'DOUBLE', 0, 2.5],
    ['ASSIGN', 'TRUE', 'BOOL', false, true],
    ['ASSIGN', 'false', 'BOOL', true, false],
    ['ASSIGN', null, 'INT', 5, null],
  ] as const)('%s %j on %s %j gives %j', (operation, rhs, type, initial, expected) => {
    const { state } = run(counter(operation, rhs, type, initial), {});
    expect(state.status).toBe('COMPLETED');
    expect(state.threadRuns[0]?.variables.x).toEqual(expected);
  });

  // LittleHorse's VariableValueModel: "Cannot add to var of type VALUE_NOT_SET", "Cannot add by null".
  it.each([
    ['ADD', 1, 'INT', null, "Variable 'x': ADD needs a value to change, and the variable is NULL; give it a default value or ASSIGN it first."],
    ['MULTIPLY', 2, 'DOUBLE', null, "Variable 'x': MULTIPLY needs a value to change, and the variable is NULL; give it a default value or ASSIGN it first."],
    ['EXTEND', 'x', 'STR', null, "Variable 'x': EXTEND needs a value to change, and the variable is NULL; give it a default value or ASSIGN it first."],
    ['EXTEND', 'aGk=', 'BYTES', null, "Variable 'x': EXTEND needs a value to change, and the variable is NULL; give it a default value or ASSIGN it first."],
    ['REMOVE_IF_PRESENT', 1, 'JSON_ARR', null, "Variable 'x': REMOVE_IF_PRESENT needs a value to change, and the variable is NULL; give it a default value or ASSIGN it first."],
    ['REMOVE_KEY', 'a', 'JSON_OBJ', null, "Variable 'x': REMOVE_KEY needs a value to change, and the variable is NULL; give it a default value or ASSIGN it first."],
    ['ADD', null, 'STR', 'hi', "Variable 'x': ADD of NULL: the right side has no value."],
    ['ADD', null, 'JSON_ARR', [1], "Variable 'x': ADD of NULL: the right side has no value."],
    ['ADD', null, 'INT', 1, "Variable 'x': ADD of NULL: the right side has no value."],
  ] as const)('fails %s %j on %s %j with VAR_SUB_ERROR', (operation, rhs, type, initial, message) => {
    const { state } = run(counter(operation, rhs, type, initial), {});
    expect(state.failure).toEqual({ name: 'VAR_SUB_ERROR', message });
    expect(state.threadRuns[0]?.variables.x).toEqual(initial);
  });

  it('fails with VAR_SUB_ERROR on a mutation the type does not allow at run time', () => {
    const { state } = run(counter('DIVIDE', 0, 'INT', 4), {});
    expect(state.status).toBe('ERROR');
    expect(state.failure?.message).toBe("Variable 'x': Division by zero.");
  });

  it.each([
    ['abc', 'INT'],
    ['1.5', 'INT'],
    [' 42 ', 'INT'],
    ['0x10', 'DOUBLE'],
    ['Infinity', 'DOUBLE'],
    ['9007199254740993', 'INT'],
    ['yes', 'BOOL'],
    ['', 'DOUBLE'],
    ['{}', 'JSON_OBJ'],
    [[1], 'JSON_OBJ'],
  ] as const)('fails with VAR_SUB_ERROR when ASSIGN cannot convert %j to %s', (rhs, type) => {
    const { state } = run(counter('ASSIGN', rhs, type, null), {});
    expect(state.failure?.name).toBe('VAR_SUB_ERROR');
    expect(state.threadRuns[0]?.variables.x).toBeNull();
  });

  it("applies an edge's mutations all or none: a later one sees the earlier ones, and a failure leaves every variable as it was", () => {
    const twoSteps = (divisor: number) =>
      spec(
        {
          start: {
            type: 'ENTRYPOINT',
            outgoingEdges: [
              {
                sinkNodeName: 'end',
                variableMutations: [
                  { lhsName: 'x', operation: 'ASSIGN', rhs: lit(12) },
                  { lhsName: 'y', operation: 'ASSIGN', rhs: v('x') },
                  { lhsName: 'y', operation: 'DIVIDE', rhs: lit(divisor) },
                ],
              },
            ],
          },
          end: { type: 'EXIT' },
        },
        [
          { name: 'x', type: 'INT', defaultValue: 1 },
          { name: 'y', type: 'INT', defaultValue: 10 },
        ],
      );
    const applied = run(twoSteps(4), {});
    expect(applied.state.threadRuns[0]?.variables).toEqual({ x: 12, y: 3 });
    const failed = run(twoSteps(0), {});
    expect(failed.state.failure?.name).toBe('VAR_SUB_ERROR');
    expect(failed.state.threadRuns[0]?.variables).toEqual({ x: 1, y: 10 });
    expect(failed.events.some((e) => e.type === 'VariableAssigned')).toBe(false);
    expect(replay(failed.events)).toEqual(failed.state);
  });

  it('reads and writes inside JSON with paths', () => {
    const wf = spec(
      {
        start: {
          type: 'ENTRYPOINT',
          outgoingEdges: [
            {
              sinkNodeName: 'end',
              variableMutations: [
                { lhsName: 'order', lhsJsonPath: '$.total', operation: 'ADD', rhs: v('order', '$.items[1].price') },
                { lhsName: 'first', operation: 'ASSIGN', rhs: v('order', "$.items[0]['name']") },
                { lhsName: 'missing', operation: 'ASSIGN', rhs: v('order', '$.nothing.here') },
              ],
            },
          ],
        },
        end: { type: 'EXIT' },
      },
      [
        { name: 'order', type: 'JSON_OBJ' },
        { name: 'first', type: 'STR' },
        { name: 'missing', type: 'STR', defaultValue: 'x' },
      ],
    );
    const { state } = run(wf, { order: { total: 1, items: [{ name: 'pen', price: 2 }, { name: 'ink', price: 5 }] } });
    expect(state.threadRuns[0]?.variables).toMatchObject({ order: { total: 6 }, first: 'pen', missing: null });
  });

  it('puts the right side where a path finds nothing, whatever the operation, and fails on a path into NULL', () => {
    const mutating = (lhsJsonPath: string, rhs: ReturnType<typeof v> | ReturnType<typeof lit>) =>
      spec(
        {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'end', variableMutations: [{ lhsName: 'doc', lhsJsonPath, operation: 'ADD', rhs }] }] },
          end: { type: 'EXIT' },
        },
        [{ name: 'doc', type: 'JSON_OBJ' }, { name: 'other', type: 'JSON_OBJ' }],
      );
    // LittleHorse's VariableMutationModel.execute: a path with nothing there takes the right side as it is.
    expect(run(mutating('$.count', lit(5)), { doc: { name: 'a' } }).state.threadRuns[0]?.variables.doc).toEqual({ name: 'a', count: 5 });
    // Its jsonPath on VALUE_NOT_SET: a NULL variable has no path to write or to read.
    expect(run(mutating('$.count', lit(5)), {}).state.failure).toEqual({ name: 'VAR_SUB_ERROR', message: "Variable 'doc' is NULL: there is no $.count in it to change." });
    expect(run(mutating('$.count', v('other', '$.n')), { doc: {} }).state.failure).toEqual({ name: 'VAR_SUB_ERROR', message: "The right side of the ADD of 'doc': There is no $.n in NULL." });
  });
});

describe('EXIT with a failureDef', () => {
  it('fails the thread and the WfRun with the named EXCEPTION and its content', () => {
    const wf = spec(
      {
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'fail' }] },
        fail: { type: 'EXIT', failureDef: { failureName: 'out-of-stock', message: 'none left', content: v('sku') } },
      },
      [{ name: 'sku', type: 'STR' }],
    );
    const { state, events } = run(wf, { sku: 'w-1' });
    expect(state.status).toBe('EXCEPTION');
    expect(state.failure).toEqual({ name: 'out-of-stock', message: 'none left', content: 'w-1' });
    expect(replay(events)).toEqual(state);
  });
});

describe('the limit on a value a mutation makes', () => {
  // Thirty euro signs are 90 bytes of UTF-8 (92 as a JSON string); one more mutation adding three takes it past 100.
  const growing = (last: JsonValue) =>
    spec(
      {
        start: {
          type: 'ENTRYPOINT',
          outgoingEdges: [
            {
              sinkNodeName: 'end',
              variableMutations: [
                { lhsName: 's', operation: 'ADD', rhs: lit('€'.repeat(30)) },
                { lhsName: 'list', operation: 'EXTEND', rhs: lit([1, 2]) },
                { lhsName: 's', operation: 'ADD', rhs: lit(last) },
              ],
            },
          ],
        },
        end: { type: 'EXIT' },
      },
      [
        { name: 's', type: 'STR', defaultValue: '' },
        { name: 'list', type: 'JSON_ARR', defaultValue: [] },
      ],
    );
  const runWith = (wfSpec: VersionedWfSpec, maxValueBytes?: number) => {
    const result = step(undefined, { type: 'RunWf', wfRunId: 'r', variables: {} }, { ...ctx(wfSpec), maxValueBytes });
    if (!result.ok) throw new Error(result.rejection.message);
    return result;
  };

  it('fails the node with VAR_SUB_ERROR when a mutation would make a value over it, counting UTF-8 bytes', () => {
    const { state, events } = runWith(growing('€€€'), 100);
    expect(state.status).toBe('ERROR');
    expect(state.failure).toEqual({ name: 'VAR_SUB_ERROR', message: "Variable 's' would be over 100 bytes (the limit on a value)." });
    // None of the edge's mutations applied, the ones before it included.
    expect(events.some((e) => e.type === 'VariableAssigned')).toBe(false);
    expect(state.threadRuns[0]?.variables).toEqual({ s: '', list: [] });
    expect(replay(events)).toEqual(state);
  });

  it('lets a value up to it through, and sets none without one', () => {
    expect(runWith(growing('ab'), 100).state.status).toBe('COMPLETED');
    expect(runWith(growing('€€€')).state.status).toBe('COMPLETED');
    expect(runWith(growing('€€€'), 101).state.status).toBe('COMPLETED');
  });

  it('fails the node with VAR_SUB_ERROR when a mutation would nest a value past 256 levels', () => {
    // Each round puts the document inside itself: one level deeper a task.
    const wf = spec(
      {
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'body' }] },
        body: {
          type: 'TASK',
          taskDefName: 'work',
          outgoingEdges: [{ sinkNodeName: 'body', variableMutations: [{ lhsName: 'doc', lhsJsonPath: '$.inner', operation: 'ASSIGN', rhs: v('doc') }] }],
        },
      },
      [{ name: 'doc', type: 'JSON_OBJ', defaultValue: {} }],
    );
    let result = step(undefined, { type: 'RunWf', wfRunId: 'r', variables: {} }, ctx(wf));
    let rounds = 0;
    for (; result.ok && result.state.status === 'RUNNING' && rounds < 400; rounds++) {
      const taskGuid = result.state.threadRuns[0]?.currentNodeRun?.taskRun?.taskGuid ?? '';
      result = step(result.state, { type: 'ReportTaskAttempt', taskGuid, attempt: 0, result: { status: 'SUCCESS', output: {} } }, ctx(wf, 1000 + rounds));
    }
    if (!result.ok) throw new Error(result.rejection.message);
    expect(result.state.status).toBe('ERROR');
    expect(result.state.failure).toEqual({ name: 'VAR_SUB_ERROR', message: "Variable 'doc' would nest arrays or objects more than 256 levels deep (the limit on a value)." });
    // The 256th round made it 256 deep (the outer object one, each inner one more); the next was refused.
    expect(rounds).toBe(256);
    let depth = 0;
    for (let doc = result.state.threadRuns[0]?.variables.doc as Record<string, JsonValue> | undefined; doc; doc = doc.inner as typeof doc) depth++;
    expect(depth).toBe(256);
  });
});

describe('a loop made of NOPs and a TASK', () => {
  it('repeats the body while the condition holds and keeps the state small', () => {
    const wf = spec(
      {
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'head' }] },
        head: {
          type: 'NOP',
          outgoingEdges: [{ sinkNodeName: 'body', condition: { comparator: 'LESS_THAN', left: v('i'), right: v('n') } }, { sinkNodeName: 'end' }],
        },
        body: { type: 'TASK', taskDefName: 'work', outgoingEdges: [{ sinkNodeName: 'head', variableMutations: [{ lhsName: 'i', operation: 'ADD', rhs: lit(1) }] }] },
        end: { type: 'EXIT' },
      },
      [
        { name: 'i', type: 'INT', defaultValue: 0 },
        { name: 'n', type: 'INT' },
      ],
    );
    let result = step(undefined, { type: 'RunWf', wfRunId: 'r', variables: { n: 200 } }, ctx(wf));
    const sizes: number[] = [];
    for (let i = 0; result.ok && result.state.status === 'RUNNING'; i++) {
      const taskGuid = result.state.threadRuns[0]?.currentNodeRun?.taskRun?.taskGuid ?? '';
      result = step(result.state, { type: 'ReportTaskAttempt', taskGuid, attempt: 0, result: { status: 'SUCCESS', output: {} } }, ctx(wf, 1000 + i));
      if (result.ok) sizes.push(JSON.stringify(result.state).length);
    }
    expect(result.ok && result.state.status).toBe('COMPLETED');
    expect(result.ok && result.state.threadRuns[0]?.variables.i).toBe(200);
    // A state grows with its position counter's digits only, never with the number of iterations.
    expect(Math.max(...sizes) - (sizes[10] ?? 0)).toBeLessThan(20);
  });
});

describe('validateWfSpec on edges and mutations', () => {
  it('names an edge that follows an edge without a condition', () => {
    const wf = branching([{ sinkNodeName: 'a' }, { sinkNodeName: 'b' }, { sinkNodeName: 'c', condition: { comparator: 'EQUALS', left: lit(1), right: lit(1) } }], []);
    const problems = validateWfSpec(wf, catalog).filter((p) => p.code === 'UNREACHABLE_EDGE');
    expect(problems.map((p) => p.path)).toEqual([
      ['threadSpecs', 'entrypoint', 'nodes', 'split', 'outgoingEdges', 1],
      ['threadSpecs', 'entrypoint', 'nodes', 'split', 'outgoingEdges', 2],
    ]);
  });

  it('names an unknown comparator, an operation the type does not take, a bad JSON path and a reserved failure name', () => {
    const wf = spec(
      {
        start: {
          type: 'ENTRYPOINT',
          outgoingEdges: [
            {
              sinkNodeName: 'end',
              condition: { comparator: 'LIKE' as never, left: v('flag'), right: lit(true) },
              variableMutations: [
                { lhsName: 'flag', operation: 'ADD', rhs: lit(true) },
                { lhsName: 'doc', operation: 'ASSIGN', rhs: v('doc', 'items') },
              ],
            },
          ],
        },
        end: { type: 'EXIT', failureDef: { failureName: 'TIMEOUT', message: 'no' } },
      },
      [
        { name: 'flag', type: 'BOOL' },
        { name: 'doc', type: 'JSON_OBJ' },
      ],
    );
    const problems = validateWfSpec(wf, catalog).map((p) => [p.code, p.path.slice(4).join('.')]);
    expect(problems).toEqual([
      ['UNKNOWN_COMPARATOR', 'outgoingEdges.0.condition.comparator'],
      ['UNKNOWN_OPERATION', 'outgoingEdges.0.variableMutations.0.operation'],
      ['INVALID_JSON_PATH', 'outgoingEdges.0.variableMutations.1.rhs.jsonPath'],
      ['RESERVED_FAILURE_NAME', 'failureDef.failureName'],
    ]);
  });
});
