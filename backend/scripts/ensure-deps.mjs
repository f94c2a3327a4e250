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
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status || 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureDependencies();
