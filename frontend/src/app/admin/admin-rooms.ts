import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { LIMITS, type AdminRoom } from '@chat/contracts';
import { errorMessage } from '../core/api-error';
import { AdminApi } from './admin-api';
import { LoadMore, PagedList } from './paged-list';

/** Find rooms, see their size and activity, page through them, and archive one (after a confirmation). */
@Component({
  selector: 'app-admin-rooms',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './admin-users.css',
  imports: [DatePipe, LoadMore],
  template: `
    <section class="admin-section" aria-labelledby="rooms-heading">
      <div class="admin-section__header">
        <h2 id="rooms-heading">Rooms</h2>
      </div>
      <div class="field">
        <label for="admin-room-search">Search rooms</label>
        <input id="admin-room-search" type="search" autocomplete="off" [attr.maxlength]="maxQuery" (input)="onQuery($event)" />
      </div>
      @if (error() ?? list.error(); as message) {
        <p class="alert" role="alert">{{ message }}</p>
      }
      <ul class="result-list admin-rooms" [attr.aria-busy]="list.loading()">
        @for (room of list.items(); track room.id) {
          <li class="result admin-user">
            <div class="result__main">
              <span class="result__title">
                {{ room.kind === 'dm' ? 'Direct message' : room.name }}
                <span class="tag">{{ room.kind === 'dm' ? 'dm' : room.visibility }}</span>
                @if (room.archivedAt) {
                  <span class="tag tag--danger">archived</span>
                }
              </span>
              <span class="muted">
                {{ room.memberCount }} {{ room.memberCount === 1 ? 'member' : 'members' }} · {{ room.lastSeq }}
                {{ room.lastSeq === 1 ? 'event' : 'events' }} ·
                @if (room.lastActivityAt; as at) {
                  last activity <time [attr.datetime]="at">{{ at | date: 'medium' }}</time>
                } @else {
                  no messages yet
                }
              </span>
            </div>
            @if (confirming() === room.id) {
              <p class="admin-user__ban" role="group" [attr.aria-label]="'Archive ' + room.name">
                <span>Archive? No new messages; history stays.</span>
                <button type="button" class="button button--small button--danger" [disabled]="busy()" (click)="archive(room)">
                  Archive<span class="visually-hidden"> {{ room.name }}</span>
                </button>
                <button type="button" class="button button--small button--ghost" (click)="confirming.set(null)">Cancel</button>
              </p>
            } @else if (!room.archivedAt) {
              <button type="button" class="button button--small button--danger-quiet" [disabled]="busy()" (click)="confirming.set(room.id)">
                Archive…<span class="visually-hidden"> {{ room.name }}</span>
              </button>
            }
          </li>
        } @empty {
          @if (!list.loading()) {
            <li class="muted">No rooms match.</li>
          }
        }
      </ul>
      <app-load-more [list]="list" />
    </section>
  `,
})
export class AdminRoomsPanel {
  private readonly api = inject(AdminApi);

  protected readonly maxQuery = LIMITS.searchQueryMax;
  private readonly query = signal('');
  protected readonly list = new PagedList<AdminRoom, string>((query, cursor) => this.api.rooms(query, cursor));
  protected readonly busy = signal(false);
  /** Why the last archive failed. */
  protected readonly error = signal<string | null>(null);
  /** The room whose archive confirmation is open. */
  protected readonly confirming = signal<string | null>(null);

  constructor() {
    this.list.follow(this.query);
  }

  protected onQuery(event: Event): void {
    if (event.target instanceof HTMLInputElement) this.query.set(event.target.value.trim());
  }

  protected async archive(room: AdminRoom): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.api.archiveRoom(room.id);
      this.list.replace({ ...room, archivedAt: new Date().toISOString() });
      this.confirming.set(null);
    } catch (err) {
      this.error.set(errorMessage(err));
    } finally {
      this.busy.set(false);
    }
  }
}
