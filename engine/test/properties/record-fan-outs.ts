import { writeFileSync } from 'node:fs';
import { step } from '../../src/index.ts';
import { digest, transcriptOf } from './fan-outs.ts';

// Records the transcripts' digests fan-out.test.ts compares with, from the engine this file sits in. Run it from
// the engine as it was before the change to check (a worktree of the last commit, say), never to make a test pass:
//   node --import tsx engine/test/properties/record-fan-outs.ts
const SCENARIOS = 300;

const digests: Record<string, string> = {};
for (let seed = 1; seed <= SCENARIOS; seed++) digests[seed] = digest(transcriptOf(step, seed));
writeFileSync(new URL('./fan-out-digests.json', import.meta.url), `${JSON.stringify(digests, null, 1)}\n`);
