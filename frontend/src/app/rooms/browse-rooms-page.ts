import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { Room } from '@chat/contracts';
import { LIMITS } from '@chat/contracts';
import { errorMessage } from '../core/api-error';
import { searchResults } from '../core/search';
import { RoomsApi } from './rooms-api';
import { RoomsStore } from './rooms-store';

@Component({
  selector: 'app-browse-rooms-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <section class="page">
      <h1>Public rooms</h1>
      <div class="field">
        <label for="room-search">Search public rooms</label>
        <input id="room-search" type="search" [attr.maxlength]="maxQuery" autocomplete="off" (input)="onQuery($event)" />
      </div>
      @if (error(); as message) {
        <p class="alert" role="alert">{{ message }}</p>
      }
      @let state = results();
      @if (state.error) {
        <p class="alert" role="alert">{{ state.error }}</p>
      }
      <ul class="result-list" aria-live="polite" [attr.aria-busy]="state.loading">
        @for (room of state.items; track room.id) {
          <li class="result">
            <div class="result__main">
              <span class="result__title"># {{ room.name }}</span>
              <span class="muted">{{ room.memberCount }} {{ room.memberCount === 1 ? 'member' : 'members' }}</span>
            </div>
            @if (isMember(room)) {
              <a class="button button--small button--secondary" [routerLink]="['/rooms', room.id]">Open</a>
            } @else {
              <button type="button" class="button button--small" [disabled]="joining() === room.id" (click)="join(room)">
                Join<span class="visually-hidden"> {{ room.name }}</span>
              </button>
            }
          </li>
        } @empty {
          @if (!state.loading) {
            <li class="muted">No public rooms match.</li>
          }
        }
      </ul>
    </section>
  `,
})
export class BrowseRoomsPage {
  private readonly api = inject(RoomsApi);
  private readonly rooms = inject(RoomsStore);
  private readonly router = inject(Router);

  protected readonly maxQuery = LIMITS.searchQueryMax;
  private readonly query = signal('');
  protected readonly results = searchResults(this.query, (q) => this.api.publicRooms(q));
  protected readonly joining = signal<string | null>(null);
  protected readonly error = signal<string | null>(null);

  protected onQuery(event: Event): void {
    if (event.target instanceof HTMLInputElement) this.query.set(event.target.value);
  }

  protected isMember(room: Room): boolean {
    return this.rooms.room(room.id) !== undefined;
  }

  protected async join(room: Room): Promise<void> {
    this.joining.set(room.id);
    this.error.set(null);
    try {
      await this.rooms.join(room.id);
      await this.router.navigate(['/rooms', room.id]);
    } catch (err) {
      this.error.set(errorMessage(err));
    } finally {
      this.joining.set(null);
    }
  }
}
