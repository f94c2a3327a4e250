import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { HttpErrorResponse } from '@angular/common/http';
import { FakeSocketClient } from '../../testing/fake-socket-client';
import { ALICE, BOB, message } from '../../testing/fixtures';
import { SessionStore } from '../auth/session-store';
import { SocketClient } from '../core/socket-client';
import { MODERATOR_DELETE, MessageDeletion } from './message-deletion';

function setup(role: 'user' | 'admin') {
  const socket = new FakeSocketClient();
  socket.remove.mockResolvedValue({ ok: true });
  const moderatorDelete = jest.fn<Promise<void>, [string]>().mockResolvedValue(undefined);
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      MessageDeletion,
      { provide: SocketClient, useValue: socket },
      { provide: MODERATOR_DELETE, useValue: moderatorDelete },
    ],
  });
  TestBed.inject(SessionStore).start({ accessToken: 't', user: { ...ALICE, role } });
  return { deletion: TestBed.inject(MessageDeletion), socket, moderatorDelete };
}

describe('MessageDeletion', () => {
  beforeEach(() => localStorage.clear());

  it('deletes my own messages over the socket, and an admin deletes others through the audited admin API', async () => {
    const { deletion, socket, moderatorDelete } = setup('admin');
    await expect(deletion.remove(message(1))).resolves.toBeNull();
    expect(socket.remove).toHaveBeenCalledWith({ messageId: 'm1' });

    await expect(deletion.remove(message(2, { sender: BOB }))).resolves.toBeNull();
    expect(moderatorDelete).toHaveBeenCalledWith('m2');
    expect(socket.remove).toHaveBeenCalledTimes(1);
  });

  it('lets a room owner who is not an admin delete over the socket', async () => {
    const { deletion, socket, moderatorDelete } = setup('user');
    await expect(deletion.remove(message(2, { sender: BOB }))).resolves.toBeNull();
    expect(socket.remove).toHaveBeenCalledWith({ messageId: 'm2' });
    expect(moderatorDelete).not.toHaveBeenCalled();
  });

  it('returns why a deletion was refused, by either route', async () => {
    const { deletion, socket, moderatorDelete } = setup('admin');
    socket.remove.mockResolvedValue({ ok: false, error: { code: 'FORBIDDEN', message: 'Not yours' } });
    await expect(deletion.remove(message(1))).resolves.toBe('Not yours');
    moderatorDelete.mockRejectedValue(
      new HttpErrorResponse({ status: 404, error: { error: { code: 'NOT_FOUND', message: 'Message not found' } } }),
    );
    await expect(deletion.remove(message(2, { sender: BOB }))).resolves.toBe('Message not found');
  });
});
