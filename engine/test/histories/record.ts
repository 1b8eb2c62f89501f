import { existsSync, writeFileSync } from 'node:fs';
import { step } from '../../src/index.ts';
import type { Catalog, Command, TaskAttemptResult, VersionedWfSpec, WfRunEvent, WfRunState } from '../../src/index.ts';

// Records the golden histories that replay.test.ts replays on every run. Run it only to add a history, naming it:
//   node --import tsx engine/test/histories/record.ts <name>...
// It records only the histories named, and never over one already there: recorded again by today's engine, an old
// history would hide the very change it is kept to catch. A change that makes an old history replay differently
// must version its event, never rewrite the history.
const names = process.argv.slice(2);
if (names.length === 0) throw new Error('Name the histories to record: node --import tsx engine/test/histories/record.ts <name>...');
const recorded = new Set<string>();

const catalog: Catalog = {
  taskDefs: {
    work: { name: 'work', inputVars: [{ name: 'n', type: 'INT' }], returnType: 'INT' },
    remind: { name: 'remind', inputVars: [{ name: 'n', type: 'INT' }] },
  },
  externalEventDefs: { approved: { name: 'approved' } },
  userTaskDefs: { approve: { name: 'approve', version: 0, fields: [{ name: 'approved', type: 'BOOL', required: true }, { name: 'amount', type: 'INT' }] } },
};
const n = { type: 'VARIABLE' as const, variableName: 'n' };
const task = (next: string, extra: object = {}) => ({
  type: 'TASK' as const,
  taskDefName: 'work',
  inputs: [n],
  ...extra,
  outgoingEdges: [{ sinkNodeName: next, variableMutations: [{ lhsName: 'n', operation: 'ASSIGN' as const, rhs: { type: 'NODE_OUTPUT' as const } }] }],
});
const spec = (threadSpecs: VersionedWfSpec['threadSpecs']): VersionedWfSpec => ({ name: 'golden', majorVersion: 1, revision: 0, entrypointThreadName: 'entrypoint', threadSpecs });
const vars = [{ name: 'n', type: 'INT' as const, defaultValue: 0 }, { name: 'kids', type: 'JSON_ARR' as const, defaultValue: [] }, { name: 'approval', type: 'JSON_OBJ' as const }];

function record(file: string, description: string, wfSpec: VersionedWfSpec, script: (send: (command: Command) => WfRunEvent[], state: () => WfRunState) => void): void {
  if (!names.includes(file)) return;
  const out = new URL(`./${file}.json`, import.meta.url);
  if (existsSync(out)) throw new Error(`${file}.json is already recorded; a history is never rewritten (delete it first only if it was never committed).`);
  recorded.add(file);
  let state: WfRunState | undefined;
  const events: WfRunEvent[] = [];
  let now = 1_800_000_000_000;
  const send = (command: Command) => {
    now += 1_000;
    const result = step(state, command, { now, ids: { next: () => 'unused' }, wfSpec, catalog });
    if (!result.ok) throw new Error(`${file}: ${result.rejection.message}`);
    state = result.state;
    events.push(...result.events);
    return [...result.events];
  };
  script(send, () => state as WfRunState);
  writeFileSync(out, `${JSON.stringify({ description, events, state }, null, 1)}\n`);
}

const report = (guid: string, result: TaskAttemptResult, attempt = 0): Command => ({ type: 'ReportTaskAttempt', taskGuid: guid, attempt, result });
const timerOf = (events: WfRunEvent[]) => {
  const timer = events.find((e) => e.type === 'TimerSet');
  if (timer?.type !== 'TimerSet') throw new Error('no timer');
  return { type: 'FireTimer' as const, timerId: timer.timerId, purpose: timer.purpose };
};

record('two-tasks-completed', 'Two TASK nodes in a row, each output assigned; the WfRun completes.', spec({
  entrypoint: { variableDefs: vars, nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'a' }] }, a: task('b'), b: task('end'), end: { type: 'EXIT' } } },
}), (send) => {
  send({ type: 'RunWf', wfRunId: 'golden-1', variables: { n: 1 } });
  send(report('0-1', { status: 'SUCCESS', output: 2 }));
  send(report('0-2', { status: 'SUCCESS', output: 3 }));
});

record('retry-with-backoff', 'A TASK fails, waits for its back-off timer, and succeeds on the retry.', spec({
  entrypoint: {
    variableDefs: vars,
    nodes: {
      start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'a' }] },
      a: task('end', { retries: 2, exponentialBackoff: { baseIntervalMs: 500, multiplier: 2, maxDelayMs: 5_000 } }),
      end: { type: 'EXIT' },
    },
  },
}), (send) => {
  send({ type: 'RunWf', wfRunId: 'golden-2' });
  const failed = send(report('0-1', { status: 'ERROR', message: 'flaky' }));
  send(timerOf(failed));
  send(report('0-1', { status: 'SUCCESS', output: 9 }, 1));
});

record('fan-out-and-handler', 'Two child threads; one fails with an EXCEPTION caught by a handler thread on WAIT_FOR_THREADS.', spec({
  entrypoint: {
    variableDefs: vars,
    nodes: {
      start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 's1' }] },
      s1: { type: 'START_THREAD', threadSpecName: 'child', outgoingEdges: [{ sinkNodeName: 's2', variableMutations: [{ lhsName: 'kids', operation: 'ADD', rhs: { type: 'NODE_OUTPUT' } }] }] },
      s2: { type: 'START_THREAD', threadSpecName: 'child', outgoingEdges: [{ sinkNodeName: 'wait', variableMutations: [{ lhsName: 'kids', operation: 'ADD', rhs: { type: 'NODE_OUTPUT' } }] }] },
      wait: { type: 'WAIT_FOR_THREADS', threads: [{ type: 'VARIABLE', variableName: 'kids' }], failureHandlers: [{ handlerSpecName: 'handler', anyFailureOfType: 'FAILURE_TYPE_EXCEPTION' }], outgoingEdges: [{ sinkNodeName: 'end' }] },
      end: { type: 'EXIT' },
    },
  },
  child: { nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'a' }] }, a: task('end'), end: { type: 'EXIT' } } },
  handler: { nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'end' }] }, end: { type: 'EXIT' } } },
}), (send) => {
  send({ type: 'RunWf', wfRunId: 'golden-3' });
  send(report('1-1', { status: 'SUCCESS', output: 5 }));
  send(report('2-1', { status: 'EXCEPTION', name: 'bad-item', message: 'no' }));
});

record('event-stop-resume', 'An early ExternalEvent, a SLEEP stopped and resumed, then an EXTERNAL_EVENT taking the event.', spec({
  entrypoint: {
    variableDefs: vars,
    nodes: {
      start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'nap' }] },
      nap: { type: 'SLEEP', rawSeconds: { type: 'LITERAL', value: 30 }, outgoingEdges: [{ sinkNodeName: 'wait' }] },
      wait: { type: 'EXTERNAL_EVENT', externalEventDefName: 'approved', outgoingEdges: [{ sinkNodeName: 'end', variableMutations: [{ lhsName: 'approval', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }] },
      end: { type: 'EXIT' },
    },
  },
}), (send) => {
  const started = send({ type: 'RunWf', wfRunId: 'golden-4', externalEvents: [{ guid: 'e1', externalEventDefName: 'approved', content: { by: 'ada' } }] });
  send({ type: 'StopWfRun' });
  send(timerOf(started));
  send({ type: 'ResumeWfRun' });
});

record('child-wf-run', 'A RUN_CHILD_WF whose child ends before WAIT_FOR_CHILD_WF waits for it; the EXIT returns the child output.', spec({
  entrypoint: {
    variableDefs: [...vars, { name: 'child', type: 'STR' }],
    nodes: {
      start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'run' }] },
      run: { type: 'RUN_CHILD_WF', wfSpecName: 'golden-child', inputs: { n }, outgoingEdges: [{ sinkNodeName: 'a', variableMutations: [{ lhsName: 'child', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }] },
      a: task('wait'),
      wait: { type: 'WAIT_FOR_CHILD_WF', childWfRunId: { type: 'VARIABLE', variableName: 'child' }, outgoingEdges: [{ sinkNodeName: 'end', variableMutations: [{ lhsName: 'approval', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }] },
      end: { type: 'EXIT', returnContent: { type: 'VARIABLE', variableName: 'approval' } },
    },
  },
}), (send) => {
  send({ type: 'RunWf', wfRunId: 'golden-5', variables: { n: 4 } });
  send({ type: 'ChildWfRunEnded', childWfRunId: 'golden-5_0-1', status: 'COMPLETED', output: { packed: 4 } });
  send(report('0-2', { status: 'SUCCESS', output: 5 }));
});

record('user-task-deadline-and-handover', 'A USER_TASK for ada is released to its group at a deadline, claimed by bob, and completed by carol.', spec({
  entrypoint: {
    variableDefs: vars,
    nodes: {
      start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'review' }] },
      review: {
        type: 'USER_TASK',
        userTaskDefName: 'approve',
        userId: { type: 'LITERAL', value: 'ada' },
        userGroup: { type: 'LITERAL', value: 'finance' },
        notes: { type: 'LITERAL', value: 'Expense #7' },
        actions: [
          { hook: 'ON_TASK_ASSIGNED', delaySeconds: { type: 'LITERAL', value: 3_600 }, action: { type: 'REASSIGN', userGroup: { type: 'LITERAL', value: 'finance' } } },
          { hook: 'ON_ARRIVAL', delaySeconds: { type: 'LITERAL', value: 86_400 }, action: { type: 'CANCEL' } },
        ],
        outgoingEdges: [
          {
            sinkNodeName: 'end',
            variableMutations: [
              { lhsName: 'approval', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } },
              { lhsName: 'n', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT', jsonPath: '$.amount' } },
            ],
          },
        ],
      },
      end: { type: 'EXIT' },
    },
  },
}), (send) => {
  const started = send({ type: 'RunWf', wfRunId: 'golden-5' });
  send(timerOf(started));
  send({ type: 'AssignUserTaskRun', userTaskGuid: '0-1', userId: 'bob', userGroup: 'finance' });
  send({ type: 'CompleteUserTaskRun', userTaskGuid: '0-1', userId: 'carol', results: { approved: true, amount: 40 } });
});

record('user-task-stopped', 'A group USER_TASK is claimed, then the WfRun is stopped: the UserTaskRun is cancelled while its thread is halted.', spec({
  entrypoint: {
    variableDefs: vars,
    nodes: {
      start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'review' }] },
      review: { type: 'USER_TASK', userTaskDefName: 'approve', userGroup: { type: 'LITERAL', value: 'finance' }, outgoingEdges: [{ sinkNodeName: 'end' }] },
      end: { type: 'EXIT' },
    },
  },
}), (send) => {
  send({ type: 'RunWf', wfRunId: 'golden-6' });
  send({ type: 'AssignUserTaskRun', userTaskGuid: '0-1', userId: 'bob' });
  send({ type: 'StopWfRun' });
});

record('node-output-reference', 'A later TASK reads an earlier TASK output by node name (LittleHorse node_output), in a loop; the WfRun waits on the last TASK.', spec({
  entrypoint: {
    variableDefs: vars,
    nodes: {
      start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'a' }] },
      a: { type: 'TASK', taskDefName: 'work', inputs: [n], outgoingEdges: [{ sinkNodeName: 'check' }] },
      check: {
        type: 'NOP',
        outgoingEdges: [
          {
            sinkNodeName: 'a',
            condition: { comparator: 'LESS_THAN', left: { type: 'NODE_OUTPUT_REFERENCE', nodeName: 'a' }, right: { type: 'LITERAL', value: 3 } },
            variableMutations: [{ lhsName: 'n', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT_REFERENCE', nodeName: 'a' } }],
          },
          { sinkNodeName: 'b' },
        ],
      },
      b: { type: 'TASK', taskDefName: 'work', inputs: [{ type: 'NODE_OUTPUT_REFERENCE', nodeName: 'a' }], outgoingEdges: [{ sinkNodeName: 'end' }] },
      end: { type: 'EXIT' },
    },
  },
}), (send) => {
  send({ type: 'RunWf', wfRunId: 'golden-7', variables: { n: 1 } });
  send(report('0-1', { status: 'SUCCESS', output: 2 }));
  send(report('0-3', { status: 'SUCCESS', output: 4 }));
});

record('user-task-reminder', "A USER_TASK's reminder on assignment runs for ada, is retried for her after bob takes the task, and runs again for bob; bob completes it.", spec({
  entrypoint: {
    variableDefs: vars,
    nodes: {
      start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'review' }] },
      review: {
        type: 'USER_TASK',
        userTaskDefName: 'approve',
        userId: { type: 'LITERAL', value: 'ada' },
        userGroup: { type: 'LITERAL', value: 'finance' },
        actions: [{ hook: 'ON_TASK_ASSIGNED', delaySeconds: { type: 'LITERAL', value: 3_600 }, action: { type: 'TASK', task: { taskDefName: 'remind', inputs: [n], retries: 1 } } }],
        outgoingEdges: [{ sinkNodeName: 'end', variableMutations: [{ lhsName: 'approval', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
      },
      end: { type: 'EXIT' },
    },
  },
}), (send) => {
  const started = send({ type: 'RunWf', wfRunId: 'golden-8', variables: { n: 3 } });
  send(timerOf(started));
  const handedOver = send({ type: 'AssignUserTaskRun', userTaskGuid: '0-1', userId: 'bob', userGroup: 'finance', overrideClaim: true });
  send(report('0-1-action-0-1', { status: 'ERROR', message: 'smtp down' }));
  send(timerOf(handedOver));
  send(report('0-1-action-0-1', { status: 'SUCCESS', output: null }, 1));
  send({ type: 'CompleteUserTaskRun', userTaskGuid: '0-1', userId: 'bob', results: { approved: true } });
});

for (const name of names) if (!recorded.has(name)) throw new Error(`No history is named '${name}'.`);
