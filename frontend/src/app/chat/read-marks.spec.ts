import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { HistoryPage, MyRoom } from '@chat/contracts';
import { FakeSocketClient } from '../../testing/fake-socket-client';
import { ALICE, BOB, flushPromises, message, myRoom } from '../../testing/fixtures';
import { SessionStore } from '../auth/session-store';
import { SocketClient } from '../core/socket-client';
import { PageVisibility } from '../core/page-visibility';
import { RoomsApi } from '../rooms/rooms-api';
import { RoomsStore } from '../rooms/rooms-store';
import { HistoryApi } from './history-api';
import { ReadMarks } from './read-marks';
import { RoomTimelines } from './room-timelines';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function setup(rooms: MyRoom[], page: HistoryPage) {
  const socket = new FakeSocketClient();
  const visible = signal(true);
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      ReadMarks,
      RoomTimelines,
      RoomsStore,
      { provide: SocketClient, useValue: socket },
      { provide: PageVisibility, useValue: { visible } },
      { provide: HistoryApi, useValue: { page: jest.fn().mockResolvedValue(page) } },
      { provide: RoomsApi, useValue: { myRooms: jest.fn().mockResolvedValue(rooms), room: jest.fn() } },
    ],
  });
  TestBed.inject(SessionStore).start({ accessToken: 't', user: { ...ALICE, role: 'user' } });
  const roomsStore = TestBed.inject(RoomsStore);
  await roomsStore.load();
  const timelines = TestBed.inject(RoomTimelines);
  const marks = TestBed.inject(ReadMarks);
  return { marks, timelines, roomsStore, socket, visible };
}

describe('ReadMarks', () => {
  beforeEach(() => localStorage.clear());

  it('marks the room I am reading read, once, after a short pause', async () => {
    const ctx = await setup([myRoom({ lastSeq: 2, lastReadSeq: 1, unread: 1 })], {
      messages: [message(2, { sender: BOB }), message(1)],
      hasMore: false,
    });
    ctx.marks.open('r1');
    ctx.timelines.open('r1');
    await flushPromises();
    ctx.marks.seen('r1', 2); // the message list had it in view
    TestBed.tick();
    expect(ctx.socket.markRead).not.toHaveBeenCalled();
    await wait(350);
    expect(ctx.socket.markRead).toHaveBeenCalledTimes(1);
    expect(ctx.socket.markRead).toHaveBeenCalledWith({ roomId: 'r1', seq: 2 });
    await flushPromises();
    expect(ctx.roomsStore.room('r1')).toMatchObject({ lastReadSeq: 2, unread: 0 });
  });

  it('does not mark a room read while the tab is hidden', async () => {
    const ctx = await setup([myRoom({ lastSeq: 1, lastReadSeq: 0, unread: 1 })], {
      messages: [message(1, { sender: BOB })],
      hasMore: false,
    });
    ctx.visible.set(false);
    ctx.marks.open('r1');
    ctx.timelines.open('r1');
    await flushPromises();
    ctx.marks.seen('r1', 1);
    TestBed.tick();
    await wait(350);
    expect(ctx.socket.markRead).not.toHaveBeenCalled();

    ctx.visible.set(true);
    TestBed.tick();
    await wait(350);
    expect(ctx.socket.markRead).toHaveBeenCalledWith({ roomId: 'r1', seq: 1 });
  });

  it('keeps the divider where I had read up to when I opened the room, until I close it', async () => {
    const ctx = await setup([myRoom({ lastSeq: 3, lastReadSeq: 1, unread: 2 }), myRoom({ id: 'r2', name: 'random' })], {
      messages: [],
      hasMore: false,
    });
    ctx.marks.open('r1');
    ctx.marks.open('r2');
    expect(ctx.marks.marker('r1')).toBe(1);
    expect(ctx.marks.marker('r2')).toBeNull();
    ctx.marks.close('r1');
    expect(ctx.marks.marker('r1')).toBeNull();
  });

  it('marks read only up to what has been in view, counting the rest, and never moves the mark back', async () => {
    const messages = Array.from({ length: 10 }, (_, i) => message(10 - i, { sender: 10 - i > 2 ? BOB : ALICE }));
    const ctx = await setup([myRoom({ lastSeq: 10, lastReadSeq: 2, unread: 8 })], { messages, hasMore: false });
    ctx.marks.open('r1');
    ctx.timelines.open('r1');
    await flushPromises();
    TestBed.tick();
    await wait(350);
    // Nothing in view yet: nothing read.
    expect(ctx.socket.markRead).not.toHaveBeenCalled();

    ctx.marks.seen('r1', 5);
    TestBed.tick();
    // Counted off at once; the server hears of it after the pause.
    expect(ctx.roomsStore.room('r1')?.unread).toBe(5);
    expect(ctx.marks.unread('r1')).toBe(5);
    await wait(350);
    expect(ctx.socket.markRead).toHaveBeenCalledWith({ roomId: 'r1', seq: 5 });
    await flushPromises();
    expect(ctx.roomsStore.room('r1')).toMatchObject({ lastReadSeq: 5, unread: 5 });

    ctx.marks.seen('r1', 4);
    TestBed.tick();
    await wait(350);
    expect(ctx.socket.markRead).toHaveBeenCalledTimes(1);

    ctx.marks.seen('r1', 10);
    TestBed.tick();
    await wait(350);
    expect(ctx.socket.markRead).toHaveBeenLastCalledWith({ roomId: 'r1', seq: 10 });
  });

  it('reads on through my own messages, deleted ones and edits after the last one in view', async () => {
    // Newest first: Bob's 5 (deleted by event 6), my 4, Bob's 3 (edited by event 7).
    const messages = [
      message(5, { sender: BOB, updatedSeq: 6, body: null, deletedAt: '2024-01-01T12:01:00.000Z' }),
      message(4),
      message(3, { sender: BOB, updatedSeq: 7, editedAt: '2024-01-01T12:02:00.000Z' }),
    ];
    const ctx = await setup([myRoom({ lastSeq: 7, lastReadSeq: 2, unread: 1 })], { messages, hasMore: false });
    ctx.marks.open('r1');
    ctx.timelines.open('r1');
    await flushPromises();
    ctx.marks.seen('r1', 3);
    TestBed.tick();
    await wait(350);
    expect(ctx.socket.markRead).toHaveBeenCalledWith({ roomId: 'r1', seq: 7 });
  });

  it('marks everything read at once with "Mark as read", in view or not', async () => {
    const messages = [message(3, { sender: BOB }), message(2, { sender: BOB }), message(1)];
    const ctx = await setup([myRoom({ lastSeq: 3, lastReadSeq: 1, unread: 2 })], { messages, hasMore: false });
    ctx.marks.open('r1');
    ctx.timelines.open('r1');
    await flushPromises();
    ctx.marks.seen('r1', 1);
    TestBed.tick();
    ctx.marks.markAllRead('r1');
    expect(ctx.socket.markRead).toHaveBeenCalledWith({ roomId: 'r1', seq: 3 });
    await flushPromises();
    expect(ctx.roomsStore.room('r1')).toMatchObject({ lastReadSeq: 3, unread: 0 });
  });

  it('applies a read from another of my tabs', async () => {
    const ctx = await setup([myRoom({ lastSeq: 5, lastReadSeq: 2, unread: 3 })], { messages: [], hasMore: false });
    ctx.socket.fire('room:read', { roomId: 'r1', seq: 5 });
    expect(ctx.roomsStore.room('r1')).toMatchObject({ lastReadSeq: 5, unread: 0 });
  });
});
