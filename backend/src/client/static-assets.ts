/** Content codings the client build is precompressed in (frontend/scripts/precompress.mjs), best first. */
export const CONTENT_CODINGS = ['br', 'gzip'] as const;
export type ContentCoding = (typeof CONTENT_CODINGS)[number];

/** File name suffix of each precompressed variant. */
export const CODING_SUFFIX: Record<ContentCoding, string> = { br: '.br', gzip: '.gz' };

export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Cacheable, but revalidated (with its ETag) on every use: index.html, the SPA fallback, unhashed files. */
export const REVALIDATE = 'no-cache';

/** Paths the backend answers itself; never the client's index.html. */
const SERVER_PREFIXES = ['/api', '/socket.io', '/health', '/metrics'];

/** The global prefix, whose unknown routes Nest answers itself. */
export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/**
 * Angular's output hashing names files `<name>-<8 character hash>.<ext>` (main-7D23TELS.js,
 * chunk-Bax_m3bo.js, media/font-XXXXXXXX.woff2). The hash must contain an upper-case letter or a
 * digit, so a hand-named file such as `logo-original.svg` is not cached for a year by mistake.
 */
const HASHED_NAME = /(?:^|\/)[^/]*-([A-Za-z0-9_-]{8})\.[A-Za-z0-9]+$/;

export function isHashedAsset(path: string): boolean {
  const hash = HASHED_NAME.exec(path)?.[1];
  return hash !== undefined && /[A-Z0-9]/.test(hash);
}

/** Hashed files never change under their name; everything else is revalidated. */
export function cacheControlFor(path: string): string {
  return isHashedAsset(path) ? IMMUTABLE : REVALIDATE;
}

/**
 * Whether a GET for a path that is not a file of the build should get index.html (a client-side
 * route such as /rooms/abc). Server routes and file-like paths (a dot in the last segment, e.g. a
 * chunk of an older build) do not: they get a 404 instead of HTML under a script's name.
 */
export function isClientRoute(path: string): boolean {
  if (SERVER_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return false;
  return !path.slice(path.lastIndexOf('/') + 1).includes('.');
}

interface Preference {
  coding: string;
  q: number;
}

function parseAcceptEncoding(header: string): Preference[] {
  const preferences: Preference[] = [];
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((piece) => piece.trim());
    if (!name) continue;
    const weight = params.find((param) => /^q\s*=/i.test(param));
    // A malformed weight makes the entry unusable rather than a silent q=1.
    const q = weight === undefined ? 1 : /^q\s*=\s*(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i.test(weight) ? Number(weight.split('=')[1]) : NaN;
    if (!Number.isNaN(q)) preferences.push({ coding: name.toLowerCase(), q });
  }
  return preferences;
}

/**
 * The precompressed variant to send for an Accept-Encoding header (RFC 9110 §12.5.3), or null for
 * the file itself. Highest q wins; on a tie brotli beats gzip, and both beat identity (they are the
 * same content, only smaller). No header means identity: clients and tools that do not ask for
 * compression get plain bytes.
 */
export function chooseContentCoding(acceptEncoding: string | undefined, available: readonly ContentCoding[]): ContentCoding | null {
  if (acceptEncoding === undefined || available.length === 0) return null;
  const preferences = parseAcceptEncoding(acceptEncoding);
  const qualityOf = (coding: string, fallback: number): number =>
    preferences.find((p) => p.coding === coding)?.q ?? preferences.find((p) => p.coding === '*')?.q ?? fallback;
  // Unlisted identity ranks with the least preferred coding listed (as the negotiator package does).
  const listed = preferences.filter((p) => p.q > 0).map((p) => p.q);
  const identity = qualityOf('identity', listed.length ? Math.min(...listed) : 1);
  let best: ContentCoding | null = null;
  let bestQ = 0;
  for (const coding of CONTENT_CODINGS) {
    if (!available.includes(coding)) continue;
    const q = qualityOf(coding, 0);
    if (q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  return best !== null && bestQ >= identity ? best : null;
}
