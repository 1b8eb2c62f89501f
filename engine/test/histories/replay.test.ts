import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evolve, replay } from '../../src/index.ts';
import { withoutThreadIndex } from '../../src/index.ts';
import type { WfRunEvent, WfRunState } from '../../src/index.ts';

// Recorded histories (record.ts) must keep replaying to the state recorded with them: a change of behaviour shows
// up here as a diff, and an event whose meaning changes must get a new version instead of rewriting history.
const dir = new URL('./', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('golden histories', () => {
  it('are there to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s replays to its recorded state', (file) => {
    const { events, state } = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { events: WfRunEvent[]; state: WfRunState };
    expect(events.length).toBeGreaterThan(5);
    expect(replay(events)).toEqual(state);
  });

  it.each(files)('%s folds on from a state stored before busyThreadRuns as from its whole history', (file) => {
    const { events } = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { events: WfRunEvent[] };
    for (let k = 1; k < events.length; k++) {
      const stored = withoutThreadIndex(replay(events.slice(0, k)) as WfRunState);
      expect(events.slice(k).reduce<WfRunState>(evolve, stored)).toEqual(replay(events));
    }
  });

  it.each(files)('%s folds on from a state stored before nodeOutputs, gaining the outputs of the nodes that complete after', (file) => {
    const { events } = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { events: WfRunEvent[] };
    const whole = replay(events) as WfRunState;
    for (let k = 1; k < events.length; k++) {
      const folded = events.slice(k).reduce<WfRunState>(evolve, withoutNodeOutputs(replay(events.slice(0, k)) as WfRunState));
      expect(withoutNodeOutputs(folded)).toEqual(withoutNodeOutputs(whole));
      folded.threadRuns.forEach((thread, i) => {
        for (const [name, kept] of Object.entries(thread.nodeOutputs ?? {})) expect(whole.threadRuns[i]?.nodeOutputs?.[name]).toEqual(kept);
      });
    }
  });
});

/** `state` as an engine before ThreadRuns kept their nodes' outputs wrote it. */
function withoutNodeOutputs(state: WfRunState): WfRunState {
  return { ...state, threadRuns: state.threadRuns.map(({ nodeOutputs: _, ...thread }) => thread) };
}
