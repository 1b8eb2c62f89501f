import { performance } from 'node:perf_hooks';
import { prepareWfSpec, step } from '@gallop/engine';
import type { Catalog, Command, DecideContext, Node, PreparedWfSpec, TaskRunState, VersionedWfSpec, WfRunState } from '@gallop/engine';

// The engine alone: a command in, its events out, the state folded (step). Prints medians of 3 rounds.
//   node --import tsx bench/src/engine.ts     (npm run bench:engine)
const catalog: Catalog = { taskDefs: { work: { name: 'work', inputVars: [{ name: 'n', type: 'INT' }], returnType: 'INT' } } };
// Each version prepared once, as the server keeps one beside each WfSpec version it caches.
const prepared = new Map<VersionedWfSpec, PreparedWfSpec>();
const preparedOf = (wfSpec: VersionedWfSpec): PreparedWfSpec => prepared.get(wfSpec) ?? prepared.set(wfSpec, prepareWfSpec(wfSpec)).get(wfSpec)!;
const ctx = (wfSpec: VersionedWfSpec, now: number): DecideContext => ({ now, ids: { next: () => 'x' }, wfSpec, catalog, prepared: preparedOf(wfSpec) });
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

/** START_MULTIPLE_THREADS over `n` items, then WAIT_FOR_THREADS on the children it started: one TASK per child. */
const wideFanOut = (n: number) =>
  spec(
    {
      start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'spawn' }] },
      spawn: {
        type: 'START_MULTIPLE_THREADS',
        threadSpecName: 'child',
        iterable: { type: 'LITERAL', value: Array.from({ length: n }, (_, i) => i) },
        outgoingEdges: [{ sinkNodeName: 'wait', variableMutations: [{ lhsName: 'children', operation: 'ASSIGN', rhs: { type: 'NODE_OUTPUT' } }] }],
      },
      wait: { type: 'WAIT_FOR_THREADS', threads: [v('children')], outgoingEdges: [{ sinkNodeName: 'end' }] },
      end: { type: 'EXIT' },
    },
    {
      child: {
        variableDefs: [{ name: 'INPUT', type: 'INT' }],
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'task' }] },
          task: { type: 'TASK', taskDefName: 'work', inputs: [v('INPUT')], outgoingEdges: [{ sinkNodeName: 'end' }] },
          end: { type: 'EXIT' },
        },
      },
    },
  );

/** Runs a WfRun to the end, answering the oldest scheduled TaskRun each step; returns the time of each step. */
function drive(wfSpec: VersionedWfSpec): { stepMicros: number[]; stateBytes: number[]; final: WfRunState; startMicros: number } {
  const stepMicros: number[] = [];
  const stateBytes: number[] = [];
  let now = 0;
  const s0 = performance.now();
  let result = step(undefined, { type: 'RunWf', wfRunId: 'r' }, ctx(wfSpec, now));
  const startMicros = (performance.now() - s0) * 1000;
  if (!result.ok) throw new Error(result.rejection.message);
  let state = result.state;
  // The first scheduled TaskRun at or after the last one answered, wrapping round: the oldest in these WfSpecs, found
  // without rescanning every thread, so driving a wide fan-out stays linear.
  let from = 0;
  for (;;) {
    const threads = state.threadRuns;
    let taskRun: TaskRunState | undefined;
    for (let i = 0; i < threads.length && !taskRun; i++) {
      const at = (from + i) % threads.length;
      const t = threads[at];
      if (t?.status === 'RUNNING' && t.currentNodeRun?.taskRun?.status === 'TASK_SCHEDULED') [taskRun, from] = [t.currentNodeRun.taskRun, at];
    }
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
  return { stepMicros, stateBytes, final: state, startMicros };
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

// Wide fan-outs: a step should cost about the same however many sibling ThreadRuns the WfRun holds.
for (const n of [250, 2_000, 4_000]) {
  const rounds = n <= 250 ? 3 : 1;
  const medians: number[] = [];
  let sample: ReturnType<typeof drive> | undefined;
  const t0 = performance.now();
  for (let round = 0; round < rounds; round++) {
    sample = drive(wideFanOut(n));
    medians.push(median(sample.stepMicros));
  }
  const steps = sample?.stepMicros ?? [];
  console.log(
    `${n.toLocaleString('en')}-child START_MULTIPLE_THREADS fan-out: task completion step median ${fmt(median(medians))} µs ` +
      `(first 10 steps ${fmt(median(steps.slice(0, 10)))} µs, last 10 ${fmt(median(steps.slice(-10)))} µs); ` +
      `RunWf step ${fmt((sample?.startMicros ?? NaN) / 1000)} ms; whole WfRun ${fmt((performance.now() - t0) / rounds / 1000)} s including drive overhead`,
  );
}

// How a step's cost and the state's size change as one WfRun loops on.
const long = drive(loop(10_000));
const at = (i: number) => median(long.stepMicros.slice(i, i + 100));
console.log(
  `10,000-iteration loop: step median at 1st ${fmt(at(0))} µs, 1,000th ${fmt(at(1_000))} µs, 10,000th ${fmt(at(9_900))} µs; ` +
    `state after 10 iterations ${long.stateBytes[1]} B, after 10,000 ${long.stateBytes.at(-1)} B`,
);
