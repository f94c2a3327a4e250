import { ChangeDetectionStrategy, Component, ElementRef, computed, inject, input, output, signal, viewChild } from '@angular/core';
import { LIMITS, type User } from '@chat/contracts';
import { SessionStore } from '../auth/session-store';
import { searchResults } from '../core/search';
import { RoomsApi } from './rooms-api';

let nextId = 0;

/** Search box for people; emits the one picked (and, with `secondaryLabel`, offers a second action). */
@Component({
  selector: 'app-user-search',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="field">
      <label [for]="inputId">{{ label() }}</label>
      <input #box [id]="inputId" type="search" [attr.maxlength]="maxQuery" autocomplete="off" (input)="onQuery($event)" />
    </div>
    @let state = results();
    @if (state.error) {
      <p class="alert" role="alert">{{ state.error }}</p>
    }
    <ul class="result-list" aria-live="polite" [attr.aria-busy]="state.loading">
      @for (user of users(); track user.id) {
        <li class="result">
          <div class="result__main">
            <span class="result__title">{{ user.displayName }}</span>
            <span class="muted">&#64;{{ user.username }}</span>
          </div>
          @if (secondaryLabel(); as secondary) {
            <button
              type="button"
              class="button button--small button--secondary"
              [disabled]="busy() || secondaryDisabled()"
              (click)="secondaryPicked.emit(user)"
            >
              {{ secondary }}<span class="visually-hidden"> {{ user.username }}</span>
            </button>
          }
          <button type="button" class="button button--small" [disabled]="busy()" (click)="picked.emit(user)">
            {{ actionLabel() }}<span class="visually-hidden"> {{ user.username }}</span>
          </button>
        </li>
      } @empty {
        @if (!state.loading && query().trim()) {
          <li class="muted">No one matches.</li>
        }
      }
    </ul>
  `,
})
export class UserSearch {
  private readonly api = inject(RoomsApi);
  private readonly session = inject(SessionStore);

  readonly label = input('Search people');
  readonly actionLabel = input('Select');
  readonly excludeIds = input<readonly string[]>([]);
  readonly busy = input(false);
  readonly picked = output<User>();
  /** A second action beside each person (e.g. "Add to group"), off when unset. */
  readonly secondaryLabel = input<string | null>(null);
  readonly secondaryDisabled = input(false);
  readonly secondaryPicked = output<User>();

  protected readonly inputId = `user-search-${++nextId}`;
  protected readonly maxQuery = LIMITS.searchQueryMax;
  protected readonly query = signal('');
  protected readonly results = searchResults(this.query, (q) => this.api.searchUsers(q));
  protected readonly users = computed(() => {
    const excluded = new Set([...this.excludeIds(), this.session.user()?.id ?? '']);
    return this.results().items.filter((u) => !excluded.has(u.id));
  });

  private readonly box = viewChild.required<ElementRef<HTMLInputElement>>('box');

  protected onQuery(event: Event): void {
    if (event.target instanceof HTMLInputElement) this.query.set(event.target.value);
  }

  /** Empties the box and puts the cursor in it, for the next person. */
  clear(): void {
    this.box().nativeElement.value = '';
    this.query.set('');
    this.box().nativeElement.focus();
  }
}
