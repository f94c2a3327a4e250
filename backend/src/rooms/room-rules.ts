import type { MemberRole, RoomKind, RoomVisibility } from '@chat/contracts';
import type { Actor } from '../auth/actor';
import { AppError } from '../common/app-error';

/**
 * What the room rules judge: the room and the actor's place in it, read in one statement (for writes,
 * under the room row's lock in the transaction that then writes).
 */
export interface RoomAccess {
  kind: RoomKind;
  visibility: RoomVisibility;
  archived: boolean;
  /** The actor's role in the room, or null when not a member. */
  membership: MemberRole | null;
}

/** A rule's answer: null to allow, or the refusal to give. */
export type Verdict = AppError | null;

/** Throws the refusal, if any. */
export function enforce(verdict: Verdict): void {
  if (verdict) throw verdict;
}

/**
 * Every rule about who may do what in a room, as pure functions: no I/O, so they can run inside a
 * write's transaction and in unit tests alike. Admins read everything and delete anything; they post
 * only where they are members.
 */
export const RoomRules = {
  /** The timeline (history, sync): members and admins. */
  canRead(actor: Actor, room: RoomAccess): Verdict {
    return room.membership || actor.role === 'admin' ? null : AppError.notMember();
  },

  /**
   * Message search: members only, admins included (search covers the rooms I am in; the search
   * statement applies the same rule to every room, keeping only those of my memberships).
   */
  canSearch(room: RoomAccess): Verdict {
    return room.membership ? null : AppError.notMember();
  },

  /** The room's details and member list: members, anyone for a public room, admins. */
  canView(actor: Actor, room: RoomAccess): Verdict {
    return room.membership || room.visibility === 'public' || actor.role === 'admin' ? null : AppError.notMember();
  },

  /** A new message or an edit: members, while the room is not archived. */
  canPost(room: RoomAccess): Verdict {
    if (!room.membership) return AppError.notMember();
    return room.archived ? AppError.roomArchived() : null;
  },

  /** Reacting to a message: like posting (members, while the room is not archived). */
  canReact(room: RoomAccess): Verdict {
    return RoomRules.canPost(room);
  },

  canEdit(actor: Actor, room: RoomAccess, message: { senderId: string }): Verdict {
    if (message.senderId !== actor.id) return AppError.forbidden('Only the sender can edit a message');
    return RoomRules.canPost(room);
  },

  /** The sender or the room's owner while they are members and the room is live; an admin always. */
  canDelete(actor: Actor, room: RoomAccess, message: { senderId: string }): Verdict {
    if (actor.role === 'admin') return null;
    if (!room.membership) return AppError.notMember();
    if (message.senderId !== actor.id && room.membership !== 'owner') {
      return AppError.forbidden('Only the sender, the room owner or an admin can delete a message');
    }
    return room.archived ? AppError.roomArchived() : null;
  },

  canJoin(room: RoomAccess): Verdict {
    if (room.kind !== 'channel' || room.visibility !== 'public') return AppError.forbidden('Only public rooms can be joined');
    return room.archived ? AppError.roomArchived() : null;
  },

  /**
   * Members may leave a channel, but its owner only as its last member: an owner hands the room over
   * first (POST /api/rooms/:id/owner), so a room with members always has someone who can run it.
   */
  canLeave(room: RoomAccess, memberCount: number): Verdict {
    if (room.kind === 'dm') return AppError.forbidden('Direct messages cannot be left');
    if (!room.membership) return AppError.notFound('Membership');
    return room.membership === 'owner' && memberCount > 1
      ? AppError.conflict('The owner must make another member the owner before leaving')
      : null;
  },

  /** Renaming, the topic, removing members, handing the room over: the channel's owner or an admin, while the room is live. */
  canManage(actor: Actor, room: RoomAccess): Verdict {
    if (room.kind !== 'channel') return AppError.forbidden('A direct message has no settings');
    if (room.archived) return AppError.roomArchived();
    return room.membership === 'owner' || actor.role === 'admin'
      ? null
      : AppError.forbidden('Only the room owner or an admin can change the room');
  },

  /** Adding someone to a channel: its owner or an admin, while the room is live. */
  canAddMember(actor: Actor, room: RoomAccess): Verdict {
    if (room.kind !== 'channel') return AppError.forbidden('Members cannot be added to a direct message');
    if (room.archived) return AppError.roomArchived();
    return room.membership === 'owner' || actor.role === 'admin'
      ? null
      : AppError.forbidden('Only the room owner or an admin can add members');
  },
};
