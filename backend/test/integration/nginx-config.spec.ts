import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/env';

// docker/nginx.conf cannot run here under compose (no Docker engine): check it with Debian's nginx.

const read = (path: string) => readFileSync(join(REPO_ROOT, 'docker', path), 'utf8');

describe('docker/nginx.conf', () => {
  it('nginx accepts the load balancer configuration (nginx -t)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nginx-'));
    try {
      // Compose resolves "backend" to the replicas; outside compose, point it at loopback to test the syntax.
      const config = read('nginx.conf').replace('server backend:3000', 'server 127.0.0.1:3000');
      expect(config).not.toBe(read('nginx.conf'));
      writeFileSync(join(dir, 'nginx.conf'), config);
      const output = execFileSync('nginx', ['-t', '-c', join(dir, 'nginx.conf'), '-g', `pid ${join(dir, 'nginx.pid')};`], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(output).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
