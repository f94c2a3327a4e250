import { DestroyRef, Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import type { RoomReadEvent } from '@chat/contracts';
import { SessionStore } from '../auth/session-store';
import { SocketClient } from '../core/socket-client';
import { PageVisibility } from '../core/page-visibility';
import { RoomsStore } from '../rooms/rooms-store';
import { RoomTimelines } from './room-timelines';
import { countUnread } from './timeline-items';

const READ_DEBOUNCE_MS = 300;

/**
 * Read marks: the room I am looking at is marked read (debounced) as messages arrive, reads from
 * my other tabs update the counters, and each open room remembers where I had read up to when I
 * opened it, for the "new messages" divider. Provided by the shell.
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
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly sent = new Map<string, number>();

  /** The room the user is looking at right now (open and tab visible). */
  readonly readingRoom = computed(() => (this.visibility.visible() ? this.activeRoom() : null));

  constructor() {
    // Re-runs when the room being read changes, not when another room does.
    effect(() => {
      const roomId = this.readingRoom();
      if (!roomId) return;
      const room = this.rooms.room(roomId);
      const applied = this.timelines.lastAppliedSeq(roomId);
      const ready = this.timelines.isReady(roomId);
      if (room && ready) untracked(() => this.schedule(roomId, applied, room.lastReadSeq));
    });
    const off = this.socket.on('room:read', (e) => this.onRead(e));
    inject(DestroyRef).onDestroy(() => {
      off();
      for (const timer of this.timers.values()) clearTimeout(timer);
    });
  }

  /** Where the "new messages" divider goes in the room, if anywhere. */
  marker(roomId: string): number | null {
    return this.markers().get(roomId) ?? null;
  }

  /** The room page shows `roomId`: remember the divider, and treat it as read while visible. */
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
    const seq = this.timelines.lastAppliedSeq(roomId);
    if (this.readingRoom() !== roomId || (this.sent.get(roomId) ?? 0) >= seq) return;
    this.sent.set(roomId, seq);
    const ack = await this.socket.markRead({ roomId, seq });
    if (!ack.ok) {
      // Not worth bothering the user: forget it, so the next change tries again.
      this.sent.delete(roomId);
      return;
    }
    // Still reading: what arrived while the ack was on its way is being read too (the next mark
    // follows); otherwise count what came after the mark.
    this.rooms.onRead(roomId, seq, this.readingRoom() === roomId ? 0 : this.unreadAfter(roomId, seq));
  }

  private unreadAfter(roomId: string, seq: number): number {
    return countUnread(this.timelines.messages(roomId), seq, this.session.user()?.id ?? null);
  }
}
