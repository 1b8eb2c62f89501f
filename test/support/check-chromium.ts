import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// Browser tests drive Debian's Chromium; a downloaded browser build cannot be fetched here.
const CHROMIUM = '/usr/bin/chromium';

if (!existsSync(CHROMIUM)) {
  if (process.getuid?.() === 0) {
    console.log('Chromium is missing: installing Debian\'s chromium package (apt-get) for the browser tests...');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } else {
    console.error(`Browser tests need ${CHROMIUM}: run "sudo apt-get install -y chromium" and then npm test again.`);
    process.exit(1);
  }
}
