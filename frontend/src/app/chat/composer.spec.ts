import { ComponentFixture, TestBed } from '@angular/core/testing';
import { LIMITS } from '@chat/contracts';
import { byButton, byLabel, typeInto } from '../../testing/dom';
import { Composer } from './composer';

describe('Composer', () => {
  let fixture: ComponentFixture<Composer>;
  let root: HTMLElement;
  let sent: string[];

  beforeEach(async () => {
    fixture = TestBed.createComponent(Composer);
    root = fixture.nativeElement;
    sent = [];
    fixture.componentInstance.send.subscribe((body) => sent.push(body));
    await fixture.whenStable();
  });

  const box = () => byLabel<HTMLTextAreaElement>(root, 'Message');
  const sendButton = () => byButton(root, 'Send');

  async function type(text: string): Promise<void> {
    typeInto(box(), text);
    await fixture.whenStable();
  }

  function press(key: string, init: KeyboardEventInit = {}): KeyboardEvent {
    const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
    box().dispatchEvent(event);
    return event;
  }

  it('disables Send until there is something to send', async () => {
    expect(sendButton().disabled).toBe(true);
    await type('   \n ');
    expect(sendButton().disabled).toBe(true);
    await type('hello');
    expect(sendButton().disabled).toBe(false);
  });

  it('asks to edit my last message on ↑ in the empty box, and only there', async () => {
    let asked = 0;
    fixture.componentInstance.editLast.subscribe(() => asked++);
    expect(press('ArrowUp').defaultPrevented).toBe(true);
    expect(asked).toBe(1);
    expect(press('ArrowUp', { altKey: true }).defaultPrevented).toBe(false);
    await type('a line\nand another');
    expect(press('ArrowUp').defaultPrevented).toBe(false);
    expect(asked).toBe(1);
  });

  it('sends on Enter and clears the box', async () => {
    await type('hello');
    const event = press('Enter');
    await fixture.whenStable();
    expect(event.defaultPrevented).toBe(true);
    expect(sent).toEqual(['hello']);
    expect(box().value).toBe('');
    expect(fixture.componentInstance.text()).toBe('');
  });

  it('keeps Shift+Enter for a new line', async () => {
    await type('line one');
    const event = press('Enter', { shiftKey: true });
    expect(event.defaultPrevented).toBe(false);
    expect(sent).toEqual([]);
  });

  it('does not send an empty message on Enter', async () => {
    press('Enter');
    expect(sent).toEqual([]);
  });

  it('sends with the button', async () => {
    await type('by click');
    sendButton().click();
    await fixture.whenStable();
    expect(sent).toEqual(['by click']);
  });

  it('shows a counter near the limit and refuses too long messages', async () => {
    await type('short');
    expect(root.querySelector('.composer__counter')).toBeNull();

    await type('a'.repeat(LIMITS.messageBodyMax - 10));
    expect(root.querySelector('.composer__counter')?.textContent?.trim()).toBe('10 characters left');
    expect(box().getAttribute('aria-describedby')).toBe(`${box().id.replace(/-input$/, '')}-counter`);
    expect(sendButton().disabled).toBe(false);

    await type('a'.repeat(LIMITS.messageBodyMax + 1));
    expect(root.querySelector('.composer__counter.is-over')?.textContent?.trim()).toBe('1 over the limit');
    expect(box().getAttribute('aria-invalid')).toBe('true');
    expect(sendButton().disabled).toBe(true);
    press('Enter');
    expect(sent).toEqual([]);
  });

  it('grows with its text where the browser cannot size it by itself', async () => {
    Object.defineProperty(box(), 'scrollHeight', { configurable: true, get: () => 120 });
    await type('one\ntwo\nthree\nfour');
    expect(box().style.height).toBe('120px');
    Object.defineProperty(box(), 'scrollHeight', { configurable: true, get: () => 900 });
    await type('many lines');
    expect(box().style.height).toBe('192px');
  });

  it('shows the draft it is given (one per room)', async () => {
    fixture.componentRef.setInput('text', 'draft of room 2');
    await fixture.whenStable();
    expect(box().value).toBe('draft of room 2');
  });

  describe('@ suggestions', () => {
    const options = () => Array.from(root.querySelectorAll<HTMLElement>('[role="option"]'));
    const people = [
      { username: 'bob', displayName: 'Bob Builder' },
      { username: 'bobby', displayName: 'Bobby Tables' },
      { username: 'carol', displayName: 'Carol Danvers' },
    ];

    beforeEach(async () => {
      fixture.componentRef.setInput('mentionables', people);
      await fixture.whenStable();
    });

    it('lists matching members and @room as I type, the first one active for the box', async () => {
      await type('hi @bo');
      expect(options().map((o) => o.textContent?.replace(/\s+/g, ' ').trim())).toEqual(['Bob Builder @bob', 'Bobby Tables @bobby']);
      const id = box().id.replace(/-input$/, '');
      expect(box().getAttribute('aria-controls')).toBe(`${id}-mentions`);
      expect(box().getAttribute('aria-activedescendant')).toBe(`${id}-mention-0`);
      expect(document.getElementById(`${id}-mentions`)).not.toBeNull();
      await type('hi @r');
      expect(options().map((o) => o.textContent?.replace(/\s+/g, ' ').trim())).toEqual(['Everyone in this room @room']);
      await type('mail me at me@b');
      expect(options()).toEqual([]);
    });

    it('moves with ↓/↑ and takes one with Enter or Tab instead of sending; the caret goes after it', async () => {
      await type('hi @bo');
      press('ArrowDown');
      await fixture.whenStable();
      expect(options()[1]?.getAttribute('aria-selected')).toBe('true');
      expect(press('Enter').defaultPrevented).toBe(true);
      await fixture.whenStable();
      expect(sent).toEqual([]);
      expect(box().value).toBe('hi @bobby ');
      expect(box().selectionStart).toBe(10);
      expect(options()).toEqual([]);
      await type('hi @bobby and @c');
      press('Tab');
      await fixture.whenStable();
      expect(box().value).toBe('hi @bobby and @carol ');
    });

    it('closes on Escape (without leaving the page’s other Escape handlers a say), and a click takes one', async () => {
      await type('@ca');
      const escape = press('Escape');
      await fixture.whenStable();
      expect(escape.defaultPrevented).toBe(true);
      expect(options()).toEqual([]);
      await type('@ca and @b');
      options()[0]?.click();
      await fixture.whenStable();
      expect(box().value).toBe('@ca and @bob ');
      press('Enter');
      expect(sent).toEqual(['@ca and @bob ']);
    });
  });
});
