import type { Message, MyRoom, Room, RoomHead } from '@chat/contracts';

// Pure helpers for the room list: how rooms sort and how live events change their counters.

function activityTime(room: Room): number {
  const time = Date.parse(room.lastActivityAt ?? room.createdAt);
  return Number.isNaN(time) ? 0 : time;
}

/** Most recent activity first; ties by name so the order is stable. */
export function sortByActivity(rooms: readonly MyRoom[]): MyRoom[] {
  return [...rooms].sort((a, b) => activityTime(b) - activityTime(a) || a.name.localeCompare(b.name));
}

/** Short "last activity" label for the sidebar: a time today, a weekday this week, else a date. */
export function activityLabel(room: Room, now: Date = new Date()): string {
  const iso = room.lastActivityAt;
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((startOfDay(now) - startOfDay(date)) / 86_400_000);
  if (days <= 0) return date.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
  if (days < 7) return date.toLocaleDateString(undefined, { weekday: 'short' });
  return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

/** What to call a room: a DM is named after the other person, a group DM after the others. */
export function roomTitle(room: Room): string {
  if (room.kind !== 'dm') return room.name;
  const others = room.people ?? (room.peer ? [room.peer] : []);
  return others.map((person) => person.displayName || person.username).join(', ') || 'Direct message';
}

/** What is left unread after a read mark: messages that count as unread for me, and those of them that mention me. */
export interface UnreadCounts {
  unread: number;
  mentions: number;
}

/**
 * A `message:new` for this room. `countsAsUnread` is false for my own messages; `meId` tells whether it
 * mentions me.
 */
export function withNewMessage(room: MyRoom, message: Message, countsAsUnread: boolean, meId: string | null = null): MyRoom {
  const isNew = message.seq > room.lastSeq;
  const newer = !room.lastActivityAt || message.createdAt > room.lastActivityAt;
  const after = isNew && countsAsUnread && message.seq > room.lastReadSeq;
  // A thread reply is read in its thread: it makes the room unread only when it mentions me. A room
  // notice (someone joined, the room was renamed) is never unread.
  const unread = after && message.threadRootId === null && !message.notice;
  const mentionsMe = after && meId !== null && message.mentions.includes(meId);
  return {
    ...withNotice(room, message, meId),
    lastSeq: Math.max(room.lastSeq, message.updatedSeq),
    lastActivityAt: newer ? message.createdAt : room.lastActivityAt,
    unread: unread ? room.unread + 1 : room.unread,
    mentions: mentionsMe ? room.mentions + 1 : room.mentions,
  };
}

/** What a new room notice changes in the room: its name, its topic, who owns it (I, or no longer I). */
function withNotice(room: MyRoom, message: Message, meId: string | null): MyRoom {
  const notice = message.notice;
  if (!notice || message.seq <= room.lastSeq) return room;
  switch (notice.type) {
    case 'renamed':
      return { ...room, name: notice.name };
    case 'topic':
      return { ...room, topic: notice.topic };
    case 'owner':
      return { ...room, myRole: notice.user.id === meId ? 'owner' : 'member' };
    default:
      return room;
  }
}

/** An edit or delete: the head moves, nothing becomes unread. */
export function withEvent(room: MyRoom, seq: number): MyRoom {
  return seq > room.lastSeq ? { ...room, lastSeq: seq } : room;
}

/**
 * Read up to `seq` (here or in another tab). `after` is what exactly remains unread when the caller
 * can count it; without it only "everything read" is certain.
 */
export function withRead(room: MyRoom, seq: number, after?: UnreadCounts): MyRoom {
  if (seq < room.lastReadSeq) return room;
  const all = seq >= room.lastSeq;
  return {
    ...room,
    lastReadSeq: seq,
    unread: all ? 0 : (after?.unread ?? room.unread),
    mentions: all ? 0 : (after?.mentions ?? room.mentions),
  };
}

/**
 * Compares the server's heads (`session:ready`) with the list. Returns whether the list is
 * stale (rooms added or removed, or new messages whose unread count only the server knows).
 */
export function headsDiffer(rooms: readonly MyRoom[], heads: readonly RoomHead[]): boolean {
  if (rooms.length !== heads.length) return true;
  const byId = new Map(rooms.map((r) => [r.id, r]));
  return heads.some((h) => {
    const room = byId.get(h.id);
    return !room || room.lastSeq !== h.lastSeq || room.lastReadSeq !== h.lastReadSeq;
  });
}
