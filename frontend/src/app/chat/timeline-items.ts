import type { UnreadCounts } from '../rooms/my-rooms';
import type { Message } from '@chat/contracts';
import type { OutboxEntry } from './outbox';

/** One row of the message list. */
export type TimelineItem =
  | { kind: 'message'; key: string; message: Message; mine: boolean; showHeader: boolean }
  | { kind: 'pending'; key: string; entry: OutboxEntry; showHeader: boolean }
  /** A room notice (someone joined, the room was renamed): one line of its own. */
  | { kind: 'notice'; key: string; message: Message; showHeader?: undefined }
  /** Day separator before the first row of each calendar day (local time). */
  | { kind: 'day'; key: string; label: string; showHeader?: undefined }
  /** "New messages": where my last-read point was when I opened the room. */
  | { kind: 'unread'; key: string; showHeader?: undefined };

export interface TimelineOptions {
  /** Put the "new messages" divider before the first message of someone else after this seq. */
  unreadAfterSeq?: number | null;
  /** For "Today" / "Yesterday". */
  now?: Date;
}

/** Consecutive messages of one sender within this window share a header. */
const GROUP_WINDOW_MS = 5 * 60_000;

function dayKey(date: Date): string {
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

/** "Today", "Yesterday", "Monday, March 4" or, in another year, "March 4, 2023". */
export function dayLabel(date: Date, now: Date = new Date()): string {
  const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((startOfDay(now) - startOfDay(date)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  const sameYear = date.getFullYear() === now.getFullYear();
  return date.toLocaleDateString(
    undefined,
    sameYear ? { weekday: 'long', month: 'long', day: 'numeric' } : { year: 'numeric', month: 'long', day: 'numeric' },
  );
}

/**
 * Server messages in seq order, then our unconfirmed ones in the order they were written, with
 * day separators and the "new messages" divider. A pending entry the server already has (its
 * message came in through history or sync before the ack) is shown once, as the server's.
 */
export function buildTimelineItems(
  messages: readonly Message[],
  pending: readonly OutboxEntry[],
  meId: string | null,
  options: TimelineOptions = {},
): TimelineItem[] {
  const now = options.now ?? new Date();
  // Opening a room loads back to the read point, so the divider shows in context. When more is
  // unread than that loads (LOAD_BACK_MAX), it goes before the oldest unread message loaded.
  const unreadAfter = options.unreadAfterSeq ?? null;
  const items: TimelineItem[] = [];
  let prevSender: string | null = null;
  let prevTime = 0;
  let prevDay: string | null = null;
  let unreadPlaced = false;

  /** Adds the separators due before a row; returns whether the row starts a new group. */
  const before = (senderId: string, createdAt: string, breaksGroup: boolean): boolean => {
    const date = new Date(createdAt);
    const day = dayKey(date);
    let starts = breaksGroup;
    if (day !== prevDay) {
      items.push({ kind: 'day', key: `d:${day}`, label: dayLabel(date, now) });
      prevDay = day;
      starts = true;
    }
    const time = date.getTime();
    starts = starts || senderId !== prevSender || time - prevTime > GROUP_WINDOW_MS;
    prevSender = senderId;
    prevTime = time;
    return starts;
  };

  const mine = new Set<string>();
  for (const message of messages) {
    if (message.notice) {
      // A deleted notice is not shown at all; the messages after a notice start a new group.
      if (message.deletedAt === null) {
        before(`notice:${message.id}`, message.createdAt, true);
        items.push({ kind: 'notice', key: `m:${message.id}`, message });
      }
      continue;
    }
    const isMine = message.sender.id === meId;
    if (isMine) mine.add(message.clientMsgId);
    let breaksGroup = false;
    if (!unreadPlaced && unreadAfter !== null && message.seq > unreadAfter && !isMine) {
      unreadPlaced = true;
      breaksGroup = true;
      // The divider goes after a day separator that this message would bring, not before it.
      const day = dayKey(new Date(message.createdAt));
      if (day !== prevDay) {
        items.push({ kind: 'day', key: `d:${day}`, label: dayLabel(new Date(message.createdAt), now) });
        prevDay = day;
      }
      items.push({ kind: 'unread', key: 'unread' });
    }
    items.push({
      kind: 'message',
      key: `m:${message.id}`,
      message,
      mine: isMine,
      showHeader: before(message.sender.id, message.createdAt, breaksGroup),
    });
  }
  for (const entry of pending) {
    if (mine.has(entry.clientMsgId)) continue;
    items.push({
      kind: 'pending',
      key: `p:${entry.clientMsgId}`,
      entry,
      showHeader: before(meId ?? '', entry.createdAt, false),
    });
  }
  return items;
}

/** What is left unread after `seq`: others' top-level messages, not deleted, not notices; and those of all that mention me. */
export function countUnread(messages: readonly Message[], seq: number, meId: string | null): UnreadCounts {
  const after = messages.filter((m) => m.seq > seq && m.deletedAt === null && m.sender.id !== meId);
  return {
    unread: after.filter((m) => m.threadRootId === null && !m.notice).length,
    mentions: after.filter((m) => meId !== null && m.mentions.includes(meId)).length,
  };
}
