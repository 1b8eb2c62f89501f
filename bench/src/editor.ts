import { performance } from 'node:perf_hooks';
import { analyzeWfSpec, createSimulation, validateWfSpec } from '@gallop/engine';
import type { Catalog, Node, WfSpec } from '@gallop/engine';
import { medianOf } from './stats.ts';

// What the editor does on every edit (validateWfSpec and analyzeWfSpec on the whole draft), and what the simulator
// does for a long run (runUntil with mocks), on WfSpecs of growing size. Prints medians of 5 rounds, min–max in
// brackets.   node --import tsx bench/src/editor.ts     (npm run bench:editor)
const catalog: Catalog = { taskDefs: { work: { name: 'work', inputVars: [{ name: 'n', type: 'INT' }], returnType: 'INT' } } };
const v = (variableName: string) => ({ type: 'VARIABLE' as const, variableName });
const add = { lhsName: 'n', operation: 'ADD' as const, rhs: { type: 'LITERAL' as const, value: 1 } };

/** `tasks` TASK nodes in a row, every tenth with a branch around it, in one thread. */
function wide(tasks: number): WfSpec {
  const nodes: Record<string, Node> = { '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 't1' }] } };
  for (let i = 1; i <= tasks; i++) {
    const next = i < tasks ? `t${i + 1}` : 'end';
    const branch = i % 10 === 0 ? [{ sinkNodeName: next, condition: { comparator: 'GREATER_THAN' as const, left: v('n'), right: { type: 'LITERAL' as const, value: i } } }] : [];
    nodes[`t${i}`] = { type: 'TASK', taskDefName: 'work', inputs: [v('n')], outgoingEdges: [...branch, { sinkNodeName: next, variableMutations: [add] }] };
  }
  nodes.end = { type: 'EXIT' };
  return { name: 'wide', entrypointThreadName: 'entrypoint', threadSpecs: { entrypoint: { variableDefs: [{ name: 'n', type: 'INT', defaultValue: 0 }], nodes } } };
}

/** A loop of one task that goes round `rounds` times. */
function loop(rounds: number): WfSpec {
  return {
    name: 'loop',
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: [{ name: 'n', type: 'INT', defaultValue: 0 }],
        nodes: {
          start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'head' }] },
          head: { type: 'NOP', outgoingEdges: [{ sinkNodeName: 'body', condition: { comparator: 'LESS_THAN', left: v('n'), right: { type: 'LITERAL', value: rounds } } }, { sinkNodeName: 'end' }] },
          body: { type: 'TASK', taskDefName: 'work', inputs: [v('n')], outgoingEdges: [{ sinkNodeName: 'head', variableMutations: [add] }] },
          end: { type: 'EXIT' },
        },
      },
    },
  };
}

function time(fn: () => void, repeat: number): number[] {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    for (let i = 0; i < repeat; i++) fn();
    rounds.push((performance.now() - start) / repeat);
  }
  return rounds;
}

console.log('Editor checks per edit (validateWfSpec + analyzeWfSpec), ms:');
for (const tasks of [10, 100, 500, 2_000]) {
  const spec = wide(tasks);
  if (validateWfSpec(spec, catalog).length > 0) throw new Error('The benchmark WfSpec is invalid.');
  const validate = time(() => validateWfSpec(spec, catalog), tasks > 500 ? 5 : 50);
  const analyze = time(() => analyzeWfSpec(spec, catalog), tasks > 500 ? 5 : 50);
  console.log(`  ${String(tasks).padStart(5)} nodes: validate ${medianOf(validate, 2)}, analyze ${medianOf(analyze, 2)}`);
}

console.log('Simulator, runUntil with a mock answering every TaskRun:');
for (const rounds of [100, 1_000]) {
  const spec = loop(rounds);
  let events = 0;
  const ms = time(() => {
    const created = createSimulation({ wfSpec: spec, catalog });
    if (!created.ok) throw new Error(created.rejection.message);
    const done = created.simulation.runUntil({ mocks: { tasks: { work: { output: 1 } } }, maxActions: rounds + 10 });
    if (done.stop.kind !== 'ENDED') throw new Error(`The loop stopped with ${done.stop.kind}.`);
    events = done.simulation.events.length;
  }, 1);
  console.log(`  ${String(rounds).padStart(5)} rounds (${events} events): ${medianOf(ms, 1)} ms`);
}
