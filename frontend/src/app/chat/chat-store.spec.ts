import { computed } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { Ack, HistoryPage, Message, MyRoom } from '@chat/contracts';
import { FakeSocketClient } from '../../testing/fake-socket-client';
import { ALICE, BOB, flushPromises, message, myRoom } from '../../testing/fixtures';
import { SessionStore } from '../auth/session-store';
import { SocketClient } from '../core/socket-client';
import { PresenceStore } from '../rooms/presence-store';
import { RoomsApi } from '../rooms/rooms-api';
import { RoomsStore } from '../rooms/rooms-store';
import { ChatStore } from './chat-store';
import { DraftStore } from './draft-store';
import { HistoryApi } from './history-api';
import { MODERATOR_DELETE, MessageDeletion } from './message-deletion';
import { Notifier } from './notifier';
import { RoomMembersCache } from './room-members-cache';
import { ReadMarks } from './read-marks';
import { RoomTimelines } from './room-timelines';
import { TypingIndicators } from './typing-indicators';
import type { OutboxEntry } from './outbox';
import type { TimelineItem } from './timeline-items';

/** Timeline rows without day separators. */
const rows = (items: TimelineItem[]) => items.filter((i) => i.kind !== 'day');
const keys = (items: TimelineItem[]) => rows(items).map((i) => i.key);

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface SetupOptions {
  /** localStorage as a previous page load left it. */
  stored?: Record<string, string>;
  role?: 'user' | 'admin';
}

function setup(rooms: MyRoom[], page: HistoryPage = { messages: [], hasMore: false }, options: SetupOptions = {}) {
  localStorage.clear();
  for (const [key, value] of Object.entries(options.stored ?? {})) localStorage.setItem(key, value);
  const socket = new FakeSocketClient();
  const history = { page: jest.fn<Promise<HistoryPage>, [string, number?]>().mockResolvedValue(page) };
  const adminApi = { deleteMessage: jest.fn<Promise<void>, [string]>().mockResolvedValue(undefined) };
  const roomsApi = { myRooms: jest.fn().mockResolvedValue(rooms), room: jest.fn(), members: jest.fn().mockResolvedValue([]) };
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      ChatStore,
      RoomTimelines,
      ReadMarks,
      DraftStore,
      TypingIndicators,
      MessageDeletion,
      Notifier,
      RoomMembersCache,
      RoomsStore,
      PresenceStore,
      { provide: SocketClient, useValue: socket },
      { provide: HistoryApi, useValue: history },
      { provide: RoomsApi, useValue: roomsApi },
      { provide: MODERATOR_DELETE, useValue: (id: string) => adminApi.deleteMessage(id) },
    ],
  });
  TestBed.inject(SessionStore).start({ accessToken: 't', user: { ...ALICE, role: options.role ?? 'user' } });
  const store = TestBed.inject(ChatStore);
  const roomsStore = TestBed.inject(RoomsStore);
  return { store, roomsStore, socket, history, roomsApi, adminApi, drafts: TestBed.inject(DraftStore) };
}

async function ready(ctx: ReturnType<typeof setup>) {
  await ctx.roomsStore.load();
  ctx.socket.fire('session:ready', {
    user: { ...ALICE, role: 'user' },
    rooms: ctx.roomsStore.rooms().map((r) => ({ id: r.id, lastSeq: r.lastSeq, lastReadSeq: r.lastReadSeq })),
  });
  TestBed.tick();
}

describe('ChatStore', () => {
  it('loads a room when opened and shows live messages', async () => {
    const ctx = setup([myRoom({ lastSeq: 2, lastReadSeq: 2 })], { messages: [message(2), message(1)], hasMore: false });
    await ready(ctx);
    ctx.store.open('r1');
    await flushPromises();
    expect(ctx.history.page).toHaveBeenCalledWith('r1');

    ctx.socket.fire('message:new', { message: message(3, { sender: BOB }) });
    expect(keys(ctx.store.items('r1'))).toEqual(['m:m1', 'm:m2', 'm:m3']);
  });

  it('counts unread in every room; in the room being read, a message comes off once it has been in view', async () => {
    const ctx = setup([myRoom({ lastSeq: 2, lastReadSeq: 2 }), myRoom({ id: 'r2', name: 'random', lastSeq: 0 })], {
      messages: [message(2), message(1)],
      hasMore: false,
    });
    await ready(ctx);
    ctx.store.open('r1');
    await flushPromises();

    ctx.socket.fire('message:new', { message: message(1, { roomId: 'r2', id: 'x1', sender: BOB }) });
    ctx.socket.fire('message:new', { message: message(3, { sender: BOB }) });
    TestBed.tick();
    expect(ctx.roomsStore.room('r2')?.unread).toBe(1);
    expect(ctx.roomsStore.room('r1')?.unread).toBe(1);
    TestBed.inject(ReadMarks).seen('r1', 3); // the message list shows it
    TestBed.tick();
    expect(ctx.roomsStore.room('r1')?.unread).toBe(0);

    await wait(350);
    expect(ctx.socket.markRead).toHaveBeenCalledWith({ roomId: 'r1', seq: 3 });
    await flushPromises();
    expect(ctx.roomsStore.room('r1')?.lastReadSeq).toBe(3);
  });

  it('applies a read from another tab', async () => {
    const ctx = setup([myRoom({ lastSeq: 5, lastReadSeq: 2, unread: 3 })]);
    await ready(ctx);
    ctx.socket.fire('room:read', { roomId: 'r1', seq: 5 });
    expect(ctx.roomsStore.room('r1')?.unread).toBe(0);
  });

  it('syncs an open room whose head moved while disconnected', async () => {
    const ctx = setup([myRoom({ lastSeq: 2, lastReadSeq: 2 })], { messages: [message(2), message(1)], hasMore: false });
    await ready(ctx);
    ctx.store.open('r1');
    await flushPromises();
    ctx.roomsApi.myRooms.mockResolvedValue([myRoom({ lastSeq: 4, lastReadSeq: 2, unread: 2 })]);
    ctx.socket.sync.mockResolvedValueOnce({ ok: true, messages: [message(3), message(4)], hasMore: false, lastSeq: 4 });

    ctx.socket.fire('session:ready', { user: { ...ALICE, role: 'user' }, rooms: [{ id: 'r1', lastSeq: 4, lastReadSeq: 2 }] });
    await flushPromises();

    expect(ctx.socket.sync).toHaveBeenCalledWith({ roomId: 'r1', afterSeq: 2 });
    expect(keys(ctx.store.items('r1'))).toEqual(['m:m1', 'm:m2', 'm:m3', 'm:m4']);
    expect(ctx.roomsApi.myRooms).toHaveBeenCalledTimes(2);
  });

  it('shows a sent message as pending, then as the server message', async () => {
    const ctx = setup([myRoom()]);
    await ready(ctx);
    ctx.store.open('r1');
    await flushPromises();
    let ack: (a: Ack<{ message: Message }>) => void = () => undefined;
    ctx.socket.send.mockImplementation(() => new Promise((resolve) => (ack = resolve)));

    expect(ctx.store.send('r1', '  hi  ')).toBeNull();
    const [req] = ctx.socket.send.mock.calls[0];
    expect(req.body).toBe('hi');
    expect(rows(ctx.store.items('r1'))).toEqual([expect.objectContaining({ kind: 'pending' })]);

    ack({ ok: true, message: message(1, { clientMsgId: req.clientMsgId, body: 'hi' }) });
    await flushPromises();
    expect(rows(ctx.store.items('r1'))).toEqual([expect.objectContaining({ kind: 'message', key: 'm:m1', mine: true })]);
  });

  it('shows my message once, whether its ack or its broadcast arrives first', async () => {
    const ctx = setup([myRoom({ lastSeq: 0 }), myRoom({ id: 'r2', name: 'random' })]);
    await ready(ctx);
    ctx.store.open('r1');
    await flushPromises();
    const acks: Array<(a: Ack<{ message: Message }>) => void> = [];
    ctx.socket.send.mockImplementation(() => new Promise((resolve) => acks.push(resolve)));
    ctx.store.send('r1', 'one');
    ctx.store.send('r1', 'two');
    const [[one], [two]] = ctx.socket.send.mock.calls;
    const first = message(1, { clientMsgId: one.clientMsgId, body: 'one' });
    const second = message(2, { clientMsgId: two.clientMsgId, body: 'two' });

    // The ack first, then the broadcast.
    acks[0]({ ok: true, message: first });
    await flushPromises();
    expect(ctx.roomsStore.room('r1')?.lastSeq).toBe(1);
    ctx.socket.fire('message:new', { message: first });
    // The broadcast first, then the ack.
    ctx.socket.fire('message:new', { message: second });
    expect(keys(ctx.store.items('r1'))).toEqual(['m:m1', 'm:m2']);
    acks[1]({ ok: true, message: second });
    await flushPromises();

    expect(keys(ctx.store.items('r1'))).toEqual(['m:m1', 'm:m2']);
    expect(ctx.roomsStore.room('r1')).toMatchObject({ lastSeq: 2, unread: 0 });
    expect(ctx.socket.sync).not.toHaveBeenCalled();
  });

  it("rebuilds a room's list only when that room changes", async () => {
    const ctx = setup([myRoom(), myRoom({ id: 'r2', name: 'random' })]);
    await ready(ctx);
    ctx.store.open('r1');
    ctx.store.open('r2');
    await flushPromises();
    let builds = 0;
    const items = computed(() => {
      builds++;
      return ctx.store.items('r1');
    });
    items();
    ctx.socket.fire('message:new', { message: message(1, { roomId: 'r2', id: 'x1', sender: BOB }) });
    items();
    expect(builds).toBe(1);
    ctx.socket.fire('message:new', { message: message(1, { sender: BOB }) });
    expect(keys(items())).toEqual(['m:m1']);
    expect(builds).toBe(2);
  });

  it('stops sending the moment the connection drops, and resumes after session:ready', async () => {
    const ctx = setup([myRoom()]);
    await ready(ctx);
    ctx.socket.connected.set(false);
    ctx.store.send('r1', 'while away');
    expect(ctx.socket.send).not.toHaveBeenCalled();
    // Reconnected, but the server has not announced the session yet.
    ctx.socket.connected.set(true);
    ctx.store.send('r1', 'still waiting');
    expect(ctx.socket.send).not.toHaveBeenCalled();

    ctx.socket.send.mockImplementation(() => new Promise(() => undefined));
    ctx.socket.fire('session:ready', { user: { ...ALICE, role: 'user' }, rooms: [{ id: 'r1', lastSeq: 0, lastReadSeq: 0 }] });
    expect(ctx.socket.send.mock.calls.map(([req]) => req.body)).toEqual(['while away', 'still waiting']);
  });

  it('refuses an empty message without queueing it', async () => {
    const ctx = setup([myRoom()]);
    await ready(ctx);
    expect(ctx.store.send('r1', '   ')).toMatch(/empty/);
    expect(ctx.socket.send).not.toHaveBeenCalled();
  });

  it('holds messages written while disconnected and sends them after session:ready', async () => {
    const ctx = setup([myRoom()]);
    await ready(ctx);
    ctx.socket.connected.set(false);
    TestBed.tick();
    ctx.store.send('r1', 'later');
    expect(ctx.socket.send).not.toHaveBeenCalled();

    ctx.socket.send.mockImplementation(async (req) => ({ ok: true, message: message(1, { clientMsgId: req.clientMsgId }) }));
    ctx.socket.connected.set(true);
    ctx.socket.fire('session:ready', { user: { ...ALICE, role: 'user' }, rooms: [{ id: 'r1', lastSeq: 0, lastReadSeq: 0 }] });
    expect(ctx.socket.send).toHaveBeenCalledWith(expect.objectContaining({ roomId: 'r1', body: 'later' }));
  });

  it('drops a room I was removed from', async () => {
    const ctx = setup([myRoom()]);
    await ready(ctx);
    ctx.socket.fire('room:left', { roomId: 'r1' });
    expect(ctx.roomsStore.room('r1')).toBeUndefined();
  });

  it('marks a room archived', async () => {
    const ctx = setup([myRoom()]);
    await ready(ctx);
    ctx.socket.fire('room:archived', { roomId: 'r1', archivedAt: '2024-02-01T00:00:00.000Z' });
    expect(ctx.roomsStore.room('r1')?.archivedAt).toBe('2024-02-01T00:00:00.000Z');
  });

  it('shows who is typing, but never myself', async () => {
    const ctx = setup([myRoom()]);
    await ready(ctx);
    ctx.socket.fire('typing', { roomId: 'r1', user: BOB, typing: true });
    ctx.socket.fire('typing', { roomId: 'r1', user: ALICE, typing: true });
    const typing = TestBed.inject(TypingIndicators);
    expect(typing.text('r1')).toBe('Bob is typing…');
    ctx.socket.fire('message:new', { message: message(1, { sender: BOB }) });
    expect(typing.text('r1')).toBe('');
  });

  it('keeps drafts in localStorage, so a reload brings them back', async () => {
    const first = setup([myRoom()]);
    await ready(first);
    first.drafts.set('r1', 'half a thought');
    const stored = { 'chat.drafts.u-alice': localStorage.getItem('chat.drafts.u-alice') ?? '' };
    expect(JSON.parse(stored['chat.drafts.u-alice'])).toEqual({ r1: 'half a thought' });

    TestBed.resetTestingModule();
    const second = setup([myRoom()], undefined, { stored });
    expect(second.drafts.draft('r1')).toBe('half a thought');
    second.store.send('r1', 'half a thought');
    expect(second.drafts.draft('r1')).toBe('');
    expect(localStorage.getItem('chat.drafts.u-alice')).toBeNull();
  });

  it('restores unsent messages after a reload and resends them with the same clientMsgId', async () => {
    const entry: OutboxEntry = {
      clientMsgId: 'c-before-reload',
      roomId: 'r1',
      body: 'written offline',
      createdAt: '2024-01-01T12:00:00.000Z',
      status: 'sending',
      error: null,
      retryable: true,
      attempts: 1,
    };
    const gone: OutboxEntry = { ...entry, clientMsgId: 'c-left-room', roomId: 'r-left' };
    const ctx = setup([myRoom()], undefined, { stored: { 'chat.outbox.u-alice': JSON.stringify([entry, gone]) } });
    ctx.socket.send.mockImplementation(async (req) => ({
      ok: true,
      message: message(1, { clientMsgId: req.clientMsgId, body: req.body }),
    }));
    expect(rows(ctx.store.items('r1'))).toEqual([expect.objectContaining({ kind: 'pending', key: 'p:c-before-reload' })]);

    await ready(ctx);
    expect(ctx.socket.send).toHaveBeenCalledWith({ roomId: 'r1', clientMsgId: 'c-before-reload', body: 'written offline' });
    expect(ctx.socket.send).toHaveBeenCalledTimes(1); // not the one for a room I left meanwhile
    await flushPromises();
    expect(localStorage.getItem('chat.outbox.u-alice')).toBeNull();
  });

  it('puts the new-messages divider at my last-read point and drops it when I leave the room', async () => {
    const messages = [message(3, { sender: BOB }), message(2, { sender: BOB }), message(1)];
    const ctx = setup([myRoom({ lastSeq: 3, lastReadSeq: 1, unread: 2 })], { messages, hasMore: false });
    await ready(ctx);
    ctx.store.open('r1');
    await flushPromises();
    expect(keys(ctx.store.items('r1'))).toEqual(['m:m1', 'unread', 'm:m2', 'm:m3']);
    ctx.store.close('r1');
    expect(keys(ctx.store.items('r1'))).toEqual(['m:m1', 'm:m2', 'm:m3']);
  });

  it('gives a message seen while the previous read is being acknowledged its own mark', async () => {
    const ctx = setup([myRoom({ lastSeq: 2, lastReadSeq: 1, unread: 1 })], {
      messages: [message(2, { sender: BOB }), message(1)],
      hasMore: false,
    });
    let ackRead: (ack: Ack) => void = () => undefined;
    ctx.socket.markRead.mockImplementation(() => new Promise((resolve) => (ackRead = resolve)));
    await ready(ctx);
    ctx.store.open('r1');
    await flushPromises();
    const marks = TestBed.inject(ReadMarks);
    marks.seen('r1', 2);
    TestBed.tick();
    await wait(350);
    expect(ctx.socket.markRead).toHaveBeenCalledWith({ roomId: 'r1', seq: 2 });

    ctx.socket.fire('message:new', { message: message(3, { sender: BOB }) });
    marks.seen('r1', 3);
    ackRead({ ok: true });
    await flushPromises();
    TestBed.tick();
    expect(ctx.roomsStore.room('r1')).toMatchObject({ lastReadSeq: 2, unread: 0 });
    // The newer message gets its own mark.
    TestBed.tick();
    await wait(350);
    expect(ctx.socket.markRead).toHaveBeenLastCalledWith({ roomId: 'r1', seq: 3 });
  });

  it('looks up the presence of DM partners after connecting', async () => {
    const dm = myRoom({ id: 'd1', kind: 'dm', name: 'dm', peer: BOB });
    const ctx = setup([dm]);
    ctx.roomsApi.members.mockResolvedValue([{ ...BOB, userId: BOB.id, memberRole: 'member', online: true, joinedAt: '' }]);
    await ready(ctx);
    await flushPromises();
    await flushPromises();
    expect(ctx.roomsApi.members).toHaveBeenCalledWith('d1');
    expect(TestBed.inject(PresenceStore).isOnline(BOB.id)).toBe(true);
  });

  describe('toggleReaction', () => {
    const reacted = (over: Partial<Message>) => message(1, { sender: BOB, ...over });

    it('adds mine when I am not among the reactors, removes it when I am, and applies the answer', async () => {
      const ctx = setup([myRoom({ lastSeq: 1, lastReadSeq: 1 })], { messages: [message(1, { sender: BOB })], hasMore: false });
      await ready(ctx);
      ctx.store.open('r1');
      await flushPromises();
      const added = reacted({ updatedSeq: 2, reactions: [{ emoji: '👍', count: 1, userIds: [ALICE.id] }] });
      ctx.socket.react.mockResolvedValueOnce({ ok: true, message: added });
      await expect(ctx.store.toggleReaction(reacted({}), '👍')).resolves.toBeNull();
      expect(ctx.socket.react).toHaveBeenLastCalledWith({ messageId: 'm1', emoji: '👍' }, true);
      expect(TestBed.inject(RoomTimelines).messages('r1')[0]).toEqual(added);

      ctx.socket.react.mockResolvedValueOnce({ ok: true, message: reacted({ updatedSeq: 3 }) });
      await ctx.store.toggleReaction(added, '👍');
      expect(ctx.socket.react).toHaveBeenLastCalledWith({ messageId: 'm1', emoji: '👍' }, false);
      expect(TestBed.inject(RoomTimelines).messages('r1')[0]?.reactions).toEqual([]);
    });

    it('past the 20 listed reactors, removes mine when adding changed nothing', async () => {
      const ctx = setup([myRoom({ lastSeq: 4, lastReadSeq: 4 })]);
      await ready(ctx);
      const crowded = reacted({
        updatedSeq: 4,
        reactions: [{ emoji: '🎉', count: 30, userIds: Array.from({ length: 20 }, (_, i) => `u${i}`) }],
      });
      ctx.socket.react
        .mockResolvedValueOnce({ ok: true, message: crowded })
        .mockResolvedValueOnce({ ok: true, message: { ...crowded, updatedSeq: 5 } });
      await ctx.store.toggleReaction(crowded, '🎉');
      expect(ctx.socket.react.mock.calls.map(([, add]) => add)).toEqual([true, false]);
    });

    it('answers the refusal’s message', async () => {
      const ctx = setup([myRoom()]);
      await ready(ctx);
      ctx.socket.react.mockResolvedValueOnce({ ok: false, error: { code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 100 } });
      await expect(ctx.store.toggleReaction(reacted({}), '👍')).resolves.toBe('slow down');
    });
  });

  it('holds an edit made while disconnected and sends it after session:ready', async () => {
    const ctx = setup([myRoom({ lastSeq: 1, lastReadSeq: 1 })], { messages: [message(1)], hasMore: false });
    await ready(ctx);
    ctx.socket.connected.set(false);
    TestBed.tick();
    ctx.socket.edit.mockResolvedValue({ ok: true, message: message(1, { body: 'fixed', updatedSeq: 2, editedAt: 'now' }) });
    let result: string | null | undefined;
    void ctx.store.edit(message(1), 'fixed').then((error) => (result = error));
    await flushPromises();
    expect(ctx.socket.edit).not.toHaveBeenCalled();
    expect(result).toBeUndefined();
    ctx.socket.connected.set(true);
    TestBed.tick();
    await ready(ctx);
    await flushPromises();
    expect(ctx.socket.edit).toHaveBeenCalledWith({ messageId: 'm1', body: 'fixed' });
    expect(result).toBeNull();
  });

  it('moves a room’s member count when someone joins or leaves (room:members)', async () => {
    const ctx = setup([myRoom({ memberCount: 2 })]);
    await ready(ctx);
    ctx.socket.fire('room:members', { roomId: 'r1', userId: 'u-carol', joined: true, memberCount: 3 });
    expect(ctx.roomsStore.room('r1')?.memberCount).toBe(3);
    ctx.socket.fire('room:members', { roomId: 'r1', userId: 'u-carol', joined: false, memberCount: 2 });
    expect(ctx.roomsStore.room('r1')?.memberCount).toBe(2);
  });
});
