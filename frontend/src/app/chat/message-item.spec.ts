import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { Message } from '@chat/contracts';
import { byButton, byLabel, typeInto } from '../../testing/dom';
import { BOB, flushPromises, message } from '../../testing/fixtures';
import { ChatStore } from './chat-store';
import { MessageItem } from './message-item';

describe('MessageItem', () => {
  let fixture: ComponentFixture<MessageItem>;
  let root: HTMLElement;
  const chat = {
    edit: jest.fn<Promise<string | null>, [Message, string]>(),
    remove: jest.fn<Promise<string | null>, [Message]>(),
  };

  async function render(m: Message, mine: boolean): Promise<void> {
    TestBed.configureTestingModule({ providers: [{ provide: ChatStore, useValue: chat }] });
    fixture = TestBed.createComponent(MessageItem);
    fixture.componentRef.setInput('message', m);
    fixture.componentRef.setInput('mine', mine);
    root = fixture.nativeElement;
    await fixture.whenStable();
  }

  const hasButton = (text: string) => Array.from(root.querySelectorAll('button')).some((b) => b.textContent?.trim() === text);

  beforeEach(() => jest.resetAllMocks());

  it('renders the body as text, never as HTML', async () => {
    await render(message(1, { body: '<img src=x onerror="alert(1)"> <b>hi</b>' }), false);
    expect(root.querySelector('img, b')).toBeNull();
    expect(root.querySelector('.msg__body')?.textContent).toContain('<img src=x onerror="alert(1)"> <b>hi</b>');
  });

  it('offers edit and delete only on my own messages', async () => {
    await render(message(1, { sender: BOB }), false);
    expect(hasButton('Edit')).toBe(false);
    expect(hasButton('Delete')).toBe(false);
  });

  it('edits in place and shows the error when the server refuses', async () => {
    await render(message(1, { body: 'old' }), true);
    byButton(root, 'Edit').click();
    await fixture.whenStable();
    const box = byLabel<HTMLTextAreaElement>(root, 'Edit message');
    expect(box.value).toBe('old');

    chat.edit.mockResolvedValueOnce('Too late to edit');
    typeInto(box, 'new');
    byButton(root, 'Save').click();
    await flushPromises();
    await fixture.whenStable();
    expect(chat.edit).toHaveBeenCalledWith(expect.objectContaining({ id: 'm1' }), 'new');
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('Too late to edit');

    chat.edit.mockResolvedValueOnce(null);
    byButton(root, 'Save').click();
    await flushPromises();
    await fixture.whenStable();
    expect(root.querySelector('textarea')).toBeNull();
  });

  it('asks before deleting', async () => {
    await render(message(1), true);
    chat.remove.mockResolvedValue(null);
    byButton(root, 'Delete').click();
    await fixture.whenStable();
    expect(chat.remove).not.toHaveBeenCalled();
    expect(root.textContent).toContain('Delete this message?');
    byButton(root, 'Delete').click();
    await flushPromises();
    expect(chat.remove).toHaveBeenCalledWith(expect.objectContaining({ id: 'm1' }));
  });

  it('shows a tombstone for a deleted message', async () => {
    await render(message(1, { body: null, deletedAt: '2024-01-01T00:00:00Z' }), true);
    expect(root.textContent).toContain('This message was deleted.');
    expect(hasButton('Edit')).toBe(false);
  });
});
