import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { FakeSocketClient } from '../../testing/fake-socket-client';
import { ALICE, BOB, message } from '../../testing/fixtures';
import { SessionStore } from '../auth/session-store';
import { SocketClient } from '../core/socket-client';
import { TypingIndicators } from './typing-indicators';

function setup() {
  const socket = new FakeSocketClient();
  TestBed.configureTestingModule({ providers: [provideRouter([]), TypingIndicators, { provide: SocketClient, useValue: socket }] });
  TestBed.inject(SessionStore).start({ accessToken: 't', user: { ...ALICE, role: 'user' } });
  return { typing: TestBed.inject(TypingIndicators), socket };
}

const bobTyping = { roomId: 'r1', user: { id: BOB.id, username: 'bob', displayName: 'Bob Builder' }, typing: true };

describe('TypingIndicators', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => jest.useRealTimers());

  it('shows who is typing by display name, but never myself, until their message arrives', () => {
    const { typing, socket } = setup();
    socket.fire('typing', bobTyping);
    socket.fire('typing', { roomId: 'r1', user: { id: ALICE.id, username: 'alice', displayName: 'Alice' }, typing: true });
    expect(typing.text('r1')).toBe('Bob Builder is typing…');
    expect(typing.text('r2')).toBe('');
    socket.fire('message:new', { message: message(1, { sender: BOB }) });
    expect(typing.text('r1')).toBe('');
  });

  it('lets an indicator expire by itself', () => {
    jest.useFakeTimers();
    const { typing, socket } = setup();
    socket.fire('typing', bobTyping);
    expect(typing.text('r1')).toBe('Bob Builder is typing…');
    jest.advanceTimersByTime(10_000);
    expect(typing.text('r1')).toBe('');
  });

  it('sends my typing once per burst and stops it when I send', () => {
    const { typing, socket } = setup();
    typing.input('r1', true);
    typing.input('r1', true);
    typing.stop();
    expect(socket.typing.mock.calls).toEqual([[{ roomId: 'r1', typing: true }], [{ roomId: 'r1', typing: false }]]);
  });
});
