import { ALICE, BOB, message } from '../../testing/fixtures';
import type { OutboxEntry } from './outbox';
import { buildTimelineItems, countUnread } from './timeline-items';

const pending: OutboxEntry = {
  clientMsgId: 'c-new',
  roomId: 'r1',
  body: 'on its way',
  createdAt: '2024-01-01T12:00:10.000Z',
  status: 'sending',
  error: null,
  retryable: true,
  attempts: 1,
};

describe('buildTimelineItems', () => {
  it('puts pending messages after server messages and groups by sender', () => {
    const items = buildTimelineItems([message(1), message(2), message(3, { sender: BOB })], [pending], ALICE.id);
    expect(items.map((i) => i.key)).toEqual(['m:m1', 'm:m2', 'm:m3', 'p:c-new']);
    expect(items.map((i) => i.showHeader)).toEqual([true, false, true, true]);
    expect(items[0]).toMatchObject({ kind: 'message', mine: true });
    expect(items[2]).toMatchObject({ kind: 'message', mine: false });
  });
});

describe('countUnread', () => {
  it('counts later messages from others that are not deleted', () => {
    const messages = [
      message(1, { sender: BOB }),
      message(2, { sender: BOB }),
      message(3),
      message(4, { sender: BOB, deletedAt: 'x', body: null }),
      message(5, { sender: BOB }),
    ];
    expect(countUnread(messages, 1, ALICE.id)).toBe(2);
  });
});
