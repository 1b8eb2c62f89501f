import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replay } from '../../src/index.ts';
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
});
