import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Broadcaster } from '../realtime/broadcaster';
import { dropConnection } from '../realtime/drop-connection';
import { ServerSocket } from '../realtime/socket-types';

const CHECK_INTERVAL_MS = 1_000;

/** Bytes and packets waiting to be written to one socket (engine.io queue plus the WebSocket's buffer). */
export function pendingOutput(socket: ServerSocket): { packets: number; bytes: number } {
  const conn = socket.conn as unknown as { writeBuffer?: unknown[]; transport?: { socket?: { bufferedAmount?: number } } };
  return {
    packets: Array.isArray(conn.writeBuffer) ? conn.writeBuffer.length : 0,
    bytes: conn.transport?.socket?.bufferedAmount ?? 0,
  };
}

/**
 * A client that stops reading would make the pod buffer everything sent to it. Once its backlog passes
 * the cap, it is disconnected (its client reconnects and catches up with room:sync); other clients and the
 * pod's memory are unaffected.
 */
@Injectable()
export class SlowConsumerWatchdog implements OnModuleDestroy {
  private readonly logger = new Logger(SlowConsumerWatchdog.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly broadcaster: Broadcaster,
    private readonly config: AppConfig,
  ) {}

  watch(): void {
    this.timer ??= setInterval(() => this.check(), CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  check(): number {
    const { maxBytes, maxPackets } = this.config.socketBacklog;
    let closed = 0;
    for (const socket of this.broadcaster.localSockets()) {
      const pending = pendingOutput(socket);
      if (pending.bytes > maxBytes || pending.packets > maxPackets) {
        this.logger.warn(`Disconnecting slow consumer ${socket.id} (${pending.packets} packets, ${pending.bytes} bytes queued)`);
        dropConnection(socket);
        closed += 1;
      }
    }
    return closed;
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
