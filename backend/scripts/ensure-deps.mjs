// Installs the workspace's pinned dependencies (npm ci) when node_modules is missing or older than
// the lock file, so `npm start` and `npm test` work straight after cloning.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const installed = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');

export function ensureDependencies() {
  if (existsSync(installed) && statSync(installed).mtimeMs + 10_000 >= statSync(lock).mtimeMs) return;
  console.log('Installing dependencies (npm ci)…');
  const run = (command) => spawnSync('npm', [command, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' }).status;
  // npm ci refuses a lock file without entries for other platforms' optional packages that the
  // registry cannot resolve; npm install then installs the same locked versions for this platform.
  if (run('ci') === 0) return;
  console.log('npm ci refused the lock file; installing the locked versions with npm install instead');
  const status = run('install');
  if (status !== 0) process.exit(status || 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureDependencies();
