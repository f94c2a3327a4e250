import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, viewChild } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { filter, map } from 'rxjs';
import { AdminApi } from '../admin/admin-api';
import { AuthApi } from '../auth/auth-api';
import { SessionStore } from '../auth/session-store';
import { ChatStore } from '../chat/chat-store';
import { DraftStore } from '../chat/draft-store';
import { MODERATOR_DELETE, MessageDeletion } from '../chat/message-deletion';
import { Notifier } from '../chat/notifier';
import { RoomMembersCache } from '../chat/room-members-cache';
import { ReadMarks } from '../chat/read-marks';
import { RoomTimelines } from '../chat/room-timelines';
import { TypingIndicators } from '../chat/typing-indicators';
import { PageTitle } from '../core/page-title';
import { SocketClient, SOCKET_SESSION, type ConnectionState } from '../core/socket-client';
import { PresenceStore } from '../rooms/presence-store';
import { RoomList } from '../rooms/room-list';
import { RoomsStore } from '../rooms/rooms-store';
import { ConnectionBanner } from './connection-banner';
import { adjacentRoom } from './room-order';
import { RoomSwitcher } from './room-switcher';

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

/**
 * The logged-in layout. It provides the socket and the stores, so they exist exactly while
 * a user is logged in and are torn down (socket closed) on logout or expiry. It also owns what
 * spans every page: the unread count in the tab's title, Ctrl/Cmd+K (the room switcher) and
 * Alt+↑/↓ (previous/next room in the sidebar).
 */
@Component({
  selector: 'app-shell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './shell.css',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, RoomList, ConnectionBanner, RoomSwitcher],
  host: { '(document:keydown)': 'onKeydown($event)' },
  providers: [
    SocketClient,
    { provide: SOCKET_SESSION, useExisting: SessionStore },
    {
      provide: MODERATOR_DELETE,
      useFactory: () => {
        const admin = inject(AdminApi);
        return (messageId: string) => admin.deleteMessage(messageId);
      },
    },
    RoomsStore,
    PresenceStore,
    RoomTimelines,
    ReadMarks,
    DraftStore,
    TypingIndicators,
    MessageDeletion,
    ChatStore,
    RoomMembersCache,
    Notifier,
  ],
  template: `
    <div class="shell" [class.shell--detail]="detailOpen()">
      <aside class="shell__sidebar">
        <header class="sidebar-header">
          <div class="sidebar-header__me">
            <span class="status-dot" [attr.data-state]="connection()" aria-hidden="true"></span>
            <div class="sidebar-header__who">
              <span class="sidebar-header__name">{{ user()?.displayName || user()?.username }}</span>
              <span class="sidebar-header__status">{{ connectionText() }}</span>
            </div>
          </div>
          <a class="button button--small button--ghost" routerLink="/profile" routerLinkActive="is-active" ariaCurrentWhenActive="page"
            >Profile</a
          >
          <button type="button" class="button button--small button--ghost" (click)="logout()">Log out</button>
        </header>
        <app-room-list />
        @if (isAdmin()) {
          <nav class="sidebar-footer" aria-label="Administration">
            <a class="button button--small button--ghost" routerLink="/admin" routerLinkActive="is-active" ariaCurrentWhenActive="page">
              Admin
            </a>
          </nav>
        }
      </aside>
      <main class="shell__main">
        <app-connection-banner />
        @if (detailOpen() && !inRoom()) {
          <a class="shell__back" routerLink="/"><span aria-hidden="true">‹ </span>Rooms</a>
        }
        <router-outlet />
      </main>
    </div>
    <app-room-switcher [rooms]="sidebarOrder()" (picked)="openRoom($event.id)" />
  `,
})
export class Shell {
  private readonly session = inject(SessionStore);
  private readonly socket = inject(SocketClient);
  private readonly router = inject(Router);
  private readonly document = inject(DOCUMENT);
  private readonly authApi = inject(AuthApi);
  private readonly rooms = inject(RoomsStore);
  private readonly switcher = viewChild.required(RoomSwitcher);

  protected readonly user = this.session.user;
  protected readonly connection = this.socket.state;
  protected readonly connectionText = computed(() => CONNECTION_TEXT[this.connection()]);
  protected readonly isAdmin = computed(() => this.user()?.role === 'admin');
  private readonly url = toSignal(
    this.router.events.pipe(
      filter((e) => e instanceof NavigationEnd),
      map((e) => e.urlAfterRedirects),
    ),
    { initialValue: this.router.url },
  );
  /** On a phone the sidebar and a page take turns; this says which one shows. */
  protected readonly detailOpen = computed(() => this.url() !== '/');
  /** Room pages have their own back link in their header. */
  protected readonly inRoom = computed(() => /^\/rooms\/(?!new$|browse$)[^/]+$/.test(this.url()));
  private readonly currentRoomId = computed(() => /^\/rooms\/(?!new$|browse$)([^/?#]+)/.exec(this.url())?.[1] ?? null);
  /** Rooms, then DMs, as the sidebar lists them. */
  protected readonly sidebarOrder = computed(() => [...this.rooms.channels(), ...this.rooms.dms()]);

  constructor() {
    // Created before connecting, so its socket listeners see the first session:ready.
    inject(ChatStore);
    this.socket.connect();
    void this.rooms.load();
    const title = inject(PageTitle);
    effect(() => title.setUnread(this.rooms.totalUnread()));
    inject(DestroyRef).onDestroy(() => title.setUnread(0));
    // Confirms the token early and refreshes the cached profile; a 401 ends the session.
    this.authApi
      .me()
      .then((user) => this.session.updateUser(user))
      .catch(() => undefined);
  }

  protected onKeydown(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.isComposing) return;
    const command = event.ctrlKey || event.metaKey;
    if (command && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'k') {
      event.preventDefault();
      if (this.switcher().isOpen()) this.switcher().close();
      // Not over another dialog (leaving a room): one modal at a time.
      else if (!this.document.querySelector('dialog[open]')) this.switcher().open();
    } else if (event.altKey && !command && !event.shiftKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      if (this.document.querySelector('dialog[open]')) return;
      const next = adjacentRoom(this.sidebarOrder(), this.currentRoomId(), event.key === 'ArrowUp' ? -1 : 1);
      if (!next) return;
      event.preventDefault();
      this.openRoom(next.id);
    }
  }

  protected openRoom(roomId: string): void {
    void this.router.navigate(['/rooms', roomId]);
  }

  /**
   * Revokes the token on the server, then forgets it here. The socket goes first, so that the server's
   * session:closed for this very token does not read as a session ended by someone else.
   */
  protected async logout(): Promise<void> {
    this.socket.disconnect();
    try {
      await this.authApi.logout();
    } catch {
      // Offline or already revoked: the token is forgotten here all the same, and expires on its own.
    }
    this.session.logout();
  }
}
