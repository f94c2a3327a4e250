import { computed } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { HttpErrorResponse } from '@angular/common/http';
import type { HistoryPage } from '@chat/contracts';
import { FakeSocketClient } from '../../testing/fake-socket-client';
import { flushPromises, message } from '../../testing/fixtures';
import { SocketClient } from '../core/socket-client';
import { RoomsStore } from '../rooms/rooms-store';
import { HistoryApi } from './history-api';
import { LOAD_BACK_MAX, RoomTimelines } from './room-timelines';

function setup() {
  const history = { page: jest.fn<Promise<HistoryPage>, [string, number?, number?]>() };
  TestBed.configureTestingModule({
    providers: [
      RoomTimelines,
      { provide: SocketClient, useValue: new FakeSocketClient() },
      { provide: HistoryApi, useValue: history },
      { provide: RoomsStore, useValue: { room: () => undefined } },
    ],
  });
  return { timelines: TestBed.inject(RoomTimelines), history };
}

describe('RoomTimelines', () => {
  it('re-runs what reads a room only when that room changes', async () => {
    const { timelines, history } = setup();
    history.page.mockImplementation(async (roomId) => ({ messages: [message(1, { roomId, id: `${roomId}-1` })], hasMore: false }));
    timelines.open('r1');
    timelines.open('r2');
    await flushPromises();

    let runs = 0;
    const r1 = computed(() => {
      runs++;
      return timelines.messages('r1').length;
    });
    expect(r1()).toBe(1);
    timelines.applyMessage(message(2, { roomId: 'r2', id: 'r2-2' }), 'event');
    expect(r1()).toBe(1);
    expect(runs).toBe(1);

    timelines.applyMessage(message(2, { roomId: 'r1', id: 'r1-2' }), 'event');
    expect(r1()).toBe(2);
    expect(runs).toBe(2);
  });

  it('loads the newest page once, and reports a failure so the page can retry', async () => {
    const { timelines, history } = setup();
    history.page.mockRejectedValueOnce(
      new HttpErrorResponse({ status: 403, error: { error: { code: 'FORBIDDEN', message: 'Not a member' } } }),
    );
    timelines.open('r1');
    expect(timelines.view('r1')).toMatchObject({ loading: true, ready: false });
    timelines.open('r1');
    await flushPromises();
    expect(history.page).toHaveBeenCalledTimes(1);
    expect(timelines.view('r1')).toMatchObject({ loading: false, ready: false, error: 'Not a member' });

    history.page.mockResolvedValueOnce({ messages: [message(3), message(2)], hasMore: true });
    timelines.open('r1');
    await flushPromises();
    expect(timelines.view('r1')).toMatchObject({ ready: true, hasOlder: true, error: null });
    expect(timelines.loadedRooms()).toEqual(['r1']);
  });

  it('pages back from the oldest message it holds', async () => {
    const { timelines, history } = setup();
    history.page.mockResolvedValueOnce({ messages: [message(3), message(2)], hasMore: true });
    timelines.open('r1');
    await flushPromises();
    history.page.mockResolvedValueOnce({ messages: [message(1)], hasMore: false });
    await timelines.loadOlder('r1');
    expect(history.page).toHaveBeenLastCalledWith('r1', 2);
    expect(timelines.messages('r1').map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(timelines.view('r1').hasOlder).toBe(false);
  });

  /** Newest first, as the server pages: seqs `to` down to `from`. */
  const page = (from: number, to: number, hasMore: boolean): HistoryPage => ({
    messages: Array.from({ length: to - from + 1 }, (_, i) => message(to - i)),
    hasMore,
  });

  it('loads back to my read mark before showing the room, so it can open at the first unread message', async () => {
    const { timelines, history } = setup();
    history.page.mockResolvedValueOnce(page(71, 120, true)).mockResolvedValueOnce(page(1, 70, false));
    timelines.open('r1', 10);
    await flushPromises();
    expect(history.page).toHaveBeenNthCalledWith(1, 'r1');
    expect(history.page).toHaveBeenNthCalledWith(2, 'r1', 71, 100);
    expect(timelines.messages('r1')).toHaveLength(120);
    expect(timelines.view('r1')).toMatchObject({ ready: true, hasOlder: false, loading: false });
  });

  it('is not ready until the pages back to the read mark are in', async () => {
    const { timelines, history } = setup();
    let older: (p: HistoryPage) => void = () => undefined;
    history.page.mockResolvedValueOnce(page(71, 120, true)).mockReturnValueOnce(new Promise((resolve) => (older = resolve)));
    timelines.open('r1', 10);
    await flushPromises();
    expect(timelines.view('r1')).toMatchObject({ ready: false, loading: true });
    older(page(1, 70, false));
    await flushPromises();
    expect(timelines.view('r1').ready).toBe(true);
  });

  it('loads back at most LOAD_BACK_MAX more messages', async () => {
    const { timelines, history } = setup();
    history.page.mockImplementation(async (_roomId, before = 10_001, limit = 50) =>
      page(Math.max(1, before - limit), before - 1, before - limit > 1),
    );
    timelines.open('r1', 5);
    await flushPromises();
    expect(timelines.messages('r1')).toHaveLength(50 + LOAD_BACK_MAX);
    expect(timelines.view('r1')).toMatchObject({ ready: true, hasOlder: true });
  });

  it('loads only the newest page when nothing is unread', async () => {
    const { timelines, history } = setup();
    history.page.mockResolvedValueOnce(page(71, 120, true));
    timelines.open('r1');
    await flushPromises();
    expect(history.page).toHaveBeenCalledTimes(1);
    expect(timelines.messages('r1')).toHaveLength(50);
  });
});
