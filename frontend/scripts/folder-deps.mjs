// Prints which folders of a source tree import which others, from relative imports:
//   node frontend/scripts/folder-deps.mjs [dir=frontend/src/app] [--specs]
// Specs are left out unless --specs is given. Files directly in `dir` are listed as "(root)".
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const withSpecs = args.includes('--specs');
const root = path.resolve(args.find((a) => !a.startsWith('--')) ?? 'frontend/src/app');
const importPattern = /(?:from|import)\s*\(?\s*'(\.[^']*)'/g;

function folderOf(file) {
  const rel = path.relative(root, file);
  if (rel.startsWith('..')) return null;
  const parts = rel.split(path.sep);
  return parts.length === 1 ? '(root)' : parts[0];
}

const graph = new Map();
for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
  if (!withSpecs && entry.name.endsWith('.spec.ts')) continue;
  const file = path.join(entry.parentPath, entry.name);
  const from = folderOf(file);
  const deps = graph.get(from) ?? new Set();
  graph.set(from, deps);
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(importPattern)) {
    const to = folderOf(path.resolve(path.dirname(file), spec));
    if (to && to !== from) deps.add(to);
  }
}

for (const [from, deps] of [...graph].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(`${from} -> ${[...deps].sort().join(' ')}`);
}
