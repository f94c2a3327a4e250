import { DOCUMENT } from '@angular/common';
import { DestroyRef, Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import {
  LIMITS,
  bodyProblem,
  normalizeBody,
  type Message,
  type MessageDeletedEvent,
  type RoomReadEvent,
  type SessionReadyEvent,
  type TypingEvent,
} from '@chat/contracts';
import { SessionStore } from '../auth/session-store';
import { errorMessage } from '../core/api-error';
import { ChatSocket } from '../core/chat-socket';
import { PageVisibility } from '../core/page-visibility';
import { PresenceStore } from '../rooms/presence-store';
import { RoomsStore } from '../rooms/rooms-store';
import { ChatPersistence } from './chat-persistence';
import { HistoryApi } from './history-api';
import { MODERATOR_DELETE } from './moderator-delete';
import { Outbox } from './outbox';
import { buildTimelineItems, countUnread, type TimelineItem } from './timeline-items';
import { TimelineStore, type MessageOrigin } from './timeline-store';
import { TypingNotifier, TypingTracker, typingLabel } from './typing-tracker';

export interface RoomLoadState {
  loading: boolean;
  loadingOlder: boolean;
  error: string | null;
}

const IDLE: RoomLoadState = { loading: false, loadingOlder: false, error: null };
const READ_DEBOUNCE_MS = 300;

/**
 * The realtime side of the chat: routes socket events into the plain-TypeScript timeline,
 * outbox and typing models, and exposes them to components as signals.
 * Provided by the shell, so it lives exactly as long as the logged-in UI.
 */
@Injectable()
export class ChatStore {
  private readonly socket = inject(ChatSocket);
  private readonly session = inject(SessionStore);
  private readonly rooms = inject(RoomsStore);
  private readonly history = inject(HistoryApi);
  private readonly visibility = inject(PageVisibility);
  private readonly presenceStore = inject(PresenceStore);
  private readonly moderatorDelete = inject(MODERATOR_DELETE);
  private readonly persistence = new ChatPersistence(
    inject(DOCUMENT).defaultView?.localStorage ?? null,
    this.session.user()?.id ?? 'unknown',
  );

  /** Bumped on every change of the non-signal models, so computeds re-read them. */
  private readonly revision = signal(0);
  private readonly typingRevision = signal(0);
  private readonly loadStates = signal<ReadonlyMap<string, RoomLoadState>>(new Map());
  private readonly activeRoom = signal<string | null>(null);
  private readonly drafts = signal<ReadonlyMap<string, string>>(this.persistence.loadDrafts());
  /** Per open room: my last-read seq when I opened it, for the "new messages" divider. */
  private readonly readMarkers = signal<ReadonlyMap<string, number>>(new Map());
  private readonly readTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly readSent = new Map<string, number>();
  private typingTicker: ReturnType<typeof setInterval> | null = null;

  private readonly timelines = new TimelineStore({
    sync: (req) => this.socket.sync(req),
    onChange: () => this.bump(),
    onSyncError: (roomId, error) => this.setLoadState(roomId, { error: `Could not catch up: ${error.message}` }),
  });

  private readonly outbox = new Outbox({
    send: (req) => this.socket.send(req),
    onSent: (message) => this.receive(message, 'new', 'ack'),
    onChange: () => {
      this.persistence.saveOutbox(this.outbox.snapshot());
      this.bump();
    },
  });

  private readonly typingTracker = new TypingTracker(LIMITS.typingTtlMs);
  private readonly typingNotifier = new TypingNotifier(
    (roomId, typing) => this.socket.typing({ roomId, typing }),
    LIMITS.typingTtlMs / 2,
    3000,
  );

  readonly connection = this.socket.state;
  /** The room the user is looking at right now (open and tab visible). */
  private readonly readingRoom = computed(() => (this.visibility.visible() ? this.activeRoom() : null));

  constructor() {
    // Unsent messages from before a reload go out with the first session:ready.
    this.outbox.restore(this.persistence.loadOutbox());
    this.listen();
    // Leaving 'connected' stops the outbox; `session:ready` restarts it.
    effect(() => {
      if (!this.socket.connected()) this.outbox.setOnline(false);
    });
    effect(() => {
      const roomId = this.readingRoom();
      this.revision();
      const room = roomId ? this.rooms.room(roomId) : undefined;
      if (roomId && room) untracked(() => this.scheduleRead(roomId, room.lastReadSeq));
    });
    inject(DestroyRef).onDestroy(() => {
      this.typingNotifier.stop();
      for (const timer of this.readTimers.values()) clearTimeout(timer);
      if (this.typingTicker !== null) clearInterval(this.typingTicker);
    });
  }

  // --- Views for components ---------------------------------------------------------------

  items(roomId: string): TimelineItem[] {
    this.revision();
    const meId = this.session.user()?.id ?? null;
    return buildTimelineItems(this.timelines.messages(roomId), this.outbox.pending(roomId), meId, {
      unreadAfterSeq: this.readMarkers().get(roomId) ?? null,
    });
  }

  loadState(roomId: string): RoomLoadState & { ready: boolean; hasOlder: boolean; syncing: boolean } {
    this.revision();
    return {
      ...(this.loadStates().get(roomId) ?? IDLE),
      ready: this.timelines.isReady(roomId),
      hasOlder: this.timelines.hasOlder(roomId),
      syncing: this.timelines.isSyncing(roomId),
    };
  }

  typingText(roomId: string): string {
    this.typingRevision();
    return typingLabel(this.typingTracker.usernames(roomId));
  }

  draft(roomId: string): string {
    return this.drafts().get(roomId) ?? '';
  }

  // --- Room lifecycle ---------------------------------------------------------------------

  /** The room page shows `roomId`: load it once, and treat it as read while visible. */
  open(roomId: string): void {
    const room = this.rooms.room(roomId);
    if (room && room.unread > 0 && !this.readMarkers().has(roomId)) {
      this.readMarkers.update((map) => new Map(map).set(roomId, room.lastReadSeq));
    }
    this.activeRoom.set(roomId);
    if (!this.timelines.isReady(roomId) && !this.loadStates().get(roomId)?.loading) void this.loadNewest(roomId);
  }

  close(roomId: string): void {
    if (this.activeRoom() === roomId) this.activeRoom.set(null);
    this.clearReadMarker(roomId);
    this.typingNotifier.stop();
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

  private async loadNewest(roomId: string): Promise<void> {
    // Tracked first, so live events racing the request are kept.
    this.timelines.track(roomId);
    this.setLoadState(roomId, { loading: true, error: null });
    try {
      const page = await this.history.page(roomId);
      if (!this.timelines.isTracked(roomId)) return;
      this.timelines.initialize(roomId, page, this.rooms.room(roomId)?.lastSeq ?? 0);
      this.setLoadState(roomId, { loading: false });
    } catch (err) {
      this.setLoadState(roomId, { loading: false, error: errorMessage(err) });
    }
  }

  // --- Writing ----------------------------------------------------------------------------

  setDraft(roomId: string, text: string): void {
    if (this.draft(roomId) === text) return;
    this.storeDraft(roomId, text);
    this.typingNotifier.input(roomId, text.trim().length > 0);
  }

  /** Returns why the body was refused, or null once it is queued. */
  send(roomId: string, body: string): string | null {
    const problem = bodyProblem(body);
    if (problem) return problem;
    this.syncOutboxWithConnection();
    this.outbox.enqueue(roomId, normalizeBody(body));
    this.storeDraft(roomId, '');
    this.clearReadMarker(roomId);
    this.typingNotifier.stop();
    return null;
  }

  retry(clientMsgId: string): void {
    this.syncOutboxWithConnection();
    this.outbox.retry(clientMsgId);
  }

  /** The effect below is asynchronous; a send right after a drop must already see it. */
  private syncOutboxWithConnection(): void {
    if (!this.socket.connected()) this.outbox.setOnline(false);
  }

  discard(clientMsgId: string): void {
    this.outbox.discard(clientMsgId);
  }

  /** Returns an error message, or null when the server accepted the edit. */
  async edit(message: Message, body: string): Promise<string | null> {
    const problem = bodyProblem(body);
    if (problem) return problem;
    const ack = await this.socket.edit({ messageId: message.id, body: normalizeBody(body) });
    if (!ack.ok) return ack.error.message;
    this.receive(ack.message, 'updated', 'ack');
    return null;
  }

  /**
   * Returns an error message, or null; the tombstone arrives as `message:deleted`.
   * An admin removes other people's messages through the admin API, which audits it.
   */
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

  // --- Socket events ----------------------------------------------------------------------

  private listen(): void {
    const offs = [
      this.socket.on('session:ready', (e) => this.onSessionReady(e)),
      this.socket.on('message:new', (e) => this.receive(e.message, 'new', 'event')),
      this.socket.on('message:updated', (e) => this.receive(e.message, 'updated', 'event')),
      this.socket.on('message:deleted', (e) => this.onDeleted(e)),
      this.socket.on('typing', (e) => this.onTyping(e)),
      this.socket.on('presence', (e) => this.presenceStore.apply(e.userId, e.online)),
      this.socket.on('room:joined', (e) => {
        this.rooms.upsert(e.room);
        if (e.room.kind === 'dm') void this.presenceStore.refreshPeers([e.room]);
      }),
      this.socket.on('room:left', (e) => this.forgetRoom(e.roomId)),
      this.socket.on('room:read', (e) => this.onRead(e)),
      this.socket.on('room:archived', (e) => this.rooms.onArchived(e.roomId, e.archivedAt)),
    ];
    inject(DestroyRef).onDestroy(() => offs.forEach((off) => off()));
  }

  private onSessionReady(event: SessionReadyEvent): void {
    this.session.updateUser(event.user);
    this.rooms.applyHeads(event.rooms);
    const member = new Set(event.rooms.map((r) => r.id));
    for (const roomId of this.loadStates().keys()) {
      if (!member.has(roomId)) this.forgetRoom(roomId);
    }
    // Unsent messages (maybe from before a reload) for rooms I am no longer in can never go out.
    for (const entry of this.outbox.snapshot()) {
      if (!member.has(entry.roomId)) this.outbox.forgetRoom(entry.roomId);
    }
    this.timelines.checkHeads(event.rooms);
    this.outbox.setOnline(true);
    // Presence events were missed while away, and the room list carries none.
    void this.rooms.settled().then(() => this.presenceStore.refreshPeers(this.rooms.dms()));
  }

  /**
   * Every message from the server, whether broadcast to the room or in the ack of my own send
   * or edit, comes through here; each step is idempotent, so my message arriving both ways
   * changes nothing the second time. The outbox entry resolves on whichever comes first.
   */
  private receive(message: Message, kind: 'new' | 'updated', origin: MessageOrigin): void {
    this.timelines.applyMessage(message, origin);
    const meId = this.session.user()?.id ?? null;
    const mine = message.sender.id === meId;
    if (mine) this.outbox.settle(message);
    if (kind === 'updated') {
      this.rooms.onEvent(message.roomId, message.updatedSeq);
      return;
    }
    if (this.typingTracker.clear(message.roomId, message.sender.id)) this.typingRevision.update((v) => v + 1);
    this.rooms.onNewMessage(message, !mine && this.readingRoom() !== message.roomId);
  }

  private onDeleted(event: MessageDeletedEvent): void {
    this.timelines.applyDeleted(event);
    this.rooms.onEvent(event.roomId, event.seq);
  }

  private onTyping(event: TypingEvent): void {
    if (event.user.id === this.session.user()?.id) return;
    if (this.typingTracker.apply(event, Date.now())) this.typingRevision.update((v) => v + 1);
    if (this.typingTracker.active && this.typingTicker === null) {
      this.typingTicker = setInterval(() => {
        if (this.typingTracker.expire(Date.now())) this.typingRevision.update((v) => v + 1);
        if (!this.typingTracker.active && this.typingTicker !== null) {
          clearInterval(this.typingTicker);
          this.typingTicker = null;
        }
      }, 1000);
    }
  }

  /** Read here or in another of my tabs. */
  private onRead(event: RoomReadEvent): void {
    const room = this.rooms.room(event.roomId);
    if (!room) return;
    if (this.timelines.isReady(event.roomId)) {
      const meId = this.session.user()?.id ?? null;
      this.rooms.onRead(event.roomId, event.seq, countUnread(this.timelines.messages(event.roomId), event.seq, meId));
    } else if (event.seq >= room.lastSeq) {
      this.rooms.onRead(event.roomId, event.seq);
    } else {
      void this.rooms.refresh(event.roomId);
    }
  }

  private scheduleRead(roomId: string, lastReadSeq: number): void {
    const seq = this.timelines.lastAppliedSeq(roomId);
    if (!this.timelines.isReady(roomId) || seq <= lastReadSeq) return;
    const sent = this.readSent.get(roomId) ?? 0;
    if (sent >= seq) {
      // A room list fetched before our read was acknowledged came back stale: reapply it.
      const meId = this.session.user()?.id ?? null;
      this.rooms.onRead(roomId, sent, countUnread(this.timelines.messages(roomId), sent, meId));
      return;
    }
    if (this.readTimers.has(roomId)) return;
    this.readTimers.set(
      roomId,
      setTimeout(() => {
        this.readTimers.delete(roomId);
        void this.sendRead(roomId);
      }, READ_DEBOUNCE_MS),
    );
  }

  private async sendRead(roomId: string): Promise<void> {
    const seq = this.timelines.lastAppliedSeq(roomId);
    if (this.readingRoom() !== roomId || (this.readSent.get(roomId) ?? 0) >= seq) return;
    this.readSent.set(roomId, seq);
    const ack = await this.socket.markRead({ roomId, seq });
    if (!ack.ok) {
      // Not worth bothering the user: forget it, so the next change tries again.
      this.readSent.delete(roomId);
      return;
    }
    const meId = this.session.user()?.id ?? null;
    // Still reading: what arrived while the ack was on its way is being read too (the next mark
    // follows); otherwise count what came after the mark.
    const unread = this.readingRoom() === roomId ? 0 : countUnread(this.timelines.messages(roomId), seq, meId);
    this.rooms.onRead(roomId, seq, unread);
  }

  private forgetRoom(roomId: string): void {
    this.rooms.remove(roomId);
    this.timelines.forget(roomId);
    this.outbox.forgetRoom(roomId);
    this.storeDraft(roomId, '');
    this.clearReadMarker(roomId);
    this.readSent.delete(roomId);
    this.loadStates.update((map) => {
      const next = new Map(map);
      next.delete(roomId);
      return next;
    });
  }

  private setLoadState(roomId: string, patch: Partial<RoomLoadState>): void {
    this.loadStates.update((map) => new Map(map).set(roomId, { ...(map.get(roomId) ?? IDLE), ...patch }));
  }

  private storeDraft(roomId: string, text: string): void {
    this.drafts.update((map) => {
      const next = new Map(map);
      if (text) next.set(roomId, text);
      else next.delete(roomId);
      return next;
    });
    this.persistence.saveDraft(roomId, text);
  }

  private clearReadMarker(roomId: string): void {
    if (!this.readMarkers().has(roomId)) return;
    this.readMarkers.update((map) => {
      const next = new Map(map);
      next.delete(roomId);
      return next;
    });
  }

  private bump(): void {
    this.revision.update((v) => v + 1);
  }
}
