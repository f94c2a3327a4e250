import { IMMUTABLE, REVALIDATE, cacheControlFor, chooseContentCoding, isApiPath, isClientRoute, isHashedAsset } from './static-assets';

describe('isHashedAsset', () => {
  it.each([
    'main-7D23TELS.js',
    'chunk-Bax_m3bo.js',
    'chunk-B53aHrh1.js',
    'styles-LUSK26QV.css',
    'polyfills-FFHMD2TL.js',
    'media/inter-Q3RL5ZBZ.woff2',
  ])('%s is hashed', (path) => expect(isHashedAsset(path)).toBe(true));

  it.each([
    'index.html',
    'favicon.ico',
    'logo-original.svg', // a hand-made name: no capital or digit in the "hash"
    'main.js',
    'chunk-ABC123.js', // too short
    'my-file-Name2.js',
    'main-7D23TELS.js/extra',
    'media-7D23TELS/logo.svg', // the hash belongs to the folder, not the file
  ])('%s is not hashed', (path) => expect(isHashedAsset(path)).toBe(false));

  it('caches hashed files for a year and revalidates the rest', () => {
    expect(cacheControlFor('main-7D23TELS.js')).toBe(IMMUTABLE);
    expect(IMMUTABLE).toBe('public, max-age=31536000, immutable');
    expect(cacheControlFor('index.html')).toBe(REVALIDATE);
    expect(cacheControlFor('favicon.ico')).toBe('no-cache');
  });
});

describe('isApiPath', () => {
  it.each(['/api', '/api/', '/api/rooms/1'])('%s is under the global prefix', (path) => expect(isApiPath(path)).toBe(true));
  it.each(['/', '/apis', '/rooms/api', '/health/live'])('%s is not', (path) => expect(isApiPath(path)).toBe(false));
});

describe('isClientRoute', () => {
  it.each(['/', '/login', '/rooms/abc', '/rooms/0b3c2f8e-2a44-4c3e-9c56-6b1d8d1e2f3a', '/admin', '/apis', '/healthy'])(
    '%s gets index.html',
    (path) => expect(isClientRoute(path)).toBe(true),
  );

  it.each(['/api', '/api/rooms', '/api/docs', '/socket.io/', '/health/live', '/metrics', '/main-OLDHASH1.js', '/rooms/x.png'])(
    '%s does not',
    (path) => expect(isClientRoute(path)).toBe(false),
  );
});

describe('chooseContentCoding', () => {
  const both = ['br', 'gzip'] as const;

  it('prefers brotli, then gzip, whatever order the client lists them in', () => {
    expect(chooseContentCoding('br, gzip', both)).toBe('br');
    expect(chooseContentCoding('gzip, deflate, br, zstd', both)).toBe('br');
    expect(chooseContentCoding('gzip, deflate', both)).toBe('gzip');
    expect(chooseContentCoding('GZIP', both)).toBe('gzip');
  });

  it('sends the file itself without the header, with an empty one, or for unknown codings', () => {
    expect(chooseContentCoding(undefined, both)).toBeNull();
    expect(chooseContentCoding('', both)).toBeNull();
    expect(chooseContentCoding('identity', both)).toBeNull();
    expect(chooseContentCoding('deflate, zstd', both)).toBeNull();
  });

  it('uses only the variants that exist', () => {
    expect(chooseContentCoding('br, gzip', ['gzip'])).toBe('gzip');
    expect(chooseContentCoding('br', ['gzip'])).toBeNull();
    expect(chooseContentCoding('br, gzip', [])).toBeNull();
  });

  it('honours q-values, q=0 and the wildcard', () => {
    expect(chooseContentCoding('br;q=0.5, gzip', both)).toBe('gzip');
    expect(chooseContentCoding('br;q=0, gzip;q=0.1', both)).toBe('gzip');
    expect(chooseContentCoding('br;q=0, gzip;q=0', both)).toBeNull();
    expect(chooseContentCoding('*', both)).toBe('br');
    expect(chooseContentCoding('*;q=0.5, br;q=0', both)).toBe('gzip');
    expect(chooseContentCoding('gzip;q=0.5, identity', both)).toBeNull();
    expect(chooseContentCoding('gzip;q=0.5, identity;q=0', both)).toBe('gzip');
    expect(chooseContentCoding('gzip;q=0.2', both)).toBe('gzip');
    expect(chooseContentCoding('br;q=abc, gzip', both)).toBe('gzip');
    expect(chooseContentCoding('br;q=1.5', both)).toBeNull();
  });
});
