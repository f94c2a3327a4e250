import { ComponentFixture, TestBed } from '@angular/core/testing';
import { ALICE, BOB, message } from '../../testing/fixtures';
import { ChatStore } from './chat-store';
import { MessageDeletion } from './message-deletion';
import { MessageList } from './message-list';
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

  afterEach(() => jest.restoreAllMocks());

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        { provide: ChatStore, useValue: {} },
        { provide: MessageDeletion, useValue: {} },
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
});
