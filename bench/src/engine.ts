import { performance } from 'node:perf_hooks';
import { step } from '@gallop/engine';
import type { Catalog, Command, DecideContext, Node, VersionedWfSpec, WfRunState } from '@gallop/engine';

// The engine alone: a command in, its events out, the state folded (step). Prints medians of 3 rounds.
//   node --import tsx bench/src/engine.ts     (npm run bench:engine)
const catalog: Catalog = { taskDefs: { work: { name: 'work', inputVars: [{ name: 'n', type: 'INT' }], returnType: 'INT' } } };
const ctx = (wfSpec: VersionedWfSpec, now: number): DecideContext => ({ now, ids: { next: () => 'x' }, wfSpec, catalog });
const v = (variableName: string) => ({ type: 'VARIABLE' as const, variableName });
const spec = (nodes: Record<string, Node>, extra: VersionedWfSpec['threadSpecs'] = {}): VersionedWfSpec => ({
  name: 'bench',
  majorVersion: 0,
  revision: 0,
  entrypointThreadName: 'entrypoint',
  threadSpecs: { entrypoint: { variableDefs: [{ name: 'n', type: 'INT', defaultValue: 0 }, { name: 'children', type: 'JSON_ARR', defaultValue: [] }], nodes }, ...extra },
});
const add = { lhsName: 'n', operation: 'ADD' as const, rhs: { type: 'LITERAL' as const, value: 1 } };

const linear = spec(
  Object.fromEntries([
    ['start', { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 't0' }] }],
    ...Array.from({ length: 10 }, (_, i) => [`t${i}`, { type: 'TASK', taskDefName: 'work', inputs: [v('n')], outgoingEdges: [{ sinkNodeName: i < 9 ? `t${i + 1}` : 'end', variableMutations: [add] }] }]),
    ['end', { type: 'EXIT' }],
  ]) as Record<string, Node>,
);
const loop = (iterations: number) =>
  spec({
    start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'head' }] },
    head: { type: 'NOP', outgoingEdges: [{ sinkNodeName: 'body', condition: { comparator: 'LESS_THAN', left: v('n'), right: { type: 'LITERAL', value: iterations } } }, { sinkNodeName: 'end' }] },
    body: { type: 'TASK', taskDefName: 'work', inputs: [v('n')], outgoingEdges: [{ sinkNodeName: 'head', variableMutations: [add] }] },
    end: { type: 'EXIT' },
  });
const fanOut = spec(
  Object.fromEntries([
    ['start', { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 's0' }] }],
    ...Array.from({ length: 100 }, (_, i) => [`s${i}`, { type: 'START_THREAD', threadSpecName: 'child', outgoingEdges: [{ sinkNodeName: i < 99 ? `s${i + 1}` : 'wait', variableMutations: [{ lhsName: 'children', operation: 'ADD', rhs: { type: 'NODE_OUTPUT' } }] }] }]),
    ['wait', { type: 'WAIT_FOR_THREADS', threads: [v('children')], outgoingEdges: [{ sinkNodeName: 'end' }] }],
    ['end', { type: 'EXIT' }],
  ]) as Record<string, Node>,
  {
    child: {
      nodes: {
        start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'task' }] },
        task: { type: 'TASK', taskDefName: 'work', inputs: [v('n')], outgoingEdges: [{ sinkNodeName: 'end', variableMutations: [add] }] },
        end: { type: 'EXIT' },
      },
    },
  },
);

/** Runs a WfRun to the end, answering the oldest scheduled TaskRun each step; returns the time of each step. */
function drive(wfSpec: VersionedWfSpec): { stepMicros: number[]; stateBytes: number[]; final: WfRunState } {
  const stepMicros: number[] = [];
  const stateBytes: number[] = [];
  let now = 0;
  let result = step(undefined, { type: 'RunWf', wfRunId: 'r' }, ctx(wfSpec, now));
  if (!result.ok) throw new Error(result.rejection.message);
  let state = result.state;
  for (;;) {
    const waiting = state.threadRuns.find((t) => t.status === 'RUNNING' && t.currentNodeRun?.taskRun?.status === 'TASK_SCHEDULED');
    const taskRun = waiting?.currentNodeRun?.taskRun;
    if (!taskRun) break;
    const command: Command = { type: 'ReportTaskAttempt', taskGuid: taskRun.taskGuid, attempt: 0, result: { status: 'SUCCESS', output: 1 } };
    const t0 = performance.now();
    result = step(state, command, ctx(wfSpec, ++now));
    stepMicros.push((performance.now() - t0) * 1000);
    if (!result.ok) throw new Error(result.rejection.message);
    state = result.state;
    if (stepMicros.length % 10 === 1) stateBytes.push(JSON.stringify(state).length);
  }
  if (state.status !== 'COMPLETED') throw new Error(`ended ${state.status}`);
  return { stepMicros, stateBytes, final: state };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;
const fmt = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));

for (let i = 0; i < 200; i++) drive(linear); // warm the JIT
for (const [label, wfSpec] of [
  ['linear 10-task WfSpec', linear],
  ['1,000-iteration loop', loop(1_000)],
  ['100-thread fan-out', fanOut],
] as const) {
  const medians: number[] = [];
  const rates: number[] = [];
  let sample: ReturnType<typeof drive> | undefined;
  for (let round = 0; round < 3; round++) {
    const runs = label.startsWith('linear') ? 500 : 3;
    const all: number[] = [];
    const t0 = performance.now();
    for (let r = 0; r < runs; r++) {
      sample = drive(wfSpec);
      all.push(...sample.stepMicros);
    }
    medians.push(median(all));
    rates.push(all.length / ((performance.now() - t0) / 1000));
  }
  const steps = sample?.stepMicros ?? [];
  const tenth = steps.slice(0, 10);
  const last = steps.slice(-10);
  console.log(
    `${label}: task completion step median ${fmt(median(medians))} µs (rounds ${medians.map(fmt).join(', ')}), ` +
      `${Math.round(median(rates)).toLocaleString('en')} steps/s including drive overhead; ` +
      `state ${sample?.stateBytes[0]} B early, ${JSON.stringify(sample?.final).length} B at the end; ` +
      `first 10 steps ${fmt(median(tenth))} µs vs last 10 ${fmt(median(last))} µs`,
  );
}

// How a step's cost and the state's size change as one WfRun loops on.
const long = drive(loop(10_000));
const at = (i: number) => median(long.stepMicros.slice(i, i + 100));
console.log(
  `10,000-iteration loop: step median at 1st ${fmt(at(0))} µs, 1,000th ${fmt(at(1_000))} µs, 10,000th ${fmt(at(9_900))} µs; ` +
    `state after 10 iterations ${long.stateBytes[1]} B, after 10,000 ${long.stateBytes.at(-1)} B`,
);
