#!/usr/bin/env node
// Replays docker/Dockerfile without a Docker engine, as far as that can be done: each stage gets
// its own directory standing in for its file system; WORKDIR, ENV, COPY (from the build context
// filtered by .dockerignore, or --from an earlier stage) and RUN are carried out in order; then
// the last stage's CMD is started with the image's environment, its HEALTHCHECK must pass, the
// client must be served, and SIGTERM must end it with exit 0. Base images, USER, --chown and
// EXPOSE are the parts only a real engine can check.
//
//   node .ci/replay-dockerfile.mjs [docker/Dockerfile]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dockerfile = resolve(root, process.argv[2] ?? 'docker/Dockerfile');
const work = mkdtempSync(join(tmpdir(), 'dockerfile-replay-'));
const started = Date.now();
const log = (message) => console.log(`[dockerfile] ${message} (${Math.round((Date.now() - started) / 1000)}s)`);

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function instructions(text) {
  const joined = text.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [, keyword, rest] = /^(\S+)\s*(.*)$/.exec(line);
      return { keyword: keyword.toUpperCase(), args: rest };
    });
}

/** The build context as the engine would receive it: the repository less what .dockerignore names. */
function buildContext() {
  const context = join(work, 'context');
  const ignore = join(root, '.dockerignore');
  const patterns = existsSync(ignore) ? readFileSync(ignore, 'utf8').split(/\r?\n/) : [];
  const excludes = patterns
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    // .dockerignore patterns are anchored at the context root unless they start with **.
    .map((pattern) => (pattern.startsWith('**') ? pattern : `/${pattern.replace(/^\//, '')}`));
  writeFileSync(join(work, 'excludes'), excludes.join('\n') + '\n');
  execFileSync('rsync', ['-a', `--exclude-from=${join(work, 'excludes')}`, `${root}/`, `${context}/`]);
  return context;
}

/** Arguments in JSON (exec) form or shell form. */
const execForm = (args) => (args.startsWith('[') ? JSON.parse(args) : ['/bin/sh', '-c', args]);

function parseEnv(args) {
  const env = {};
  for (const match of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[match[1]] = match[2].replace(/^"|"$/g, '');
  return env;
}

function copy(stage, args, stages, context) {
  const words = args.split(/\s+/);
  const options = words.filter((word) => word.startsWith('--'));
  const paths = words.filter((word) => !word.startsWith('--'));
  const destination = paths.pop();
  const from = options.find((option) => option.startsWith('--from='))?.slice('--from='.length);
  const sourceRoot = from === undefined ? context : stages.get(from)?.fs;
  if (!sourceRoot) throw new Error(`COPY --from=${from}: no such stage`);
  const target = stage.path(isAbsolute(destination) ? destination : join(stage.workdir, destination));
  const intoDirectory = destination.endsWith('/') || paths.length > 1;
  for (const source of paths) {
    const path = join(sourceRoot, source);
    if (!existsSync(path)) throw new Error(`COPY ${source}: not found (${from === undefined ? 'build context' : `stage ${from}`})`);
    // A directory's contents go into the destination; a file goes into it when it names a directory.
    const isDirectory = statSync(path).isDirectory();
    const to = isDirectory || !intoDirectory ? target : join(target, basename(source));
    mkdirSync(isDirectory ? to : dirname(to), { recursive: true });
    cpSync(path, to, { recursive: true });
  }
}

const freePort = () =>
  new Promise((resolvePort, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });

async function runImage(stage, command, healthcheck) {
  const port = String(await freePort());
  const env = { ...process.env, ...stage.env, PORT: port, DATA_DIR: join(work, 'data'), LOG_FORMAT: 'json', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const cwd = stage.path(stage.workdir);
  log(`CMD ${JSON.stringify(command)} on port ${port}`);
  const child = spawn(command[0], command.slice(1), { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise((resolveExit) => child.on('exit', (code, signal) => resolveExit({ code, signal })));
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the image's command exited with ${child.exitCode}`);
      if (spawnSync(healthcheck[0], healthcheck.slice(1), { cwd, env, stdio: 'ignore' }).status === 0) break;
      if (Date.now() > deadline) throw new Error('HEALTHCHECK did not pass within 60 s');
      await new Promise((done) => setTimeout(done, 500));
    }
    log('HEALTHCHECK passes');
    const page = await fetch(`http://127.0.0.1:${port}/`);
    const html = await page.text();
    if (!page.ok || !/<app-root/.test(html)) throw new Error(`GET / answered ${page.status} without the client`);
    log('the client is served');
  } finally {
    child.kill('SIGTERM');
  }
  const { code, signal } = await exited;
  if (code !== 0) throw new Error(`SIGTERM ended the image's command with ${code ?? signal}, not 0`);
  log('SIGTERM: exit 0');
}

async function main() {
  log(`replaying ${dockerfile} in ${work}`);
  const context = buildContext();
  const stages = new Map();
  let stage;
  let command;
  let healthcheck;
  for (const { keyword, args } of instructions(readFileSync(dockerfile, 'utf8'))) {
    switch (keyword) {
      case 'FROM': {
        const [, image, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
        const fs = join(work, `stage-${stages.size}`);
        stage = { fs, image, env: {}, workdir: '/', path: (p) => join(fs, p) };
        stages.set(name ?? String(stages.size), stage);
        log(`FROM ${image}${name ? ` AS ${name}` : ''}`);
        break;
      }
      case 'WORKDIR':
        stage.workdir = isAbsolute(args) ? args : join(stage.workdir, args);
        mkdirSync(stage.path(stage.workdir), { recursive: true });
        break;
      case 'ENV':
        Object.assign(stage.env, parseEnv(args));
        break;
      case 'COPY':
        copy(stage, args, stages, context);
        break;
      case 'RUN': {
        log(`RUN ${args}`);
        // A stage that cleans npm's cache gets a cache of its own, not the machine's.
        const cache = /npm cache clean/.test(args) ? { npm_config_cache: join(stage.fs, '.npm-cache') } : {};
        const [file, ...rest] = execForm(args);
        const result = spawnSync(file, rest, {
          cwd: stage.path(stage.workdir),
          env: { ...process.env, ...stage.env, ...cache },
          stdio: 'inherit',
        });
        if (result.status !== 0) throw new Error(`RUN ${args} exited with ${result.status}`);
        break;
      }
      case 'CMD':
        command = execForm(args);
        break;
      case 'HEALTHCHECK':
        healthcheck = execForm(args.replace(/^(--\S+\s+)*CMD\s+/, ''));
        break;
      case 'USER':
      case 'EXPOSE':
      case 'ARG':
      case 'LABEL':
        break;
      default:
        throw new Error(`${keyword} is not replayed here; extend .ci/replay-dockerfile.mjs`);
    }
  }
  if (!command || !healthcheck) throw new Error('the last stage needs a CMD and a HEALTHCHECK');
  await runImage(stage, command, healthcheck);
  log('the Dockerfile replays');
}

main()
  .then(() => rmSync(work, { recursive: true, force: true }))
  .catch((error) => {
    console.error(`[dockerfile] FAILED: ${error.message}`);
    rmSync(work, { recursive: true, force: true });
    process.exit(1);
  });
