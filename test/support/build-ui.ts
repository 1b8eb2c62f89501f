import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The e2e project's global setup: builds the UI into ui/dist, which every server process serves at `/`, once for
 * the whole run and before any test file starts, so browser tests drive the working tree's UI and no file's build
 * empties ui/dist under another file's server.
 */
export default async function setup(): Promise<void> {
  const ui = fileURLToPath(new URL('../../ui/', import.meta.url));
  const vite = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));
  await promisify(execFile)(process.execPath, [vite, 'build', '--logLevel', 'error'], { cwd: ui });
}
