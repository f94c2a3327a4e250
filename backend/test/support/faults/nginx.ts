import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NGINX, NGINX_CONF, localNginxConfig, nginxArgs } from '../nginx';
import { ManagedProcess, freePort, sleep } from '@chat/test-harness';

/** Debian's nginx running docker/nginx.conf (rewritten by localNginxConfig) in front of test pods. */
export class LocalNginx {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly proc: ManagedProcess,
  ) {}

  static async start(servers: string[]): Promise<LocalNginx> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'nginx-lb-'));
    const config = localNginxConfig(readFileSync(NGINX_CONF, 'utf8'), { port, servers, accessLog: join(dir, 'access.log') });
    writeFileSync(join(dir, 'nginx.conf'), config);
    const proc = new ManagedProcess('nginx', NGINX, nginxArgs(dir, false), { cwd: dir });
    const nginx = new LocalNginx(port, dir, proc);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (proc.hasExited) break;
      try {
        // Any answer from nginx will do (the pods behind it may answer 404 or 503).
        await fetch(`${nginx.url}/metrics`, { signal: AbortSignal.timeout(1_000) });
        return nginx;
      } catch {
        await sleep(100);
      }
    }
    await nginx.stop();
    throw new Error(`nginx did not start:\n${proc.tail()}\n${nginx.errorLog()}`);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** One line per request: request, status, the upstreams tried and their statuses. */
  accessLog(): string[] {
    return this.read('access.log').split('\n').filter(Boolean);
  }

  errorLog(): string {
    return this.read('error.log');
  }

  async stop(): Promise<void> {
    await this.proc.stop(5_000);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private read(file: string): string {
    try {
      return readFileSync(join(this.dir, file), 'utf8');
    } catch {
      return '';
    }
  }
}
