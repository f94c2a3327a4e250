import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import type { Message } from '@chat/contracts';
import { SessionStore } from '../auth/session-store';
import { byButton, byLabel, typeInto } from '../../testing/dom';
import { ALICE, BOB, flushPromises, message } from '../../testing/fixtures';
import { ChatStore } from './chat-store';
import { MessageDeletion } from './message-deletion';
import { MessageItem, timeAgo } from './message-item';
import { RoomMembersCache } from './room-members-cache';

describe('MessageItem', () => {
  let fixture: ComponentFixture<MessageItem>;
  let root: HTMLElement;
  const chat = {
    edit: jest.fn<Promise<string | null>, [Message, string]>(),
    toggleReaction: jest.fn<Promise<string | null>, [Message, string]>(),
    connection: signal('connected'),
  };
  const names: Record<string, string> = { [ALICE.id]: 'You', [BOB.id]: 'Bob' };
  const deletion = { remove: jest.fn<Promise<string | null>, [Message]>() };

  async function render(m: Message, mine: boolean, canModerate = false): Promise<void> {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        { provide: ChatStore, useValue: chat },
        { provide: MessageDeletion, useValue: deletion },
        { provide: SessionStore, useValue: { user: signal({ ...ALICE, role: 'user' }) } },
        { provide: RoomMembersCache, useValue: { names: (_room: string, ids: string[]) => ids.map((id) => names[id] ?? 'someone') } },
      ],
    });
    fixture = TestBed.createComponent(MessageItem);
    fixture.componentRef.setInput('message', m);
    fixture.componentRef.setInput('mine', mine);
    fixture.componentRef.setInput('canModerate', canModerate);
    root = fixture.nativeElement;
    await fixture.whenStable();
  }

  const hasButton = (text: string) => Array.from(root.querySelectorAll('button')).some((b) => b.textContent?.trim() === text);
  const actionsButton = () => root.querySelector<HTMLButtonElement>('button[aria-label="Message actions"]');

  /** Opens the message's "⋯" and picks an action, as a click would. */
  async function choose(action: 'Edit' | 'Delete'): Promise<void> {
    actionsButton()?.click();
    await fixture.whenStable();
    byButton(root, action).click();
    await fixture.whenStable();
  }

  beforeEach(() => {
    jest.resetAllMocks();
    chat.connection.set('connected');
    localStorage.clear();
  });

  it('renders the body as text, never as HTML', async () => {
    await render(message(1, { body: '<img src=x onerror="alert(1)"> <b>hi</b>' }), false);
    expect(root.querySelector('img, b')).toBeNull();
    expect(root.querySelector('.msg__body')?.textContent).toContain('<img src=x onerror="alert(1)"> <b>hi</b>');
  });

  it('offers edit and delete only on my own messages, a reaction and a thread reply on everyone’s', async () => {
    await render(message(1, { sender: BOB }), false);
    actionsButton()?.click();
    await fixture.whenStable();
    expect(Array.from(root.querySelectorAll('.message-actions__menu button')).map((b) => b.textContent?.trim())).toEqual([
      'Add reaction',
      'Reply in thread',
    ]);
  });

  it('shows a root’s replies as a link that opens its thread, and "Reply in thread" opens it too', async () => {
    const lastReplyAt = new Date(Date.now() - 5 * 60_000).toISOString();
    await render(message(1, { sender: BOB, replyCount: 3, lastReplyAt }), false);
    const link = root.querySelector<HTMLAnchorElement>('a.msg__thread');
    expect(link?.textContent?.replace(/\s+/g, ' ').trim()).toBe('3 replies · last reply 5 min ago');
    expect(link?.getAttribute('href')).toBe('/?thread=m1');
    const navigate = jest.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    actionsButton()?.click();
    await fixture.whenStable();
    byButton(root, 'Reply in thread').click();
    expect(navigate).toHaveBeenCalledWith([], { queryParams: { thread: 'm1', reply: null }, queryParamsHandling: 'merge' });
  });

  it('in a thread panel: no thread link, no "Reply in thread", and a reply never offers one', async () => {
    await render(message(1, { sender: BOB, replyCount: 3 }), false);
    fixture.componentRef.setInput('inThread', true);
    await fixture.whenStable();
    expect(root.querySelector('a.msg__thread')).toBeNull();
    actionsButton()?.click();
    await fixture.whenStable();
    expect(hasButton('Reply in thread')).toBe(false);
  });

  it.each([
    [0.5, 'just now'],
    [5, '5 min ago'],
    [180, '3 h ago'],
    [30 * 60, 'yesterday'],
  ])('says a reply %s minutes old came %s', (minutes, said) => {
    const now = new Date('2026-03-10T12:00:00Z');
    expect(timeAgo(new Date(now.getTime() - minutes * 60_000).toISOString(), now)).toBe(said);
  });

  it('keeps edit and delete behind one "Message actions" button: one tab stop per message', async () => {
    await render(message(1), true);
    expect(Array.from(root.querySelectorAll('button'))).toEqual([actionsButton()]);
    expect(actionsButton()?.getAttribute('aria-expanded')).toBe('false');
    actionsButton()?.click();
    await fixture.whenStable();
    expect(actionsButton()?.getAttribute('aria-expanded')).toBe('true');
    expect(document.activeElement).toBe(byButton(root, 'Add reaction'));
    byButton(root, 'Add reaction').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await fixture.whenStable();
    expect(hasButton('Edit')).toBe(false);
    expect(document.activeElement).toBe(actionsButton());
  });

  it('moves focus into the edit box, caret at the end, and back to the actions after Escape', async () => {
    await render(message(1, { body: 'old text' }), true);
    await choose('Edit');
    const box = byLabel<HTMLTextAreaElement>(root, 'Edit message');
    expect(document.activeElement).toBe(box);
    expect([box.selectionStart, box.selectionEnd]).toEqual([8, 8]);
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    await fixture.whenStable();
    expect(root.querySelector('textarea')).toBeNull();
    expect(document.activeElement).toBe(actionsButton());
  });

  it('refuses a blank edit with a friendly message, without asking the server', async () => {
    await render(message(1, { body: 'old' }), true);
    await choose('Edit');
    const box = byLabel<HTMLTextAreaElement>(root, 'Edit message');
    typeInto(box, '   ');
    byButton(root, 'Save').click();
    await fixture.whenStable();
    expect(chat.edit).not.toHaveBeenCalled();
    expect(root.querySelector('[role="alert"]')?.textContent?.trim()).toBe('A message cannot be empty. To remove it, delete it instead.');
    expect(box.getAttribute('aria-invalid')).toBe('true');
    expect(root.querySelector('textarea')).toBe(box);
  });

  it('edits in place and shows the error when the server refuses', async () => {
    await render(message(1, { body: 'old' }), true);
    await choose('Edit');
    const box = byLabel<HTMLTextAreaElement>(root, 'Edit message');
    expect(box.value).toBe('old');

    chat.edit.mockResolvedValueOnce('Too late to edit');
    typeInto(box, 'new');
    byButton(root, 'Save').click();
    await flushPromises();
    await fixture.whenStable();
    expect(chat.edit).toHaveBeenCalledWith(expect.objectContaining({ id: 'm1' }), 'new');
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('Too late to edit');

    expect(document.activeElement).toBe(box);

    chat.edit.mockResolvedValueOnce(null);
    byButton(root, 'Save').click();
    await flushPromises();
    await fixture.whenStable();
    expect(root.querySelector('textarea')).toBeNull();
    expect(document.activeElement).toBe(actionsButton());
  });

  it('says an edit saved while offline waits for the connection, and finishes it once sent', async () => {
    await render(message(1, { body: 'old' }), true);
    await choose('Edit');
    chat.connection.set('offline');
    let saved: (error: string | null) => void = () => undefined;
    chat.edit.mockReturnValueOnce(new Promise((resolve) => (saved = resolve)));
    typeInto(byLabel<HTMLTextAreaElement>(root, 'Edit message'), 'new');
    byButton(root, 'Save').click();
    await fixture.whenStable();
    expect(root.querySelector('[role="status"]')?.textContent?.trim()).toBe('Waiting for the connection to save…');
    expect(byLabel<HTMLTextAreaElement>(root, 'Edit message').readOnly).toBe(true);
    chat.connection.set('connected');
    saved(null);
    await flushPromises();
    await fixture.whenStable();
    expect(root.querySelector('textarea')).toBeNull();
  });

  it('asks before deleting, focusing Cancel; Escape cancels', async () => {
    await render(message(1), true);
    await choose('Delete');
    expect(root.textContent).toContain('Delete this message?');
    expect(document.activeElement).toBe(byButton(root, 'Cancel'));
    byButton(root, 'Cancel').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await fixture.whenStable();
    expect(root.textContent).not.toContain('Delete this message?');
    expect(document.activeElement).toBe(actionsButton());
    expect(deletion.remove).not.toHaveBeenCalled();
  });

  it('deletes once confirmed and hands the focus back to the page', async () => {
    await render(message(1), true);
    let focusLost = 0;
    fixture.componentInstance.focusLost.subscribe(() => focusLost++);
    deletion.remove.mockResolvedValue(null);
    await choose('Delete');
    byButton(root, 'Delete').click();
    await flushPromises();
    expect(deletion.remove).toHaveBeenCalledWith(expect.objectContaining({ id: 'm1' }));
    expect(focusLost).toBe(1);
  });

  describe('reactions', () => {
    const chip = (emoji: string) => root.querySelector<HTMLButtonElement>(`.reaction[aria-label^="${emoji} "]`);

    it('shows one chip per emoji with its count, pressed where mine is, naming who reacted; a press toggles mine', async () => {
      await render(
        message(1, {
          sender: BOB,
          reactions: [
            { emoji: '👍', count: 2, userIds: [ALICE.id, BOB.id] },
            { emoji: '🎉', count: 25, userIds: [BOB.id] },
          ],
        }),
        false,
      );
      expect(chip('👍')?.getAttribute('aria-pressed')).toBe('true');
      expect(chip('👍')?.title).toBe('You and Bob reacted with 👍');
      expect(chip('👍')?.getAttribute('aria-label')).toBe('👍 2: You and Bob reacted with 👍');
      expect(chip('🎉')?.getAttribute('aria-pressed')).toBe('false');
      expect(chip('🎉')?.title).toBe('Bob and 24 others reacted with 🎉');
      expect(chip('🎉')?.textContent?.replace(/\s+/g, '')).toBe('🎉25');
      chat.toggleReaction.mockResolvedValue(null);
      chip('🎉')?.click();
      await flushPromises();
      expect(chat.toggleReaction).toHaveBeenCalledWith(expect.objectContaining({ id: 'm1' }), '🎉');
    });

    it('shows who reacted on a long press (the context menu of a touch screen)', async () => {
      await render(message(1, { reactions: [{ emoji: '👍', count: 1, userIds: [BOB.id] }] }), true);
      const press = new MouseEvent('contextmenu', { bubbles: true, cancelable: true });
      chip('👍')?.dispatchEvent(press);
      await fixture.whenStable();
      expect(press.defaultPrevented).toBe(true);
      expect(root.querySelector('[role="status"]')?.textContent).toBe('Bob reacted with 👍');
    });

    it('picks from the picker: focus in its search, Enter takes the first match, which is remembered as recently used', async () => {
      await render(message(1, { sender: BOB }), false);
      actionsButton()?.click();
      await fixture.whenStable();
      byButton(root, 'Add reaction').click();
      await fixture.whenStable();
      const search = root.querySelector<HTMLInputElement>('input[aria-label="Search emoji"]');
      expect(document.activeElement).toBe(search);
      typeInto(search as HTMLInputElement, 'tad');
      await fixture.whenStable();
      expect(Array.from(root.querySelectorAll('.emoji-picker__emoji')).map((b) => b.textContent?.trim())).toEqual(['🎉']);
      chat.toggleReaction.mockResolvedValue(null);
      search?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
      await flushPromises();
      await fixture.whenStable();
      expect(chat.toggleReaction).toHaveBeenCalledWith(expect.objectContaining({ id: 'm1' }), '🎉');
      expect(root.querySelector('app-emoji-picker')).toBeNull();
      expect(document.activeElement).toBe(actionsButton());

      byButton(root, '⋯').click();
      await fixture.whenStable();
      byButton(root, 'Add reaction').click();
      await fixture.whenStable();
      expect(root.querySelector('.emoji-picker__heading')?.textContent).toBe('Recently used');
      expect(root.querySelector('.emoji-picker__emoji')?.textContent?.trim()).toBe('🎉');
    });

    it('moves through the emoji with the arrow keys and closes on Escape, focus back on the actions', async () => {
      await render(message(1), true);
      actionsButton()?.click();
      await fixture.whenStable();
      byButton(root, 'Add reaction').click();
      await fixture.whenStable();
      const search = root.querySelector<HTMLInputElement>('input[aria-label="Search emoji"]');
      search?.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true }));
      const emoji = Array.from(root.querySelectorAll<HTMLButtonElement>('.emoji-picker__emoji'));
      expect(document.activeElement).toBe(emoji[0]);
      emoji[0]?.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true }));
      expect(document.activeElement).toBe(emoji[8]);
      emoji[8]?.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true, cancelable: true }));
      expect(document.activeElement).toBe(emoji[7]);
      emoji[7]?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
      await fixture.whenStable();
      expect(root.querySelector('app-emoji-picker')).toBeNull();
      expect(document.activeElement).toBe(actionsButton());
      expect(chat.toggleReaction).not.toHaveBeenCalled();
    });

    it('shows a refused reaction’s reason under the message', async () => {
      await render(message(1, { reactions: [{ emoji: '👍', count: 1, userIds: [BOB.id] }] }), true);
      chat.toggleReaction.mockResolvedValue('Too many edits, deletes or reactions; slow down');
      chip('👍')?.click();
      await flushPromises();
      await fixture.whenStable();
      expect(root.querySelector('[role="alert"]')?.textContent).toContain('slow down');
    });

    it('offers no reactions on an archived room’s messages or a tombstone', async () => {
      await render(message(1, { sender: BOB, reactions: [{ emoji: '👍', count: 1, userIds: [BOB.id] }] }), false);
      fixture.componentRef.setInput('canReact', false);
      await fixture.whenStable();
      expect(actionsButton()).toBeNull();
      expect(chip('👍')?.disabled).toBe(true);
      expect(root.querySelector('button[aria-label="Add reaction"]')).toBeNull();
    });
  });

  it('shows a tombstone for a deleted message', async () => {
    await render(message(1, { body: null, deletedAt: '2024-01-01T00:00:00Z' }), true);
    expect(root.textContent).toContain('This message was deleted.');
    expect(actionsButton()).toBeNull();
  });

  it('makes http(s) links clickable, safely, and leaves everything else as text', async () => {
    await render(message(1, { body: 'see https://example.com/a?b=1 or javascript:alert(1) <a href="x">y</a>' }), false);
    const links = Array.from(root.querySelectorAll('a'));
    expect(links).toHaveLength(1);
    expect(links[0]?.getAttribute('href')).toBe('https://example.com/a?b=1');
    expect(links[0]?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(links[0]?.getAttribute('target')).toBe('_blank');
    expect(root.querySelector('.msg__body')?.textContent).toContain('javascript:alert(1) <a href="x">y</a>');
  });

  it('renders Markdown as elements (bold, code, a code block, a quote, a numbered list, shortcodes), the meta ending the last paragraph', async () => {
    const body = '**Heads up** :tada: run `npm ci`\n\n```\nnpm test\n```\n\n> quoted\n\n3. three\n4. four\n\nthanks';
    await render(message(1, { body, editedAt: '2024-01-01T00:00:00Z' }), true);
    const view = root.querySelector('.msg__body') as HTMLElement;
    expect(view.querySelector('strong')?.textContent).toBe('Heads up');
    expect(view.querySelector('[title=":tada:"]')?.textContent).toBe('🎉');
    expect(view.querySelector('code.md-code')?.textContent).toBe('npm ci');
    expect(view.querySelector('pre')?.textContent).toBe('npm test');
    expect(view.querySelector('blockquote')?.textContent).toBe('quoted');
    expect(view.querySelector('ol')?.getAttribute('start')).toBe('3');
    expect(Array.from(view.querySelectorAll('ol > li')).map((li) => li.textContent)).toEqual(['three', 'four']);
    const paragraphs = view.querySelectorAll(':scope > p');
    expect(paragraphs[paragraphs.length - 1]?.textContent).toBe('thanks (edited) ✓ (sent)');
    expect(view.querySelectorAll('.msg__meta')).toHaveLength(1);
  });

  it('keeps the body text exact, without template white space', async () => {
    await render(message(1, { body: 'two\nlines' }), false);
    expect(root.querySelector('.msg__body')?.textContent).toBe('two\nlines');
  });

  it('marks my messages as sent and names the author for screen readers', async () => {
    await render(message(1), true);
    expect(root.querySelector('.msg__body')?.textContent).toContain('(sent)');
    expect(root.querySelector('article')?.getAttribute('aria-label')).toBe('Message from Alice');
  });

  it("lets a room owner or admin delete someone else's message, but not edit it", async () => {
    await render(message(1, { sender: BOB }), false, true);
    deletion.remove.mockResolvedValue(null);
    actionsButton()?.click();
    await fixture.whenStable();
    expect(hasButton('Edit')).toBe(false);
    byButton(root, 'Delete').click();
    await fixture.whenStable();
    expect(root.textContent).toContain('Delete this message by Bob?');
    byButton(root, 'Delete').click();
    await flushPromises();
    expect(deletion.remove).toHaveBeenCalledWith(expect.objectContaining({ id: 'm1' }));
  });
});
