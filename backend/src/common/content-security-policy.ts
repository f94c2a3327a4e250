import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export interface CspOptions {
  /** Only for pages served over https: over plain http it would rewrite every script URL to https. */
  upgradeInsecureRequests: boolean;
  /** Origins the page may call besides its own (CORS_ORIGINS). */
  connectOrigins: readonly string[];
  /** The page's nonce for `<style>` elements (Angular's ngCspNonce); none: styles only from files. */
  styleNonce?: string;
  /** Hashes of a fixed page's inline styles: `<style>` contents and `style` attributes (unsafe-hashes). */
  styleHashes?: { elements: readonly string[]; attributes: readonly string[] };
}

/** Where the CSP middleware leaves the request's options, for a page that adds its nonce. */
const OPTIONS_LOCAL = 'contentSecurityPolicy';

/** `https://chat.example.com/` -> `https://chat.example.com`; anything that is not an http(s) origin is dropped. */
function originSource(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

function styleSources({ styleNonce, styleHashes }: CspOptions): string[] {
  const sources = styleNonce ? [`'nonce-${styleNonce}'`] : [];
  if (!styleHashes) return sources;
  const hashes = [...new Set([...styleHashes.elements, ...styleHashes.attributes])].map((hash) => `'sha256-${hash}'`);
  return [...sources, ...(styleHashes.attributes.length ? ["'unsafe-hashes'"] : []), ...hashes];
}

/**
 * The Content-Security-Policy of every response. Scripts only from the service itself (the built
 * client has no inline scripts or handlers); styles from the service's files and, on the client's
 * page, from `<style>` elements carrying that response's nonce (Angular puts it on the component
 * styles it adds at run time); `connect-src 'self'` covers same-origin ws:/wss: for Socket.IO.
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
    ['style-src', "'self'", ...styleSources(options)],
  ];
  if (options.upgradeInsecureRequests) directives.push(['upgrade-insecure-requests']);
  return directives.map((directive) => directive.join(' ')).join('; ');
}

/**
 * Sets the policy per request: with upgrade-insecure-requests only when the request came over https
 * (`req.secure`, which honours X-Forwarded-Proto because trust proxy is on).
 */
export function contentSecurityPolicy(connectOrigins: readonly string[]): RequestHandler {
  const https: CspOptions = { upgradeInsecureRequests: true, connectOrigins };
  const http: CspOptions = { upgradeInsecureRequests: false, connectOrigins };
  const overHttps = buildContentSecurityPolicy(https);
  const overHttp = buildContentSecurityPolicy(http);
  return (req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('Content-Security-Policy', req.secure ? overHttps : overHttp);
    res.locals[OPTIONS_LOCAL] = req.secure ? https : http;
    next();
  };
}

/** Lets this response's `<style>` elements with `nonce` apply (the policy of the request, plus the nonce). */
export function allowStyleNonce(res: Response, nonce: string): void {
  const options = res.locals[OPTIONS_LOCAL] as CspOptions | undefined;
  if (options) res.setHeader('Content-Security-Policy', buildContentSecurityPolicy({ ...options, styleNonce: nonce }));
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('base64');

/** The hashes a page's own inline styles need: each `<style>` element's text and each `style` attribute. */
export function inlineStyleHashes(html: string): NonNullable<CspOptions['styleHashes']> {
  const elements = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)].map((match) => sha256(match[1] ?? ''));
  const attributes = [...html.matchAll(/\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)].map((match) => sha256(match[1] ?? match[2] ?? ''));
  return { elements, attributes };
}

/**
 * For a third-party page whose HTML has fixed inline styles (Swagger UI at /api/docs): wraps this
 * response's `send` so the policy allows exactly the inline styles of the HTML it sends, by hash.
 */
export function allowInlineStylesOfPage(res: Response): void {
  const options = res.locals[OPTIONS_LOCAL] as CspOptions | undefined;
  if (!options) return;
  const send = res.send.bind(res);
  res.send = (body?: unknown) => {
    if (typeof body === 'string' && !res.headersSent) {
      res.setHeader('Content-Security-Policy', buildContentSecurityPolicy({ ...options, styleHashes: inlineStyleHashes(body) }));
    }
    return send(body);
  };
}
