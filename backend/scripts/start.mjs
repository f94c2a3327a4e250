// `npm start`: runs the production build of the backend (which also serves the built Angular client).
// A missing build is made first with `npm run build`; after changing code, run `npm run build` again.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const server = join(root, 'dist', 'backend', 'main.js');
const client = join(root, 'dist', 'frontend', 'browser', 'index.html');

ensureDependencies();

if (!existsSync(server) || !existsSync(client)) {
  console.log('No production build found: running `npm run build` first (once).');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
  if (build.status !== 0 || !existsSync(server)) {
    console.error('The build failed; fix it and run `npm run build`, then `npm start`.');
    process.exit(build.status || 1);
  }
}

createRequire(import.meta.url)(server);
