import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, evolve, replay, step } from '../src/index.ts';
import type { Command, RejectionCode, TaskAttemptResult, VersionedWfSpec, WfRunEvent, WfRunState } from '../src/index.ts';
import { catalog, deepFreeze, runStream, testContext, twoTaskSpec } from './fixtures.ts';
import type { Timed } from './fixtures.ts';

// replay(allEvents) must rebuild exactly the state step returned: the server stores only events (and a cache of the
// state), the UI folds them live, and both must agree with the decider. Inputs are frozen throughout.

const run = (variables = { name: 'Ada' }): Command => ({ type: 'RunWf', wfRunId: 'r', variables });
const report = (taskGuid: string, result: TaskAttemptResult, attempt = 0): Command => ({ type: 'ReportTaskAttempt', taskGuid, attempt, result });
const ok = (output: unknown): TaskAttemptResult => ({ status: 'SUCCESS', output: output as never });
const retryTimer = (attempt: number): Command => ({ type: 'FireTimer', timerId: `0-1/retry-${attempt}`, purpose: { type: 'TASK_RETRY', taskGuid: '0-1', attempt } });
/** Commands at 1000, 2000, ... ms. */
const timed = (...commands: Command[]): Timed[] => commands.map((command, i) => ({ command, now: (i + 1) * 1000 }));

const withBackoff = twoTaskSpec({ greet: { retries: 2, exponentialBackoff: { baseIntervalMs: 500, multiplier: 2, maxDelayMs: 5_000 } } });

interface Stream {
  readonly name: string;
  readonly commands: readonly Timed[];
  readonly wfSpec?: VersionedWfSpec;
  /** Each command's rejection code, or null when it was accepted. */
  readonly outcomes: readonly (RejectionCode | null)[];
  readonly status: WfRunState['status'];
}

const streams: Stream[] = [
  {
    name: 'two successes',
    commands: timed(run(), report('0-1', ok('Hi, Ada')), report('0-2', ok(7))),
    outcomes: [null, null, null],
    status: 'COMPLETED',
  },
  {
    name: 'an ERROR on the second task',
    commands: timed(run(), report('0-1', ok('Hi')), report('0-2', { status: 'ERROR', message: 'boom' })),
    outcomes: [null, null, null],
    status: 'ERROR',
  },
  {
    name: 'a business EXCEPTION',
    commands: timed(run(), report('0-1', { status: 'EXCEPTION', name: 'no-such-person', message: 'who?', content: { name: 'Ada' } })),
    outcomes: [null, null],
    status: 'EXCEPTION',
  },
  {
    name: 'duplicates, late reports and bogus guids',
    commands: timed(
      report('0-1', ok('early')),
      run(),
      run(),
      report('9-9', ok('x')),
      report('0-1', ok('Hi'), 1),
      report('0-1', ok('Hi')),
      report('0-1', ok('Hi')),
      report('0-2', ok('not an INT')),
      report('0-2', ok(3)),
    ),
    outcomes: [
      'WF_RUN_NOT_FOUND',
      null,
      'WF_RUN_ALREADY_EXISTS',
      'UNKNOWN_TASK_RUN',
      'STALE_TASK_ATTEMPT',
      null,
      'STALE_TASK_ATTEMPT',
      null,
      'STALE_TASK_ATTEMPT',
    ],
    status: 'ERROR',
  },
  {
    name: 'retries with back-off timers',
    wfSpec: withBackoff,
    commands: timed(
      run(),
      report('0-1', { status: 'ERROR', message: 'flaky' }),
      report('0-1', ok('too soon'), 1),
      retryTimer(1),
      retryTimer(1),
      report('0-1', { status: 'TIMEOUT' }, 1),
      retryTimer(2),
      report('0-1', ok('Hi'), 2),
      report('0-2', ok(2)),
    ),
    outcomes: [null, null, 'STALE_TASK_ATTEMPT', null, 'STALE_TIMER', null, null, null, null],
    status: 'COMPLETED',
  },
  {
    name: 'stop and resume around a running task',
    commands: timed(run(), { type: 'StopWfRun' }, report('0-1', ok('Hi')), { type: 'ResumeWfRun' }, report('0-2', ok(2)), { type: 'StopWfRun' }),
    // Stopping an ended WfRun changes nothing and is no error (LittleHorse).
    outcomes: [null, null, null, null, null, null],
    status: 'COMPLETED',
  },
];

/** Feeds a stream through step with frozen inputs and asserts the replay invariants after every command. */
function checkStream(commands: readonly Timed[], wfSpec: VersionedWfSpec): { state: WfRunState | undefined; outcomes: (RejectionCode | null)[] } {
  const { state, events, results } = runStream(commands, { wfSpec });
  let before: WfRunState | undefined;
  let count = 0;
  results.forEach((result, i) => {
    const { command, now } = commands[i]!;
    // step is decide, then evolve: the decider alone gives the same events or the same rejection.
    expect(decide(before, command, testContext(now, { wfSpec }))).toEqual(result.ok ? { ok: true, events: result.events, state: result.state } : result);
    if (!result.ok) return;
    expect(result.events.every((e) => e.time === now)).toBe(true);
    // The step's events fold onto the state before it, and the whole history so far replays to the same state.
    expect(result.events.reduce<WfRunState | undefined>(evolve, before)).toEqual(result.state);
    count += result.events.length;
    expect(replay(events.slice(0, count))).toEqual(result.state);
    before = result.state;
  });
  expect(replay(events)).toEqual(state);
  // What the server stores is JSON: events and state survive the trip unchanged.
  const stored = JSON.parse(JSON.stringify(events)) as WfRunEvent[];
  expect(replay(stored)).toEqual(state);
  expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  return { state, outcomes: results.map((r) => (r.ok ? null : r.rejection.code)) };
}

describe('replay', () => {
  it.each(streams)('rebuilds the state step returned, for $name', ({ commands, wfSpec = twoTaskSpec(), outcomes, status }) => {
    const result = checkStream(commands, wfSpec);
    expect(result.outcomes).toEqual(outcomes);
    expect(result.state?.status).toBe(status);
  });

  it('gives nothing for no events', () => {
    expect(replay([])).toBeUndefined();
  });
});

describe('decide and evolve with frozen inputs', () => {
  it('are checked by a deepFreeze that makes any write throw', () => {
    const frozen = deepFreeze({ threadRuns: [{ variables: { n: 1 } }] });
    expect(() => ((frozen.threadRuns[0]!.variables as { n: number }).n = 2)).toThrow(TypeError);
    expect(() => (frozen.threadRuns as unknown[]).push({})).toThrow(TypeError);
  });

  it('never write to the state, the command, the WfSpec, the catalog or the events', () => {
    const spec = deepFreeze(withBackoff);
    let state: WfRunState | undefined;
    const commands = timed(run(), report('0-1', { status: 'ERROR', message: 'flaky' }), retryTimer(1), report('0-1', ok('Hi'), 1), report('0-2', ok(2)));
    for (const { command, now } of commands) {
      const ctx = deepFreeze(testContext(now, { wfSpec: spec, catalog: deepFreeze(catalog) }));
      const decision = decide(deepFreeze(state), deepFreeze(command), ctx);
      expect(decision.ok).toBe(true);
      if (!decision.ok) return;
      state = deepFreeze(decision.events).reduce<WfRunState | undefined>((s, e) => evolve(deepFreeze(s), e), state);
    }
    expect(state?.status).toBe('COMPLETED');
  });

  it('leave the previous state as it was: evolve returns a new one', () => {
    const started = deepFreeze(step(undefined, run(), testContext(1)));
    if (!started.ok) throw new Error('RunWf was rejected');
    const copy = structuredClone(started.state);
    const next = step(started.state, report('0-1', ok('Hi')), testContext(2));
    expect(next.ok && next.state).not.toBe(started.state);
    expect(started.state).toEqual(copy);
  });
});

// Every rejection code, so a random stream's rejections can be checked against the full list.
const REJECTION_CODES: Record<RejectionCode, true> = {
  WF_RUN_ALREADY_EXISTS: true,
  WF_RUN_NOT_FOUND: true,
  INVALID_VARIABLES: true,
  UNKNOWN_TASK_RUN: true,
  STALE_TASK_ATTEMPT: true,
  STALE_TIMER: true,
  DUPLICATE_EXTERNAL_EVENT: true,
  WF_RUN_ENDED: true,
  UNKNOWN_THREAD_RUN: true,
  NOT_RESCUABLE: true,
  MIGRATION_REFUSED: true,
  UNKNOWN_CHILD_WF_RUN: true,
  DUPLICATE_CHILD_WF_RUN_REPORT: true,
  UNKNOWN_USER_TASK_RUN: true,
  USER_TASK_RUN_ENDED: true,
  USER_TASK_RUN_CLAIMED: true,
  INVALID_USER_TASK_ASSIGNMENT: true,
  INVALID_USER_TASK_RESULTS: true,
  UNKNOWN_USER_TASK_DEF: true,
  INVALID_USER_TASK_COMMENT: true,
  UNKNOWN_USER_TASK_COMMENT: true,
  USER_TASK_COMMENT_DELETED: true,
  INVALID_CANCELLATION_EXCEPTION: true,
  PINNED_NODE_RUN_ENDED: true,
};

const outcomeArb = fc.constantFrom<TaskAttemptResult>(
  { status: 'SUCCESS', output: 'Hi' },
  { status: 'SUCCESS', output: 5 },
  { status: 'SUCCESS', output: null },
  { status: 'SUCCESS' },
  { status: 'ERROR', message: 'boom' },
  { status: 'TIMEOUT' },
  { status: 'EXCEPTION', name: 'biz', message: 'no', content: [1] },
);

type Action =
  | { kind: 'report'; live: boolean; guid: string; skew: number; outcome: TaskAttemptResult }
  | { kind: 'timer'; live: boolean; attempt: number }
  | { kind: 'again' }
  | { kind: 'run'; valid: boolean }
  | { kind: 'stop' | 'resume'; thread: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('report' as const), live: fc.boolean(), guid: fc.constantFrom('0-1', '0-2', '0-3', '0-0', '1-1', 'bogus', ''), skew: fc.constantFrom(0, 0, 0, 1, -1), outcome: outcomeArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('timer' as const), live: fc.boolean(), attempt: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('again' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('run' as const), valid: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('stop' as const, 'resume' as const), thread: fc.constantFrom(0, 0, 1) }) },
);

/** Makes a command from an action and the state it meets, so that many aim at what really waits. */
function toCommand(action: Action, state: WfRunState | undefined, timers: Command[], previous: Command | undefined): Command {
  const taskRun = state?.threadRuns[0]?.currentNodeRun?.taskRun;
  switch (action.kind) {
    case 'report':
      return action.live && taskRun
        ? report(taskRun.taskGuid, action.outcome, taskRun.attempt + action.skew)
        : report(action.guid, action.outcome, action.skew < 0 ? 0 : action.skew);
    case 'timer':
      return (action.live ? timers.at(-1) : undefined) ?? retryTimer(action.attempt);
    case 'again':
      return previous ?? run();
    case 'run':
      return run(action.valid ? { name: 'Ada' } : ({ name: 1 } as never));
    case 'stop':
      return { type: 'StopWfRun', threadRunNumber: action.thread };
    case 'resume':
      return { type: 'ResumeWfRun', threadRunNumber: action.thread };
  }
}

describe('decide over random command streams', () => {
  it('never throws, rejects only with known codes, and replay rebuilds the state step returned', () => {
    const specArb = fc.record({ retries: fc.integer({ min: 0, max: 2 }), backoff: fc.boolean() });
    fc.assert(
      fc.property(specArb, fc.array(actionArb, { maxLength: 20 }), ({ retries, backoff }, actions) => {
        const wfSpec = deepFreeze(twoTaskSpec({ greet: { retries, ...(backoff ? { exponentialBackoff: { baseIntervalMs: 10, multiplier: 3, maxDelayMs: 50 } } : {}) } }));
        let state: WfRunState | undefined;
        const events: WfRunEvent[] = [];
        const timers: Command[] = [];
        let previous: Command | undefined;
        const send = (command: Command, now: number) => {
          deepFreeze(command);
          previous = command;
          let result: ReturnType<typeof step>;
          try {
            result = step(deepFreeze(state), command, deepFreeze(testContext(now, { wfSpec })));
          } catch (error) {
            throw new Error(`step threw on ${JSON.stringify(command)} after ${events.map((e) => e.type).join(', ')}: ${String(error)}`);
          }
          // The same inputs give the same answer: nothing hidden feeds a decision.
          expect(decide(state, command, testContext(now, { wfSpec }))).toEqual(result.ok ? { ok: true, events: result.events, state: result.state } : result);
          if (!result.ok) {
            expect(REJECTION_CODES[result.rejection.code]).toBe(true);
            expect(result.rejection.message).toMatch(/\S/);
            return;
          }
          // Only stopping or resuming twice is accepted with nothing to say; every other accepted command is a fact.
          if (command.type !== 'StopWfRun' && command.type !== 'ResumeWfRun') expect(result.events.length).toBeGreaterThan(0);
          expect(result.events.every((e) => e.time === now)).toBe(true);
          state = result.state;
          events.push(...result.events);
          for (const e of result.events) if (e.type === 'TimerSet') timers.push({ type: 'FireTimer', timerId: e.timerId, purpose: e.purpose });
          expect(replay(events)).toEqual(state);
        };
        send(run(), 1000);
        actions.forEach((action, i) => send(toCommand(action, state, timers, previous), (i + 2) * 1000));
        expect(JSON.parse(JSON.stringify(state))).toEqual(state);
      }),
      { numRuns: 400 },
    );
  });
});
