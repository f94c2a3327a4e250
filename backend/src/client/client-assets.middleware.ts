import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { extname } from 'node:path';
import { AppError } from '../common/app-error';
import type { ClientFile } from './client-files';
import { CODING_SUFFIX, cacheControlFor, chooseContentCoding, isApiPath, isClientRoute } from './static-assets';

/**
 * Serves the built client from an index of its files: the precompressed variant the request
 * accepts (Content-Encoding br or gzip), immutable caching for hashed files and `no-cache` for the
 * rest, index.html for client-side routes. ETag, Last-Modified, 304s, ranges and HEAD come from
 * express's sendFile (the `send` package); each variant is its own file, so it has its own ETag.
 * Anything else outside /api is a 404 in the contract's error shape: Nest's own not-found handler
 * covers only the global prefix.
 */
export function clientAssetsMiddleware(dir: string, files: ReadonlyMap<string, ClientFile>): RequestHandler {
  const index = files.get('/index.html');
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
