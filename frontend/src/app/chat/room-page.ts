import { DOCUMENT } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  afterRenderEffect,
  computed,
  effect,
  inject,
  input,
  linkedSignal,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { Title } from '@angular/platform-browser';
import { Router, RouterLink } from '@angular/router';
import { SessionStore } from '../auth/session-store';
import { MembersPanel } from '../rooms/members-panel';
import { LeaveRoom } from '../rooms/leave-room';
import { RoomSettings } from '../rooms/room-settings';
import { LockIcon } from '../rooms/lock-icon';
import { roomTitle } from '../rooms/my-rooms';
import { NotifySettingsStore } from '../rooms/notify-settings';
import { PresenceStore } from '../rooms/presence-store';
import { RoomsStore } from '../rooms/rooms-store';
import { ChatStore } from './chat-store';
import { Composer } from './composer';
import { DraftStore } from './draft-store';
import { MessageList } from './message-list';
import { jumpSeq, messageJump } from './message-jump';
import { RoomMembersCache } from './room-members-cache';
import { RoomTimelines } from './room-timelines';
import { ThreadPanel } from './thread-panel';
import { TypingIndicators } from './typing-indicators';

/**
 * Wider than the phone layout (max-width: 720px in the styles) and with a mouse or trackpad: a
 * focused text box there pops up no on-screen keyboard over the timeline.
 */
const DESKTOP_INPUT = '(min-width: 721px) and (pointer: fine)';

/** One room: history, live messages, typing, composer. Reused as the route's roomId changes. */
@Component({
  selector: 'app-room-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './room-page.css',
  imports: [RouterLink, MessageList, Composer, MembersPanel, LockIcon, LeaveRoom, RoomSettings, ThreadPanel],
  templateUrl: './room-page.html',
})
export class RoomPage {
  protected readonly chat = inject(ChatStore);
  protected readonly rooms = inject(RoomsStore);
  private readonly session = inject(SessionStore);
  private readonly timelines = inject(RoomTimelines);
  private readonly drafts = inject(DraftStore);
  private readonly notify = inject(NotifySettingsStore);
  private readonly router = inject(Router);
  private readonly typingIndicators = inject(TypingIndicators);
  private readonly window = inject(DOCUMENT).defaultView;

  /** From the route (`rooms/:roomId`). */
  readonly roomId = input.required<string>();
  /** From the query (`?at=SEQ`, a search hit): the message to open the room at. */
  readonly at = input<string>();
  /** From the query (`?thread=ID`): the thread open beside the room. */
  readonly thread = input<string>();
  /** From the query (`?thread=ID&reply=SEQ`, a search hit in a thread): the reply to show in it. */
  readonly reply = input<string>();
  protected readonly replySeq = computed(() => jumpSeq(this.reply()));

  protected readonly room = computed(() => this.rooms.room(this.roomId()));
  private readonly isMember = computed(() => this.room() !== undefined);
  protected readonly title = computed(() => {
    const room = this.room();
    return room ? roomTitle(room) : '';
  });
  protected readonly items = computed(() => this.chat.items(this.roomId()));
  /** The row of the message jumped to, once its history is loaded. */
  protected readonly jumpTo = messageJump(
    this.roomId,
    computed(() => jumpSeq(this.at())),
    this.items,
  );
  /** Room owners and admins may delete anyone's message. */
  protected readonly canModerate = computed(() => this.room()?.myRole === 'owner' || this.session.user()?.role === 'admin');
  /** A live channel's owner and admins may rename it, set its topic, remove members and hand it over. */
  protected readonly canManage = computed(() => {
    const room = this.room();
    return !!room && room.kind === 'channel' && !room.archivedAt && (room.myRole === 'owner' || this.session.user()?.role === 'admin');
  });
  protected readonly state = computed(() => this.timelines.view(this.roomId()));
  protected readonly typing = computed(() => this.typingIndicators.text(this.roomId()));
  protected readonly showMembers = signal(false);
  protected readonly muted = computed(() => this.notify.isMuted(this.roomId()));
  private readonly presence = inject(PresenceStore);
  /** A DM's other person is online (on any pod). */
  protected readonly peerOnline = computed(() => {
    const peer = this.room()?.peer;
    return peer ? this.presence.isOnline(peer.id) : false;
  });
  private readonly members = inject(RoomMembersCache);
  /** Who the composer's `@` suggests: the room's members but me. */
  protected readonly mentionables = computed(() => {
    const meId = this.session.user()?.id;
    return this.members.members(this.roomId()).filter((m) => m.id !== meId);
  });
  /** Errors belong to the room they happened in: moving to another room clears them. */
  protected readonly sendError = linkedSignal<string, string | null>({ source: this.roomId, computation: () => null });
  private readonly messageList = viewChild(MessageList);
  private readonly composer = viewChild(Composer);

  constructor() {
    // Open a room once it is one of mine (the list may still be loading on a reload);
    // close it when the route moves on or the page goes away.
    effect((onCleanup) => {
      const roomId = this.roomId();
      if (!this.isMember()) return;
      untracked(() => this.chat.open(roomId));
      onCleanup(() => this.chat.close(roomId));
    });
    const pageTitle = inject(Title);
    effect(() => {
      const title = this.title();
      if (title) pageTitle.setTitle(`${title} · Chat`);
    });
    // Opening a room puts the cursor in its composer, once per room (its composer may render late, after the room list).
    let focusedRoom: string | null = null;
    afterRenderEffect(() => {
      const roomId = this.roomId();
      const composer = this.composer();
      if (!composer || roomId === focusedRoom) return;
      focusedRoom = roomId;
      if (this.desktopInput()) composer.focus();
    });
  }

  protected draft(): string {
    return this.drafts.draft(this.roomId());
  }

  protected setDraft(text: string): void {
    const roomId = this.roomId();
    if (this.drafts.set(roomId, text)) this.typingIndicators.input(roomId, text.trim().length > 0);
    this.sendError.set(null);
  }

  protected send(body: string): void {
    const error = this.chat.send(this.roomId(), body);
    this.sendError.set(error);
    // My message goes in at the bottom: show it going out, also when I was reading history.
    if (error === null) this.messageList()?.showLatest();
  }

  /** A deleted message took the focus with it: back to writing, or to the timeline on a touch screen. */
  protected refocus(): void {
    const composer = this.composer();
    if (composer && this.desktopInput()) composer.focus();
    else this.messageList()?.focus();
  }

  /** ↑ in the empty composer: my last message goes into edit mode, and the focus comes back here after. */
  protected closeThread(): void {
    void this.router.navigate([], { queryParams: { thread: null, reply: null }, queryParamsHandling: 'merge' });
  }

  protected toggleMute(): void {
    this.notify.setMuted(this.roomId(), !this.muted());
  }

  protected editLast(): void {
    this.messageList()?.editLast(() => this.composer()?.focus());
  }

  protected loadOlder(): void {
    void this.timelines.loadOlder(this.roomId());
  }

  protected reload(): void {
    this.chat.open(this.roomId());
  }

  private desktopInput(): boolean {
    return this.window?.matchMedia?.(DESKTOP_INPUT).matches ?? false;
  }
}
