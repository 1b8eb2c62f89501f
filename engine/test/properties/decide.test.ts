import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, replay, step } from '../../src/index.ts';
import type { Catalog, Command, DecideContext, JsonValue, Node, VersionedWfSpec, WfRunEvent, WfRunState } from '../../src/index.ts';

// Random WfSpecs (linear chains of TASK, NOP, SLEEP, EXTERNAL_EVENT, USER_TASK, START_THREAD/WAIT_FOR_THREADS and
// RUN_CHILD_WF/WAIT_FOR_CHILD_WF nodes, with retries, conditions, failure handlers, user task deadlines and returned
// outputs) meet random command streams, child WfRuns' ends and rescues among them. Whatever happens, decide answers
// with events or a rejection, never a throw, and replaying the events rebuilds the decider's state.
const catalog: Catalog = {
  taskDefs: { work: { name: 'work', inputVars: [{ name: 'n', type: 'INT' }], returnType: 'INT' } },
  externalEventDefs: { go: { name: 'go' } },
  userTaskDefs: { approve: { name: 'approve', version: 0, fields: [{ name: 'ok', type: 'BOOL', required: true }, { name: 'n', type: 'INT' }] } },
};

const nodeKind = fc.constantFrom('TASK', 'NOP', 'SLEEP', 'EXTERNAL_EVENT', 'SPAWN', 'EXIT_FAIL', 'CHILD_WF', 'USER_TASK');
const specArb = fc.record({
  kinds: fc.array(nodeKind, { minLength: 1, maxLength: 6 }),
  retries: fc.integer({ min: 0, max: 2 }),
  backoff: fc.boolean(),
  handler: fc.boolean(),
  threshold: fc.integer({ min: -2, max: 4 }),
  isChild: fc.boolean(),
  userId: fc.constantFrom('ada', null),
});

interface Shape {
  readonly kinds: readonly string[];
  readonly retries: number;
  readonly backoff: boolean;
  readonly handler: boolean;
  readonly threshold: number;
  readonly isChild: boolean;
  /** Who a USER_TASK is assigned to besides its group. */
  readonly userId: string | null;
}

function buildSpec({ kinds, retries, backoff, handler, threshold, userId }: Shape): VersionedWfSpec {
  const names = kinds.map((kind, i) => `n${i}-${kind}`);
  const nodes: Record<string, Node> = {
    start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: names[0] ?? 'end' }] },
    end: { type: 'EXIT', returnContent: { type: 'VARIABLE', variableName: 'n' } },
  };
  const n = { type: 'VARIABLE' as const, variableName: 'n' };
  kinds.forEach((kind, i) => {
    const next = names[i + 1] ?? 'end';
    const edges = [
      { sinkNodeName: next, condition: { comparator: 'GREATER_THAN' as const, left: n, right: { type: 'LITERAL' as const, value: threshold } } },
      { sinkNodeName: next, variableMutations: [{ lhsName: 'n', operation: 'ADD' as const, rhs: { type: 'LITERAL' as const, value: 1 } }] },
    ];
    const failureHandlers = handler ? [{ handlerSpecName: 'handler' }] : undefined;
    const byKind: Record<string, Node> = {
      TASK: {
        type: 'TASK',
        taskDefName: 'work',
        inputs: [n],
        retries,
        ...(backoff ? { exponentialBackoff: { baseIntervalMs: 10, multiplier: 2, maxDelayMs: 40 } } : {}),
        failureHandlers,
        outgoingEdges: [{ sinkNodeName: next, variableMutations: [{ lhsName: 'n', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
      },
      NOP: { type: 'NOP', outgoingEdges: edges },
      SLEEP: { type: 'SLEEP', rawSeconds: { type: 'LITERAL', value: 1 }, outgoingEdges: edges },
      EXTERNAL_EVENT: { type: 'EXTERNAL_EVENT', externalEventDefName: 'go', timeoutSeconds: { type: 'LITERAL', value: 5 }, failureHandlers, outgoingEdges: edges },
      SPAWN: {
        type: 'START_THREAD',
        threadSpecName: 'child',
        outgoingEdges: [{ sinkNodeName: `${names[i]}-wait`, variableMutations: [{ lhsName: 'kids', operation: 'ADD', rhs: { type: 'NODE_OUTPUT' } }] }],
      },
      CHILD_WF: {
        type: 'RUN_CHILD_WF',
        wfSpecName: 'child-wf',
        inputs: { n },
        outgoingEdges: [{ sinkNodeName: `${names[i]}-wait`, variableMutations: [{ lhsName: 'child', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
      },
      USER_TASK: {
        type: 'USER_TASK',
        userTaskDefName: 'approve',
        ...(userId === null ? {} : { userId: { type: 'LITERAL', value: userId } }),
        userGroup: { type: 'LITERAL', value: 'crew' },
        ...(threshold > 2 ? { onCancellationExceptionName: 'withdrawn' } : {}),
        actions: [
          { hook: 'ON_TASK_ASSIGNED', delaySeconds: { type: 'LITERAL', value: 2 }, action: { type: 'REASSIGN', userGroup: { type: 'LITERAL', value: 'crew' } } },
          { hook: 'ON_ARRIVAL', delaySeconds: { type: 'LITERAL', value: 5 }, action: { type: 'CANCEL' } },
        ],
        failureHandlers,
        outgoingEdges: [{ sinkNodeName: next, variableMutations: [{ lhsName: 'n', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT', jsonPath: '$.n' } }] }],
      },
      EXIT_FAIL: { type: 'NOP', outgoingEdges: [{ sinkNodeName: `${names[i]}-fail`, condition: { comparator: 'LESS_THAN', left: n, right: { type: 'LITERAL', value: threshold } } }, { sinkNodeName: next }] },
    };
    nodes[names[i]!] = byKind[kind]!;
    if (kind === 'SPAWN') nodes[`${names[i]}-wait`] = { type: 'WAIT_FOR_THREADS', threads: [{ type: 'VARIABLE', variableName: 'kids' }], failureHandlers, outgoingEdges: [{ sinkNodeName: next }] };
    if (kind === 'CHILD_WF') {
      nodes[`${names[i]}-wait`] = {
        type: 'WAIT_FOR_CHILD_WF',
        childWfRunId: { type: 'VARIABLE', variableName: 'child' },
        failureHandlers,
        outgoingEdges: [{ sinkNodeName: next, variableMutations: [{ lhsName: 'n', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
      };
    }
    if (kind === 'EXIT_FAIL') nodes[`${names[i]}-fail`] = { type: 'EXIT', failureDef: { failureName: 'too-small', message: 'n is too small' } };
  });
  const task = (next: string): Node => ({ type: 'TASK', taskDefName: 'work', inputs: [n], outgoingEdges: [{ sinkNodeName: next }] });
  return {
    name: 'random',
    majorVersion: 0,
    revision: 0,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: [{ name: 'n', type: 'INT', defaultValue: 0 }, { name: 'kids', type: 'JSON_ARR', defaultValue: [] }, { name: 'child', type: 'STR' }],
        nodes,
      },
      child: { nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'work' }] }, work: task('end'), end: { type: 'EXIT' } } },
      handler: { variableDefs: [{ name: 'INPUT', type: 'JSON_OBJ' }], nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'work' }] }, work: task('end'), end: { type: 'EXIT' } } },
    },
  };
}

const outcomeArb = fc.oneof(
  fc.constant({ status: 'SUCCESS' as const, output: 1 as JsonValue }),
  fc.constant({ status: 'SUCCESS' as const, output: 'not an int' as JsonValue }),
  fc.constant({ status: 'ERROR' as const, message: 'boom' }),
  fc.constant({ status: 'TIMEOUT' as const }),
  fc.constant({ status: 'EXCEPTION' as const, name: 'biz', message: 'no', content: { why: 1 } as JsonValue }),
);

/** How a child WfRun ends: an output that may not fit `n`, an ERROR, or a business EXCEPTION. */
const childEndArb = fc.oneof(
  fc.constant<ChildEnd>({ status: 'COMPLETED', output: 7 }),
  fc.constant<ChildEnd>({ status: 'COMPLETED', output: 'not an int' }),
  fc.constant<ChildEnd>({ status: 'COMPLETED' }),
  fc.constant<ChildEnd>({ status: 'ERROR', failure: { name: 'TASK_FAILURE', message: 'boom' } }),
  fc.constant<ChildEnd>({ status: 'EXCEPTION', failure: { name: 'biz', message: 'no', content: { why: 1 } } }),
);
type ChildEnd = Omit<Extract<Command, { type: 'ChildWfRunEnded' }>, 'type' | 'childWfRunId'>;

/** What the world does next: answer a waiting TaskRun, fire a timer, send an event, or something bogus. */
const actionArb = fc.oneof(
  fc.record({ kind: fc.constant('report' as const), pick: fc.nat(), outcome: outcomeArb, attemptSkew: fc.constantFrom(0, 0, 0, 1) }),
  fc.record({ kind: fc.constant('timer' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('event' as const), guid: fc.constantFrom('a', 'b', 'c'), thread: fc.constantFrom(undefined, undefined, 0, 1), position: fc.constantFrom(undefined, undefined, 1, 2) }),
  fc.record({ kind: fc.constant('bogus' as const), guid: fc.string({ maxLength: 5 }) }),
  fc.record({ kind: fc.constant('run' as const) }),
  fc.record({ kind: fc.constantFrom('stop' as const, 'resume' as const), thread: fc.nat({ max: 3 }) }),
  fc.record({ kind: fc.constant('rescue' as const), thread: fc.nat({ max: 3 }), skip: fc.boolean() }),
  fc.record({ kind: fc.constant('child' as const), pick: fc.nat(), bogus: fc.constantFrom(false, false, true), end: childEndArb }),
  fc.record({ kind: fc.constant('childRescued' as const), pick: fc.nat(), bogus: fc.constantFrom(false, false, true) }),
  fc.record({
    kind: fc.constant('assign' as const),
    pick: fc.nat(),
    userId: fc.constantFrom('bob', 'ada', '', null),
    userGroup: fc.constantFrom('crew', null),
    overrideClaim: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('complete' as const),
    pick: fc.nat(),
    userId: fc.constantFrom('bob', 'ada'),
    results: fc.constantFrom<Record<string, JsonValue>>({ ok: true, n: 7 }, { ok: false }, { n: 1 }, { ok: 'yes' }, { ok: true, extra: 1 }),
  }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('save' as const),
    pick: fc.nat(),
    userId: fc.constantFrom('bob', 'ada'),
    results: fc.constantFrom<Record<string, JsonValue>>({ n: 7 }, {}, { ok: 'yes' }),
    ignoreClaim: fc.boolean(),
  }),
  fc.record({ kind: fc.constantFrom('comment' as const, 'editComment' as const, 'deleteComment' as const), pick: fc.nat(), id: fc.nat({ max: 3 }), text: fc.constantFrom('ok', ' ') }),
);

/** The guid of a UserTaskRun a thread stands on, picked by `pick`, or a guid that names none. */
function userTaskGuidOf(state: WfRunState | undefined, pick: number): string {
  const guids = (state?.threadRuns ?? []).flatMap((t) => (t.currentNodeRun?.userTaskRun ? [t.currentNodeRun.userTaskRun.userTaskGuid] : []));
  return guids[pick % Math.max(1, guids.length)] ?? `0-${pick % 4}`;
}

function toCommand(
  action:
    | { kind: 'report'; pick: number; outcome: Extract<Command, { type: 'ReportTaskAttempt' }>['result']; attemptSkew: number }
    | { kind: 'timer'; pick: number }
    | { kind: 'event'; guid: string; thread: number | undefined; position: number | undefined }
    | { kind: 'bogus'; guid: string }
    | { kind: 'run' }
    | { kind: 'stop' | 'resume'; thread: number }
    | { kind: 'rescue'; thread: number; skip: boolean }
    | { kind: 'child'; pick: number; bogus: boolean; end: ChildEnd }
    | { kind: 'childRescued'; pick: number; bogus: boolean }
    | { kind: 'assign'; pick: number; userId: string | null; userGroup: string | null; overrideClaim: boolean }
    | { kind: 'complete'; pick: number; userId: string; results: Record<string, JsonValue> }
    | { kind: 'cancel'; pick: number }
    | { kind: 'save'; pick: number; userId: string; results: Record<string, JsonValue>; ignoreClaim: boolean }
    | { kind: 'comment' | 'editComment' | 'deleteComment'; pick: number; id: number; text: string },
  state: WfRunState | undefined,
  timers: Extract<WfRunEvent, { type: 'TimerSet' }>[],
): Command {
  switch (action.kind) {
    case 'report': {
      const waiting = (state?.threadRuns ?? []).flatMap((t) => (t.currentNodeRun?.taskRun ? [t.currentNodeRun.taskRun] : []));
      const taskRun = waiting[action.pick % Math.max(1, waiting.length)];
      return { type: 'ReportTaskAttempt', taskGuid: taskRun?.taskGuid ?? '0-0', attempt: (taskRun?.attempt ?? 0) + action.attemptSkew, result: action.outcome };
    }
    case 'timer': {
      const timer = timers[action.pick % Math.max(1, timers.length)];
      return timer ? { type: 'FireTimer', timerId: timer.timerId, purpose: timer.purpose } : { type: 'FireTimer', timerId: 'none', purpose: { type: 'SLEEP', threadRunNumber: 9, position: 9 } };
    }
    case 'event':
      return { type: 'PutExternalEvent', guid: action.guid, externalEventDefName: 'go', content: { guid: action.guid }, threadRunNumber: action.thread, nodeRunPosition: action.position };
    case 'bogus':
      return { type: 'ReportTaskAttempt', taskGuid: action.guid, attempt: -1, result: { status: 'SUCCESS' } };
    case 'run':
      return { type: 'RunWf', wfRunId: 'r' };
    case 'stop':
      return { type: 'StopWfRun', threadRunNumber: action.thread };
    case 'resume':
      return { type: 'ResumeWfRun', threadRunNumber: action.thread };
    case 'rescue':
      return { type: 'RescueThreadRun', threadRunNumber: action.thread, skipCurrentNode: action.skip };
    case 'child':
      return { type: 'ChildWfRunEnded', childWfRunId: childId(action, state), ...action.end };
    case 'childRescued':
      return { type: 'ChildWfRunRescued', childWfRunId: childId(action, state) };
    case 'assign':
      return { type: 'AssignUserTaskRun', userTaskGuid: userTaskGuidOf(state, action.pick), userId: action.userId, userGroup: action.userGroup, overrideClaim: action.overrideClaim };
    case 'complete':
      return { type: 'CompleteUserTaskRun', userTaskGuid: userTaskGuidOf(state, action.pick), userId: action.userId, results: action.results };
    case 'cancel':
      return { type: 'CancelUserTaskRun', userTaskGuid: userTaskGuidOf(state, action.pick) };
    case 'save':
      return {
        type: 'SaveUserTaskRunProgress',
        userTaskGuid: userTaskGuidOf(state, action.pick),
        userId: action.userId,
        results: action.results,
        policy: action.ignoreClaim ? 'IGNORE_CLAIM' : 'FAIL_IF_CLAIMED_BY_OTHER',
      };
    case 'comment':
      return { type: 'PutUserTaskRunComment', userTaskGuid: userTaskGuidOf(state, action.pick), userId: 'bob', comment: action.text };
    case 'editComment':
      return { type: 'EditUserTaskRunComment', userTaskGuid: userTaskGuidOf(state, action.pick), userCommentId: action.id, userId: 'ada', comment: action.text };
    case 'deleteComment':
      return { type: 'DeleteUserTaskRunComment', userTaskGuid: userTaskGuidOf(state, action.pick), userCommentId: action.id, userId: 'ada' };
  }
}

/** One of the children the WfRun started, or an id it never gave out. */
function childId({ pick, bogus }: { pick: number; bogus: boolean }, state: WfRunState | undefined): string {
  const ids = Object.keys(state?.childWfRuns ?? {});
  return bogus || ids.length === 0 ? 'r_9-9' : (ids[pick % ids.length] ?? 'r_9-9');
}

describe('decide over random WfSpecs and command streams', () => {
  it('never throws, and replay rebuilds the state step returned', () => {
    fc.assert(
      fc.property(specArb, fc.array(actionArb, { maxLength: 25 }), (shape, actions) => {
        const wfSpec = buildSpec(shape);
        let state: WfRunState | undefined;
        const events: WfRunEvent[] = [];
        const timers: Extract<WfRunEvent, { type: 'TimerSet' }>[] = [];
        const send = (command: Command, now: number) => {
          const ctx: DecideContext = { now, ids: { next: () => 'id' }, wfSpec, catalog };
          const decision = decide(state, command, ctx);
          expect(decision.ok || typeof decision.rejection.code === 'string').toBe(true);
          const result = step(state, command, ctx);
          if (!result.ok) return;
          state = result.state;
          events.push(...result.events);
          for (const event of result.events) if (event.type === 'TimerSet') timers.push(event);
        };
        send({ type: 'RunWf', wfRunId: 'r', ...(shape.isChild ? { parentWfRunId: 'parent' } : {}) }, 0);
        // Each command is made from the state it meets, so most aim at what is really waiting.
        actions.forEach((action, i) => send(toCommand(action, state, timers), 1000 * (i + 1)));
        expect(replay(events)).toEqual(state);
      }),
      { numRuns: 1000 },
    );
  });
});
