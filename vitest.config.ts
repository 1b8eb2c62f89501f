import { createRequire } from 'node:module';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// graphql 16 ships ESM under "module" and CJS under "main": Vite would give our code the first while the Pothos and
// yoga packages Node loads get the second, and two graphql copies break instanceof checks. Use Node's choice.
const graphql = createRequire(import.meta.url).resolve('graphql');
const resolve = { alias: [{ find: /^graphql$/, replacement: graphql }] };

// One run covers every package. Projects that start servers or browsers get longer timeouts; PostgreSQL is used
// when DATABASE_URL is set (a fresh database per run, made by the global setup), PGlite otherwise.
// What a server does after it answers (an outbox delivered by its scheduler, a NOTIFY heard) can take more than
// expect.poll's default second while the whole suite runs on two cores: those projects' polls wait up to ten.
const slowPoll = { poll: { timeout: 10_000 } };

export default defineConfig({
  test: {
    globalSetup: ['./test/support/global-setup.ts'],
    projects: [
      { resolve, test: { name: 'engine', include: ['engine/**/*.test.ts'], exclude: ['**/node_modules/**'] } },
      { resolve, test: { name: 'sdk', include: ['sdk/**/*.test.ts'], exclude: ['**/node_modules/**'] } },
      {
        // The UI's state lives in rune modules (`*.svelte.ts`), which only the Svelte compiler reads. Compiled and
        // resolved as for the browser, so that their effects run as on the page (Node has no DOM, nor needs one).
        plugins: [svelte({ configFile: false, dynamicCompileOptions: () => ({ generate: 'client' }) })],
        resolve,
        ssr: { resolve: { conditions: ['browser'], externalConditions: ['browser'] } },
        test: { name: 'ui', include: ['ui/src/**/*.test.ts'], exclude: ['**/node_modules/**'] },
      },
      { resolve, test: { name: 'cli', include: ['cli/**/*.test.ts'], exclude: ['**/node_modules/**'] } },
      { resolve, test: { name: 'examples', include: ['examples/**/*.test.ts'], exclude: ['**/node_modules/**'] } },
      { resolve, test: { name: 'server', include: ['server/test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000, expect: slowPoll } },
      {
        resolve,
        test: {
          name: 'e2e',
          globalSetup: ['./test/support/build-ui.ts'],
          include: ['test/e2e/**/*.test.ts', 'test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          expect: slowPoll,
          // Each file starts server processes; two at a time is what two cores carry. They run after the
          // other projects (a group of their own), so unit tests never compete with servers for the cores.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
