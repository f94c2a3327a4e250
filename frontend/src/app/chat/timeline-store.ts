import type { Ack, ApiError, HistoryPage, Message, MessageDeletedEvent, MessageSender, RoomHead, SyncResult } from '@chat/contracts';
import type { SyncRequest } from '@chat/contracts';

/** How the store asks the server for missed events (`room:sync`). */
export type SyncFn = (req: SyncRequest) => Promise<Ack<SyncResult>>;

export interface TimelineStoreOptions {
  sync: SyncFn;
  /** Called after any change to a room's messages or load state. */
  onChange?: (roomId: string) => void;
  /** Called when catching up failed for good (after retries, or a non-retryable error). */
  onSyncError?: (roomId: string, error: ApiError) => void;
  /** Page size for `room:sync`; the server's default when omitted. */
  syncLimit?: number;
  /** Retries of a failed sync for transient errors, and the base delay between them. */
  syncRetries?: number;
  syncRetryDelayMs?: number;
  schedule?: (fn: () => void, delayMs: number) => void;
}

/** Where a message came from: a room broadcast, or the ack of our own request. */
export type MessageOrigin = 'event' | 'ack';

/** What applying a live event did. */
export type ApplyOutcome = 'untracked' | 'applied' | 'stale' | 'gap';

const RETRYABLE_CODES: ReadonlySet<string> = new Set(['UNAVAILABLE', 'INTERNAL', 'RATE_LIMITED']);

class RoomTimeline {
  readonly byId = new Map<string, Message>();
  private sorted: readonly Message[] | null = [];
  /** Every timeline event with seq <= this has been applied (for the loaded window). */
  lastAppliedSeq = 0;
  /** Highest seq heard of from any source; > lastAppliedSeq means a catch-up is due. */
  knownHeadSeq = 0;
  /** False until the newest history page is in: until then there is no baseline. */
  ready = false;
  hasOlder = true;
  syncing = false;
  syncFailures = 0;

  constructor(readonly roomId: string) {}

  get messages(): readonly Message[] {
    if (this.sorted === null) this.sorted = [...this.byId.values()].sort((a, b) => a.seq - b.seq);
    return this.sorted;
  }

  get oldestSeq(): number | null {
    return this.messages[0]?.seq ?? null;
  }

  /** Stores a message unless we hold the same or a newer version. Returns whether it changed. */
  merge(message: Message, extendWindow = false): boolean {
    const current = this.byId.get(message.id);
    if (current) {
      if (message.updatedSeq <= current.updatedSeq) return false;
    } else if (!extendWindow && this.outsideWindow(message.seq)) {
      // Older than what is loaded: the history page that covers it will bring it.
      return false;
    }
    this.byId.set(message.id, message);
    this.sorted = null;
    return true;
  }

  tombstone(messageId: string, seq: number): boolean {
    const current = this.byId.get(messageId);
    if (!current || seq <= current.updatedSeq) return false;
    this.byId.set(messageId, {
      ...current,
      body: null,
      updatedSeq: seq,
      deletedAt: current.deletedAt ?? new Date().toISOString(),
      reactions: [],
    });
    this.sorted = null;
    return true;
  }

  /** Shows a sender's new display name on every message of theirs held here. Returns whether any changed. */
  renameSender(sender: MessageSender): boolean {
    let changed = false;
    for (const [id, message] of this.byId) {
      if (message.sender.id !== sender.id || message.sender.displayName === sender.displayName) continue;
      this.byId.set(id, { ...message, sender: { ...message.sender, displayName: sender.displayName } });
      changed = true;
    }
    if (changed) this.sorted = null;
    return changed;
  }

  private outsideWindow(seq: number): boolean {
    const oldest = this.oldestSeq;
    return this.ready && this.hasOlder && oldest !== null && seq < oldest;
  }
}

/**
 * Per-room message timelines, kept exact with the server's gapless seq numbers.
 * Plain TypeScript: no Angular, no socket. Messages are keyed by id and ordered by seq;
 * live events are applied idempotently by updatedSeq, and a gap in seq triggers `room:sync`
 * paged until `hasMore` is false.
 */
export class TimelineStore {
  private readonly rooms = new Map<string, RoomTimeline>();
  private readonly schedule: (fn: () => void, delayMs: number) => void;

  constructor(private readonly options: TimelineStoreOptions) {
    this.schedule = options.schedule ?? ((fn, delayMs) => setTimeout(fn, delayMs));
  }

  // --- Reading --------------------------------------------------------------------------

  isTracked(roomId: string): boolean {
    return this.rooms.has(roomId);
  }

  isReady(roomId: string): boolean {
    return this.rooms.get(roomId)?.ready ?? false;
  }

  /** Messages of a room in seq order (tombstones included). */
  messages(roomId: string): readonly Message[] {
    return this.rooms.get(roomId)?.messages ?? [];
  }

  message(roomId: string, messageId: string): Message | undefined {
    return this.rooms.get(roomId)?.byId.get(messageId);
  }

  lastAppliedSeq(roomId: string): number {
    return this.rooms.get(roomId)?.lastAppliedSeq ?? 0;
  }

  hasOlder(roomId: string): boolean {
    return this.rooms.get(roomId)?.hasOlder ?? false;
  }

  oldestSeq(roomId: string): number | null {
    return this.rooms.get(roomId)?.oldestSeq ?? null;
  }

  isSyncing(roomId: string): boolean {
    return this.rooms.get(roomId)?.syncing ?? false;
  }

  // --- Loading --------------------------------------------------------------------------

  /**
   * Starts tracking a room before its first page arrives, so live events that race the
   * history request are not lost.
   */
  track(roomId: string): void {
    if (!this.rooms.has(roomId)) this.rooms.set(roomId, new RoomTimeline(roomId));
  }

  /**
   * Installs the newest history page (newest first, as `GET /messages` returns it), and the
   * older pages fetched right after it (newest first too), all at once: e.g. back to the first
   * unread message. `headSeq` is the room's lastSeq as far as the caller knows; if it is ahead
   * of the newest page, the store catches up with `room:sync`.
   */
  initialize(roomId: string, page: HistoryPage, headSeq = 0, olderPages: readonly HistoryPage[] = []): void {
    this.track(roomId);
    const room = this.require(roomId);
    if (room.ready) return;
    for (const message of page.messages) room.merge(message);
    for (const older of olderPages) for (const message of older.messages) room.merge(message, true);
    // Everything up to the newest page's newest change is reflected in it; events in between
    // can only touch older messages, which older pages hold in their current state. Only the
    // newest page sets the baseline: an older page fetched later may show a newer edit, but
    // not the events before that edit (a catch-up brings them).
    const pageHead = Math.max(0, ...page.messages.map((m) => m.updatedSeq));
    const olderHead = Math.max(0, ...olderPages.flatMap((p) => p.messages.map((m) => m.updatedSeq)));
    room.lastAppliedSeq = Math.max(room.lastAppliedSeq, pageHead);
    room.knownHeadSeq = Math.max(room.knownHeadSeq, headSeq, pageHead, olderHead);
    room.hasOlder = (olderPages[olderPages.length - 1] ?? page).hasMore;
    room.ready = true;
    this.changed(roomId);
    this.catchUpIfBehind(room);
  }

  /** Adds an older history page (scrolling up). */
  prependOlder(roomId: string, page: HistoryPage): void {
    const room = this.rooms.get(roomId);
    if (!room?.ready) return;
    for (const message of page.messages) room.merge(message, true);
    room.hasOlder = page.hasMore;
    this.changed(roomId);
  }

  /** Stops tracking a room (left it, or lost access). */
  forget(roomId: string): void {
    if (this.rooms.delete(roomId)) this.changed(roomId);
  }

  // --- Live events ----------------------------------------------------------------------

  /** A user changed their display name (`user:updated`): their messages show it, as history would. */
  renameSender(sender: MessageSender): void {
    for (const room of this.rooms.values()) if (room.renameSender(sender)) this.changed(room.roomId);
  }

  /**
   * A message from a live event (`message:new`, `message:updated`) or from the ack of our own
   * send or edit: one insert, idempotent by id and updatedSeq (the event's seq), so the sender's
   * copy can arrive both ways in any order. An ack is sent straight to us while the broadcasts of
   * the events before it may still be on their way through Redis, so a gap an ack reveals waits
   * for them (or the next event, or `session:ready`) instead of starting a sync.
   */
  applyMessage(message: Message, origin: MessageOrigin = 'event'): ApplyOutcome {
    return this.applyEvent(message.roomId, message.updatedSeq, (room) => room.merge(message), origin === 'event');
  }

  /** `message:deleted`. */
  applyDeleted(event: MessageDeletedEvent): ApplyOutcome {
    return this.applyEvent(event.roomId, event.seq, (room) => room.tombstone(event.messageId, event.seq));
  }

  /**
   * After every `session:ready`: rooms whose head moved past what we applied are synced.
   * Returns the ids of rooms that started a catch-up.
   */
  checkHeads(heads: readonly RoomHead[]): string[] {
    const started: string[] = [];
    for (const head of heads) {
      const room = this.rooms.get(head.id);
      if (!room) continue;
      room.knownHeadSeq = Math.max(room.knownHeadSeq, head.lastSeq);
      room.syncFailures = 0;
      if (this.catchUpIfBehind(room)) started.push(head.id);
    }
    return started;
  }

  // --- Internals ------------------------------------------------------------------------

  private applyEvent(roomId: string, seq: number, mutate: (room: RoomTimeline) => boolean, syncOnGap = true): ApplyOutcome {
    const room = this.rooms.get(roomId);
    if (!room) return 'untracked';
    room.knownHeadSeq = Math.max(room.knownHeadSeq, seq);
    const changed = mutate(room);
    if (changed) this.changed(roomId);
    // Before the first page there is no baseline; initialize() compares heads afterwards.
    if (!room.ready) return changed ? 'applied' : 'stale';
    if (seq <= room.lastAppliedSeq) return changed ? 'applied' : 'stale';
    if (seq === room.lastAppliedSeq + 1) {
      room.lastAppliedSeq = seq;
      return 'applied';
    }
    if (syncOnGap) this.catchUpIfBehind(room);
    return 'gap';
  }

  private catchUpIfBehind(room: RoomTimeline): boolean {
    if (!room.ready || room.knownHeadSeq <= room.lastAppliedSeq) return false;
    // One catch-up per room at a time; it re-checks the head when it ends.
    if (!room.syncing) void this.runSync(room);
    return true;
  }

  private async runSync(room: RoomTimeline): Promise<void> {
    room.syncing = true;
    this.changed(room.roomId);
    let failed: ApiError | null = null;
    try {
      while (this.rooms.get(room.roomId) === room && room.knownHeadSeq > room.lastAppliedSeq) {
        const ack = await this.requestPage(room);
        if (this.rooms.get(room.roomId) !== room) return;
        if (!ack.ok) {
          failed = ack.error;
          break;
        }
        room.syncFailures = 0;
        let changed = false;
        for (const message of ack.messages) changed = room.merge(message) || changed;
        // Pages are complete up to their newest updatedSeq; the last page up to the head.
        const pageHead = Math.max(0, ...ack.messages.map((m) => m.updatedSeq));
        room.lastAppliedSeq = Math.max(room.lastAppliedSeq, pageHead);
        if (!ack.hasMore) {
          room.lastAppliedSeq = Math.max(room.lastAppliedSeq, ack.lastSeq);
          room.knownHeadSeq = Math.max(room.knownHeadSeq, ack.lastSeq);
        } else if (pageHead === 0) {
          // A server promising more but sending nothing would loop forever.
          failed = { code: 'INTERNAL', message: 'Sync made no progress.' };
          break;
        }
        if (changed) this.changed(room.roomId);
      }
    } finally {
      room.syncing = false;
      this.changed(room.roomId);
    }
    if (failed) this.handleSyncFailure(room, failed);
  }

  private async requestPage(room: RoomTimeline): Promise<Ack<SyncResult>> {
    try {
      return await this.options.sync({
        roomId: room.roomId,
        afterSeq: room.lastAppliedSeq,
        ...(this.options.syncLimit ? { limit: this.options.syncLimit } : {}),
      });
    } catch (err) {
      return { ok: false, error: { code: 'INTERNAL', message: err instanceof Error ? err.message : 'Sync failed.' } };
    }
  }

  private handleSyncFailure(room: RoomTimeline, error: ApiError): void {
    const retries = this.options.syncRetries ?? 3;
    room.syncFailures += 1;
    if (RETRYABLE_CODES.has(error.code) && room.syncFailures <= retries) {
      const delay = (this.options.syncRetryDelayMs ?? 1000) * room.syncFailures;
      this.schedule(() => {
        if (this.rooms.get(room.roomId) === room) this.catchUpIfBehind(room);
      }, delay);
      return;
    }
    this.options.onSyncError?.(room.roomId, error);
  }

  private require(roomId: string): RoomTimeline {
    const room = this.rooms.get(roomId);
    if (!room) throw new Error(`Room ${roomId} is not tracked`);
    return room;
  }

  private changed(roomId: string): void {
    this.options.onChange?.(roomId);
  }
}
