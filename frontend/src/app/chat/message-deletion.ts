import { Injectable, InjectionToken, inject } from '@angular/core';
import type { Message } from '@chat/contracts';
import { SessionStore } from '../auth/session-store';
import { errorMessage } from '../core/api-error';
import { SocketClient } from '../core/socket-client';

/**
 * How an admin deletes someone else's message: through the admin API, which audits it.
 * The admin layer sits above chat, so the shell provides this instead of chat importing it.
 */
export const MODERATOR_DELETE = new InjectionToken<(messageId: string) => Promise<void>>('MODERATOR_DELETE');

/** Deleting a message, by whichever route the acting user must take. Provided by the shell. */
@Injectable()
export class MessageDeletion {
  private readonly socket = inject(SocketClient);
  private readonly session = inject(SessionStore);
  private readonly moderatorDelete = inject(MODERATOR_DELETE);

  /** Returns an error message, or null; the tombstone arrives as `message:deleted`. */
  async remove(message: Message): Promise<string | null> {
    const me = this.session.user();
    if (me?.role === 'admin' && message.sender.id !== me.id) {
      try {
        await this.moderatorDelete(message.id);
        return null;
      } catch (err) {
        return errorMessage(err);
      }
    }
    const ack = await this.socket.remove({ messageId: message.id });
    return ack.ok ? null : ack.error.message;
  }
}
