import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CODING_SUFFIX, CONTENT_CODINGS, ContentCoding } from './static-assets';

export interface ClientFile {
  /** Path relative to the client directory, with forward slashes and no leading slash. */
  file: string;
  /** Precompressed variants present next to it, best first. */
  codings: ContentCoding[];
}

/**
 * Every file of the built client by URL path ("/main-7D23TELS.js"), read once at start. Only these
 * are served, so a request can never reach a file outside the build; `.br`/`.gz` variants are
 * attached to their original rather than served under their own names.
 */
export function indexClientFiles(dir: string): Map<string, ClientFile> {
  const names: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(dir, relative), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) names.push(path);
    }
  };
  if (existsSync(dir)) walk('');

  const present = new Set(names);
  const isVariant = (name: string): boolean =>
    CONTENT_CODINGS.some((coding) => name.endsWith(CODING_SUFFIX[coding]) && present.has(name.slice(0, -CODING_SUFFIX[coding].length)));
  const files = new Map<string, ClientFile>();
  for (const name of names) {
    if (isVariant(name)) continue;
    const codings = CONTENT_CODINGS.filter((coding) => present.has(name + CODING_SUFFIX[coding]));
    files.set(`/${name}`, { file: name, codings });
  }
  return files;
}
