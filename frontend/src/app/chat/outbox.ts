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
  /** Runs `resend` after `ms` (setTimeout by default): a rate-limited send goes out again by itself. */
  later?: (resend: () => void, ms: number) => void;
}

/** The longest RATE_LIMITED wait the outbox sits out by itself; a longer one waits for the Retry button. */
export const MAX_AUTO_RESEND_MS = 60_000;

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
  private readonly later: (resend: () => void, ms: number) => void;

  constructor(private readonly options: OutboxOptions) {
    this.newId = options.newId ?? (() => crypto.randomUUID());
    this.now = options.now ?? (() => new Date());
    this.later = options.later ?? ((resend, ms) => setTimeout(resend, ms));
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
      const wait = ack.error.code === 'RATE_LIMITED' ? ack.error.retryAfterMs : undefined;
      const resends = wait !== undefined && wait <= MAX_AUTO_RESEND_MS;
      this.update(clientMsgId, {
        status: 'failed',
        error: resends ? `Sending too fast: trying again in ${Math.max(1, Math.ceil(wait / 1000))} s` : ack.error.message,
        retryable: RETRYABLE_CODES.has(ack.error.code),
      });
      if (resends) this.later(() => this.resendIfStillFailed(clientMsgId), wait);
    });
  }

  /** The rate limit's wait is over: resend unless it was sent, discarded or retried meanwhile. */
  private resendIfStillFailed(clientMsgId: string): void {
    const entry = this.entries.get(clientMsgId);
    if (entry?.status === 'failed' && !this.inFlight.has(clientMsgId) && this.options.online()) this.dispatch(clientMsgId);
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
