import type { Ack, Message } from '@chat/contracts';
import type { SendMessageRequest } from '@chat/contracts';

export type OutboxStatus = 'sending' | 'failed';

/** A message the user sent that the server has not confirmed yet. */
export interface OutboxEntry {
  readonly clientMsgId: string;
  readonly roomId: string;
  readonly body: string;
  readonly createdAt: string;
  readonly status: OutboxStatus;
  /** Why the last attempt failed. */
  readonly error: string | null;
  /** Whether resending may help (outage, timeout), as opposed to a refusal (validation, access). */
  readonly retryable: boolean;
  readonly attempts: number;
}

export type SendFn = (req: SendMessageRequest) => Promise<Ack<{ message: Message }>>;

export interface OutboxOptions {
  send: SendFn;
  /** The server's copy of a sent message, to put into the timeline. */
  onSent: (message: Message) => void;
  /** Whether requests may go out now (connected, and the session announced). */
  online: () => boolean;
  /** A room's pending entries changed. */
  onChange?: (roomId: string) => void;
  newId?: () => string;
  now?: () => Date;
}

const RETRYABLE_CODES: ReadonlySet<string> = new Set(['UNAVAILABLE', 'INTERNAL', 'RATE_LIMITED']);

/**
 * Messages on their way to the server. Each gets a clientMsgId once; every resend reuses it,
 * so the server stores the message at most once however often we retry.
 * Plain TypeScript: the socket is behind `send`.
 */
export class Outbox {
  /** Insertion-ordered, so resends go out in the order the user wrote. */
  private readonly entries = new Map<string, OutboxEntry>();
  private readonly inFlight = new Set<string>();
  private readonly newId: () => string;
  private readonly now: () => Date;

  constructor(private readonly options: OutboxOptions) {
    this.newId = options.newId ?? (() => crypto.randomUUID());
    this.now = options.now ?? (() => new Date());
  }

  /** Unconfirmed messages of a room, oldest first. */
  pending(roomId: string): OutboxEntry[] {
    return [...this.entries.values()].filter((e) => e.roomId === roomId);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Every entry, in the order written (for persisting). */
  snapshot(): OutboxEntry[] {
    return [...this.entries.values()];
  }

  /**
   * Puts back entries saved before a reload. They keep their clientMsgId, so resending one the
   * server already stored returns the original instead of a duplicate.
   */
  restore(saved: readonly OutboxEntry[]): void {
    const rooms = new Set<string>();
    for (const entry of saved) {
      if (this.entries.has(entry.clientMsgId)) continue;
      this.entries.set(entry.clientMsgId, { ...entry });
      rooms.add(entry.roomId);
    }
    if (rooms.size === 0) return;
    for (const roomId of rooms) this.changed(roomId);
    this.resume();
  }

  /** While offline, new messages wait; back online, this resends everything unsent that may succeed. */
  resume(): void {
    if (!this.options.online()) return;
    for (const entry of [...this.entries.values()]) {
      if (this.inFlight.has(entry.clientMsgId)) continue;
      if (entry.status === 'sending' || entry.retryable) this.dispatch(entry.clientMsgId);
    }
  }

  /** Queues a (valid, normalized) body and sends it at once when online. */
  enqueue(roomId: string, body: string): OutboxEntry {
    const entry: OutboxEntry = {
      clientMsgId: this.newId(),
      roomId,
      body,
      createdAt: this.now().toISOString(),
      status: 'sending',
      error: null,
      retryable: true,
      attempts: 0,
    };
    this.entries.set(entry.clientMsgId, entry);
    this.changed(roomId);
    if (this.options.online()) this.dispatch(entry.clientMsgId);
    return entry;
  }

  /** The Retry button: same clientMsgId, same body. */
  retry(clientMsgId: string): void {
    const entry = this.entries.get(clientMsgId);
    if (!entry || this.inFlight.has(clientMsgId)) return;
    this.update(clientMsgId, { status: 'sending', error: null });
    if (this.options.online()) this.dispatch(clientMsgId);
  }

  discard(clientMsgId: string): void {
    const entry = this.entries.get(clientMsgId);
    if (entry && this.entries.delete(clientMsgId)) this.changed(entry.roomId);
  }

  /**
   * A server message arrived (live event or sync): if it is one of ours, it is sent.
   * Returns whether it settled an entry.
   */
  settle(message: Message): boolean {
    const entry = this.entries.get(message.clientMsgId);
    if (!entry || entry.roomId !== message.roomId) return false;
    this.entries.delete(message.clientMsgId);
    this.changed(entry.roomId);
    return true;
  }

  forgetRoom(roomId: string): void {
    let removed = false;
    for (const entry of [...this.entries.values()]) {
      if (entry.roomId === roomId) removed = this.entries.delete(entry.clientMsgId) || removed;
    }
    if (removed) this.changed(roomId);
  }

  private dispatch(clientMsgId: string): void {
    const entry = this.entries.get(clientMsgId);
    if (!entry) return;
    this.inFlight.add(clientMsgId);
    this.update(clientMsgId, { status: 'sending', error: null, attempts: entry.attempts + 1 });
    void this.options.send({ roomId: entry.roomId, clientMsgId, body: entry.body }).then((ack) => {
      this.inFlight.delete(clientMsgId);
      if (ack.ok) {
        if (this.entries.delete(clientMsgId)) this.changed(entry.roomId);
        // Even if the user discarded it meanwhile, the server has it: show what is true.
        this.options.onSent(ack.message);
        return;
      }
      this.update(clientMsgId, {
        status: 'failed',
        error: ack.error.message,
        retryable: RETRYABLE_CODES.has(ack.error.code),
      });
    });
  }

  private update(clientMsgId: string, patch: Partial<OutboxEntry>): void {
    const entry = this.entries.get(clientMsgId);
    if (!entry) return;
    this.entries.set(clientMsgId, { ...entry, ...patch });
    this.changed(entry.roomId);
  }

  private changed(roomId: string): void {
    this.options.onChange?.(roomId);
  }
}
