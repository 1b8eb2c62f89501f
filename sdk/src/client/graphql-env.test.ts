import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateOutput } from '@gql.tada/cli-utils';
import { describe, expect, it } from 'vitest';

describe('sdk/src/client/graphql-env.d.ts', () => {
  it('is what gql.tada makes of server/schema.graphql (run `npm run schema` after changing the API)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gallop-graphql-env-'));
    try {
      const output = join(dir, 'graphql-env.d.ts');
      await generateOutput({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)), output, silent: true });
      expect(readFileSync(output, 'utf8')).toBe(readFileSync(new URL('./graphql-env.d.ts', import.meta.url), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
