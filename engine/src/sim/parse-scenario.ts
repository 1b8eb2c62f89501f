import { LH_STATUSES } from '../run/state.ts';
import { isValidWfRunId } from '../spec/names.ts';
import type { SpecPath } from '../spec/problem.ts';
import { formatPath } from '../spec/problem.ts';
import type { JsonValue } from '../values/value.ts';
import { describeValue } from '../values/value.ts';
import type { Scenario } from './scenario.ts';
import { SCENARIO_STEP_KINDS } from './scenario-step.ts';

/** One thing wrong with a scenario: where (a path from its root) and a sentence that names the path. */
export interface ScenarioProblem {
  readonly path: SpecPath;
  readonly message: string;
}

export type ParseScenarioResult = { readonly ok: true; readonly scenario: Scenario } | { readonly ok: false; readonly problems: readonly ScenarioProblem[] };

type Fields = Readonly<Record<string, unknown>>;

/**
 * Checks that `input` is a Scenario (a value, or the JSON text of one) and returns it, or every problem found, each
 * naming its path (`steps[2].task.output`). Never throws. Unknown fields are problems too, so that a misspelt
 * expectation is not silently skipped.
 */
export function parseScenario(input: unknown): ParseScenarioResult {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown;
    } catch (error) {
      return { ok: false, problems: [{ path: [], message: `The scenario is not valid JSON: ${error instanceof Error ? error.message : String(error)}` }] };
    }
  }
  const c = new Checker();
  const root = c.object([], value);
  if (root) checkRoot(c, root);
  return c.problems.length === 0 ? { ok: true, scenario: value as Scenario } : { ok: false, problems: c.problems };
}

function checkRoot(c: Checker, root: Fields): void {
  c.known([], root, ['version', 'name', 'description', 'wfSpec', 'inputs', 'startTime', 'wfRunId', 'steps', 'expect']);
  if (!('version' in root)) c.report(['version'], 'is missing; it must be 1.');
  else if (root.version !== 1) c.report(['version'], `must be 1; got ${got(root.version)}.`);
  c.text(['name'], root.name, { required: true, nonEmpty: true });
  c.text(['description'], root.description);
  const wfSpec = c.object(['wfSpec'], root.wfSpec, true);
  if (wfSpec) {
    c.known(['wfSpec'], wfSpec, ['name', 'majorVersion', 'revision']);
    c.text(['wfSpec', 'name'], wfSpec.name, { required: true, nonEmpty: true });
    c.count(['wfSpec', 'majorVersion'], wfSpec.majorVersion);
    c.count(['wfSpec', 'revision'], wfSpec.revision);
  }
  c.jsonRecord(['inputs'], root.inputs, true);
  c.count(['startTime'], root.startTime);
  if (root.wfRunId !== undefined && !isValidWfRunId(root.wfRunId)) c.report(['wfRunId'], `must be letters, digits and inner dashes; got ${got(root.wfRunId)}.`);
  if (!('steps' in root)) c.report(['steps'], 'is missing; give a list of steps (it may be empty).');
  else if (!Array.isArray(root.steps)) c.report(['steps'], `must be a list of steps; got ${got(root.steps)}.`);
  else root.steps.forEach((step: unknown, i: number) => checkStep(c, ['steps', i], step));
  const expect = c.object(['expect'], root.expect);
  if (expect) checkExpect(c, expect);
}

function checkExpect(c: Checker, expect: Fields): void {
  c.known(['expect'], expect, ['status', 'variables', 'failure', 'visited', 'output']);
  if (expect.status !== undefined && !(LH_STATUSES as readonly unknown[]).includes(expect.status)) {
    c.report(['expect', 'status'], `must be one of ${LH_STATUSES.join(', ')}; got ${got(expect.status)}.`);
  }
  c.jsonRecord(['expect', 'variables'], expect.variables);
  const failure = c.object(['expect', 'failure'], expect.failure);
  if (failure) {
    c.known(['expect', 'failure'], failure, ['name', 'message']);
    c.text(['expect', 'failure', 'name'], failure.name, { required: true, nonEmpty: true });
    c.text(['expect', 'failure', 'message'], failure.message);
  }
  if (expect.visited !== undefined) {
    if (!Array.isArray(expect.visited)) c.report(['expect', 'visited'], `must be a list of node names; got ${got(expect.visited)}.`);
    else expect.visited.forEach((name: unknown, i: number) => c.text(['expect', 'visited', i], name, { required: true }));
  }
  if (expect.output !== undefined) c.json(['expect', 'output'], expect.output);
}

function checkStep(c: Checker, path: SpecPath, value: unknown): void {
  const step = c.object(path, value, true);
  if (!step) return;
  const keys = Object.keys(step);
  const kinds = SCENARIO_STEP_KINDS.join(', ');
  if (keys.length !== 1) {
    const what = keys.length === 0 ? 'none' : keys.join(', ');
    c.report(path, `must have exactly one key naming its kind (${kinds}); got ${what}.`);
    return;
  }
  const kind = keys[0] ?? '';
  const at = [...path, kind];
  const body = step[kind];
  switch (kind) {
    case 'task':
      return checkTask(c, at, body);
    case 'event':
      return checkEvent(c, at, body);
    case 'userTask':
      return checkUserTask(c, at, body);
    case 'child':
      return checkChild(c, at, body);
    case 'advance':
      c.count(at, body, true);
      return;
    case 'stop':
    case 'resume':
    case 'rescue': {
      const thread = c.object(at, body, true);
      if (!thread) return;
      c.known(at, thread, kind === 'rescue' ? ['threadRunNumber', 'skipCurrentNode'] : ['threadRunNumber']);
      c.count([...at, 'threadRunNumber'], thread.threadRunNumber);
      if (thread.skipCurrentNode !== undefined && typeof thread.skipCurrentNode !== 'boolean') {
        c.report([...at, 'skipCurrentNode'], `must be true or false; got ${got(thread.skipCurrentNode)}.`);
      }
      return;
    }
    default:
      c.report(at, `is not a kind of step; use one of ${kinds}.`);
  }
}

function checkTask(c: Checker, path: SpecPath, value: unknown): void {
  const task = c.object(path, value, true);
  if (!task) return;
  c.known(path, task, ['taskDefName', 'node', 'threadRunNumber', 'output', 'error', 'exception', 'timeout']);
  c.text([...path, 'taskDefName'], task.taskDefName, { required: true, nonEmpty: true });
  checkSelector(c, path, task);
  const outcome = c.exactlyOne(path, task, ['output', 'error', 'exception', 'timeout']);
  if (outcome === 'output') c.json([...path, 'output'], task.output);
  if (outcome === 'error') c.text([...path, 'error'], task.error, { required: true });
  if (outcome === 'exception') checkException(c, [...path, 'exception'], task.exception);
  if (outcome === 'timeout' && task.timeout !== true) c.report([...path, 'timeout'], `must be true; got ${got(task.timeout)}.`);
}

function checkEvent(c: Checker, path: SpecPath, value: unknown): void {
  const event = c.object(path, value, true);
  if (!event) return;
  c.known(path, event, ['externalEventDefName', 'content', 'guid']);
  c.text([...path, 'externalEventDefName'], event.externalEventDefName, { required: true, nonEmpty: true });
  if (!('content' in event)) c.report([...path, 'content'], 'is missing; give the event content (null for none).');
  else c.json([...path, 'content'], event.content);
  c.text([...path, 'guid'], event.guid, { nonEmpty: true });
}

function checkUserTask(c: Checker, path: SpecPath, value: unknown): void {
  const userTask = c.object(path, value, true);
  if (!userTask) return;
  c.known(path, userTask, ['userTaskDefName', 'node', 'threadRunNumber', 'userId', 'results', 'cancel', 'assign']);
  c.text([...path, 'userTaskDefName'], userTask.userTaskDefName, { required: true, nonEmpty: true });
  checkSelector(c, path, userTask);
  const outcome = c.exactlyOne(path, userTask, ['results', 'cancel', 'assign']);
  if (outcome === 'results') {
    c.jsonRecord([...path, 'results'], userTask.results, true);
    c.text([...path, 'userId'], userTask.userId, { required: true, nonEmpty: true });
  } else if (userTask.userId !== undefined) {
    c.report([...path, 'userId'], 'goes with results only: it names who completed the task.');
  }
  if (outcome === 'cancel' && userTask.cancel !== true) c.report([...path, 'cancel'], `must be true; got ${got(userTask.cancel)}.`);
  if (outcome === 'assign') {
    const assign = c.object([...path, 'assign'], userTask.assign, true);
    if (!assign) return;
    c.known([...path, 'assign'], assign, ['userId', 'userGroup', 'overrideClaim']);
    for (const field of ['userId', 'userGroup']) {
      if (assign[field] !== null) c.text([...path, 'assign', field], assign[field], { nonEmpty: true });
    }
    if (assign.overrideClaim !== undefined && typeof assign.overrideClaim !== 'boolean') {
      c.report([...path, 'assign', 'overrideClaim'], `must be true or false; got ${got(assign.overrideClaim)}.`);
    }
  }
}

function checkChild(c: Checker, path: SpecPath, value: unknown): void {
  const child = c.object(path, value, true);
  if (!child) return;
  c.known(path, child, ['wfSpecName', 'node', 'threadRunNumber', 'output', 'failure']);
  c.text([...path, 'wfSpecName'], child.wfSpecName, { required: true, nonEmpty: true });
  checkSelector(c, path, child);
  if (child.output !== undefined && child.failure !== undefined) c.report(path, 'gives both output and failure; a child WfRun either completes or fails.');
  if (child.output !== undefined) c.json([...path, 'output'], child.output);
  if (child.failure !== undefined) checkException(c, [...path, 'failure'], child.failure);
}

function checkException(c: Checker, path: SpecPath, value: unknown): void {
  const exception = c.object(path, value, true);
  if (!exception) return;
  c.known(path, exception, ['name', 'message', 'content']);
  c.text([...path, 'name'], exception.name, { required: true, nonEmpty: true });
  c.text([...path, 'message'], exception.message);
  if (exception.content !== undefined) c.json([...path, 'content'], exception.content);
}

function checkSelector(c: Checker, path: SpecPath, fields: Fields): void {
  c.text([...path, 'node'], fields.node, { nonEmpty: true });
  c.count([...path, 'threadRunNumber'], fields.threadRunNumber);
}

/** Collects problems; each check reports what it finds and says whether the value passed. */
class Checker {
  readonly problems: ScenarioProblem[] = [];

  report(path: SpecPath, message: string): void {
    this.problems.push({ path, message: `${path.length === 0 ? 'The scenario' : formatPath(path)} ${message}` });
  }

  /** The value as an object (not a list), or undefined, reported when present or `required`. */
  object(path: SpecPath, value: unknown, required = path.length === 0): Fields | undefined {
    if (value === undefined) {
      if (required) this.report(path, 'is missing; it must be an object.');
      return undefined;
    }
    if (isObject(value)) return value;
    this.report(path, `must be an object; got ${got(value)}.`);
    return undefined;
  }

  /** Reports every key of `fields` that is not `allowed`. */
  known(path: SpecPath, fields: Fields, allowed: readonly string[]): void {
    for (const key of Object.keys(fields)) {
      if (!allowed.includes(key)) this.report([...path, key], `is not a field here; the fields are ${allowed.join(', ')}.`);
    }
  }

  text(path: SpecPath, value: unknown, { required = false, nonEmpty = false } = {}): void {
    if (value === undefined) {
      if (required) this.report(path, 'is missing; it must be a string.');
    } else if (typeof value !== 'string') {
      this.report(path, `must be a string; got ${got(value)}.`);
    } else if (nonEmpty && value.trim() === '') {
      this.report(path, 'must not be blank.');
    }
  }

  /** A whole number, 0 or more. */
  count(path: SpecPath, value: unknown, required = false): void {
    if (value === undefined) {
      if (required) this.report(path, 'is missing; it must be a whole number, 0 or more.');
    } else if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      this.report(path, `must be a whole number, 0 or more; got ${got(value)}.`);
    }
  }

  json(path: SpecPath, value: unknown): void {
    const bad = nonJsonAt(value, path, []);
    if (bad) this.report(bad.path, `must be a JSON value; got ${bad.what}.`);
  }

  /** An object whose values are JSON values. */
  jsonRecord(path: SpecPath, value: unknown, required = false): void {
    const record = this.object(path, value, required);
    if (record) for (const [key, item] of Object.entries(record)) this.json([...path, key], item);
  }

  /** The one of `keys` that `fields` gives, or undefined (reported) when it gives none or several. */
  exactlyOne(path: SpecPath, fields: Fields, keys: readonly string[]): string | undefined {
    const given = keys.filter((k) => fields[k] !== undefined);
    if (given.length === 1) return given[0];
    const what = given.length === 0 ? 'none' : given.join(' and ');
    this.report(path, `must give exactly one of ${keys.join(', ')}; got ${what}.`);
    return undefined;
  }
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where inside `value` something is not JSON (undefined, a function, NaN, a cycle, a class instance), if anywhere. */
function nonJsonAt(value: unknown, path: SpecPath, ancestors: readonly object[]): { path: SpecPath; what: string } | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, what: String(value) };
  if (typeof value !== 'object') return { path, what: value === undefined ? 'nothing' : `a ${typeof value}` };
  if (ancestors.includes(value)) return { path, what: 'a value that contains itself' };
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return { path, what: 'an object that is not plain data' };
  const inner = [...ancestors, value];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((item, i) => [i, item]) : Object.entries(value);
  for (const [key, item] of entries) {
    const bad = nonJsonAt(item, [...path, key], inner);
    if (bad) return bad;
  }
  return undefined;
}

/** A value found where another was expected, for messages. */
function got(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (nonJsonAt(value, [], [])) return typeof value === 'number' ? String(value) : `a ${typeof value}`;
  return describeValue(value as JsonValue);
}
