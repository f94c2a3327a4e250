import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { Message } from '@chat/contracts';
import { byButton, byLabel, typeInto } from '../../testing/dom';
import { BOB, flushPromises, message } from '../../testing/fixtures';
import { ChatStore } from './chat-store';
import { MessageDeletion } from './message-deletion';
import { MessageItem } from './message-item';

describe('MessageItem', () => {
  let fixture: ComponentFixture<MessageItem>;
  let root: HTMLElement;
  const chat = { edit: jest.fn<Promise<string | null>, [Message, string]>() };
  const deletion = { remove: jest.fn<Promise<string | null>, [Message]>() };

  async function render(m: Message, mine: boolean, canModerate = false): Promise<void> {
    TestBed.configureTestingModule({
      providers: [
        { provide: ChatStore, useValue: chat },
        { provide: MessageDeletion, useValue: deletion },
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

  beforeEach(() => jest.resetAllMocks());

  it('renders the body as text, never as HTML', async () => {
    await render(message(1, { body: '<img src=x onerror="alert(1)"> <b>hi</b>' }), false);
    expect(root.querySelector('img, b')).toBeNull();
    expect(root.querySelector('.msg__body')?.textContent).toContain('<img src=x onerror="alert(1)"> <b>hi</b>');
  });

  it('offers edit and delete only on my own messages', async () => {
    await render(message(1, { sender: BOB }), false);
    expect(actionsButton()).toBeNull();
  });

  it('keeps edit and delete behind one "Message actions" button: one tab stop per message', async () => {
    await render(message(1), true);
    expect(Array.from(root.querySelectorAll('button'))).toEqual([actionsButton()]);
    expect(actionsButton()?.getAttribute('aria-expanded')).toBe('false');
    actionsButton()?.click();
    await fixture.whenStable();
    expect(actionsButton()?.getAttribute('aria-expanded')).toBe('true');
    expect(document.activeElement).toBe(byButton(root, 'Edit'));
    byButton(root, 'Edit').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
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
