import { Injectable, Logger } from '@nestjs/common';
import { Broadcaster } from '../realtime/broadcaster';
import { roomChannel } from '../realtime/channels';
import { ServerSocket } from '../realtime/socket-types';
import { RoomRepository } from './room.repository';

/**
 * `session:ready`: tells a socket where each of its rooms stands (head seq, read mark) and puts it in
 * those rooms' channels, so a client can sync the rooms that moved while it was away.
 */
@Injectable()
export class SessionAnnouncer {
  private readonly logger = new Logger(SessionAnnouncer.name);

  constructor(
    private readonly rooms: RoomRepository,
    private readonly broadcaster: Broadcaster,
  ) {}

  /** Joins the socket to its rooms' channels, then sends it session:ready; answers the room ids. */
  async announce(socket: ServerSocket): Promise<string[]> {
    const heads = await this.rooms.heads(socket.data.user.id);
    await socket.join(heads.map((head) => roomChannel(head.id)));
    socket.emit('session:ready', { user: socket.data.user, rooms: heads });
    return heads.map((head) => head.id);
  }

  /** Announces again to every socket of this pod, after fan-out may have dropped events for them. */
  async announceToAll(): Promise<void> {
    for (const socket of this.broadcaster.localSockets()) {
      try {
        await this.announce(socket);
      } catch (error) {
        this.logger.warn(`re-announce failed: ${(error as Error).message}`);
      }
    }
  }
}
