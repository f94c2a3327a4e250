import { ALICE, BOB, message } from '../../testing/fixtures';
import type { OutboxEntry } from './outbox';
import { buildTimelineItems, countUnread, dayLabel } from './timeline-items';

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
    const items = buildTimelineItems([message(1), message(2), message(3, { sender: BOB })], [pending], ALICE.id).filter(
      (i) => i.kind !== 'day',
    );
    expect(items.map((i) => i.key)).toEqual(['m:m1', 'm:m2', 'm:m3', 'p:c-new']);
    expect(items.map((i) => i.showHeader)).toEqual([true, false, true, true]);
    expect(items[0]).toMatchObject({ kind: 'message', mine: true });
    expect(items[2]).toMatchObject({ kind: 'message', mine: false });
  });

  it('shows a room notice as a line of its own that ends the group before it and starts one after; a deleted one not at all', () => {
    const items = buildTimelineItems(
      [
        message(1),
        message(2, { sender: BOB, notice: { type: 'topic', topic: 'hi' } }),
        message(3),
        message(4, { sender: BOB, notice: { type: 'renamed', name: 'x' }, deletedAt: 'x', body: null }),
        message(5),
      ],
      [],
      ALICE.id,
    ).filter((i) => i.kind !== 'day');
    expect(items.map((i) => [i.kind, i.key, i.showHeader])).toEqual([
      ['message', 'm:m1', true],
      ['notice', 'm:m2', undefined],
      ['message', 'm:m3', true],
      ['message', 'm:m5', false],
    ]);
  });

  it('puts no new-messages divider before a notice', () => {
    const items = buildTimelineItems(
      [message(1, { sender: BOB, notice: { type: 'topic', topic: 'hi' } }), message(2, { sender: BOB })],
      [],
      ALICE.id,
      {
        unreadAfterSeq: 0,
      },
    ).filter((i) => i.kind !== 'day');
    expect(items.map((i) => i.kind)).toEqual(['notice', 'unread', 'message']);
  });

  it('starts each day with a separator, which also starts a new group', () => {
    const lateNight = new Date(2024, 0, 1, 23, 59).toISOString();
    const nextMorning = new Date(2024, 0, 2, 0, 1).toISOString();
    const items = buildTimelineItems([message(1, { createdAt: lateNight }), message(2, { createdAt: nextMorning })], [], null, {
      now: new Date(2024, 0, 2, 9, 0),
    });
    expect(items.map((i) => (i.kind === 'day' ? i.label : i.key))).toEqual(['Yesterday', 'm:m1', 'Today', 'm:m2']);
    expect(items[3]?.showHeader).toBe(true);
  });

  it('puts the new-messages divider before the first unread message of someone else', () => {
    const messages = [message(1, { sender: BOB }), message(2), message(3), message(4, { sender: BOB }), message(5, { sender: BOB })];
    const items = buildTimelineItems(messages, [], ALICE.id, { unreadAfterSeq: 1 }).filter((i) => i.kind !== 'day');
    expect(items.map((i) => i.key)).toEqual(['m:m1', 'm:m2', 'm:m3', 'unread', 'm:m4', 'm:m5']);
    expect(items[4]?.showHeader).toBe(true);
  });

  it('puts the divider before the oldest loaded message when the read point is older than all of them', () => {
    // More unread than opening a room loads: the older unread messages are a page away, above.
    const items = buildTimelineItems([message(50, { sender: BOB }), message(51, { sender: BOB })], [], ALICE.id, { unreadAfterSeq: 10 });
    expect(items.filter((i) => i.kind !== 'day').map((i) => i.key)).toEqual(['unread', 'm:m50', 'm:m51']);
    const fromStart = buildTimelineItems([message(1, { sender: BOB })], [], ALICE.id, { unreadAfterSeq: 0 });
    expect(fromStart.some((i) => i.kind === 'unread')).toBe(true);
  });

  it('has no divider when nothing is unread', () => {
    const items = buildTimelineItems([message(1, { sender: BOB })], [], ALICE.id, { unreadAfterSeq: 1 });
    expect(items.some((i) => i.kind === 'unread')).toBe(false);
  });

  it('shows a pending message once the server copy is in the timeline', () => {
    const sent = message(4, { clientMsgId: pending.clientMsgId, sender: ALICE });
    const items = buildTimelineItems([sent], [pending], ALICE.id);
    expect(items.filter((i) => i.kind !== 'day').map((i) => i.key)).toEqual(['m:m4']);
  });
});

describe('dayLabel', () => {
  const now = new Date(2024, 5, 15, 12);
  it('names recent days and dates older ones', () => {
    expect(dayLabel(new Date(2024, 5, 15, 1), now)).toBe('Today');
    expect(dayLabel(new Date(2024, 5, 14, 23), now)).toBe('Yesterday');
    expect(dayLabel(new Date(2024, 5, 10), now)).toMatch(/Monday.*June.*10/);
    expect(dayLabel(new Date(2023, 5, 10), now)).toMatch(/2023/);
  });
});

describe('countUnread', () => {
  it('counts later messages from others that are not deleted, and those of them that mention me', () => {
    const messages = [
      message(1, { sender: BOB }),
      message(2, { sender: BOB, mentions: [ALICE.id] }),
      message(3),
      message(4, { sender: BOB, deletedAt: 'x', body: null }),
      message(5, { sender: BOB, mentions: [BOB.id] }),
      message(6, { sender: BOB, notice: { type: 'topic', topic: 'hi' } }),
    ];
    expect(countUnread(messages, 1, ALICE.id)).toEqual({ unread: 2, mentions: 1 });
    expect(countUnread(messages, 2, ALICE.id)).toEqual({ unread: 1, mentions: 0 });
  });
});
