import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { AppConfig } from '../config/app-config';
import { DrainState } from '../health/draining';
import { SendPipeline } from '../messages/send-pipeline';
import { Broadcaster } from '../realtime/broadcaster';
import { dropConnection } from '../realtime/drop-connection';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** How long graceful closes get before the remaining connections are cut. */
const FORCE_CLOSE_AFTER_MS = 1_000;

/**
 * Graceful drain on SIGTERM, before Nest closes the servers: readiness turns 503 and new Engine.IO sessions
 * get HTTP 503 (DrainState.draining, see realtime/drain-gate.ts); HTTP keep-alive connections are let go;
 * sends already accepted are committed and acked; then this pod's clients are told to reconnect elsewhere,
 * spread over DRAIN_SPREAD_MS so the rest of the fleet is not hit at once. Closing the transport (not a
 * server-side disconnect) makes standard clients reconnect by themselves.
 */
@Injectable()
export class DrainService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DrainService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly drainState: DrainState,
    private readonly writer: SendPipeline,
    private readonly broadcaster: Broadcaster,
    private readonly httpHost: HttpAdapterHost,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    this.drainState.draining = true;
    const startedAt = Date.now();
    const deadline = startedAt + this.config.shutdownGraceMs * 0.8;
    this.releaseHttpConnections(startedAt + this.config.shutdownGraceMs * 0.9);
    const sockets = this.broadcaster.localSockets();
    this.logger.log(`Draining: ${sockets.length} sockets, ${this.writer.pending} sends in flight`);
    // Let sends already accepted commit and ack while their sockets are still open.
    await this.settleWrites(deadline);
    const spread = Math.min(this.config.drainSpreadMs, Math.max(0, deadline - Date.now()) / 2);
    await Promise.all(
      sockets.map(async (socket) => {
        await sleep(Math.random() * spread);
        socket.emit('session:closed', { code: 'DRAINING', message: 'This server is restarting; reconnecting to another one' });
        socket.conn.close();
      }),
    );
    // A client that is not reading never lets a graceful close finish (nor the server's own close after
    // this): cut whatever is still open.
    await sleep(Math.min(FORCE_CLOSE_AFTER_MS, Math.max(0, deadline - Date.now())));
    for (const socket of this.broadcaster.localSockets()) dropConnection(socket);
    // Sends that arrived meanwhile are still committed; an ack that finds its socket gone is lost, and
    // the client's resend elsewhere with the same clientMsgId returns the original.
    await this.settleWrites(deadline);
    this.logger.log('Drained');
  }

  /**
   * The HTTP server's close() closes idle connections and then waits for the busy ones, and a keep-alive
   * client that sends request after request is never idle for long: from now on every response closes its
   * connection, and whatever is still open shortly before the grace period ends is cut. Idle connections are
   * left to close(): closing them now would reset requests that race with it while the pod still serves.
   */
  private releaseHttpConnections(cutAt: number): void {
    const server = this.httpHost.httpAdapter?.getHttpServer() as HttpServer | undefined;
    if (!server) return;
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => res.setHeader('Connection', 'close'));
    setTimeout(() => server.closeAllConnections(), Math.max(0, cutAt - Date.now())).unref();
  }

  private async settleWrites(deadline: number): Promise<void> {
    while (this.writer.pending > 0 && Date.now() < deadline) await sleep(5);
  }
}
