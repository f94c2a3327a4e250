import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';
import type { MyRoom } from '@chat/contracts';
import { ChatStore } from '../chat/chat-store';
import { roomTitle } from './my-rooms';
import { RoomsStore } from './rooms-store';

/** Sidebar: my rooms and DMs, most recent first, with unread badges. */
@Component({
  selector: 'app-room-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
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
            <a class="room-link" [routerLink]="['/rooms', room.id]" routerLinkActive="is-active" ariaCurrentWhenActive="page">
              <span class="room-link__icon" aria-hidden="true">{{ room.visibility === 'private' ? '🔒' : '#' }}</span>
              <span class="room-link__name">{{ room.name }}</span>
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
            <a class="room-link" [routerLink]="['/rooms', room.id]" routerLinkActive="is-active" ariaCurrentWhenActive="page">
              <span class="presence-dot" [class.is-online]="isOnline(room)" aria-hidden="true"></span>
              <span class="room-link__name">{{ title(room) }}</span>
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
  private readonly chat = inject(ChatStore);

  protected title(room: MyRoom): string {
    return roomTitle(room);
  }

  protected badge(room: MyRoom): string {
    return room.unread > 99 ? '99+' : String(room.unread);
  }

  protected isOnline(room: MyRoom): boolean {
    return room.peer ? this.chat.presence().get(room.peer.id) === true : false;
  }

  protected reload(): void {
    void this.store.load();
  }
}
