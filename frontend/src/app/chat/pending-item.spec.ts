import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { byButton } from '../../testing/dom';
import { SessionStore } from '../auth/session-store';
import { ChatStore } from './chat-store';
import type { OutboxEntry } from './outbox';
import { PendingItem } from './pending-item';

const entry = (patch: Partial<OutboxEntry> = {}): OutboxEntry => ({
  clientMsgId: 'c1',
  roomId: 'r1',
  body: 'on its way',
  createdAt: '2024-01-01T12:00:00.000Z',
  status: 'sending',
  error: null,
  retryable: true,
  attempts: 1,
  ...patch,
});

describe('PendingItem', () => {
  const connection = signal('connected');
  const chat = { connection, retry: jest.fn(), discard: jest.fn() };

  async function render(e: OutboxEntry): Promise<HTMLElement> {
    TestBed.configureTestingModule({ providers: [provideRouter([]), { provide: ChatStore, useValue: chat }] });
    TestBed.inject(SessionStore).start({ accessToken: 't', user: { id: 'u1', username: 'alice', displayName: 'Alice', role: 'user' } });
    const fixture = TestBed.createComponent(PendingItem);
    fixture.componentRef.setInput('entry', e);
    await fixture.whenStable();
    return fixture.nativeElement;
  }

  beforeEach(() => {
    localStorage.clear();
    connection.set('connected');
    jest.resetAllMocks();
  });

  it('shows the message as sending while connected, as waiting while not', async () => {
    const root = await render(entry());
    expect(root.textContent).toContain('on its way');
    expect(root.textContent).toContain('Sending…');
    connection.set('reconnecting');
    TestBed.tick();
    expect(root.textContent).toContain('Waiting for the connection to send…');
    expect(root.querySelector('article')?.getAttribute('aria-label')).toBe('Message from Alice, not sent yet');
  });

  it('offers retry and discard when it failed', async () => {
    const root = await render(entry({ status: 'failed', error: 'Not a member', retryable: false }));
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('Not sent: Not a member');
    byButton(root, 'Retry').click();
    expect(chat.retry).toHaveBeenCalledWith('c1');
    byButton(root, 'Discard').click();
    expect(chat.discard).toHaveBeenCalledWith('c1');
  });
});
