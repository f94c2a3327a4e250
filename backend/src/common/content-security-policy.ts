import type { NextFunction, Request, RequestHandler, Response } from 'express';

export interface CspOptions {
  /** Only for pages served over https: over plain http it would rewrite every script URL to https. */
  upgradeInsecureRequests: boolean;
  /** Origins the page may call besides its own (CORS_ORIGINS). */
  connectOrigins: readonly string[];
}

/** `https://chat.example.com/` -> `https://chat.example.com`; anything that is not an http(s) origin is dropped. */
function originSource(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

/**
 * The Content-Security-Policy of every response. Scripts only from the service itself (the built
 * client has no inline scripts or handlers); styles may be inline because Angular injects component
 * styles at run time; `connect-src 'self'` covers same-origin ws:/wss: for Socket.IO.
 */
export function buildContentSecurityPolicy(options: CspOptions): string {
  const connect = [...new Set(options.connectOrigins.map(originSource).filter((source) => source !== null))];
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    ['base-uri', "'self'"],
    ['connect-src', "'self'", ...connect],
    ['font-src', "'self'", 'data:'],
    ['form-action', "'self'"],
    ['frame-ancestors', "'self'"],
    ['img-src', "'self'", 'data:'],
    ['object-src', "'none'"],
    ['script-src', "'self'"],
    ['script-src-attr', "'none'"],
    ['style-src', "'self'", "'unsafe-inline'"],
  ];
  if (options.upgradeInsecureRequests) directives.push(['upgrade-insecure-requests']);
  return directives.map((directive) => directive.join(' ')).join('; ');
}

/**
 * Sets the policy per request: with upgrade-insecure-requests only when the request came over https
 * (`req.secure`, which honours X-Forwarded-Proto because trust proxy is on).
 */
export function contentSecurityPolicy(connectOrigins: readonly string[]): RequestHandler {
  const overHttps = buildContentSecurityPolicy({ upgradeInsecureRequests: true, connectOrigins });
  const overHttp = buildContentSecurityPolicy({ upgradeInsecureRequests: false, connectOrigins });
  return (req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('Content-Security-Policy', req.secure ? overHttps : overHttp);
    next();
  };
}
