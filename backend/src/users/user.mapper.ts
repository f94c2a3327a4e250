import type { MessageSender, User } from '@chat/contracts';
import { UserEntity } from './user.entity';

export function toUser(entity: UserEntity): User {
  return { id: entity.id, username: entity.username, displayName: entity.displayName, role: entity.role };
}

export function toSender(entity: Pick<UserEntity, 'id' | 'username' | 'displayName'>): MessageSender {
  return { id: entity.id, username: entity.username, displayName: entity.displayName };
}
