import type { TypingEvent } from '@chat/contracts';

interface Typist {
  /** What the typing line shows: the display name, else the username. */
  name: string;
  expiresAt: number;
}

/** Who is typing where. Entries expire by themselves, as the server's indicator does. */
export class TypingTracker {
  private readonly rooms = new Map<string, Map<string, Typist>>();

  constructor(private readonly ttlMs: number) {}

  /** Returns whether the visible state changed. */
  apply(event: TypingEvent, now: number): boolean {
    if (!event.typing) return this.clear(event.roomId, event.user.id);
    const room = this.rooms.get(event.roomId) ?? new Map<string, Typist>();
    const known = room.has(event.user.id);
    room.set(event.user.id, { name: event.user.displayName || event.user.username, expiresAt: now + this.ttlMs });
    this.rooms.set(event.roomId, room);
    return !known;
  }

  /** They stopped typing, or their message arrived. */
  clear(roomId: string, userId: string): boolean {
    const room = this.rooms.get(roomId);
    const removed = room?.delete(userId) ?? false;
    if (room?.size === 0) this.rooms.delete(roomId);
    return removed;
  }

  /** Drops expired entries; returns whether any were dropped. */
  expire(now: number): boolean {
    let changed = false;
    for (const [roomId, room] of this.rooms) {
      for (const [userId, typist] of room) {
        if (typist.expiresAt <= now) changed = room.delete(userId) || changed;
      }
      if (room.size === 0) this.rooms.delete(roomId);
    }
    return changed;
  }

  get active(): boolean {
    return this.rooms.size > 0;
  }

  names(roomId: string): string[] {
    return [...(this.rooms.get(roomId)?.values() ?? [])].map((t) => t.name).sort();
  }
}

/** "Alice is typing…", "Alice and Bob are typing…", "Several people are typing…". */
export function typingLabel(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}

/**
 * Our own typing signal: one `typing: true` per burst (refreshed before the server's
 * indicator would expire), one `typing: false` when the user pauses or sends.
 */
export class TypingNotifier {
  private typingRoom: string | null = null;
  private lastSentAt = 0;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly emit: (roomId: string, typing: boolean) => void,
    private readonly refreshMs: number,
    private readonly idleMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The user changed the draft of a room. */
  input(roomId: string, hasText: boolean): void {
    if (!hasText) {
      this.stop();
      return;
    }
    if (this.typingRoom !== null && this.typingRoom !== roomId) this.stop();
    const now = this.now();
    if (this.typingRoom !== roomId || now - this.lastSentAt >= this.refreshMs) {
      this.typingRoom = roomId;
      this.lastSentAt = now;
      this.emit(roomId, true);
    }
    this.resetIdle();
  }

  stop(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.typingRoom === null) return;
    const roomId = this.typingRoom;
    this.typingRoom = null;
    this.emit(roomId, false);
  }

  private resetIdle(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), this.idleMs);
  }
}
