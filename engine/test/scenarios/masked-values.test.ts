import { describe, expect, it } from 'vitest';
import { maskedVariableNames, maskEvent, MASKED_VALUE, returnsMaskedValue } from '../../src/index.ts';
import type { Catalog, Command, JsonValue, MutationSource, Node, ThreadSpec, ThreadVarDef, VariableAssignment, VersionedWfSpec, WfRunEvent } from '../../src/index.ts';
import { TestCluster } from '../cluster.ts';
import { TestRun } from '../run.ts';

// A secret is used whole inside the WfRun and by workers, and never shows in what the API gives (maskEvent over the
// events), wherever it travels: to a parent WfRun, into a failure, a WorkflowEvent, a correlation key or an error
// message. Only a variable the WfSpec does not declare masked shows what the WfSpec itself put there.

const SECRET = 'hunter2-xyzzy';
/** A secret INT, kept in the masked `vault`. */
const PIN = 918_273_645;
const v = (variableName: string): VariableAssignment => ({ type: 'VARIABLE', variableName });
const lit = (value: JsonValue): VariableAssignment => ({ type: 'LITERAL', value });
const ref = (nodeName: string): VariableAssignment => ({ type: 'NODE_OUTPUT_REFERENCE', nodeName });
const assign = (lhsName: string, rhs: MutationSource = { type: 'NODE_OUTPUT' }) => ({ lhsName, operation: 'ASSIGN' as const, rhs });
const to = (sinkNodeName: string, more: object = {}) => [{ sinkNodeName, ...more }];

const catalog: Catalog = {
  taskDefs: {
    fetch: { name: 'fetch', inputVars: [], returnType: 'STR', maskedOutput: true },
    use: { name: 'use', inputVars: [{ name: 'value', type: 'STR' }] },
  },
  userTaskDefs: { approve: { name: 'approve', version: 0, fields: [{ name: 'ok', type: 'BOOL' }] } },
};

function wfSpec(name: string, entrypoint: ThreadSpec, threads: Record<string, ThreadSpec> = {}): VersionedWfSpec {
  return { name, majorVersion: 0, revision: 0, entrypointThreadName: 'entrypoint', threadSpecs: { entrypoint, ...threads } };
}

/** The `secret` variable: a masked STR holding SECRET by default. */
const secretDef: ThreadVarDef = { name: 'secret', type: 'STR', masked: true, defaultValue: SECRET };

/** The events as the API shows them, for the WfSpec they ran on. */
function shown(events: readonly WfRunEvent[], spec: VersionedWfSpec): WfRunEvent[] {
  const names = maskedVariableNames(spec);
  return events.map((event) => maskEvent(event, (name) => names.has(name), returnsMaskedValue(spec)));
}

/** The events, as the API shows them, that show a secret. */
const showing = (events: readonly WfRunEvent[], spec: VersionedWfSpec) =>
  shown(events, spec).filter((e) => JSON.stringify(e).includes(SECRET) || JSON.stringify(e).includes(String(PIN)));
const ofType = <T extends WfRunEvent['type']>(events: readonly WfRunEvent[], type: T) => events.filter((e): e is Extract<WfRunEvent, { type: T }> => e.type === type);

/**
 * The parent (`p`) runs `child`, waits for it, and uses its output: `plain` and `hidden` (masked) are assigned it, the
 * `use` task gets it by node name, and its EXIT returns it by node name.
 */
function parent(child: string, waitNode: Partial<Extract<Node, { type: 'WAIT_FOR_CHILD_WF' }>> = {}, threads: Record<string, ThreadSpec> = {}): VersionedWfSpec {
  return wfSpec(
    'parent',
    {
      variableDefs: [{ name: 'child', type: 'STR' }, { name: 'plain', type: 'STR' }, { name: 'hidden', type: 'STR', masked: true }],
      nodes: {
        start: { type: 'ENTRYPOINT', outgoingEdges: to('run') },
        run: { type: 'RUN_CHILD_WF', wfSpecName: child, outgoingEdges: to('wait', { variableMutations: [assign('child')] }) },
        wait: { type: 'WAIT_FOR_CHILD_WF', childWfRunId: v('child'), ...waitNode, outgoingEdges: to('use', { variableMutations: [assign('plain'), assign('hidden')] }) },
        use: { type: 'TASK', taskDefName: 'use', inputs: [ref('wait')], outgoingEdges: to('end') },
        end: { type: 'EXIT', returnContent: ref('wait') },
      },
    },
    threads,
  );
}

/** A child whose EXIT returns its masked `secret` variable. */
const returnsVariable = wfSpec('returns-variable', {
  variableDefs: [secretDef],
  nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: to('end') }, end: { type: 'EXIT', returnContent: v('secret') } },
});

/** A child whose EXIT returns, by node name, what the masked `fetch` TaskDef gave. */
const returnsTaskOutput = wfSpec('returns-task-output', {
  nodes: {
    start: { type: 'ENTRYPOINT', outgoingEdges: to('fetch') },
    fetch: { type: 'TASK', taskDefName: 'fetch', outgoingEdges: to('end') },
    end: { type: 'EXIT', returnContent: ref('fetch') },
  },
});

describe('a child WfRun whose output is a secret', () => {
  it.each([
    ['its EXIT returns a masked variable', returnsVariable, () => {}],
    ['its EXIT returns a masked TaskDef output by node name', returnsTaskOutput, (c: TestCluster) => c.report('p_0-1', '0-1', { status: 'SUCCESS', output: SECRET })],
  ])('hands the parent a secret when %s, hidden there as in the child', (_, child, finishChild) => {
    const spec = parent(child.name);
    const c = new TestCluster({ parent: spec, [child.name]: child }, catalog);
    c.start('parent', 'p');
    finishChild(c);

    expect(c.effects.filter((e) => e.type === 'NotifyParentWfRun')).toEqual([
      { type: 'NotifyParentWfRun', parentWfRunId: 'p', childWfRunId: 'p_0-1', status: 'COMPLETED', output: SECRET, maskedOutput: true },
    ]);
    const events = c.runs.get('p')?.events ?? [];
    expect(ofType(events, 'ChildWfRunReported')).toEqual([expect.objectContaining({ output: SECRET, maskedOutput: true })]);
    expect(ofType(events, 'NodeRunCompleted').find((e) => e.position === 2)).toMatchObject({ output: SECRET, maskedOutput: true });
    // The worker gets it whole; the API sees a masked input.
    expect(ofType(events, 'TaskRunScheduled')[0]?.input).toEqual([{ name: 'value', value: SECRET, masked: true }]);

    c.report('p', '0-3', { status: 'SUCCESS', output: null });
    expect(c.state('p')).toMatchObject({ status: 'COMPLETED', output: SECRET });
    const all = c.runs.get('p')?.events ?? [];
    expect(ofType(all, 'WfRunCompleted')).toEqual([expect.objectContaining({ maskedOutput: true })]);
    // Only the variable the parent did not declare masked shows it: the WfSpec put it there.
    expect(showing(all, spec)).toEqual([expect.objectContaining({ type: 'VariableAssigned', name: 'plain', value: SECRET })]);
    expect(showing(c.runs.get('p_0-1')?.events ?? [], child)).toEqual([]);
  });

  it('stays a secret through a grandchild: the middle WfRun returns it by node name', () => {
    const middle = wfSpec('middle', {
      variableDefs: [{ name: 'child', type: 'STR' }],
      nodes: {
        start: { type: 'ENTRYPOINT', outgoingEdges: to('run') },
        run: { type: 'RUN_CHILD_WF', wfSpecName: 'returns-variable', outgoingEdges: to('wait', { variableMutations: [assign('child')] }) },
        wait: { type: 'WAIT_FOR_CHILD_WF', childWfRunId: v('child'), outgoingEdges: to('end') },
        end: { type: 'EXIT', returnContent: ref('wait') },
      },
    });
    const top = parent('middle');
    const c = new TestCluster({ parent: top, middle, 'returns-variable': returnsVariable }, catalog);
    c.start('parent', 'p');
    expect(c.state('p_0-1')).toMatchObject({ status: 'COMPLETED', output: SECRET });
    expect(showing(c.runs.get('p_0-1')?.events ?? [], middle)).toEqual([]);
    expect(ofType(c.runs.get('p')?.events ?? [], 'ChildWfRunReported')).toEqual([expect.objectContaining({ maskedOutput: true })]);
  });

  it('is no secret when the child returns a plain value', () => {
    const plainChild = wfSpec('plain-child', {
      variableDefs: [{ name: 'note', type: 'STR', defaultValue: 'hello' }],
      nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: to('end') }, end: { type: 'EXIT', returnContent: v('note') } },
    });
    const c = new TestCluster({ parent: parent('plain-child'), 'plain-child': plainChild }, catalog);
    c.start('parent', 'p');
    const events = c.runs.get('p')?.events ?? [];
    expect(ofType(events, 'ChildWfRunReported')[0]).not.toHaveProperty('maskedOutput');
    expect(ofType(events, 'TaskRunScheduled')[0]?.input).toEqual([{ name: 'value', value: 'hello' }]);
  });
});

describe('a failure whose content is a secret', () => {
  /** A child that throws `denied` with its masked `secret` as content. */
  const throwsSecret = wfSpec('throws-secret', {
    variableDefs: [secretDef],
    nodes: {
      start: { type: 'ENTRYPOINT', outgoingEdges: to('end') },
      end: { type: 'EXIT', failureDef: { failureName: 'denied', message: 'Access denied.', content: v('secret') } },
    },
  });
  const handler: ThreadSpec = {
    variableDefs: [{ name: 'INPUT', type: 'STR' }],
    nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: to('end') }, end: { type: 'EXIT' } },
  };

  it('is hidden in the child that threw it and in the parent that throws it again', () => {
    const spec = parent('throws-secret', { failureHandlers: [{ handlerSpecName: 'on-denied', specificFailure: 'denied' }] }, { 'on-denied': handler });
    const c = new TestCluster({ parent: spec, 'throws-secret': throwsSecret }, catalog);
    c.start('parent', 'p');
    const child = c.runs.get('p_0-1')?.events ?? [];
    expect(ofType(child, 'WfRunFailed')).toEqual([expect.objectContaining({ failure: { name: 'denied', message: 'Access denied.', content: SECRET, maskedContent: true } })]);
    expect(showing(child, throwsSecret)).toEqual([]);

    const events = c.runs.get('p')?.events ?? [];
    expect(ofType(events, 'NodeRunFailed')[0]).toMatchObject({ position: 2, failure: { name: 'denied', content: SECRET, maskedContent: true } });
    // The handler gets it whole in INPUT, which shows it: the WfSpec did not declare INPUT masked.
    expect(showing(events, spec)).toEqual([expect.objectContaining({ type: 'ThreadRunStarted', threadSpecName: 'on-denied', variables: { INPUT: SECRET } })]);
  });

  it('stays hidden when an interrupt handler fails with it and fails the interrupted thread', () => {
    const spec = wfSpec(
      'interrupted',
      {
        variableDefs: [secretDef],
        interruptDefs: [{ externalEventDefName: 'poke', handlerSpecName: 'on-poke' }],
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: to('wait') },
          wait: { type: 'EXTERNAL_EVENT', externalEventDefName: 'never', outgoingEdges: to('end') },
          end: { type: 'EXIT' },
        },
      },
      {
        'on-poke': {
          nodes: {
            start: { type: 'ENTRYPOINT', outgoingEdges: to('end') },
            end: { type: 'EXIT', failureDef: { failureName: 'denied', message: 'No.', content: v('secret') } },
          },
        },
      },
    );
    const run = new TestRun(spec, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r', variables: {} });
    run.send({ type: 'PutExternalEvent', guid: 'g', externalEventDefName: 'poke', content: null });
    expect(run.state?.status).toBe('EXCEPTION');
    expect(ofType(run.events, 'WfRunFailed')).toEqual([expect.objectContaining({ failure: expect.objectContaining({ content: SECRET, maskedContent: true }) })]);
    expect(showing(run.events, spec)).toEqual([]);
  });
});

describe('a value made from a secret', () => {
  it('is hidden as the content of a WorkflowEvent', () => {
    const spec = wfSpec('throws-event', {
      variableDefs: [secretDef],
      nodes: {
        start: { type: 'ENTRYPOINT', outgoingEdges: to('throw') },
        throw: { type: 'THROW_EVENT', workflowEventDefName: 'done', content: { type: 'FORMAT_STRING', format: lit('token {0}'), args: [v('secret')] }, outgoingEdges: to('plain') },
        plain: { type: 'THROW_EVENT', workflowEventDefName: 'done', content: lit('no secret'), outgoingEdges: to('end') },
        end: { type: 'EXIT' },
      },
    });
    const run = new TestRun(spec, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r', variables: {} });
    expect(ofType(run.events, 'WorkflowEventThrown').map((e) => [e.content, e.maskedContent])).toEqual([
      [`token ${SECRET}`, true],
      ['no secret', undefined],
    ]);
    expect(ofType(shown(run.events, spec), 'WorkflowEventThrown').map((e) => e.content)).toEqual([MASKED_VALUE, 'no secret']);
  });

  it("is hidden as a user task's notes, which people read in the console and the API", () => {
    const task = (notes: VariableAssignment): Node => ({ type: 'USER_TASK', userTaskDefName: 'approve', userGroup: lit('ops'), notes, outgoingEdges: to('end') });
    const spec = (notes: VariableAssignment) =>
      wfSpec('notes', { variableDefs: [secretDef], nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: to('ask') }, ask: task(notes), end: { type: 'EXIT' } } });
    const made = (notes: VariableAssignment) => {
      const run = new TestRun(spec(notes), catalog);
      run.send({ type: 'RunWf', wfRunId: 'r', variables: {} });
      return { run, created: ofType(run.events, 'UserTaskRunCreated'), shownCreated: ofType(shown(run.events, spec(notes)), 'UserTaskRunCreated') };
    };
    const secret = made({ type: 'FORMAT_STRING', format: lit('Call with PIN {0}'), args: [v('secret')] });
    expect(secret.created.map((e) => [e.notes, e.maskedNotes])).toEqual([[`Call with PIN ${SECRET}`, true]]);
    expect(secret.shownCreated.map((e) => e.notes)).toEqual([MASKED_VALUE]);
    expect(showing(secret.run.events, spec(v('secret')))).toEqual([]);
    // The state keeps the flag, so what is pending says the notes are masked too.
    expect(secret.run.state?.threadRuns[0]?.currentNodeRun?.userTaskRun).toMatchObject({ notes: `Call with PIN ${SECRET}`, maskedNotes: true });
    const plain = made(lit('Call the customer'));
    expect(plain.shownCreated.map((e) => [e.notes, e.maskedNotes])).toEqual([['Call the customer', undefined]]);
  });

  it('is hidden as a correlation key, even where the node does not ask to mask it', () => {
    const spec = wfSpec('correlated', {
      variableDefs: [secretDef],
      nodes: {
        start: { type: 'ENTRYPOINT', outgoingEdges: to('wait') },
        wait: { type: 'EXTERNAL_EVENT', externalEventDefName: 'paid', correlationKey: v('secret'), outgoingEdges: to('end') },
        end: { type: 'EXIT' },
      },
    });
    const run = new TestRun(spec, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r', variables: {} });
    expect(ofType(run.events, 'CorrelationKeySet')).toEqual([expect.objectContaining({ correlationKey: SECRET, maskedCorrelationKey: true })]);
    expect(showing(run.events, spec)).toEqual([]);
  });
});

describe('an error made from a secret', () => {
  interface Case {
    readonly nodes: Record<string, Node>;
    readonly variableDefs?: ThreadVarDef[];
    readonly threads?: Record<string, ThreadSpec>;
    /** Commands after RunWf. */
    readonly then?: Command[];
  }
  const intVar: ThreadVarDef = { name: 'n', type: 'INT' };
  const vault: ThreadVarDef = { name: 'vault', type: 'JSON_OBJ', masked: true, defaultValue: { pin: PIN } };
  const one = (node: Node): Record<string, Node> => ({ start: { type: 'ENTRYPOINT', outgoingEdges: to('x') }, x: { ...node, outgoingEdges: to('end') }, end: { type: 'EXIT' } });
  const edge = (more: object): Record<string, Node> => ({ start: { type: 'ENTRYPOINT', outgoingEdges: to('end', more) }, end: { type: 'EXIT' } });
  const fetched = (mutation: object): Case => ({
    variableDefs: [intVar],
    nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: to('x') }, x: { type: 'TASK', taskDefName: 'fetch', outgoingEdges: to('end', { variableMutations: [mutation] }) }, end: { type: 'EXIT' } },
    then: [{ type: 'ReportTaskAttempt', taskGuid: '0-1', attempt: 0, result: { status: 'SUCCESS', output: SECRET } }],
  });
  const child: ThreadSpec = { variableDefs: [{ name: 'count', type: 'INT' }], nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: to('end') }, end: { type: 'EXIT' } } };

  const cases: Record<string, Case> = {
    'a mutation whose right side is a masked variable': { variableDefs: [intVar], nodes: edge({ variableMutations: [assign('n', v('secret'))] }) },
    'a mutation of a masked variable': { variableDefs: [vault], nodes: edge({ variableMutations: [{ lhsName: 'vault', lhsJsonPath: '$.pin', operation: 'ADD', rhs: lit('x') }] }) },
    "a mutation with a masked TaskDef's NODE_OUTPUT": fetched(assign('n')),
    "a cast of a masked TaskDef's NODE_OUTPUT": fetched(assign('n', { type: 'NODE_OUTPUT', targetType: 'INT' })),
    'a comparison': { nodes: edge({ condition: { comparator: 'LESS_THAN', left: v('secret'), right: lit(3) } }) },
    'a condition that is no BOOL': { nodes: edge({ condition: v('secret') }) },
    "a comparison with a masked TaskDef's output by name on its right": {
      nodes: {
        start: { type: 'ENTRYPOINT', outgoingEdges: to('x') },
        x: { type: 'TASK', taskDefName: 'fetch', outgoingEdges: [{ sinkNodeName: 'end', condition: { comparator: 'GREATER_THAN', left: lit(3), right: ref('x') } }] },
        end: { type: 'EXIT' },
      },
      then: [{ type: 'ReportTaskAttempt', taskGuid: '0-1', attempt: 0, result: { status: 'SUCCESS', output: SECRET } }],
    },
    'a WAIT_FOR_CONDITION on a masked value that is no BOOL': { nodes: one({ type: 'WAIT_FOR_CONDITION', condition: { type: 'VARIABLE', variableName: 'secret' } }) },
    "a child thread's input": { nodes: one({ type: 'START_THREAD', threadSpecName: 'child', variables: { count: v('secret') } }), threads: { child } },
    'the threads to start for': { nodes: one({ type: 'START_MULTIPLE_THREADS', threadSpecName: 'child', iterable: v('secret') }), threads: { child } },
    'the threads to wait for': { nodes: one({ type: 'WAIT_FOR_THREADS', threads: [v('secret')] }) },
    'a sleep': { nodes: one({ type: 'SLEEP', rawSeconds: v('secret') }) },
    'a dynamic TaskDef name': { nodes: one({ type: 'TASK', dynamicTaskDefName: v('secret') }) },
    'a child WfRun id': { nodes: one({ type: 'WAIT_FOR_CHILD_WF', childWfRunId: v('secret') }) },
    'an ExternalEvent timeout': { nodes: one({ type: 'EXTERNAL_EVENT', externalEventDefName: 'paid', timeoutSeconds: v('secret') }) },
    'a user id': { variableDefs: [vault], nodes: one({ type: 'USER_TASK', userTaskDefName: 'approve', userId: v('vault') }) },
    "a user task action's delay": {
      nodes: one({ type: 'USER_TASK', userTaskDefName: 'approve', userGroup: lit('ops'), actions: [{ hook: 'ON_ARRIVAL', delaySeconds: v('secret'), action: { type: 'CANCEL' } }] }),
    },
  };

  it.each(Object.entries(cases))('names only the kind of the value in %s', (_, { nodes, variableDefs = [], threads = {}, then = [] }) => {
    const spec = wfSpec('errs', { variableDefs: [secretDef, ...variableDefs], nodes }, threads);
    const run = new TestRun(spec, catalog);
    run.send({ type: 'RunWf', wfRunId: 'r', variables: {} });
    for (const command of then) run.send(command);
    const failures = run.events.flatMap((e) => ('failure' in e && e.failure ? [e.failure] : 'unscheduledActions' in e ? (e.unscheduledActions ?? []).map((a) => a.failure) : []));
    expect(failures.length, 'the case fails somewhere').toBeGreaterThan(0);
    expect(failures.map((f) => f.message).join('\n')).toMatch(/masked/);
    // The secret is in the events (the engine needs it), but not in what the API shows.
    expect(JSON.stringify(run.events)).toContain(SECRET);
    expect(showing(run.events, spec)).toEqual([]);
  });
});
