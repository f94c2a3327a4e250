import { Injectable } from '@nestjs/common';
import { ServerEvent } from '@chat/contracts';
import { AppError } from '../common/app-error';
import { roomChannel } from '../realtime/channels';
import type { ServerSocket } from '../realtime/socket-types';

/**
 * `typing` indicators: relayed to the room's other sockets, never stored. The socket's own room
 * channels are the membership check (joined from the membership table on connect, kept in step by
 * every membership change), so a keystroke costs no database round trip.
 */
@Injectable()
export class TypingRelay {
  relay(socket: ServerSocket, roomId: string, typing: boolean): void {
    const channel = roomChannel(roomId);
    if (!socket.rooms.has(channel)) throw AppError.notMember();
    const { id, username, displayName } = socket.data.user;
    socket.to(channel).emit(ServerEvent.Typing, { roomId, user: { id, username, displayName }, typing });
  }
}
