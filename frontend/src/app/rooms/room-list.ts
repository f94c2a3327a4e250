import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';
import type { MyRoom } from '@chat/contracts';
import { Avatar } from './avatar';
import { LockIcon } from './lock-icon';
import { MessageSearchBox } from './message-search-box';
import { activityLabel, roomTitle } from './my-rooms';
import { NotifySettingsStore } from './notify-settings';
import { PresenceStore } from './presence-store';
import { RoomsStore } from './rooms-store';

/**
 * Sidebar: my rooms and DMs, most recent first, with unread badges (and "@N" for unread mentions; a
 * muted room's badge is quiet). A link's accessible name is its
 * content, visible text first, so a voice-control user can say what they see; the visually hidden
 * words make it read "general (private), last activity 10:42, 3 unread".
 */
@Component({
  selector: 'app-room-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './room-list.css',
  imports: [RouterLink, RouterLinkActive, LockIcon, Avatar, MessageSearchBox],
  template: `
    <app-message-search-box />
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
              <span class="room-link__icon" aria-hidden="true">
                @if (room.visibility === 'private') {
                  <app-lock-icon />
                } @else {
                  #
                }
              </span>
              <span class="room-link__name">{{ room.name }}</span>
              @if (room.visibility === 'private') {
                <span class="visually-hidden"> (private)</span>
              }
              @if (activity(room); as activity) {
                <span class="room-link__time"><span class="visually-hidden">, last activity </span>{{ activity }}</span>
              }
              @if (muted(room)) {
                <span class="room-link__muted" title="Muted"
                  ><span aria-hidden="true">🔕</span><span class="visually-hidden">, muted</span></span
                >
              }
              @if (room.mentions > 0) {
                <span class="badge badge--mention"
                  ><span class="visually-hidden">, </span>&#64;{{ room.mentions > 99 ? '99+' : room.mentions
                  }}<span class="visually-hidden"> {{ room.mentions === 1 ? 'mention' : 'mentions' }}</span></span
                >
              }
              @if (room.unread > 0) {
                <span class="badge" [class.badge--quiet]="muted(room)"
                  ><span class="visually-hidden">, </span>{{ badge(room) }}<span class="visually-hidden"> unread</span></span
                >
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
              [attr.title]="group(room) ? title(room) : null"
            >
              <!-- A group shows how many people are in it (names cut short look alike); a DM of two shows the other's presence. -->
              <span class="person" aria-hidden="true">
                <app-avatar [userId]="room.peer?.id ?? room.id" [name]="group(room) ? String(room.memberCount) : title(room)" />
                @if (!group(room)) {
                  <span class="presence-dot" [class.is-online]="isOnline(room)"></span>
                }
              </span>
              <span class="room-link__name">{{ title(room) }}</span>
              @if (group(room)) {
                <span class="visually-hidden">, group of {{ room.memberCount }}</span>
              } @else {
                <span class="visually-hidden">{{ isOnline(room) ? ' (online)' : ' (offline)' }}</span>
              }
              @if (activity(room); as activity) {
                <span class="room-link__time"><span class="visually-hidden">, last activity </span>{{ activity }}</span>
              }
              @if (muted(room)) {
                <span class="room-link__muted" title="Muted"
                  ><span aria-hidden="true">🔕</span><span class="visually-hidden">, muted</span></span
                >
              }
              @if (room.unread > 0) {
                <span class="badge" [class.badge--quiet]="muted(room)"
                  ><span class="visually-hidden">, </span>{{ badge(room) }}<span class="visually-hidden"> unread</span></span
                >
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
  private readonly notify = inject(NotifySettingsStore);

  protected title(room: MyRoom): string {
    return roomTitle(room);
  }

  protected activity(room: MyRoom): string {
    return activityLabel(room);
  }

  protected badge(room: MyRoom): string {
    return room.unread > 99 ? '99+' : String(room.unread);
  }

  protected muted(room: MyRoom): boolean {
    return this.notify.isMuted(room.id);
  }

  protected readonly String = String;

  /** A group DM (more than one other person). */
  protected group(room: MyRoom): boolean {
    return (room.people?.length ?? 0) > 1;
  }

  protected isOnline(room: MyRoom): boolean {
    return room.peer ? this.presence.isOnline(room.peer.id) : false;
  }

  protected reload(): void {
    void this.store.load();
  }
}
