import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { ALICE, BOB, message } from '../../testing/fixtures';
import { ChatStore } from './chat-store';
import { MessageDeletion } from './message-deletion';
import { MessageList } from './message-list';
import { ReadMarks } from './read-marks';
import { buildTimelineItems } from './timeline-items';

const ROW_PX = 100;
const VIEW_PX = 300;

/**
 * jsdom has no layout: give the viewport a height that grows with its rows, and each row a
 * box at its index (rows are ROW_PX tall, the viewport's top is at 0).
 */
function fakeLayout(el: HTMLElement): { top: () => number; scrollTo: (top: number) => void } {
  let top = 0;
  const rows = () => Array.from(el.querySelectorAll('app-message-item'));
  jest.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
    const index = rows().indexOf(this);
    const y = index < 0 ? 0 : index * ROW_PX - top;
    return { top: y, bottom: index < 0 ? VIEW_PX : y + ROW_PX, left: 0, right: 0, width: 0, height: ROW_PX, x: 0, y, toJSON: () => ({}) };
  });
  Object.defineProperty(el, 'scrollHeight', { get: () => rows().length * ROW_PX });
  Object.defineProperty(el, 'clientHeight', { get: () => VIEW_PX });
  Object.defineProperty(el, 'scrollTop', {
    get: () => top,
    set: (value: number) => (top = Math.max(0, Math.min(value, el.scrollHeight - VIEW_PX))),
  });
  return {
    top: () => top,
    scrollTo: (value: number) => {
      el.scrollTop = value;
      el.dispatchEvent(new Event('scroll'));
    },
  };
}

const items = (from: number, to: number) =>
  buildTimelineItems(
    Array.from({ length: to - from + 1 }, (_, i) => message(from + i)),
    [],
    null,
  );

describe('MessageList', () => {
  let fixture: ComponentFixture<MessageList>;
  let older: number;
  const unread = signal(0);
  const readMarks = { seen: jest.fn<void, [string, number]>(), markAllRead: jest.fn<void, [string]>(), unread: () => unread() };

  afterEach(() => jest.restoreAllMocks());

  beforeEach(async () => {
    unread.set(0);
    readMarks.seen.mockClear();
    readMarks.markAllRead.mockClear();
    TestBed.configureTestingModule({
      providers: [
        { provide: ChatStore, useValue: {} },
        { provide: MessageDeletion, useValue: {} },
        { provide: ReadMarks, useValue: readMarks },
      ],
    });
    fixture = TestBed.createComponent(MessageList);
    older = 0;
    fixture.componentInstance.older.subscribe(() => older++);
    fixture.componentRef.setInput('roomId', 'r1');
    fixture.componentRef.setInput('items', []);
    fixture.componentRef.setInput('ready', true);
    fixture.componentRef.setInput('hasOlder', true);
    await fixture.whenStable();
  });

  async function show(list: ReturnType<typeof items>): Promise<void> {
    fixture.componentRef.setInput('items', list);
    await fixture.whenStable();
  }

  it('starts at the newest message and follows new ones while at the bottom', async () => {
    const layout = fakeLayout(fixture.nativeElement.querySelector('.message-list'));
    await show(items(11, 20));
    expect(layout.top()).toBe(10 * ROW_PX - VIEW_PX);
    await show(items(11, 21));
    expect(layout.top()).toBe(11 * ROW_PX - VIEW_PX);
  });

  it('keeps the same message in view when older ones are prepended, and asks for them near the top', async () => {
    const layout = fakeLayout(fixture.nativeElement.querySelector('.message-list'));
    await show(items(11, 20));
    older = 0;
    layout.scrollTo(50);
    expect(older).toBe(1);

    await show(items(6, 20));
    // Five rows went in above: the view moves down by exactly their height.
    expect(layout.top()).toBe(50 + 5 * ROW_PX);
  });

  it('keeps the row in view in place when rows above it change', async () => {
    const layout = fakeLayout(fixture.nativeElement.querySelector('.message-list'));
    await show(items(11, 20));
    layout.scrollTo(250);
    // Row 13 is first in view; taking row 11 away above it must not move it.
    await show(items(12, 20));
    expect(layout.top()).toBe(150);
  });

  it('offers "Jump to latest" away from the bottom, counting what arrived since', async () => {
    const layout = fakeLayout(fixture.nativeElement.querySelector('.message-list'));
    await show(items(11, 20));
    const jump = () =>
      Array.from<HTMLButtonElement>(fixture.nativeElement.querySelectorAll('button')).find((b) =>
        b.textContent?.includes('Jump to latest'),
      );
    expect(jump()).toBeUndefined();
    layout.scrollTo(300);
    await fixture.whenStable();
    expect(jump()?.textContent?.replace(/\s+/g, ' ').trim()).toBe('↓ Jump to latest');
    await show(items(11, 22));
    expect(jump()?.textContent).toContain('(2 new)');
    jump()?.click();
    await fixture.whenStable();
    expect(layout.top()).toBe(12 * ROW_PX - VIEW_PX);
    expect(jump()).toBeUndefined();
  });

  it('opens a room at the "new messages" divider', async () => {
    const layout = fakeLayout(fixture.nativeElement.querySelector('.message-list'));
    fixture.componentRef.setInput('roomId', 'r2');
    const withDivider = buildTimelineItems(
      Array.from({ length: 10 }, (_, i) => message(i + 1, { sender: i < 3 ? ALICE : BOB })),
      [],
      ALICE.id,
      { unreadAfterSeq: 3 },
    );
    const divider = () => fixture.nativeElement.querySelector('[data-unread-divider]') as HTMLElement;
    // The divider sits right before row 4 (index 3).
    jest.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const y = this === divider() ? 3 * ROW_PX - layout.top() : 0;
      return { top: y, bottom: y, left: 0, right: 0, width: 0, height: 0, x: 0, y, toJSON: () => ({}) };
    });
    await show(withDivider);
    expect(divider()).not.toBeNull();
    expect(layout.top()).toBe(3 * ROW_PX - 8);
  });

  it('shows the newest message when asked (I sent one), also from up in the history', async () => {
    const layout = fakeLayout(fixture.nativeElement.querySelector('.message-list'));
    await show(items(11, 20));
    layout.scrollTo(100);
    await fixture.whenStable();
    fixture.componentInstance.showLatest();
    await show(items(11, 21));
    expect(layout.top()).toBe(11 * ROW_PX - VIEW_PX);
    expect(fixture.nativeElement.textContent).not.toContain('Jump to latest');
  });

  it('does not pull the reader down when a message arrives while they read history', async () => {
    const layout = fakeLayout(fixture.nativeElement.querySelector('.message-list'));
    await show(items(11, 20));
    layout.scrollTo(400);
    await show(items(11, 21));
    expect(layout.top()).toBe(400);
  });

  it('tells the read marks which is the newest message in view, not the ones below it', async () => {
    const layout = fakeLayout(fixture.nativeElement.querySelector('.message-list'));
    await show(items(1, 10));
    // Opened at the bottom: rows 8-10 are in view.
    expect(readMarks.seen).toHaveBeenLastCalledWith('r1', 10);
    // Rows 3-6 in view, 6 cut off at the bottom: 5 is the newest seen.
    layout.scrollTo(250);
    expect(readMarks.seen).toHaveBeenLastCalledWith('r1', 5);
  });

  it('reports nothing seen before the room is loaded and positioned', async () => {
    fakeLayout(fixture.nativeElement.querySelector('.message-list'));
    fixture.componentRef.setInput('roomId', 'r2');
    fixture.componentRef.setInput('ready', false);
    await show(items(1, 3));
    expect(readMarks.seen).not.toHaveBeenCalled();
  });

  it('says how many unread messages are out of view, and marks them all read on request', async () => {
    fakeLayout(fixture.nativeElement.querySelector('.message-list'));
    await show(items(1, 10));
    const bar = () => fixture.nativeElement.querySelector('.unread-bar') as HTMLElement | null;
    expect(bar()).toBeNull();
    unread.set(4);
    await fixture.whenStable();
    const text = () => bar()?.querySelector('.unread-bar__text')?.textContent?.trim();
    expect(text()).toBe('4 new messages');
    unread.set(1);
    await fixture.whenStable();
    expect(text()).toBe('1 new message');
    Array.from<HTMLButtonElement>(bar()?.querySelectorAll('button') ?? [])
      .find((b) => b.textContent?.includes('Mark as read'))
      ?.click();
    expect(readMarks.markAllRead).toHaveBeenCalledWith('r1');
  });

  it('edits my newest message on request (↑ in the composer), and hands the focus back after', async () => {
    fakeLayout(fixture.nativeElement.querySelector('.message-list'));
    const messages = [message(1, { sender: ALICE }), message(2, { sender: ALICE }), message(3, { sender: BOB })];
    await show(buildTimelineItems(messages, [], ALICE.id));
    const back = jest.fn();
    expect(fixture.componentInstance.editLast(back)).toBe(true);
    await fixture.whenStable();
    const box = fixture.nativeElement.querySelector('textarea') as HTMLTextAreaElement;
    expect(box.value).toBe('hello 2');
    expect(document.activeElement).toBe(box);
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelector('textarea')).toBeNull();
    expect(back).toHaveBeenCalled();

    await show(buildTimelineItems([message(3, { sender: BOB })], [], ALICE.id));
    expect(fixture.componentInstance.editLast(back)).toBe(false);
  });
});
