import { Injectable, Logger } from '@nestjs/common';
import { ConnectErrorData, ErrorCode, ServerEvent } from '@chat/contracts';
import { AuthService } from '../auth/auth.service';
import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import { DrainState } from '../health/draining';
import { SocketQuota } from '../limits/socket-quota';
import { MetricsService } from '../metrics/metrics.service';
import { PresenceService } from '../presence/presence.service';
import { Broadcaster } from '../realtime/broadcaster';
import { userChannel } from '../realtime/channels';
import { countBroadcastDeliveries } from '../realtime/delivery-counter';
import { refuseNewSessionsWhile } from '../realtime/drain-gate';
import type { ChatServer, ServerSocket } from '../realtime/socket-types';
import { RedisClients } from '../redis/redis-clients';
import { SessionAnnouncer } from '../rooms/session-announcer';
import { handshakeOriginAllowed } from './handshake-origin';
import { SlowConsumerWatchdog } from './slow-consumer.watchdog';
import { errorSummary } from '../common/error-summary';
import { TokenExpiry } from './token-expiry';

const NO_AUTH: Readonly<Record<string, never>> = Object.freeze({});

/** A refused handshake: the client's connect_error carries `data: { code, message }`. */
function refusal(error: AppError): Error {
  const data: ConnectErrorData = { code: error.code, message: error.message };
  if (error.retryAfterMs !== undefined) data.retryAfterMs = error.retryAfterMs;
  return Object.assign(new Error(error.message), { data });
}

/**
 * The life of a socket session: who may open one (bearer token, SOCKETS_PER_USER, not while draining), what a new
 * socket is told (session:ready) and joined to, presence on connect and disconnect, and the
 * re-announcement to every socket after fan-out may have dropped events.
 */
@Injectable()
export class SocketSessions {
  private readonly logger = new Logger(SocketSessions.name);

  constructor(
    private readonly auth: AuthService,
    private readonly redis: RedisClients,
    private readonly announcer: SessionAnnouncer,
    private readonly presence: PresenceService,
    private readonly broadcaster: Broadcaster,
    private readonly drainState: DrainState,
    private readonly metrics: MetricsService,
    private readonly slowConsumers: SlowConsumerWatchdog,
    private readonly tokenExpiry: TokenExpiry,
    private readonly config: AppConfig,
    private readonly quota: SocketQuota,
  ) {}

  /** Wires the pod's Socket.IO server: handshake rules (origin, token), fan-out recovery, the slow-consumer watchdog, token expiry. */
  attach(server: ChatServer): void {
    this.broadcaster.attach(server);
    countBroadcastDeliveries(server.of('/').adapter, ServerEvent.MessageNew, (sockets) => this.metrics.messagesDelivered.inc(sockets));
    // A draining pod refuses new sessions over HTTP (503), where clients and balancers retry elsewhere.
    refuseNewSessionsWhile(server.engine, () => this.drainState.draining);
    const allowedOrigins = this.config.corsOrigins;
    server.use((socket, next) => {
      if (!handshakeOriginAllowed(socket.handshake.headers, allowedOrigins)) {
        next(refusal(AppError.forbidden('This origin may not connect')));
        return;
      }
      const token: unknown = socket.handshake.auth?.['token'];
      this.auth
        .authenticate(typeof token === 'string' ? token : undefined)
        .then(async (session) => {
          const actor = session.actor;
          // Over SOCKETS_PER_USER (fleet-wide) the handshake fails with RATE_LIMITED.
          await this.quota.take(actor.id, socket.id);
          // Released on disconnect (closed). A connection that closed while this check ran never connects
          // and never reports a disconnect: its slot is released here (no close listener per socket).
          if (socket.conn.readyState !== 'open') {
            await this.quota.release(actor.id, socket.id);
            throw AppError.unavailable('The connection closed during the handshake');
          }
          socket.data.user = actor;
          socket.data.tokenId = session.tokenId;
          socket.data.expiresAtMs = session.expiresAtMs;
          // The auth payload (the bearer token) served this check only: the socket does not keep it for its
          // life (a few hundred bytes per socket, and no token in the handshake fetchSockets() would ship).
          socket.handshake.auth = NO_AUTH;
          next();
        })
        .catch((failure: unknown) => {
          next(refusal(failure instanceof AppError ? failure : new AppError(ErrorCode.UNAVAILABLE, 'Try again shortly')));
        });
    });
    // After a fan-out outage this pod may have missed events, and other pods may have missed this
    // pod's: every socket everywhere re-checks its rooms (session:ready) and syncs those that moved.
    this.redis.onRecovered(() => {
      this.logger.warn('Fan-out recovered; re-announcing room heads to every socket');
      this.broadcaster.resyncOtherPods();
      void this.announcer.announceToAll();
    });
    this.broadcaster.onResyncRequest(() => void this.announcer.announceToAll());
    this.slowConsumers.watch();
    this.tokenExpiry.start();
  }

  async opened(socket: ServerSocket): Promise<void> {
    const user = socket.data.user;
    // Join the user channel first: membership changes from now on reach this socket even while
    // the room list below is being read.
    await socket.join(userChannel(user.id));
    try {
      const roomIds = await this.announcer.announce(socket);
      await this.presence.userConnected(user.id, roomIds);
    } catch (error) {
      this.logger.warn(`session setup failed for a socket: ${errorSummary(error)}`);
      socket.disconnect(true);
    }
  }

  async closed(socket: ServerSocket): Promise<void> {
    const user = socket.data.user;
    if (!user) return;
    await this.quota.release(user.id, socket.id);
    await this.presence.userDisconnected(user.id);
  }
}
