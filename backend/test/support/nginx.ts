import { join } from 'node:path';
import { REPO_ROOT } from '@chat/test-harness';

export const NGINX = '/usr/sbin/nginx';
export const NGINX_CONF = join(REPO_ROOT, 'docker', 'nginx.conf');

export interface LocalNginxOptions {
  /** Loopback port nginx listens on instead of 80. */
  port: number;
  /** host:port of each pod, in place of compose's "backend:3000". */
  servers: string[];
  /** Where to write the access log (with upstream addresses and statuses); none when omitted. */
  accessLog?: string;
}

/**
 * docker/nginx.conf as this machine's nginx (Debian's 1.22) can run it: listening on a loopback port, with
 * the compose service name replaced by the given pods. 1.22 has neither "resolve" nor anything to resolve
 * here, so the resolver line goes and each upstream lists the pods one by one. Every rewrite must find what
 * it rewrites, so a change of the file's shape breaks the tests instead of silently testing something else.
 */
export function localNginxConfig(source: string, options: LocalNginxOptions): string {
  let config = source;
  const rewrite = (what: string, pattern: RegExp, replace: (match: string, ...groups: string[]) => string, times?: number) => {
    const found = config.match(pattern)?.length ?? 0;
    if (found === 0 || (times !== undefined && found !== times)) {
      throw new Error(`docker/nginx.conf changed shape: expected ${times ?? 'some'} ${what}, found ${found}`);
    }
    config = config.replace(pattern, replace);
  };
  rewrite('"listen 80;"', /^(\s*)listen 80;$/gm, (_, indent) => `${indent}listen 127.0.0.1:${options.port};`, 1);
  rewrite('resolver line', /^\s*resolver [^;]*;\n/gm, () => '', 1);
  rewrite('"server backend:3000 resolve …;" lines', /^(\s*)server backend:3000 resolve([^;]*);$/gm, (_, indent, params) =>
    options.servers.map((server) => `${indent}server ${server}${params};`).join('\n'),
  );
  if (options.accessLog) {
    rewrite(
      '"http {"',
      /^http \{$/gm,
      () =>
        `http {\n  log_format upstreams '$request $status upstream=$upstream_addr statuses=$upstream_status';\n` +
        `  access_log ${options.accessLog} upstreams;`,
      1,
    );
  }
  const directives = config.split('\n').filter((line) => !line.trim().startsWith('#'));
  if (directives.some((line) => /\bbackend:3000\b|\bresolve\b/.test(line))) {
    throw new Error('docker/nginx.conf still names backend:3000 or resolve after the rewrite');
  }
  return config;
}

/** Arguments that run (or with `test`, check) `dir`/nginx.conf with its pid file and logs in `dir`, in the foreground. */
export function nginxArgs(dir: string, test: boolean): string[] {
  const globals = `${test ? '' : 'daemon off; '}pid ${join(dir, 'nginx.pid')}; error_log ${join(dir, 'error.log')} warn;`;
  return [...(test ? ['-t', '-q'] : []), '-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', globals];
}
