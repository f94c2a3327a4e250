import type { MessageSender, User } from '@chat/contracts';
import type { UserRecord } from './user.repository';

export function toUser(record: Pick<UserRecord, 'id' | 'username' | 'displayName' | 'role'>): User {
  return { id: record.id, username: record.username, displayName: record.displayName, role: record.role };
}

export function toSender(user: Pick<User, 'id' | 'username' | 'displayName'>): MessageSender {
  return { id: user.id, username: user.username, displayName: user.displayName };
}
