import type { Catalog, Command, FailureHandlerDef, Node, step as Step, ThreadSpec, VersionedWfSpec, WfRunState } from '../../src/index.ts';
// The digests were recorded before events carried these fields.
import { withoutLaterFields } from '../../src/sim/rebuild-history.ts';

// Seeded random fan-outs and command streams, for fan-out.test.ts: START_MULTIPLE_THREADS children that succeed, fail,
// retry, start grandchildren or are caught by per-thread handlers; WAIT_FOR_THREADS with each strategy and a handler
// of its own; a sibling thread waiting for a child it did not start; interrupts; stops, resumes and rescues at random.
// `transcriptOf` plays one through a `step` and writes down every answer, so a change to how the engine decides
// shows up as a different transcript. Changing anything here changes every transcript: record them again with
//   node --import tsx engine/test/properties/record-fan-outs.ts
// from the engine as it was before the change being checked.

export const fanOutCatalog: Catalog = {
  taskDefs: { work: { name: 'work', inputVars: [{ name: 'n', type: 'INT' }], returnType: 'INT' } },
  externalEventDefs: { poke: { name: 'poke' } },
};
const n = { type: 'VARIABLE' as const, variableName: 'n' };

/** A small deterministic PRNG (mulberry32): the same seed gives the same scenario everywhere. */
function random(seed: number): (below: number) => number {
  let a = seed >>> 0;
  return (below) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

const task = (next: string, retries = 0): Node => ({
  type: 'TASK',
  taskDefName: 'work',
  inputs: [n],
  retries,
  outgoingEdges: [{ sinkNodeName: next, variableMutations: [{ lhsName: 'n', operation: 'ADD', rhs: { type: 'NODE_OUTPUT' } }] }],
});
const simple: ThreadSpec = {
  variableDefs: [{ name: 'n', type: 'INT', defaultValue: 0 }],
  nodes: { start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'task' }] }, task: task('end'), end: { type: 'EXIT' } },
};

/** The WfSpec of scenario `seed`. */
export function fanOutSpec(seed: number): VersionedWfSpec {
  const pick = random(seed);
  const width = pick(7);
  const strategy = (['WAIT_FOR_ALL', 'WAIT_FOR_FIRST', 'WAIT_FOR_ANY'] as const)[pick(3)];
  const perThread: FailureHandlerDef[][] = [[], [{ handlerSpecName: 'fix', anyFailureOfType: 'FAILURE_TYPE_EXCEPTION' }], [{ handlerSpecName: 'fix' }]];
  const perThreadFailureHandlers = perThread[pick(3)];
  const failureHandlers = pick(2) === 0 ? undefined : [{ handlerSpecName: 'recover' }];
  const side = pick(2) === 1;
  const grandchildren = pick(2) === 1;
  const interrupts = pick(2) === 1;
  const retries = pick(2);
  const v = (variableName: string) => ({ type: 'VARIABLE' as const, variableName });
  return {
    name: 'fan-out',
    majorVersion: 0,
    revision: 0,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: [
          { name: 'n', type: 'INT', defaultValue: 0 },
          { name: 'kids', type: 'JSON_ARR', defaultValue: [] },
        ],
        ...(interrupts ? { interruptDefs: [{ externalEventDefName: 'poke', handlerSpecName: 'on-poke' }] } : {}),
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'spawn' }] },
          spawn: {
            type: 'START_MULTIPLE_THREADS',
            threadSpecName: 'child',
            iterable: { type: 'LITERAL', value: Array.from({ length: width }, (_, i) => i) },
            outgoingEdges: [{ sinkNodeName: side ? 'side' : 'wait', variableMutations: [{ lhsName: 'kids', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
          },
          side: { type: 'START_THREAD', threadSpecName: 'side', outgoingEdges: [{ sinkNodeName: 'wait' }] },
          wait: { type: 'WAIT_FOR_THREADS', strategy, threads: [v('kids')], perThreadFailureHandlers, failureHandlers, outgoingEdges: [{ sinkNodeName: 'after' }] },
          after: task('end'),
          end: { type: 'EXIT' },
        },
      },
      child: {
        variableDefs: [{ name: 'INPUT', type: 'INT' }, { name: 'grand', type: 'INT' }],
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'task' }] },
          task: { ...task(grandchildren ? 'spawn' : 'end', retries), inputs: [v('INPUT')] } as Node,
          spawn: { type: 'START_THREAD', threadSpecName: 'grand', outgoingEdges: [{ sinkNodeName: 'wait', variableMutations: [{ lhsName: 'grand', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }] },
          wait: { type: 'WAIT_FOR_THREADS', threads: [v('grand')], outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: { type: 'EXIT' },
        },
      },
      // Waits for thread 1, the first child: a sibling, not a thread it started.
      side: {
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'wait' }] },
          wait: { type: 'WAIT_FOR_THREADS', threads: [{ type: 'LITERAL', value: 1 }], outgoingEdges: [{ sinkNodeName: 'task' }] },
          task: { ...task('end'), inputs: [{ type: 'LITERAL', value: 7 }] } as Node,
          end: { type: 'EXIT' },
        },
      },
      grand: simple,
      fix: simple,
      recover: simple,
      'on-poke': simple,
    },
  };
}

/**
 * Plays scenario `seed` through `step`: runs the WfRun, then up to `commands` commands picked at random (mostly
 * reports of a scheduled TaskRun, with SUCCESS, ERROR or EXCEPTION; also stops, resumes, rescues and interrupts),
 * and returns one line per command with the events or the rejection. `afterEach` sees each state `step` accepted.
 */
export function transcriptOf(step: typeof Step, seed: number, commands = 40, afterEach?: (state: WfRunState) => void): string {
  const wfSpec = fanOutSpec(seed);
  const pick = random(seed ^ 0x5eed);
  let ids = 0;
  let now = 1_800_000_000_000;
  let state: WfRunState | undefined;
  const lines: string[] = [];
  const send = (command: Command) => {
    now += 1_000;
    const result = step(state, command, { now, ids: { next: () => `id-${++ids}` }, wfSpec, catalog: fanOutCatalog });
    if (result.ok) {
      state = result.state;
      afterEach?.(result.state);
    }
    lines.push(`${command.type} ${JSON.stringify(result.ok ? result.events.map(withoutLaterFields) : result.rejection)}`);
  };
  send({ type: 'RunWf', wfRunId: `fan-out-${seed}` });
  for (let i = 0; i < commands && state; i++) {
    const threads = state.threadRuns;
    const scheduled = threads.flatMap((t) => (t.currentNodeRun?.taskRun?.status === 'TASK_SCHEDULED' ? [t.currentNodeRun.taskRun] : []));
    const roll = pick(100);
    const taskRun = scheduled[pick(Math.max(1, scheduled.length))];
    if (roll < 75 && taskRun) {
      const outcome = pick(10);
      const result = outcome < 6 ? { status: 'SUCCESS' as const, output: 1 } : outcome < 8 ? { status: 'ERROR' as const, message: 'flaky' } : { status: 'EXCEPTION' as const, name: 'boom', message: 'boom' };
      send({ type: 'ReportTaskAttempt', taskGuid: taskRun.taskGuid, attempt: taskRun.attempt, result });
    } else if (roll < 83) {
      send({ type: 'StopWfRun', threadRunNumber: pick(threads.length) });
    } else if (roll < 91) {
      send({ type: 'ResumeWfRun', threadRunNumber: pick(threads.length) });
    } else if (roll < 96) {
      send({ type: 'PutExternalEvent', guid: `poke-${i}`, externalEventDefName: 'poke', content: i });
    } else {
      send({ type: 'RescueThreadRun', threadRunNumber: pick(threads.length), skipCurrentNode: pick(2) === 1 });
    }
  }
  return lines.join('\n');
}

/** FNV-1a over the text, as 8 hex digits: enough to tell two transcripts apart in a small fixture. */
export function digest(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}
