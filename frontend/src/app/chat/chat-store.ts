import { DOCUMENT } from '@angular/common';
import { DestroyRef, Injectable, inject, linkedSignal } from '@angular/core';
import { bodyProblem, normalizeBody, type Message, type MessageDeletedEvent, type SessionReadyEvent, type User } from '@chat/contracts';
import { SessionStore } from '../auth/session-store';
import { SocketClient } from '../core/socket-client';
import { PresenceStore } from '../rooms/presence-store';
import { RoomsStore } from '../rooms/rooms-store';
import { ChatPersistence } from './chat-persistence';
import { DraftStore } from './draft-store';
import { errorMessage } from '../core/api-error';
import { HistoryApi } from './history-api';
import { Notifier } from './notifier';
import { RoomMembersCache } from './room-members-cache';
import { Outbox } from './outbox';
import { ReadMarks } from './read-marks';
import { RoomTimelines } from './room-timelines';
import { RoomVersions } from './room-versions';
import { buildTimelineItems, type TimelineItem } from './timeline-items';
import type { MessageOrigin } from './timeline-store';
import { TypingIndicators } from './typing-indicators';

/**
 * The realtime side of the chat: routes socket events and my own sends into the room timelines,
 * the outbox and the room list. Drafts, read marks and typing are their own services.
 * Provided by the shell, so it lives exactly as long as the logged-in UI.
 */
@Injectable()
export class ChatStore {
  private readonly socket = inject(SocketClient);
  private readonly session = inject(SessionStore);
  private readonly rooms = inject(RoomsStore);
  private readonly timelines = inject(RoomTimelines);
  private readonly readMarks = inject(ReadMarks);
  private readonly drafts = inject(DraftStore);
  private readonly typing = inject(TypingIndicators);
  private readonly presence = inject(PresenceStore);
  private readonly notifier = inject(Notifier);
  private readonly history = inject(HistoryApi);
  private readonly members = inject(RoomMembersCache);
  private readonly persistence = new ChatPersistence(
    inject(DOCUMENT).defaultView?.localStorage ?? null,
    this.session.user()?.id ?? 'unknown',
  );
  private readonly outboxVersions = new RoomVersions();
  /** Edits waiting for the connection (see edit). */
  private readonly onlineWaiters: (() => void)[] = [];

  /**
   * Sends may go out: connected, and the session announced on this connection. Every change of
   * the connection resets it; `session:ready` sets it.
   */
  private readonly online = linkedSignal({ source: this.socket.connected, computation: () => false });

  private readonly outbox = new Outbox({
    send: (req) => this.socket.send(req),
    online: () => this.online(),
    onSent: (message) => this.receive(message, 'new', 'ack'),
    onChange: (roomId) => {
      this.persistence.saveOutbox(this.outbox.snapshot());
      this.outboxVersions.bump(roomId);
    },
  });

  readonly connection = this.socket.state;

  constructor() {
    // Unsent messages from before a reload go out with the first session:ready.
    this.outbox.restore(this.persistence.loadOutbox());
    this.listen();
  }

  // --- Views for components ---------------------------------------------------------------

  /** Reads only this room's versions: a change elsewhere does not rebuild its list. */
  items(roomId: string): TimelineItem[] {
    this.outboxVersions.read(roomId);
    const meId = this.session.user()?.id ?? null;
    // Thread replies live in their threads (threadReplies), not in the room's timeline.
    const topLevel = this.timelines.messages(roomId).filter((m) => m.threadRootId === null);
    return buildTimelineItems(topLevel, this.outbox.pending(roomId), meId, {
      unreadAfterSeq: this.readMarks.marker(roomId),
    });
  }

  /** A message of a room held here (a thread's root), if loaded. */
  messageById(roomId: string, messageId: string): Message | undefined {
    return this.timelines.messages(roomId).find((m) => m.id === messageId);
  }

  /** A thread's replies held so far (loadThread fetches them; live ones arrive with the room's events), oldest first. */
  threadReplies(roomId: string, rootId: string): Message[] {
    return this.timelines.messages(roomId).filter((m) => m.threadRootId === rootId);
  }

  /** Fetches a thread's replies (every page) into the room's store. Returns an error message or null. */
  async loadThread(roomId: string, rootId: string): Promise<string | null> {
    try {
      let after = 0;
      for (let page = 0; page < 20; page += 1) {
        const { messages, hasMore } = await this.history.thread(rootId, after);
        // As an ack would: stored, and a seq past what the room applied waits for its events instead of syncing.
        for (const message of messages) this.timelines.applyMessage(message, 'ack');
        after = messages[messages.length - 1]?.seq ?? after;
        if (!hasMore || messages.length === 0) return null;
      }
      return null;
    } catch (error) {
      return errorMessage(error);
    }
  }

  /**
   * A reply in a thread: sent at once (not through the outbox: a reply written offline is refused with
   * its reason, and its text stays in the thread's box). Returns an error message or null.
   */
  async reply(roomId: string, rootId: string, body: string): Promise<string | null> {
    const problem = bodyProblem(body);
    if (problem) return problem;
    const ack = await this.socket.send({ roomId, clientMsgId: crypto.randomUUID(), body: normalizeBody(body), threadRootId: rootId });
    if (!ack.ok) return ack.error.message;
    this.receive(ack.message, 'new', 'ack');
    return null;
  }

  // --- Room lifecycle ---------------------------------------------------------------------

  /** The room page shows `roomId`: load it once, back to my first unread message if there is one. */
  open(roomId: string): void {
    this.readMarks.open(roomId);
    this.timelines.open(roomId, this.readMarks.marker(roomId));
  }

  close(roomId: string): void {
    this.readMarks.close(roomId);
    this.typing.stop();
  }

  // --- Writing ----------------------------------------------------------------------------

  /** Returns why the body was refused, or null once it is queued. */
  send(roomId: string, body: string): string | null {
    const problem = bodyProblem(body);
    if (problem) return problem;
    this.outbox.enqueue(roomId, normalizeBody(body));
    this.drafts.clear(roomId);
    this.readMarks.clearMarker(roomId);
    this.typing.stop();
    return null;
  }

  retry(clientMsgId: string): void {
    this.outbox.retry(clientMsgId);
  }

  discard(clientMsgId: string): void {
    this.outbox.discard(clientMsgId);
  }

  /** Returns an error message, or null when the server accepted the edit. */
  async edit(message: Message, body: string): Promise<string | null> {
    const problem = bodyProblem(body);
    if (problem) return problem;
    // Offline: held, like a send, until the next session:ready (the last edit of a message wins).
    if (!this.online()) await this.whenOnline();
    const ack = await this.socket.edit({ messageId: message.id, body: normalizeBody(body) });
    if (!ack.ok) return ack.error.message;
    this.receive(ack.message, 'updated', 'ack');
    return null;
  }

  /**
   * Toggles my reaction with `emoji`: removes it when I am among its reactors, adds it otherwise.
   * A reaction names at most its first 20 reactors; past them, an add that changed nothing (no new
   * seq) means mine was there already, so it is removed instead. Returns an error message or null.
   */
  async toggleReaction(message: Message, emoji: string): Promise<string | null> {
    const meId = this.session.user()?.id ?? '';
    const reaction = message.reactions.find((r) => r.emoji === emoji);
    const mine = reaction?.userIds.includes(meId) ?? false;
    let ack = await this.socket.react({ messageId: message.id, emoji }, !mine);
    const unlisted = reaction !== undefined && reaction.count > reaction.userIds.length;
    if (ack.ok && !mine && unlisted && ack.message.updatedSeq === message.updatedSeq) {
      ack = await this.socket.react({ messageId: message.id, emoji }, false);
    }
    if (!ack.ok) return ack.error.message;
    this.receive(ack.message, 'updated', 'ack');
    return null;
  }

  /** Resolves at the next session:ready. */
  private whenOnline(): Promise<void> {
    return new Promise((resolve) => this.onlineWaiters.push(resolve));
  }

  // --- Socket events ----------------------------------------------------------------------

  private listen(): void {
    const offs = [
      this.socket.on('session:ready', (e) => this.onSessionReady(e)),
      this.socket.on('message:new', (e) => this.receive(e.message, 'new', 'event')),
      this.socket.on('message:updated', (e) => this.receive(e.message, 'updated', 'event')),
      this.socket.on('message:deleted', (e) => this.onDeleted(e)),
      this.socket.on('presence', (e) => this.presence.apply(e.userId, e.online)),
      this.socket.on('room:joined', (e) => {
        this.rooms.upsert(e.room);
        if (e.room.kind === 'dm') void this.presence.refreshPeers([e.room]);
      }),
      this.socket.on('room:left', (e) => this.forgetRoom(e.roomId)),
      this.socket.on('room:archived', (e) => this.rooms.onArchived(e.roomId, e.archivedAt)),
      this.socket.on('room:members', (e) => {
        this.rooms.patchRoom(e.roomId, { memberCount: e.memberCount });
        this.members.refresh(e.roomId);
      }),
      this.socket.on('user:updated', (e) => this.onUserUpdated(e.user)),
    ];
    inject(DestroyRef).onDestroy(() => offs.forEach((off) => off()));
  }

  private onUserUpdated(user: User): void {
    if (user.id === this.session.user()?.id) this.session.updateUser(user);
    this.timelines.renameSender(user);
    this.rooms.renamePeer(user);
  }

  private onSessionReady(event: SessionReadyEvent): void {
    this.session.updateUser(event.user);
    this.rooms.applyHeads(event.rooms);
    const member = new Set(event.rooms.map((r) => r.id));
    for (const roomId of this.timelines.loadedRooms()) {
      if (!member.has(roomId)) this.forgetRoom(roomId);
    }
    // Unsent messages (maybe from before a reload) for rooms I am no longer in can never go out.
    for (const entry of this.outbox.snapshot()) {
      if (!member.has(entry.roomId)) this.outbox.forgetRoom(entry.roomId);
    }
    this.timelines.checkHeads(event.rooms);
    this.online.set(true);
    this.outbox.resume();
    for (const resume of this.onlineWaiters.splice(0)) resume();
    // Presence events were missed while away, and the room list carries none.
    void this.rooms.settled().then(() => this.presence.refreshPeers(this.rooms.dms()));
  }

  /**
   * Every message from the server, whether broadcast to the room or in the ack of my own send
   * or edit, comes through here; each step is idempotent, so my message arriving both ways
   * changes nothing the second time. The outbox entry resolves on whichever comes first.
   */
  private receive(message: Message, kind: 'new' | 'updated', origin: MessageOrigin): void {
    this.timelines.applyMessage(message, origin);
    const mine = message.sender.id === this.session.user()?.id;
    if (mine) this.outbox.settle(message);
    if (kind === 'updated') this.rooms.onEvent(message.roomId, message.updatedSeq);
    // Unread until it has been in view, also in the room being read (ReadMarks counts it off then).
    else {
      this.rooms.onNewMessage(message, !mine, this.session.user()?.id ?? null);
      if (origin === 'event') this.notifier.onMessage(message);
    }
  }

  private onDeleted(event: MessageDeletedEvent): void {
    this.timelines.applyDeleted(event);
    this.rooms.onEvent(event.roomId, event.seq);
  }

  private forgetRoom(roomId: string): void {
    this.rooms.remove(roomId);
    this.timelines.forget(roomId);
    this.outbox.forgetRoom(roomId);
    this.drafts.clear(roomId);
    this.readMarks.forget(roomId);
  }
}
