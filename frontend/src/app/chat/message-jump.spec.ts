import { Component, computed, inject, input } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { HistoryPage } from '@chat/contracts';
import { FakeSocketClient } from '../../testing/fake-socket-client';
import { flushPromises, message } from '../../testing/fixtures';
import { SocketClient } from '../core/socket-client';
import { RoomsStore } from '../rooms/rooms-store';
import { ChatStore } from './chat-store';
import { HistoryApi } from './history-api';
import { MessageDeletion } from './message-deletion';
import { jumpSeq, messageJump } from './message-jump';
import { MessageList } from './message-list';
import { ReadMarks } from './read-marks';
import { RoomTimelines } from './room-timelines';
import { buildTimelineItems } from './timeline-items';

/** Messages from..to of room r1, newest first, as the history API pages them. */
const page = (from: number, to: number, hasMore: boolean): HistoryPage => ({
  messages: Array.from({ length: to - from + 1 }, (_, i) => message(to - i)),
  hasMore,
});

@Component({ selector: 'app-jump-host', template: '' })
class JumpHost {
  readonly roomId = input('r1');
  readonly seq = input<number | null>(null);
  readonly timelines = inject(RoomTimelines);
  readonly items = computed(() => buildTimelineItems(this.timelines.messages(this.roomId()), [], null));
  readonly key = messageJump(this.roomId, this.seq, this.items);
}

describe('jumpSeq', () => {
  it('takes a positive whole seq from the query, nothing else', () => {
    expect(jumpSeq('42')).toBe(42);
    expect(jumpSeq(undefined)).toBeNull();
    expect(['', '0', '-3', '1.5', '4e3', 'abc', '99999999999999999'].map(jumpSeq)).toEqual([null, null, null, null, null, null, null]);
  });
});

describe('messageJump', () => {
  function setup(pages: HistoryPage[]) {
    const history = { page: jest.fn<Promise<HistoryPage>, [string, number?, number?]>() };
    for (const p of pages) history.page.mockResolvedValueOnce(p);
    TestBed.configureTestingModule({
      providers: [
        RoomTimelines,
        { provide: SocketClient, useValue: new FakeSocketClient() },
        { provide: HistoryApi, useValue: history },
        { provide: RoomsStore, useValue: { room: () => undefined } },
      ],
    });
    const fixture = TestBed.createComponent(JumpHost);
    return { fixture, history, timelines: fixture.componentInstance.timelines };
  }

  async function settle(fixture: { whenStable: () => Promise<unknown> }): Promise<void> {
    for (let i = 0; i < 6; i++) {
      await flushPromises();
      await fixture.whenStable();
    }
  }

  it('loads older pages until the message and one before it are in, then names its row', async () => {
    const { fixture, history, timelines } = setup([page(151, 200, true), page(101, 150, true), page(51, 100, true)]);
    fixture.componentRef.setInput('seq', 100);
    timelines.open('r1');
    await settle(fixture);
    // 151-200, then 101-150 (100 not in yet), then 51-100 (100 in, and 99 before it): three pages, no more.
    expect(history.page.mock.calls.map((call) => call[1])).toEqual([undefined, 151, 101]);
    expect(fixture.componentInstance.key()).toBe('m:m100');
  });

  it('loads nothing more when the message is already in, and stops at the start of the room', async () => {
    const shown = setup([page(1, 50, false)]);
    shown.fixture.componentRef.setInput('seq', 30);
    shown.timelines.open('r1');
    await settle(shown.fixture);
    expect(shown.history.page).toHaveBeenCalledTimes(1);
    expect(shown.fixture.componentInstance.key()).toBe('m:m30');
  });

  it('names no row without a jump, or for a seq that is no message', async () => {
    const { fixture, timelines } = setup([page(1, 10, false)]);
    timelines.open('r1');
    await settle(fixture);
    expect(fixture.componentInstance.key()).toBeNull();
    fixture.componentRef.setInput('seq', 11);
    await settle(fixture);
    expect(fixture.componentInstance.key()).toBeNull();
  });
});

describe('MessageList reveal', () => {
  const ROW_PX = 100;
  const VIEW_PX = 300;

  it('centres the revealed row over the first positioning, flashes it, and leaves the reader free to scroll away', async () => {
    TestBed.configureTestingModule({
      providers: [
        { provide: ChatStore, useValue: {} },
        { provide: MessageDeletion, useValue: {} },
        { provide: ReadMarks, useValue: { seen: jest.fn(), markAllRead: jest.fn(), unread: () => 0 } },
      ],
    });
    const fixture = TestBed.createComponent(MessageList);
    const el = fixture.nativeElement.querySelector('.message-list') as HTMLElement;
    // jsdom has no layout: rows are ROW_PX tall in order, the viewport VIEW_PX.
    let top = 0;
    const rows = () => Array.from(el.querySelectorAll('app-message-item'));
    jest.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const index = rows().indexOf(this);
      const y = index < 0 ? 0 : index * ROW_PX - top;
      return { top: y, bottom: index < 0 ? VIEW_PX : y + ROW_PX, left: 0, right: 0, width: 0, height: ROW_PX, x: 0, y, toJSON: () => ({}) };
    });
    jest.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockReturnValue(ROW_PX);
    Object.defineProperty(el, 'scrollHeight', { get: () => rows().length * ROW_PX });
    Object.defineProperty(el, 'clientHeight', { get: () => VIEW_PX });
    Object.defineProperty(el, 'scrollTop', {
      get: () => top,
      set: (value: number) => (top = Math.max(0, Math.min(value, el.scrollHeight - VIEW_PX))),
    });
    fixture.componentRef.setInput('roomId', 'r1');
    fixture.componentRef.setInput('ready', true);
    fixture.componentRef.setInput('hasOlder', false);
    fixture.componentRef.setInput('reveal', 'm:m5');
    fixture.componentRef.setInput(
      'items',
      buildTimelineItems(
        Array.from({ length: 20 }, (_, i) => message(i + 1)),
        [],
        null,
      ),
    );
    await fixture.whenStable();

    // Row 5 (index 4, at 400 px) centred in a 300 px view: 400 - 100.
    expect(top).toBe(300);
    const row = el.querySelector('[data-key="m:m5"]');
    expect(row?.classList.contains('is-revealed')).toBe(true);
    expect(fixture.nativeElement.textContent).toContain('Jump to latest');

    // Later renders keep the reader where they are, not back at the message.
    top = 1000;
    el.dispatchEvent(new Event('scroll'));
    fixture.componentRef.setInput(
      'items',
      buildTimelineItems(
        Array.from({ length: 21 }, (_, i) => message(i + 1)),
        [],
        null,
      ),
    );
    await fixture.whenStable();
    expect(top).toBe(1000);
    jest.restoreAllMocks();
  });
});
