import { DestroyRef, Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import type { MyRoom, RoomReadEvent } from '@chat/contracts';
import { SessionStore } from '../auth/session-store';
import { SocketClient } from '../core/socket-client';
import { PageVisibility } from '../core/page-visibility';
import { RoomsStore } from '../rooms/rooms-store';
import { RoomTimelines } from './room-timelines';
import type { UnreadCounts } from '../rooms/my-rooms';
import { countUnread } from './timeline-items';

const READ_DEBOUNCE_MS = 300;

/**
 * Read marks. The message list reports the newest message the reader has had in view; the room
 * is read up to there (and through the edits and deletions after it, which are nothing to read),
 * never past a message of someone else that has not been in view. The count goes down at once;
 * the mark goes to the server after a short pause, only while the room is open and the tab
 * visible, and only forward. Reads from my other tabs update the counters, and each open room
 * remembers where I had read up to when I opened it, for the "new messages" divider.
 * Provided by the shell.
 */
@Injectable()
export class ReadMarks {
  private readonly socket = inject(SocketClient);
  private readonly session = inject(SessionStore);
  private readonly rooms = inject(RoomsStore);
  private readonly timelines = inject(RoomTimelines);
  private readonly visibility = inject(PageVisibility);

  private readonly activeRoom = signal<string | null>(null);
  /** Per open room: my last-read seq when I opened it. */
  private readonly markers = signal<ReadonlyMap<string, number>>(new Map());
  /** Per room: the seq of the newest message that has been in view. */
  private readonly seenSeqs = signal<ReadonlyMap<string, number>>(new Map());
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly sent = new Map<string, number>();

  /** The room the user is looking at right now (open and tab visible). */
  readonly readingRoom = computed(() => (this.visibility.visible() ? this.activeRoom() : null));

  constructor() {
    // Re-runs when the room being read changes or what has been seen of it, not when another room does.
    effect(() => {
      const roomId = this.readingRoom();
      if (!roomId) return;
      const room = this.rooms.room(roomId);
      const ready = this.timelines.isReady(roomId);
      const target = this.readTarget(roomId);
      if (room && ready) untracked(() => this.apply(room, target));
    });
    const off = this.socket.on('room:read', (e) => this.onRead(e));
    inject(DestroyRef).onDestroy(() => {
      off();
      for (const timer of this.timers.values()) clearTimeout(timer);
    });
  }

  /** The message list had message `seq` of the room in view (and so what is above it). */
  seen(roomId: string, seq: number): void {
    if (seq <= (this.seenSeqs().get(roomId) ?? 0)) return;
    this.seenSeqs.update((map) => new Map(map).set(roomId, seq));
  }

  /** "Mark as read": everything in the room, in view or not, without the pause. */
  markAllRead(roomId: string): void {
    const messages = this.timelines.messages(roomId);
    this.seen(roomId, messages[messages.length - 1]?.seq ?? 0);
    clearTimeout(this.timers.get(roomId));
    this.timers.delete(roomId);
    void this.send(roomId);
  }

  /** Messages of someone else in the room that I have not read yet. */
  unread(roomId: string): number {
    return this.rooms.room(roomId)?.unread ?? 0;
  }

  /** Where the "new messages" divider goes in the room, if anywhere. */
  marker(roomId: string): number | null {
    return this.markers().get(roomId) ?? null;
  }

  /** The room page shows `roomId`: remember the divider; what comes into view is read while the tab is visible. */
  open(roomId: string): void {
    const room = this.rooms.room(roomId);
    if (room && room.unread > 0 && !this.markers().has(roomId)) {
      this.markers.update((map) => new Map(map).set(roomId, room.lastReadSeq));
    }
    this.activeRoom.set(roomId);
  }

  close(roomId: string): void {
    if (this.activeRoom() === roomId) this.activeRoom.set(null);
    this.clearMarker(roomId);
  }

  /** After I write in the room, what came before counts as read: the divider goes. */
  clearMarker(roomId: string): void {
    if (!this.markers().has(roomId)) return;
    this.markers.update((map) => {
      const next = new Map(map);
      next.delete(roomId);
      return next;
    });
  }

  forget(roomId: string): void {
    this.clearMarker(roomId);
    this.sent.delete(roomId);
    if (!this.seenSeqs().has(roomId)) return;
    this.seenSeqs.update((map) => {
      const next = new Map(map);
      next.delete(roomId);
      return next;
    });
  }

  /** Read here or in another of my tabs. */
  private onRead(event: RoomReadEvent): void {
    const room = this.rooms.room(event.roomId);
    if (!room) return;
    if (this.timelines.isReady(event.roomId)) {
      this.rooms.onRead(event.roomId, event.seq, this.unreadAfter(event.roomId, event.seq));
    } else if (event.seq >= room.lastSeq) {
      this.rooms.onRead(event.roomId, event.seq);
    } else {
      void this.rooms.refresh(event.roomId);
    }
  }

  /**
   * How far the room may be marked read: through everything seen, and on through what follows
   * up to the next message of someone else that has not been in view. 0 before anything was seen.
   */
  private readTarget(roomId: string): number {
    const seen = this.seenSeqs().get(roomId);
    if (seen === undefined) return 0;
    const meId = this.session.user()?.id ?? null;
    const applied = this.timelines.lastAppliedSeq(roomId);
    // Thread replies are not in the room's list: the mark moves over them.
    const next = this.timelines
      .messages(roomId)
      .find((m) => m.seq > seen && m.deletedAt === null && m.sender.id !== meId && m.threadRootId === null);
    return next ? Math.min(next.seq - 1, applied) : applied;
  }

  /** Counts off what has been read, at once, then schedules telling the server. */
  private apply(room: MyRoom, target: number): void {
    const read = Math.max(target, room.lastReadSeq);
    // Exact when every message after the mark is loaded (nearly always: opening loads back to it).
    const messages = this.timelines.messages(room.id);
    const oldest = messages[0]?.seq;
    const loaded = oldest === undefined || oldest <= read + 1 || !this.timelines.view(room.id).hasOlder;
    const after = this.unreadAfter(room.id, read);
    if (loaded && (after.unread !== room.unread || after.mentions !== room.mentions)) this.rooms.patchRoom(room.id, after);
    this.schedule(room.id, target, room.lastReadSeq);
  }

  private schedule(roomId: string, seq: number, lastReadSeq: number): void {
    if (seq <= lastReadSeq) return;
    const sent = this.sent.get(roomId) ?? 0;
    if (sent >= seq) {
      // A room list fetched before our read was acknowledged came back stale: reapply it.
      this.rooms.onRead(roomId, sent, this.unreadAfter(roomId, sent));
      return;
    }
    if (this.timers.has(roomId)) return;
    this.timers.set(
      roomId,
      setTimeout(() => {
        this.timers.delete(roomId);
        void this.send(roomId);
      }, READ_DEBOUNCE_MS),
    );
  }

  private async send(roomId: string): Promise<void> {
    const seq = this.readTarget(roomId);
    if (this.readingRoom() !== roomId || (this.sent.get(roomId) ?? 0) >= seq) return;
    this.sent.set(roomId, seq);
    const ack = await this.socket.markRead({ roomId, seq });
    if (!ack.ok) {
      // Not worth bothering the user: forget it, so the next change tries again.
      this.sent.delete(roomId);
      return;
    }
    // What came after the mark stays unread until it is in view (then the next mark follows).
    this.rooms.onRead(roomId, seq, this.unreadAfter(roomId, seq));
  }

  private unreadAfter(roomId: string, seq: number): UnreadCounts {
    return countUnread(this.timelines.messages(roomId), seq, this.session.user()?.id ?? null);
  }
}
