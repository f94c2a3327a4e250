import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ServerEvent } from '@chat/contracts';
import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { roomChannel } from '../realtime/channels';
import type { ServerSocket } from '../realtime/socket-types';

/** The latest relay of one user in one room, and what arrived since (sent when the interval ends). */
interface Recent {
  pending: { socket: ServerSocket; typing: boolean } | null;
  timer: NodeJS.Timeout;
}

/**
 * `typing` indicators: relayed to the room's other sockets, never stored. The socket's own room
 * channels are the membership check (joined from the membership table on connect, kept in step by
 * every membership change), so a keystroke costs no database round trip.
 *
 * Coalesced per user and room on this pod: at most one relay per TYPING_RELAY_INTERVAL_MS. Events in
 * between are answered ok; the latest of them is relayed when the interval ends, so the last state
 * (typing or not) always reaches the room, and a flood reaches it as one event per interval.
 */
@Injectable()
export class TypingRelay implements OnApplicationShutdown {
  private readonly intervalMs: number;
  private readonly recent = new Map<string, Recent>();

  constructor(
    config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.intervalMs = config.limits.typingRelayIntervalMs;
  }

  relay(socket: ServerSocket, roomId: string, typing: boolean): void {
    if (!socket.rooms.has(roomChannel(roomId))) throw AppError.notMember();
    if (this.intervalMs === 0) return this.emit(socket, roomId, typing);
    const key = `${socket.data.user.id}:${roomId}`;
    const recent = this.recent.get(key);
    if (!recent) {
      this.emit(socket, roomId, typing);
      this.recent.set(key, { pending: null, timer: this.schedule(key, roomId) });
      return;
    }
    if (recent.pending) this.metrics.typingCoalesced.inc();
    recent.pending = { socket, typing };
  }

  private schedule(key: string, roomId: string): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const recent = this.recent.get(key);
      const pending = recent?.pending;
      if (!recent || !pending || !pending.socket.connected) {
        this.recent.delete(key);
        return;
      }
      recent.pending = null;
      // Membership may have changed while it waited.
      if (pending.socket.rooms.has(roomChannel(roomId))) this.emit(pending.socket, roomId, pending.typing);
      recent.timer = this.schedule(key, roomId);
    }, this.intervalMs);
    timer.unref();
    return timer;
  }

  private emit(socket: ServerSocket, roomId: string, typing: boolean): void {
    const { id, username, displayName } = socket.data.user;
    socket.to(roomChannel(roomId)).emit(ServerEvent.Typing, { roomId, user: { id, username, displayName }, typing });
  }

  onApplicationShutdown(): void {
    for (const recent of this.recent.values()) clearTimeout(recent.timer);
    this.recent.clear();
  }
}
