import { Injectable, inject, signal } from '@angular/core';
import { LIMITS, type HistoryPage, type Message, type MessageDeletedEvent, type MessageSender, type RoomHead } from '@chat/contracts';
import { errorMessage } from '../core/api-error';
import { SocketClient } from '../core/socket-client';
import { RoomsStore } from '../rooms/rooms-store';
import { HistoryApi } from './history-api';
import { RoomVersions } from './room-versions';
import { TimelineStore, type ApplyOutcome, type MessageOrigin } from './timeline-store';

export interface RoomLoadState {
  loading: boolean;
  loadingOlder: boolean;
  error: string | null;
}

export type RoomView = RoomLoadState & { ready: boolean; hasOlder: boolean; syncing: boolean };

const IDLE: RoomLoadState = { loading: false, loadingOlder: false, error: null };

/**
 * How many older messages opening a room may load to reach its first unread one. Past that
 * the room opens at the oldest message loaded, the "new messages" divider above it.
 */
export const LOAD_BACK_MAX = 500;

/**
 * The plain-TypeScript timelines as signals: every read tracks the room's own version, so a
 * change in one room re-runs only what shows that room. Also loads history pages.
 * Provided by the shell.
 */
@Injectable()
export class RoomTimelines {
  private readonly socket = inject(SocketClient);
  private readonly history = inject(HistoryApi);
  private readonly rooms = inject(RoomsStore);
  private readonly versions = new RoomVersions();
  private readonly loadStates = signal<ReadonlyMap<string, RoomLoadState>>(new Map());

  private readonly timelines = new TimelineStore({
    sync: (req) => this.socket.sync(req),
    onChange: (roomId) => this.versions.bump(roomId),
    onSyncError: (roomId, error) => this.setLoadState(roomId, { error: `Could not catch up: ${error.message}` }),
  });

  // --- Reading (tracked per room) ---------------------------------------------------------

  messages(roomId: string): readonly Message[] {
    this.versions.read(roomId);
    return this.timelines.messages(roomId);
  }

  isReady(roomId: string): boolean {
    this.versions.read(roomId);
    return this.timelines.isReady(roomId);
  }

  lastAppliedSeq(roomId: string): number {
    this.versions.read(roomId);
    return this.timelines.lastAppliedSeq(roomId);
  }

  view(roomId: string): RoomView {
    this.versions.read(roomId);
    return {
      ...(this.loadStates().get(roomId) ?? IDLE),
      ready: this.timelines.isReady(roomId),
      hasOlder: this.timelines.hasOlder(roomId),
      syncing: this.timelines.isSyncing(roomId),
    };
  }

  // --- Loading ----------------------------------------------------------------------------

  /**
   * Loads the room's newest page once (again after a failure). With `readUpTo` (my read mark,
   * when there is something unread) it also loads back until that message, so the room can
   * open at the first unread one: at most LOAD_BACK_MAX messages more.
   */
  open(roomId: string, readUpTo: number | null = null): void {
    if (!this.timelines.isReady(roomId) && !this.loadStates().get(roomId)?.loading) void this.loadNewest(roomId, readUpTo);
  }

  async loadOlder(roomId: string): Promise<void> {
    const before = this.timelines.oldestSeq(roomId);
    const state = this.loadStates().get(roomId) ?? IDLE;
    if (before === null || state.loadingOlder || !this.timelines.hasOlder(roomId)) return;
    this.setLoadState(roomId, { loadingOlder: true, error: null });
    try {
      this.timelines.prependOlder(roomId, await this.history.page(roomId, before));
      this.setLoadState(roomId, { loadingOlder: false });
    } catch (err) {
      this.setLoadState(roomId, { loadingOlder: false, error: errorMessage(err) });
    }
  }

  private async loadNewest(roomId: string, readUpTo: number | null): Promise<void> {
    // Tracked first, so live events racing the request are kept.
    this.timelines.track(roomId);
    this.setLoadState(roomId, { loading: true, error: null });
    try {
      const page = await this.history.page(roomId);
      // The room is shown once the loaded messages reach my read mark (or the bound): opening
      // it at the newest page first would scroll past the unread ones, and mark them read.
      const older: HistoryPage[] = [];
      let last = page;
      let loaded = 0;
      while (readUpTo !== null && last.hasMore && loaded < LOAD_BACK_MAX) {
        const oldest = last.messages[last.messages.length - 1]?.seq;
        if (oldest === undefined || oldest <= readUpTo) break;
        last = await this.history.page(roomId, oldest, LIMITS.historyPageMax);
        if (!this.timelines.isTracked(roomId)) return;
        older.push(last);
        loaded += last.messages.length;
      }
      if (!this.timelines.isTracked(roomId)) return;
      this.timelines.initialize(roomId, page, this.rooms.room(roomId)?.lastSeq ?? 0, older);
      this.setLoadState(roomId, { loading: false });
    } catch (err) {
      this.setLoadState(roomId, { loading: false, error: errorMessage(err) });
    }
  }

  // --- Changes ----------------------------------------------------------------------------

  applyMessage(message: Message, origin: MessageOrigin): ApplyOutcome {
    return this.timelines.applyMessage(message, origin);
  }

  applyDeleted(event: MessageDeletedEvent): ApplyOutcome {
    return this.timelines.applyDeleted(event);
  }

  renameSender(sender: MessageSender): void {
    this.timelines.renameSender(sender);
  }

  checkHeads(heads: readonly RoomHead[]): void {
    this.timelines.checkHeads(heads);
  }

  /** Rooms loaded or loading, so `session:ready` can drop the ones I left. */
  loadedRooms(): string[] {
    return [...this.loadStates().keys()];
  }

  forget(roomId: string): void {
    this.timelines.forget(roomId);
    this.loadStates.update((map) => {
      const next = new Map(map);
      next.delete(roomId);
      return next;
    });
  }

  private setLoadState(roomId: string, patch: Partial<RoomLoadState>): void {
    this.loadStates.update((map) => new Map(map).set(roomId, { ...(map.get(roomId) ?? IDLE), ...patch }));
  }
}
