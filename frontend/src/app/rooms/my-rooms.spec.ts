import { ALICE, BOB, message, myRoom } from '../../testing/fixtures';
import { activityLabel, headsDiffer, roomTitle, sortByActivity, withEvent, withNewMessage, withRead } from './my-rooms';

describe('room list helpers', () => {
  it('sorts by last activity, newest first, falling back to creation time', () => {
    const rooms = [
      myRoom({ id: 'a', name: 'a', lastActivityAt: '2024-01-02T00:00:00Z' }),
      myRoom({ id: 'b', name: 'b', lastActivityAt: null, createdAt: '2024-01-03T00:00:00Z' }),
      myRoom({ id: 'c', name: 'c', lastActivityAt: '2024-01-01T00:00:00Z' }),
    ];
    expect(sortByActivity(rooms).map((r) => r.id)).toEqual(['b', 'a', 'c']);
  });

  it('labels last activity by how long ago it was', () => {
    const now = new Date(2024, 5, 15, 12, 0);
    const at = (d: Date) => myRoom({ lastActivityAt: d.toISOString() });
    expect(activityLabel(at(new Date(2024, 5, 15, 9, 5)), now)).toMatch(/9:05/);
    expect(activityLabel(at(new Date(2024, 5, 13, 9, 5)), now)).toBe('Thu');
    expect(activityLabel(at(new Date(2024, 2, 4, 9, 5)), now)).toBe('Mar 4');
    expect(activityLabel(myRoom({ lastActivityAt: null }), now)).toBe('');
  });

  it('names a group DM after the others, by display name', () => {
    const carol = { id: 'u-carol', username: 'carol', displayName: 'Carol' };
    expect(roomTitle(myRoom({ kind: 'dm', name: '', peer: null, people: [BOB, carol] }))).toBe('Bob, Carol');
    expect(roomTitle(myRoom({ kind: 'dm', name: '', peer: null, people: [] }))).toBe('Direct message');
  });

  it('names a DM after the other person', () => {
    expect(roomTitle(myRoom({ kind: 'dm', name: 'dm', peer: BOB }))).toBe('Bob');
    expect(roomTitle(myRoom({ name: 'general' }))).toBe('general');
  });

  it('counts a new message from someone else as unread, once', () => {
    const room = myRoom({ lastSeq: 4, lastReadSeq: 4 });
    const m = message(5, { sender: BOB });
    const after = withNewMessage(room, m, true);
    expect(after).toMatchObject({ lastSeq: 5, unread: 1, lastActivityAt: m.createdAt });
    expect(withNewMessage(after, m, true).unread).toBe(1);
  });

  it('never counts a room notice as unread, and applies what it changed: the name, the topic, who owns the room', () => {
    const room = myRoom({ lastSeq: 4, lastReadSeq: 4, myRole: 'owner' });
    const joined = withNewMessage(room, message(5, { sender: BOB, notice: { type: 'removed', user: BOB } }), true, ALICE.id);
    expect(joined).toMatchObject({ lastSeq: 5, unread: 0, myRole: 'owner' });
    const renamed = withNewMessage(joined, message(6, { sender: BOB, notice: { type: 'renamed', name: 'lobby' } }), true, ALICE.id);
    const topic = withNewMessage(renamed, message(7, { sender: BOB, notice: { type: 'topic', topic: 'hi' } }), true, ALICE.id);
    const handedOver = withNewMessage(topic, message(8, { notice: { type: 'owner', user: BOB } }), false, ALICE.id);
    expect(handedOver).toMatchObject({ name: 'lobby', topic: 'hi', myRole: 'member', unread: 0, lastSeq: 8 });
    const back = withNewMessage(handedOver, message(9, { sender: BOB, notice: { type: 'owner', user: ALICE } }), true, ALICE.id);
    expect(back.myRole).toBe('owner');
    // A notice already counted in (seq at or below the head) changes nothing again.
    expect(withNewMessage(back, message(6, { sender: BOB, notice: { type: 'renamed', name: 'old' } }), true, ALICE.id).name).toBe('lobby');
  });

  it('does not count my own messages or the room I am reading', () => {
    const room = myRoom({ lastSeq: 4, lastReadSeq: 4 });
    expect(withNewMessage(room, message(5), false)).toMatchObject({ lastSeq: 5, unread: 0 });
  });

  it('counts a new message that mentions me among the unread mentions', () => {
    const room = myRoom({ lastSeq: 3, lastReadSeq: 3, unread: 0, mentions: 0 });
    const mention = message(4, { sender: BOB, mentions: [ALICE.id] });
    expect(withNewMessage(room, mention, true, ALICE.id)).toMatchObject({ unread: 1, mentions: 1 });
    expect(withNewMessage(room, message(4, { sender: BOB, mentions: [BOB.id] }), true, ALICE.id)).toMatchObject({ unread: 1, mentions: 0 });
    expect(withNewMessage(room, mention, false, ALICE.id)).toMatchObject({ unread: 0, mentions: 0 });
    expect(withRead({ ...room, lastSeq: 4, unread: 1, mentions: 1 }, 4)).toMatchObject({ unread: 0, mentions: 0 });
  });

  it('moves the head on edits without adding unread', () => {
    expect(withEvent(myRoom({ lastSeq: 3, unread: 1 }), 4)).toMatchObject({ lastSeq: 4, unread: 1 });
  });

  it('clears unread when read up to the head, and never moves the read marker back', () => {
    const room = myRoom({ lastSeq: 9, lastReadSeq: 5, unread: 4 });
    expect(withRead(room, 9)).toMatchObject({ lastReadSeq: 9, unread: 0 });
    expect(withRead(room, 7, { unread: 2, mentions: 1 })).toMatchObject({ lastReadSeq: 7, unread: 2, mentions: 1 });
    expect(withRead(room, 3)).toBe(room);
  });

  it('notices when session:ready heads differ from the list', () => {
    const rooms = [myRoom({ id: 'a', lastSeq: 3, lastReadSeq: 3 })];
    expect(headsDiffer(rooms, [{ id: 'a', lastSeq: 3, lastReadSeq: 3 }])).toBe(false);
    expect(headsDiffer(rooms, [{ id: 'a', lastSeq: 4, lastReadSeq: 3 }])).toBe(true);
    expect(headsDiffer(rooms, [{ id: 'b', lastSeq: 3, lastReadSeq: 3 }])).toBe(true);
    expect(headsDiffer(rooms, [])).toBe(true);
  });
});
