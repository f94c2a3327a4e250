import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexClientFiles } from './client-files';

describe('indexClientFiles', () => {
  let dir = '';

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'client-files-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function write(...names: string[]): void {
    for (const name of names) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), name);
    }
  }

  it('lists every file by URL path with the variants found next to it', () => {
    write(
      'index.html',
      'index.html.gz',
      'main-7D23TELS.js',
      'main-7D23TELS.js.br',
      'main-7D23TELS.js.gz',
      'favicon.ico',
      'media/a-Q3RL5ZBZ.svg',
    );
    write('media/a-Q3RL5ZBZ.svg.br');
    const files = indexClientFiles(dir);
    expect(Object.fromEntries(files)).toEqual({
      '/index.html': { file: 'index.html', codings: ['gzip'] },
      '/main-7D23TELS.js': { file: 'main-7D23TELS.js', codings: ['br', 'gzip'] },
      '/favicon.ico': { file: 'favicon.ico', codings: [] },
      '/media/a-Q3RL5ZBZ.svg': { file: 'media/a-Q3RL5ZBZ.svg', codings: ['br'] },
    });
  });

  it('keeps a .gz that is not a variant of another file, and skips dotfiles', () => {
    write('archive.tar.gz', '.env');
    expect([...indexClientFiles(dir).keys()]).toEqual(['/archive.tar.gz']);
  });

  it('is empty when there is no build', () => {
    expect(indexClientFiles(join(dir, 'missing')).size).toBe(0);
  });
});
