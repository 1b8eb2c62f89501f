import { describe, expect, it } from 'vitest';
import { step, validateWfSpec } from '../../src/index.ts';
import type { Catalog, DecideContext, JsonValue, MutationType, Node, ThreadVarDef, VariableAssignment, VariableType, VersionedWfSpec, WfRunEvent, WfRunState } from '../../src/index.ts';

const catalog: Catalog = {
  taskDefs: {
    greet: { name: 'greet', inputVars: [{ name: 'text', type: 'STR' }] },
    count: { name: 'count', inputVars: [{ name: 'n', type: 'INT' }] },
    measure: { name: 'measure', inputVars: [{ name: 'x', type: 'DOUBLE' }] },
    flag: { name: 'flag', inputVars: [{ name: 'on', type: 'BOOL' }] },
  },
};

const v = (variableName: string, targetType?: VariableType): VariableAssignment => ({ type: 'VARIABLE', variableName, ...(targetType ? { targetType } : {}) });
const lit = (value: JsonValue, targetType?: VariableType): VariableAssignment => ({ type: 'LITERAL', value, ...(targetType ? { targetType } : {}) });
const format = (template: string, ...args: VariableAssignment[]): VariableAssignment => ({ type: 'FORMAT_STRING', format: lit(template), args });
const expr = (lhs: VariableAssignment, operation: MutationType, rhs: VariableAssignment, targetType?: VariableType): VariableAssignment => ({
  type: 'EXPRESSION',
  lhs,
  operation,
  rhs,
  ...(targetType ? { targetType } : {}),
});

const VARIABLES: ThreadVarDef[] = [
  { name: 'name', type: 'STR' },
  { name: 'age', type: 'STR' },
  { name: 'count', type: 'INT' },
  { name: 'price', type: 'DOUBLE' },
  { name: 'tags', type: 'JSON_ARR' },
  { name: 'secret', type: 'STR', masked: true },
  { name: 'vault', type: 'JSON_OBJ', masked: true },
];

/** ENTRYPOINT -> one TASK of `taskDefName` with `input` -> EXIT. */
function taskSpec(taskDefName: string, input: VariableAssignment, extra: Partial<Node> = {}): VersionedWfSpec {
  return {
    name: 'assignments',
    majorVersion: 0,
    revision: 0,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: VARIABLES,
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'task' }] },
          task: { type: 'TASK', taskDefName, inputs: [input], outgoingEdges: [{ sinkNodeName: 'end' }], ...extra } as Node,
          end: { type: 'EXIT' },
        },
      },
    },
  };
}

const ctx = (wfSpec: VersionedWfSpec): DecideContext => ({ now: 1000, ids: { next: () => 'id' }, wfSpec, catalog });

function run(wfSpec: VersionedWfSpec, variables: Record<string, JsonValue>): { state: WfRunState; events: readonly WfRunEvent[] } {
  expect(validateWfSpec(wfSpec, catalog)).toEqual([]);
  const result = step(undefined, { type: 'RunWf', wfRunId: 'r', variables }, ctx(wfSpec));
  if (!result.ok) throw new Error(result.rejection.message);
  return { state: result.state, events: result.events };
}

/** The value the TASK was scheduled with. */
function input(events: readonly WfRunEvent[]): JsonValue | undefined {
  const scheduled = events.find((e) => e.type === 'TaskRunScheduled');
  return scheduled?.type === 'TaskRunScheduled' ? scheduled.input[0]?.value : undefined;
}

describe('format strings', () => {
  it('gives a task a STR made from a template and variables', () => {
    const { events } = run(taskSpec('greet', format('Hello {0}, you have {1} new messages', v('name'), v('count'))), { name: 'Ada', count: 1200 });
    expect(input(events)).toBe('Hello Ada, you have 1,200 new messages');
  });

  it('reads its template from a variable too', () => {
    const wf = taskSpec('greet', { type: 'FORMAT_STRING', format: v('name'), args: [lit('x')] });
    expect(input(run(wf, { name: 'id {0}' }).events)).toBe('id x');
  });

  it('fails the node with VAR_SUB_ERROR naming the argument that cannot be read', () => {
    const { state } = run(taskSpec('greet', format('{0}', { type: 'VARIABLE', variableName: 'age', targetType: 'INT' })), { age: 'old' });
    expect(state.failure).toEqual({ name: 'VAR_SUB_ERROR', message: "Input 'text' of TaskDef 'greet': Format string argument {0}: Failed to cast value to INT: Cannot parse 'old' as INT." });
  });

  it('fails with VAR_SUB_ERROR when the template is not a STR', () => {
    const wf = taskSpec('greet', { type: 'FORMAT_STRING', format: v('count'), args: [] });
    // Validation refuses it; a spec registered otherwise fails where it runs.
    expect(validateWfSpec(wf, catalog).map((p) => p.code)).toEqual(['TYPE_MISMATCH']);
    const result = step(undefined, { type: 'RunWf', wfRunId: 'r', variables: { count: 1 } }, ctx(wf));
    expect(result.ok && result.state.failure).toEqual({ name: 'VAR_SUB_ERROR', message: "Input 'text' of TaskDef 'greet': Format String template isn't a STR; it's 1 (INT)." });
  });

  it('keeps a value made from a masked variable secret', () => {
    const { events } = run(taskSpec('greet', format('token {0}', v('secret'))), { secret: 's3cr3t' });
    const scheduled = events.find((e) => e.type === 'TaskRunScheduled');
    expect(scheduled?.type === 'TaskRunScheduled' && scheduled.input[0]).toEqual({ name: 'text', value: 'token s3cr3t', masked: true });
  });
});

describe('casts', () => {
  it('casts a STR variable to the INT a task takes', () => {
    expect(input(run(taskSpec('count', v('age', 'INT')), { age: '42' }).events)).toBe(42);
  });

  it('casts a DOUBLE to an INT by truncating', () => {
    expect(input(run(taskSpec('count', v('price', 'INT')), { price: 9.99 }).events)).toBe(9);
  });

  it('casts a literal STR to a BOOL', () => {
    expect(input(run(taskSpec('flag', lit('True', 'BOOL')), {}).events)).toBe(true);
  });

  it("fails the node with VAR_SUB_ERROR and LittleHorse's message when the STR does not parse", () => {
    const { state } = run(taskSpec('count', v('age', 'INT')), { age: 'forty-two' });
    expect(state.status).toBe('ERROR');
    expect(state.failure).toEqual({ name: 'VAR_SUB_ERROR', message: "Input 'n' of TaskDef 'count': Failed to cast value to INT: Cannot parse 'forty-two' as INT." });
  });

  it('keeps NULL NULL', () => {
    expect(input(run(taskSpec('count', v('age', 'INT')), {}).events)).toBe(null);
  });

  it('names a masked value that fails by its kind, without its value, in every event', () => {
    for (const source of [v('secret', 'INT'), format('PIN {0}', v('secret', 'INT')), expr(v('secret', 'INT'), 'ADD', lit(1))]) {
      const { state, events } = run(taskSpec(source.type === 'FORMAT_STRING' ? 'greet' : 'count', source), { secret: '12ab' });
      expect(state.status).toBe('ERROR');
      expect(state.failure?.message).toMatch(/: Failed to cast a masked STR to INT\.$/);
      // Masking hides variables' values where events carry them; a failure's message it leaves as it is.
      expect(JSON.stringify(events.filter((e) => e.type.endsWith('Failed')))).not.toContain('12ab');
    }
  });

  it('describes a masked value of the wrong type by its kind only', () => {
    const { state } = run(taskSpec('count', { type: 'VARIABLE', variableName: 'vault', jsonPath: '$.pin' }), { vault: { pin: '1234' } });
    expect(state.failure).toEqual({ name: 'VAR_SUB_ERROR', message: "Input 'n' of TaskDef 'count' expects an INT but got a masked STR." });
  });
});

describe('expressions', () => {
  it('computes an INT plus one for a task input', () => {
    expect(input(run(taskSpec('count', expr(v('count'), 'ADD', lit(1))), { count: 41 }).events)).toBe(42);
  });

  it('computes an INT with a DOUBLE as a DOUBLE, as LittleHorse does', () => {
    expect(input(run(taskSpec('measure', expr(v('count'), 'MULTIPLY', lit(1.5))), { count: 3 }).events)).toBe(4.5);
  });

  it('divides a DOUBLE variable as a DOUBLE even when it holds a whole number', () => {
    expect(input(run(taskSpec('measure', expr(v('price'), 'DIVIDE', lit(4))), { price: 10 }).events)).toBe(2.5);
  });

  it('divides an INT as an INT, truncating', () => {
    expect(input(run(taskSpec('count', expr(v('count'), 'DIVIDE', lit(4))), { count: 10 }).events)).toBe(2);
  });

  it('concatenates STRs and nests: (name + "!") as a greeting', () => {
    const wf = taskSpec('greet', format('{0}', expr(expr(v('name'), 'ADD', lit('!')), 'ADD', lit('?'))));
    expect(input(run(wf, { name: 'Ada' }).events)).toBe('Ada!?');
  });

  it('casts its result', () => {
    expect(input(run(taskSpec('count', expr(v('price'), 'MULTIPLY', lit(2), 'INT')), { price: 2.75 }).events)).toBe(5);
  });

  it('leaves the variables it reads as they were', () => {
    const { state } = run(taskSpec('count', expr(v('count'), 'ADD', lit(1))), { count: 1 });
    expect(state.threadRuns[0]?.variables.count).toBe(1);
  });

  it('fails the node with VAR_SUB_ERROR on division by zero, naming the operation', () => {
    // By a variable: validation refuses a literal 0.
    const { state } = run(taskSpec('count', expr(lit(1), 'DIVIDE', v('count'))), { count: 0 });
    expect(state.failure).toEqual({ name: 'VAR_SUB_ERROR', message: "Input 'n' of TaskDef 'count': DIVIDE of 1 (INT) with 0 (INT): Division by zero." });
  });

  it('fails with VAR_SUB_ERROR when its left side is NULL', () => {
    const { state } = run(taskSpec('count', expr(v('count'), 'ADD', lit(1))), {});
    expect(state.failure?.name).toBe('VAR_SUB_ERROR');
    expect(state.failure?.message).toMatch(/ADD has a NULL left side/);
  });

  it('computes the right side of an edge mutation', () => {
    const wf: VersionedWfSpec = {
      ...taskSpec('count', lit(0)),
      threadSpecs: {
        entrypoint: {
          variableDefs: VARIABLES,
          nodes: {
            start: {
              type: 'ENTRYPOINT',
              outgoingEdges: [
                {
                  sinkNodeName: 'end',
                  variableMutations: [
                    { lhsName: 'name', operation: 'ASSIGN', rhs: format('{0} ({1})', v('name'), expr(v('count'), 'MULTIPLY', lit(2))) },
                    { lhsName: 'count', operation: 'ASSIGN', rhs: v('age', 'INT') },
                    { lhsName: 'tags', operation: 'ASSIGN', rhs: expr(v('tags'), 'ADD', v('name')) },
                  ],
                },
              ],
            },
            end: { type: 'EXIT' },
          },
        },
      },
    };
    const { state } = run(wf, { name: 'Ada', count: 21, age: '36', tags: [] });
    expect(state.status).toBe('COMPLETED');
    // Each mutation sees the ones before it.
    expect(state.threadRuns[0]?.variables).toMatchObject({ name: 'Ada (42)', count: 36, tags: ['Ada (42)'] });
  });
});

describe('conditions that are BOOL values', () => {
  const cmp = (lhs: VariableAssignment, comparator: 'GREATER_THAN' | 'EQUALS' | 'LESS_THAN', rhs: VariableAssignment): VariableAssignment => ({ type: 'EXPRESSION', lhs, comparator, rhs });
  const defs: ThreadVarDef[] = [...VARIABLES, { name: 'vip', type: 'BOOL' }];

  /** ENTRYPOINT -> NOP with an edge to `yes` under `condition`, else to `no`. */
  function branching(condition: VariableAssignment): VersionedWfSpec {
    return {
      name: 'conditions',
      majorVersion: 0,
      revision: 0,
      entrypointThreadName: 'entrypoint',
      threadSpecs: {
        entrypoint: {
          variableDefs: defs,
          nodes: {
            start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'split' }] },
            split: { type: 'NOP', outgoingEdges: [{ sinkNodeName: 'yes', condition }, { sinkNodeName: 'no' }] },
            yes: { type: 'EXIT' },
            no: { type: 'EXIT' },
          },
        },
      },
    };
  }
  const taken = (wf: VersionedWfSpec, variables: Record<string, JsonValue>) => {
    const { state, events } = run(wf, variables);
    return state.failure ?? events.flatMap((e) => (e.type === 'NodeRunStarted' && (e.nodeName === 'yes' || e.nodeName === 'no') ? [e.nodeName] : []))[0];
  };

  it('takes an edge whose condition is a BOOL variable', () => {
    const wf = branching(v('vip'));
    expect(taken(wf, { vip: true })).toBe('yes');
    expect(taken(wf, { vip: false })).toBe('no');
  });

  it('takes an edge whose condition compares, with casts on either side', () => {
    const wf = branching(cmp(v('age', 'INT'), 'GREATER_THAN', lit(17)));
    expect(taken(wf, { age: '18' })).toBe('yes');
    expect(taken(wf, { age: '9' })).toBe('no');
  });

  it('combines comparisons with AND and OR', () => {
    const wf = branching(expr(cmp(v('count'), 'GREATER_THAN', lit(10)), 'OR', expr(v('vip'), 'AND', cmp(v('name'), 'EQUALS', lit('Ada')))));
    expect(taken(wf, { count: 11, vip: false, name: 'Bob' })).toBe('yes');
    expect(taken(wf, { count: 1, vip: true, name: 'Ada' })).toBe('yes');
    expect(taken(wf, { count: 1, vip: true, name: 'Bob' })).toBe('no');
  });

  it('fails the node with VAR_SUB_ERROR when the condition is not a BOOL when it is read', () => {
    expect(taken(branching(v('vip')), {})).toEqual({ name: 'VAR_SUB_ERROR', message: 'The condition must be a BOOL; it is null (NULL).' });
  });

  it('is refused by validation when it is known to be no BOOL', () => {
    expect(validateWfSpec(branching(v('count')), catalog)).toEqual([expect.objectContaining({ code: 'TYPE_MISMATCH', message: 'The condition is an INT; it must be a BOOL.' })]);
    expect(validateWfSpec(branching(cmp(v('name'), 'LESS_THAN', lit(3))), catalog).map((p) => p.code)).toEqual(['TYPE_MISMATCH']);
  });

  it('waits in WAIT_FOR_CONDITION until a BOOL value holds', () => {
    const wf = branching(lit(true));
    const waiting: VersionedWfSpec = {
      ...wf,
      threadSpecs: {
        entrypoint: {
          variableDefs: defs,
          nodes: {
            start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'wait' }] },
            wait: { type: 'WAIT_FOR_CONDITION', condition: cmp(v('count'), 'EQUALS', lit(3)), outgoingEdges: [{ sinkNodeName: 'yes' }] },
            yes: { type: 'EXIT' },
          },
        },
      },
    };
    expect(run(waiting, { count: 3 }).state.status).toBe('COMPLETED');
    expect(run(waiting, { count: 2 }).state.status).toBe('RUNNING');
  });
});

describe('AND, OR and POW', () => {
  it('raises an INT to an INT power as an INT, and to a DOUBLE one as a DOUBLE', () => {
    expect(input(run(taskSpec('count', expr(v('count'), 'POW', lit(3))), { count: 2 }).events)).toBe(8);
    expect(input(run(taskSpec('measure', expr(v('count'), 'POW', lit(0.5))), { count: 9 }).events)).toBe(3);
  });

  it('fails with VAR_SUB_ERROR when an INT power does not fit an INT', () => {
    const { state } = run(taskSpec('count', expr(v('count'), 'POW', lit(60))), { count: 10 });
    expect(state.failure?.message).toMatch(/Exponentiation result is out of range for INT/);
  });

  it('reads a STR true or false as a BOOL, as LittleHorse does', () => {
    expect(input(run(taskSpec('flag', expr(lit(true), 'AND', v('age'))), { age: 'TRUE' }).events)).toBe(true);
    const { state } = run(taskSpec('flag', expr(lit(true), 'OR', v('age'))), { age: 'maybe' });
    expect(state.failure?.message).toMatch(/OR needs two BOOLs/);
  });
});

describe('size()', () => {
  const size = (operand: VariableAssignment): VariableAssignment => ({ type: 'SIZE_OF', operand });

  it('counts the characters of a STR and the elements of a JSON_ARR', () => {
    expect(input(run(taskSpec('count', size(v('name'))), { name: 'Ada' }).events)).toBe(3);
    expect(input(run(taskSpec('count', size(v('tags'))), { tags: [1, 2, 3, 4] }).events)).toBe(4);
  });

  it('fails the node with VAR_SUB_ERROR on NULL', () => {
    const { state } = run(taskSpec('count', size(v('tags'))), {});
    expect(state.failure).toEqual({ name: 'VAR_SUB_ERROR', message: "Input 'n' of TaskDef 'count': Cannot resolve size() of null (NULL): it takes a STR or a JSON_ARR." });
  });

  it('is refused by validation on a type that has no size', () => {
    expect(validateWfSpec(taskSpec('count', size(v('count'))), catalog)).toEqual([expect.objectContaining({ code: 'TYPE_MISMATCH', path: ['threadSpecs', 'entrypoint', 'nodes', 'task', 'inputs', 0, 'operand'] })]);
  });
});
