import { describe, expect, it } from 'vitest';
import { checkRunVariables, formatPath, initialValues, replay, step } from '../../src/index.ts';
import type { Catalog, JsonValue, TaskAttemptResult, VersionedWfSpec, WfRunEvent, WfRunState } from '../../src/index.ts';
import { accepted, catalog, deepFreeze, NODES, rejected, testContext, twoTaskSpec } from '../fixtures.ts';

// Given a history, when a command arrives, then these events. Every input is frozen, so an engine that writes to
// its state, command, WfSpec or catalog fails here with a TypeError.

interface Options {
  readonly wfSpec?: VersionedWfSpec;
  readonly catalog?: Catalog;
}

const START = 100;
const startWf = (variables: Record<string, JsonValue> = { name: 'Ada' }, { now = START, ...options }: Options & { now?: number } = {}) =>
  step(undefined, deepFreeze({ type: 'RunWf', wfRunId: 'run-1', variables }), deepFreeze(testContext(now, options)));

const reportTask = (
  state: WfRunState | undefined,
  taskGuid: string,
  result: TaskAttemptResult,
  { attempt = 0, now = 200, ...options }: Options & { attempt?: number; now?: number } = {},
) => step(deepFreeze(state), deepFreeze({ type: 'ReportTaskAttempt', taskGuid, attempt, result }), deepFreeze(testContext(now, options)));

/** Given the WfRun started for Ada, waiting on greet. */
const givenStarted = (options: Options = {}) => accepted(startWf({ name: 'Ada' }, options)).state;
/** Given greet succeeded with "Hello, Ada!", waiting on count. */
const givenGreeted = (options: Options = {}) => accepted(reportTask(givenStarted(options), '0-1', { status: 'SUCCESS', output: 'Hello, Ada!' }, options)).state;

const types = (events: readonly WfRunEvent[]) => events.map((e) => e.type);


describe('RunWf with a number for a STR variable', () => {
  it('takes it as its text, as LittleHorse takes any primitive as a STR', () => {
    const started = accepted(startWf({ name: 42 }));
    expect(started.state.threadRuns[0]?.variables.name).toBe('42');
    expect(started.events.find((e) => e.type === 'TaskRunScheduled')).toMatchObject({ input: [{ name: 'name', value: '42' }] });
    expect(rejected(startWf({ name: { first: 'Ada' } })).code).toBe('INVALID_VARIABLES');
  });
});

describe('a number given to a STR input', () => {
  it('goes to the worker as its text, as LittleHorse reads any primitive as a STR', () => {
    const wfSpec = twoTaskSpec({ count: { inputs: [{ type: 'VARIABLE', variableName: 'length' }] } });
    const greeted = accepted(reportTask(givenStarted({ wfSpec }), '0-1', { status: 'SUCCESS', output: 'Hello' }, { wfSpec }));
    const scheduled = greeted.events.find((e) => e.type === 'TaskRunScheduled');
    expect(scheduled).toMatchObject({ taskDefName: 'count', input: [{ name: 'text', value: '-1' }] });
  });
});

describe('RunWf', () => {
  it('emits every event up to the first TaskRunScheduled, with the inputs evaluated from variables', () => {
    const { events } = accepted(startWf({ name: 'Ada' }));
    const time = START;
    expect(events).toEqual([
      { type: 'WfRunStarted', wfRunId: 'run-1', wfSpecId: { name: 'two-tasks', majorVersion: 1, revision: 2 }, time },
      { type: 'ThreadRunStarted', threadRunNumber: 0, threadSpecName: 'entrypoint', kind: 'ENTRYPOINT', variables: { name: 'Ada', greeting: null, length: -1 }, time },
      { type: 'NodeRunStarted', threadRunNumber: 0, position: 0, nodeName: NODES.entrypoint, nodeType: 'ENTRYPOINT', time },
      { type: 'NodeRunCompleted', threadRunNumber: 0, position: 0, time },
      { type: 'NodeRunStarted', threadRunNumber: 0, position: 1, nodeName: NODES.greet, nodeType: 'TASK', time },
      { type: 'TaskRunScheduled', threadRunNumber: 0, position: 1, taskGuid: '0-1', taskDefName: 'greet', attempt: 0, input: [{ name: 'name', value: 'Ada' }], returnType: 'STR', time },
    ]);
  });

  it('asks the server to schedule the TaskRun, and for nothing else', () => {
    const { events, effects } = accepted(startWf());
    expect(effects).toEqual([{ type: 'ScheduleTask', event: events.at(-1) }]);
  });

  it('leaves the WfRun RUNNING on the TASK node, its TaskRun scheduled', () => {
    const { state } = accepted(startWf());
    expect(state).toMatchObject({ id: 'run-1', status: 'RUNNING', startTime: START });
    expect(state.threadRuns).toHaveLength(1);
    expect(state.threadRuns[0]?.currentNodeRun).toEqual({
      position: 1,
      nodeName: NODES.greet,
      nodeType: 'TASK',
      status: 'RUNNING',
      arrivalTime: START,
      taskRun: { taskGuid: '0-1', taskDefName: 'greet', input: [{ name: 'name', value: 'Ada' }], attempt: 0, status: 'TASK_SCHEDULED', returnType: 'STR' },
    });
  });

  it('gives each variable its default, or NULL when it has none', () => {
    expect(accepted(startWf({ name: 'Ada' })).state.threadRuns[0]?.variables).toEqual({ name: 'Ada', greeting: null, length: -1 });
  });

  it('uses the value given over the default', () => {
    expect(accepted(startWf({ name: 'Ada', length: 7 })).state.threadRuns[0]?.variables.length).toBe(7);
  });

  it('uses the default when RunWf gives NULL (LittleHorse)', () => {
    expect(accepted(startWf({ name: 'Ada', length: null })).state.threadRuns[0]?.variables.length).toBe(-1);
  });

  it('takes NULL for a required variable with a default as the default (LittleHorse), not as missing', () => {
    const defs = [{ name: 'region', type: 'STR' as const, required: true, defaultValue: 'eu' }];
    expect(checkRunVariables(defs, { region: null })).toEqual([]);
    expect(initialValues(defs, { region: null })).toEqual({ region: 'eu' });
    expect(checkRunVariables([{ ...defs[0]!, defaultValue: undefined }], { region: null }).map((p) => p.code)).toEqual(['MISSING_REQUIRED_VARIABLE']);
    // Left out, it is missing: LittleHorse's RunWf asks for every required variable by name.
    expect(checkRunVariables(defs, {}).map((p) => p.code)).toEqual(['MISSING_REQUIRED_VARIABLE']);
  });

  it('rejects a second RunWf for the same WfRun with WF_RUN_ALREADY_EXISTS', () => {
    const state = givenStarted();
    const again = step(deepFreeze(state), { type: 'RunWf', wfRunId: 'run-1', variables: { name: 'Bob' } }, testContext(300));
    expect(rejected(again).code).toBe('WF_RUN_ALREADY_EXISTS');
  });

  it.each<[string, Record<string, JsonValue>, [string, string][]]>([
    ['a required variable is missing', {}, [['variables.name', 'MISSING_REQUIRED_VARIABLE']]],
    ['a required variable is NULL', { name: null }, [['variables.name', 'MISSING_REQUIRED_VARIABLE']]],
    ['a variable is not declared', { name: 'Ada', nickname: 'A' }, [['variables.nickname', 'UNKNOWN_VARIABLE']]],
    ['a STR variable gets an object', { name: { first: 'Ada' } }, [['variables.name', 'TYPE_MISMATCH']]],
    ['an INT variable gets a fraction', { name: 'Ada', length: 1.5 }, [['variables.length', 'TYPE_MISMATCH']]],
    ['an INT variable gets a numeric text', { name: 'Ada', length: '3' }, [['variables.length', 'TYPE_MISMATCH']]],
    [
      'several things are wrong at once',
      { name: ['Ada'], extra: 1, length: [] },
      [
        ['variables.name', 'TYPE_MISMATCH'],
        ['variables.extra', 'UNKNOWN_VARIABLE'],
        ['variables.length', 'TYPE_MISMATCH'],
      ],
    ],
  ])('rejects RunWf with INVALID_VARIABLES when %s, naming each variable', (_, variables, expected) => {
    const rejection = rejected(startWf(variables));
    expect(rejection.code).toBe('INVALID_VARIABLES');
    expect(rejection.problems?.map((p) => [formatPath(p.path), p.code])).toEqual(expected);
    for (const problem of rejection.problems ?? []) expect(rejection.message).toContain(problem.message);
  });

  it('rejects variables that are not an object keyed by name', () => {
    const rejection = rejected(step(undefined, { type: 'RunWf', wfRunId: 'run-1', variables: ['Ada'] as never }, testContext(START)));
    expect(rejection.code).toBe('INVALID_VARIABLES');
    expect(rejection.problems?.map((p) => [formatPath(p.path), p.code])).toEqual([['variables', 'TYPE_MISMATCH']]);
  });
});

describe('ReportTaskAttempt', () => {
  it('assigns a successful output to its variable and schedules the next task with it', () => {
    const { events, effects } = accepted(reportTask(givenStarted(), '0-1', { status: 'SUCCESS', output: 'Hello, Ada!' }));
    const time = 200;
    expect(events).toEqual([
      { type: 'TaskAttemptSucceeded', threadRunNumber: 0, taskGuid: '0-1', attempt: 0, output: 'Hello, Ada!', time },
      { type: 'NodeRunCompleted', threadRunNumber: 0, position: 1, output: 'Hello, Ada!', time },
      { type: 'VariableAssigned', threadRunNumber: 0, name: 'greeting', value: 'Hello, Ada!', time },
      { type: 'NodeRunStarted', threadRunNumber: 0, position: 2, nodeName: NODES.count, nodeType: 'TASK', time },
      { type: 'TaskRunScheduled', threadRunNumber: 0, position: 2, taskGuid: '0-2', taskDefName: 'count', attempt: 0, input: [{ name: 'text', value: 'Hello, Ada!' }], returnType: 'INT', time },
    ]);
    expect(effects).toEqual([{ type: 'ScheduleTask', event: events[4] }]);
  });

  it('keeps the worker id and log output with the attempt', () => {
    const state = givenStarted();
    const result = step(state, { type: 'ReportTaskAttempt', taskGuid: '0-1', attempt: 0, result: { status: 'SUCCESS', output: 'hi' }, workerId: 'w-7', logOutput: 'said hi' }, testContext(200));
    expect(accepted(result).events[0]).toMatchObject({ type: 'TaskAttemptSucceeded', workerId: 'w-7', logOutput: 'said hi' });
  });

  it('completes the thread and the WfRun after the last success, keeping the variables', () => {
    const { events, state, effects } = accepted(reportTask(givenGreeted(), '0-2', { status: 'SUCCESS', output: 11 }, { now: 300 }));
    expect(types(events)).toEqual(['TaskAttemptSucceeded', 'NodeRunCompleted', 'VariableAssigned', 'NodeRunStarted', 'NodeRunCompleted', 'ThreadRunCompleted', 'WfRunCompleted']);
    expect(events.slice(-2)).toEqual([
      { type: 'ThreadRunCompleted', threadRunNumber: 0, time: 300 },
      { type: 'WfRunCompleted', time: 300 },
    ]);
    expect(effects).toEqual([]);
    expect(state).toMatchObject({ status: 'COMPLETED', startTime: START, endTime: 300 });
    expect(state.failure).toBeUndefined();
    expect(state.threadRuns[0]).toMatchObject({ status: 'COMPLETED', endTime: 300, variables: { name: 'Ada', greeting: 'Hello, Ada!', length: 11 } });
    // Finished NodeRuns leave the state; they live in the event log.
    expect(state.threadRuns[0]?.currentNodeRun).toBeUndefined();
  });

  it('fails the node, the thread and the WfRun with TASK_FAILURE on an ERROR, keeping the message', () => {
    const { events, state } = accepted(reportTask(givenStarted(), '0-1', { status: 'ERROR', message: 'disk full' }));
    const failure = { name: 'TASK_FAILURE', message: 'disk full' };
    expect(events).toEqual([
      { type: 'TaskAttemptFailed', threadRunNumber: 0, taskGuid: '0-1', attempt: 0, failure, status: 'TASK_FAILED', time: 200 },
      { type: 'NodeRunFailed', threadRunNumber: 0, position: 1, status: 'ERROR', failure, time: 200 },
      { type: 'ThreadRunFailed', threadRunNumber: 0, status: 'ERROR', failure, time: 200 },
      { type: 'WfRunFailed', status: 'ERROR', failure, time: 200 },
    ]);
    expect(state).toMatchObject({ status: 'ERROR', endTime: 200, failure });
    expect(state.threadRuns[0]).toMatchObject({ status: 'ERROR', failure, currentNodeRun: { status: 'ERROR', failure, taskRun: { status: 'TASK_FAILED' } } });
  });

  it('ends in EXCEPTION with the name, message and content of a business exception', () => {
    const result = { status: 'EXCEPTION', name: 'unknown-person', message: 'who?', content: { name: 'Ada' } } as const;
    const { events, state } = accepted(reportTask(givenStarted(), '0-1', result));
    const failure = { name: 'unknown-person', message: 'who?', content: { name: 'Ada' } };
    expect(types(events)).toEqual(['TaskAttemptFailed', 'NodeRunFailed', 'ThreadRunFailed', 'WfRunFailed']);
    expect(events[0]).toMatchObject({ status: 'TASK_EXCEPTION', failure });
    expect(state).toMatchObject({ status: 'EXCEPTION', failure });
    expect(state.threadRuns[0]).toMatchObject({ status: 'EXCEPTION', failure });
  });

  it('fails with VAR_MUTATION_ERROR, without retrying, when an output does not fit the TaskDef return type', () => {
    const { events, state } = accepted(reportTask(givenGreeted(), '0-2', { status: 'SUCCESS', output: 'eleven' }, { now: 300 }));
    expect(types(events)).toEqual(['TaskAttemptFailed', 'NodeRunFailed', 'ThreadRunFailed', 'WfRunFailed']);
    expect(events[0]).toMatchObject({ status: 'TASK_OUTPUT_SERDE_ERROR' });
    expect(state.status).toBe('ERROR');
    expect(state.failure?.name).toBe('VAR_MUTATION_ERROR');
    expect(state.failure?.message).toContain('returns an INT');
    expect(state.threadRuns[0]?.variables.length).toBe(-1);
  });

  it('fails with VAR_MUTATION_ERROR, without retrying, when the server could not take the output', () => {
    const message = 'The output is 2000000 bytes of JSON; the limit is 1048576.';
    const wfSpec = twoTaskSpec({ greet: { retries: 3 } });
    const { events, state } = accepted(reportTask(givenStarted({ wfSpec }), '0-1', { status: 'OUTPUT_ERROR', message }, { wfSpec }));
    expect(types(events)).toEqual(['TaskAttemptFailed', 'NodeRunFailed', 'ThreadRunFailed', 'WfRunFailed']);
    expect(events[0]).toMatchObject({ status: 'TASK_OUTPUT_SERDE_ERROR', failure: { name: 'VAR_MUTATION_ERROR', message } });
    expect(state.status).toBe('ERROR');
  });

  describe('rejects a report that does not apply', () => {
    it('with STALE_TASK_ATTEMPT when the same attempt is reported twice', () => {
      const once = givenGreeted();
      expect(rejected(reportTask(once, '0-1', { status: 'SUCCESS', output: 'again' })).code).toBe('STALE_TASK_ATTEMPT');
      expect(rejected(reportTask(once, '0-1', { status: 'ERROR', message: 'late' })).code).toBe('STALE_TASK_ATTEMPT');
    });

    it.each([1, 3, -1])('with STALE_TASK_ATTEMPT when attempt %i is reported while attempt 0 runs', (attempt) => {
      expect(rejected(reportTask(givenStarted(), '0-1', { status: 'SUCCESS', output: 'x' }, { attempt })).code).toBe('STALE_TASK_ATTEMPT');
    });

    it('with STALE_TASK_ATTEMPT once the WfRun has ended', () => {
      const failed = accepted(reportTask(givenStarted(), '0-1', { status: 'ERROR', message: 'x' })).state;
      expect(rejected(reportTask(failed, '0-1', { status: 'SUCCESS', output: 'x' })).code).toBe('STALE_TASK_ATTEMPT');
    });

    it.each(['7-7', '0-99', 'bogus', ''])('with UNKNOWN_TASK_RUN for the guid %j', (guid) => {
      expect(rejected(reportTask(givenStarted(), guid, { status: 'SUCCESS', output: 'x' })).code).toBe('UNKNOWN_TASK_RUN');
    });

    it('with WF_RUN_NOT_FOUND before RunWf', () => {
      expect(rejected(reportTask(undefined, '0-1', { status: 'SUCCESS' })).code).toBe('WF_RUN_NOT_FOUND');
    });
  });
});

describe('a TASK node at run time', () => {
  it.each(['greet', 'constructor'])('fails with TASK_ERROR when TaskDef %j is not in the catalog', (taskDefName) => {
    const { events, state } = accepted(startWf({ name: 'Ada' }, { wfSpec: twoTaskSpec({ greet: { taskDefName } }), catalog: { taskDefs: {} } }));
    const failure = { name: 'TASK_ERROR', message: `TaskDef '${taskDefName}' is not registered.` };
    expect(types(events).slice(-4)).toEqual(['NodeRunStarted', 'NodeRunFailed', 'ThreadRunFailed', 'WfRunFailed']);
    expect(types(events)).not.toContain('TaskRunScheduled');
    expect(state).toMatchObject({ status: 'ERROR', failure });
  });

  it('fails with TASK_ERROR when the next TaskDef was deleted while the first ran', () => {
    const deleted: Catalog = { taskDefs: { greet: catalog.taskDefs.greet! } };
    const state = givenStarted();
    const { state: after } = accepted(reportTask(state, '0-1', { status: 'SUCCESS', output: 'Hello' }, { catalog: deleted }));
    expect(after).toMatchObject({ status: 'ERROR', failure: { name: 'TASK_ERROR' }, threadRuns: [{ variables: { greeting: 'Hello' } }] });
  });

  it('fails with VAR_SUB_ERROR when a variable does not fit the TaskDef input it feeds', () => {
    const changed: Catalog = { taskDefs: { ...catalog.taskDefs, greet: { name: 'greet', inputVars: [{ name: 'name', type: 'INT' }], returnType: 'STR' } } };
    const { events, state } = accepted(startWf({ name: 'Ada' }, { catalog: changed }));
    expect(types(events)).not.toContain('TaskRunScheduled');
    expect(events.find((e) => e.type === 'NodeRunFailed')).toMatchObject({ position: 1, status: 'ERROR', failure: { name: 'VAR_SUB_ERROR' } });
    expect(state.failure?.message).toMatch(/Input 'name' of TaskDef 'greet' expects an INT but got "Ada" \(STR\)/);
  });

  it('fails with VAR_SUB_ERROR when the node gives fewer inputs than the TaskDef takes', () => {
    const { state } = accepted(startWf({ name: 'Ada' }, { wfSpec: twoTaskSpec({ greet: { inputs: [] } }) }));
    expect(state.failure).toEqual({ name: 'VAR_SUB_ERROR', message: "No value given for input 'name' of TaskDef 'greet'." });
  });
});

describe('event time', () => {
  it('is ctx.now for every event of every command, whatever the outcome', () => {
    const started = accepted(startWf({ name: 'Ada' }, { now: 1_000 }));
    const greeted = accepted(reportTask(started.state, '0-1', { status: 'SUCCESS', output: 'Hi' }, { now: 2_000 }));
    const failed = accepted(reportTask(greeted.state, '0-2', { status: 'ERROR', message: 'no' }, { now: 3_000 }));
    for (const [now, { events }] of [[1_000, started], [2_000, greeted], [3_000, failed]] as const) {
      expect(events.length).toBeGreaterThan(3);
      expect(events.map((e) => e.time)).toEqual(events.map(() => now));
    }
    expect(failed.state).toMatchObject({ startTime: 1_000, endTime: 3_000 });
    expect(failed.state.threadRuns[0]?.currentNodeRun).toMatchObject({ arrivalTime: 2_000, endTime: 3_000 });
  });
});

describe('a TASK whose TaskDef is named by a variable (dynamic task)', () => {
  // greet's node names its TaskDef through the `greeting` variable instead of a fixed name.
  const dynamic = (name: JsonValue) => ({
    wfSpec: twoTaskSpec({ greet: { taskDefName: undefined, dynamicTaskDefName: { type: 'VARIABLE', variableName: 'greeting' } } }),
    variables: { name: 'Ada', greeting: name },
  });

  it('runs the TaskDef the variable names when the node runs', () => {
    const { wfSpec, variables } = dynamic('count');
    const { events } = accepted(startWf(variables, { wfSpec }));
    expect(events.find((e) => e.type === 'TaskRunScheduled')).toMatchObject({ taskDefName: 'count', input: [{ name: 'text', value: 'Ada' }] });
  });

  it('fails with VAR_SUB_ERROR when no TaskDef has that name (LittleHorse), not TASK_ERROR', () => {
    const { wfSpec, variables } = dynamic('shout');
    const { state } = accepted(startWf(variables, { wfSpec }));
    expect(state).toMatchObject({ status: 'ERROR', failure: { name: 'VAR_SUB_ERROR', message: "TaskDef 'shout' is not registered." } });
  });

  it('fails with VAR_SUB_ERROR when the variable holds no name', () => {
    const { wfSpec, variables } = dynamic(null);
    const { state } = accepted(startWf(variables, { wfSpec }));
    expect(state.failure).toMatchObject({ name: 'VAR_SUB_ERROR', message: expect.stringMatching(/must be named by a STR; got null/) });
  });
});

describe('a TASK timeout', () => {
  it('travels with every attempt, retries included, so the server can time out a claimed attempt', () => {
    const wfSpec = twoTaskSpec({ greet: { timeoutSeconds: 5, retries: 1 } });
    const started = accepted(startWf({ name: 'Ada' }, { wfSpec }));
    expect(started.events.find((e) => e.type === 'TaskRunScheduled')).toMatchObject({ attempt: 0, timeoutSeconds: 5 });
    const retried = accepted(reportTask(started.state, '0-1', { status: 'TIMEOUT' }, { wfSpec }));
    expect(retried.events.find((e) => e.type === 'TaskRunScheduled')).toMatchObject({ attempt: 1, timeoutSeconds: 5 });
    expect(retried.state.threadRuns[0]?.currentNodeRun?.taskRun).toMatchObject({ attempt: 1, timeoutSeconds: 5 });
  });

  it('is left to the default (60 s, DEFAULT_TASK_TIMEOUT_SECONDS) when the node sets none', () => {
    const { events } = accepted(startWf({ name: 'Ada' }));
    expect(events.find((e) => e.type === 'TaskRunScheduled')).not.toHaveProperty('timeoutSeconds');
  });
});

describe('masked values', () => {
  it('marks a task input masked when the variable it comes from is masked', () => {
    const wfSpec = structuredClone(twoTaskSpec()) as { threadSpecs: { entrypoint: { variableDefs: { name: string; masked?: boolean }[] } } } & VersionedWfSpec;
    wfSpec.threadSpecs.entrypoint.variableDefs.forEach((d) => d.name === 'name' && (d.masked = true));
    const { events } = accepted(startWf({ name: 'Ada' }, { wfSpec }));
    // The worker still gets the real value; hiding it is the API's job.
    expect(events.find((e) => e.type === 'TaskRunScheduled')).toMatchObject({ input: [{ name: 'name', value: 'Ada', masked: true }] });
  });

  it('marks a task input masked when the TaskDef declares that input masked', () => {
    const masking: Catalog = { taskDefs: { ...catalog.taskDefs, greet: { name: 'greet', inputVars: [{ name: 'name', type: 'STR', masked: true }], returnType: 'STR' } } };
    const { events } = accepted(startWf({ name: 'Ada' }, { catalog: masking }));
    expect(events.find((e) => e.type === 'TaskRunScheduled')).toMatchObject({ input: [{ name: 'name', value: 'Ada', masked: true }] });
  });

  it('leaves other inputs unmarked', () => {
    const { events } = accepted(startWf({ name: 'Ada' }));
    expect(events.find((e) => e.type === 'TaskRunScheduled')).toMatchObject({ input: [{ name: 'name', value: 'Ada' }] });
    expect(JSON.stringify(events)).not.toContain('masked');
  });

  it("marks the output of a TaskDef whose output is masked, and still hands the real value on", () => {
    const masking: Catalog = { taskDefs: { ...catalog.taskDefs, greet: { name: 'greet', inputVars: [{ name: 'name', type: 'STR' }], returnType: 'STR', maskedOutput: true } } };
    const started = accepted(startWf({ name: 'Ada' }, { catalog: masking }));
    const { events, state } = accepted(reportTask(started.state, '0-1', { status: 'SUCCESS', output: 'Hello, Ada!' }, { catalog: masking }));
    expect(events.find((e) => e.type === 'TaskAttemptSucceeded')).toMatchObject({ output: 'Hello, Ada!', maskedOutput: true });
    expect(events.find((e) => e.type === 'NodeRunCompleted')).toMatchObject({ output: 'Hello, Ada!', maskedOutput: true });
    // The edge assigns it to an unmasked variable, which holds (and would show) the real value, as in LittleHorse.
    expect(state.threadRuns[0]?.variables.greeting).toBe('Hello, Ada!');
    expect(replay([...started.events, ...events])).toEqual(state);
  });

  it('names only the type of a masked output that does not fit the return type', () => {
    const masking: Catalog = { taskDefs: { ...catalog.taskDefs, greet: { name: 'greet', inputVars: [{ name: 'name', type: 'STR' }], returnType: 'INT', maskedOutput: true } } };
    const { events } = accepted(reportTask(givenStarted({ catalog: masking }), '0-1', { status: 'SUCCESS', output: 'sk_live_secret' }, { catalog: masking }));
    expect(events.find((e) => e.type === 'TaskAttemptFailed')).toMatchObject({
      status: 'TASK_OUTPUT_SERDE_ERROR',
      failure: { name: 'VAR_MUTATION_ERROR', message: "TaskDef 'greet' returns an INT; the task returned a masked STR." },
    });
    expect(JSON.stringify(events)).not.toContain('sk_live_secret');
  });

  it('checks and masks a report by the TaskDef its TaskRun was made with, though the TaskDef is gone or changed since', () => {
    const masking: Catalog = { taskDefs: { ...catalog.taskDefs, greet: { name: 'greet', inputVars: [{ name: 'name', type: 'STR' }], returnType: 'STR', maskedOutput: true } } };
    const started = givenStarted({ catalog: masking });
    // Deleted, then registered again as an unmasked INT: the TaskRun still follows the def it was scheduled with.
    const later: Catalog[] = [{ taskDefs: {} }, { taskDefs: { greet: { name: 'greet', inputVars: [], returnType: 'INT' } } }];
    for (const catalogNow of later) {
      const { events } = accepted(reportTask(started, '0-1', { status: 'SUCCESS', output: 'Hello, Ada!' }, { catalog: catalogNow }));
      expect(events.find((e) => e.type === 'TaskAttemptSucceeded')).toMatchObject({ output: 'Hello, Ada!', maskedOutput: true });
      const unfit = accepted(reportTask(started, '0-1', { status: 'SUCCESS', output: 42 }, { catalog: catalogNow }));
      expect(unfit.events.find((e) => e.type === 'TaskAttemptFailed')).toMatchObject({ status: 'TASK_OUTPUT_SERDE_ERROR' });
    }
  });

  it('leaves the output of other TaskDefs unmarked', () => {
    const { events } = accepted(reportTask(givenStarted(), '0-1', { status: 'SUCCESS', output: 'Hello, Ada!' }));
    expect(JSON.stringify(events)).not.toContain('masked');
  });
});
