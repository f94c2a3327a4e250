import { Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { join } from 'node:path';
import { clientAssetsMiddleware } from './client-assets.middleware';
import { indexClientFiles } from './client-files';

/** The built Angular client sits beside the backend build: dist/frontend/browser next to dist/backend. */
export const CLIENT_DIR = join(__dirname, '..', 'frontend', 'browser');

/**
 * Registers the client's middleware once the controllers' routes are in place (module init runs
 * after the router and before Nest's 404 handler), so /api, /health and /metrics answer first and
 * /socket.io never reaches express.
 */
@Injectable()
class ClientAssets implements OnModuleInit {
  private readonly log = new Logger('ClientAssets');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const files = indexClientFiles(CLIENT_DIR);
    if (!files.has('/index.html')) {
      this.log.warn(`No client build at ${CLIENT_DIR}: serving the API only (run "npx nx build frontend")`);
    } else if (![...files.values()].some((file) => file.codings.length > 0)) {
      this.log.warn(
        `The client build in ${CLIENT_DIR} has no .br/.gz files: sending it uncompressed (build it with "npx nx build frontend")`,
      );
    }
    this.adapterHost.httpAdapter.use(clientAssetsMiddleware(CLIENT_DIR, files));
  }
}

@Module({ providers: [ClientAssets] })
export class ClientModule {}
