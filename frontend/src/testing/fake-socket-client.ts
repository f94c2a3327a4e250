import { signal } from '@angular/core';
import type { Ack, Message, SyncResult } from '@chat/contracts';
import type { SendMessageRequest, SyncRequest } from '@chat/contracts';
import type { ServerEventName, ServerPayload } from '../app/core/socket-client';

/** Stands in for SocketClient: tests fire server events and script acks. */
export class FakeSocketClient {
  readonly connected = signal(true);
  readonly state = signal('connected');
  private readonly handlers = new Map<string, Array<(payload: unknown) => void>>();
  readonly send = jest.fn<Promise<Ack<{ message: Message }>>, [SendMessageRequest]>();
  readonly sync = jest.fn<Promise<Ack<SyncResult>>, [SyncRequest]>();
  readonly markRead = jest.fn<Promise<Ack>, [{ roomId: string; seq: number }]>().mockResolvedValue({ ok: true });
  readonly edit = jest.fn();
  readonly remove = jest.fn();
  readonly react = jest.fn<Promise<Ack<{ message: Message }>>, [{ messageId: string; emoji: string }, boolean]>();
  readonly typing = jest.fn();

  on<E extends ServerEventName>(event: E, handler: (payload: ServerPayload<E>) => void): () => void {
    const list = this.handlers.get(event) ?? [];
    const entry = handler as (payload: unknown) => void;
    list.push(entry);
    this.handlers.set(event, list);
    return () =>
      this.handlers.set(
        event,
        (this.handlers.get(event) ?? []).filter((h) => h !== entry),
      );
  }

  fire<E extends ServerEventName>(event: E, payload: ServerPayload<E>): void {
    for (const handler of this.handlers.get(event) ?? []) handler(payload);
  }
}
