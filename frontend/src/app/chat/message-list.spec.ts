import { ComponentFixture, TestBed } from '@angular/core/testing';
import { message } from '../../testing/fixtures';
import { ChatStore } from './chat-store';
import { MessageList } from './message-list';
import { buildTimelineItems } from './timeline-items';

const ROW_PX = 100;
const VIEW_PX = 300;

/** jsdom has no layout: give the viewport a height that grows with its rows. */
function fakeLayout(el: HTMLElement): { top: () => number; scrollTo: (top: number) => void } {
  let top = 0;
  Object.defineProperty(el, 'scrollHeight', { get: () => el.querySelectorAll('app-message-item').length * ROW_PX });
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

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: [{ provide: ChatStore, useValue: {} }] });
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

  it('does not pull the reader down when a message arrives while they read history', async () => {
    const layout = fakeLayout(fixture.nativeElement.querySelector('.message-list'));
    await show(items(11, 20));
    layout.scrollTo(400);
    await show(items(11, 21));
    expect(layout.top()).toBe(400);
  });
});
