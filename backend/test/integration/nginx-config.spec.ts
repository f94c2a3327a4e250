import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { NGINX, NGINX_CONF, localNginxConfig, nginxArgs } from '../support/nginx';
import { REPO_ROOT } from '@chat/test-harness';

// docker/nginx.conf cannot run here under compose (no Docker engine): check it with Debian's nginx.
// backend/test/faults/nginx-drain.spec.ts runs it in front of pods through a rolling update.

const source = () => readFileSync(NGINX_CONF, 'utf8');

describe('docker/nginx.conf', () => {
  it('nginx accepts the load balancer configuration (nginx -t)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nginx-'));
    try {
      // Compose resolves "backend" at run time; here the upstreams list loopback pods instead.
      const config = localNginxConfig(source(), { port: 8080, servers: ['127.0.0.1:3001', '127.0.0.1:3002'] });
      expect(config).not.toBe(source());
      writeFileSync(join(dir, 'nginx.conf'), config);
      const output = execFileSync(NGINX, nginxArgs(dir, true), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(output).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('re-resolves the replicas at run time, on an nginx image that can (1.27.3 or later)', () => {
    const config = source();
    expect(config).toMatch(/^\s*resolver 127\.0\.0\.11 valid=\d+s;$/m);
    // Every upstream server is looked up again at run time, which needs a shared memory zone.
    const servers = config.match(/^\s*server backend:3000\b[^;]*;$/gm) ?? [];
    expect(servers.length).toBeGreaterThan(0);
    for (const server of servers) expect(server).toMatch(/ resolve\b/);
    expect(config.match(/^\s*upstream /gm)?.length).toBe(config.match(/^\s*zone /gm)?.length);

    const compose = parse(readFileSync(join(REPO_ROOT, 'docker', 'compose.yaml'), 'utf8')) as {
      services: Record<string, { image?: string }>;
    };
    const version = /^nginx:(\d+)\.(\d+)(?:\.(\d+))?/.exec(compose.services['nginx']?.image ?? '');
    expect(version).not.toBeNull();
    const [major, minor, patch] = [1, 2, 3].map((group) => Number(version?.[group] ?? 0));
    expect([major, minor, patch]).not.toContain(NaN);
    expect((major ?? 0) * 1e6 + (minor ?? 0) * 1e3 + (patch ?? 0)).toBeGreaterThanOrEqual(1_027_003);
  });

  it('sends WebSocket handshakes to a balanced upstream and only polling sessions to the address-hashed one', () => {
    const config = source();
    const map = /map "\$arg_transport:\$arg_sid" \$socketio_upstream \{([^}]*)\}/.exec(config)?.[1] ?? '';
    expect(map).toMatch(/^\s*default\s+chat_sticky;$/m);
    expect(map).toMatch(/^\s*"websocket:"\s+chat_balanced;$/m);
    expect(config).toMatch(/location \/socket\.io\/ \{[^}]*proxy_pass http:\/\/\$socketio_upstream;/);
    const upstream = (name: string) => new RegExp(`upstream ${name} \\{([^}]*)\\}`).exec(config)?.[1] ?? '';
    expect(upstream('chat_balanced')).not.toMatch(/\bhash\b/);
    // "hash … consistent" hashes server names: one name for every replica would mean no affinity at all.
    expect(upstream('chat_sticky')).toMatch(/^\s*hash \$remote_addr;$/m);
    // An empty Connection header keeps upstream keepalive working for plain requests.
    expect(config).toMatch(/map \$http_upgrade \$connection_upgrade \{\s*default upgrade;\s*''\s+'';\s*\}/);
  });
});
