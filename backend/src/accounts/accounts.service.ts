import { Injectable } from '@nestjs/common';
import type { User } from '@chat/contracts';
import type { AuthSession } from '../auth/auth-session';
import { AuthService } from '../auth/auth.service';
import { AppError } from '../common/app-error';
import { Broadcaster } from '../realtime/broadcaster';
import { RoomRepository } from '../rooms/room.repository';
import { toUser } from '../users/user.mapper';
import { UserRepository } from '../users/user.repository';

/** A user's own account: ending sessions, changing the password and the profile; live sockets follow on every pod. */
@Injectable()
export class AccountsService {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UserRepository,
    private readonly rooms: RoomRepository,
    private readonly broadcaster: Broadcaster,
  ) {}

  /** Revokes the calling token (or, with `all`, every token of the user) and closes their sockets. */
  async logout(session: AuthSession, all: boolean): Promise<void> {
    const userId = session.actor.id;
    if (all) {
      await this.auth.revokeAll(userId);
      this.broadcaster.closeUserSessions(userId, 'TOKEN_REVOKED', 'You logged out everywhere');
    } else {
      await this.auth.revoke(session);
      this.broadcaster.closeTokenSessions(userId, session.tokenId, false, 'You logged out');
    }
  }

  /** Changes the password; every other token of the user is revoked and its sockets closed. */
  async changePassword(session: AuthSession, currentPassword: string, newPassword: string): Promise<void> {
    await this.auth.changePassword(session, currentPassword, newPassword);
    this.broadcaster.closeTokenSessions(session.actor.id, session.tokenId, true, 'Your password was changed; please log in again');
  }

  async updateProfile(session: AuthSession, displayName: string): Promise<User> {
    const name = displayName.trim();
    if (!name) throw AppError.validation([{ field: 'displayName', message: 'displayName must not be blank' }]);
    const record = await this.users.setDisplayName(session.actor.id, name);
    if (!record) throw AppError.notFound('User');
    const user = toUser(record);
    this.broadcaster.userUpdated(user, await this.rooms.roomIdsForUser(user.id));
    return user;
  }
}
