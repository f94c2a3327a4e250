import { Injectable, Logger } from '@nestjs/common';
import { Broadcaster } from '../realtime/broadcaster';
import { roomChannel } from '../realtime/channels';
import { ServerSocket } from '../realtime/socket-types';
import { RoomRepository } from './room.repository';
import { errorSummary } from '../common/error-summary';

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

  /**
   * Joins the socket to its rooms' channels, waits until Redis has applied their subscriptions, then
   * reads where they stand and sends session:ready; answers the room ids. In that order, every event
   * of a room is either live on the socket or below the head it is told (heads read before the join,
   * or before a new subscription took effect, could miss a message committed in between).
   * Membership changes meanwhile reach the socket through its user channel, joined before this.
   */
  async announce(socket: ServerSocket): Promise<string[]> {
    const userId = socket.data.user.id;
    const joined = (await this.rooms.roomIdsForUser(userId)).map(roomChannel);
    await socket.join(joined);
    await this.broadcaster.subscriptionsApplied();
    const heads = await this.rooms.heads(userId);
    const current = new Set(heads.map((head) => roomChannel(head.id)));
    // A room left between the two reads: its removal may have reached the pod before the join above.
    for (const channel of joined) if (!current.has(channel)) await socket.leave(channel);
    socket.emit('session:ready', { user: socket.data.user, rooms: heads });
    return heads.map((head) => head.id);
  }

  /** Announces again to every socket of this pod, after fan-out may have dropped events for them. */
  async announceToAll(): Promise<void> {
    for (const socket of this.broadcaster.localSockets()) {
      try {
        await this.announce(socket);
      } catch (error) {
        this.logger.warn(`re-announce failed: ${errorSummary(error)}`);
      }
    }
  }
}
