import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';
import type { MyRoom } from '@chat/contracts';
import { activityLabel, roomTitle } from './my-rooms';
import { PresenceStore } from './presence-store';
import { RoomsStore } from './rooms-store';

/** Sidebar: my rooms and DMs, most recent first, with unread badges. */
@Component({
  selector: 'app-room-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './room-list.css',
  imports: [RouterLink, RouterLinkActive],
  template: `
    <nav class="room-list" aria-label="Rooms and direct messages">
      <div class="room-list__actions">
        <a class="button button--small" routerLink="/rooms/new">New room</a>
        <a class="button button--small button--secondary" routerLink="/rooms/browse">Browse</a>
        <a class="button button--small button--secondary" routerLink="/dms/new">New message</a>
      </div>

      @if (store.loadError(); as error) {
        <p class="alert" role="alert">{{ error }} <button type="button" class="button button--small" (click)="reload()">Retry</button></p>
      }

      <h2 class="room-list__heading">Rooms</h2>
      <ul class="room-list__items">
        @for (room of store.channels(); track room.id) {
          <li>
            <a
              class="room-link"
              [routerLink]="['/rooms', room.id]"
              routerLinkActive="is-active"
              ariaCurrentWhenActive="page"
              [attr.aria-label]="label(room)"
            >
              <span class="room-link__icon" aria-hidden="true">
                @if (room.visibility === 'private') {
                  <svg viewBox="0 0 16 16"><path d="M4 7V5a4 4 0 1 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 1 0-4 0v2z" /></svg>
                } @else {
                  #
                }
              </span>
              <span class="room-link__name">{{ room.name }}</span>
              @if (room.visibility === 'private') {
                <span class="visually-hidden">(private)</span>
              }
              <span class="room-link__time">{{ activity(room) }}</span>
              @if (room.unread > 0) {
                <span class="badge">{{ badge(room) }}<span class="visually-hidden"> unread</span></span>
              }
            </a>
          </li>
        } @empty {
          <li class="room-list__empty">{{ store.loaded() ? 'No rooms yet' : 'Loading…' }}</li>
        }
      </ul>

      <h2 class="room-list__heading">Direct messages</h2>
      <ul class="room-list__items">
        @for (room of store.dms(); track room.id) {
          <li>
            <a
              class="room-link"
              [routerLink]="['/rooms', room.id]"
              routerLinkActive="is-active"
              ariaCurrentWhenActive="page"
              [attr.aria-label]="label(room)"
            >
              <span class="presence-dot" [class.is-online]="isOnline(room)" aria-hidden="true"></span>
              <span class="room-link__name">{{ title(room) }}</span>
              <span class="visually-hidden">{{ isOnline(room) ? '(online)' : '(offline)' }}</span>
              <span class="room-link__time">{{ activity(room) }}</span>
              @if (room.unread > 0) {
                <span class="badge">{{ badge(room) }}<span class="visually-hidden"> unread</span></span>
              }
            </a>
          </li>
        } @empty {
          <li class="room-list__empty">{{ store.loaded() ? 'No conversations yet' : 'Loading…' }}</li>
        }
      </ul>
    </nav>
  `,
})
export class RoomList {
  protected readonly store = inject(RoomsStore);
  private readonly presence = inject(PresenceStore);

  protected title(room: MyRoom): string {
    return roomTitle(room);
  }

  /** What a screen reader says for the link (the visible bits would run together). */
  protected label(room: MyRoom): string {
    const parts = [room.kind === 'dm' ? `${this.title(room)} (${this.isOnline(room) ? 'online' : 'offline'})` : room.name];
    if (room.kind === 'channel' && room.visibility === 'private') parts[0] += ' (private)';
    if (room.unread > 0) parts.push(`${this.badge(room)} unread`);
    const activity = this.activity(room);
    if (activity) parts.push(`last activity ${activity}`);
    return parts.join(', ');
  }

  protected activity(room: MyRoom): string {
    return activityLabel(room);
  }

  protected badge(room: MyRoom): string {
    return room.unread > 99 ? '99+' : String(room.unread);
  }

  protected isOnline(room: MyRoom): boolean {
    return room.peer ? this.presence.isOnline(room.peer.id) : false;
  }

  protected reload(): void {
    void this.store.load();
  }
}
