// Last step of `nx build frontend`: writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip, level 9)
// next to every compressible file of the built client, so the backend sends them as they are instead of
// compressing on every request (or not at all). A variant that would not be smaller is not written; the
// backend then sends the file itself.
// Usage: node frontend/scripts/precompress.mjs [dir]   (default dist/frontend/browser)
import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Text-like formats; images, fonts (woff2 is already brotli) and archives do not shrink. */
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.webmanifest', '.txt', '.xml', '.map', '.ico']);
const VARIANTS = [
  {
    suffix: '.br',
    compress: (data) =>
      brotliCompressSync(data, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        },
      }),
  },
  { suffix: '.gz', compress: (data) => gzipSync(data, { level: constants.Z_BEST_COMPRESSION }) },
];

function* filesUnder(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

const dir = resolve(process.argv[2] ?? 'dist/frontend/browser');
let before = 0;
let after = 0;
let count = 0;
for (const file of [...filesUnder(dir)]) {
  if (!COMPRESSIBLE.has(extname(file).toLowerCase())) continue;
  // The page is sent with a fresh CSP nonce in every response (backend client-assets middleware), never as is.
  const page = relative(dir, file) === 'index.html';
  const data = readFileSync(file);
  let smallest = data.length;
  for (const variant of VARIANTS) {
    const target = file + variant.suffix;
    const compressed = page ? data : variant.compress(data);
    if (compressed.length < data.length) {
      writeFileSync(target, compressed);
      smallest = Math.min(smallest, compressed.length);
    } else {
      // A variant left over from an earlier build would no longer match the file.
      try {
        unlinkSync(target);
      } catch {
        // not there: nothing to remove
      }
    }
  }
  before += data.length;
  after += smallest;
  count += 1;
}
console.log(`Precompressed ${count} files in ${relative(process.cwd(), dir) || '.'}: ${before} B -> ${after} B (smallest variant each)`);
