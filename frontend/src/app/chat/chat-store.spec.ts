import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { Ack, HistoryPage, Message, MyRoom, SyncResult } from '@chat/contracts';
import type { SendMessageRequest, SyncRequest } from '@chat/contracts';
import { ALICE, BOB, flushPromises, message, myRoom } from '../../testing/fixtures';
import { SessionStore } from '../auth/session-store';
import { ChatSocket, type ServerEventName, type ServerPayload } from '../core/chat-socket';
import { RoomsApi } from '../rooms/rooms-api';
import { RoomsStore } from '../rooms/rooms-store';
import { ChatStore } from './chat-store';
import { HistoryApi } from './history-api';

/** Stands in for ChatSocket: tests fire server events and script acks. */
class FakeChatSocket {
  readonly connected = signal(true);
  readonly state = signal('connected');
  private readonly handlers = new Map<string, Array<(payload: unknown) => void>>();
  readonly send = jest.fn<Promise<Ack<{ message: Message }>>, [SendMessageRequest]>();
  readonly sync = jest.fn<Promise<Ack<SyncResult>>, [SyncRequest]>();
  readonly markRead = jest.fn<Promise<Ack>, [{ roomId: string; seq: number }]>().mockResolvedValue({ ok: true });
  readonly edit = jest.fn();
  readonly remove = jest.fn();
  readonly typing = jest.fn();

  on<E extends ServerEventName>(event: E, handler: (payload: ServerPayload<E>) => void): () => void {
    const list = this.handlers.get(event) ?? [];
    list.push(handler as (payload: unknown) => void);
    this.handlers.set(event, list);
    return () => undefined;
  }

  fire<E extends ServerEventName>(event: E, payload: ServerPayload<E>): void {
    for (const handler of this.handlers.get(event) ?? []) handler(payload);
  }
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function setup(rooms: MyRoom[], page: HistoryPage = { messages: [], hasMore: false }) {
  localStorage.clear();
  const socket = new FakeChatSocket();
  const history = { page: jest.fn<Promise<HistoryPage>, [string, number?]>().mockResolvedValue(page) };
  const roomsApi = { myRooms: jest.fn().mockResolvedValue(rooms), room: jest.fn() };
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      ChatStore,
      RoomsStore,
      { provide: ChatSocket, useValue: socket },
      { provide: HistoryApi, useValue: history },
      { provide: RoomsApi, useValue: roomsApi },
    ],
  });
  TestBed.inject(SessionStore).start({ accessToken: 't', user: { ...ALICE, role: 'user' } });
  const store = TestBed.inject(ChatStore);
  const roomsStore = TestBed.inject(RoomsStore);
  return { store, roomsStore, socket, history, roomsApi };
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
    expect(ctx.store.items('r1').map((i) => i.key)).toEqual(['m:m1', 'm:m2', 'm:m3']);
  });

  it('counts unread in other rooms, but not in the room being read, which gets marked read', async () => {
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
    expect(ctx.store.items('r1').map((i) => i.key)).toEqual(['m:m1', 'm:m2', 'm:m3', 'm:m4']);
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
    expect(ctx.store.items('r1')).toEqual([expect.objectContaining({ kind: 'pending' })]);

    ack({ ok: true, message: message(1, { clientMsgId: req.clientMsgId, body: 'hi' }) });
    await flushPromises();
    expect(ctx.store.items('r1')).toEqual([expect.objectContaining({ kind: 'message', key: 'm:m1', mine: true })]);
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
    ctx.socket.fire('typing', { roomId: 'r1', user: { id: BOB.id, username: 'bob' }, typing: true });
    ctx.socket.fire('typing', { roomId: 'r1', user: { id: ALICE.id, username: 'alice' }, typing: true });
    expect(ctx.store.typingText('r1')).toBe('bob is typing…');
    ctx.socket.fire('message:new', { message: message(1, { sender: BOB }) });
    expect(ctx.store.typingText('r1')).toBe('');
  });
});
