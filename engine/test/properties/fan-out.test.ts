import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isTerminal, step } from '../../src/index.ts';
import { isParked } from '../../src/run/state.ts';
import type { WfRunState } from '../../src/index.ts';
import { withoutThreadIndex } from '../../src/index.ts';
import { digest, fanOutCatalog, fanOutSpec, transcriptOf } from './fan-outs.ts';

// A differential test of the decider on fan-outs: each seeded scenario (fan-outs.ts) must decide exactly what the
// engine decided when its digest was recorded (record-fan-outs.ts, run on the engine from before advance looked only
// at busyThreadRuns, which walked every ThreadRun on every pass). A digest that differs means the engine now decides
// differently; compare transcriptOf(step, seed) with the older engine's to see where.
const recorded = JSON.parse(readFileSync(new URL('./fan-out-digests.json', import.meta.url), 'utf8')) as Record<string, string>;
const seeds = Object.keys(recorded).map(Number);

/** A ResumeWfRun that lifts nothing still advances the WfRun: after any decision, it must find nothing to do. */
function expectSettled(seed: number, state: WfRunState): void {
  const thread = state.threadRuns[0];
  if (isTerminal(state.status) || !thread || isTerminal(thread.status) || thread.haltReasons?.includes('MANUAL')) return;
  const again = step(state, { type: 'ResumeWfRun', threadRunNumber: 0 }, { now: 0, ids: { next: () => 'unused' }, wfSpec: fanOutSpec(seed), catalog: fanOutCatalog });
  expect(again.ok && again.events).toEqual([]);
}

describe('fan-outs', () => {
  it('has recorded transcripts to compare with', () => {
    expect(seeds.length).toBeGreaterThanOrEqual(300);
  });

  it('decides every recorded scenario as the engine did when it was recorded', () => {
    const differing = seeds.filter((seed) => digest(transcriptOf(step, seed)) !== recorded[seed]);
    expect(differing).toEqual([]);
  });

  it('decides alike from states stored before busyThreadRuns, which it adds', () => {
    const fromOld: typeof step = (state, command, ctx) => step(state && withoutThreadIndex(state), command, ctx);
    const differing = seeds.slice(0, 100).filter((seed) => digest(transcriptOf(fromOld, seed)) !== recorded[seed]);
    expect(differing).toEqual([]);
  });

  it('keeps busyThreadRuns exactly the ThreadRuns that are not parked, and each ThreadRun its children and their counts', () => {
    const count = (children: readonly WfRunState['threadRuns'][number][], statuses: readonly string[]) => children.filter((c) => statuses.includes(c.status)).length || undefined;
    for (const seed of seeds.slice(0, 100)) {
      transcriptOf(step, seed, 40, (state) => {
        expect(state.busyThreadRuns).toEqual(state.threadRuns.filter((t) => !isParked(t)).map((t) => t.number));
        for (const thread of state.threadRuns) {
          const children = state.threadRuns.filter((t) => t.parentThreadRunNumber === thread.number);
          expect(thread.childThreadRunNumbers).toEqual(children.length > 0 ? children.map((c) => c.number) : undefined);
          expect(thread.completedChildren).toBe(count(children, ['COMPLETED']));
          expect(thread.failedChildren).toBe(count(children, ['ERROR', 'EXCEPTION']));
        }
      });
    }
  });

  it('leaves the WfRun with nothing left to move after every decision', () => {
    for (const seed of seeds.slice(0, 100)) transcriptOf(step, seed, 40, (state) => expectSettled(seed, state));
  });
});
