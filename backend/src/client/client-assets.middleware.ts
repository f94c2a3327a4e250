import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { AppError } from '../common/app-error';
import { allowStyleNonce } from '../common/content-security-policy';
import type { ClientFile } from './client-files';
import { CODING_SUFFIX, cacheControlFor, chooseContentCoding, isApiPath, isClientRoute } from './static-assets';

/** What frontend/src/index.html carries as `<app-root ngCspNonce="...">`, replaced per response. */
export const CSP_NONCE_PLACEHOLDER = '__CSP_NONCE__';

/**
 * Serves the built client from an index of its files: the precompressed variant the request
 * accepts (Content-Encoding br or gzip), immutable caching for hashed files and `no-cache` for the
 * rest. ETag, Last-Modified, 304s, ranges and HEAD come from express's sendFile (the `send`
 * package); each variant is its own file, so it has its own ETag.
 * The page itself (index.html, also for client-side routes) is read once and sent with a fresh
 * nonce in each response, in the page for Angular's ngCspNonce and in the CSP's style-src, so the
 * policy needs no 'unsafe-inline'; it is never stored (`no-store`): a cached copy's nonce would not
 * match a new response's policy.
 * Anything else outside /api is a 404 in the contract's error shape: Nest's own not-found handler
 * covers only the global prefix.
 */
export function clientAssetsMiddleware(dir: string, files: ReadonlyMap<string, ClientFile>): RequestHandler {
  const index = files.get('/index.html');
  const page = index ? readFileSync(join(dir, index.file), 'utf8') : '';
  const sendPage = (res: Response): void => {
    const nonce = randomBytes(16).toString('base64');
    allowStyleNonce(res, nonce);
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(page.replaceAll(CSP_NONCE_PLACEHOLDER, nonce));
  };
  const notFound = (req: Request, res: Response): void => {
    res.status(404).json({ error: AppError.notFound(`${req.method} ${req.path}`).toApiError() });
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    if (isApiPath(req.path)) return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') return notFound(req, res);
    let path: string;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      return notFound(req, res);
    }
    const asset = files.get(path.endsWith('/') ? `${path}index.html` : path) ?? (isClientRoute(path) ? index : undefined);
    if (!asset) return notFound(req, res);
    if (asset === index) return sendPage(res);

    const coding = chooseContentCoding(req.headers['accept-encoding'], asset.codings);
    res.setHeader('Cache-Control', cacheControlFor(asset.file));
    res.vary('Accept-Encoding');
    if (coding) {
      res.setHeader('Content-Encoding', coding);
      res.type(extname(asset.file));
    }
    const file = coding ? asset.file + CODING_SUFFIX[coding] : asset.file;
    res.sendFile(file, { root: dir, cacheControl: false }, (err?: Error) => {
      if (!err || res.headersSent) return;
      for (const header of ['Cache-Control', 'Content-Encoding', 'Content-Type']) res.removeHeader(header);
      // Gone since start-up (a rebuild under a running server): a 404 rather than an error.
      if ((err as { status?: number }).status === 404) notFound(req, res);
      else next(err);
    });
  };
}
