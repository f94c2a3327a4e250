import type { Message } from '@chat/contracts';
import type { OutboxEntry } from './outbox';

/** One row of the message list: a server message or one of ours still on its way. */
export type TimelineItem =
  | { kind: 'message'; key: string; message: Message; mine: boolean; showHeader: boolean }
  | { kind: 'pending'; key: string; entry: OutboxEntry; showHeader: boolean };

/** Consecutive messages of one sender within this window share a header. */
const GROUP_WINDOW_MS = 5 * 60_000;

/** Server messages in seq order, then our unconfirmed ones in the order they were written. */
export function buildTimelineItems(messages: readonly Message[], pending: readonly OutboxEntry[], meId: string | null): TimelineItem[] {
  const items: TimelineItem[] = [];
  let prevSender: string | null = null;
  let prevTime = 0;
  const startsGroup = (senderId: string, createdAt: string): boolean => {
    const time = Date.parse(createdAt);
    const starts = senderId !== prevSender || time - prevTime > GROUP_WINDOW_MS;
    prevSender = senderId;
    prevTime = time;
    return starts;
  };
  for (const message of messages) {
    items.push({
      kind: 'message',
      key: `m:${message.id}`,
      message,
      mine: message.sender.id === meId,
      showHeader: startsGroup(message.sender.id, message.createdAt),
    });
  }
  for (const entry of pending) {
    items.push({
      kind: 'pending',
      key: `p:${entry.clientMsgId}`,
      entry,
      showHeader: startsGroup(meId ?? '', entry.createdAt),
    });
  }
  return items;
}

/** Messages after `seq` that count as unread for me (others', not deleted). */
export function countUnread(messages: readonly Message[], seq: number, meId: string | null): number {
  return messages.filter((m) => m.seq > seq && m.deletedAt === null && m.sender.id !== meId).length;
}
