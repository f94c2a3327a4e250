import { Injectable, Logger, Module } from '@nestjs/common';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdirSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';

/**
 * Embedded mode's database: PGlite (PostgreSQL compiled to WASM) persisted under DATA_DIR, served
 * on a loopback port so the normal `pg` driver, TypeORM and the same migrations work unchanged.
 * PGlite is single-session, so the pool in embedded mode has one connection.
 */
@Injectable()
export class EmbeddedPostgres {
  private readonly logger = new Logger(EmbeddedPostgres.name);
  private db?: PGlite;
  private server?: PGLiteSocketServer;
  private closing?: Promise<void>;

  constructor(private readonly config: AppConfig) {}

  /** Starts the embedded server once and returns its connection URL. */
  async start(): Promise<string> {
    const dir = join(this.config.dataDir, 'pgdata');
    mkdirSync(dir, { recursive: true });
    this.db = await PGlite.create(dir);
    this.server = new PGLiteSocketServer({ db: this.db, host: '127.0.0.1', port: 0 });
    await this.server.start();
    const { port } = this.serverAddress();
    this.logger.log(`Embedded PostgreSQL (PGlite) in ${dir}`);
    return `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  private serverAddress(): AddressInfo {
    // The socket server does not expose its port; it wraps a net.Server.
    const inner = (this.server as unknown as { server?: { address(): AddressInfo | string | null } }).server;
    const address = inner?.address();
    if (!address || typeof address === 'string') throw new Error('Embedded PostgreSQL did not start listening');
    return address;
  }

  /** Closes the embedded database after everything that used it; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.server?.stop();
      await this.db?.close();
    })();
    return this.closing;
  }
}

@Module({ providers: [EmbeddedPostgres], exports: [EmbeddedPostgres] })
export class EmbeddedPostgresModule {}
