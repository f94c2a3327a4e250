// Installs the workspace's pinned dependencies (npm ci) when node_modules is missing or older than
// the lock file, so `npm start` and `npm test` work straight after cloning. Refuses to go on under a
// Node.js older than the one the product runs on (.nvmrc).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const installed = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');

export function ensureDependencies() {
  const wanted = readFileSync(join(root, '.nvmrc'), 'utf8').trim();
  if (Number(process.versions.node.split('.')[0]) < Number(wanted.split('.')[0])) {
    console.error(
      `Node.js ${process.versions.node} is too old: this project runs on Node.js ${wanted} (see .nvmrc; e.g. \`nvm use\` or \`fnm use\`).`,
    );
    process.exit(1);
  }
  if (existsSync(installed) && statSync(installed).mtimeMs + 10_000 >= statSync(lock).mtimeMs) return;
  console.log('Installing dependencies (npm ci)…');
  const status = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' }).status;
  if (status !== 0) process.exit(status || 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureDependencies();
