import { readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { FRONTEND_INDEX, useFreshCluster } from '@chat/test-harness';

const CLIENT_DIR = join(FRONTEND_INDEX, '..');
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes on the wire, not decoded (fetch would undo Content-Encoding). */
  body: Buffer;
}

function rawGet(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((done, fail) => {
    const req = request(`${baseUrl}${path}`, { headers, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', fail);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', fail);
    req.end();
  });
}

function header(res: RawResponse, name: string): string {
  const value = res.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

function directive(policy: string, name: string): string[] | undefined {
  const found = policy
    .split(';')
    .map((part) => part.trim().split(/\s+/))
    .find(([directiveName]) => directiveName === name);
  return found?.slice(1);
}

/** The entry script index.html loads, e.g. main-7D23TELS.js: a hashed file of the build. */
function mainScript(): string {
  const src = /<script src="([^"]+)"/.exec(readFileSync(FRONTEND_INDEX, 'utf8'))?.[1];
  if (!src) throw new Error(`no <script src> in ${FRONTEND_INDEX}`);
  return src;
}

describe('the built client: precompressed, cached by hash, and a CSP that works over plain http', () => {
  const cluster = useFreshCluster({ pods: 1, requireClient: true });
  let baseUrl = '';
  let main = '';
  let mainBytes = Buffer.alloc(0);

  beforeAll(() => {
    main = mainScript();
    mainBytes = readFileSync(join(CLIENT_DIR, main));
    baseUrl = cluster().pods[0]?.baseUrl ?? '';
  });

  it('the build wrote .br and .gz variants that decode to the very files they stand for', () => {
    const names = readdirSync(CLIENT_DIR, { recursive: true, encoding: 'utf8' });
    expect(names).toEqual(expect.arrayContaining([`${main}.br`, `${main}.gz`]));
    for (const name of names.filter((n) => n.endsWith('.br') || n.endsWith('.gz'))) {
      const original = readFileSync(join(CLIENT_DIR, name.slice(0, -3)));
      const compressed = readFileSync(join(CLIENT_DIR, name));
      const decoded = name.endsWith('.br') ? brotliDecompressSync(compressed) : gunzipSync(compressed);
      expect({ name, equal: decoded.equals(original) }).toEqual({ name, equal: true });
      expect(compressed.length).toBeLessThan(original.length);
    }
  });

  // '' sends no Accept-Encoding at all.
  it.each([
    ['br, gzip', 'br'],
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip', 'gzip'],
    ['identity', 'identity'],
    ['', 'identity'],
  ])('a hashed chunk asked for with Accept-Encoding "%s" comes back %s, immutable, with an ETag', async (accept, expected) => {
    const res = await rawGet(baseUrl, `/${main}`, accept ? { 'Accept-Encoding': accept } : {});
    const coding = expected === 'identity' ? undefined : expected;
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe(coding);
    expect(header(res, 'Content-Type')).toMatch(/^(text|application)\/javascript/);
    expect(header(res, 'Cache-Control')).toBe(IMMUTABLE);
    expect(header(res, 'Vary')).toMatch(/accept-encoding/i);
    expect(header(res, 'ETag')).not.toBe('');
    expect(Number(header(res, 'Content-Length'))).toBe(res.body.length);
    const decoded = coding === 'br' ? brotliDecompressSync(res.body) : coding === 'gzip' ? gunzipSync(res.body) : res.body;
    expect(decoded.equals(mainBytes)).toBe(true);
    if (coding) expect(res.body.length).toBeLessThan(mainBytes.length / 2);
  });

  it('answers a conditional request with the ETag it gave by 304, per encoding', async () => {
    for (const accept of ['br, gzip', 'gzip']) {
      const first = await rawGet(baseUrl, `/${main}`, { 'Accept-Encoding': accept });
      const etag = header(first, 'ETag');
      const again = await rawGet(baseUrl, `/${main}`, { 'Accept-Encoding': accept, 'If-None-Match': etag });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
      expect(header(again, 'ETag')).toBe(etag);
      expect(header(again, 'Cache-Control')).toBe(IMMUTABLE);
    }
    const br = await rawGet(baseUrl, `/${main}`, { 'Accept-Encoding': 'br' });
    const gzip = await rawGet(baseUrl, `/${main}`, { 'Accept-Encoding': 'gzip' });
    expect(header(br, 'ETag')).not.toBe(header(gzip, 'ETag'));
  });

  it.each(['/', '/index.html', '/rooms/0b3c2f8e-2a44-4c3e-9c56-6b1d8d1e2f3a', '/login'])(
    '%s is index.html with a fresh style nonce in the page and in its CSP, never stored',
    async (path) => {
      const [first, second] = [await rawGet(baseUrl, path, { 'Accept-Encoding': 'gzip' }), await rawGet(baseUrl, path)];
      const nonces = [first, second].map((res) => {
        expect(res.status).toBe(200);
        expect(header(res, 'Content-Type')).toMatch(/^text\/html/);
        expect(header(res, 'Cache-Control')).toBe('no-store');
        const html = res.body.toString('utf8');
        const nonce = /<app-root ngCspNonce="([A-Za-z0-9+/=]{24})"/i.exec(html)?.[1] ?? '';
        expect(html).toBe(readFileSync(FRONTEND_INDEX, 'utf8').replaceAll('__CSP_NONCE__', nonce));
        const policy = header(res, 'Content-Security-Policy');
        expect(directive(policy, 'style-src')).toEqual(["'self'", `'nonce-${nonce}'`]);
        expect(policy).not.toContain('unsafe-inline');
        return nonce;
      });
      expect(nonces[0]).not.toBe(nonces[1]);
    },
  );

  it('allows no inline style on anything but the page, and only its own inline styles (by hash) on /api/docs', async () => {
    for (const path of [`/${main}`, '/api/no-such-route', '/health/live']) {
      expect(directive(header(await rawGet(baseUrl, path), 'Content-Security-Policy'), 'style-src')).toEqual(["'self'"]);
    }
    const docs = await rawGet(baseUrl, '/api/docs');
    expect(docs.body.toString('utf8')).toContain('<style>');
    const styleSrc = directive(header(docs, 'Content-Security-Policy'), 'style-src') ?? [];
    expect(styleSrc.slice(0, 2)).toEqual(["'self'", "'unsafe-hashes'"]);
    expect(styleSrc.slice(2).every((source) => /^'sha256-[A-Za-z0-9+/=]{44}'$/.test(source))).toBe(true);
    expect(styleSrc.length).toBeGreaterThan(2);
  });

  it('keeps 404s for missing files and the server routes as they were', async () => {
    const missing = await rawGet(baseUrl, '/chunk-ZZZZ9999.js');
    expect(missing.status).toBe(404);
    expect(header(missing, 'Content-Type')).toMatch(/^application\/json/);
    expect(JSON.parse(missing.body.toString('utf8'))).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const unknownServerPath = await rawGet(baseUrl, '/health/nothing');
    expect(unknownServerPath.status).toBe(404);
    expect(JSON.parse(unknownServerPath.body.toString('utf8'))).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const api = await rawGet(baseUrl, '/api/no-such-route', { Accept: 'application/json' });
    expect(api.status).toBe(404);
    expect(JSON.parse(api.body.toString('utf8'))).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await rawGet(baseUrl, '/health/live')).status).toBe(200);
    const metrics = await rawGet(baseUrl, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body.toString('utf8')).toContain('chat_connections');
    expect((await rawGet(baseUrl, '/api/docs')).body.toString('utf8')).toContain('swagger-ui');
  });

  it('over plain http the CSP has no upgrade-insecure-requests, no inline scripts and no ws:/wss: wildcard', async () => {
    for (const path of ['/', '/rooms/abc', `/${main}`, '/api/docs']) {
      const policy = header(await rawGet(baseUrl, path), 'Content-Security-Policy');
      expect(policy).not.toBe('');
      expect(directive(policy, 'upgrade-insecure-requests')).toBeUndefined();
      expect(directive(policy, 'script-src')).toEqual(["'self'"]);
      expect(directive(policy, 'connect-src')).toEqual(["'self'"]);
    }
  });

  it('behind a proxy that says the request came over https, the CSP upgrades insecure requests', async () => {
    const policy = header(await rawGet(baseUrl, '/', { 'X-Forwarded-Proto': 'https' }), 'Content-Security-Policy');
    expect(directive(policy, 'upgrade-insecure-requests')).toEqual([]);
    expect(directive(policy, 'script-src')).toEqual(["'self'"]);
  });
});
